//! The fixture county crawled on SQLite: served on loopback, one run at a time.

use std::path::PathBuf;

use chrono::NaiveDate;
use gongkai::audit::{crawl, CrawlOptions, CrawlSummary};
use gongkai::config::PortalConfig;
use gongkai::fixture::FixtureServer;
use gongkai::store::Store;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 12, 15).unwrap()
}

pub async fn setup() -> (FixtureServer, PortalConfig, Store, tempfile::TempDir) {
    setup_portal("fixtures/portal", "selectors/fixture.toml").await
}

/// A fixture portal (`portal`, relative to the repository) and its description pointed at it.
pub async fn setup_portal(
    portal: &str,
    description: &str,
) -> (FixtureServer, PortalConfig, Store, tempfile::TempDir) {
    let server = FixtureServer::start(&root().join(portal)).await.unwrap();
    let mut config = PortalConfig::load(&root().join(description)).unwrap();
    config.portal.base_url = server.base_url().parse().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("t.db").display()))
        .await
        .unwrap();
    (server, config, store, dir)
}

pub async fn run(store: &Store, config: &PortalConfig, resume: bool) -> CrawlSummary {
    run_described(store, config, "selectors/fixture.toml", resume).await
}

/// [`run`] of a description loaded from `description`.
pub async fn run_described(
    store: &Store,
    config: &PortalConfig,
    description: &str,
    resume: bool,
) -> CrawlSummary {
    let opts = CrawlOptions {
        config: config.clone(),
        config_path: description.into(),
        rubric: gongkai::rubric::Rubric::bundled_2020(),
        as_of: as_of(),
        resume,
        // The link check has its own tests (links.rs); these count the crawl's requests.
        check_links: false,
    };
    crawl(store, opts, &no_progress).await.unwrap()
}

/// [`run_described`] with the link check at the run's end (it asks for the links the crawl did
/// not fetch, so the run's request count is the crawl's and the check's).
pub async fn run_checking_links(
    store: &Store,
    config: &PortalConfig,
    description: &str,
) -> CrawlSummary {
    let opts = CrawlOptions {
        config: config.clone(),
        config_path: description.into(),
        rubric: gongkai::rubric::Rubric::bundled_2020(),
        as_of: as_of(),
        resume: false,
        check_links: true,
    };
    crawl(store, opts, &no_progress).await.unwrap()
}

pub fn no_progress(_: gongkai::audit::Progress) {}
