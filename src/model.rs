//! The vocabulary shared by every stage: units' tables, findings and their evidence.
//!
//! `Finding`'s JSON form is a public interface (`gongkai findings --format json`); fields may be
//! added, never renamed or removed.

use serde::{Deserialize, Serialize};

/// Which scoring table a unit is assessed by: annex 2 (乡镇) or annex 3 (县直部门).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Table {
    Township,
    Department,
}

impl Table {
    pub fn as_str(self) -> &'static str {
        match self {
            Table::Township => "township",
            Table::Department => "department",
        }
    }

    /// 乡镇 or 县直部门 (see [`crate::labels`]).
    pub fn label(self) -> &'static str {
        crate::labels::table(self)
    }

    /// The rubric item number of a check in this table (annex 2 vs annex 3 numbering).
    pub fn item(self, check: RubricCheck) -> u32 {
        use RubricCheck::*;
        match (self, check) {
            (Table::Township, Guide) => 7,
            (Table::Department, Guide) => 7,
            (Table::Township, Finance) => 10,
            (Table::Department, Finance) => 9,
            (Table::Township, EmptyColumns) => 13,
            (Table::Department, EmptyColumns) => 12,
            (Table::Township, PdfMarking) => 17,
            (Table::Department, PdfMarking) => 15,
            (Table::Township, Replies) => 28,
            (Table::Department, Replies) => 27,
        }
    }
}

/// The rubric items that gongkai's checks draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RubricCheck {
    Guide,
    Finance,
    EmptyColumns,
    PdfMarking,
    Replies,
}

/// Which part of the rubric a finding is under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Section {
    /// A numbered item of the table.
    Item,
    /// 加分项目 (numbered 1–3).
    Bonus,
    /// 扣分项目 (numbered 1–3).
    Penalty,
}

impl Section {
    /// The stored and JSON form: `item`, `bonus`, `penalty`.
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Item => "item",
            Section::Bonus => "bonus",
            Section::Penalty => "penalty",
        }
    }
}

/// A deduction to confirm, or a question the machine could not decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingKind {
    Deduction,
    Question,
}

/// Review state; everything starts as a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingStatus {
    Draft,
    Confirmed,
    Adjusted,
    Rejected,
}

impl FindingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingStatus::Draft => "draft",
            FindingStatus::Confirmed => "confirmed",
            FindingStatus::Adjusted => "adjusted",
            FindingStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "draft" => FindingStatus::Draft,
            "confirmed" => FindingStatus::Confirmed,
            "adjusted" => FindingStatus::Adjusted,
            "rejected" => FindingStatus::Rejected,
            _ => return None,
        })
    }
}

/// What an auditor needs to agree in one look.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub url: String,
    pub excerpt: String,
    /// Id of the stored copy of the page or file (`pages.id`), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_id: Option<i64>,
}

/// A draft deduction or open question, as the checks produce it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The unit's configured name.
    pub unit: String,
    pub table: Table,
    pub section: Section,
    /// Item number within its section and table.
    pub item: u32,
    /// Suggested deduction (0 for a question without a suggestion).
    pub points: f64,
    pub kind: FindingKind,
    /// Stable code (see `docs/findings.md`).
    pub reason: String,
    /// Chinese explanation.
    pub detail: String,
    pub evidence: Vec<Evidence>,
    pub status: FindingStatus,
    /// Distinguishes findings of one reason in one unit (e.g. the PDF's URL); with unit, item and
    /// reason it identifies the "same" finding across runs.
    pub key: String,
    /// Store id, when read back from the store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<i64>,
    /// The auditor's decision, once there is one (then `status` says which).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<FindingDecision>,
}

impl Finding {
    /// The deduction that counts now: the auditor's when decided, else the suggestion.
    pub fn counted_points(&self) -> f64 {
        self.decision.as_ref().map_or(self.points, |d| d.points)
    }
}

/// What an auditor decided on a finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingDecision {
    /// The deduction that counts (0 when rejected).
    pub points: f64,
    /// The auditor's reason.
    pub note: String,
    pub by: String,
    pub at: String,
}
