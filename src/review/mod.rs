//! The auditors' review of drafted findings: accounts, decisions (confirm, adjust, reject), the
//! entries no check drafts, the append-only audit log, and the score that follows from them.
//!
//! Decisions are keyed by the finding's identity across runs ([`Identity`]), so a new crawl never
//! overwrites one; the web layer ([`crate::web`]) only renders and forwards.

mod decisions;
mod score;
mod store;
mod users;

pub use decisions::{
    add_entry, decide, entry_label, item_max, state_label, table_kind, withdraw_entry, Action,
    DecisionError, DecisionInput, EntryInput, EntryKind,
};
pub use score::{
    category_of, findings_with_decisions, portal_of, review_units, ItemCell, ReviewedFinding,
    UnitReview, UnitSummary,
};
pub use store::{AuditEntry, Decision, LogLine, ManualEntry, Session};
pub use users::{hash_password, random_token, verify_password, Role, User};

use crate::model::Finding;

/// What makes two findings of different runs "the same finding".
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Identity {
    /// The portal (county) of the run the finding comes from.
    pub portal: String,
    pub unit: String,
    pub section: String,
    pub item: i64,
    pub reason: String,
    pub fkey: String,
}

impl Identity {
    /// The identity of a finding of a run of `portal`.
    pub fn of(f: &Finding, portal: &str) -> Identity {
        Identity {
            portal: portal.to_string(),
            unit: f.unit.clone(),
            section: f.section.as_str().to_string(),
            item: i64::from(f.item),
            reason: f.reason.as_str().to_string(),
            fkey: f.key.clone(),
        }
    }

    /// The audit log's subject for this finding (the unit is a column of its own).
    pub fn subject(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            self.section, self.item, self.reason, self.fkey
        )
    }
}

/// Points as the pages show them: `1`, `0.5`, `0.25`.
pub fn fmt_points(p: f64) -> String {
    crate::score::Centi::from_points(p).to_string()
}
