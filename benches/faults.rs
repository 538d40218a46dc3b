//! The fault catalogue of the fixture county, one fault at a time and all at once: for each,
//! the findings of the unit it hits (deductions / questions), the exit code the run gets,
//! its wall time and peak memory (VmHWM, reset before each run).
//!
//! `cargo bench --bench faults`

use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use gongkai::audit::{crawl, CrawlOptions, Progress};
use gongkai::config::PortalConfig;
use gongkai::fixture::faults::{catalogue, PlantedFault, UNITS};
use gongkai::fixture::FixtureServer;
use gongkai::model::FindingKind;
use gongkai::store::{RunStatus, Store};

fn no_progress(_: Progress) {}

/// Resets the peak resident size of this process (Linux `clear_refs` 5).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Peak resident size since the last reset, in MB.
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

struct Row {
    what: String,
    unit: String,
    deductions: usize,
    questions: usize,
    exit: u8,
    wall: f64,
    peak: f64,
}

async fn measure(root: &std::path::Path, faults: &[&PlantedFault], units: &[&str]) -> Row {
    let portal = root.join("fixtures/portal");
    let server = FixtureServer::start(&portal).await.expect("fixture server");
    for f in faults {
        f.plant(&server, &portal);
    }
    let mut config =
        PortalConfig::load(&root.join("selectors/fixture.toml")).expect("fixture config");
    config.portal.base_url = server.base_url().parse().expect("url");
    config.units.retain(|u| units.contains(&u.name.as_str()));
    config.crawl.timeout_secs = 1;
    config.crawl.retries = 2;
    config.crawl.backoff_ms = 10;
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("f.db").display()))
        .await
        .expect("store");
    reset_peak();
    let t0 = Instant::now();
    let opts = CrawlOptions {
        config,
        config_path: "selectors/fixture.toml".into(),
        rubric: gongkai::rubric::Rubric::bundled_2020(),
        as_of: NaiveDate::from_ymd_opt(2020, 12, 15).expect("date"),
        resume: false,
        // The crawl's own cost is measured; the link check is its own step.
        check_links: false,
    };
    let summary = crawl(&store, opts, &no_progress).await.expect("crawl");
    let wall = t0.elapsed().as_secs_f64();
    let peak = peak_mb();
    let hit: Vec<&str> = faults.iter().map(|f| f.unit).collect();
    let findings = store.findings(summary.run_id).await.expect("findings");
    let of = |kind| {
        findings
            .iter()
            .filter(|f| f.kind == kind && (hit.is_empty() || hit.contains(&f.unit.as_str())))
            .count()
    };
    Row {
        what: match faults {
            [] => "无故障（对照）".into(),
            [one] => one.what.into(),
            _ => format!("全部{}种故障同时", faults.len()),
        },
        unit: match faults {
            [one] => one.unit.into(),
            _ => format!("{}个单位", units.len()),
        },
        deductions: of(FindingKind::Deduction),
        questions: of(FindingKind::Question),
        exit: if summary.status == RunStatus::Complete {
            0
        } else {
            1
        },
        wall,
        peak,
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let all = catalogue();
    let mut rows = Vec::new();
    rt.block_on(async {
        for f in &all {
            rows.push(measure(&root, &[f], &[f.unit]).await);
        }
        rows.push(measure(&root, &[], &UNITS).await);
        let every: Vec<&PlantedFault> = all.iter().collect();
        rows.push(measure(&root, &every, &UNITS).await);
    });
    println!("| 故障 | 单位 | 扣分 | 待核查 | 退出码 | 用时 | 峰值内存 |");
    println!("|---|---|---|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {} | {:.1} s | {:.0} MB |",
            r.what, r.unit, r.deductions, r.questions, r.exit, r.wall, r.peak
        );
    }
}
