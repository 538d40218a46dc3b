//! The review's view of each unit: the current run's findings with their decisions, decisions
//! whose problem is gone from the current run (可能已整改), manual entries, and the score and
//! grade that follow, via [`crate::score::score_unit`] and [`crate::score::grade`].

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use super::coverage::{coverage, open_drafts, Coverage};
use crate::config::{PortalConfig, UnitClass};
use crate::model::{Centi, Finding, FindingStatus, Reason, RubricCheck, Section, Table};
use crate::rubric::Rubric;
use crate::score::{self, Category, Deduction, Entry, GradeRow, History, UnitInput, UnitScore};
use crate::store::{Decision, EntryKind, Identity, ManualEntry, Run, Store, StoreError};

/// A finding as the auditor sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewedFinding {
    /// The current run's row, or the row last decided on when the problem is gone.
    pub finding: Finding,
    pub decision: Option<Decision>,
    pub status: FindingStatus,
    /// The deduction that counts now (confirmed or adjusted), else 0.
    pub counted: Centi,
    /// Decided earlier but not found by the current run: 可能已整改.
    pub maybe_fixed: bool,
}

/// Everything about one unit.
#[derive(Debug, Clone, Serialize)]
pub struct UnitReview {
    pub unit: String,
    pub table: Table,
    pub category: Category,
    pub findings: Vec<ReviewedFinding>,
    pub entries: Vec<ManualEntry>,
    pub score: UnitScore,
    pub grade: Option<GradeRow>,
    /// What of the table is examined, settled and open; the score is 预估 until complete.
    pub coverage: Coverage,
    /// The score if every open draft were confirmed as suggested (the low end of the estimate;
    /// the high end, every draft rejected, is `score.total`).
    pub if_all_confirmed: f64,
}

/// One cell of the overview: a unit on a rubric item.
#[derive(Debug, Clone, Serialize)]
pub struct ItemCell {
    pub item: u32,
    pub drafts: usize,
    pub deducted: f64,
    /// An item only auditors decide, not entered yet.
    pub open: bool,
}

/// One row of the overview.
#[derive(Debug, Clone, Serialize)]
pub struct UnitSummary {
    pub unit: String,
    pub category: String,
    pub drafts: usize,
    pub cells: Vec<ItemCell>,
    pub total: f64,
    pub rank: Option<u32>,
    pub grade: Option<String>,
    /// Every item settled: the total is final, not 预估.
    pub complete: bool,
    /// The total if every open draft were confirmed (the estimate's low end).
    pub low: f64,
    /// Drafts of the current run decided, and all of them.
    pub decided: usize,
    pub findings: usize,
    /// Bonus and penalty findings of the current run: open drafts, and the rules' texts.
    pub bonus: SideCell,
    pub penalty: SideCell,
}

/// The overview's bonus or penalty cell of a unit.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SideCell {
    pub drafts: usize,
    /// Points counted (confirmed) on this side.
    pub points: f64,
    /// The rule text of each finding, for the cell's title.
    pub rules: Vec<String>,
    /// The same, cut to a dozen characters for the cell itself.
    pub short: Vec<String>,
}

impl UnitReview {
    fn side(&self, rubric: &Rubric, section: Section, points: f64) -> SideCell {
        let cell = self.side_rules(rubric, section, points);
        let short = cell
            .rules
            .iter()
            .map(|r| {
                let mut s: String = r.chars().take(12).collect();
                if r.chars().count() > 12 {
                    s.push('…');
                }
                s
            })
            .collect();
        SideCell { short, ..cell }
    }

