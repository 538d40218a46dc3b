//! The checks: each reads a unit's snapshot and drafts findings for one rubric item.
//! A new check is a new file plus one line in [`all`]. Which item a check drafts, what it
//! deducts and its cap come from the rubric ([`CheckContext::item`]); how the portal is read
//! comes from the portal description's `[rules]`.

mod documents;
mod empty_columns;
mod finance;
mod guide;
mod pdf_marking;
mod replies;
pub(crate) mod text;

use chrono::NaiveDate;

use crate::config::PortalConfig;
use crate::model::{
    Centi, Evidence, Finding, FindingKind, FindingStatus, Reason, RubricCheck, Section, Table,
};
use crate::rubric::{AdjustmentRule, Item, Rubric};
use crate::snapshot::UnitSnapshot;

/// What every check may read besides the unit.
pub struct CheckContext<'a> {
    /// How to read the portal.
    pub config: &'a PortalConfig,
    /// What each item is worth and deducts.
    pub rubric: &'a Rubric,
    pub as_of: NaiveDate,
    /// Every unit's count of documents of the year, for the items that compare units
    /// (信息发布量); `None` when only one unit is checked.
    pub publications: Option<&'a Publications>,
}

/// Each unit's documents of the year up to the as-of date (distinct pages of all its columns),
/// and its group (乡镇, A, B) for ranks and medians.
#[derive(Debug, Clone, Default)]
pub struct Publications {
    counts: Vec<(String, String, usize)>,
}

impl Publications {
    /// Counts every unit's documents of `year` up to `as_of`.
    pub fn count(units: &[UnitSnapshot], year: i32, as_of: NaiveDate) -> Self {
        let counts = units
            .iter()
            .filter(|u| u.landing_error.is_none())
            .map(|u| {
                let group = match (u.unit.table, u.unit.class) {
                    (Table::Township, _) => "乡镇",
                    (_, Some(crate::config::UnitClass::A)) => "A类部门",
                    (_, Some(crate::config::UnitClass::B)) => "B类部门",
                    (_, None) => "部门",
                };
                (
                    u.unit.name.clone(),
                    group.to_string(),
                    u.documents_of_year(year, as_of),
                )
            })
            .collect();
        Publications { counts }
    }

    /// The unit's group, its rank in it (1 = most; equal counts share a rank), the group's size
    /// and median.
    pub fn standing(&self, unit: &str) -> Option<Standing> {
        let (_, group, count) = self.counts.iter().find(|(u, _, _)| u == unit)?;
        let mut peers: Vec<usize> = self
            .counts
            .iter()
            .filter(|(_, g, _)| g == group)
            .map(|(_, _, c)| *c)
            .collect();
        peers.sort_unstable();
        let n = peers.len();
        let median = if n % 2 == 1 {
            peers[n / 2] as f64
        } else {
            (peers[n / 2 - 1] + peers[n / 2]) as f64 / 2.0
        };
        Some(Standing {
            group: group.clone(),
            count: *count,
            rank: 1 + peers.iter().filter(|c| **c > *count).count(),
            size: n,
            median,
        })
    }
}

/// Where a unit's publication count stands in its group.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub group: String,
    pub count: usize,
    pub rank: usize,
    pub size: usize,
    pub median: f64,
}

impl<'a> CheckContext<'a> {
    pub fn year(&self) -> i32 {
        self.config.portal.year
    }

    /// The rubric item `check` drafts in `table`: its number, its points (the cap) and its
    /// amounts (`deduct`).
    ///
    /// # Panics
    /// When the rubric names no item for the check: a loaded rubric always does
    /// (`rubric::validate` refuses a file without one).
    pub fn item(&self, table: Table, check: RubricCheck) -> &'a Item {
        self.rubric.checked_item(table, check).unwrap_or_else(|| {
            panic!(
                "the rubric names no {} item for check {check}",
                table.as_str()
            )
        })
    }

    /// The bonus or penalty rule whose entries `check` suggests: its number and
    /// `points_each`.
    ///
    /// # Panics
    /// When the rubric names none (a loaded rubric always does).
    pub fn rule(&self, check: RubricCheck) -> &'a AdjustmentRule {
        self.rubric
            .checked_rule(check)
            .unwrap_or_else(|| panic!("the rubric names no rule for check {check}"))
    }
}

