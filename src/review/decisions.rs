//! Taking decisions: confirm, adjust (within the item's limits) or reject a finding, and add or
//! withdraw the entries no check drafts. Each is checked, guarded by the version the auditor saw
//! (a second auditor deciding the same finding is told, nothing is overwritten silently) and
//! written with its line of the audit log in one transaction.

use super::fmt_points;
use crate::model::{Centi, Finding, Section, Table};
use crate::rubric::Rubric;
use crate::store::{
    Decision, DecisionStatus, EntryKind, Identity, LogLine, ManualEntry, NewDecision, NewEntry,
    Store, StoreError,
};

/// What the auditor does with a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Confirm,
    Adjust,
    Reject,
}

impl Action {
    pub fn parse(s: &str) -> Option<Action> {
        match s {
            "confirm" => Some(Action::Confirm),
            "adjust" => Some(Action::Adjust),
            "reject" => Some(Action::Reject),
            _ => None,
        }
    }

    fn status(self) -> DecisionStatus {
        match self {
            Action::Confirm => DecisionStatus::Confirmed,
            Action::Adjust => DecisionStatus::Adjusted,
            Action::Reject => DecisionStatus::Rejected,
        }
    }

    fn log_action(self) -> &'static str {
        match self {
            Action::Confirm => "confirm",
            Action::Adjust => "adjust",
            Action::Reject => "reject",
        }
    }
}

/// A decision as the form sends it.
#[derive(Debug, Clone)]
pub struct DecisionInput {
    pub action: Action,
    /// The adjusted deduction (adjust only).
    pub points: Option<f64>,
    pub note: String,
    /// The decision version the auditor saw (0: no decision yet).
    pub version: i64,
}

