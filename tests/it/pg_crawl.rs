//! The single-process crawl on PostgreSQL: the fixture county meets the ground truth exactly,
//! as it does on SQLite (tests/crawl.rs); and two counties share one database, each with its
//! own runs, workers and current run.

use crate::support::pg_common;

use std::time::Duration;

use gongkai::audit::{crawl, enqueue, work, CrawlOptions, EnqueueOptions, WorkerOptions};
use gongkai::store::{RunStatus, Store};
use pg_common::{as_of, compare, fixture, ground_truth, PgDb};

fn no_progress(_: gongkai::audit::Progress) {}
fn no_events(_: gongkai::audit::WorkerEvent) {}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_county_on_postgres_meets_the_ground_truth() {
    let Some(db) = PgDb::fresh("pg_crawl").await else {
        return;
    };
    let (_server, config) = fixture().await;
    let store = Store::connect(&db.url).await.unwrap();
    let opts = CrawlOptions {
        config,
        config_path: "selectors/fixture.toml".into(),
        rubric: gongkai::rubric::Rubric::bundled_2020(),
        as_of: as_of(),
        resume: false,
        // The link check has its own tests (links.rs); these count the crawl's requests.
        check_links: false,
    };
    let summary = crawl(&store, opts, &no_progress).await.unwrap();
    assert_eq!(summary.status, RunStatus::Partial);
    assert_eq!(summary.errors, 2, "{summary:?}");
    assert_eq!(summary.units.len(), 49);
    let problems = compare(
        &store.findings(summary.run_id).await.unwrap(),
        &ground_truth(),
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    store.close().await;
    db.drop_now().await;
}

/// Two counties in one database (on SQLite, and on PostgreSQL when given): each worker takes
/// only its own portal's jobs, and each county's current run is its own.
async fn two_portals(store: &Store, url: &str) {
    let (_server, base) = fixture().await;
    let mut configs = Vec::new();
    for (name, units) in [
        ("县甲", ["田园镇", "工信局"]),
        ("县乙", ["大田坝镇", "工信局"]),
    ] {
        let mut c = base.clone();
        c.portal.name = name.into();
        c.crawl.rate_per_sec = 200.0;
        c.units.retain(|u| units.contains(&u.name.as_str()));
        let opts = EnqueueOptions {
            config: c.clone(),
            config_path: format!("selectors/{name}.toml"),
            as_of: as_of(),
        };
        enqueue(store, &opts).await.unwrap();
        configs.push(c);
    }
    let workers = configs.iter().map(|c| {
        let mut opts = WorkerOptions::new(c.clone(), format!("w-{}", c.portal.name));
        opts.poll = Duration::from_millis(50);
        opts.check_links = false;
        async move {
            let store = Store::connect(url).await.unwrap();
            work(&store, &opts, &no_events).await.unwrap()
        }
    });
    let reports = futures::future::join_all(workers).await;
    assert_eq!(reports[0].runs_finished.len(), 1);
    assert_eq!(reports[1].runs_finished.len(), 1);
    for (c, units) in configs
        .iter()
        .zip([["田园镇", "工信局"], ["大田坝镇", "工信局"]])
    {
        let run = store
            .latest_finished_run_of(Some(&c.portal.name))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(run.portal, c.portal.name);
        let findings = store.findings(run.id).await.unwrap();
        assert!(!findings.is_empty());
        assert!(findings.iter().all(|f| units.contains(&f.unit.as_str())));
    }
    // 大田坝镇 has no guide (−5), in 县乙's run only.
    let yi = store
        .latest_finished_run_of(Some("县乙"))
        .await
        .unwrap()
        .unwrap();
    let jia = store
        .latest_finished_run_of(Some("县甲"))
        .await
        .unwrap()
        .unwrap();
    assert!(store
        .findings(yi.id)
        .await
        .unwrap()
        .iter()
        .any(|f| f.unit == "大田坝镇" && f.reason == gongkai::model::Reason::GuideMissing));
    assert_ne!(yi.id, jia.id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_portals_share_a_sqlite_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let store = Store::connect(&url).await.unwrap();
    two_portals(&store, &url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_portals_share_a_postgres_database() {
    let Some(db) = PgDb::fresh("pg_portals").await else {
        return;
    };
    let store = Store::connect(&db.url).await.unwrap();
    two_portals(&store, &db.url).await;
    store.close().await;
    db.drop_now().await;
}