/// One rubric check.
pub trait Check: Send + Sync {
    /// Short English name for logs.
    fn name(&self) -> &'static str;
    /// The rubric item (by its `check`) whose findings this check drafts.
    fn drafts(&self) -> RubricCheck;
    /// The rubric items of `table` this check drafts: the one its [`Check::drafts`] names, or
    /// (`documents`) every item with parts.
    fn items<'a>(&self, ctx: &CheckContext<'a>, table: Table) -> Vec<&'a Item> {
        vec![ctx.item(table, self.drafts())]
    }
    /// The check reads the unit's columns (reached from its landing page); the board's
    /// replies do not.
    fn reads_columns(&self) -> bool {
        true
    }
    fn run(&self, ctx: &CheckContext<'_>, unit: &UnitSnapshot) -> Vec<Finding>;
}

/// Every check, in rubric order.
pub fn all() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(guide::GuideCheck),
        Box::new(finance::FinanceCheck),
        Box::new(empty_columns::EmptyColumnsCheck),
        Box::new(pdf_marking::PdfMarkingCheck),
        Box::new(replies::RepliesCheck),
        Box::new(documents::DocumentsCheck),
    ]
}

/// Runs every check on a unit. A unit whose landing page could not be read gets a question on
/// every item whose check reads its columns, and no deduction from them (the machine saw
/// nothing to judge, and no item may silently keep full marks).
pub fn run_all(ctx: &CheckContext<'_>, unit: &UnitSnapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    for check in all() {
        let found = match &unit.landing_error {
            Some(err) if check.reads_columns() => check
                .items(ctx, unit.unit.table)
                .into_iter()
                .map(|item| unit_unread(unit, item, err))
                .collect(),
            _ => check.run(ctx, unit),
        };
        tracing::debug!(check = check.name(), unit = %unit.unit.name, n = found.len(), "check ran");
        out.extend(found);
    }
    out
}

/// The question an item gets when the unit's landing page could not be read.
fn unit_unread(unit: &UnitSnapshot, item: &Item, err: &crate::model::PageFailure) -> Finding {
    finding(
        unit,
        (Section::Item, item.number),
        FindingKind::Question,
        Centi::ZERO,
        Reason::UnitUnreachable,
        String::new(),
        format!(
            "单位页面无法读取（{err}），第{}项（{}）未能检查，请人工核查。",
            item.number,
            crate::util::truncate_chars(&item.title, 20)
        ),
        vec![Evidence {
            url: unit.landing_url.to_string(),
            excerpt: err.to_string(),
            page_id: None,
        }],
    )
}

/// A draft finding of the item `check` drafts in the unit's table, or (for a penalty check)
/// of the penalty rule it suggests: the number is the rubric's.
#[allow(clippy::too_many_arguments)]
pub(crate) fn draft(
    ctx: &CheckContext<'_>,
    unit: &UnitSnapshot,
    check: RubricCheck,
    kind: FindingKind,
    points: Centi,
    reason: Reason,
    key: String,
    detail: String,
    evidence: Vec<Evidence>,
) -> Finding {
    let place = match check.section() {
        Section::Item => (Section::Item, ctx.item(unit.unit.table, check).number),
        section => (section, ctx.rule(check).number),
    };
    finding(unit, place, kind, points, reason, key, detail, evidence)
}

/// A draft finding of the unit at `(section, number)` of the rubric.
#[allow(clippy::too_many_arguments)]
pub(crate) fn finding(
    unit: &UnitSnapshot,
    (section, item): (Section, u32),
    kind: FindingKind,
    points: Centi,
    reason: Reason,
    key: String,
    detail: String,
    evidence: Vec<Evidence>,
) -> Finding {
    Finding {
        unit: unit.unit.name.clone(),
        table: unit.unit.table,
        section,
        item,
        points,
        kind,
        reason,
        detail,
        evidence,
        status: FindingStatus::Draft,
        key,
        id: None,
        run_id: None,
        decision: None,
    }
}

/// The part of a URL that identifies it on any host: path and query.
pub fn url_key(url: &url::Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{}", url.path(), q),
        None => url.path().to_string(),
    }
}

/// Points of the rubric in hundredths (0.5 and 0.2 steps stay exact in reports).
pub(crate) fn centi(points: f64) -> Centi {
    Centi::from_points(points)
}
