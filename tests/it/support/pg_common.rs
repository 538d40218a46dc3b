//! What the tests that run on PostgreSQL share: a fresh database per test (when
//! `GONGKAI_TEST_PG_URL` is set, as `.ci/run` does; otherwise the test says it skipped).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use gongkai::config::PortalConfig;
use gongkai::fixture::{FixtureServer, RequestRecord};
use gongkai::model::{Finding, FindingKind};
use gongkai::store::scratch::{create_scratch_database, drop_scratch_database, TEST_PG_URL_VAR};
use serde::Deserialize;

/// A scratch PostgreSQL database, dropped by [`PgDb::drop_now`].
pub struct PgDb {
    admin: String,
    pub url: String,
}

impl PgDb {
    /// A fresh database for the test `label`, or `None` (with a skip message) without a URL.
    pub async fn fresh(label: &str) -> Option<PgDb> {
        let Ok(admin) = std::env::var(TEST_PG_URL_VAR) else {
            eprintln!(
                "SKIPPED on PostgreSQL: {label} (set {TEST_PG_URL_VAR}=postgres://… to run it; \
                 .ci/run does, via scripts/start-postgres.sh)"
            );
            return None;
        };
        let url = create_scratch_database(&admin, label)
            .await
            .unwrap_or_else(|e| {
                panic!("cannot create a scratch database via {TEST_PG_URL_VAR}: {e}")
            });
        Some(PgDb { admin, url })
    }

    pub async fn drop_now(self) {
        if let Err(e) = drop_scratch_database(&self.admin, &self.url).await {
            eprintln!("could not drop {}: {e}", self.url);
        }
    }
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 12, 15).unwrap()
}

pub fn ground_truth() -> PathBuf {
    root().join("fixtures/ground-truth.json")
}

/// The fixture county on loopback and its configuration pointed at it.
pub async fn fixture() -> (FixtureServer, PortalConfig) {
    let server = FixtureServer::start(&root().join("fixtures/portal"))
        .await
        .unwrap();
    let mut config = PortalConfig::load(&root().join("selectors/fixture.toml")).unwrap();
    config.portal.base_url = server.base_url().parse().unwrap();
    (server, config)
}

/// The most requests the server saw within any one second.
pub fn busiest_second(requests: &[RequestRecord]) -> usize {
    let mut times: Vec<_> = requests.iter().map(|r| r.at).collect();
    times.sort();
    (0..times.len())
        .map(|i| {
            times[i..]
                .iter()
                .take_while(|u| u.duration_since(times[i]) < Duration::from_secs(1))
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[derive(Debug, Deserialize)]
struct Expected {
    unit: String,
    section: String,
    item: u32,
    points: f64,
    kind: String,
    reason: String,
    key: String,
    #[serde(default)]
    evidence_urls: Vec<String>,
}

type Key = (String, String, u32, String, String);

fn key_of(f: &Finding) -> Key {
    let section = serde_json::to_value(f.section).unwrap();
    (
        f.unit.clone(),
        section.as_str().unwrap().to_string(),
        f.item,
        f.reason.to_string(),
        f.key.clone(),
    )
}

/// Compares findings with the ground truth; returns every difference in words.
pub fn compare(findings: &[Finding], path: &Path) -> Vec<String> {
    let expected: Vec<Expected> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let got: BTreeMap<Key, &Finding> = findings.iter().map(|f| (key_of(f), f)).collect();
    assert_eq!(got.len(), findings.len(), "duplicate finding identities");
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    for e in &expected {
        let k = (
            e.unit.clone(),
            e.section.clone(),
            e.item,
            e.reason.clone(),
            e.key.clone(),
        );
        seen.push(k.clone());
        let Some(f) = got.get(&k) else {
            problems.push(format!("missing: {k:?} ({} points)", e.points));
            continue;
        };
        let kind = match f.kind {
            FindingKind::Deduction => "deduction",
            FindingKind::Question => "question",
        };
        if (f.points.points() - e.points).abs() > 1e-9 || kind != e.kind {
            problems.push(format!(
                "wrong: {k:?}: got {} {kind}, want {} {}",
                f.points, e.points, e.kind
            ));
        }
        for url in &e.evidence_urls {
            if !f.evidence.iter().any(|ev| ev.url.ends_with(url.as_str())) {
                problems.push(format!("evidence of {k:?} lacks {url}"));
            }
        }
        if f.evidence.is_empty() || f.detail.is_empty() {
            problems.push(format!("{k:?} has no evidence or detail"));
        }
    }
    for (k, f) in &got {
        if !seen.contains(k) {
            problems.push(format!(
                "not planted: {k:?} {} {:?}: {}",
                f.points, f.kind, f.detail
            ));
        }
    }
    problems
}
