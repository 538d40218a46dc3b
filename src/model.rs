//! The vocabulary shared by every stage: units' tables, findings and their evidence.
//!
//! `Finding`'s JSON form is a public interface (`gongkai findings --format json`); fields may be
//! added, never renamed or removed.

mod failure;
pub mod labels;
mod points;
mod reason;
mod status;

use serde::{Deserialize, Serialize};

pub use failure::{FetchFailure, PageFailure};
pub use points::{Centi, NotFinite};
pub use reason::{Reason, UnknownReason};
pub use status::{Role, RunStatus};

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
        labels::table(self)
    }
}

/// The readings gongkai's checks make, by the name the rubric file gives them
/// (`check = "guide"` on an item). Which item a check drafts, and its amounts, are rubric data
/// ([`crate::rubric::Item::check`]); each check is named on exactly one item of each table, or
/// (`nondisclosable`) on one penalty rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RubricCheck {
    /// 政府信息公开指南: present, with its elements, updated in the year.
    Guide,
    /// 财政预决算, 三公经费, 绩效自评报告.
    Finance,
    /// 空白栏目.
    EmptyColumns,
    /// 公开属性标识 on the sampled PDFs.
    PdfMarking,
    /// Replies on the message board within the rubric's delays.
    Replies,
    /// A published PDF marked 依申请公开 / 不予公开 (a penalty rule, not an item).
    Nondisclosable,
    /// What the unit published, read as the item's `parts` say (many items of a table).
    Documents,
}

impl RubricCheck {
    /// Every check, in rubric order.
    pub const ALL: [RubricCheck; 7] = [
        RubricCheck::Guide,
        RubricCheck::Finance,
        RubricCheck::EmptyColumns,
        RubricCheck::PdfMarking,
        RubricCheck::Replies,
        RubricCheck::Nondisclosable,
        RubricCheck::Documents,
    ];

    /// The name used in rubric files.
    pub fn as_str(self) -> &'static str {
        match self {
            RubricCheck::Guide => "guide",
            RubricCheck::Finance => "finance",
            RubricCheck::EmptyColumns => "empty_columns",
            RubricCheck::PdfMarking => "pdf_marking",
            RubricCheck::Replies => "replies",
            RubricCheck::Nondisclosable => "nondisclosable",
            RubricCheck::Documents => "documents",
        }
    }

    /// Whether the check drafts exactly one item of each table (its figures in `deduct`);
    /// `documents` drafts every item that has `parts`, each read as its parts say.
    pub fn one_item_per_table(self) -> bool {
        self != RubricCheck::Documents
    }

    /// Where the rubric names this check: on an item of each table, or on a penalty rule.
    pub fn section(self) -> Section {
        match self {
            RubricCheck::Nondisclosable => Section::Penalty,
            _ => Section::Item,
        }
    }
}

impl std::fmt::Display for RubricCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
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
    pub points: Centi,
    pub kind: FindingKind,
    /// Stable code (see `docs/findings.md`).
    pub reason: Reason,
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
    pub fn counted_points(&self) -> Centi {
        self.decision.as_ref().map_or(self.points, |d| d.points)
    }
}

/// What an auditor decided on a finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingDecision {
    /// The deduction that counts (0 when rejected).
    pub points: Centi,
    /// The auditor's reason.
    pub note: String,
    pub by: String,
    pub at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(points: f64, decision: Option<f64>) -> Finding {
        let points_of = Centi::from_points;
        Finding {
            unit: "田园镇".into(),
            table: Table::Township,
            section: Section::Item,
            item: 17,
            points: points_of(points),
            kind: FindingKind::Deduction,
            reason: Reason::PdfUnmarked,
            detail: "全文未见公开属性标识。".into(),
            evidence: vec![Evidence {
                url: "http://x.gov.cn/a.pdf".into(),
                excerpt: "共2页".into(),
                page_id: Some(7),
            }],
            status: if decision.is_some() {
                FindingStatus::Adjusted
            } else {
                FindingStatus::Draft
            },
            key: "/info/1.htm".into(),
            id: Some(3),
            run_id: Some(1),
            decision: decision.map(|points| FindingDecision {
                points: points_of(points),
                note: "核实".into(),
                by: "auditor".into(),
                at: "2020-12-20T08:00:00+00:00".into(),
            }),
        }
    }

    /// The findings JSON is a public interface: field order, reason code and the number form
    /// of points (`0.5`, `5.0`, `0.0`) are pinned.
    #[test]
    fn the_json_of_a_finding_is_pinned() {
        let json = serde_json::to_string(&finding(0.5, None)).unwrap();
        assert_eq!(
            json,
            r#"{"unit":"田园镇","table":"township","section":"item","item":17,"points":0.5,"kind":"deduction","reason":"pdf_unmarked","detail":"全文未见公开属性标识。","evidence":[{"url":"http://x.gov.cn/a.pdf","excerpt":"共2页","page_id":7}],"status":"draft","key":"/info/1.htm","id":3,"run_id":1}"#
        );
        let json = serde_json::to_string(&finding(5.0, Some(4.0))).unwrap();
        assert!(
            json.contains(r#""points":5.0,"#)
                && json.ends_with(r#""decision":{"points":4.0,"note":"核实","by":"auditor","at":"2020-12-20T08:00:00+00:00"}}"#),
            "{json}"
        );
        for (points, text) in [
            (0.0, "0.0"),
            (1.0, "1.0"),
            (0.2, "0.2"),
            (1.25, "1.25"),
            (3.0, "3.0"),
        ] {
            let json = serde_json::to_value(finding(points, Some(points))).unwrap();
            assert_eq!(json["points"].to_string(), text);
            assert_eq!(json["decision"]["points"].to_string(), text);
        }
        let back: Finding =
            serde_json::from_str(&serde_json::to_string(&finding(0.5, Some(0.25))).unwrap())
                .unwrap();
        assert_eq!(back, finding(0.5, Some(0.25)));
    }

    /// The names rubric files use are the ones `as_str` gives (messages quote them).
    #[test]
    fn rubric_check_names_are_the_serialised_ones() {
        for c in RubricCheck::ALL {
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.as_str())
            );
        }
        assert_eq!(
            RubricCheck::ALL
                .iter()
                .filter(|c| c.section() == Section::Penalty)
                .count(),
            1
        );
    }
}
