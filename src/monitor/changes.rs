//! What changed between two runs: findings that appeared, went away (可能已整改) or changed
//! points, and pages that disappeared or changed. A finding is "the same" across runs when its
//! unit, section, item, reason and key agree.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::indicators::{DayReport, Verdict};
use crate::model::Finding;
use crate::store::{PageKind, Run, RunStatus, Store, StoreError, StoredPage};

/// A finding present in both runs whose suggested points differ.
#[derive(Debug, Clone, Serialize)]
pub struct PointsChange {
    pub before: f64,
    pub after: f64,
    /// The finding as run B drafted it.
    pub finding: Finding,
}

/// A page seen in both runs (or only in A).
#[derive(Debug, Clone, Serialize)]
pub struct PageChange {
    pub url: String,
    pub unit: Option<String>,
    pub kind: PageKind,
    /// HTTP status in run B; `None` when B did not ask for the URL at all.
    pub status_after: Option<u16>,
}

/// A national inspection indicator whose verdict that counts (the auditor's, else the
/// machine's) differs between the days judged on run A and on run B.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorChange {
    pub code: &'static str,
    pub name: String,
    /// `site`, or the unit's name.
    pub scope: String,
    /// `None`: not judged on A's day (or that day was not judged).
    pub before: Option<Verdict>,
    pub after: Option<Verdict>,
    /// B's summary (A's when the indicator is gone in B).
    pub summary: String,
}

/// The difference between run A (before) and run B (after).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Changes {
    pub run_a: i64,
    pub run_b: i64,
    pub new_findings: Vec<Finding>,
    /// Problems no longer drafted in B: 可能已整改.
    pub gone_findings: Vec<Finding>,
    pub changed_points: Vec<PointsChange>,
    /// URLs fetched fine in A that answer 404/410 in B, or that B no longer reached.
    pub pages_disappeared: Vec<PageChange>,
    /// URLs fetched fine in both whose bodies differ.
    pub pages_changed: Vec<PageChange>,
    /// Indicators whose verdict changed between the days judged on A and on B.
    pub indicators_changed: Vec<IndicatorChange>,
}

impl Changes {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.new_findings.is_empty()
            && self.gone_findings.is_empty()
            && self.changed_points.is_empty()
            && self.pages_disappeared.is_empty()
            && self.pages_changed.is_empty()
            && self.indicators_changed.is_empty()
    }

    /// The part of the changes that concerns one unit.
    pub fn for_unit(&self, unit: &str) -> Changes {
        let page = |p: &&PageChange| p.unit.as_deref() == Some(unit);
        Changes {
            run_a: self.run_a,
            run_b: self.run_b,
            new_findings: only(&self.new_findings, unit),
            gone_findings: only(&self.gone_findings, unit),
            changed_points: self
                .changed_points
                .iter()
                .filter(|c| c.finding.unit == unit)
                .cloned()
                .collect(),
            pages_disappeared: self
                .pages_disappeared
                .iter()
                .filter(page)
                .cloned()
                .collect(),
            pages_changed: self.pages_changed.iter().filter(page).cloned().collect(),
            indicators_changed: self
                .indicators_changed
                .iter()
                .filter(|c| c.scope == unit)
                .cloned()
                .collect(),
        }
    }
}

fn only(findings: &[Finding], unit: &str) -> Vec<Finding> {
    findings
        .iter()
        .filter(|f| f.unit == unit)
        .cloned()
        .collect()
}

/// Identity of a finding across runs.
type FindingId = (String, &'static str, u32, &'static str, String);

fn identity(f: &Finding) -> FindingId {
    (
        f.unit.clone(),
        f.section.as_str(),
        f.item,
        f.reason.as_str(),
        f.key.clone(),
    )
}

/// Compares run A (before) with run B (after).
pub async fn diff(store: &Store, run_a: i64, run_b: i64) -> Result<Changes, StoreError> {
    let findings_a = store.findings(run_a).await?;
    let findings_b = store.findings(run_b).await?;
    let pages_a = store.pages(run_a).await?;
    let pages_b = store.pages(run_b).await?;
    let mut changes = diff_findings(&findings_a, &findings_b);
    changes.run_a = run_a;
    changes.run_b = run_b;
    let (disappeared, changed) = diff_pages(&pages_a, &pages_b);
    changes.pages_disappeared = disappeared;
    changes.pages_changed = changed;
    let portal = store.run(run_b).await?.portal;
    let a = judged_on(store, &portal, run_a).await?;
    let b = judged_on(store, &portal, run_b).await?;
    changes.indicators_changed = diff_indicators(a.as_ref(), b.as_ref());
    Ok(changes)
}

/// The indicators judged on the newest day that read `run` (none when no day read it).
async fn judged_on(store: &Store, portal: &str, run: i64) -> Result<Option<DayReport>, StoreError> {
    match store.day_of_run(portal, run).await? {
        Some(day) => crate::indicators::day::stored(store, portal, day).await,
        None => Ok(None),
    }
}

/// The indicators whose counting verdict differs between two judged days (nothing when either
/// day was not judged: no change can be told).
pub fn diff_indicators(a: Option<&DayReport>, b: Option<&DayReport>) -> Vec<IndicatorChange> {
    let (Some(a), Some(b)) = (a, b) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for i in &b.indicators {
        let before = a
            .indicators
            .iter()
            .find(|x| x.code == i.code && x.scope == i.scope)
            .map(|x| x.decided());
        if before != Some(i.decided()) {
            out.push(IndicatorChange {
                code: i.code,
                name: i.name.clone(),
                scope: i.scope.clone(),
                before,
                after: Some(i.decided()),
                summary: i.summary.clone(),
            });
        }
    }
    for x in &a.indicators {
        if !b
            .indicators
            .iter()
            .any(|i| i.code == x.code && i.scope == x.scope)
        {
            out.push(IndicatorChange {
                code: x.code,
                name: x.name.clone(),
                scope: x.scope.clone(),
                before: Some(x.decided()),
                after: None,
                summary: x.summary.clone(),
            });
        }
    }
    out
}

