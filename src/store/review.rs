//! The review's tables (see `migrations/*/20261126000100_review.sql`): accounts, sessions,
//! decisions on findings, manual entries and the append-only audit log. Every write that an
//! auditor's action makes (a decision, an entry) goes in one transaction with its log line.

use serde::Serialize;
use sqlx::Row;

use super::{Store, StoreError};
use crate::model::{Centi, Finding, FindingStatus};

pub use crate::model::Role;

impl TryFrom<String> for Role {
    type Error = StoreError;
    fn try_from(s: String) -> Result<Role, StoreError> {
        Role::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("users.role = {s}")))
    }
}

/// An account as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    #[sqlx(try_from = "i64")]
    pub disabled: Flag,
    #[serde(skip)]
    pub password_hash: String,
}

/// A 0/1 integer column (SQLite and PostgreSQL alike) read as a boolean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct Flag(pub bool);

impl From<i64> for Flag {
    fn from(n: i64) -> Flag {
        Flag(n != 0)
    }
}

impl std::ops::Deref for Flag {
    type Target = bool;
    fn deref(&self) -> &bool {
        &self.0
    }
}

/// A live session with its account.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
    pub expires_at: i64,
}

/// Failed logins under one key of the login throttle: `"account:<name>"` or `"address:<ip>"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct LoginFailures {
    pub failures: i64,
    /// Unix seconds.
    pub last_failure: i64,
}

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

/// An auditor's decision on a finding: what it is and what it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DecisionStatus {
    Confirmed,
    Adjusted,
    Rejected,
}

impl DecisionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionStatus::Confirmed => "confirmed",
            DecisionStatus::Adjusted => "adjusted",
            DecisionStatus::Rejected => "rejected",
        }
    }
}

impl From<DecisionStatus> for FindingStatus {
    fn from(s: DecisionStatus) -> FindingStatus {
        match s {
            DecisionStatus::Confirmed => FindingStatus::Confirmed,
            DecisionStatus::Adjusted => FindingStatus::Adjusted,
            DecisionStatus::Rejected => FindingStatus::Rejected,
        }
    }
}

impl TryFrom<String> for DecisionStatus {
    type Error = StoreError;
    fn try_from(s: String) -> Result<DecisionStatus, StoreError> {
        Ok(match s.as_str() {
            "confirmed" => DecisionStatus::Confirmed,
            "adjusted" => DecisionStatus::Adjusted,
            "rejected" => DecisionStatus::Rejected,
            _ => return Err(StoreError::Corrupt(format!("decisions.status = {s}"))),
        })
    }
}

/// The current decision on one finding identity.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Decision {
    pub portal: String,
    pub unit: String,
    pub section: String,
    pub item: i64,
    pub reason: String,
    pub fkey: String,
    #[sqlx(try_from = "String")]
    pub status: DecisionStatus,
    /// Hundredths, as the score counts them (stored as a number of points).
    #[sqlx(try_from = "f64")]
    pub points: Centi,
    pub note: String,
    pub version: i64,
    pub finding_id: i64,
    pub decided_by: String,
    pub decided_at: String,
}

impl Decision {
    pub fn identity(&self) -> Identity {
        Identity {
            portal: self.portal.clone(),
            unit: self.unit.clone(),
            section: self.section.clone(),
            item: self.item,
            reason: self.reason.clone(),
            fkey: self.fkey.clone(),
        }
    }
}

/// A decision about to be written.
#[derive(Debug, Clone)]
pub struct NewDecision<'a> {
    pub status: DecisionStatus,
    pub points: Centi,
    pub note: &'a str,
    pub finding_id: i64,
    pub by: &'a str,
}

/// Kinds of entries added by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
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

impl TryFrom<String> for EntryKind {
    type Error = StoreError;
    fn try_from(s: String) -> Result<EntryKind, StoreError> {
        EntryKind::parse(&s)
            .ok_or_else(|| StoreError::Corrupt(format!("manual_entries.kind = {s}")))
    }
}

