//! The crawl queue: jobs of a run (the message board, one per unit, and a finalize job that
//! runs the checks once all others are done), taken by workers under a lease. On PostgreSQL a
//! job is taken with `FOR UPDATE SKIP LOCKED`, so workers never wait on each other; a lease that
//! is not renewed (the worker died) expires and the job is taken again.

use std::time::Duration;

use sqlx::Row;

use super::{Backend, Store, StoreError};

/// Leases a job may take before it is given up as failed (a job that kills its workers).
pub const MAX_ATTEMPTS: i64 = 5;

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// The county message board.
    Board,
    /// One unit's columns, documents and sample.
    Unit,
    /// The checks over every unit's snapshot and the board; closes the run.
    Finalize,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Board => "board",
            JobKind::Unit => "unit",
            JobKind::Finalize => "finalize",
        }
    }
}

impl TryFrom<String> for JobKind {
    type Error = StoreError;
    fn try_from(s: String) -> Result<Self, StoreError> {
        match s.as_str() {
            "board" => Ok(JobKind::Board),
            "unit" => Ok(JobKind::Unit),
            "finalize" => Ok(JobKind::Finalize),
            _ => Err(StoreError::Corrupt(format!("crawl_jobs.kind = {s}"))),
        }
    }
}

/// Where a job stands in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    Queued,
    /// Held by a worker until its lease runs out.
    Leased,
    Done,
    /// Given up after [`MAX_ATTEMPTS`] leases.
    Failed,
}

impl TryFrom<String> for JobState {
    type Error = StoreError;
    fn try_from(s: String) -> Result<Self, StoreError> {
        match s.as_str() {
            "queued" => Ok(JobState::Queued),
            "leased" => Ok(JobState::Leased),
            "done" => Ok(JobState::Done),
            "failed" => Ok(JobState::Failed),
            _ => Err(StoreError::Corrupt(format!("crawl_jobs.state = {s}"))),
        }
    }
}

/// A job as a worker holds it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub run_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: JobKind,
    /// The unit's configured name (unit jobs).
    pub unit: Option<String>,
    /// Leases taken so far, this one included: above 1 the job was started before.
    pub attempts: i64,
}

/// A finished job with what it left for the finalize job.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JobResult {
    #[sqlx(flatten)]
    pub job: Job,
    #[sqlx(try_from = "String")]
    pub state: JobState,
    pub result: Option<String>,
    pub error: Option<String>,
}

/// Jobs of a run by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobCounts {
    pub queued: i64,
    pub leased: i64,
    pub done: i64,
    pub failed: i64,
}

