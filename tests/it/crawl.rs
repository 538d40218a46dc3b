//! The crawler and checks end to end on the fixture county, served on loopback: the ground
//! truth met exactly, a killed run resumed, hostile pages survived, the rate limit kept.

use std::time::Duration;

use gongkai::model::{FindingKind, Reason};
use gongkai::store::RunStatus;

use crate::support::crawl_common::{root, run, setup};
use crate::support::pg_common::compare;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_county_meets_the_ground_truth_exactly() {
    let (server, config, store, _dir) = setup().await;
    let summary = run(&store, &config, false).await;
    // The two planted dead links (a column, a 制度 document) make the run partial; everything
    // else was read.
    assert_eq!(summary.status, RunStatus::Partial);
    assert_eq!(summary.errors, 2, "{summary:?}");
    assert_eq!(summary.units.len(), 49);
    let findings = store.findings(summary.run_id).await.unwrap();
    println!(
        "vsb: {} requests ({} retries), {} findings",
        summary.requests,
        summary.retries,
        findings.len()
    );
    let problems = compare(&findings, &root().join("fixtures/ground-truth.json"));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Attachments were fetched with the article as Referer.
    let downloads: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("download.jsp"))
        .collect();
    assert!(!downloads.is_empty());
    assert!(downloads
        .iter()
        .all(|r| r.referer.as_deref().is_some_and(|r| r.contains("/info/"))));
    // Every request identified itself.
    assert!(server.requests().iter().all(|r| r
        .user_agent
        .as_deref()
        .is_some_and(|ua| ua.starts_with("gongkai/"))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_run_resumes_without_refetching_and_ends_the_same() {
    let (server, config, store, _dir) = setup().await;
    let task = {
        let (store, config) = (store.clone(), config.clone());
        tokio::spawn(async move { run(&store, &config, false).await })
    };
    // Kill the run once it is well under way.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while server.requests().len() < 400 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "crawl made no progress"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    task.abort();
    let _ = task.await;
    // The cancelled crawl writes its counts and lets go of the portal's lease by itself.
    while store
        .crawl_lease(&config.portal.name, None)
        .await
        .unwrap()
        .is_some()
    {
        assert!(tokio::time::Instant::now() < deadline, "lease never let go");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before = server.requests().len();
    let runs = store.runs().await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].status, RunStatus::Running);
    let stored = store.pages(runs[0].id).await.unwrap().len();
    assert!(stored >= 300, "only {stored} pages stored before the kill");
    let killed_requests = store.run(runs[0].id).await.unwrap().stats.requests as usize;

    let summary = run(&store, &config, true).await;
    assert_eq!(summary.run_id, runs[0].id, "resume continues the same run");
    assert!(summary.replayed as usize >= stored - 10, "{summary:?}");
    let after = server.requests().len() - before;
    // The run's request count is the run's total: both processes' requests, as the portal saw
    // them (a request counted as it was sent may have been cut before the portal got it).
    assert_eq!(
        summary.requests as usize,
        killed_requests + summary.requests_this_process as usize
    );
    assert_eq!(summary.requests_this_process as usize, after);
    assert_eq!(
        store.run(summary.run_id).await.unwrap().stats.requests as u64,
        summary.requests
    );
    let in_flight = config.crawl.concurrency;
    assert!(
        (before..=before + in_flight).contains(&killed_requests),
        "killed process counted {killed_requests}, the portal saw {before}"
    );
    let findings = store.findings(summary.run_id).await.unwrap();
    let problems = compare(&findings, &root().join("fixtures/ground-truth.json"));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The resumed part fetched only what was missing.
    let (_s2, config2, store2, _d2) = setup().await;
    let full = run(&store2, &config2, false).await;
    assert!(
        (before + after) < full.requests as usize + 40,
        "killed {before} + resumed {after} vs full {}",
        full.requests
    );
}

const HOSTILE_LANDING: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>田园镇</title></head><body>
<div class="zfxxgk-left"><ul class="zfxxgk-tree">
<li><a href="/bad/endless.htm">永不结束的栏目</a></li>
<li><a href="/bad/huge.htm">超大栏目</a></li>
<li><a href="/bad/loop1.htm">循环跳转栏目</a></li>
<li><a href="/bad/storm.htm">总是503的栏目</a></li>
<li><a href="/bad/reset">断开连接的栏目</a></li>
<li><a href="/bad/broken.htm">残缺HTML栏目</a></li>
<li><a href="/bmym/tyz/zfxxgkpt/nothing.htm">失效链接栏目</a></li>
<li><a href="http://example.com/elsewhere.htm">站外栏目</a></li>
</ul></div></body></html>"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_pages_become_questions_and_the_run_goes_on() {
    let (server, mut config, store, _dir) = setup().await;
    server.set_file(
        "/bmym/tyz/zfxxgkpt.htm",
        HOSTILE_LANDING.as_bytes().to_vec(),
    );
    config.crawl.timeout_secs = 2;
    config.crawl.retries = 1;
    config.crawl.backoff_ms = 10;
    config.crawl.max_body_bytes = 1024 * 1024;
    // 田园镇 (hostile), 大田坝镇 (no guide: −5) and 工信局 (planted findings) only.
    config
        .units
        .retain(|u| ["田园镇", "大田坝镇", "工信局"].contains(&u.name.as_str()));
    let started = std::time::Instant::now();
    let summary = tokio::time::timeout(Duration::from_secs(90), run(&store, &config, false))
        .await
        .expect("the run must not hang");
    assert_eq!(summary.status, RunStatus::Partial);
    let findings = store.findings(summary.run_id).await.unwrap();
    let unreachable: Vec<&str> = findings
        .iter()
        .filter(|f| f.unit == "田园镇" && f.reason == Reason::ColumnUnreachable)
        .map(|f| f.key.as_str())
        .collect();
    for path in [
        "/bad/endless.htm",
        "/bad/huge.htm",
        "/bad/loop1.htm",
        "/bad/storm.htm",
        "/bad/reset",
        "/bmym/tyz/zfxxgkpt/nothing.htm",
        "/elsewhere.htm",
    ] {
        assert!(
            unreachable.contains(&path),
            "{path} not a question: {unreachable:?}"
        );
    }
    // Questions only: nothing unreadable became a deduction for 田园镇's columns (the columns
    // of item 11 are simply not in its tree: their absence is read, a deduction).
    assert!(findings
        .iter()
        .filter(|f| f.unit == "田园镇"
            && f.reason.as_str().starts_with("column_")
            && f.reason != Reason::ColumnPartMissing)
        .all(|f| f.kind == FindingKind::Question && f.points.points() == 0.0));
    // A document the unread columns may hold is never a deduction. Items 4 (制度) and 27
    // (依申请公开) are judged in their own column only, and the hostile tree has no column of
    // those names (no unread column can be it): like item 11's columns, their absence is read.
    let documents: Vec<_> = findings
        .iter()
        .filter(|f| f.unit == "田园镇" && f.reason == Reason::DocumentMissing)
        .collect();
    assert!(
        documents
            .iter()
            .all(|f| [4, 27].contains(&f.item) && f.detail.contains("没有找到栏目")),
        "{documents:#?}"
    );
    // The messages explain themselves in Chinese and name the URL.
    let endless = findings
        .iter()
        .find(|f| f.key == "/bad/endless.htm")
        .unwrap();
    assert!(
        endless.evidence[0].excerpt.contains("超时"),
        "{:?}",
        endless.evidence
    );
    let huge = findings.iter().find(|f| f.key == "/bad/huge.htm").unwrap();
    assert!(huge.evidence[0].excerpt.contains("/bad/huge.htm"));
    // The rest of the run went on: the other units' planted findings are there.
    assert!(findings.iter().any(|f| f.unit == "大田坝镇"
        && f.reason == Reason::GuideMissing
        && f.points.points() == 5.0));
    assert!(findings
        .iter()
        .any(|f| f.unit == "工信局" && f.reason == Reason::GuideMissing));
    // Nothing was requested off the portal's host, nothing waited past its timeouts.
    assert!(started.elapsed() < Duration::from_secs(60));
    let pages = store.pages(summary.run_id).await.unwrap();
    assert!(pages
        .iter()
        .all(|p| !p.url.contains("example.com") || p.error.is_some()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_unit_code_is_corrected_from_the_platform_home() {
    let (_server, mut config, store, _dir) = setup().await;
    config.units.retain(|u| u.name == "工信局");
    config.units[0].code = Some("wrongcode".into());
    let summary = run(&store, &config, false).await;
    let findings = store.findings(summary.run_id).await.unwrap();
    assert!(
        findings.iter().all(|f| f.reason != Reason::UnitUnreachable),
        "{findings:?}"
    );
    assert!(findings
        .iter()
        .any(|f| f.reason == Reason::GuideMissing && f.points.points() == 5.0));
}

/// Units from the office's list have no codes: the platform home's link for a unit's names is
/// its landing page, and a unit the home does not show is a question on every item.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn units_without_codes_are_found_on_the_platform_home_by_name() {
    let (_server, mut config, store, _dir) = setup().await;
    let listed =
        gongkai::config::load_units_csv(&root().join("selectors/units-example.csv")).unwrap();
    config.units = listed.into_iter().filter(|u| u.name == "工信局").collect();
    let mut missing = config.units[0].clone();
    missing.name = "档案馆".into();
    missing.aliases = vec!["县档案馆".into()];
    config.units.push(missing);
    let summary = run(&store, &config, false).await;
    let findings = store.findings(summary.run_id).await.unwrap();
    assert!(findings
        .iter()
        .filter(|f| f.unit == "工信局")
        .all(|f| f.reason != Reason::UnitUnreachable));
    assert!(findings.iter().any(|f| f.unit == "工信局"
        && f.reason == Reason::GuideMissing
        && f.points.points() == 5.0));
    let unreachable: Vec<_> = findings.iter().filter(|f| f.unit == "档案馆").collect();
    assert!(!unreachable.is_empty());
    assert!(
        unreachable
            .iter()
            .all(|f| f.reason != Reason::UnitUnreachable
                || (f.kind == FindingKind::Question && f.detail.contains("平台首页"))),
        "{unreachable:?}"
    );
    assert!(unreachable
        .iter()
        .any(|f| f.reason == Reason::UnitUnreachable));
    // A unit that could not be found is something the run did not read.
    assert_eq!(summary.status, RunStatus::Partial);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_policy_document_keeps_its_place_in_the_sample_as_a_question() {
    let (server, mut config, store, _dir) = setup().await;
    config.units.retain(|u| u.name == "发改局");
    config.crawl.retries = 0;
    // The newest policy document's page is gone: it must not silently leave the sample.
    server.remove_file("/info/1227/9230176.htm");
    let summary = run(&store, &config, false).await;
    let findings = store.findings(summary.run_id).await.unwrap();
    let q = findings
        .iter()
        .find(|f| f.reason == Reason::PdfDownloadFailed && f.key == "/info/1227/9230176.htm")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert_eq!(
        (q.kind, q.points.points(), q.item),
        (FindingKind::Question, 0.0, 15)
    );
    let sampled = store
        .sampled_attachments(summary.run_id, "发改局")
        .await
        .unwrap();
    assert!(sampled.len() <= 10);
}

const NESTED_POLICY_LANDING: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>县发展和改革局</title></head><body>
<div class="zfxxgk-left"><ul class="zfxxgk-tree">
<li><a href="/bmym/fgj/zfxxgkpt/gkzn.htm">政府信息公开指南</a></li>
<li class="has-sub"><span><a href="/bmym/fgj/zfxxgkpt/wjzl.htm">政策文件</a></span>
  <ul><li><a href="/bmym/fgj/zfxxgkpt/fdzdgknr/zcwj.htm">本部门文件</a></li></ul>
</li>
</ul></div></body></html>"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policy_documents_are_found_under_a_parent_named_like_the_role() {
    let (server, mut config, store, _dir) = setup().await;
    server.set_file(
        "/bmym/fgj/zfxxgkpt.htm",
        NESTED_POLICY_LANDING.as_bytes().to_vec(),
    );
    config.units.retain(|u| u.name == "发改局");
    let summary = run(&store, &config, false).await;
    let sampled = store
        .sampled_attachments(summary.run_id, "发改局")
        .await
        .unwrap();
    assert_eq!(sampled.len(), 10, "the child column was sampled");
    let findings = store.findings(summary.run_id).await.unwrap();
    assert!(findings.iter().all(|f| f.reason != Reason::PdfSampleEmpty));
}

/// A unit whose lists are of another template than the description's: its columns are
/// questions naming the shape problem, never empty columns, and the summary says the
/// description does not fit the unit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_of_another_shape_are_questions_never_empty_columns() {
    let (server, mut config, store, _dir) = setup().await;
    config.units.retain(|u| u.name == "工信局");
    let clean = run(&store, &config, false).await;
    let clean = store.findings(clean.run_id).await.unwrap();
    let portal = root().join("fixtures/portal");
    let mut changed = 0;
    for entry in walk(&portal.join("bmym/gxj")) {
        let text = std::fs::read_to_string(&entry).unwrap();
        if text.contains("<ul class=\"news-list\">\n") && text.contains("/info/") {
            let path = format!("/{}", entry.strip_prefix(&portal).unwrap().display());
            server.set_file(
                &path,
                text.replace("<ul class=\"news-list\">", "<ul class=\"list-b\">")
                    .into_bytes(),
            );
            changed += 1;
        }
    }
    assert!(changed >= 3, "only {changed} list pages changed");
    let summary = run(&store, &config, false).await;
    let findings = store.findings(summary.run_id).await.unwrap();
    // No deduction the clean run does not draft (the empty guide column stays empty).
    for f in findings.iter().filter(|f| f.kind == FindingKind::Deduction) {
        assert!(
            clean
                .iter()
                .any(|c| c.reason == f.reason && c.item == f.item && c.key == f.key),
            "{f:#?}"
        );
    }
    let shapes: Vec<_> = findings
        .iter()
        .filter(|f| f.reason == Reason::ColumnUnrecognised)
        .collect();
    // Every changed leaf column (parents are not read): 8 of them, and the 6 news and notice
    // columns planted for the indicators.
    assert_eq!(shapes.len(), 14, "{findings:#?}");
    assert!(shapes.iter().all(|f| f.evidence[0]
        .excerpt
        .contains("文件页链接，但按所配置的列表结构没有读到任何条目")));
    let unit = &summary.units[0];
    assert!(
        unit.mostly_unrecognised(),
        "{}/{} columns unrecognised",
        unit.unrecognised,
        unit.columns
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "htm") {
            out.push(path);
        }
    }
    out
}

