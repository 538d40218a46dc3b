//! Entering the items no machine can see, many at once: the per-item form (a row per unit) and
//! the office's spreadsheet ([`super::sheet`]) both come here as [`ItemValue`]s. Every value is
//! checked first; one bad value and nothing is written. A value *sets* the unit's entry for the
//! item (or bonus/penalty rule): earlier active entries of that unit and item are withdrawn and
//! the new one written, each with its audit-log line, all in one transaction. A value equal to
//! what is entered already writes nothing.

use std::collections::HashSet;

use serde::Serialize;

use super::{entry_label, fmt_points};
use crate::config::PortalConfig;
use crate::model::Table;
use crate::rubric::{AdjustmentRule, Rubric};
use crate::score::Centi;
use crate::store::{EntryChange, EntryKind, LogLine, ManualEntry, NewEntry, Store, StoreError};

/// Longest note kept with an entry, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

/// What a value is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// A numbered item of the unit's table.
    Item(u32),
    /// A 加分项目 rule, by id.
    Bonus(String),
    /// A 扣分项目 rule, by id.
    Penalty(String),
}

impl Target {
    /// Reads an item cell: `7`, `7.0`, `第7项`, `7 政府信息公开指南`; `加分3`, `加分项目3`, `加3`;
    /// `扣分项目2`, `扣分项2`, `减分2`, `减2` (when the paragraph has one rule); a rule id, or the
    /// start of a rule's text (`被省政府办公厅通报`).
    pub fn parse(rubric: &Rubric, cell: &str) -> Result<Target, String> {
        let cell: String = cell.split_whitespace().collect::<Vec<_>>().join(" ");
        let cell = cell.trim();
        if let Some(r) = rubric.bonus_rule(cell) {
            return Ok(Target::Bonus(r.id.clone()));
        }
        if let Some(r) = rubric.penalty_rule(cell) {
            return Ok(Target::Penalty(r.id.clone()));
        }
        if cell.chars().count() >= 4 {
            let starts = |r: &&AdjustmentRule| r.text.starts_with(cell);
            if let Some(r) = rubric.bonus.iter().find(starts) {
                return Ok(Target::Bonus(r.id.clone()));
            }
            if let Some(r) = rubric.penalty.iter().find(starts) {
                return Ok(Target::Penalty(r.id.clone()));
            }
        }
        let unknown = || {
            format!("无法识别项目“{cell}”（应为项目序号如 7，或 加分项目1、扣分项目2、规则标识）")
        };
        let by_number = |rules: &[AdjustmentRule], rest: &str, what: &str| {
            let n = leading_number(rest).ok_or_else(unknown)?;
            let found: Vec<&AdjustmentRule> = rules.iter().filter(|r| r.number == n).collect();
            match found.as_slice() {
                [] => Err(format!("评分规则中没有{what}{n}")),
                [one] => Ok(one.id.clone()),
                many => Err(format!(
                    "{what}{n}有 {} 条规则，请写规则标识或规则原文开头：{}",
                    many.len(),
                    many.iter()
                        .map(|r| format!(
                            "{}（{}）",
                            r.id,
                            r.text.chars().take(12).collect::<String>()
                        ))
                        .collect::<Vec<_>>()
                        .join("、")
                )),
            }
        };
        for prefix in ["加分项目", "加分项", "加分", "加"] {
            if let Some(rest) = cell.strip_prefix(prefix) {
                return by_number(&rubric.bonus, rest, "加分项目").map(Target::Bonus);
            }
        }
        for prefix in ["扣分项目", "扣分项", "减分项目", "减分项", "减分", "减"] {
            if let Some(rest) = cell.strip_prefix(prefix) {
                return by_number(&rubric.penalty, rest, "扣分项目").map(Target::Penalty);
            }
        }
        let rest = cell.strip_prefix('第').unwrap_or(cell);
        leading_number(rest).map(Target::Item).ok_or_else(unknown)
    }