    fn side_rules(&self, rubric: &Rubric, section: Section, points: f64) -> SideCell {
        let mine = self
            .findings
            .iter()
            .filter(|f| f.finding.section == section && !f.maybe_fixed);
        SideCell {
            drafts: mine
                .clone()
                .filter(|f| f.status == FindingStatus::Draft)
                .count(),
            points,
            rules: mine
                .map(|f| {
                    let rules = match section {
                        Section::Bonus => &rubric.bonus,
                        _ => &rubric.penalty,
                    };
                    let rule = if f.finding.reason == Reason::PdfNondisclosable {
                        rubric.checked_rule(RubricCheck::Nondisclosable)
                    } else {
                        rules.iter().find(|r| r.number == f.finding.item)
                    };
                    rule.map_or_else(|| f.finding.detail.clone(), |r| r.text.clone())
                })
                .collect(),
            short: Vec::new(),
        }
    }

    pub fn summary(&self, rubric: &Rubric) -> UnitSummary {
        let current = || self.findings.iter().filter(|f| !f.maybe_fixed);
        let drafts = |item: Option<u32>| {
            self.findings
                .iter()
                .filter(|f| f.status == FindingStatus::Draft && !f.maybe_fixed)
                .filter(|f| {
                    item.is_none_or(|i| f.finding.section == Section::Item && f.finding.item == i)
                })
                .count()
        };
        UnitSummary {
            unit: self.unit.clone(),
            category: self.category.group_name().to_string(),
            drafts: drafts(None),
            cells: self
                .score
                .per_item
                .iter()
                .map(|s| ItemCell {
                    item: s.item,
                    drafts: drafts(Some(s.item)),
                    deducted: s.deducted,
                    open: self
                        .coverage
                        .items
                        .iter()
                        .any(|c| c.item == s.item && c.state == super::coverage::ItemState::Open),
                })
                .collect(),
            total: self.score.total,
            rank: self.grade.as_ref().map(|g| g.rank),
            grade: self.grade.as_ref().map(|g| g.grade.as_str().to_string()),
            complete: self.coverage.complete,
            low: self.if_all_confirmed,
            decided: current()
                .filter(|f| f.status != FindingStatus::Draft)
                .count(),
            findings: current().count(),
            bonus: self.side(rubric, Section::Bonus, self.score.bonus),
            penalty: self.side(rubric, Section::Penalty, self.score.penalty),
        }
    }
}

/// The findings of a run with the auditors' decisions applied: `status` and `decision` set
/// for every decided finding (decisions are kept by identity across runs, per portal).
pub async fn findings_with_decisions(store: &Store, run: &Run) -> Result<Vec<Finding>, StoreError> {
    let mut findings = store.findings(run.id).await?;
    let decisions: HashMap<Identity, Decision> = store
        .decisions(&run.portal)
        .await?
        .into_iter()
        .map(|d| (d.identity(), d))
        .collect();
    for f in &mut findings {
        if let Some(d) = decisions.get(&Identity::of(f, &run.portal)) {
            f.status = d.status.into();
            f.decision = Some(crate::model::FindingDecision {
                points: d.points,
                note: d.note.clone(),
                by: d.decided_by.clone(),
                at: d.decided_at.clone(),
            });
        }
    }
    Ok(findings)
}

/// The portal description recorded with a run (`None` for runs older than the record).
pub async fn recorded_description(
    store: &Store,
    run: &Run,
) -> Result<Option<PortalConfig>, StoreError> {
    store
        .run_description(run.id)
        .await?
        .map(|json| {
            PortalConfig::from_recorded(&json, run.id)
                .map_err(|e| StoreError::Corrupt(e.to_string()))
        })
        .transpose()
}

/// The portal a review is about: the run's, else the configuration's.
pub fn portal_of(run: Option<&Run>, config: Option<&PortalConfig>) -> String {
    run.map(|r| r.portal.clone())
        .or_else(|| config.map(|c| c.portal.name.clone()))
        .unwrap_or_default()
}

