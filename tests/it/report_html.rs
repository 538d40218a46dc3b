//! Reports from a store with two runs: the unit page (escaping, links, the draft note, the
//! changes since the last report) and the county summary (ranking, chart, XLSX).

use std::path::PathBuf;

use gongkai::config::PortalConfig;
use gongkai::model::{Evidence, Finding, FindingKind, FindingStatus, Section, Table};
use gongkai::monitor::previous_finished_run;
use gongkai::report::{self, county_html, unit_html, unit_text, write_county_xlsx};
use gongkai::rubric::Rubric;
use gongkai::store::{RunStats, RunStatus, Store};

fn finding(unit: &str, table: Table, item: u32, points: f64, reason: &str, url: &str) -> Finding {
    Finding {
        unit: unit.into(),
        table,
        section: Section::Item,
        item,
        points: gongkai::model::Centi::from_points(points),
        kind: FindingKind::Deduction,
        reason: reason.parse().unwrap(),
        detail: format!("{reason}：<img src=x onerror=alert(1)>"),
        evidence: vec![Evidence {
            url: url.into(),
            excerpt: "\"><script>alert('x')</script>".into(),
            page_id: None,
        }],
        status: FindingStatus::Draft,
        key: String::new(),
        id: None,
        run_id: None,
        decision: None,
    }
}

async fn run_with(store: &Store, portal: &str, status: RunStatus, findings: &[Finding]) -> i64 {
    let id = store
        .create_run(
            portal,
            "county.toml",
            "http://127.0.0.1/",
            2020,
            "2020-12-15",
        )
        .await
        .unwrap();
    let mut units: Vec<&str> = findings.iter().map(|f| f.unit.as_str()).collect();
    units.dedup();
    for unit in units {
        let mine: Vec<Finding> = findings
            .iter()
            .filter(|f| f.unit == unit)
            .cloned()
            .collect();
        store.replace_findings(id, unit, &mine).await.unwrap();
    }
    store
        .finish_run(id, status, RunStats::default())
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn unit_and_county_reports() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("r.db").display()))
        .await
        .unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = PortalConfig::load(&root.join("selectors/fixture.toml")).unwrap();
    let portal = config.portal.name.clone();
    let rubric = Rubric::bundled_2020();
    let guide = finding(
        "工信局",
        Table::Department,
        7,
        5.0,
        "guide_missing",
        "http://127.0.0.1/a.htm",
    );
    let empty = finding(
        "文化和旅游局",
        Table::Department,
        12,
        1.0,
        "empty_columns",
        "javascript:alert(1)",
    );
    let late = finding(
        "温泉镇",
        Table::Township,
        28,
        3.0,
        "reply_late",
        "http://127.0.0.1/m.htm?a=1&b=2",
    );
    let r1 = run_with(
        &store,
        &portal,
        RunStatus::Complete,
        &[guide.clone(), empty.clone()],
    )
    .await;
    // A failed run in between is never compared with.
    run_with(&store, &portal, RunStatus::Failed, &[]).await;
    let r3 = run_with(
        &store,
        &portal,
        RunStatus::Partial,
        &[guide.clone(), late.clone()],
    )
    .await;

    let run = store.latest_finished_run().await.unwrap().unwrap();
    assert_eq!(run.id, r3);
    let since = previous_finished_run(&store, &run).await.unwrap().unwrap();
    assert_eq!(since.id, r1);

    let county = report::county(&store, &config, &rubric, &run, Some(&since))
        .await
        .unwrap();
    assert_eq!(county.units.len(), config.units.len());
    let gx = county
        .units
        .iter()
        .find(|u| u.report.unit == "工信局")
        .unwrap();
    assert_eq!(gx.report.estimated_score, gx.report.max_score - 5.0);
    assert_eq!(gx.report.at_stake, 5.0);
    // Departments are ranked within their class; the unit with a deduction is last of its class.
    let class: Vec<_> = county
        .units
        .iter()
        .filter(|u| u.report.category == gx.report.category)
        .collect();
    assert_eq!(gx.rank, class.len());
    assert!(class
        .iter()
        .filter(|u| u.report.unit != "工信局")
        .all(|u| u.rank == 1));

    let whly = county
        .units
        .iter()
        .find(|u| u.report.unit == "文化和旅游局")
        .unwrap();
    let html = unit_html(&whly.report);
    assert!(html.contains("机器初稿"));
    assert!(
        html.contains("可能已整改"),
        "the empty column finding is gone"
    );
    assert!(html.contains("部分完成"));
    assert!(!html.contains("<img"), "crawled text is escaped");
    assert!(!html.contains("<script>"));
    assert!(!html.contains("href=\"javascript"), "only http(s) links");

    let ws = county
        .units
        .iter()
        .find(|u| u.report.unit == "温泉镇")
        .unwrap();
    let html = unit_html(&ws.report);
    assert!(html.contains("新发现的问题（1 项）"), "{html}");
    assert!(html.contains("href=\"http://127.0.0.1/m.htm?a=1&amp;b=2\""));
    assert!(html.contains("<svg"), "per-item chart");
    let text = unit_text(&ws.report);
    assert!(text.contains("新发现：第28项"));
    assert!(text.contains("证据：http://127.0.0.1/m.htm?a=1&b=2"));

    let summary = county_html(&county);
    assert!(summary.contains("<svg"));
    assert!(summary.contains("机器初稿"));
    assert_eq!(summary.matches("<svg").count(), 3, "乡镇, A类, B类");
    let xlsx = dir.path().join("汇总.xlsx");
    write_county_xlsx(&county, &xlsx).unwrap();
    let bytes = std::fs::read(&xlsx).unwrap();
    assert!(bytes.starts_with(b"PK"));
}

/// A rejected finding does not reach the unit's report; an adjusted one counts its new points.
#[tokio::test]
async fn reports_follow_the_auditors_decisions() {
    use gongkai::review::{decide, Action, DecisionInput};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("d.db").display()))
        .await
        .unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = PortalConfig::load(&root.join("selectors/fixture.toml")).unwrap();
    let rubric = Rubric::bundled_2020();
    let guide = finding(
        "工信局",
        Table::Department,
        7,
        5.0,
        "guide_missing",
        "http://127.0.0.1/a.htm",
    );
    let empty = finding(
        "工信局",
        Table::Department,
        12,
        1.0,
        "empty_columns",
        "http://127.0.0.1/b.htm",
    );
    let run_id = run_with(
        &store,
        &config.portal.name,
        RunStatus::Complete,
        &[guide, empty],
    )
    .await;
    let run = store.run(run_id).await.unwrap();
    let before = report::unit(&store, &config, &rubric, &run, "工信局", None)
        .await
        .unwrap();
    assert_eq!(before.at_stake, 6.0);
    let stored = store.findings(run_id).await.unwrap();
    let input = |action, points| DecisionInput {
        action,
        points,
        note: "核实".into(),
        version: 0,
    };
    decide(
        &store,
        &rubric,
        "审核员",
        &stored[0],
        &input(Action::Adjust, Some(2.0)),
    )
    .await
    .unwrap();
    decide(
        &store,
        &rubric,
        "审核员",
        &stored[1],
        &input(Action::Reject, None),
    )
    .await
    .unwrap();
    let after = report::unit(&store, &config, &rubric, &run, "工信局", None)
        .await
        .unwrap();
    assert_eq!(after.at_stake, 2.0, "{after:#?}");
    assert_eq!(after.deductions, 1);
}