    /// As pages say it: 第7项, 加分项目3, 扣分项目2.
    pub fn label(&self, rubric: &Rubric) -> String {
        match self {
            Target::Item(n) => format!("第{n}项"),
            Target::Bonus(id) => rubric
                .bonus_rule(id)
                .map_or(id.clone(), |r| format!("加分项目{}", r.number)),
            Target::Penalty(id) => rubric.penalty_rule(id).map_or(id.clone(), |r| {
                format!(
                    "扣分项目{}（{}）",
                    r.number,
                    r.text.chars().take(12).collect::<String>()
                )
            }),
        }
    }

    fn kind(&self) -> EntryKind {
        match self {
            Target::Item(_) => EntryKind::Deduction,
            Target::Bonus(_) => EntryKind::Bonus,
            Target::Penalty(_) => EntryKind::Penalty,
        }
    }

    /// The manual entry is of this target.
    pub fn matches(&self, e: &ManualEntry) -> bool {
        match self {
            Target::Item(n) => e.kind == EntryKind::Deduction && e.item == i64::from(*n),
            Target::Bonus(id) => e.kind == EntryKind::Bonus && &e.rule == id,
            Target::Penalty(id) => e.kind == EntryKind::Penalty && &e.rule == id,
        }
    }
}

/// A number at the start of `s` (`7`, `7.0`, `7项`, `7 指南`); `None` for `7.5` or nothing.
fn leading_number(s: &str) -> Option<u32> {
    let s = s.trim_start();
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    let n: u32 = digits.parse().ok()?;
    let rest = &s[digits.len()..];
    let rest = rest
        .strip_prefix('.')
        .map_or(rest, |r| r.trim_start_matches('0'));
    match rest.chars().next() {
        None => Some(n),
        Some(c) if c.is_ascii_digit() || c == '.' => None,
        Some(_) => Some(n),
    }
}

/// The units values may name, and the portal they belong to.
#[derive(Debug, Clone, Copy)]
pub enum Units<'a> {
    /// A portal description: names, aliases and core names (县公安局 → 公安局) are known.
    Described(&'a PortalConfig),
    /// Only the units a run's findings named (no description at hand): exact names.
    Named {
        portal: &'a str,
        units: &'a [(String, Table)],
    },
}

impl Units<'_> {
    pub fn portal(&self) -> &str {
        match self {
            Units::Described(c) => &c.portal.name,
            Units::Named { portal, .. } => portal,
        }
    }

    /// The unit's name and table.
    fn find(&self, name: &str) -> Option<(String, Table)> {
        match self {
            Units::Described(c) => c.unit_by_alias(name).map(|u| (u.name.clone(), u.table)),
            Units::Named { units, .. } => units.iter().find(|(n, _)| n == name).cloned(),
        }
    }
}

/// One value to set, as a row of the form or the spreadsheet gave it.
#[derive(Debug, Clone)]
pub struct ItemValue {
    /// Where it came from, for error messages: `第 5 行`.
    pub place: String,
    /// The unit as written (a name or an alias of the portal's units).
    pub unit: String,
    /// The item as written (see [`Target::parse`]).
    pub item: String,
    /// Points deducted (an item, a penalty) or added (a bonus); 0 = checked, nothing to deduct.
    pub points: f64,
    pub note: String,
}

/// A value that cannot be set, and where.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowError {
    pub place: String,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}：{}", self.place, self.message)
    }
}

/// Why nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum SetError {
    #[error("{} 处错误，未录入任何内容：\n{}", .0.len(), .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Rows(Vec<RowError>),
    #[error("录入期间数据已被他人修改，未录入任何内容，请重试")]
    Changed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a batch did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SetSummary {
    /// Values written where the unit had no entry for the item.
    pub added: usize,
    /// Values that replaced a different entry.
    pub replaced: usize,
    /// Values equal to what was entered: nothing written.
    pub unchanged: usize,
    /// Bonus or penalty values of 0 that withdrew an earlier entry.
    pub cleared: usize,
}

impl SetSummary {
    pub fn sentence(&self) -> String {
        format!(
            "新录入 {} 条，替换 {} 条，未变 {} 条，清除 {} 条。",
            self.added, self.replaced, self.unchanged, self.cleared
        )
    }
}