/// A deduction, bonus or penalty entered by hand.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ManualEntry {
    pub id: i64,
    pub portal: String,
    pub unit: String,
    #[sqlx(try_from = "String")]
    pub kind: EntryKind,
    pub item: i64,
    pub rule: String,
    pub amount: f64,
    pub note: String,
    #[sqlx(try_from = "i64")]
    pub withdrawn: Flag,
    pub created_by: String,
    pub created_at: String,
}

/// An entry about to be written.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub portal: &'a str,
    pub unit: &'a str,
    pub kind: EntryKind,
    pub item: i64,
    pub rule: &'a str,
    pub amount: f64,
    pub note: &'a str,
    pub by: &'a str,
}

/// One replacement of [`Store::replace_manual_entries`]: entries withdrawn and one added, each
/// with its log line.
#[derive(Debug, Clone)]
pub struct EntryChange<'a> {
    pub withdraw: Vec<(i64, LogLine<'a>)>,
    pub add: Option<(NewEntry<'a>, LogLine<'a>)>,
}

/// One line of the append-only audit log.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub unit: String,
    pub subject: String,
    pub finding_id: Option<i64>,
    pub before_state: String,
    pub after_state: String,
    pub note: String,
}

/// What to append to the audit log.
#[derive(Debug, Clone)]
pub struct LogLine<'a> {
    /// The portal the subject belongs to; "" for accounts.
    pub portal: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub unit: &'a str,
    pub subject: String,
    pub finding_id: Option<i64>,
    pub before: String,
    pub after: String,
    pub note: &'a str,
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

const USER_SELECT: &str = "SELECT id, name, role, password_hash, disabled FROM users";
const DECISION_SELECT: &str =
    "SELECT portal, unit, section, item, reason, fkey, status, points, note,
    version, finding_id, decided_by, decided_at FROM decisions";
const ENTRY_SELECT: &str = "SELECT id, portal, unit, kind, item, rule, amount, note, withdrawn,
    created_by, created_at FROM manual_entries";
const LOG_SELECT: &str = "SELECT id, at, actor, action, unit, subject, finding_id, before_state,
    after_state, note FROM audit_log";

