//! The fault suite (issue 11): the same units crawled clean and with the fixture county's fault
//! catalogue planted (`gongkai::fixture::faults`, one fault per unit). Every fault must give no
//! deduction the clean run does not draft, and a question on every item whose reading it
//! touched.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use gongkai::fixture::faults::{catalogue, UNITS};
use gongkai::model::{Finding, FindingKind, Reason};
use gongkai::store::RunStatus;

use crate::support::crawl_common::{root, run, setup};

type Key = (String, u32, &'static str, String);

fn key(f: &Finding) -> Key {
    (f.unit.clone(), f.item, f.reason.as_str(), f.key.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_is_a_question_never_a_new_deduction() {
    let configure = |config: &mut gongkai::config::PortalConfig| {
        config.units.retain(|u| UNITS.contains(&u.name.as_str()));
        config.crawl.timeout_secs = 1;
        config.crawl.retries = 2;
        config.crawl.backoff_ms = 10;
    };
    let (_clean_server, mut config, store, _dir) = setup().await;
    configure(&mut config);
    let clean = run(&store, &config, false).await;
    let clean = store.findings(clean.run_id).await.unwrap();
    let clean_deductions: BTreeSet<Key> = clean
        .iter()
        .filter(|f| f.kind == FindingKind::Deduction)
        .map(key)
        .collect();

    let (server, mut config, store, _dir) = setup().await;
    configure(&mut config);
    let faults = catalogue();
    for f in &faults {
        f.plant(&server, &root().join("fixtures/portal"));
    }
    let started = Instant::now();
    let summary = tokio::time::timeout(Duration::from_secs(120), run(&store, &config, false))
        .await
        .expect("the faulted run must not hang");
    let wall = started.elapsed();
    // Unreadable content makes the run partial (exit 1), like a failed fetch.
    assert_eq!(summary.status, RunStatus::Partial);
    let findings = store.findings(summary.run_id).await.unwrap();

    // 1. No deduction the clean run would not draft.
    for f in findings.iter().filter(|f| f.kind == FindingKind::Deduction) {
        assert!(
            clean_deductions.contains(&key(f)),
            "a new deduction under faults: {f:#?}"
        );
    }
    // 2. A question on every item a fault touched, and nothing else said of a fault that
    //    must be read through.
    let mut table = Vec::new();
    for p in &faults {
        let of_unit: Vec<&Finding> = findings.iter().filter(|f| f.unit == p.unit).collect();
        for item in p.items {
            assert!(
                of_unit.iter().any(|f| f.kind == FindingKind::Question
                    && f.item == *item
                    && Some(f.reason) == p.reason),
                "{} ({}): no {:?} question on item {item}: {of_unit:#?}",
                p.unit,
                p.what,
                p.reason
            );
        }
        if p.items.is_empty() {
            let clean_keys: BTreeSet<Key> =
                clean.iter().filter(|f| f.unit == p.unit).map(key).collect();
            let keys: BTreeSet<Key> = of_unit.iter().map(|f| key(f)).collect();
            assert_eq!(keys, clean_keys, "{} ({})", p.unit, p.what);
        }
        table.push(format!(
            "{}\t{}\t扣分{}\t待核查{}",
            p.what,
            p.unit,
            of_unit
                .iter()
                .filter(|f| f.kind == FindingKind::Deduction)
                .count(),
            of_unit
                .iter()
                .filter(|f| f.kind == FindingKind::Question)
                .count()
        ));
    }
    // 3. The faults' own figures.
    let requests = server.requests();
    let pager_pages = requests
        .iter()
        .filter(|r| {
            r.path
                .starts_with("/bmym/mtz/zfxxgkpt/fdzdgknr/czxx/czyjs/")
        })
        .count();
    assert!(
        pager_pages <= 3 * 2,
        "a pager of 5000 pages cost {pager_pages} requests"
    );
    let fgj: Vec<&Finding> = findings.iter().filter(|f| f.unit == "发改局").collect();
    assert!(
        !fgj.iter()
            .any(|f| f.reason == Reason::PdfUnmarked && f.key == "/info/1227/9230176.htm"),
        "{fgj:#?}"
    );
    let doubt = fgj
        .iter()
        .find(|f| f.reason == Reason::PdfDateUnsure)
        .unwrap();
    assert!(
        doubt.detail.contains("2020-11-18") && doubt.detail.contains("2019-11-18"),
        "{}",
        doubt.detail
    );
    eprintln!(
        "fault run: {} findings, status {:?}, {} requests, wall {:.1} s\n{}",
        findings.len(),
        summary.status,
        summary.requests,
        wall.as_secs_f64(),
        table.join("\n")
    );
}