/// The findings part of [`diff`], on findings already read.
pub fn diff_findings(a: &[Finding], b: &[Finding]) -> Changes {
    let map_a: BTreeMap<FindingId, &Finding> = a.iter().map(|f| (identity(f), f)).collect();
    let map_b: BTreeMap<FindingId, &Finding> = b.iter().map(|f| (identity(f), f)).collect();
    let mut changes = Changes::default();
    for (id, fb) in &map_b {
        match map_a.get(id) {
            None => changes.new_findings.push((*fb).clone()),
            Some(fa) if fa.points != fb.points => changes.changed_points.push(PointsChange {
                before: fa.points.points(),
                after: fb.points.points(),
                finding: (*fb).clone(),
            }),
            Some(_) => {}
        }
    }
    for (id, fa) in &map_a {
        if !map_b.contains_key(id) {
            changes.gone_findings.push((*fa).clone());
        }
    }
    changes
}

fn ok(p: &StoredPage) -> bool {
    p.error.is_none() && (200..400).contains(&p.status)
}

/// Pages that disappeared and pages whose body changed, from A to B.
pub fn diff_pages(a: &[StoredPage], b: &[StoredPage]) -> (Vec<PageChange>, Vec<PageChange>) {
    let map_b: BTreeMap<&str, &StoredPage> = b.iter().map(|p| (p.url.as_str(), p)).collect();
    let mut disappeared = Vec::new();
    let mut changed = Vec::new();
    for pa in a.iter().filter(|p| ok(p)) {
        let change = |status_after| PageChange {
            url: pa.url.clone(),
            unit: pa.unit.clone(),
            kind: pa.kind,
            status_after,
        };
        match map_b.get(pa.url.as_str()) {
            None => disappeared.push(change(None)),
            Some(pb) if matches!(pb.status, 404 | 410) => disappeared.push(change(Some(pb.status))),
            Some(pb) if ok(pb) && pb.sha256.is_some() && pb.sha256 != pa.sha256 => {
                changed.push(change(Some(pb.status)))
            }
            Some(_) => {}
        }
    }
    (disappeared, changed)
}

/// The newest finished (complete or partial) run of the same portal older than `run`.
pub async fn previous_finished_run(store: &Store, run: &Run) -> Result<Option<Run>, StoreError> {
    Ok(store.runs().await?.into_iter().find(|r| {
        r.id < run.id
            && r.portal == run.portal
            && matches!(r.status, RunStatus::Complete | RunStatus::Partial)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::{Decision, IndicatorResult};

    fn result(code: &'static str, scope: &str, verdict: Verdict) -> IndicatorResult {
        IndicatorResult {
            code,
            name: code.into(),
            scope: scope.into(),
            text: String::new(),
            verdict,
            summary: format!("{code} {scope}"),
            figures: vec![],
            evidence: vec![],
            questions: vec![],
            decision: None,
        }
    }

    fn day(indicators: Vec<IndicatorResult>) -> DayReport {
        DayReport {
            portal: "县".into(),
            date: chrono::NaiveDate::from_ymd_opt(2020, 12, 15).unwrap(),
            run_id: Some(1),
            vetoed: false,
            decided_vetoed: false,
            open: 0,
            computed_at: None,
            indicators,
        }
    }

    #[test]
    fn indicators_change_by_the_verdict_that_counts() {
        let mut decided = result("interaction_poor", "site", Verdict::Question);
        decided.decision = Some(Decision {
            verdict: Verdict::Pass,
            note: "已核".into(),
            by: "甲".into(),
            at: String::new(),
            machine_verdict: Verdict::Question,
        });
        let a = day(vec![
            result("site_unreachable", "site", Verdict::Pass),
            result("columns_not_updated", "甲镇", Verdict::Pass),
            decided,
            result("columns_not_updated", "乙镇", Verdict::Veto),
        ]);
        let b = day(vec![
            result("site_unreachable", "site", Verdict::Veto),
            result("columns_not_updated", "甲镇", Verdict::Pass),
            // The machine still says question, the auditor's pass counts: no change.
            result("interaction_poor", "site", Verdict::Pass),
            result("home_not_updated", "site", Verdict::Pass),
        ]);
        let changes = diff_indicators(Some(&a), Some(&b));
        let seen: Vec<(&str, &str, Option<Verdict>, Option<Verdict>)> = changes
            .iter()
            .map(|c| (c.code, c.scope.as_str(), c.before, c.after))
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "site_unreachable",
                    "site",
                    Some(Verdict::Pass),
                    Some(Verdict::Veto)
                ),
                ("home_not_updated", "site", None, Some(Verdict::Pass)),
                ("columns_not_updated", "乙镇", Some(Verdict::Veto), None),
            ]
        );
        assert!(diff_indicators(None, Some(&b)).is_empty());
        let c = Changes {
            indicators_changed: changes,
            ..Default::default()
        };
        assert!(!c.is_empty());
        assert_eq!(c.for_unit("乙镇").indicators_changed.len(), 1);
        assert!(c.for_unit("甲镇").is_empty());
    }
}
