//! The auditors' review of drafted findings: accounts, decisions (confirm, adjust, reject), the
//! entries no check drafts, the append-only audit log, and the score that follows from them.
//!
//! Decisions are keyed by the finding's identity across runs ([`Identity`]), so a new crawl never
//! overwrites one; the web layer ([`crate::web`]) only renders and forwards.

mod coverage;
mod decisions;
mod entries;
mod score;
mod sheet;
mod users;

pub use crate::store::{
    AuditEntry, Decision, DecisionStatus, EntryKind, Identity, LogLine, ManualEntry, Role, Session,
    User,
};
pub use coverage::{coverage, open_drafts, progress, Coverage, ItemCoverage, ItemState, Progress};
pub use decisions::{
    add_entry, decide, entry_label, item_max, state_label, withdraw_entry, Action, DecisionError,
    DecisionInput, EntryInput,
};
pub use entries::{
    check_values_only, set_values, ItemValue, RowError, SetError, SetSummary, Target, Units,
    MAX_NOTE_CHARS,
};
pub use score::{
    category_of, findings_with_decisions, portal_of, recorded_description, review_units, ItemCell,
    ReviewedFinding, SideCell, UnitReview, UnitSummary,
};
pub use sheet::{read_sheet, SheetError, MAX_SHEET_BYTES};
pub use users::{
    check_new_name, check_password, hash_password, names_confusable, normalize_name, random_token,
    verify_password, LoginPolicy, NameError, PasswordError, Verdict, MAX_NAME_CHARS,
    MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, PASSWORD_RULE,
};

/// Points as the pages show them: `1`, `0.5`, `0.25`.
pub fn fmt_points(p: f64) -> String {
    crate::score::Centi::from_points(p).to_string()
}
