//! A whole run in one process: the message board and every unit, then the checks, then the
//! findings stored, then the links of the home and column pages checked.
//! A run killed halfway keeps what it stored; `resume` replays it and finishes. One crawl per
//! portal and database at a time: the run holds the portal's lease while it crawls.

use std::sync::Arc;

use chrono::NaiveDate;
use futures::stream::{self, StreamExt};
use serde::Serialize;
use url::Url;

use super::check::{check_and_store, UnitSummary};
use super::lease::{Held, RunCounts};
use crate::config::PortalConfig;
use crate::crawl::http::Fetcher;
use crate::crawl::{crawl_board, crawl_unit, CrawlError, Recorder};
use crate::links::LinkSummary;
use crate::rubric::Rubric;
use crate::store::{RunStats, RunStatus, Store, StoreError};

/// What to crawl and how.
#[derive(Debug, Clone)]
pub struct CrawlOptions {
    pub config: PortalConfig,
    /// Path of the configuration file, recorded with the run.
    pub config_path: String,
    /// The rubric the checks draft by (item numbers, amounts, caps).
    pub rubric: Rubric,
    /// The day delays are counted to.
    pub as_of: NaiveDate,
    /// Finish the newest unfinished run of this portal instead of starting a new one.
    pub resume: bool,
    /// Check the links of the home and column pages at the end of the run (链接可用性).
    pub check_links: bool,
}

impl CrawlOptions {
    /// A new run (not resumed) checked by the bundled 2020 rubric, its links checked.
    pub fn new(config: PortalConfig, config_path: impl Into<String>, as_of: NaiveDate) -> Self {
        CrawlOptions {
            config,
            config_path: config_path.into(),
            rubric: Rubric::bundled_2020(),
            as_of,
            resume: false,
            check_links: true,
        }
    }
}

/// Progress events for a terminal display.
#[derive(Debug, Clone)]
pub enum Progress {
    Started {
        run_id: i64,
        units: usize,
        resumed: bool,
    },
    BoardDone {
        messages: usize,
    },
    UnitDone {
        unit: String,
    },
    /// The units are done; the links of the home and column pages are being checked.
    CheckingLinks,
}

/// The outcome of a run.
#[derive(Debug, Clone, Serialize)]
pub struct CrawlSummary {
    pub run_id: i64,
    pub status: RunStatus,
    /// Requests of the whole run: a resumed run counts those of the processes before too.
    pub requests: u64,
    /// Requests this process made (differs from `requests` after `--resume`).
    pub requests_this_process: u64,
    /// Body bytes of the whole run, like `requests`.
    pub bytes: u64,
    pub retries: u64,
    pub unchanged: u64,
    pub replayed: u64,
    pub errors: u64,
    /// Message-board pages or messages that could not be read (replies may be incomplete).
    pub board_errors: Vec<String>,
    pub units: Vec<UnitSummary>,
    /// The run's link check (链接可用性); `None` when it was not asked for.
    pub links: Option<LinkSummary>,
}

