//! The review's tables (see `migrations/*/20261126000100_review.sql`): runtime-checked queries
//! with `$1` placeholders so that SQLite and PostgreSQL both work.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::users::{Role, User};
use super::Identity;
use crate::model::{Centi, Finding};
use crate::store::{Store, StoreError};

/// A live session with its account.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
    pub expires_at: i64,
}

/// The current decision on one finding identity.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub portal: String,
    pub unit: String,
    pub section: String,
    pub item: i64,
    pub reason: String,
    pub fkey: String,
    /// confirmed | adjusted | rejected
    pub status: String,
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

/// A deduction, bonus or penalty entered by hand.
#[derive(Debug, Clone, Serialize)]
pub struct ManualEntry {
    pub id: i64,
    pub portal: String,
    pub unit: String,
    /// deduction | bonus | penalty
    pub kind: String,
    pub item: i64,
    pub rule: String,
    pub amount: f64,
    pub note: String,
    pub withdrawn: bool,
    pub created_by: String,
    pub created_at: String,
}

/// One line of the append-only audit log.
#[derive(Debug, Clone, Serialize)]
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

pub(crate) fn now_rfc3339() -> String {
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
        .fetch_one(self.pool())
        .await?;
        Ok(row.try_get(0)?)
    }

    pub async fn user_by_name(&self, name: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(&format!("{USER_SELECT} WHERE name = $1"))
            .bind(name)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// All accounts by name.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let rows = sqlx::query(&format!("{USER_SELECT} ORDER BY name"))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Disables or enables an account; disabling also ends its sessions.
    pub async fn set_user_disabled(&self, id: i64, disabled: bool) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(id)
            .execute(self.pool())
            .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(self.pool())
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
            .execute(self.pool())
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
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The live session of a token (none when expired or the account is disabled).
    pub async fn session(&self, token_hash: &str, now: i64) -> Result<Option<Session>, StoreError> {
        let row = sqlx::query(
            "SELECT u.id, u.name, u.role, u.password_hash, u.disabled, s.csrf, s.expires_at
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(Session {
                user: user_from_row(&r)?,
                csrf: r.try_get("csrf")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// One finding row by id (any run).
    pub async fn finding(&self, id: i64) -> Result<Option<Finding>, StoreError> {
        let row = sqlx::query("SELECT run_id FROM findings WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let run_id: i64 = row.try_get(0)?;
        Ok(self
            .findings(run_id)
            .await?
            .into_iter()
            .find(|f| f.id == Some(id)))
    }

    /// Every current decision on findings of one portal.
    pub async fn decisions(&self, portal: &str) -> Result<Vec<Decision>, StoreError> {
        let rows = sqlx::query(&format!("{DECISION_SELECT} WHERE portal = $1 ORDER BY id"))
            .bind(portal)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(decision_from_row).collect()
    }

    /// The current decision on one finding identity.
    pub async fn decision(&self, id: &Identity) -> Result<Option<Decision>, StoreError> {
        let row = sqlx::query(&format!(
            "{DECISION_SELECT} WHERE portal = $1 AND unit = $2 AND section = $3 AND item = $4
                 AND reason = $5 AND fkey = $6"
        ))
        .bind(&id.portal)
        .bind(&id.unit)
        .bind(&id.section)
        .bind(id.item)
        .bind(&id.reason)
        .bind(&id.fkey)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(decision_from_row).transpose()
    }

    /// Every manual entry of one portal (withdrawn ones included).
    pub async fn manual_entries(&self, portal: &str) -> Result<Vec<ManualEntry>, StoreError> {
        let rows = sqlx::query(&format!("{ENTRY_SELECT} WHERE portal = $1 ORDER BY id"))
            .bind(portal)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(entry_from_row).collect()
    }

    pub async fn manual_entry(&self, id: i64) -> Result<Option<ManualEntry>, StoreError> {
        let row = sqlx::query(&format!("{ENTRY_SELECT} WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(entry_from_row).transpose()
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
                sqlx::query(&format!(
                    "{LOG_SELECT} WHERE portal = $1 AND unit = $2 AND subject = $3 ORDER BY id"
                ))
                .bind(portal)
                .bind(unit)
                .bind(s)
                .fetch_all(self.pool())
                .await?
            }
            None => {
                sqlx::query(&format!(
                    "{LOG_SELECT} WHERE portal = $1 AND unit = $2 ORDER BY id"
                ))
                .bind(portal)
                .bind(unit)
                .fetch_all(self.pool())
                .await?
            }
        };
        rows.iter().map(log_from_row).collect()
    }

    /// Appends to the audit log (outside a decision's transaction: account changes).
    pub async fn append_log(&self, line: &LogLine<'_>) -> Result<(), StoreError> {
        let mut conn = self.pool().acquire().await?;
        insert_log(&mut conn, line).await
    }
}

pub(crate) async fn insert_log(
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

fn user_from_row(r: &AnyRow) -> Result<User, StoreError> {
    let role: String = r.try_get("role")?;
    Ok(User {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        role: Role::parse(&role)
            .ok_or_else(|| StoreError::Corrupt(format!("users.role = {role}")))?,
        password_hash: r.try_get("password_hash")?,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
    })
}

fn decision_from_row(r: &AnyRow) -> Result<Decision, StoreError> {
    Ok(Decision {
        portal: r.try_get("portal")?,
        unit: r.try_get("unit")?,
        section: r.try_get("section")?,
        item: r.try_get("item")?,
        reason: r.try_get("reason")?,
        fkey: r.try_get("fkey")?,
        status: r.try_get("status")?,
        points: Centi::from_points(r.try_get("points")?),
        note: r.try_get("note")?,
        version: r.try_get("version")?,
        finding_id: r.try_get("finding_id")?,
        decided_by: r.try_get("decided_by")?,
        decided_at: r.try_get("decided_at")?,
    })
}

fn entry_from_row(r: &AnyRow) -> Result<ManualEntry, StoreError> {
    Ok(ManualEntry {
        id: r.try_get("id")?,
        portal: r.try_get("portal")?,
        unit: r.try_get("unit")?,
        kind: r.try_get("kind")?,
        item: r.try_get("item")?,
        rule: r.try_get("rule")?,
        amount: r.try_get("amount")?,
        note: r.try_get("note")?,
        withdrawn: r.try_get::<i64, _>("withdrawn")? != 0,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

fn log_from_row(r: &AnyRow) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        id: r.try_get("id")?,
        at: r.try_get("at")?,
        actor: r.try_get("actor")?,
        action: r.try_get("action")?,
        unit: r.try_get("unit")?,
        subject: r.try_get("subject")?,
        finding_id: r.try_get("finding_id")?,
        before_state: r.try_get("before_state")?,
        after_state: r.try_get("after_state")?,
        note: r.try_get("note")?,
    })
}
