//! Crawls the whole fixture county with the rate limit lifted and reports pages/s, requests,
//! CPU time and peak memory, plus what a full run costs at the real portal's 2 requests/s.
//!
//! `cargo bench --bench crawl`

use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use gongkai::audit::{crawl, CrawlOptions, Progress};
use gongkai::config::PortalConfig;
use gongkai::fixture::FixtureServer;
use gongkai::store::Store;

fn rusage() -> (f64, f64) {
    // SAFETY: getrusage writes into the struct we pass; it is plain data.
    let mut r: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut r) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (
        secs(r.ru_utime) + secs(r.ru_stime),
        r.ru_maxrss as f64 / 1024.0,
    )
}

fn no_progress(_: Progress) {}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    rt.block_on(async {
        let server = FixtureServer::start(&root.join("fixtures/portal"))
            .await
            .expect("fixture server");
        let mut config =
            PortalConfig::load(&root.join("selectors/fixture.toml")).expect("fixture config");
        config.portal.base_url = server.base_url().parse().unwrap();
        config.crawl.rate_per_sec = 100_000.0;
        config.crawl.concurrency = 8;
        config.crawl.backoff_ms = 10;
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::connect(&format!("sqlite://{}", dir.path().join("b.db").display()))
            .await
            .expect("store");
        let (cpu0, _) = rusage();
        let t0 = Instant::now();
        let opts = CrawlOptions {
            config: config.clone(),
            config_path: "selectors/fixture.toml".into(),
            rubric: gongkai::rubric::Rubric::bundled_2020(),
            as_of: NaiveDate::from_ymd_opt(2020, 12, 15).expect("date"),
            resume: false,
            // The crawl's own cost is measured; the link check is its own step.
            check_links: false,
        };
        let summary = crawl(&store, opts, &no_progress).await.expect("crawl");
        let wall = t0.elapsed().as_secs_f64();
        let (cpu1, peak_mb) = rusage();
        let pages = store.pages(summary.run_id).await.expect("pages").len();
        let served = server.requests().len();
        println!("fixture county: {} units", config.units.len());
        println!("wall time        {wall:>10.2} s");
        println!("pages stored     {pages:>10}");
        println!(
            "requests made    {:>10} (server saw {served}; retries {})",
            summary.requests, summary.retries
        );
        println!(
            "bytes received   {:>10.1} MB",
            summary.bytes as f64 / 1_048_576.0
        );
        println!("pages/s          {:>10.1}", pages as f64 / wall);
        println!("requests/s       {:>10.1}", summary.requests as f64 / wall);
        println!(
            "CPU time         {:>10.2} s (user+sys, includes the fixture server)",
            cpu1 - cpu0
        );
        println!("peak memory      {peak_mb:>10.1} MB (max RSS of the process)");
        let per_unit = summary.requests as f64 / config.units.len() as f64;
        let at_rate = summary.requests as f64 / 2.0;
        println!(
            "at 2 requests/s this county takes {:.0} requests = {:.1} min ({per_unit:.1} per unit)",
            summary.requests,
            at_rate / 60.0
        );
    });
}
