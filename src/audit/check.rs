//! The checks over a run's snapshots, and their findings stored: the one place where what the
//! crawler saw becomes draft findings, for the single-process run and the finalize job alike.

use chrono::NaiveDate;
use serde::Serialize;

use crate::checks::{run_all, CheckContext};
use crate::config::PortalConfig;
use crate::crawl::CrawlError;
use crate::model::{Centi, FindingKind, PageFailure, Table};
use crate::rubric::Rubric;
use crate::snapshot::{MessageSnapshot, UnitSnapshot};
use crate::store::Store;

/// One unit's line of the summary.
#[derive(Debug, Clone, Serialize)]
pub struct UnitSummary {
    pub unit: String,
    pub table: Table,
    pub deductions: usize,
    pub points: f64,
    pub questions: usize,
    /// Leaf columns of the unit, and those whose page had none of the known shapes or could
    /// not be read (a description that does not fit the unit's pages shows here first).
    pub columns: usize,
    pub unrecognised: usize,
}

impl UnitSummary {
    /// More than a third of the unit's columns could not be read as configured.
    pub fn mostly_unrecognised(&self) -> bool {
        self.unrecognised * 3 > self.columns
    }
}

/// Runs the checks over every unit's snapshot (with its messages from the board) and stores
/// the findings; shared by the single-process crawl and the distributed finalize job. Item
/// numbers and amounts are the rubric's.
#[allow(clippy::too_many_arguments)]
pub(super) async fn check_and_store(
    store: &Store,
    run_id: i64,
    config: &PortalConfig,
    rubric: &Rubric,
    as_of: NaiveDate,
    snapshots: Vec<UnitSnapshot>,
    messages: &[(Option<String>, MessageSnapshot)],
    board_problems: &[(Option<String>, PageFailure)],
) -> Result<Vec<UnitSummary>, CrawlError> {
    let publications = crate::checks::Publications::count(&snapshots, config.portal.year, as_of);
    let ctx = CheckContext {
        config,
        rubric,
        as_of,
        publications: Some(&publications),
    };
    let mut summaries = Vec::new();
    for mut snap in snapshots {
        let mine = |u: &Option<String>| u.as_deref() == Some(snap.unit.name.as_str());
        snap.messages = messages
            .iter()
            .filter(|(u, _)| mine(u))
            .map(|(_, m)| m.clone())
            .collect();
        snap.board_problems = board_problems
            .iter()
            .filter(|(u, _)| u.is_none() || mine(u))
            .map(|(_, e)| e.clone())
            .collect();
        let findings = run_all(&ctx, &snap);
        store
            .replace_findings(run_id, &snap.unit.name, &findings)
            .await?;
        let deductions: Vec<_> = findings
            .iter()
            .filter(|f| f.kind == FindingKind::Deduction)
            .collect();
        summaries.push(UnitSummary {
            unit: snap.unit.name.clone(),
            table: snap.unit.table,
            deductions: deductions.len(),
            points: deductions.iter().map(|f| f.points).sum::<Centi>().points(),
            questions: findings.len() - deductions.len(),
            columns: snap
                .columns
                .iter()
                .filter(|c| c.state != crate::snapshot::ColumnState::Parent)
                .count(),
            unrecognised: snap
                .columns
                .iter()
                .filter(|c| {
                    matches!(
                        c.state,
                        crate::snapshot::ColumnState::Unrecognised
                            | crate::snapshot::ColumnState::Unreadable
                    )
                })
                .count(),
        });
    }
    Ok(summaries)
}