impl Store {
    /// The database clock in unix milliseconds, as an SQL expression. Leases and turns are
    /// measured on it so that the workers' clocks need not agree.
    pub(super) fn now_ms_sql(&self) -> &'static str {
        match self.backend {
            Backend::Postgres => "(extract(epoch from clock_timestamp()) * 1000)::bigint",
            Backend::Sqlite => "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)",
        }
    }

    /// The database clock in unix microseconds (request turns: a high rate needs them).
    pub(super) fn now_us_sql(&self) -> &'static str {
        match self.backend {
            Backend::Postgres => "(extract(epoch from clock_timestamp()) * 1000000)::bigint",
            Backend::Sqlite => "CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER)",
        }
    }

    /// Queues the jobs of a run: the board, one per unit, and the finalize job.
    pub async fn enqueue_jobs(&self, run_id: i64, units: &[String]) -> Result<(), StoreError> {
        let now = self.now_ms_sql();
        let insert = format!(
            "INSERT INTO crawl_jobs (run_id, kind, unit, state, updated_at)
             VALUES ($1, $2, $3, 'queued', {now})"
        );
        let mut tx = self.pool.begin().await?;
        let jobs = std::iter::once((JobKind::Board, None))
            .chain(units.iter().map(|u| (JobKind::Unit, Some(u.clone()))))
            .chain(std::iter::once((JobKind::Finalize, None)));
        for (kind, unit) in jobs {
            sqlx::query(&insert)
                .bind(run_id)
                .bind(kind.as_str())
                .bind(unit)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Takes the next job of a running run of `portal` under a lease for `worker`: a queued
    /// job, or one whose lease expired. The finalize job only once every other job is over.
    /// None while a local crawl of the portal holds its crawl lease (see `lease`): the worker
    /// waits rather than double the portal's rate.
    pub async fn claim_job(
        &self,
        portal: &str,
        worker: &str,
        lease: Duration,
    ) -> Result<Option<Job>, StoreError> {
        let now = self.now_ms_sql();
        // Jobs that keep losing their workers are given up, so that the run can end.
        sqlx::query(&format!(
            "UPDATE crawl_jobs SET state = 'failed', updated_at = {now},
                 error = COALESCE(error, '多次领取后仍未完成（处理它的进程反复中断）')
             WHERE state = 'leased' AND lease_until < {now} AND attempts >= $1"
        ))
        .bind(MAX_ATTEMPTS)
        .execute(&self.pool)
        .await?;
        let lock = match self.backend {
            Backend::Postgres => "FOR UPDATE OF j SKIP LOCKED",
            // SQLite has one writer at a time: the UPDATE is the lock.
            Backend::Sqlite => "",
        };
        Ok(sqlx::query_as(&format!(
            "UPDATE crawl_jobs SET state = 'leased', worker = $1, lease_until = {now} + $2,
                 attempts = attempts + 1, updated_at = {now}
             WHERE id = (
                 SELECT j.id FROM crawl_jobs j JOIN runs r ON r.id = j.run_id
                 WHERE r.portal = $3 AND r.status = 'running'
                   AND (j.state = 'queued' OR (j.state = 'leased' AND j.lease_until < {now}))
                   AND NOT EXISTS (SELECT 1 FROM crawl_leases l
                       WHERE l.portal = $3 AND l.heartbeat_at >= {now} - $4)
                   AND (j.kind <> 'finalize' OR NOT EXISTS (
                       SELECT 1 FROM crawl_jobs o WHERE o.run_id = j.run_id
                         AND o.kind <> 'finalize' AND o.state IN ('queued', 'leased')))
                 ORDER BY j.id LIMIT 1 {lock})
             RETURNING id, run_id, kind, unit, attempts"
        ))
        .bind(worker)
        .bind(millis(lease))
        .bind(portal)
        .bind(millis(super::CRAWL_LEASE_STALE))
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Extends a lease; false when the job is no longer this worker's (it was taken again).
    pub async fn renew_lease(
        &self,
        job_id: i64,
        worker: &str,
        lease: Duration,
    ) -> Result<bool, StoreError> {
        let now = self.now_ms_sql();
        let done = sqlx::query(&format!(
            "UPDATE crawl_jobs SET lease_until = {now} + $1, updated_at = {now}
             WHERE id = $2 AND worker = $3 AND state = 'leased'"
        ))
        .bind(millis(lease))
        .bind(job_id)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks a job done with its result; false when it was no longer this worker's.
    pub async fn complete_job(
        &self,
        job_id: i64,
        worker: &str,
        result: &str,
    ) -> Result<bool, StoreError> {
        let now = self.now_ms_sql();
        let done = sqlx::query(&format!(
            "UPDATE crawl_jobs SET state = 'done', result = $1, error = NULL, lease_until = NULL,
                 updated_at = {now}
             WHERE id = $2 AND worker = $3 AND state = 'leased'"
        ))
        .bind(result)
        .bind(job_id)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives a job back after a failure: queued again, or failed after [`MAX_ATTEMPTS`].
    pub async fn release_job(
        &self,
        job_id: i64,
        worker: &str,
        error: &str,
    ) -> Result<bool, StoreError> {
        let now = self.now_ms_sql();
        let done = sqlx::query(&format!(
            "UPDATE crawl_jobs SET state = CASE WHEN attempts >= $1 THEN 'failed' ELSE 'queued' END,
                 error = $2, lease_until = NULL, updated_at = {now}
             WHERE id = $3 AND worker = $4 AND state = 'leased'"
        ))
        .bind(MAX_ATTEMPTS)
        .bind(error)
        .bind(job_id)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Every job of a run with its result, in queue order.
    pub async fn job_results(&self, run_id: i64) -> Result<Vec<JobResult>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, run_id, kind, unit, attempts, state, result, error FROM crawl_jobs
             WHERE run_id = $1 ORDER BY id",
        )
        .bind(run_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Jobs of a run by state.
    pub async fn job_counts(&self, run_id: i64) -> Result<JobCounts, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Count {
            #[sqlx(try_from = "String")]
            state: JobState,
            n: i64,
        }
        let rows: Vec<Count> = sqlx::query_as(
            "SELECT state, COUNT(*) AS n FROM crawl_jobs WHERE run_id = $1 GROUP BY state",
        )
        .bind(run_id)
        .fetch_all(&self.pool)
        .await?;
        let mut counts = JobCounts::default();
        for Count { state, n } in rows {
            match state {
                JobState::Queued => counts.queued = n,
                JobState::Leased => counts.leased = n,
                JobState::Done => counts.done = n,
                JobState::Failed => counts.failed = n,
            }
        }
        Ok(counts)
    }

    /// A running distributed run of `portal` with a job under a live lease, and that job's
    /// worker: workers are crawling the portal now.
    pub async fn active_distributed_run(
        &self,
        portal: &str,
    ) -> Result<Option<(i64, String)>, StoreError> {
        let now = self.now_ms_sql();
        let row = sqlx::query(&format!(
            "SELECT j.run_id, j.worker FROM crawl_jobs j JOIN runs r ON r.id = j.run_id
             WHERE r.portal = $1 AND r.status = 'running' AND j.state = 'leased'
               AND j.lease_until >= {now}
             ORDER BY j.id LIMIT 1"
        ))
        .bind(portal)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| -> Result<_, StoreError> {
            let worker: Option<String> = r.try_get(1)?;
            Ok((r.try_get(0)?, worker.unwrap_or_default()))
        })
        .transpose()
    }

    /// Jobs still to do (queued or leased) in the running runs of `portal`: a worker that finds
    /// none to take waits while this is above zero, and stops when it is zero.
    pub async fn open_jobs(&self, portal: &str) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) FROM crawl_jobs j JOIN runs r ON r.id = j.run_id
             WHERE r.portal = $1 AND r.status = 'running' AND j.state IN ('queued', 'leased')",
        )
        .bind(portal)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get(0)?)
    }
}

pub(super) fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}
