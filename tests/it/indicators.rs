//! The national inspection indicators on the fixture portal: a week of home-page probes in
//! seconds (injected clock, failures planted by the fixture server's faults), judged with a
//! planted crawl, stored per day, and printed by `gongkai indicators`.

use std::path::Path;
use std::process::Command;

use chrono::{Duration, NaiveDate};
use gongkai::config::PortalConfig;
use gongkai::fixture::{Fault, FixtureServer};
use gongkai::home_probe::{run_probes, ProbeTarget};
use gongkai::indicators::clock::day_start;
use gongkai::indicators::{day, ManualClock, Verdict};
use gongkai::store::{
    ColumnRow, DocumentRow, Flag, MessageRow, NewIndicatorDecision, PageKind, PageRecord, Store,
};

use crate::support::pg_common::root;

fn check_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 11, 30).unwrap()
}

/// The fixture's description with probes timing out after 1 s.
fn description_text() -> String {
    std::fs::read_to_string(root().join("selectors/fixture.toml"))
        .unwrap()
        .replace(
            "home_path = \"/index.htm\"",
            "home_path = \"/index.htm\"\nprobe_timeout_secs = 1",
        )
}

fn config(server: &FixtureServer) -> PortalConfig {
    let text = description_text();
    assert!(text.contains("probe_timeout_secs = 1"));
    let mut c = PortalConfig::parse(&text, &root().join("selectors/fixture.toml")).unwrap();
    c.portal.base_url = server.base_url().parse().unwrap();
    c
}

