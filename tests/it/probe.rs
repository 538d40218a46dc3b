//! `gongkai probe` on the fixture portal served on loopback: the description it writes, used by
//! a crawl as written, drafts exactly the ground truth; units one side lacks are named; bad
//! input exits 2 with a message saying what is wrong.

use std::path::{Path, PathBuf};
use std::process::Command;

use gongkai::audit::{crawl, CrawlOptions};
use gongkai::config::{CrawlSettings, Platform, PortalConfig};
use gongkai::fixture::FixtureServer;
use gongkai::probe::{probe, ProbeOptions, ProbeReport};
use gongkai::store::Store;

use crate::support::crawl_common::{as_of, no_progress, root};
use crate::support::pg_common::compare;

/// The office's list of the fixture county (UTF-8 with a BOM, as Excel writes it), shipped as
/// the example of the format.
fn units_csv() -> PathBuf {
    root().join("selectors/units-example.csv")
}

fn options(base_url: String, units: &Path, out: &Path) -> ProbeOptions {
    ProbeOptions {
        base_url,
        units_csv: units.to_path_buf(),
        out: out.to_path_buf(),
        // The fixture answers at once: the rate of the crawl tests, not a real portal's.
        crawl: CrawlSettings {
            rate_per_sec: 50.0,
            timeout_secs: 20,
            backoff_ms: 50,
            ..CrawlSettings::default()
        },
        budget: 60,
        year: 2020,
        name: None,
    }
}

fn questions(r: &ProbeReport) -> String {
    let keys: Vec<String> = r
        .keys
        .iter()
        .map(|k| {
            format!(
                "{} [{}] {} — {}",
                k.key,
                k.confidence.label(),
                k.value,
                k.note
            )
        })
        .collect();
    format!("{}\n{}", r.questions.join("\n"), keys.join("\n"))
}

/// Crawls the fixture with the description as written (the rate lifted, as `--rate` would).
async fn crawl_with(out: &Path, dir: &Path) -> Vec<gongkai::model::Finding> {
    let mut config = PortalConfig::load(out).unwrap();
    config.crawl.rate_per_sec = 50.0;
    config.crawl.concurrency = 4;
    let store = Store::connect(&format!("sqlite://{}", dir.join("t.db").display()))
        .await
        .unwrap();
    let opts = CrawlOptions {
        config,
        config_path: out.display().to_string(),
        rubric: gongkai::rubric::Rubric::bundled_2020(),
        as_of: as_of(),
        resume: false,
        // The link check has its own tests (links.rs); these count the crawl's requests.
        check_links: false,
    };
    let summary = crawl(&store, opts, &no_progress).await.unwrap();
    assert_eq!(summary.units.len(), 49);
    store.findings(summary.run_id).await.unwrap()
}

