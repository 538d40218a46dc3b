//! What a report says, gathered from the store: a unit's findings grouped by rubric item, the
//! score they would leave if every draft deduction were confirmed, and the changes since the run
//! of the last report.

use serde::Serialize;

use super::ReportError;
use crate::config::{PortalConfig, UnitConfig};
use crate::model::{Finding, FindingKind, FindingStatus, Section, Table};
use crate::monitor::changes::{diff, Changes};
use crate::review::{coverage, Coverage};
use crate::rubric::Rubric;
use crate::score::{score_unit, Category, Deduction, UnitInput};
use crate::store::{ManualEntry, Run, Store};

/// The findings of one rubric item (or bonus/penalty rule) of a unit.
#[derive(Debug, Clone, Serialize)]
pub struct ItemLine {
    pub section: Section,
    pub item: u32,
    /// 评分项目 (or the rule's text for the bonus/penalty sections).
    pub title: String,
    /// 分值 of the item, when it is a numbered item.
    pub max: Option<f64>,
    /// Points the draft deductions would cost on this item (never more than the item's value).
    pub at_stake: f64,
    pub findings: Vec<Finding>,
}

/// One unit's pre-assessment report.
#[derive(Debug, Clone, Serialize)]
pub struct UnitReport {
    /// Portal (county) name.
    pub portal: String,
    pub run: Run,
    pub unit: String,
    pub table: Table,
    pub category: Category,
    pub items: Vec<ItemLine>,
    pub deductions: usize,
    pub questions: usize,
    /// Points the draft deductions would cost.
    pub at_stake: f64,
    /// The table's full marks.
    pub max_score: f64,
    /// The score if every draft deduction were confirmed (bonus and penalty entries not counted).
    pub estimated_score: f64,
    /// The run this report is compared with, when there is one.
    pub since: Option<Run>,
    /// What changed for this unit since `since`.
    pub changes: Option<Changes>,
    /// What of the table the machine examined, what auditors settled and what is still open.
    pub coverage: Coverage,
}

/// A unit's line in the county summary.
#[derive(Debug, Clone, Serialize)]
pub struct Ranked {
    /// Rank by estimated score within the unit's group (乡镇, A类, B类); ties share a rank.
    pub rank: usize,
    pub group_size: usize,
    pub report: UnitReport,
}

/// The county summary: every configured unit, ranked.
#[derive(Debug, Clone, Serialize)]
pub struct CountyReport {
    pub portal: String,
    pub run: Run,
    pub since: Option<Run>,
    pub units: Vec<Ranked>,
    /// The national inspection indicators as judged on the newest day that read this run (or
    /// on the run's as-of day), with the auditors' decisions; `None` when not judged.
    pub indicators: Option<crate::indicators::DayReport>,
}

/// The ranking group of a unit, as the review UI decides it.
fn category(rubric: &Rubric, u: &UnitConfig) -> Category {
    crate::review::category_of(rubric, &u.name, u.table, u.class)
}

fn counts(f: &Finding) -> bool {
    f.status != FindingStatus::Rejected
}

/// What the auditors made of a run: its findings with their decisions, and the manual entries
/// (of every unit; each report takes its own).
#[derive(Debug, Clone, Copy)]
pub struct Reviewed<'a> {
    pub findings: &'a [Finding],
    pub entries: &'a [ManualEntry],
}

/// Builds a unit's report from findings already read (all units' findings may be passed).
pub fn assemble(
    config: &PortalConfig,
    rubric: &Rubric,
    run: &Run,
    unit: &UnitConfig,
    reviewed: Reviewed<'_>,
    since: Option<&Run>,
    changes: Option<&Changes>,
) -> Result<UnitReport, ReportError> {
    let Reviewed { findings, entries } = reviewed;
    let table = rubric.table(unit.table);
    let mine: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.unit == unit.name && counts(f))
        .collect();
    let deductions: Vec<Deduction> = mine
        .iter()
        .filter(|f| f.section == Section::Item && f.kind == FindingKind::Deduction)
        .map(|f| Deduction {
            item: f.item,
            points: f.counted_points().points(),
        })
        .collect();
    let input = UnitInput {
        unit: unit.name.clone(),
        category: category(rubric, unit),
        deductions,
        bonuses: Vec::new(),
        penalties: Vec::new(),
        veto: false,
    };
    let score = score_unit(rubric, &input)?;
    let penalty_at_stake: f64 = mine
        .iter()
        .filter(|f| f.section == Section::Penalty && f.kind == FindingKind::Deduction)
        .map(|f| f.counted_points().points())
        .sum();

    let mut items: Vec<ItemLine> = Vec::new();
    for f in &mine {
        if let Some(line) = items
            .iter_mut()
            .find(|l| l.section == f.section && l.item == f.item)
        {
            line.findings.push((*f).clone());
            continue;
        }
        let (title, max) = match f.section {
            Section::Item => (
                table.item(f.item).map(|i| i.title.clone()),
                table.item(f.item).map(|i| i.points),
            ),
            Section::Penalty => (
                rubric
                    .penalty
                    .iter()
                    .find(|r| r.number == f.item)
                    .map(|r| format!("扣分项目{}：{}", r.number, r.text)),
                None,
            ),
            Section::Bonus => (
                rubric
                    .bonus
                    .iter()
                    .find(|r| r.number == f.item)
                    .map(|r| format!("加分项目{}：{}", r.number, r.text)),
                None,
            ),
        };
        items.push(ItemLine {
            section: f.section,
            item: f.item,
            title: title.unwrap_or_else(|| format!("第{}项", f.item)),
            max,
            at_stake: 0.0,
            findings: vec![(*f).clone()],
        });
    }
    for line in &mut items {
        line.at_stake = match line.section {
            Section::Item => score
                .per_item
                .iter()
                .find(|p| p.item == line.item)
                .map_or(0.0, |p| p.deducted.min(p.max)),
            Section::Penalty => line
                .findings
                .iter()
                .filter(|f| f.kind == FindingKind::Deduction)
                .map(|f| f.counted_points().points())
                .sum(),
            Section::Bonus => 0.0,
        };
    }
    let order = |s: Section| match s {
        Section::Item => 0,
        Section::Penalty => 1,
        Section::Bonus => 2,
    };
    items.sort_by_key(|l| (order(l.section), l.item));

    let open: Vec<(Section, u32)> = findings
        .iter()
        .filter(|f| f.unit == unit.name && f.status == FindingStatus::Draft)
        .map(|f| (f.section, f.item))
        .collect();
    let mine_entries: Vec<ManualEntry> = entries
        .iter()
        .filter(|e| e.unit == unit.name)
        .cloned()
        .collect();
    let coverage = coverage(table, true, &open, &mine_entries);
    let max_score = table.total_points();
    let items_lost = max_score - score.items_total;
    Ok(UnitReport {
        portal: config.portal.name.clone(),
        run: run.clone(),
        unit: unit.name.clone(),
        table: unit.table,
        category: input.category,
        deductions: mine
            .iter()
            .filter(|f| f.kind == FindingKind::Deduction)
            .count(),
        questions: mine
            .iter()
            .filter(|f| f.kind == FindingKind::Question)
            .count(),
        items,
        at_stake: round2(items_lost + penalty_at_stake),
        max_score,
        estimated_score: round2((score.items_total - penalty_at_stake).max(0.0)),
        since: since.cloned(),
        changes: changes.map(|c| c.for_unit(&unit.name)),
        coverage,
    })
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0 + 0.0
}

