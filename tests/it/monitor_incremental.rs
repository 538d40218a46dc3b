//! Two crawls of the fixture county with a change in between: the second run asks
//! conditionally (If-None-Match), gets mostly 304s and far fewer bytes, and its changes list
//! shows the filled column's finding gone and the removed document's page disappeared.

use std::path::PathBuf;

use chrono::NaiveDate;
use gongkai::audit::{crawl, CrawlOptions, CrawlSummary};
use gongkai::config::PortalConfig;
use gongkai::fixture::FixtureServer;
use gongkai::model::{FindingKind, Reason};
use gongkai::monitor::{diff, previous_finished_run};
use gongkai::store::{RunStatus, Store};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

async fn run_once(store: &Store, config: &PortalConfig) -> CrawlSummary {
    let opts = CrawlOptions {
        config: config.clone(),
        config_path: root().join("selectors/fixture.toml").display().to_string(),
        rubric: gongkai::rubric::Rubric::bundled_2020(),
        as_of: NaiveDate::from_ymd_opt(2020, 12, 15).unwrap(),
        resume: false,
    };
    crawl(store, opts, &|_| {}).await.expect("crawl")
}

const ZCJD: &str = "/bmym/whlyj/zfxxgkpt/fdzdgknr/zcjd.htm";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn second_run_is_conditional_and_lists_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("m.db").display());
    let store = Store::connect(&db).await.unwrap();
    let server = FixtureServer::start(&root().join("fixtures/portal"))
        .await
        .unwrap();
    let mut config = PortalConfig::load(&root().join("selectors/fixture.toml")).unwrap();
    config.portal.base_url = server.base_url().parse().unwrap();

    let first = run_once(&store, &config).await;
    let n1 = server.requests().len();
    let bytes1: u64 = server.requests().iter().map(|r| r.bytes).sum();
    let findings1 = store.findings(first.run_id).await.unwrap();
    assert!(findings1
        .iter()
        .any(|f| f.unit == "文化和旅游局" && f.reason == Reason::EmptyColumns));

    // Fill the empty 政策解读 column of 文化和旅游局 with a document it already has.
    let page = std::fs::read_to_string(root().join("fixtures/portal").join(&ZCJD[1..])).unwrap();
    let filled = page.replace(
        "<ul class=\"news-list\"></ul>",
        "<ul class=\"news-list\">\n    <li><a href=\"/info/1499/9230420.htm\" title=\"政策解读：2020年政务公开工作要点\">政策解读：2020年政务公开工作要点</a><span class=\"date\">2020年03月09日</span></li>\n  </ul>",
    );
    assert_ne!(filled, page, "the fixture's empty list changed shape");
    server.set_file(ZCJD, filled.into_bytes());
    // Remove one document page of the unit that run 1 fetched.
    let base = server.base_url();
    let removed = store
        .pages(first.run_id)
        .await
        .unwrap()
        .into_iter()
        .find(|p| {
            p.kind == gongkai::store::PageKind::Document
                && p.unit.as_deref() == Some("文化和旅游局")
                && p.error.is_none()
                && !p.url.ends_with("/9230420.htm")
        })
        .expect("a document page of 文化和旅游局")
        .url;
    server.remove_file(removed.strip_prefix(&base).unwrap());

    let second = run_once(&store, &config).await;
    assert!(matches!(
        second.status,
        RunStatus::Complete | RunStatus::Partial
    ));
    let requests2: Vec<_> = server.requests().into_iter().skip(n1).collect();
    let bytes2: u64 = requests2.iter().map(|r| r.bytes).sum();
    let conditional = requests2
        .iter()
        .filter(|r| r.if_none_match.is_some())
        .count();
    let not_modified = requests2.iter().filter(|r| r.status == 304).count();
    eprintln!(
        "run 1: {n1} requests, {bytes1} bytes; run 2: {} requests ({conditional} conditional, {not_modified} × 304), {bytes2} bytes",
        requests2.len()
    );
    assert!(
        conditional * 10 >= requests2.len() * 8,
        "most requests conditional"
    );
    assert!(not_modified * 10 >= requests2.len() * 7, "mostly 304");
    assert!(bytes2 * 10 < bytes1, "second run under 10 % of the bytes");
    assert!(second.unchanged as usize >= not_modified.saturating_sub(5));

    let run2 = store.run(second.run_id).await.unwrap();
    let prev = previous_finished_run(&store, &run2).await.unwrap().unwrap();
    assert_eq!(prev.id, first.run_id);
    let changes = diff(&store, first.run_id, second.run_id).await.unwrap();
    let gone_or_changed = changes
        .gone_findings
        .iter()
        .any(|f| f.unit == "文化和旅游局" && f.reason == Reason::EmptyColumns)
        || changes
            .changed_points
            .iter()
            .any(|c| c.finding.unit == "文化和旅游局" && c.finding.reason == Reason::EmptyColumns);
    assert!(gone_or_changed, "{changes:#?}");
    assert!(
        changes
            .pages_disappeared
            .iter()
            .any(|p| p.url == removed && p.status_after == Some(404)),
        "{:#?}",
        changes.pages_disappeared
    );
    assert!(changes.pages_changed.iter().any(|p| p.url.ends_with(ZCJD)));
    // The filled column holds a 解读 now: the 政策解读 deduction is gone, and the 解读 not
    // speaking of 六稳六保 is a new question.
    assert!(
        changes
            .gone_findings
            .iter()
            .any(|f| f.unit == "文化和旅游局"
                && f.reason == Reason::DocumentMissing
                && f.key == "政策解读"),
        "{changes:#?}"
    );
    // Nothing else about findings moved: at most the removed (still listed) document's page
    // became a question for the auditor.
    assert!(
        changes
            .new_findings
            .iter()
            .all(|f| f.kind == FindingKind::Question
                && (removed.ends_with(f.key.as_str())
                    || (f.unit == "文化和旅游局" && f.key == "六稳六保解读"))),
        "{:#?}",
        changes.new_findings
    );
    server.stop().await;
}