/// Reviews every known unit: those of the portal configuration, of the current run's findings,
/// and of earlier decisions. Sorted by table, then name.
pub async fn review_units(
    store: &Store,
    rubric: &Rubric,
    run: Option<&Run>,
    config: Option<&PortalConfig>,
) -> Result<Vec<UnitReview>, StoreError> {
    let current = match run {
        Some(r) => store.findings(r.id).await?,
        None => Vec::new(),
    };
    let portal = portal_of(run, config);
    let portal = portal.as_str();
    let decisions: HashMap<Identity, Decision> = store
        .decisions(portal)
        .await?
        .into_iter()
        .map(|d| (d.identity(), d))
        .collect();
    let entries = store.manual_entries(portal).await?;

    let mut units: BTreeMap<String, (Table, Option<UnitClass>)> = BTreeMap::new();
    if let Some(c) = config {
        for u in &c.units {
            units.insert(u.name.clone(), (u.table, u.class));
        }
    }
    for f in &current {
        units.entry(f.unit.clone()).or_insert((f.table, None));
    }

    // Decided findings the current run no longer has: read back the row last decided on.
    let seen: HashSet<Identity> = current.iter().map(|f| Identity::of(f, portal)).collect();
    let mut gone: Vec<Finding> = Vec::new();
    let mut by_run: HashMap<i64, Vec<Finding>> = HashMap::new();
    for d in decisions.values() {
        if seen.contains(&d.identity()) {
            continue;
        }
        let Some(run_id) = store.finding_run(d.finding_id).await? else {
            continue;
        };
        if let std::collections::hash_map::Entry::Vacant(e) = by_run.entry(run_id) {
            e.insert(store.findings(run_id).await?);
        }
        if let Some(f) = by_run[&run_id].iter().find(|f| f.id == Some(d.finding_id)) {
            units.entry(f.unit.clone()).or_insert((f.table, None));
            gone.push(f.clone());
        }
    }

    let mut reviews = Vec::new();
    for (name, (table, class)) in &units {
        let category = category_of(rubric, name, *table, *class);
        let mut findings: Vec<ReviewedFinding> = current
            .iter()
            .filter(|f| &f.unit == name)
            .map(|f| reviewed(f, &decisions, portal, false))
            .chain(
                gone.iter()
                    .filter(|f| &f.unit == name)
                    .map(|f| reviewed(f, &decisions, portal, true)),
            )
            .collect();
        findings.sort_by_key(|f| (section_order(f.finding.section), f.finding.item));
        let unit_entries: Vec<ManualEntry> = entries
            .iter()
            .filter(|e| &e.unit == name)
            .cloned()
            .collect();
        let input = unit_input(rubric, name, category, &findings, &unit_entries);
        let score =
            score::score_unit(rubric, &input).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let confirmed: Vec<ReviewedFinding> = findings
            .iter()
            .cloned()
            .map(|mut f| {
                if f.status == FindingStatus::Draft && !f.maybe_fixed {
                    f.status = FindingStatus::Confirmed;
                    f.counted = f.finding.points;
                }
                f
            })
            .collect();
        let worst = unit_input(rubric, name, category, &confirmed, &unit_entries);
        let if_all_confirmed = score::score_unit(rubric, &worst)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?
            .total;
        let coverage = coverage(
            rubric.table(category.table()),
            run.is_some(),
            &open_drafts(&findings),
            &unit_entries,
        );
        reviews.push(UnitReview {
            unit: name.clone(),
            table: *table,
            category,
            findings,
            entries: unit_entries,
            score,
            grade: None,
            coverage,
            if_all_confirmed,
        });
    }

    let scored: Vec<score::ScoredUnit> = reviews
        .iter()
        .map(|r| score::ScoredUnit {
            unit: r.unit.clone(),
            category: r.category,
            score: r.score.total,
            veto: r.score.veto,
        })
        .collect();
    let grades = score::grade(rubric, &scored, &History::new())
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    for r in &mut reviews {
        r.grade = grades.iter().find(|g| g.unit == r.unit).cloned();
    }
    reviews.sort_by(|a, b| (a.table, &a.unit).cmp(&(b.table, &b.unit)));
    Ok(reviews)
}

fn section_order(s: Section) -> u8 {
    match s {
        Section::Item => 0,
        Section::Bonus => 1,
        Section::Penalty => 2,
    }
}