/// A checked value: the unit's name, the target and the entry's amount (points for items, a
/// count of entries for bonus and penalty rules).
struct Checked<'v> {
    value: &'v ItemValue,
    unit: String,
    target: Target,
    amount: f64,
}

/// Checks every value, then sets them all in one transaction (see the module).
pub async fn set_values(
    store: &Store,
    rubric: &Rubric,
    units: Units<'_>,
    actor: &str,
    values: &[ItemValue],
) -> Result<SetSummary, SetError> {
    let checked = check_values(rubric, units, values)?;
    let portal = units.portal();
    let existing = store.manual_entries(portal).await?;
    let mut summary = SetSummary::default();
    let mut changes = Vec::new();
    for c in &checked {
        let active: Vec<&ManualEntry> = existing
            .iter()
            .filter(|e| !*e.withdrawn && e.unit == c.unit && c.target.matches(e))
            .collect();
        let note = c.value.note.trim();
        let same = active.len() == 1
            && Centi::from_points(active[0].amount) == Centi::from_points(c.amount)
            && active[0].note == note;
        let clears = c.amount == 0.0 && c.target.kind() != EntryKind::Deduction;
        if same || (clears && active.is_empty()) {
            summary.unchanged += 1;
            continue;
        }
        match (active.is_empty(), clears) {
            (_, true) => summary.cleared += 1,
            (true, false) => summary.added += 1,
            (false, false) => summary.replaced += 1,
        }
        let (item, rule) = match &c.target {
            Target::Item(n) => (i64::from(*n), ""),
            Target::Bonus(id) | Target::Penalty(id) => (0, id.as_str()),
        };
        let kind = c.target.kind();
        let new_label = if clears {
            "已清除".to_string()
        } else {
            entry_label(rubric, kind, item, rule, c.amount)
        };
        let withdraw = active
            .iter()
            .map(|e| {
                let log = LogLine {
                    portal,
                    actor,
                    action: "entry-withdraw",
                    unit: &e.unit,
                    subject: format!("entry:{}", e.id),
                    finding_id: None,
                    before: entry_label(rubric, e.kind, e.item, &e.rule, e.amount),
                    after: format!("已替换为：{new_label}"),
                    note,
                };
                (e.id, log)
            })
            .collect();
        let add = (!clears).then(|| {
            let entry = NewEntry {
                portal,
                unit: &c.unit,
                kind,
                item,
                rule,
                amount: c.amount,
                note,
                by: actor,
            };
            let log = LogLine {
                portal,
                actor,
                action: "entry-add",
                unit: &c.unit,
                subject: String::new(),
                finding_id: None,
                before: if active.is_empty() {
                    "无".into()
                } else {
                    active
                        .iter()
                        .map(|e| entry_label(rubric, e.kind, e.item, &e.rule, e.amount))
                        .collect::<Vec<_>>()
                        .join("；")
                },
                after: new_label.clone(),
                note,
            };
            (entry, log)
        });
        changes.push(EntryChange { withdraw, add });
    }
    if changes.is_empty() {
        return Ok(summary);
    }
    match store.replace_manual_entries(&changes).await? {
        Some(_) => Ok(summary),
        None => Err(SetError::Changed),
    }
}

/// Checks every value without writing anything (`--dry-run`).
pub fn check_values_only(
    rubric: &Rubric,
    units: Units<'_>,
    values: &[ItemValue],
) -> Result<(), SetError> {
    check_values(rubric, units, values).map(|_| ())
}

fn check_values<'v>(
    rubric: &Rubric,
    units: Units<'_>,
    values: &'v [ItemValue],
) -> Result<Vec<Checked<'v>>, SetError> {
    let mut errors = Vec::new();
    let mut checked = Vec::new();
    let mut seen: HashSet<(String, Target)> = HashSet::new();
    for v in values {
        match check_value(rubric, units, v) {
            Ok(c) => {
                if seen.insert((c.unit.clone(), c.target.clone())) {
                    checked.push(c);
                } else {
                    errors.push(RowError {
                        place: v.place.clone(),
                        message: format!(
                            "“{}”的{}在本次录入中重复出现",
                            c.unit,
                            c.target.label(rubric)
                        ),
                    });
                }
            }
            Err(message) => errors.push(RowError {
                place: v.place.clone(),
                message,
            }),
        }
    }
    if errors.is_empty() {
        Ok(checked)
    } else {
        Err(SetError::Rows(errors))
    }
}