/// One unit's report for `run`, compared with `since` when given.
pub async fn unit(
    store: &Store,
    config: &PortalConfig,
    rubric: &Rubric,
    run: &Run,
    unit: &str,
    since: Option<&Run>,
) -> Result<UnitReport, ReportError> {
    let unit_cfg = config
        .unit(unit)
        .ok_or_else(|| ReportError::NoSuchUnit(unit.to_string()))?;
    let findings = crate::review::findings_with_decisions(store, run).await?;
    let entries = store.manual_entries(&run.portal).await?;
    let changes = match since {
        Some(s) => Some(diff(store, s.id, run.id).await?.for_unit(unit)),
        None => None,
    };
    assemble(
        config,
        rubric,
        run,
        unit_cfg,
        Reviewed {
            findings: &findings,
            entries: &entries,
        },
        since,
        changes.as_ref(),
    )
}

/// The county summary for `run`: every configured unit, compared with `since` when given.
pub async fn county(
    store: &Store,
    config: &PortalConfig,
    rubric: &Rubric,
    run: &Run,
    since: Option<&Run>,
) -> Result<CountyReport, ReportError> {
    let findings = crate::review::findings_with_decisions(store, run).await?;
    let entries = store.manual_entries(&run.portal).await?;
    let changes = match since {
        Some(s) => Some(diff(store, s.id, run.id).await?),
        None => None,
    };
    let mut reports = Vec::new();
    for u in &config.units {
        reports.push(assemble(
            config,
            rubric,
            run,
            u,
            Reviewed {
                findings: &findings,
                entries: &entries,
            },
            since,
            changes.as_ref(),
        )?);
    }
    let portal = &config.portal.name;
    let day = match store.day_of_run(portal, run.id).await? {
        Some(d) => Some(d),
        None => chrono::NaiveDate::parse_from_str(&run.as_of, "%Y-%m-%d").ok(),
    };
    let indicators = match day {
        Some(d) => crate::indicators::day::stored(store, portal, d).await?,
        None => None,
    };
    Ok(CountyReport {
        portal: portal.clone(),
        run: run.clone(),
        since: since.cloned(),
        units: rank(reports),
        indicators,
    })
}

/// Ranks reports by estimated score within their group (乡镇, A类, B类), best first.
fn rank(mut reports: Vec<UnitReport>) -> Vec<Ranked> {
    reports.sort_by(|a, b| {
        a.category
            .cmp(&b.category)
            .then(b.estimated_score.total_cmp(&a.estimated_score))
            .then(a.unit.cmp(&b.unit))
    });
    let mut out: Vec<Ranked> = Vec::with_capacity(reports.len());
    for r in reports {
        let group_size = 0;
        let rank = match out.last() {
            Some(prev) if prev.report.category == r.category => {
                if prev.report.estimated_score == r.estimated_score {
                    prev.rank
                } else {
                    out.iter()
                        .filter(|o| o.report.category == r.category)
                        .count()
                        + 1
                }
            }
            _ => 1,
        };
        out.push(Ranked {
            rank,
            group_size,
            report: r,
        });
    }
    let sizes: Vec<usize> = out
        .iter()
        .map(|o| {
            out.iter()
                .filter(|x| x.report.category == o.report.category)
                .count()
        })
        .collect();
    for (o, n) in out.iter_mut().zip(sizes) {
        o.group_size = n;
    }
    out
}
