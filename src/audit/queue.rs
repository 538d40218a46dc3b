//! Distributed runs: `enqueue` creates a run and its jobs (the board, one per unit, finalize);
//! workers take them (see `worker`). Each job leaves its result as JSON for the finalize job.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::config::PortalConfig;
use crate::crawl::CrawlError;
use crate::model::PageFailure;
use crate::snapshot::{MessageSnapshot, UnitSnapshot};
use crate::store::{Store, StoreError, CRAWL_LEASE_STALE};

/// What to enqueue.
#[derive(Debug, Clone)]
pub struct EnqueueOptions {
    pub config: PortalConfig,
    /// Path of the configuration file, recorded with the run.
    pub config_path: String,
    /// The day delays are counted to; travels with the run to every worker.
    pub as_of: NaiveDate,
}

/// Creates a run of the portal with one job per unit plus the board and the finalize job, and
/// returns the run's id. The portal's address (`portal.base_url`) is recorded with the run.
/// Refused while a local crawl of the portal runs (its workers would wait for it anyway).
pub async fn enqueue(store: &Store, opts: &EnqueueOptions) -> Result<i64, CrawlError> {
    let config = &opts.config;
    if let Some(lease) = store
        .crawl_lease(&config.portal.name, Some(CRAWL_LEASE_STALE))
        .await?
    {
        return Err(StoreError::CrawlRunning(Box::new(lease)).into());
    }
    let base = config.portal.base_url.clone();
    let run_id = store
        .create_run(
            &config.portal.name,
            &opts.config_path,
            base.as_str(),
            config.portal.year,
            &opts.as_of.format("%Y-%m-%d").to_string(),
        )
        .await?;
    store
        .record_run_description(run_id, &config.recorded())
        .await?;
    let units: Vec<String> = config.units.iter().map(|u| u.name.clone()).collect();
    store.enqueue_jobs(run_id, &units).await?;
    Ok(run_id)
}

/// Counters of one job's fetches.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub(super) struct JobStats {
    pub requests: u64,
    pub bytes: u64,
    pub retries: u64,
    pub unchanged: u64,
    pub replayed: u64,
    pub errors: u64,
}

/// What a unit job leaves.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct UnitResult {
    pub snapshot: UnitSnapshot,
    pub stats: JobStats,
}

/// What the board job leaves.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct BoardResult {
    pub messages: Vec<(Option<String>, MessageSnapshot)>,
    pub errors: Vec<(Option<String>, PageFailure)>,
    pub stats: JobStats,
}