fn check_value<'v>(
    rubric: &Rubric,
    units: Units<'_>,
    v: &'v ItemValue,
) -> Result<Checked<'v>, String> {
    let name = v.unit.trim();
    if name.is_empty() {
        return Err("缺少单位名称".into());
    }
    let (unit_name, unit_table) = units
        .find(name)
        .ok_or_else(|| format!("门户“{}”没有单位“{name}”", units.portal()))?;
    let target = Target::parse(rubric, &v.item)?;
    let points = v.points;
    if !points.is_finite() || points < 0.0 {
        return Err(format!("分值“{points}”须为不小于 0 的数"));
    }
    if (Centi::from_points(points).points() - points).abs() > 1e-9 {
        return Err(format!("分值“{points}”最多两位小数"));
    }
    let note = v.note.trim();
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(format!("备注超过 {MAX_NOTE_CHARS} 字"));
    }
    if points > 0.0 && note.is_empty() {
        return Err("有扣分或加分时须填写备注（理由、依据）".into());
    }
    let amount = match &target {
        Target::Item(n) => {
            let table = rubric.table(unit_table);
            let item = table
                .item(*n)
                .ok_or_else(|| format!("{}没有第{n}项（{}）", table_name(unit_table), unit_name))?;
            if points > item.points {
                return Err(format!(
                    "第{n}项满分 {} 分，扣分 {} 超过满分",
                    fmt_points(item.points),
                    fmt_points(points)
                ));
            }
            points
        }
        Target::Bonus(id) | Target::Penalty(id) => {
            let rule = rubric
                .bonus_rule(id)
                .or_else(|| rubric.penalty_rule(id))
                .ok_or_else(|| format!("评分规则中没有“{id}”"))?;
            let count = points / rule.points_each;
            if (count - count.round()).abs() > 1e-6 || count > 1000.0 {
                return Err(format!(
                    "{}每次 {} 分，{} 分不是其整数倍",
                    target.label(rubric),
                    fmt_points(rule.points_each),
                    fmt_points(points)
                ));
            }
            count.round()
        }
    };
    Ok(Checked {
        value: v,
        unit: unit_name,
        target,
        amount,
    })
}

fn table_name(t: Table) -> &'static str {
    match t {
        Table::Township => "乡镇评分表",
        Table::Department => "县直部门评分表",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_cells_read_as_the_office_writes_them() {
        let r = Rubric::bundled_2020();
        let p = |c: &str| Target::parse(&r, c);
        assert_eq!(p("7"), Ok(Target::Item(7)));
        assert_eq!(p("7.0"), Ok(Target::Item(7)));
        assert_eq!(p("第 18 项"), Ok(Target::Item(18)));
        assert_eq!(p("18 政务新媒体"), Ok(Target::Item(18)));
        assert!(p("7.5").is_err());
        assert!(p("指南").is_err());
        let bonus1 = Ok(Target::Bonus("public-enterprise".into()));
        assert_eq!(p("加分项目1"), bonus1);
        assert_eq!(p("加1"), bonus1);
        assert_eq!(p("public-enterprise"), bonus1);
        assert_eq!(p("扣分项目3"), Ok(Target::Penalty("fraud".into())));
        assert_eq!(
            p("被省政府办公厅通报"),
            Ok(Target::Penalty("province-notice".into()))
        );
        // Paragraph 1 of the penalties has five rules: the number alone is not enough.
        let e = p("扣分项目1").unwrap_err();
        assert!(e.contains("province-notice"), "{e}");
        assert!(p("加分项目9").unwrap_err().contains("没有加分项目9"));
    }
}
