//! The store: runs, fetched pages with their bodies (the evidence), what was read from them,
//! and findings. One interface over SQLite (default) and PostgreSQL, chosen by the URL scheme;
//! queries are checked at run time so one binary serves both.

mod error;
mod jobs;
mod mail_log;
mod pages;
mod records;
mod review;
mod runs;
#[cfg(feature = "testing")]
pub mod scratch;
mod turns;

pub use error::StoreError;
pub use jobs::{Job, JobCounts, JobKind, JobResult, JobState, MAX_ATTEMPTS};
pub use mail_log::{MailLogEntry, MailStatus, NewMail};
pub use pages::{PageKind, PageRecord, StoredPage};
pub use records::{AttachmentRow, ColumnRow, DocumentRow, MessageRow};
pub use review::{
    AuditEntry, Decision, DecisionStatus, EntryKind, Flag, Identity, LogLine, ManualEntry,
    NewDecision, NewEntry, Role, Session, User,
};
pub use runs::{Run, RunStats, RunStatus};

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};

use crate::model::{Centi, Evidence, Finding, FindingKind, FindingStatus, Section, Table};

/// Which database sits behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Handle to the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

/// The default database: a SQLite file in the working directory.
pub const DEFAULT_DB_URL: &str = "sqlite://gongkai.db";

impl Store {
    /// Opens (creating a SQLite file if needed) and migrates the database at `url`.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let (backend, url) = normalise_url(url)?;
        let mut options = AnyPoolOptions::new().max_connections(match backend {
            Backend::Sqlite => 4,
            Backend::Postgres => 8,
        });
        if backend == Backend::Sqlite {
            options = options.after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;")
                        .await?;
                    Ok(())
                })
            });
        }
        let pool = options
            .connect(&url)
            .await
            .map_err(|e| StoreError::connect(&url, e))?;
        let store = Store { pool, backend };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let result = match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&self.pool).await,
            Backend::Postgres => sqlx::migrate!("migrations/postgres").run(&self.pool).await,
        };
        result.map_err(|e| StoreError::Migrate(e.to_string()))
    }

    /// Serialises writers of the same records on PostgreSQL (two workers on one unit when a
    /// lease expired under a slow but living worker), so that delete-then-insert never
    /// interleaves into duplicates. SQLite has one writer at a time already.
    pub(crate) async fn lock_for(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        key: &str,
    ) -> Result<(), StoreError> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1)::bigint)")
                .bind(key)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// Closes every connection (waits for those in use to come back).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Replaces the findings of one unit in a run (a re-check after --resume).
    pub async fn replace_findings(
        &self,
        run_id: i64,
        unit: &str,
        findings: &[Finding],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        self.lock_for(&mut tx, &format!("findings/{run_id}/{unit}"))
            .await?;
        sqlx::query("DELETE FROM findings WHERE run_id = $1 AND unit = $2")
            .bind(run_id)
            .bind(unit)
            .execute(&mut *tx)
            .await?;
        let now = chrono::Utc::now().to_rfc3339();
        for f in findings {
            let evidence = serde_json::to_string(&f.evidence)?;
            sqlx::query(
                "INSERT INTO findings (run_id, unit, tbl, section, item, points, kind, reason, detail, evidence, status, fkey, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(run_id)
            .bind(&f.unit)
            .bind(f.table.as_str())
            .bind(f.section.as_str())
            .bind(i64::from(f.item))
            .bind(f.points.points())
            .bind(kind_str(f.kind))
            .bind(f.reason.as_str())
            .bind(&f.detail)
            .bind(evidence)
            .bind(f.status.as_str())
            .bind(&f.key)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The findings of a run, ordered by unit, section and item.
    pub async fn findings(&self, run_id: i64) -> Result<Vec<Finding>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, run_id, unit, tbl, section, item, points, kind, reason, detail, evidence, status, fkey
             FROM findings WHERE run_id = $1 ORDER BY id",
        )
        .bind(run_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(finding_from_row).collect()
    }
}

fn normalise_url(url: &str) -> Result<(Backend, String), StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Backend::Postgres, url.to_string()));
    }
    if let Some(rest) = url.strip_prefix("sqlite:") {
        // Create the file on first use unless the URL says otherwise.
        let url = if rest.contains("mode=") || rest.contains(":memory:") {
            url.to_string()
        } else if rest.contains('?') {
            format!("{url}&mode=rwc")
        } else {
            format!("{url}?mode=rwc")
        };
        return Ok((Backend::Sqlite, url));
    }
    Err(StoreError::UnsupportedUrl(url.to_string()))
}

fn kind_str(k: FindingKind) -> &'static str {
    match k {
        FindingKind::Deduction => "deduction",
        FindingKind::Question => "question",
    }
}

fn finding_from_row(row: &AnyRow) -> Result<Finding, StoreError> {
    let bad = |what: &str, value: String| StoreError::Corrupt(format!("findings.{what} = {value}"));
    let table: String = row.try_get("tbl")?;
    let section: String = row.try_get("section")?;
    let kind: String = row.try_get("kind")?;
    let status: String = row.try_get("status")?;
    let reason: String = row.try_get("reason")?;
    let evidence: String = row.try_get("evidence")?;
    let evidence: Vec<Evidence> = serde_json::from_str(&evidence)?;
    Ok(Finding {
        id: Some(row.try_get("id")?),
        run_id: Some(row.try_get("run_id")?),
        decision: None,
        unit: row.try_get("unit")?,
        table: match table.as_str() {
            "township" => Table::Township,
            "department" => Table::Department,
            _ => return Err(bad("tbl", table)),
        },
        section: match section.as_str() {
            "item" => Section::Item,
            "bonus" => Section::Bonus,
            "penalty" => Section::Penalty,
            _ => return Err(bad("section", section)),
        },
        item: u32::try_from(row.try_get::<i64, _>("item")?).unwrap_or(0),
        points: Centi::from_points(row.try_get("points")?),
        kind: match kind.as_str() {
            "deduction" => FindingKind::Deduction,
            "question" => FindingKind::Question,
            _ => return Err(bad("kind", kind)),
        },
        reason: reason.parse().map_err(|_| bad("reason", reason.clone()))?,
        detail: row.try_get("detail")?,
        evidence,
        status: FindingStatus::parse(&status).ok_or_else(|| bad("status", status.clone()))?,
        key: row.try_get("fkey")?,
    })
}
