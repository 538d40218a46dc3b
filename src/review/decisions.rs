//! Taking decisions: confirm, adjust (within the item's limits) or reject a finding, and add or
//! withdraw the entries no check drafts. Each is checked, guarded by the version the auditor saw
//! (a second auditor deciding the same finding is told, nothing is overwritten silently) and
//! written with its line of the audit log in one transaction.

use super::store::{insert_log, now_rfc3339, Decision, LogLine, ManualEntry};
use super::{fmt_points, Identity};
use crate::model::{Finding, Section, Table};
use crate::rubric::{Rubric, TableKind};
use crate::store::{Store, StoreError};

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

    fn status(self) -> &'static str {
        match self {
            Action::Confirm => "confirmed",
            Action::Adjust => "adjusted",
            Action::Reject => "rejected",
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

impl From<sqlx::Error> for DecisionError {
    fn from(e: sqlx::Error) -> Self {
        DecisionError::Store(StoreError::Sql(e))
    }
}

/// How a state reads in the log and on the pages.
pub fn state_label(status: &str, points: f64) -> String {
    let word = crate::labels::decision_status(status);
    match status {
        "confirmed" | "adjusted" => format!("{word}，扣{}分", fmt_points(points)),
        "rejected" => word.to_string(),
        _ => format!("{word}（建议扣{}分）", fmt_points(points)),
    }
}

pub fn table_kind(t: Table) -> TableKind {
    match t {
        Table::Township => TableKind::Township,
        Table::Department => TableKind::Department,
    }
}

/// The most an item-section finding may deduct: its item's points.
pub fn item_max(rubric: &Rubric, f: &Finding) -> Option<f64> {
    match f.section {
        Section::Item => rubric
            .table(table_kind(f.table))
            .item(f.item)
            .map(|i| i.points),
        Section::Bonus | Section::Penalty => None,
    }
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
        Action::Reject => 0.0,
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
            p
        }
    };
    if input.action != Action::Confirm && note.is_empty() {
        return Err(DecisionError::Invalid("调整或驳回须填写理由。".into()));
    }
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
        || state_label("draft", finding.points),
        |d| state_label(&d.status, d.points),
    );
    let finding_id = finding.id.unwrap_or(0);
    let now = now_rfc3339();
    let mut tx = store.pool().begin().await?;
    // The guarded write comes first so that SQLite takes its write lock at once.
    let written = if current.is_none() {
        sqlx::query(
            "INSERT INTO decisions (unit, section, item, reason, fkey, status, points, note,
                 version, finding_id, decided_by, decided_at, portal)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $11, $12)
             ON CONFLICT (portal, unit, section, item, reason, fkey) DO NOTHING",
        )
        .bind(&id.unit)
        .bind(&id.section)
        .bind(id.item)
        .bind(&id.reason)
        .bind(&id.fkey)
        .bind(input.action.status())
        .bind(points)
        .bind(note)
        .bind(finding_id)
        .bind(actor)
        .bind(&now)
        .bind(&id.portal)
        .execute(&mut *tx)
        .await?
        .rows_affected()
    } else {
        sqlx::query(
            "UPDATE decisions SET status = $1, points = $2, note = $3, version = version + 1,
                 finding_id = $4, decided_by = $5, decided_at = $6
             WHERE unit = $7 AND section = $8 AND item = $9 AND reason = $10 AND fkey = $11
                 AND version = $12 AND portal = $13",
        )
        .bind(input.action.status())
        .bind(points)
        .bind(note)
        .bind(finding_id)
        .bind(actor)
        .bind(&now)
        .bind(&id.unit)
        .bind(&id.section)
        .bind(id.item)
        .bind(&id.reason)
        .bind(&id.fkey)
        .bind(seen)
        .bind(&id.portal)
        .execute(&mut *tx)
        .await?
        .rows_affected()
    };
    if written == 0 {
        tx.rollback().await?;
        let now_current = store.decision(&id).await?;
        return Err(conflict(now_current.as_ref()));
    }
    insert_log(
        &mut tx,
        &LogLine {
            portal: &id.portal,
            actor,
            action: input.action.log_action(),
            unit: &id.unit,
            subject: id.subject(),
            finding_id: finding.id,
            before,
            after: state_label(input.action.status(), points),
            note,
        },
    )
    .await?;
    tx.commit().await?;
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
            state: state_label(&d.status, d.points),
        },
        None => DecisionError::Conflict {
            by: "其他审核人员".into(),
            at: "刚才".into(),
            state: "已撤回".into(),
        },
    }
}