impl Store {
    /// Adds an account; fails if the name is taken.
    pub async fn add_user(
        &self,
        name: &str,
        role: Role,
        password_hash: &str,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO users (name, role, password_hash, disabled, created_at)
             VALUES ($1, $2, $3, 0, $4) RETURNING id",
        )
        .bind(name)
        .bind(role.as_str())
        .bind(password_hash)
        .bind(now_rfc3339())
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get(0)?)
    }

    pub async fn user_by_name(&self, name: &str) -> Result<Option<User>, StoreError> {
        Ok(sqlx::query_as(&format!("{USER_SELECT} WHERE name = $1"))
            .bind(name)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// All accounts by name.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        Ok(sqlx::query_as(&format!("{USER_SELECT} ORDER BY name"))
            .fetch_all(&self.pool)
            .await?)
    }

    /// Disables or enables an account; disabling also ends its sessions.
    pub async fn set_user_disabled(&self, id: i64, disabled: bool) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(id)
            .execute(&self.pool)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        // Expired sessions are cleared here rather than by a background job.
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The live session of a token (none when expired or the account is disabled).
    pub async fn session(&self, token_hash: &str, now: i64) -> Result<Option<Session>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct SessionRow {
            #[sqlx(flatten)]
            user: User,
            csrf: String,
            expires_at: i64,
        }
        let row: Option<SessionRow> = sqlx::query_as(
            "SELECT u.id, u.name, u.role, u.password_hash, u.disabled, s.csrf, s.expires_at
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| Session {
            user: r.user,
            csrf: r.csrf,
            expires_at: r.expires_at,
        }))
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Sets an account's password hash and ends its sessions, all but `keep` (the session
    /// that made the change, by token hash), in one transaction.
    pub async fn set_password(
        &self,
        user_id: i64,
        password_hash: &str,
        keep: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep.unwrap_or(""))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The failed logins counted under `key` (see [`LoginFailures`]).
    pub async fn login_failures(&self, key: &str) -> Result<Option<LoginFailures>, StoreError> {
        Ok(
            sqlx::query_as("SELECT failures, last_failure FROM login_failures WHERE key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Counts one more failed login under `key` at `now`; a count whose last failure is before
    /// `forget_before` starts again at 1. Returns the new count.
    pub async fn record_login_failure(
        &self,
        key: &str,
        now: i64,
        forget_before: i64,
    ) -> Result<LoginFailures, StoreError> {
        Ok(sqlx::query_as(
            "INSERT INTO login_failures (key, failures, last_failure) VALUES ($1, 1, $2)
             ON CONFLICT (key) DO UPDATE SET
                 failures = CASE WHEN login_failures.last_failure < $3 THEN 1
                                 ELSE login_failures.failures + 1 END,
                 last_failure = $2
             RETURNING failures, last_failure",
        )
        .bind(key)
        .bind(now)
        .bind(forget_before)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Forgets the failed logins under `key` (after a success).
    pub async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// One finding row by id (any run).
    pub async fn finding(&self, id: i64) -> Result<Option<Finding>, StoreError> {
        let Some(run_id) = self.finding_run(id).await? else {
            return Ok(None);
        };
        Ok(self
            .findings(run_id)
            .await?
            .into_iter()
            .find(|f| f.id == Some(id)))
    }

    /// The run a finding row belongs to.
    pub async fn finding_run(&self, id: i64) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query("SELECT run_id FROM findings WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Every current decision on findings of one portal.
    pub async fn decisions(&self, portal: &str) -> Result<Vec<Decision>, StoreError> {
        Ok(
            sqlx::query_as(&format!("{DECISION_SELECT} WHERE portal = $1 ORDER BY id"))
                .bind(portal)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// The current decision on one finding identity.
    pub async fn decision(&self, id: &Identity) -> Result<Option<Decision>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "{DECISION_SELECT} WHERE portal = $1 AND unit = $2 AND section = $3 AND item = $4
                 AND reason = $5 AND fkey = $6"
        ))
        .bind(&id.portal)
        .bind(&id.unit)
        .bind(&id.section)
        .bind(id.item)
        .bind(&id.reason)
        .bind(&id.fkey)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Writes a decision on `id` if the current one is still at version `seen` (0: none yet),
    /// with its audit-log line, in one transaction. `false` when someone decided meanwhile.
    pub async fn write_decision(
        &self,
        id: &Identity,
        seen: i64,
        new: &NewDecision<'_>,
        log: &LogLine<'_>,
    ) -> Result<bool, StoreError> {
        let now = now_rfc3339();
        let mut tx = self.pool.begin().await?;
        // The guarded write comes first so that SQLite takes its write lock at once.
        let written = if seen == 0 {
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
            .bind(new.status.as_str())
            .bind(new.points.points())
            .bind(new.note)
            .bind(new.finding_id)
            .bind(new.by)
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
            .bind(new.status.as_str())
            .bind(new.points.points())
            .bind(new.note)
            .bind(new.finding_id)
            .bind(new.by)
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
            return Ok(false);
        }
        insert_log(&mut tx, log).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Every manual entry of one portal (withdrawn ones included).
    pub async fn manual_entries(&self, portal: &str) -> Result<Vec<ManualEntry>, StoreError> {
        Ok(
            sqlx::query_as(&format!("{ENTRY_SELECT} WHERE portal = $1 ORDER BY id"))
                .bind(portal)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    pub async fn manual_entry(&self, id: i64) -> Result<Option<ManualEntry>, StoreError> {
        Ok(sqlx::query_as(&format!("{ENTRY_SELECT} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Adds a manual entry and its audit-log line (made from the new id) in one transaction.
    pub async fn add_manual_entry<'a>(
        &self,
        entry: &NewEntry<'_>,
        log: impl FnOnce(i64) -> LogLine<'a>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id = insert_entry(&mut tx, entry).await?;
        insert_log(&mut tx, &log(id)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Replaces manual entries in one transaction: for each change, its `withdraw` entries are
    /// withdrawn and its `add` entry (if any) is written, each with its audit-log line. Nothing is
    /// written when an entry to withdraw was already withdrawn meanwhile (`Ok(None)`): the caller
    /// read a state that changed under it. The `add` log line's subject is the new entry's id.
    pub async fn replace_manual_entries(
        &self,
        changes: &[EntryChange<'_>],
    ) -> Result<Option<Vec<i64>>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut added = Vec::new();
        for change in changes {
            for (id, log) in &change.withdraw {
                let n = sqlx::query(
                    "UPDATE manual_entries SET withdrawn = 1 WHERE id = $1 AND withdrawn = 0",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n == 0 {
                    tx.rollback().await?;
                    return Ok(None);
                }
                insert_log(&mut tx, log).await?;
            }
            if let Some((entry, log)) = &change.add {
                let id = insert_entry(&mut tx, entry).await?;
                let log = LogLine {
                    subject: format!("entry:{id}"),
                    ..log.clone()
                };
                insert_log(&mut tx, &log).await?;
                added.push(id);
            }
        }
        tx.commit().await?;
        Ok(Some(added))
    }

    /// Withdraws a manual entry with its audit-log line; `false` when it already was.
    pub async fn withdraw_manual_entry(
        &self,
        id: i64,
        log: &LogLine<'_>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let n =
            sqlx::query("UPDATE manual_entries SET withdrawn = 1 WHERE id = $1 AND withdrawn = 0")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if n == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        insert_log(&mut tx, log).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The log of one unit of a portal, or of one subject of it, oldest first.
    pub async fn audit_log(
        &self,
        portal: &str,
        unit: &str,
        subject: Option<&str>,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = match subject {
            Some(s) => {
                sqlx::query_as(&format!(
                    "{LOG_SELECT} WHERE portal = $1 AND unit = $2 AND subject = $3 ORDER BY id"
                ))
                .bind(portal)
                .bind(unit)
                .bind(s)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query_as(&format!(
                    "{LOG_SELECT} WHERE portal = $1 AND unit = $2 ORDER BY id"
                ))
                .bind(portal)
                .bind(unit)
                .fetch_all(&self.pool)
                .await?
            }
        };
        Ok(rows)
    }

    /// Appends to the audit log (outside a decision's transaction: account changes).
    pub async fn append_log(&self, line: &LogLine<'_>) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        insert_log(&mut conn, line).await
    }
}

/// Writes a manual entry; its id.
async fn insert_entry(
    conn: &mut sqlx::AnyConnection,
    entry: &NewEntry<'_>,
) -> Result<i64, StoreError> {
    let row = sqlx::query(
        "INSERT INTO manual_entries (unit, kind, item, rule, amount, note, withdrawn,
             created_by, created_at, portal)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9) RETURNING id",
    )
    .bind(entry.unit)
    .bind(entry.kind.as_str())
    .bind(entry.item)
    .bind(entry.rule)
    .bind(entry.amount)
    .bind(entry.note)
    .bind(entry.by)
    .bind(now_rfc3339())
    .bind(entry.portal)
    .fetch_one(conn)
    .await?;
    Ok(row.try_get(0)?)
}

pub(super) async fn insert_log(
    conn: &mut sqlx::AnyConnection,
    line: &LogLine<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, unit, subject, finding_id, before_state,
             after_state, note, portal) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(now_rfc3339())
    .bind(line.actor)
    .bind(line.action)
    .bind(line.unit)
    .bind(&line.subject)
    .bind(line.finding_id)
    .bind(&line.before)
    .bind(&line.after)
    .bind(line.note)
    .bind(line.portal)
    .execute(conn)
    .await?;
    Ok(())
}