/// A finished crawl of 田园镇 as of the check day: a news column updated 3 days before, a
/// notice column 30 days before, a static article column; a board that opens, one message
/// answered in 10 days.
async fn plant_run(store: &Store, config: &PortalConfig) -> i64 {
    let day = check_day();
    let base = config
        .portal
        .base_url
        .as_str()
        .trim_end_matches('/')
        .to_string();
    let run = store
        .create_run(
            &config.portal.name,
            "selectors/fixture.toml",
            &base,
            2020,
            &day.to_string(),
        )
        .await
        .unwrap();
    let col = |name: &str, state: &str, docs: i64| ColumnRow {
        name: name.into(),
        url: format!("{base}/bmym/tyz/{name}.htm"),
        path: name.into(),
        is_leaf: Flag(true),
        state: state.into(),
        documents: docs,
        pages: 1,
    };
    let doc = |column: &str, days_ago: i64, n: u32| DocumentRow {
        column_url: format!("{base}/bmym/tyz/{column}.htm"),
        url: format!("{base}/info/{n}.htm"),
        title: format!("{column}第{n}号"),
        published: Some((day - Duration::days(days_ago)).to_string()),
        list_page: 1,
        list_position: 1,
    };
    store
        .replace_unit_records(
            run,
            "田园镇",
            &[
                col("工作动态", "list", 1),
                col("通知公告", "list", 1),
                col("机构职能", "article", 0),
            ],
            &[doc("工作动态", 3, 1), doc("通知公告", 30, 2)],
            &[],
        )
        .await
        .unwrap();
    store
        .replace_messages(
            run,
            &[MessageRow {
                url: format!("{base}/hdjl/1.htm"),
                title: "咨询<script>alert(1)</script>".into(),
                unit_raw: "田园镇".into(),
                unit: Some("田园镇".into()),
                submitted: (day - Duration::days(40)).to_string(),
                replied: Some((day - Duration::days(30)).to_string()),
                status_text: "已回复".into(),
            }],
        )
        .await
        .unwrap();
    store
        .record_page(
            run,
            &PageRecord {
                url: format!("{base}/hdjl/zxts.htm"),
                kind: Some(PageKind::Messages),
                unit: None,
                status: 200,
                error: None,
                content_type: Some("text/html; charset=utf-8".into()),
                encoding: Some("UTF-8".into()),
                etag: None,
                last_modified: None,
                body: Some(b"<html></html>".to_vec().into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    store
        .finish_run(run, gongkai::store::RunStatus::Complete, Default::default())
        .await
        .unwrap();
    run
}

async fn a_week(
    store: &Store,
    server: &FixtureServer,
    config: &PortalConfig,
    failing: &[u64],
) -> u64 {
    week_before(store, server, config, check_day(), failing).await
}

/// Probes the seven days ending with `day` (20 a day) on an injected clock, failing the probes
/// numbered in `failing` (the first hangs past the timeout, the second is reset, the others
/// answer 503).
pub(crate) async fn week_before(
    store: &Store,
    server: &FixtureServer,
    config: &PortalConfig,
    day: NaiveDate,
    failing: &[u64],
) -> u64 {
    let home = config.indicators.home_path.clone();
    let clock = ManualClock::new(day_start(day - Duration::days(6)) - Duration::seconds(1));
    let target = ProbeTarget::of(config).unwrap();
    // The fault for probe n must be in place before it runs: set the first, then after each.
    let fault_for = |n: u64| {
        if !failing.contains(&n) {
            return None;
        }
        Some(match failing.iter().position(|f| *f == n) {
            Some(0) => Fault::Hang,
            Some(1) => Fault::Reset,
            _ => Fault::Status(503),
        })
    };
    let plant = |n: u64| match fault_for(n) {
        Some(f) => server.set_fault(&home, f),
        None => server.clear_fault(&home),
    };
    plant(0);
    let settings = config.indicators.clone();
    let started = std::time::Instant::now();
    let n = run_probes(
        store,
        &target,
        Some(&settings),
        &clock,
        Some(day_start(day + Duration::days(1))),
        |n, _| plant(n + 1),
    )
    .await
    .unwrap();
    eprintln!(
        "{n} probes over 7 simulated days in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    n
}

async fn sqlite(dir: &Path) -> (Store, String) {
    let url = format!("sqlite://{}", dir.join("ind.db").display());
    (Store::connect(&url).await.unwrap(), url)
}

#[tokio::test]
async fn a_week_of_probes_in_seconds_trips_the_veto_at_five_percent() {
    let server = FixtureServer::start(&root().join("fixtures/portal"))
        .await
        .unwrap();
    let config = config(&server);
    let dir = tempfile::tempdir().unwrap();
    let (store, url) = sqlite(dir.path()).await;
    let run = plant_run(&store, &config).await;
    // 7 of 140 probes fail: exactly 5 %.
    let n = a_week(&store, &server, &config, &[3, 20, 41, 60, 77, 100, 139]).await;
    assert_eq!(n, 140);

    // Each day's verdicts were stored after its last probe; before the crawl of the check day
    // only the site indicators, and what needs the crawl is a question, never a pass.
    for back in 1..7 {
        let v = store
            .verdicts(&config.portal.name, check_day() - Duration::days(back))
            .await
            .unwrap();
        let codes: Vec<(&str, &str)> = v
            .iter()
            .map(|(c, _, v, _)| (c.as_str(), v.as_str()))
            .collect();
        assert_eq!(codes.len(), 4, "day -{back}: {codes:?}");
        // The home page's 要闻 list holds no item dated up to those days (its newest are of
        // 11-30 and 12-02): not updated, whatever the crawl.
        assert_eq!(codes[1], ("home_not_updated", "veto"), "day -{back}");
        assert_eq!(codes[2], ("interaction_poor", "question"));
        assert_eq!(codes[3], ("broken_links", "question"));
    }
    assert_eq!(
        store
            .verdicts(&config.portal.name, check_day())
            .await
            .unwrap()
            .len(),
        5
    );
    let report = day::judge_day(&store, &config.portal.name, check_day(), &config.indicators)
        .await
        .unwrap();
    assert_eq!(report.run_id, Some(run));
    let verdicts: Vec<(&str, &str, Verdict)> = report
        .indicators
        .iter()
        .map(|i| (i.code, i.scope.as_str(), i.verdict))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("site_unreachable", "site", Verdict::Veto),
            ("home_not_updated", "site", Verdict::Pass),
            ("columns_not_updated", "田园镇", Verdict::Pass),
            ("interaction_poor", "site", Verdict::Pass),
            // The planted run had no link check: a question, never a pass.
            ("broken_links", "site", Verdict::Question),
        ]
    );
    let avail = &report.indicators[0];
    assert!(
        avail.summary.contains("共探测 140 次，失败 7 次（5.00%）"),
        "{}",
        avail.summary
    );
    assert!(
        avail
            .evidence
            .iter()
            .any(|e| e.excerpt.contains("1 秒内未能打开")),
        "{:?}",
        avail.evidence
    );
    assert!(avail
        .evidence
        .iter()
        .any(|e| e.excerpt.contains("服务器返回 503")));
    // The fixture home page lists 要闻: its newest dated item up to the day decided.
    assert!(
        report.indicators[1]
            .summary
            .contains("首页 2020-11-16 以来有更新"),
        "{}",
        report.indicators[1].summary
    );

    // The command prints the same, from the store, and exits 1 on the veto.
    let cfg = dir.path().join("portal.toml");
    std::fs::write(&cfg, description_text()).unwrap();
    let table = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["indicators", "--db", &url, "--config"])
        .arg(&cfg)
        .args(["--date", "2020-11-30", "--format", "table"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&table.stdout);
    println!("{out}");
    assert_eq!(
        table.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&table.stderr)
    );
    assert!(
        out.contains("站点无法访问") && out.contains("单项否决"),
        "{out}"
    );
    let json = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["indicators", "--db", &url, "--config"])
        .arg(&cfg)
        .args(["--date", "2020-11-30", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(json.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["vetoed"], true);
    assert_eq!(v["indicators"][0]["code"], "site_unreachable");
    assert_eq!(v["indicators"][0]["verdict"], "veto");
    let figures = v["indicators"][0]["figures"].as_array().unwrap();
    assert_eq!(
        figures.iter().find(|f| f["key"] == "failed").unwrap()["value"],
        7
    );
    server.stop().await;
}

#[tokio::test]
async fn six_failed_probes_of_140_pass() {
    let server = FixtureServer::start(&root().join("fixtures/portal"))
        .await
        .unwrap();
    let config = config(&server);
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = sqlite(dir.path()).await;
    plant_run(&store, &config).await;
    a_week(&store, &server, &config, &[5, 25, 45, 65, 85, 105]).await;
    let report = day::judge_day(&store, &config.portal.name, check_day(), &config.indicators)
        .await
        .unwrap();
    assert_eq!(
        report.indicators[0].verdict,
        Verdict::Pass,
        "{}",
        report.indicators[0].summary
    );
    assert!(!report.vetoed);
    server.stop().await;
}

#[test]
fn bad_input_exits_2_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("portal.toml");
    let text = std::fs::read_to_string(root().join("selectors/fixture.toml"))
        .unwrap()
        .replace("[indicators]", "[indicators]\nprobes_per_day = 0");
    std::fs::write(&cfg, text).unwrap();
    let db = format!("sqlite://{}", dir.path().join("x.db").display());
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["indicators", "--db", &db, "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("indicators.probes_per_day"));
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["indicators", "--db", &db, "--date", "2020-13-01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test]
async fn the_week_judges_the_same_on_postgresql() {
    let Some(pg) = crate::support::pg_common::PgDb::fresh("indicators_week").await else {
        return;
    };
    let server = FixtureServer::start(&root().join("fixtures/portal"))
        .await
        .unwrap();
    let config = config(&server);
    let store = Store::connect(&pg.url).await.unwrap();
    plant_run(&store, &config).await;
    // 7 of 140 fail: the veto, as on SQLite; the probes and verdicts are stored and read back.
    let n = a_week(&store, &server, &config, &[5, 25, 45, 65, 85, 105, 125]).await;
    assert_eq!(n, 140);
    let report = day::judge_day(&store, &config.portal.name, check_day(), &config.indicators)
        .await
        .unwrap();
    assert_eq!(
        report.indicators[0].verdict,
        Verdict::Veto,
        "{}",
        report.indicators[0].summary
    );
    assert!(
        report.indicators[0].summary.contains("失败 7 次"),
        "{}",
        report.indicators[0].summary
    );
    assert!(report.run_id.is_some());
    // An auditor's decision is stored, survives a new judgement, and counts.
    let portal = &config.portal.name;
    store
        .decide_indicators(
            portal,
            check_day(),
            "审核员甲",
            &[NewIndicatorDecision {
                code: "site_unreachable",
                scope: "site",
                machine: Verdict::Veto,
                verdict: Verdict::Veto,
                note: "属实",
            }],
        )
        .await
        .unwrap();
    day::judge_day(&store, portal, check_day(), &config.indicators)
        .await
        .unwrap();
    let stored = day::stored(&store, portal, check_day())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.indicators.len(), report.indicators.len());
    assert_eq!(
        stored.indicators[0].decision.as_ref().unwrap().by,
        "审核员甲"
    );
    assert!(stored.decided_vetoed);
    assert_eq!(
        store
            .day_of_run(portal, report.run_id.unwrap())
            .await
            .unwrap(),
        Some(check_day())
    );
    server.stop().await;
    pg.drop_now().await;
}
