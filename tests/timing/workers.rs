//! Several crawler workers on one PostgreSQL: two workers share the fixture county's run, one
//! is killed while it holds a lease, and the run still ends with the ground truth's findings,
//! while the portal never saw more than its configured rate from both together.

use crate::support::pg_common;

use std::time::Duration;

use gongkai::audit::{enqueue, work, EnqueueOptions, WorkerOptions, WorkerReport};
use gongkai::store::{JobKind, RunStatus, Store};
use pg_common::{as_of, busiest_second, compare, fixture, ground_truth, PgDb};

fn no_events(_: gongkai::audit::WorkerEvent) {}

fn spawn_worker(
    store: Store,
    opts: WorkerOptions,
) -> tokio::task::JoinHandle<Result<WorkerReport, gongkai::audit::CrawlError>> {
    tokio::spawn(async move { work(&store, &opts, &no_events).await })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_one_killed_end_with_the_ground_truth_at_the_rate() {
    let Some(db) = PgDb::fresh("workers_kill").await else {
        return;
    };
    let (server, mut config) = fixture().await;
    let rate = 60.0;
    config.crawl.rate_per_sec = rate;
    let store = Store::connect(&db.url).await.unwrap();
    let run_id = enqueue(
        &store,
        &EnqueueOptions {
            config: config.clone(),
            config_path: "selectors/fixture.toml".into(),
            as_of: as_of(),
        },
    )
    .await
    .unwrap();

    // Two workers, each with its own connections, as on two machines.
    let mut opts = WorkerOptions::new(config.clone(), "A");
    // Requests per second of the crawl itself are measured, not the link check's.
    opts.check_links = false;
    opts.lease = Duration::from_secs(3);
    opts.poll = Duration::from_millis(100);
    let a_opts = opts.clone();
    let mut a = spawn_worker(Store::connect(&db.url).await.unwrap(), a_opts.clone());
    opts.name = "B".into();
    let b = spawn_worker(Store::connect(&db.url).await.unwrap(), opts);

    // Kill A once the run is well under way while it holds a lease. Right after the kill its
    // lease is still there beside B's (each worker holds one job at a time): fewer than two
    // leases means A was between two jobs (or B was), and a new A is started to try again.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    let mut tries = 0;
    loop {
        while server.requests().len() < 400 || store.job_counts(run_id).await.unwrap().leased < 2 {
            assert!(tokio::time::Instant::now() < deadline, "no progress");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        a.abort();
        assert!(a.await.unwrap_err().is_cancelled());
        if store.job_counts(run_id).await.unwrap().leased >= 2 {
            break;
        }
        tries += 1;
        assert!(tries < 5, "A was never killed holding a job");
        a = spawn_worker(Store::connect(&db.url).await.unwrap(), a_opts.clone());
    }

    let report = tokio::time::timeout(Duration::from_secs(240), b)
        .await
        .expect("the surviving worker must finish the run")
        .unwrap()
        .unwrap();
    assert_eq!(report.runs_finished, vec![run_id]);

    let run = store.run(run_id).await.unwrap();
    // As in a single SQLite run: the two planted dead links (a column page, and 扶贫办's 制度
    // document page) make the run partial.
    assert_eq!(run.status, RunStatus::Partial, "{run:?}");
    assert_eq!(run.stats.errors, 2, "{run:?}");
    let findings = store.findings(run_id).await.unwrap();
    let problems = compare(&findings, &ground_truth());
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // The killed worker's job was taken again after its lease expired.
    let jobs = store.job_results(run_id).await.unwrap();
    assert!(
        jobs.iter()
            .all(|j| j.state == gongkai::store::JobState::Done),
        "{jobs:?}"
    );
    assert!(
        jobs.iter()
            .any(|j| j.job.kind != JobKind::Finalize && j.job.attempts >= 2),
        "no job was taken over"
    );

    // Both workers together kept the portal's rate.
    let busiest = busiest_second(&server.requests());
    // Granted at the rate with a burst of one; measured on arrival, one request of jitter.
    assert!(
        busiest <= rate as usize + 2,
        "{busiest} requests within 1 s (rate {rate})"
    );
    store.close().await;
    db.drop_now().await;
}