fn reviewed(
    f: &Finding,
    decisions: &HashMap<Identity, Decision>,
    portal: &str,
    gone: bool,
) -> ReviewedFinding {
    let decision = decisions.get(&Identity::of(f, portal)).cloned();
    let status = decision
        .as_ref()
        .map_or(FindingStatus::Draft, |d| d.status.into());
    let counted = match status {
        FindingStatus::Confirmed | FindingStatus::Adjusted => {
            decision.as_ref().map_or(Centi::ZERO, |d| d.points)
        }
        FindingStatus::Draft | FindingStatus::Rejected => Centi::ZERO,
    };
    ReviewedFinding {
        finding: f.clone(),
        decision,
        status,
        counted,
        maybe_fixed: gone,
    }
}

/// The unit's group: townships; departments by the portal's class, else the rubric's annex 1.
pub fn category_of(
    rubric: &Rubric,
    unit: &str,
    table: Table,
    class: Option<UnitClass>,
) -> Category {
    match (table, class) {
        (Table::Township, _) => Category::Township,
        (Table::Department, Some(UnitClass::A)) => Category::DeptA,
        (Table::Department, Some(UnitClass::B)) => Category::DeptB,
        (Table::Department, None) => {
            if rubric.departments.b.iter().any(|n| n == unit) {
                Category::DeptB
            } else {
                Category::DeptA
            }
        }
    }
}

/// The rubric rule a bonus or penalty finding stands for.
fn rule_for(rubric: &Rubric, f: &Finding) -> Option<String> {
    if f.section == Section::Penalty && f.reason == Reason::PdfNondisclosable {
        return rubric
            .checked_rule(RubricCheck::Nondisclosable)
            .map(|r| r.id.clone());
    }
    let rules = match f.section {
        Section::Bonus => &rubric.bonus,
        Section::Penalty => &rubric.penalty,
        Section::Item => return None,
    };
    rules
        .iter()
        .find(|r| r.number == f.item)
        .map(|r| r.id.clone())
}

fn unit_input(
    rubric: &Rubric,
    unit: &str,
    category: Category,
    findings: &[ReviewedFinding],
    entries: &[ManualEntry],
) -> UnitInput {
    let table = rubric.table(category.table());
    let mut input = UnitInput {
        unit: unit.to_string(),
        category,
        deductions: Vec::new(),
        bonuses: Vec::new(),
        penalties: Vec::new(),
        veto: false,
    };
    for f in findings
        .iter()
        .filter(|f| matches!(f.status, FindingStatus::Confirmed | FindingStatus::Adjusted))
    {
        match f.finding.section {
            Section::Item if table.item(f.finding.item).is_some() => {
                input.deductions.push(Deduction {
                    item: f.finding.item,
                    points: f.counted.points(),
                })
            }
            Section::Item => {}
            Section::Bonus | Section::Penalty => {
                if let Some(rule) = rule_for(rubric, &f.finding) {
                    let e = Entry { rule, count: 1 };
                    if f.finding.section == Section::Bonus {
                        input.bonuses.push(e);
                    } else {
                        input.penalties.push(e);
                    }
                }
            }
        }
    }
    for e in entries.iter().filter(|e| !*e.withdrawn) {
        match e.kind {
            EntryKind::Deduction => {
                if let Ok(item) = u32::try_from(e.item) {
                    if table.item(item).is_some() {
                        input.deductions.push(Deduction {
                            item,
                            points: e.amount,
                        });
                    }
                }
            }
            EntryKind::Bonus if rubric.bonus_rule(&e.rule).is_some() => input.bonuses.push(Entry {
                rule: e.rule.clone(),
                count: e.amount as u32,
            }),
            EntryKind::Penalty if rubric.penalty_rule(&e.rule).is_some() => {
                input.penalties.push(Entry {
                    rule: e.rule.clone(),
                    count: e.amount as u32,
                })
            }
            EntryKind::Bonus | EntryKind::Penalty => {}
        }
    }
    input
}