/// Probes a family's fixture county with the office's list, crawls it with the description as
/// written and compares with the family's ground truth. A family whose fixture is not there
/// (yet) says so and passes.
async fn probe_then_crawl(family: &str, platform: Platform) {
    let (portal, truth) = match family {
        "vsb" => (
            "fixtures/portal".to_string(),
            "fixtures/ground-truth.json".to_string(),
        ),
        f => (
            format!("fixtures/portal-{f}"),
            format!("fixtures/ground-truth-{f}.json"),
        ),
    };
    if !root().join(&portal).is_dir() {
        eprintln!("{family}: {portal} is not there; skipped");
        return;
    }
    let server = FixtureServer::start(&root().join(&portal)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("portal.toml");
    let report = probe(&options(server.base_url(), &units_csv(), &out))
        .await
        .unwrap();
    println!("{family}: {} requests", report.requests);
    assert!(report.complete(), "{family}: {}", questions(&report));
    assert_eq!(report.family.platform, Some(platform));
    assert_eq!(report.units.matched.len(), 49);
    assert!(report.units.not_on_portal.is_empty() && report.units.not_in_file.is_empty());
    assert!(
        report.requests <= 60,
        "{family}: {} requests: {:?}",
        report.requests,
        report.judged
    );
    // Every request said who it was.
    assert!(server.requests().iter().all(|r| r
        .user_agent
        .as_deref()
        .is_some_and(|ua| ua.starts_with("gongkai/"))));
    let findings = crawl_with(&out, dir.path()).await;
    let problems = compare(&findings, &root().join(truth));
    assert!(problems.is_empty(), "{family}:\n{}", problems.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probe_then_crawl_meets_the_ground_truth_exactly() {
    probe_then_crawl("vsb", Platform::Vsb).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probe_then_crawl_meets_the_trs_ground_truth_exactly() {
    probe_then_crawl("trs", Platform::Trs).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probe_then_crawl_meets_the_hanweb_ground_truth_exactly() {
    probe_then_crawl("hanweb", Platform::Hanweb).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn units_one_side_lacks_are_named_and_a_gbk_list_is_read() {
    let server = FixtureServer::start(&root().join("fixtures/portal"))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The office's list saved as Excel's plain CSV (GBK): 地震局 left out, a unit the portal
    // does not show added, 公安局 without the aliases the portal uses.
    let text = std::fs::read_to_string(units_csv()).unwrap();
    let text: String = text
        .trim_start_matches('\u{feff}')
        .lines()
        .filter(|l| !l.starts_with("地震局,"))
        .map(|l| {
            if l.starts_with("公安局,") {
                "公安局,A,,gaj@example.cn".to_string()
            } else {
                l.to_string()
            }
        })
        .chain(["档案馆,B,县档案馆,".to_string()])
        .collect::<Vec<_>>()
        .join("\r\n");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let csv = dir.path().join("单位.csv");
    std::fs::write(&csv, &gbk).unwrap();
    let out = dir.path().join("portal.toml");
    let report = probe(&options(server.base_url(), &csv, &out))
        .await
        .unwrap();
    assert!(!report.complete());
    assert_eq!(report.units.not_on_portal, ["档案馆"]);
    assert_eq!(report.units.not_in_file, ["县地震局"]);
    assert!(report.questions.iter().any(|q| q.contains("档案馆")));
    assert!(report.questions.iter().any(|q| q.contains("县地震局")));
    // 县公安局 on the home is 公安局 by its core name: written as an alias for the crawl.
    let config = PortalConfig::load(&out).unwrap();
    let gaj = config.unit("公安局").unwrap();
    assert!(gaj.aliases.iter().any(|a| a == "县公安局"), "{gaj:?}");
    assert_eq!(gaj.emails, ["gaj@example.cn"]);
    assert!(report.requests <= 60);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_nothing_reads_is_a_question_naming_the_page() {
    let server = FixtureServer::start(&root().join("fixtures/portal"))
        .await
        .unwrap();
    // The board's list is gone.
    server.remove_file("/hdjl/zxts.htm");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("portal.toml");
    let report = probe(&options(server.base_url(), &units_csv(), &out))
        .await
        .unwrap();
    assert!(!report.complete());
    assert!(
        report
            .questions
            .iter()
            .any(|q| q.starts_with("messages.list") && q.contains("/hdjl/zxts.htm")),
        "{}",
        questions(&report)
    );
    // The rest was still worked out, and the description written loads.
    assert!(report
        .keys
        .iter()
        .any(|k| k.key == "pages.list_item" && k.value == "ul.news-list > li"));
    PortalConfig::load(&out).unwrap();
    // A spent budget is said, never silently taken for a complete reading.
    let mut tight = options(server.base_url(), &units_csv(), &out);
    tight.budget = 8;
    let report = probe(&tight).await.unwrap();
    assert!(report.requests <= 8, "{}", report.requests);
    assert!(!report.complete());
    assert!(report.questions.iter().any(|q| q.contains("预算")));
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gongkai"));
    c.env_remove("DATABASE_URL").env("RUST_LOG", "error");
    c
}

#[test]
fn bad_input_exits_2_saying_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.toml");
    let run = |args: &[&str]| {
        let o = bin()
            .arg("probe")
            .args(args)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).to_string(),
        )
    };
    let csv = units_csv();
    let csv = csv.to_str().unwrap();
    let (code, err) = run(&["ftp://example.gov.cn/", "--units", csv]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("http 或 https"), "{err}");
    let (code, err) = run(&["不是网址", "--units", csv]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("不是有效的网址"), "{err}");
    let (code, err) = run(&["http://127.0.0.1:9/", "--units", "/nonexistent/单位.csv"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("无法读取单位名单") && err.contains("单位.csv"),
        "{err}"
    );
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "名称,类别,别名,邮箱\n田园镇,乡镇,,\n发改局,C类,,\n").unwrap();
    let (code, err) = run(&["http://127.0.0.1:9/", "--units", bad.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("bad.csv") && err.contains("第 3 行") && err.contains("类别"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn the_command_prints_what_it_found_and_exits_0() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt
        .block_on(FixtureServer::start(&root().join("fixtures/portal")))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("portal.toml");
    let o = bin()
        .args([
            "probe",
            &server.base_url(),
            "--rate",
            "50",
            "--year",
            "2020",
        ])
        .arg("--units")
        .arg(units_csv())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for said in [
        "平台类型：vsb",
        "平台首页：",
        "单位匹配：名单中 49 个单位",
        "pages.list_item",
        "确定",
        "判断所依据的页面",
        "请求 ",
    ] {
        assert!(stdout.contains(said), "{said}:\n{stdout}");
    }
    PortalConfig::load(&out).unwrap();
    drop(rt);
}
