//! Incremental crawl benchmark: the fixture county crawled twice with nothing changed in
//! between. Prints the requests and bytes of each run; the second run's bytes should be under
//! 10 % of the first's (conditional requests answered 304).
//!
//! `cargo bench --bench incremental`

use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use gongkai::audit::{crawl, CrawlOptions};
use gongkai::config::PortalConfig;
use gongkai::fixture::FixtureServer;
use gongkai::store::Store;

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(bench());
}

async fn bench() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store = Store::connect(&db).await.expect("store");
    let server = FixtureServer::start(&root.join("fixtures/portal"))
        .await
        .expect("fixture server");
    let mut config = PortalConfig::load(&root.join("selectors/fixture.toml")).expect("config");
    config.portal.base_url = server.base_url().parse().unwrap();
    let opts = CrawlOptions {
        config,
        config_path: "selectors/fixture.toml".into(),
        rubric: gongkai::rubric::Rubric::bundled_2020(),
        as_of: NaiveDate::from_ymd_opt(2020, 12, 15).expect("date"),
        resume: false,
        // The crawl's own cost is measured; the link check is its own step.
        check_links: false,
    };
    let mut seen = 0;
    let mut first_bytes = 0u64;
    for label in ["first run", "second run (nothing changed)"] {
        let started = Instant::now();
        let summary = crawl(&store, opts.clone(), &|_| {}).await.expect("crawl");
        let elapsed = started.elapsed();
        let requests = server.requests();
        let this: Vec<_> = requests[seen..].to_vec();
        seen = requests.len();
        let bytes: u64 = this.iter().map(|r| r.bytes).sum();
        let not_modified = this.iter().filter(|r| r.status == 304).count();
        let conditional = this.iter().filter(|r| r.if_none_match.is_some()).count();
        if first_bytes == 0 {
            first_bytes = bytes;
        }
        println!(
            "{label}: {} requests ({conditional} conditional, {not_modified} × 304), {bytes} bytes served \
             ({:.1} % of the first run), crawler counted {} requests / {} bytes, {:.1} s, status {}",
            this.len(),
            100.0 * bytes as f64 / first_bytes.max(1) as f64,
            summary.requests,
            summary.bytes,
            elapsed.as_secs_f64(),
            summary.status.as_str(),
        );
    }
    server.stop().await;
}
