//! The final table the office publishes (`gongkai results`): per unit every item's points, the
//! bonus and penalty, the total (capped), the rank in its group and the grade by section 五 (the
//! three-year rule read from a history), and whether anything is still open — then the table is
//! 未完成 and no figure in it is final.

mod table;
mod xlsx;

use serde::Serialize;

pub use table::render as table;
pub use xlsx::workbook;

use crate::model::Table;
use crate::review::{progress, Coverage, ItemState, Progress, UnitReview};
use crate::rubric::Rubric;
use crate::score::{self, Category, GradeError, History, ScoredUnit};

/// The whole assessment.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub portal: String,
    /// The run whose findings were reviewed (`None`: no run, entries only).
    pub run: Option<i64>,
    pub year: i32,
    /// The notice the rubric is read from.
    pub source: String,
    /// Every unit complete: the table is final.
    pub complete: bool,
    pub progress: Progress,
    pub units: Vec<UnitResult>,
}

/// One unit's line.
#[derive(Debug, Clone, Serialize)]
pub struct UnitResult {
    pub unit: String,
    pub table: Table,
    /// 乡镇, A, B.
    pub category: Category,
    pub items: Vec<ItemResult>,
    pub items_total: f64,
    pub bonus: f64,
    pub penalty: f64,
    /// Items + bonus − penalty, capped at the rubric's cap, never below 0.
    pub total: f64,
    pub capped: bool,
    pub veto: bool,
    pub rank: u32,
    pub group_size: u32,
    /// 优秀, 良好, 一般, 较差 (see section 五).
    pub grade: String,
    pub grade_reason: String,
    /// Equal scores across a band boundary: the decision to confirm.
    pub tie_decision: Option<String>,
    /// Nothing pending or open for this unit.
    pub complete: bool,
    /// Items neither drafted nor entered.
    pub open_items: Vec<u32>,
    /// Items with drafts not decided yet.
    pub pending_items: Vec<u32>,
    /// Drafts not decided yet (items, bonus and penalty questions).
    pub open_drafts: usize,
    /// The points examined by the machine, settled, pending and open.
    pub coverage: CoverageFigures,
}

/// One item of a unit.
#[derive(Debug, Clone, Serialize)]
pub struct ItemResult {
    pub item: u32,
    pub short: String,
    pub max: f64,
    pub deducted: f64,
    pub score: f64,
    pub state: ItemState,
}

/// [`Coverage`] without its per-item list.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageFigures {
    pub total: f64,
    pub machine: f64,
    pub auditor: f64,
    pub settled: f64,
    pub pending: f64,
    pub open: f64,
}

impl From<&Coverage> for CoverageFigures {
    fn from(c: &Coverage) -> CoverageFigures {
        CoverageFigures {
            total: c.total,
            machine: c.machine,
            auditor: c.auditor,
            settled: c.settled,
            pending: c.pending,
            open: c.open,
        }
    }
}

impl UnitResult {
    /// 已完成, or what is left: `未完成：第18、23项待录入；第7项待审核；待审核初稿 2 条`.
    pub fn status(&self) -> String {
        if self.complete {
            return "已完成".into();
        }
        let list = |items: &[u32]| {
            items
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join("、")
        };
        let mut parts = Vec::new();
        if !self.open_items.is_empty() {
            parts.push(format!("第{}项待录入", list(&self.open_items)));
        }
        if !self.pending_items.is_empty() {
            parts.push(format!("第{}项待审核", list(&self.pending_items)));
        }
        if self.open_drafts > 0 {
            parts.push(format!("待审核初稿 {} 条", self.open_drafts));
        }
        format!("未完成：{}", parts.join("；"))
    }
}

/// Builds the table from the reviewed units, grading with `history` (three-year rule).
pub fn build(
    rubric: &Rubric,
    portal: &str,
    run: Option<i64>,
    reviews: &[UnitReview],
    history: &History,
) -> Result<Results, GradeError> {
    let scored: Vec<ScoredUnit> = reviews
        .iter()
        .map(|r| ScoredUnit {
            unit: r.unit.clone(),
            category: r.category,
            score: r.score.total,
            veto: r.score.veto,
        })
        .collect();
    let grades = score::grade(rubric, &scored, history)?;
    let mut units: Vec<UnitResult> = reviews
        .iter()
        .filter_map(|r| {
            let g = grades.iter().find(|g| g.unit == r.unit)?;
            let table = rubric.table(r.table);
            let items = r
                .score
                .per_item
                .iter()
                .zip(&r.coverage.items)
                .map(|(s, c)| ItemResult {
                    item: s.item,
                    short: table
                        .item(s.item)
                        .map(|i| i.short_name())
                        .unwrap_or_default(),
                    max: s.max,
                    deducted: s.deducted,
                    score: s.score,
                    state: c.state,
                })
                .collect();
            let with = |st: ItemState| {
                r.coverage
                    .items
                    .iter()
                    .filter(|i| i.state == st)
                    .map(|i| i.item)
                    .collect::<Vec<_>>()
            };
            Some(UnitResult {
                unit: r.unit.clone(),
                table: r.table,
                category: r.category,
                items,
                items_total: r.score.items_total,
                bonus: r.score.bonus,
                penalty: r.score.penalty,
                total: r.score.total,
                capped: r.score.capped,
                veto: r.score.veto,
                rank: g.rank,
                group_size: g.group_size,
                grade: g.grade.as_str().to_string(),
                grade_reason: g.reason.clone(),
                tie_decision: g.tie_decision.clone(),
                complete: r.coverage.complete,
                open_items: with(ItemState::Open),
                pending_items: with(ItemState::Pending),
                open_drafts: r.coverage.open_drafts,
                coverage: (&r.coverage).into(),
            })
        })
        .collect();
    units.sort_by(|a, b| (a.category, a.rank, &a.unit).cmp(&(b.category, b.rank, &b.unit)));
    Ok(Results {
        portal: portal.to_string(),
        run,
        year: rubric.year,
        source: rubric.source.clone(),
        complete: units.iter().all(|u| u.complete),
        progress: progress(reviews),
        units,
    })
}
