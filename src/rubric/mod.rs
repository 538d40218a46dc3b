//! The assessment rubric as data: the two scoring tables of the notice (annex 2 for townships,
//! annex 3 for departments), the bonus (加分项目) and penalty (扣分项目) rules, the 100-point cap and
//! the grading rules of section 五 (评议办法).
//!
//! One TOML file per notice lives in `rubrics/` (e.g. `rubrics/changning-2020.toml`); next year's
//! notice is a new file, not new code. [`crate::config::load_rubric`] reads and checks a file;
//! [`Rubric::bundled_2020`] returns the 2020 file compiled into the binary.

mod error;
mod parts;
mod validate;

pub use parts::{Look, Miss, Part, Years};

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use crate::model::RubricCheck;
/// The table a unit is scored with (annex 2 or 3): the one [`crate::model::Table`].
use crate::model::{Section, Table as UnitTable};
pub use error::RubricError;

/// Text of the bundled 2020 rubric (Changning county, 昌政办发〔2020〕56号).
pub const CHANGNING_2020_TOML: &str = include_str!("../../rubrics/changning-2020.toml");

/// A whole rubric: one notice's scoring tables, bonus and penalty rules and grading rules.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    /// Assessment year (年度), e.g. 2020.
    pub year: i32,
    /// County the notice applies to.
    pub county: String,
    /// The source document (title and number of the notice).
    pub source: String,
    /// Final scores above this are counted as this (累计加分后超过100分的，按100分计算).
    pub cap: f64,
    /// When the cap applies.
    #[serde(default)]
    pub cap_stage: CapStage,
    /// Annex 1: the department classes.
    pub departments: DepartmentClasses,
    /// Section 五: grading.
    pub grading: Grading,
    /// 加分项目.
    #[serde(default)]
    pub bonus: Vec<AdjustmentRule>,
    /// 扣分项目 (including the 一票否决 veto conditions).
    #[serde(default)]
    pub penalty: Vec<AdjustmentRule>,
    /// Annex 2: the township table.
    pub township: Table,
    /// Annex 3: the department table.
    pub department: Table,
}

/// When the 100-point cap is applied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CapStage {
    /// Items + bonus − penalties, then capped.
    #[default]
    Final,
    /// Items + bonus capped, then penalties subtracted.
    AfterBonus,
}

/// Annex 1: which departments are class A and which class B.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DepartmentClasses {
    pub a: Vec<String>,
    pub b: Vec<String>,
}

/// One scoring table (annex 2 or annex 3).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// Annex number in the notice.
    pub annex: u32,
    /// Title of the table.
    pub title: String,
    /// 考核项目 groups with their maxima (e.g. 组织保障 20).
    pub groups: Vec<Group>,
    /// The items (评分项目), numbered from 1.
    pub items: Vec<Item>,
}

/// A 考核项目 group and its maximum.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub name: String,
    pub points: f64,
}

/// One 评分项目.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// 序号.
    pub number: u32,
    /// 考核项目 (name of a [`Group`]).
    pub group: String,
    /// 评分项目.
    pub title: String,
    /// A short name for table columns and pages (专题会议, 公开指南); the title's start if unset.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub short: String,
    /// 分值.
    pub points: f64,
    /// 评分标准.
    pub standard: String,
    /// 查验方法 (resolved: merged cells of the notice are filled in).
    pub method: String,
    /// Who drafts the deduction.
    pub source: ItemSource,
    /// The gongkai check that drafts this item (`source = "check"` items, one per check in each
    /// table): findings of that check take this item's number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<RubricCheck>,
    /// The figures of the 评分标准 the check deducts; the item's `points` caps their sum.
    #[serde(default, skip_serializing_if = "Deductions::is_empty")]
    pub deduct: Deductions,
    /// `check = "documents"`: what the unit must have published, part by part.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
}

impl Item {
    /// The short name, else the title's first ten characters.
    pub fn short_name(&self) -> String {
        if self.short.trim().is_empty() {
            self.title.chars().take(10).collect()
        } else {
            self.short.trim().to_string()
        }
    }
}

/// The deduction amounts of a checked item, as its 评分标准 states them
/// (`deduct = { missing = 5, element_missing = 0.5, outdated = 1 }`). Each check reads its own
/// keys ([`Deductions::keys`]), all of them required and positive; the others stay unset.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Deductions {
    /// `guide`: no guide at all (未按要求编制).
    #[serde(skip_serializing_if = "is_zero")]
    pub missing: f64,
    /// `guide`: each element the guide does not state (指南要素不齐全).
    #[serde(skip_serializing_if = "is_zero")]
    pub element_missing: f64,
    /// `guide`: not updated in the year (未按年度更新).
    #[serde(skip_serializing_if = "is_zero")]
    pub outdated: f64,
    /// `finance`: each part not published (每少公开一项).
    #[serde(skip_serializing_if = "is_zero")]
    pub part_missing: f64,
    /// `empty_columns`: once when any column is empty, whatever their number (存在空白栏目的).
    #[serde(skip_serializing_if = "is_zero")]
    pub any_empty: f64,
    /// `pdf_marking`: each sampled file without a marking (每份).
    #[serde(skip_serializing_if = "is_zero")]
    pub per_file: f64,
    /// `replies`: `[days, points]` steps, a delay over `days` costs `points`; the worst delay of
    /// the unit's messages decides (超过3天未答复的扣1分…).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub delay_steps: Vec<DelayStep>,
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

