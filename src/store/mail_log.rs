//! `mail_log`: one row per (portal, unit, report hash). A sent row keeps the report from being
//! sent again; a failed one is retried by the next `gongkai mail`. Every query is scoped by the
//! portal: unit names such as 工信局 repeat between counties that share one database.

use serde::Serialize;
use sqlx::Row;

use super::{Store, StoreError};

/// Where a report's sending stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MailStatus {
    Pending,
    Sent,
    Failed,
}

impl MailStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MailStatus::Pending => "pending",
            MailStatus::Sent => "sent",
            MailStatus::Failed => "failed",
        }
    }
}

impl TryFrom<String> for MailStatus {
    type Error = StoreError;
    fn try_from(s: String) -> Result<MailStatus, StoreError> {
        Ok(match s.as_str() {
            "pending" => MailStatus::Pending,
            "sent" => MailStatus::Sent,
            "failed" => MailStatus::Failed,
            _ => return Err(StoreError::Corrupt(format!("mail_log.status = {s}"))),
        })
    }
}

/// One report's sending record.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MailLogEntry {
    pub id: i64,
    /// `runs.portal` of the run the report was made from.
    pub portal: String,
    pub unit: String,
    pub run_id: i64,
    pub report_sha256: String,
    pub report_path: String,
    pub recipients: String,
    pub subject: String,
    #[sqlx(try_from = "String")]
    pub status: MailStatus,
    pub attempts: i64,
    pub error: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// A report about to be sent.
#[derive(Debug, Clone)]
pub struct NewMail<'a> {
    pub portal: &'a str,
    pub unit: &'a str,
    pub run_id: i64,
    pub report_sha256: &'a str,
    pub report_path: &'a str,
    pub recipients: &'a str,
    pub subject: &'a str,
}

const SELECT: &str = "SELECT id, portal, unit, run_id, report_sha256, report_path, recipients,
    subject, status, attempts, error, created_at, updated_at FROM mail_log";

impl Store {
    /// The record of a unit's report with this hash.
    pub async fn mail_entry(
        &self,
        portal: &str,
        unit: &str,
        sha: &str,
    ) -> Result<Option<MailLogEntry>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "{SELECT} WHERE portal = $1 AND unit = $2 AND report_sha256 = $3"
        ))
        .bind(portal)
        .bind(unit)
        .bind(sha)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The run of the newest report sent to a unit of `portal` from a run before `run_id`: what
    /// the next report is compared with.
    pub async fn last_mailed_run_before(
        &self,
        portal: &str,
        unit: &str,
        run_id: i64,
    ) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query(
            "SELECT MAX(run_id) FROM mail_log
             WHERE portal = $1 AND unit = $2 AND status = 'sent' AND run_id < $3",
        )
        .bind(portal)
        .bind(unit)
        .bind(run_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<Option<i64>, _>(0)?)
    }

    /// Creates the record of a report about to be sent (or returns the existing one).
    pub async fn open_mail(&self, mail: &NewMail<'_>) -> Result<MailLogEntry, StoreError> {
        let now = chrono::Utc::now().to_rfc3339();
        sqlx::query(
            "INSERT INTO mail_log (portal, unit, run_id, report_sha256, report_path, recipients,
                 subject, status, attempts, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, $8)
             ON CONFLICT (portal, unit, report_sha256) DO NOTHING",
        )
        .bind(mail.portal)
        .bind(mail.unit)
        .bind(mail.run_id)
        .bind(mail.report_sha256)
        .bind(mail.report_path)
        .bind(mail.recipients)
        .bind(mail.subject)
        .bind(&now)
        .execute(&self.pool)
        .await?;
        self.mail_entry(mail.portal, mail.unit, mail.report_sha256)
            .await?
            .ok_or_else(|| StoreError::Corrupt("mail_log 记录写入后无法读取".to_string()))
    }

    /// Records one attempt: `error` is `None` when the server accepted the mail.
    pub async fn record_mail_attempt(
        &self,
        id: i64,
        recipients: &str,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        let status = match error {
            None => MailStatus::Sent,
            Some(_) => MailStatus::Failed,
        };
        sqlx::query(
            "UPDATE mail_log SET status = $1, attempts = attempts + 1, error = $2,
                 recipients = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(status.as_str())
        .bind(error.map(str::to_string))
        .bind(recipients)
        .bind(chrono::Utc::now().to_rfc3339())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every record of a portal, newest first.
    pub async fn mail_entries(&self, portal: &str) -> Result<Vec<MailLogEntry>, StoreError> {
        Ok(
            sqlx::query_as(&format!("{SELECT} WHERE portal = $1 ORDER BY id DESC"))
                .bind(portal)
                .fetch_all(&self.pool)
                .await?,
        )
    }
}
