//! Benchmark of distributed runs: the fixture county crawled by 1, 2 and 4 workers on one
//! PostgreSQL, with the rate limit lifted and held at 50 req/s, reporting wall time and the
//! database's load (transactions committed, rows written and read: `pg_stat_database` deltas).
//! Needs `GONGKAI_TEST_PG_URL` (see scripts/start-postgres.sh); `cargo bench --bench workers`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use gongkai::audit::{enqueue, work, EnqueueOptions, WorkerOptions};
use gongkai::config::PortalConfig;
use gongkai::fixture::FixtureServer;
use gongkai::store::scratch::{create_scratch_database, drop_scratch_database, TEST_PG_URL_VAR};
use gongkai::store::Store;
use sqlx::{Connection, PgConnection, Row};

/// Counters of one database from `pg_stat_database`.
#[derive(Debug, Clone, Copy, Default)]
struct DbLoad {
    xact_commit: i64,
    written: i64,
    fetched: i64,
}

async fn load_of(url: &str) -> DbLoad {
    let mut c = PgConnection::connect(url).await.expect("stats connection");
    let row = sqlx::query(
        "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted AS written,
                tup_fetched AS fetched
         FROM pg_stat_database WHERE datname = current_database()",
    )
    .fetch_one(&mut c)
    .await
    .expect("pg_stat_database");
    let load = DbLoad {
        xact_commit: row.get("xact_commit"),
        written: row.get("written"),
        fetched: row.get("fetched"),
    };
    let _ = c.close().await;
    load
}

async fn one(admin: &str, workers: usize, rate: Option<f64>) -> (Duration, DbLoad, i64) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let server = FixtureServer::start(&root.join("fixtures/portal"))
        .await
        .expect("fixture server");
    let mut config = PortalConfig::load(&root.join("selectors/fixture.toml")).expect("config");
    config.portal.base_url = server.base_url().parse().unwrap();
    config.crawl.rate_per_sec = rate.unwrap_or(1_000_000.0);
    let url = create_scratch_database(admin, "bench_workers")
        .await
        .expect("scratch database");
    let store = Store::connect(&url).await.expect("store");
    let run_id = enqueue(
        &store,
        &EnqueueOptions {
            config: config.clone(),
            config_path: "selectors/fixture.toml".into(),
            as_of: NaiveDate::from_ymd_opt(2020, 12, 15).expect("date"),
        },
    )
    .await
    .expect("enqueue");
    // Stats are flushed by the server about once a second.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let before = load_of(&url).await;
    let started = Instant::now();
    let tasks: Vec<_> = (0..workers)
        .map(|i| {
            let (url, mut opts) = (
                url.clone(),
                WorkerOptions::new(config.clone(), format!("w{i}")),
            );
            opts.poll = Duration::from_millis(100);
            tokio::spawn(async move {
                let store = Store::connect(&url).await.expect("worker store");
                let report = work(&store, &opts, &|_| {}).await.expect("worker");
                store.close().await;
                report
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("worker task");
    }
    let wall = started.elapsed();
    let requests = store.run(run_id).await.expect("run").stats.requests;
    store.close().await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let after = load_of(&url).await;
    let _ = drop_scratch_database(admin, &url).await;
    server.stop().await;
    let load = DbLoad {
        xact_commit: after.xact_commit - before.xact_commit,
        written: after.written - before.written,
        fetched: after.fetched - before.fetched,
    };
    (wall, load, requests)
}

fn main() {
    let Ok(admin) = std::env::var(TEST_PG_URL_VAR) else {
        eprintln!(
            "SKIPPED: set {TEST_PG_URL_VAR}=postgres://… (scripts/start-postgres.sh prints it)"
        );
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "{:<10} {:>8} {:>9} {:>9} {:>10} {:>12} {:>12} {:>10}",
        "rate",
        "workers",
        "wall s",
        "requests",
        "req/s",
        "xact_commit",
        "rows written",
        "rows read"
    );
    for rate in [None, Some(50.0)] {
        for workers in [1, 2, 4] {
            let (wall, load, requests) = rt.block_on(one(&admin, workers, rate));
            println!(
                "{:<10} {:>8} {:>9.2} {:>9} {:>10.1} {:>12} {:>12} {:>10}",
                rate.map_or("lifted".to_string(), |r| format!("{r}/s")),
                workers,
                wall.as_secs_f64(),
                requests,
                requests as f64 / wall.as_secs_f64(),
                load.xact_commit,
                load.written,
                load.fetched
            );
        }
    }
}
