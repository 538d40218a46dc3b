//! Grading per section 五 (评议办法).
//!
//! * Groups: townships are ranked among townships and graded by the rubric's rank bands;
//!   departments are ranked **within their class** (A or B) and graded by that class's share of
//!   each band's quota (see [`super::quota`]).
//! * Order within a group: units under a veto come last; otherwise higher score first; equal
//!   scores share the rank (1, 2, 2, 4), and are listed by name.
//! * 不合格 whatever the band: a veto (一票否决), a score under the floor (60), or being among the
//!   last 3 of the group in each of the last 3 consecutive years including this one (this year's
//!   rank and the history's ranks of earlier years).
//! * Ties: when units with equal scores straddle a band boundary, the rubric's default applies
//!   (`better-grade`: all get the better grade; `name-order`: quota kept, by name) and every one
//!   of them carries a `tie_decision` for the auditor.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::history::History;
use super::quota::{department_quotas, BandQuota};
use super::unit::Category;
use super::Centi;
use crate::rubric::{Grade, Rubric, TieRule};

/// A unit with its final score.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ScoredUnit {
    pub unit: String,
    pub category: Category,
    pub score: f64,
    /// 一票否决.
    #[serde(default)]
    pub veto: bool,
}

/// The grade of one unit with the reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeRow {
    pub unit: String,
    pub category: Category,
    pub score: f64,
    /// Rank within the group (乡镇; A类; B类).
    pub rank: u32,
    /// Number of units in the group (keep with the rank as next year's history).
    pub group_size: u32,
    pub grade: Grade,
    /// Why this grade, in Chinese.
    pub reason: String,
    /// Set when equal scores straddle a band boundary: the decision to confirm.
    pub tie_decision: Option<String>,
}

/// Input that cannot be graded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GradeError {
    #[error("单位“{0}”出现多次")]
    DuplicateUnit(String),
}

/// The quota table for the departments among `units` (for display and checks).
pub fn quota_table(rubric: &Rubric, n_a: u32, n_b: u32) -> Vec<BandQuota> {
    department_quotas(
        &rubric.grading.department_quotas,
        rubric.grading.rounding.method,
        n_a,
        n_b,
    )
}

/// A band as positions `from..=to` in the group's order (`to` = `u32::MAX` for the last band).
#[derive(Debug, Clone)]
struct Band {
    grade: Grade,
    from: u32,
    to: u32,
    /// How the band is described in reasons.
    describe: String,
}

/// Grades all units. Output order: townships, then class A, then class B, each by rank.
pub fn grade(
    rubric: &Rubric,
    units: &[ScoredUnit],
    history: &History,
) -> Result<Vec<GradeRow>, GradeError> {
    let mut seen = HashSet::new();
    for u in units {
        if !seen.insert(u.unit.as_str()) {
            return Err(GradeError::DuplicateUnit(u.unit.clone()));
        }
    }
    let count = |c: Category| units.iter().filter(|u| u.category == c).count() as u32;
    let quotas = quota_table(rubric, count(Category::DeptA), count(Category::DeptB));

    let mut rows = Vec::with_capacity(units.len());
    for category in [Category::Township, Category::DeptA, Category::DeptB] {
        let bands = bands_for(rubric, category, &quotas);
        let members: Vec<&ScoredUnit> = units.iter().filter(|u| u.category == category).collect();
        grade_group(rubric, category, &members, &bands, history, &mut rows);
    }
    Ok(rows)
}

fn bands_for(rubric: &Rubric, category: Category, quotas: &[BandQuota]) -> Vec<Band> {
    let mut bands = Vec::new();
    match category {
        Category::Township => {
            let list = &rubric.grading.township_bands;
            for (i, b) in list.iter().enumerate() {
                let last = i + 1 == list.len();
                bands.push(Band {
                    grade: b.grade,
                    from: b.from,
                    to: if last { u32::MAX } else { b.to },
                    describe: format!("乡镇第{}至{}名为{}", b.from, b.to, band_word(b.grade, last)),
                });
            }
        }
        Category::DeptA | Category::DeptB => {
            let mut from = 1;
            for (i, q) in quotas.iter().enumerate() {
                let last = i + 1 == quotas.len();
                let n = if category == Category::DeptA {
                    q.a
                } else {
                    q.b
                };
                bands.push(Band {
                    grade: q.grade,
                    from,
                    to: if last { u32::MAX } else { from + n - 1 },
                    describe: format!(
                        "{}等次{}%共{}个，其中{}{}个",
                        band_word(q.grade, last),
                        q.percent,
                        q.total,
                        category.group_name(),
                        n
                    ),
                });
                from += n;
            }
        }
    }
    bands
}

/// "优秀", or "合格或不合格" for the last band.
fn band_word(grade: Grade, last: bool) -> String {
    if last && grade == Grade::Pass {
        "合格或不合格".to_string()
    } else {
        grade.as_str().to_string()
    }
}