impl Deductions {
    /// The keys a check reads (all required).
    pub fn keys(check: RubricCheck) -> &'static [&'static str] {
        match check {
            RubricCheck::Guide => &["missing", "element_missing", "outdated"],
            RubricCheck::Finance => &["part_missing"],
            RubricCheck::EmptyColumns => &["any_empty"],
            RubricCheck::PdfMarking => &["per_file"],
            RubricCheck::Replies => &["delay_steps"],
            RubricCheck::Nondisclosable | RubricCheck::Documents => &[],
        }
    }

    /// The single amounts by key, in file order (`delay_steps` apart).
    pub fn amounts(&self) -> [(&'static str, f64); 6] {
        [
            ("missing", self.missing),
            ("element_missing", self.element_missing),
            ("outdated", self.outdated),
            ("part_missing", self.part_missing),
            ("any_empty", self.any_empty),
            ("per_file", self.per_file),
        ]
    }

    /// Nothing set (an item no check drafts).
    pub fn is_empty(&self) -> bool {
        self.amounts().iter().all(|(_, v)| *v == 0.0) && self.delay_steps.is_empty()
    }
}

/// One step of a delay scale: a delay of more than `over_days` costs `points`. Written
/// `[days, points]` in the file.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(from = "(u32, f64)", into = "(u32, f64)")]
pub struct DelayStep {
    pub over_days: u32,
    pub points: f64,
}

impl From<(u32, f64)> for DelayStep {
    fn from((over_days, points): (u32, f64)) -> Self {
        DelayStep { over_days, points }
    }
}

impl From<DelayStep> for (u32, f64) {
    fn from(s: DelayStep) -> Self {
        (s.over_days, s.points)
    }
}

/// Who drafts the deduction of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemSource {
    /// A gongkai check drafts the deduction (the auditor confirms it).
    Check,
    /// A machine can only suggest (open question with evidence).
    Suggestion,
    /// An auditor enters it.
    Auditor,
}

/// A bonus or penalty rule: each entry is worth `points_each`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentRule {
    /// Stable identifier used by inputs (e.g. `province-notice`).
    pub id: String,
    /// Number of the paragraph in the notice.
    pub number: u32,
    /// Text of the rule.
    pub text: String,
    /// Points per entry.
    pub points_each: f64,
    /// This many entries (or more) trigger the 一票否决 veto.
    #[serde(default)]
    pub veto_at: Option<u32>,
    /// What one entry is (家, 处, 篇, 次, 起).
    #[serde(default)]
    pub per: String,
    /// The gongkai check that suggests entries of this rule (`nondisclosable` on the penalty
    /// for published non-active information, `documents` on a bonus rule with `parts`); its
    /// findings take this rule's number and `points_each`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<RubricCheck>,
    /// `check = "documents"` on a bonus rule: the documents that may earn it (`look = "each"`
    /// parts), each suggested as one entry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
}

/// One of the four grades. Serialises to the Chinese word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
pub enum Grade {
    #[serde(rename = "优秀")]
    Excellent,
    #[serde(rename = "良好")]
    Good,
    #[serde(rename = "合格")]
    Pass,
    #[serde(rename = "不合格")]
    Fail,
}

impl Grade {
    /// The Chinese word.
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Excellent => "优秀",
            Grade::Good => "良好",
            Grade::Pass => "合格",
            Grade::Fail => "不合格",
        }
    }
}

impl std::fmt::Display for Grade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Section 五: how scores become grades.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Grading {
    /// A score below this is 不合格.
    pub floor: f64,
    /// Township grades by rank; ranks beyond the last band fall into the last band.
    pub township_bands: Vec<RankBand>,
    /// Department grades by quota (percent of all departments), split between A and B.
    pub department_quotas: Vec<Quota>,
    /// How quotas are rounded.
    pub rounding: RoundingSetting,
    /// The three-year rule.
    pub three_year: ThreeYearRule,
    /// What happens when equal scores straddle a band boundary.
    pub ties: TieSetting,
}

/// Ranks `from..=to` get `grade`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RankBand {
    pub grade: Grade,
    pub from: u32,
    pub to: u32,
}

