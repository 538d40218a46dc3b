//! `mail_log`: one row per (unit, report hash). A sent row keeps the report from being sent
//! again; a failed one is retried by the next `gongkai mail`.

use serde::Serialize;
use sqlx::Row;

use crate::store::{Store, StoreError};

/// One report's sending record.
#[derive(Debug, Clone, Serialize)]
pub struct MailLogEntry {
    pub id: i64,
    pub unit: String,
    pub run_id: i64,
    pub report_sha256: String,
    pub report_path: String,
    pub recipients: String,
    pub subject: String,
    /// pending | sent | failed
    pub status: String,
    pub attempts: i64,
    pub error: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

const SELECT: &str = "SELECT id, unit, run_id, report_sha256, report_path, recipients, subject,
    status, attempts, error, created_at, updated_at FROM mail_log";

fn from_row(r: &sqlx::any::AnyRow) -> Result<MailLogEntry, StoreError> {
    Ok(MailLogEntry {
        id: r.try_get("id")?,
        unit: r.try_get("unit")?,
        run_id: r.try_get("run_id")?,
        report_sha256: r.try_get("report_sha256")?,
        report_path: r.try_get("report_path")?,
        recipients: r.try_get("recipients")?,
        subject: r.try_get("subject")?,
        status: r.try_get("status")?,
        attempts: r.try_get("attempts")?,
        error: r.try_get("error")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// The record of a unit's report with this hash.
pub async fn find(
    store: &Store,
    unit: &str,
    sha: &str,
) -> Result<Option<MailLogEntry>, StoreError> {
    let row = sqlx::query(&format!("{SELECT} WHERE unit = $1 AND report_sha256 = $2"))
        .bind(unit)
        .bind(sha)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The run of the newest report sent to a unit from a run before `run_id`: what the next
/// report is compared with.
pub async fn last_sent_run_before(
    store: &Store,
    unit: &str,
    run_id: i64,
) -> Result<Option<i64>, StoreError> {
    let row = sqlx::query(
        "SELECT MAX(run_id) FROM mail_log WHERE unit = $1 AND status = 'sent' AND run_id < $2",
    )
    .bind(unit)
    .bind(run_id)
    .fetch_one(store.pool())
    .await?;
    Ok(row.try_get::<Option<i64>, _>(0)?)
}

/// Creates the record of a report about to be sent (or returns the existing one).
pub async fn open(store: &Store, entry: &MailLogEntry) -> Result<MailLogEntry, StoreError> {
    let now = chrono::Utc::now().to_rfc3339();
    sqlx::query(
        "INSERT INTO mail_log (unit, run_id, report_sha256, report_path, recipients, subject,
             status, attempts, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7)
         ON CONFLICT (unit, report_sha256) DO NOTHING",
    )
    .bind(&entry.unit)
    .bind(entry.run_id)
    .bind(&entry.report_sha256)
    .bind(&entry.report_path)
    .bind(&entry.recipients)
    .bind(&entry.subject)
    .bind(&now)
    .execute(store.pool())
    .await?;
    find(store, &entry.unit, &entry.report_sha256)
        .await?
        .ok_or_else(|| StoreError::Corrupt("mail_log 记录写入后无法读取".to_string()))
}

/// Records one attempt: `error` is `None` when the server accepted the mail.
pub async fn record_attempt(
    store: &Store,
    id: i64,
    recipients: &str,
    error: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE mail_log SET status = $1, attempts = attempts + 1, error = $2, recipients = $3,
             updated_at = $4 WHERE id = $5",
    )
    .bind(if error.is_none() { "sent" } else { "failed" })
    .bind(error.map(str::to_string))
    .bind(recipients)
    .bind(chrono::Utc::now().to_rfc3339())
    .bind(id)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Every record, newest first.
pub async fn entries(store: &Store) -> Result<Vec<MailLogEntry>, StoreError> {
    let rows = sqlx::query(&format!("{SELECT} ORDER BY id DESC"))
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(from_row).collect()
}
