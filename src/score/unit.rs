//! Scoring one unit: each item's points minus its confirmed deductions (never below 0), plus
//! bonus entries, minus penalty entries, capped (see [`crate::rubric::CapStage`]), never below 0.

use serde::{Deserialize, Serialize};

use super::Centi;
use crate::model::Table;
use crate::rubric::Rubric;

/// The group a unit is graded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
pub enum Category {
    /// 乡镇 (annex 2 table, graded by rank bands).
    #[serde(rename = "乡镇")]
    Township,
    /// 县直部门 A 类 (annex 3 table, graded by quota within class A).
    #[serde(rename = "A")]
    DeptA,
    /// 县直部门 B 类 (annex 3 table, graded by quota within class B).
    #[serde(rename = "B")]
    DeptB,
}

impl Category {
    /// As written in the CSV and JSON: 乡镇, A, B.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Township => "乡镇",
            Category::DeptA => "A",
            Category::DeptB => "B",
        }
    }

    /// Name of the group for sentences: 乡镇, A类, B类 (see [`crate::labels`]).
    pub fn group_name(self) -> &'static str {
        match self {
            Category::Township => "乡镇",
            Category::DeptA => "A类",
            Category::DeptB => "B类",
        }
    }

    /// Parses 乡镇 / A / B (also A类, B类, lower case).
    pub fn parse(s: &str) -> Option<Category> {
        match s.trim() {
            "乡镇" | "乡" | "镇" => Some(Category::Township),
            "A" | "a" | "A类" | "a类" => Some(Category::DeptA),
            "B" | "b" | "B类" | "b类" => Some(Category::DeptB),
            _ => None,
        }
    }

    /// Which scoring table applies.
    pub fn table(self) -> Table {
        match self {
            Category::Township => Table::Township,
            Category::DeptA | Category::DeptB => Table::Department,
        }
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A confirmed deduction on one item.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Deduction {
    /// Item number (序号) in the unit's table.
    pub item: u32,
    /// Points deducted.
    pub points: f64,
}

/// `count` entries of a bonus or penalty rule (by rule id, e.g. `province-notice`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Entry {
    pub rule: String,
    pub count: u32,
}

/// Everything confirmed about one unit.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct UnitInput {
    pub unit: String,
    pub category: Category,
    pub deductions: Vec<Deduction>,
    pub bonuses: Vec<Entry>,
    pub penalties: Vec<Entry>,
    /// Veto decided directly by the auditor (penalty rules with `veto_at` also set it).
    pub veto: bool,
}

/// Points kept on one item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemScore {
    pub item: u32,
    pub max: f64,
    pub deducted: f64,
    pub score: f64,
}

/// Result of scoring one unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitScore {
    /// Final score (0.01 exact).
    pub total: f64,
    /// Sum of the items before bonus and penalties.
    pub items_total: f64,
    pub bonus: f64,
    pub penalty: f64,
    pub per_item: Vec<ItemScore>,
    /// The cap cut the score.
    pub capped: bool,
    /// 一票否决.
    pub veto: bool,
}

/// Input that does not fit the rubric.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScoreError {
    #[error("{unit}：评分表中没有第{item}项")]
    UnknownItem { unit: String, item: u32 },
    #[error("{unit}：扣分不能为负数（第{item}项 {points}分）")]
    NegativeDeduction {
        unit: String,
        item: u32,
        points: f64,
    },
    #[error("{unit}：没有标识为“{rule}”的{kind}规则")]
    UnknownRule {
        unit: String,
        rule: String,
        kind: &'static str,
    },
}

/// Scores one unit with the rubric.
pub fn score_unit(rubric: &Rubric, input: &UnitInput) -> Result<UnitScore, ScoreError> {
    let table = rubric.table(input.category.table());
    for d in &input.deductions {
        if table.item(d.item).is_none() {
            return Err(ScoreError::UnknownItem {
                unit: input.unit.clone(),
                item: d.item,
            });
        }
        if d.points < 0.0 {
            return Err(ScoreError::NegativeDeduction {
                unit: input.unit.clone(),
                item: d.item,
                points: d.points,
            });
        }
    }
    let per_item: Vec<(u32, Centi, Centi, Centi)> = table
        .items
        .iter()
        .map(|item| {
            let max = Centi::from_points(item.points);
            let deducted: Centi = input
                .deductions
                .iter()
                .filter(|d| d.item == item.number)
                .map(|d| Centi::from_points(d.points))
                .sum();
            let kept = (max - deducted).max(Centi::ZERO);
            (item.number, max, deducted, kept)
        })
        .collect();
    let items_total: Centi = per_item.iter().map(|p| p.3).sum();

    let mut veto = input.veto;
    let mut bonus = Centi::ZERO;
    for e in &input.bonuses {
        let rule = rubric
            .bonus_rule(&e.rule)
            .ok_or_else(|| ScoreError::UnknownRule {
                unit: input.unit.clone(),
                rule: e.rule.clone(),
                kind: "加分",
            })?;
        bonus = bonus + Centi::from_points(rule.points_each) * e.count;
    }
    let mut penalty = Centi::ZERO;
    for rule in &rubric.penalty {
        let count: u32 = input
            .penalties
            .iter()
            .filter(|e| e.rule == rule.id)
            .map(|e| e.count)
            .sum();
        penalty = penalty + Centi::from_points(rule.points_each) * count;
        if rule.veto_at.is_some_and(|at| count >= at) {
            veto = true;
        }
    }
    if let Some(e) = input
        .penalties
        .iter()
        .find(|e| rubric.penalty_rule(&e.rule).is_none())
    {
        return Err(ScoreError::UnknownRule {
            unit: input.unit.clone(),
            rule: e.rule.clone(),
            kind: "扣分",
        });
    }

    let cap = Centi::from_points(rubric.cap);
    let (raw, total) = match rubric.cap_stage {
        crate::rubric::CapStage::Final => {
            let raw = items_total + bonus - penalty;
            (raw, raw.min(cap))
        }
        crate::rubric::CapStage::AfterBonus => {
            let raw = items_total + bonus;
            (raw, raw.min(cap) - penalty)
        }
    };
    Ok(UnitScore {
        total: total.max(Centi::ZERO).points(),
        items_total: items_total.points(),
        bonus: bonus.points(),
        penalty: penalty.points(),
        per_item: per_item
            .into_iter()
            .map(|(item, max, deducted, kept)| ItemScore {
                item,
                max: max.points(),
                deducted: deducted.points(),
                score: kept.points(),
            })
            .collect(),
        capped: raw > cap,
        veto,
    })
}