/// `percent` of all departments get `grade`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    pub grade: Grade,
    pub percent: u32,
}

/// Wrapper so the TOML reads `[grading.rounding] method = "…"`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RoundingSetting {
    pub method: Rounding,
}

/// How department quotas are rounded to whole units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rounding {
    /// 分类占比按分类单位数占总数的多少优先靠前计算: band totals rounded to nearest from the top,
    /// each split between A and B by share (nearest, a half to the larger class), the last band
    /// takes the rest.
    NearestFrontFirst,
    /// Each class allocated separately over the bands by the largest-remainder method.
    LargestRemainder,
}

/// 连续 `years` 年考核排名最后 `last` 名的评定为不合格.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ThreeYearRule {
    pub years: u32,
    pub last: u32,
}

/// Wrapper so the TOML reads `[grading.ties] default = "…"`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TieSetting {
    pub default: TieRule,
}

/// Default decision when equal scores straddle a band boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TieRule {
    /// All tied units get the better grade; the next band shrinks.
    BetterGrade,
    /// Quotas are kept exactly; tied units are ordered by name.
    NameOrder,
}

impl Rubric {
    /// The bundled 2020 rubric (Changning, 昌政办发〔2020〕56号).
    pub fn bundled_2020() -> Rubric {
        Self::from_toml(
            CHANGNING_2020_TOML,
            Path::new("rubrics/changning-2020.toml"),
        )
        .expect("the bundled rubric is checked by the tests")
    }

    /// Parses and checks rubric text; `path` is only used in error messages.
    pub fn from_toml(text: &str, path: &Path) -> Result<Rubric, RubricError> {
        let rubric: Rubric = toml::from_str(text).map_err(|e| RubricError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        validate::check(&rubric).map_err(|(key, message)| RubricError::Invalid {
            path: PathBuf::from(path),
            key,
            message,
        })?;
        Ok(rubric)
    }

    /// The table for a kind of unit.
    pub fn table(&self, kind: UnitTable) -> &Table {
        match kind {
            UnitTable::Township => &self.township,
            UnitTable::Department => &self.department,
        }
    }

    /// The columns whose documents' text the `text` parts read (their `within`, in both tables
    /// and the bonus rules): the crawler reads those documents' pages, of any year.
    pub fn text_columns(&self) -> Vec<String> {
        let items = self.township.items.iter().chain(&self.department.items);
        let mut out: Vec<String> = Vec::new();
        for part in items
            .flat_map(|i| &i.parts)
            .chain(self.bonus.iter().flat_map(|r| &r.parts))
            .filter(|p| p.text)
        {
            for name in &part.within {
                if !out.contains(name) {
                    out.push(name.clone());
                }
            }
        }
        out
    }

    /// The bonus rules `check` suggests entries of by their parts (`documents`).
    pub fn checked_bonus(&self, check: RubricCheck) -> impl Iterator<Item = &AdjustmentRule> {
        self.bonus
            .iter()
            .filter(move |r| r.check == Some(check) && !r.parts.is_empty())
    }

    /// A bonus rule by id.
    pub fn bonus_rule(&self, id: &str) -> Option<&AdjustmentRule> {
        self.bonus.iter().find(|r| r.id == id)
    }

    /// A penalty rule by id.
    pub fn penalty_rule(&self, id: &str) -> Option<&AdjustmentRule> {
        self.penalty.iter().find(|r| r.id == id)
    }

    /// The item `check` drafts in a table: its number, its points (the cap) and its amounts.
    /// A loaded rubric has exactly one for every item check in each table.
    pub fn checked_item(&self, kind: UnitTable, check: RubricCheck) -> Option<&Item> {
        self.table(kind).checked_item(check)
    }

    /// The bonus or penalty rule whose entries `check` suggests (`nondisclosable`). A loaded
    /// rubric has exactly one for every such check.
    pub fn checked_rule(&self, check: RubricCheck) -> Option<&AdjustmentRule> {
        let rules = match check.section() {
            Section::Bonus => &self.bonus,
            Section::Penalty => &self.penalty,
            Section::Item => return None,
        };
        rules.iter().find(|r| r.check == Some(check))
    }
}

impl Table {
    /// An item by number.
    pub fn item(&self, number: u32) -> Option<&Item> {
        self.items.iter().find(|i| i.number == number)
    }

    /// The item `check` drafts.
    pub fn checked_item(&self, check: RubricCheck) -> Option<&Item> {
        self.items.iter().find(|i| i.check == Some(check))
    }

    /// Every item `check` drafts (one, or for `documents` each item with parts).
    pub fn checked_items(&self, check: RubricCheck) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(move |i| i.check == Some(check))
    }

    /// Sum of the items' points.
    pub fn total_points(&self) -> f64 {
        self.items.iter().map(|i| i.points).sum()
    }
}