/// Kinds of entries added by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Deduction,
    Bonus,
    Penalty,
}

impl EntryKind {
    pub fn parse(s: &str) -> Option<EntryKind> {
        match s {
            "deduction" => Some(EntryKind::Deduction),
            "bonus" => Some(EntryKind::Bonus),
            "penalty" => Some(EntryKind::Penalty),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Deduction => "deduction",
            EntryKind::Bonus => "bonus",
            EntryKind::Penalty => "penalty",
        }
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
pub fn entry_label(rubric: &Rubric, kind: &str, item: i64, rule: &str, amount: f64) -> String {
    match kind {
        "deduction" => format!("第{item}项扣{}分", fmt_points(amount)),
        "bonus" => {
            let r = rubric.bonus_rule(rule);
            format!(
                "加分：{} × {}{}",
                r.map_or(rule, |r| r.text.as_str()),
                amount,
                r.map_or("", |r| r.per.as_str())
            )
        }
        _ => {
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
    if note.is_empty() {
        return Err(DecisionError::Invalid(
            "须填写理由（如备案、通报文号）。".into(),
        ));
    }
    let invalid = |m: String| Err(DecisionError::Invalid(m));
    let (item, rule) = match input.kind {
        EntryKind::Deduction => {
            let Some(it) = rubric.table(table_kind(table)).item(input.item) else {
                return invalid(format!("{}评分表中没有第{}项。", table.label(), input.item));
            };
            if !input.amount.is_finite() || input.amount <= 0.0 || input.amount > it.points {
                return invalid(format!(
                    "扣分须大于 0 且不超过第{}项满分 {} 分。",
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
    let mut tx = store.pool().begin().await?;
    let row = sqlx::query(
        "INSERT INTO manual_entries (unit, kind, item, rule, amount, note, withdrawn, created_by, created_at, portal)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9) RETURNING id",
    )
    .bind(unit)
    .bind(input.kind.as_str())
    .bind(item)
    .bind(&rule)
    .bind(input.amount)
    .bind(note)
    .bind(actor)
    .bind(now_rfc3339())
    .bind(portal)
    .fetch_one(&mut *tx)
    .await?;
    let id: i64 = sqlx::Row::try_get(&row, 0)?;
    insert_log(
        &mut tx,
        &LogLine {
            portal,
            actor,
            action: "entry-add",
            unit,
            subject: format!("entry:{id}"),
            finding_id: None,
            before: "无".into(),
            after: entry_label(rubric, input.kind.as_str(), item, &rule, input.amount),
            note,
        },
    )
    .await?;
    tx.commit().await?;
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
    let mut tx = store.pool().begin().await?;
    let n = sqlx::query("UPDATE manual_entries SET withdrawn = 1 WHERE id = $1 AND withdrawn = 0")
        .bind(entry.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        tx.rollback().await?;
        return Err(DecisionError::Invalid("该条目已被撤销。".into()));
    }
    let label = entry_label(rubric, &entry.kind, entry.item, &entry.rule, entry.amount);
    insert_log(
        &mut tx,
        &LogLine {
            portal: &entry.portal,
            actor,
            action: "entry-withdraw",
            unit: &entry.unit,
            subject: format!("entry:{}", entry.id),
            finding_id: None,
            before: label,
            after: "已撤销".into(),
            note,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
