//! Runs: one crawl of one portal, with its state and counters.

use serde::Serialize;
use sqlx::Row;

use super::{Store, StoreError};

pub use crate::model::RunStatus;

impl TryFrom<String> for RunStatus {
    type Error = StoreError;
    fn try_from(s: String) -> Result<Self, StoreError> {
        Ok(match s.as_str() {
            "running" => RunStatus::Running,
            "complete" => RunStatus::Complete,
            "partial" => RunStatus::Partial,
            "failed" => RunStatus::Failed,
            _ => return Err(StoreError::Corrupt(format!("runs.status = {s}"))),
        })
    }
}

/// A run as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Run {
    pub id: i64,
    pub portal: String,
    pub config_path: String,
    pub base_url: String,
    #[sqlx(try_from = "i64")]
    pub year: i32,
    pub as_of: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: RunStatus,
    #[sqlx(flatten)]
    pub stats: RunStats,
}

/// Counters of a run.
#[derive(Debug, Clone, Copy, Default, Serialize, sqlx::FromRow)]
pub struct RunStats {
    pub requests: i64,
    pub bytes: i64,
    pub errors: i64,
}

impl Store {
    pub async fn create_run(
        &self,
        portal: &str,
        config_path: &str,
        base_url: &str,
        year: i32,
        as_of: &str,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO runs (portal, config_path, base_url, year, as_of, started_at, status)
             VALUES ($1, $2, $3, $4, $5, $6, 'running') RETURNING id",
        )
        .bind(portal)
        .bind(config_path)
        .bind(base_url)
        .bind(i64::from(year))
        .bind(as_of)
        .bind(chrono::Utc::now().to_rfc3339())
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get(0)?)
    }

    pub async fn finish_run(
        &self,
        run_id: i64,
        status: RunStatus,
        stats: RunStats,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE runs SET status = $1, finished_at = $2,
                requests = requests + $3, bytes = bytes + $4, errors = $5 WHERE id = $6",
        )
        .bind(status.as_str())
        .bind(chrono::Utc::now().to_rfc3339())
        .bind(stats.requests)
        .bind(stats.bytes)
        .bind(stats.errors)
        .bind(run_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Adds requests and bytes to a run's counters while it runs, so that a run resumed after
    /// its process died still counts what that process fetched (up to its last write).
    pub async fn add_run_counts(
        &self,
        run_id: i64,
        requests: i64,
        bytes: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE runs SET requests = requests + $1, bytes = bytes + $2 WHERE id = $3")
            .bind(requests)
            .bind(bytes)
            .bind(run_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records the portal description (JSON) the run is made with.
    pub async fn record_run_description(
        &self,
        run_id: i64,
        description: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE runs SET description = $1 WHERE id = $2")
            .bind(description)
            .bind(run_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The portal description (JSON) a run was made with; `None` for runs older than the record.
    pub async fn run_description(&self, run_id: i64) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT description FROM runs WHERE id = $1")
            .bind(run_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NoSuchRun(run_id))?;
        Ok(row.try_get(0)?)
    }

    /// Marks a run as under way again (for --resume).
    pub async fn reopen_run(&self, run_id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE runs SET status = 'running', finished_at = NULL WHERE id = $1")
            .bind(run_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn run(&self, run_id: i64) -> Result<Run, StoreError> {
        sqlx::query_as(&format!("{RUN_SELECT} WHERE id = $1"))
            .bind(run_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NoSuchRun(run_id))
    }

    /// All runs, newest first.
    pub async fn runs(&self) -> Result<Vec<Run>, StoreError> {
        Ok(sqlx::query_as(&format!("{RUN_SELECT} ORDER BY id DESC"))
            .fetch_all(&self.pool)
            .await?)
    }

    /// The newest run that finished (complete or partial), of any portal.
    pub async fn latest_finished_run(&self) -> Result<Option<Run>, StoreError> {
        self.latest_finished_run_of(None).await
    }

    /// The newest finished run of `portal` (of any portal when `None`): what is shown as
    /// current when several counties share the database.
    pub async fn latest_finished_run_of(
        &self,
        portal: Option<&str>,
    ) -> Result<Option<Run>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "{RUN_SELECT} WHERE status IN ('complete', 'partial') AND ($1 IS NULL OR portal = $1)
             ORDER BY id DESC LIMIT 1"
        ))
        .bind(portal.map(str::to_string))
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The runs of one portal, newest first.
    pub async fn runs_of(&self, portal: &str) -> Result<Vec<Run>, StoreError> {
        Ok(
            sqlx::query_as(&format!("{RUN_SELECT} WHERE portal = $1 ORDER BY id DESC"))
                .bind(portal)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// The portals that have runs in the database, by name.
    pub async fn portals(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT DISTINCT portal FROM runs ORDER BY portal")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| r.try_get(0).map_err(StoreError::from))
            .collect()
    }

    /// The newest run of this portal left unfinished, for `crawl --resume`.
    /// Distributed runs (those with queued jobs) belong to the workers and are left out.
    pub async fn unfinished_run(&self, portal: &str) -> Result<Option<Run>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "{RUN_SELECT} WHERE portal = $1 AND status = 'running'
               AND NOT EXISTS (SELECT 1 FROM crawl_jobs j WHERE j.run_id = runs.id)
             ORDER BY id DESC LIMIT 1"
        ))
        .bind(portal)
        .fetch_optional(&self.pool)
        .await?)
    }
}

const RUN_SELECT: &str = "SELECT id, portal, config_path, base_url, year, as_of, started_at,
    finished_at, status, requests, bytes, errors FROM runs";
