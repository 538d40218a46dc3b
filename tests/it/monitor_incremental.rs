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
        // The link check has its own tests (links.rs); these count the crawl's requests.
        check_links: false,
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

/// The fixture's download script sends no validators: without reuse every sampled PDF would be
/// downloaded again each day. A second run of an unchanged county downloads no attachment,
/// records the stored copies (and their verdicts) as its own and drafts the same findings; a
/// changed document page gets its file downloaded again, as does a file id the page now links.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unchanged_documents_reuse_their_stored_attachments() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", dir.path().join("r.db").display());
    attachments_reused(&sqlite).await;
    if let Some(db) = crate::support::pg_common::PgDb::fresh("reuse").await {
        attachments_reused(&db.url).await;
        db.drop_now().await;
    }
}

fn is_download(path: &str) -> bool {
    path.contains("download.jsp")
}

fn drafted(findings: &[gongkai::model::Finding]) -> Vec<String> {
    let mut out: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {:?} {} {}",
                f.unit,
                f.item,
                f.reason.as_str(),
                f.kind,
                f.points.points(),
                f.key
            )
        })
        .collect();
    out.sort();
    out
}

async fn attachments_reused(db: &str) {
    let store = Store::connect(db).await.unwrap();
    let server = FixtureServer::start(&root().join("fixtures/portal"))
        .await
        .unwrap();
    let mut config = PortalConfig::load(&root().join("selectors/fixture.toml")).unwrap();
    config.portal.base_url = server.base_url().parse().unwrap();
    config.crawl.rate_per_sec = 500.0;
    config
        .units
        .retain(|u| ["田园镇", "大田坝镇", "工信局"].contains(&u.name.as_str()));
    let attachment_pages = |pages: Vec<gongkai::store::StoredPage>| {
        pages
            .into_iter()
            .filter(|p| p.kind == gongkai::store::PageKind::Attachment && p.error.is_none())
            .collect::<Vec<_>>()
    };

    let first = run_once(&store, &config).await;
    let n1 = server.requests().len();
    let downloads1 = server
        .requests()
        .iter()
        .filter(|r| is_download(&r.path))
        .count();
    let stored1 = attachment_pages(store.pages(first.run_id).await.unwrap());
    assert!(downloads1 >= 5, "the sample downloads PDFs: {downloads1}");
    assert!(stored1.iter().all(|p| p.reused_from.is_none()));
    let findings1 = store.findings(first.run_id).await.unwrap();

    // Nothing changed: no attachment is downloaded; every stored PDF is reused.
    let second = run_once(&store, &config).await;
    let requests2: Vec<_> = server.requests().into_iter().skip(n1).collect();
    let n2 = n1 + requests2.len();
    assert!(
        requests2.iter().all(|r| !is_download(&r.path)),
        "{:#?}",
        requests2
            .iter()
            .filter(|r| is_download(&r.path))
            .collect::<Vec<_>>()
    );
    let stored2 = attachment_pages(store.pages(second.run_id).await.unwrap());
    let pdfs1: Vec<_> = stored1
        .iter()
        .filter(|p| p.content_type.as_deref() == Some("application/octet-stream"))
        .collect();
    let reused: Vec<_> = stored2.iter().filter(|p| p.reused_from.is_some()).collect();
    assert!(!reused.is_empty());
    assert_eq!(reused.len(), pdfs1.len(), "every stored PDF reused");
    for p in &reused {
        let from = store.page(p.reused_from.unwrap()).await.unwrap().unwrap();
        assert_eq!(from.run_id, first.run_id);
        assert_eq!((&from.url, &from.sha256), (&p.url, &p.sha256));
        let copy = store.page(p.id).await.unwrap().unwrap();
        assert!(copy.body.is_some_and(|b| b.starts_with(b"%PDF-")));
    }
    let findings2 = store.findings(second.run_id).await.unwrap();
    assert_eq!(drafted(&findings1), drafted(&findings2));
    // The verdicts were reused with the files.
    for unit in ["田园镇", "大田坝镇", "工信局"] {
        let a = store.sampled_attachments(first.run_id, unit).await.unwrap();
        let b = store
            .sampled_attachments(second.run_id, unit)
            .await
            .unwrap();
        let verdicts =
            |rows: &[gongkai::store::AttachmentRow]| -> Vec<(String, Option<String>, Option<String>)> {
                rows.iter()
                    .map(|r| (r.url.clone(), r.verdict.clone(), r.marking.clone()))
                    .collect()
            };
        assert_eq!(verdicts(&a), verdicts(&b), "{unit}");
    }

    // A changed document page: its file is downloaded again. Another page now links a file id
    // the store does not hold: downloaded.
    let sampled = store
        .sampled_attachments(second.run_id, "田园镇")
        .await
        .unwrap();
    let pdf_rows: Vec<_> = sampled
        .iter()
        .filter(|r| {
            reused
                .iter()
                .any(|p| p.url == r.url && p.unit.as_deref() == Some("田园镇"))
        })
        .collect();
    assert!(pdf_rows.len() >= 2, "{sampled:#?}");
    let base = server.base_url();
    let path_of = |url: &str| url.strip_prefix(&base).unwrap().to_string();
    let (changed, relinked) = (pdf_rows[0], pdf_rows[1]);
    let page = |url: &str| {
        std::fs::read_to_string(root().join("fixtures/portal").join(&path_of(url)[1..])).unwrap()
    };
    server.set_file(
        &path_of(&changed.document_url),
        page(&changed.document_url)
            .replace("</body>", "<p>（本文已更新）</p></body>")
            .into_bytes(),
    );
    let old_id = relinked
        .url
        .split("wbfileid=")
        .nth(1)
        .expect("a download.jsp link")
        .to_string();
    let new_url = relinked.url.replace(&old_id, "99999999");
    let relinked_page = page(&relinked.document_url).replace(&old_id, "99999999");
    assert!(relinked_page.contains("99999999"));
    server.set_file(&path_of(&relinked.document_url), relinked_page.into_bytes());

    let third = run_once(&store, &config).await;
    let requests3: Vec<_> = server.requests().into_iter().skip(n2).collect();
    let downloaded: Vec<String> = requests3
        .iter()
        .filter(|r| is_download(&r.path))
        .map(|r| format!("{base}{}", r.path))
        .collect();
    assert!(downloaded.contains(&changed.url), "{downloaded:#?}");
    assert!(downloaded.contains(&new_url), "{downloaded:#?}");
    assert_eq!(downloaded.len(), 2, "{downloaded:#?}");
    let stored3 = attachment_pages(store.pages(third.run_id).await.unwrap());
    let fetched_again = stored3.iter().find(|p| p.url == changed.url).unwrap();
    assert!(fetched_again.reused_from.is_none());
    assert!(fetched_again.response_head.is_some());
    assert_eq!(
        stored3.iter().filter(|p| p.reused_from.is_some()).count(),
        reused.len() - 2
    );
    server.stop().await;
    store.close().await;
}