/// A message board run by another system than the columns pages with its own pager keys
/// (`[messages] pager`, `pager_total_regex`, `page_url`); without them it would be read with
/// the columns' pager and miss every message after its first page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_board_with_its_own_pager_is_read_to_its_last_page() {
    let expected = std::fs::read_to_string(root().join("fixtures/ground-truth.json")).unwrap();
    let expected: Vec<serde_json::Value> = serde_json::from_str(&expected).unwrap();
    let late_expected = expected
        .iter()
        .filter(|r| r["reason"] == "reply_late")
        .count();
    let late = |findings: &[gongkai::model::Finding]| {
        findings
            .iter()
            .filter(|f| f.reason == Reason::ReplyLate)
            .count()
    };
    // The columns' pager is another site's (nothing matches); the board states its own.
    let (_server, mut config, store, _dir) = setup().await;
    config.pages.pager = gongkai::config::Css::parse(".page-of-another-cms").unwrap();
    config.messages.pager = Some(gongkai::config::Css::parse(".pb_sys_common").unwrap());
    config.messages.pager_total_regex =
        Some(gongkai::config::Pattern::parse(r"\d+\s*/\s*(\d+)").unwrap());
    config.messages.page_url = Some("{stem}/{rev}.htm".into());
    let summary = run(&store, &config, false).await;
    let findings = store.findings(summary.run_id).await.unwrap();
    assert_eq!(late(&findings), late_expected);
    // Without them, the board is read with the columns' pager: page 2 is never asked for.
    let (_server, mut config, store, _dir) = setup().await;
    config.pages.pager = gongkai::config::Css::parse(".page-of-another-cms").unwrap();
    let summary = run(&store, &config, false).await;
    let findings = store.findings(summary.run_id).await.unwrap();
    assert!(
        late(&findings) < late_expected,
        "the test plants messages past page 1"
    );
}