/// A decision that was not taken.
#[derive(Debug, thiserror::Error)]
pub enum DecisionError {
    /// The input breaks a rule; the message says which, in Chinese.
    #[error("{0}")]
    Invalid(String),
    /// Someone else decided in between.
    #[error("该发现已由 {by} 于 {at} 处理（{state}），您看到的是旧版本；请刷新页面后重新决定。")]
    Conflict {
        by: String,
        at: String,
        state: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How a state reads in the log and on the pages (`None`: not decided yet).
pub fn state_label(status: Option<DecisionStatus>, points: Centi) -> String {
    let word = crate::labels::decision_status(status.map_or("draft", DecisionStatus::as_str));
    match status {
        Some(DecisionStatus::Confirmed | DecisionStatus::Adjusted) => {
            format!("{word}，扣{points}分")
        }
        Some(DecisionStatus::Rejected) => word.to_string(),
        None => format!("{word}（建议扣{points}分）"),
    }
}

/// The most an item-section finding may deduct: its item's points.
pub fn item_max(rubric: &Rubric, f: &Finding) -> Option<f64> {
    match f.section {
        Section::Item => rubric.table(f.table).item(f.item).map(|i| i.points),
        Section::Bonus | Section::Penalty => None,
    }
}

/// Refuses a reason or note longer than [`super::MAX_NOTE_CHARS`] characters.
fn note_within_bounds(note: &str) -> Result<(), DecisionError> {
    let n = note.chars().count();
    if n > super::MAX_NOTE_CHARS {
        return Err(DecisionError::Invalid(format!(
            "理由不能超过 {} 字（现有 {n} 字），请精简后再提交。",
            super::MAX_NOTE_CHARS
        )));
    }
    Ok(())
}

/// Takes a decision on `finding` for `actor`; returns the new decision.
pub async fn decide(
    store: &Store,
    rubric: &Rubric,
    actor: &str,
    finding: &Finding,
    input: &DecisionInput,
) -> Result<Decision, DecisionError> {
    let note = input.note.trim();
    let points = match input.action {
        Action::Confirm => finding.points,
        Action::Reject => Centi::ZERO,
        Action::Adjust => {
            let Some(max) = item_max(rubric, finding) else {
                return Err(DecisionError::Invalid(
                    "加分项、扣分项目按规则计分，不能调整分值；请确认或驳回。".into(),
                ));
            };
            let p = input
                .points
                .ok_or_else(|| DecisionError::Invalid("请填写调整后的扣分。".into()))?;
            if !p.is_finite() || p < 0.0 || p > max {
                return Err(DecisionError::Invalid(format!(
                    "调整后的扣分须在 0 至 {} 分之间（第{}项满分{}分）。",
                    fmt_points(max),
                    finding.item,
                    fmt_points(max)
                )));
            }
            // Hundredths, as the score counts them.
            Centi::from_points(p)
        }
    };
    if input.action != Action::Confirm && note.is_empty() {
        return Err(DecisionError::Invalid("调整或驳回须填写理由。".into()));
    }
    note_within_bounds(note)?;
    let portal = match finding.run_id {
        Some(run) => store.run(run).await?.portal,
        None => String::new(),
    };
    let id = Identity::of(finding, &portal);
    let current = store.decision(&id).await?;
    let seen = current.as_ref().map_or(0, |d| d.version);
    if seen != input.version {
        return Err(conflict(current.as_ref()));
    }
    let before = current.as_ref().map_or_else(
        || state_label(None, finding.points),
        |d| state_label(Some(d.status), d.points),
    );
    let status = input.action.status();
    let log = LogLine {
        portal: &id.portal,
        actor,
        action: input.action.log_action(),
        unit: &id.unit,
        subject: id.subject(),
        finding_id: finding.id,
        before,
        after: state_label(Some(status), points),
        note,
    };
    let new = NewDecision {
        status,
        points,
        note,
        finding_id: finding.id.unwrap_or(0),
        by: actor,
    };
    if !store.write_decision(&id, seen, &new, &log).await? {
        let now_current = store.decision(&id).await?;
        return Err(conflict(now_current.as_ref()));
    }
    store
        .decision(&id)
        .await?
        .ok_or_else(|| DecisionError::Store(StoreError::Corrupt("decision vanished".into())))
}

fn conflict(current: Option<&Decision>) -> DecisionError {
    match current {
        Some(d) => DecisionError::Conflict {
            by: d.decided_by.clone(),
            at: d.decided_at.clone(),
            state: state_label(Some(d.status), d.points),
        },
        None => DecisionError::Conflict {
            by: "其他审核人员".into(),
            at: "刚才".into(),
            state: "已撤回".into(),
        },
    }
}

/// An entry as the form sends it.
#[derive(Debug, Clone)]
pub struct EntryInput {
    pub kind: EntryKind,
    /// Item number (deduction).
    pub item: u32,
    /// Rule id (bonus, penalty).
    pub rule: String,
    /// Points (deduction) or number of entries (bonus, penalty).
    pub amount: f64,
    pub note: String,
}

/// Human text of an entry, for the log and pages.
pub fn entry_label(rubric: &Rubric, kind: EntryKind, item: i64, rule: &str, amount: f64) -> String {
    match kind {
        EntryKind::Deduction if amount == 0.0 => format!("第{item}项不扣分（已核查）"),
        EntryKind::Deduction => format!("第{item}项扣{}分", fmt_points(amount)),
        EntryKind::Bonus => {
            let r = rubric.bonus_rule(rule);
            format!(
                "加分：{} × {}{}",
                r.map_or(rule, |r| r.text.as_str()),
                amount,
                r.map_or("", |r| r.per.as_str())
            )
        }
        EntryKind::Penalty => {
            let r = rubric.penalty_rule(rule);
            format!(
                "扣分项目：{} × {}{}",
                r.map_or(rule, |r| r.text.as_str()),
                amount,
                r.map_or("", |r| r.per.as_str())
            )
        }
    }
}

/// Adds a manual entry for `unit` (scored with `table`).
pub async fn add_entry(
    store: &Store,
    rubric: &Rubric,
    actor: &str,
    portal: &str,
    unit: &str,
    table: Table,
    input: &EntryInput,
) -> Result<i64, DecisionError> {
    let note = input.note.trim();
    if note.is_empty() && input.amount != 0.0 {
        return Err(DecisionError::Invalid(
            "须填写理由（如备案、通报文号）。".into(),
        ));
    }
    note_within_bounds(note)?;
    let invalid = |m: String| Err(DecisionError::Invalid(m));
    let (item, rule) = match input.kind {
        EntryKind::Deduction => {
            let Some(it) = rubric.table(table).item(input.item) else {
                return invalid(format!("{}评分表中没有第{}项。", table.label(), input.item));
            };
            if !input.amount.is_finite() || input.amount < 0.0 || input.amount > it.points {
                return invalid(format!(
                    "扣分须在 0 到第{}项满分 {} 分之间（0 表示已核查、不扣分）。",
                    it.number,
                    fmt_points(it.points)
                ));
            }
            (i64::from(input.item), String::new())
        }
        EntryKind::Bonus | EntryKind::Penalty => {
            let known = if input.kind == EntryKind::Bonus {
                rubric.bonus_rule(&input.rule).is_some()
            } else {
                rubric.penalty_rule(&input.rule).is_some()
            };
            if !known {
                return invalid("请选择评分规则中的一项。".into());
            }
            if input.amount < 1.0 || input.amount.fract() != 0.0 || input.amount > 1000.0 {
                return invalid("数量须为正整数。".into());
            }
            (0, input.rule.clone())
        }
    };
    let entry = NewEntry {
        portal,
        unit,
        kind: input.kind,
        item,
        rule: &rule,
        amount: input.amount,
        note,
        by: actor,
    };
    let after = entry_label(rubric, input.kind, item, &rule, input.amount);
    let id = store
        .add_manual_entry(&entry, |id| LogLine {
            portal,
            actor,
            action: "entry-add",
            unit,
            subject: format!("entry:{id}"),
            finding_id: None,
            before: "无".into(),
            after,
            note,
        })
        .await?;
    Ok(id)
}

/// Withdraws a manual entry (it stays in the log and on the unit page, struck through).
pub async fn withdraw_entry(
    store: &Store,
    rubric: &Rubric,
    actor: &str,
    entry: &ManualEntry,
    note: &str,
) -> Result<(), DecisionError> {
    let note = note.trim();
    if note.is_empty() {
        return Err(DecisionError::Invalid("撤销须填写理由。".into()));
    }
    note_within_bounds(note)?;
    let label = entry_label(rubric, entry.kind, entry.item, &entry.rule, entry.amount);
    let log = LogLine {
        portal: &entry.portal,
        actor,
        action: "entry-withdraw",
        unit: &entry.unit,
        subject: format!("entry:{}", entry.id),
        finding_id: None,
        before: label,
        after: "已撤销".into(),
        note,
    };
    if !store.withdraw_manual_entry(entry.id, &log).await? {
        return Err(DecisionError::Invalid("该条目已被撤销。".into()));
    }
    Ok(())
}