fn band_of(bands: &[Band], pos: u32) -> usize {
    bands
        .iter()
        .position(|b| pos >= b.from && pos <= b.to)
        .unwrap_or(bands.len().saturating_sub(1))
}

fn grade_group(
    rubric: &Rubric,
    category: Category,
    members: &[&ScoredUnit],
    bands: &[Band],
    history: &History,
    rows: &mut Vec<GradeRow>,
) {
    let mut order: Vec<(&ScoredUnit, Centi)> = members
        .iter()
        .map(|u| (*u, Centi::from_points(u.score)))
        .collect();
    order.sort_by(|(a, sa), (b, sb)| {
        a.veto
            .cmp(&b.veto)
            .then(sb.cmp(sa))
            .then_with(|| a.unit.cmp(&b.unit))
    });
    let n = order.len() as u32;
    let g = &rubric.grading;
    let floor = Centi::from_points(g.floor);
    let tie_rule = g.ties.default;

    let mut start = 0;
    while start < order.len() {
        let key = (order[start].0.veto, order[start].1);
        let end = start
            + order[start..]
                .iter()
                .take_while(|(u, s)| (u.veto, *s) == key)
                .count();
        let rank = start as u32 + 1;
        let first_band = band_of(bands, rank);
        let last_band = band_of(bands, end as u32);
        let straddles = end - start > 1 && first_band != last_band;
        for idx in start..end {
            let (unit, score) = order[idx];
            let pos = idx as u32 + 1;
            let band_idx = match tie_rule {
                TieRule::BetterGrade => first_band,
                TieRule::NameOrder => band_of(bands, pos),
            };
            let band = &bands[band_idx];
            let is_last_band = band_idx + 1 == bands.len();
            let ranked = format!("{}排名第{}名（共{}个）", category.group_name(), rank, n);
            let head = format!("{ranked}，{}", band.describe);
            let (grade, reason) = if unit.veto {
                (
                    Grade::Fail,
                    "被一票否决（扣分项目第1条），不论得分评定为不合格".to_string(),
                )
            } else if score < floor {
                (
                    Grade::Fail,
                    format!(
                        "{ranked}；得分{}分，低于{}分，评定为不合格（通知第五部分）",
                        score, floor
                    ),
                )
            } else if let Some(years) = three_year(rubric, &unit.unit, rank, n, history) {
                (
                    Grade::Fail,
                    format!(
                        "{ranked}；连续{}年排名位列最后{}名（{}），评定为不合格（通知第五部分）",
                        g.three_year.years, g.three_year.last, years
                    ),
                )
            } else if is_last_band && band.grade == Grade::Pass {
                (
                    Grade::Pass,
                    format!(
                        "{head}；得分不低于{}分且未连续{}年排名最后{}名，评定为合格",
                        floor, g.three_year.years, g.three_year.last
                    ),
                )
            } else {
                (band.grade, format!("{head}，评定为{}", band.grade))
            };
            let tie_decision = straddles.then(|| {
                let others: Vec<&str> = order[start..end]
                    .iter()
                    .filter(|(u, _)| u.unit != unit.unit)
                    .map(|(u, _)| u.unit.as_str())
                    .collect();
                let grades: Vec<String> = (first_band..=last_band)
                    .map(|i| band_word(bands[i].grade, i + 1 == bands.len()))
                    .collect();
                format!(
                    "与{}得分相同（{}分），跨{}等次界线。默认规则：{}；本单位按此评定为{}。请审核人员确认。",
                    others.join("、"),
                    score,
                    grades.join("/"),
                    match tie_rule {
                        TieRule::BetterGrade => "同分单位均评定为较高等次，后一等次名额相应减少",
                        TieRule::NameOrder => "名额不变，同分单位按单位名称排序",
                    },
                    grade
                )
            });
            let reason = match &tie_decision {
                Some(_) => format!("{reason}（同分跨等次界线，待审核确认）"),
                None => reason,
            };
            rows.push(GradeRow {
                unit: unit.unit.clone(),
                category,
                score: score.points(),
                rank,
                group_size: n,
                grade,
                reason,
                tie_decision,
            });
        }
        start = end;
    }
}

/// If the unit is among the last N this year and in each of the previous years of the rule,
/// describes the years (e.g. "2018年第12名/共13个、…"); otherwise `None`.
fn three_year(rubric: &Rubric, unit: &str, rank: u32, n: u32, history: &History) -> Option<String> {
    let rule = &rubric.grading.three_year;
    if rank <= n.saturating_sub(rule.last) {
        return None;
    }
    let mut parts = Vec::new();
    for back in (1..rule.years).rev() {
        let year = rubric.year - back as i32;
        let e = history.get(unit, year)?;
        if !e.among_last(rule.last) {
            return None;
        }
        parts.push(format!("{}年第{}名/共{}个", year, e.rank, e.total));
    }
    parts.push(format!("{}年第{}名/共{}个", rubric.year, rank, n));
    Some(parts.join("、"))
}
