//! The checks: each reads a unit's snapshot and drafts findings for one rubric item.
//! A new check is a new file plus one line in [`all`].

mod empty_columns;
mod finance;
mod guide;
mod pdf_marking;
mod replies;
mod text;

use chrono::NaiveDate;

use crate::config::PortalConfig;
use crate::model::{
    Centi, Evidence, Finding, FindingKind, FindingStatus, Reason, RubricCheck, Section,
};
use crate::snapshot::UnitSnapshot;

/// What every check may read besides the unit.
pub struct CheckContext<'a> {
    pub config: &'a PortalConfig,
    pub as_of: NaiveDate,
}

impl CheckContext<'_> {
    pub fn year(&self) -> i32 {
        self.config.portal.year
    }
}

/// One rubric check.
pub trait Check: Send + Sync {
    /// Short English name for logs.
    fn name(&self) -> &'static str;
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
    ]
}

/// Runs every check on a unit. A unit whose landing page could not be read gets one question
/// and no deduction from the column checks (the machine saw nothing to judge).
pub fn run_all(ctx: &CheckContext<'_>, unit: &UnitSnapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(err) = &unit.landing_error {
        out.push(draft(
            unit,
            RubricCheck::EmptyColumns,
            FindingKind::Question,
            Centi::ZERO,
            Reason::UnitUnreachable,
            String::new(),
            format!("单位页面无法读取（{err}），本单位的栏目检查未能进行，请人工核查。"),
            vec![Evidence {
                url: unit.landing_url.to_string(),
                excerpt: err.to_string(),
                page_id: None,
            }],
        ));
        out.extend(replies::RepliesCheck.run(ctx, unit));
        return out;
    }
    for check in all() {
        let found = check.run(ctx, unit);
        tracing::debug!(check = check.name(), unit = %unit.unit.name, n = found.len(), "check ran");
        out.extend(found);
    }
    out
}

/// A draft finding of a numbered item.
#[allow(clippy::too_many_arguments)]
pub(crate) fn draft(
    unit: &UnitSnapshot,
    check: RubricCheck,
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
        section: Section::Item,
        item: unit.unit.table.item(check),
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

/// Points of the configuration in hundredths (0.5 and 0.2 steps stay exact in reports).
pub(crate) fn centi(points: f64) -> Centi {
    Centi::from_points(points)
}