/// Crawls the portal, runs the checks and stores the findings. Refused while another crawl
/// of the portal runs on the same database ([`StoreError::CrawlRunning`](crate::store::StoreError)).
pub async fn crawl(
    store: &Store,
    opts: CrawlOptions,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<CrawlSummary, CrawlError> {
    let config = &opts.config;
    let base = config.portal.base_url.clone();
    let fetcher = Fetcher::new(&config.crawl, &base)?;
    // Before a run is created or reopened: a refused crawl leaves no trace.
    let mut lease = Held::take(store, &config.portal.name).await?;
    if let Some(run) = store.active_distributed_run(&config.portal.name).await? {
        lease.release().await?;
        return Err(StoreError::WorkersRunning {
            portal: config.portal.name.clone(),
            run_id: run.0,
            worker: run.1,
        }
        .into());
    }
    let as_of_text = opts.as_of.format("%Y-%m-%d").to_string();
    let (run_id, resumed) = match opts.resume {
        true => match store.unfinished_run(&config.portal.name).await? {
            Some(run) => {
                store.reopen_run(run.id).await?;
                (run.id, true)
            }
            None => (new_run(store, &opts, &base, &as_of_text).await?, false),
        },
        false => (new_run(store, &opts, &base, &as_of_text).await?, false),
    };
    let counts = Arc::new(RunCounts::new(store.clone(), run_id, fetcher.clone()));
    lease.hold(run_id, Arc::clone(&counts)).await?;
    progress(Progress::Started {
        run_id,
        units: config.units.len(),
        resumed,
    });
    let rec = Recorder::new(fetcher, store.clone(), run_id, resumed);
    let work = async {
        let crawled = crawl_all(&rec, config, &opts.rubric, &base, opts.as_of, progress).await?;
        let links = match opts.check_links {
            true => {
                progress(Progress::CheckingLinks);
                Some(crate::links::check_run(&rec, config, &base).await?)
            }
            false => None,
        };
        Ok::<_, CrawlError>((crawled, links))
    };
    let result = tokio::select! {
        r = work => Some(r),
        () = lease.lost() => None,
    };
    lease.stop().await;
    let (requests, bytes) = counts.rest().await;
    let stats = RunStats {
        requests,
        bytes,
        errors: rec.errors() as i64,
    };
    let ((units, board_errors), links) = match result {
        Some(Ok(r)) => r,
        Some(Err(e)) => {
            // Leave the run resumable; its pages stay stored.
            let _ = store.finish_run(run_id, RunStatus::Running, stats).await;
            let _ = lease.release().await;
            return Err(e);
        }
        None => {
            // Another crawl has the run now: only this process's counts are added.
            let _ = store.add_run_counts(run_id, requests, bytes).await;
            return Err(StoreError::CrawlLeaseLost(config.portal.name.clone()).into());
        }
    };
    let status = if rec.errors() == 0 {
        RunStatus::Complete
    } else {
        RunStatus::Partial
    };
    store.finish_run(run_id, status, stats).await?;
    lease.release().await?;
    let total = store.run(run_id).await?.stats;
    let fstats = rec.fetcher().stats();
    Ok(CrawlSummary {
        run_id,
        status,
        requests: u64::try_from(total.requests).unwrap_or_default(),
        requests_this_process: fstats.requests,
        bytes: u64::try_from(total.bytes).unwrap_or_default(),
        retries: fstats.retries,
        unchanged: rec.unchanged(),
        replayed: rec.replayed(),
        errors: rec.errors(),
        board_errors,
        units,
        links,
    })
}

async fn new_run(
    store: &Store,
    opts: &CrawlOptions,
    base: &Url,
    as_of: &str,
) -> Result<i64, CrawlError> {
    let run_id = store
        .create_run(
            &opts.config.portal.name,
            &opts.config_path,
            base.as_str(),
            opts.config.portal.year,
            as_of,
        )
        .await?;
    store
        .record_run_description(run_id, &opts.config.recorded())
        .await?;
    Ok(run_id)
}

async fn crawl_all(
    rec: &Recorder,
    config: &PortalConfig,
    rubric: &Rubric,
    base: &Url,
    as_of: NaiveDate,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<(Vec<UnitSummary>, Vec<String>), CrawlError> {
    let board = crawl_board(rec, config, base, as_of).await?;
    for (unit, e) in &board.errors {
        tracing::warn!(error = %e, unit = ?unit, "message board incomplete");
    }
    progress(Progress::BoardDone {
        messages: board.messages.len(),
    });
    let parallel = config.crawl.concurrency.max(1) * 2;
    let text_columns = &rubric.text_columns();
    // Indices, not references, keep the future `Send` for spawned runs (a closure over `&T`
    // trips the compiler's higher-ranked lifetime check).
    let snapshots: Vec<_> = stream::iter(0..config.units.len())
        .map(|i| async move {
            let unit = &config.units[i];
            let snap = crawl_unit(rec, config, base, unit, text_columns).await;
            progress(Progress::UnitDone {
                unit: unit.name.clone(),
            });
            snap
        })
        .buffered(parallel)
        .collect()
        .await;
    let snapshots = snapshots.into_iter().collect::<Result<Vec<_>, _>>()?;
    let summaries = check_and_store(
        rec.store(),
        rec.run_id(),
        config,
        rubric,
        as_of,
        snapshots,
        &board.messages,
        &board.errors,
    )
    .await?;
    Ok((
        summaries,
        board
            .errors
            .into_iter()
            .map(|(_, e)| e.to_string())
            .collect(),
    ))
}
