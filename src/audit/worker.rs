//! A crawler worker: takes jobs of its portal from the queue in the database under a lease,
//! renews the lease while it works, and leaves each job's result for the finalize job. A worker
//! that dies stops renewing; its lease expires and another worker takes the job again, replaying
//! the pages already stored instead of fetching them again.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use url::Url;

use super::finalize::finalize;
use super::queue::{BoardResult, JobStats, UnitResult};
use crate::config::PortalConfig;
use crate::crawl::global_limit::StoreTurns;
use crate::crawl::http::Fetcher;
use crate::crawl::{crawl_board, crawl_unit, CrawlError, Recorder};
use crate::rubric::Rubric;
use crate::store::{Job, JobKind, Run, Store};

/// How a worker works.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// The portal's configuration: the worker takes only jobs of runs of this portal.
    pub config: PortalConfig,
    /// The rubric the finalize job's checks draft by (item numbers, amounts, caps).
    pub rubric: Rubric,
    /// Unique among the workers on the database (e.g. host and process id).
    pub name: String,
    /// A job not renewed for this long is taken again by another worker.
    pub lease: Duration,
    /// Pause between looks at the queue when there is nothing to take.
    pub poll: Duration,
    /// Jobs worked on at once by this process.
    pub jobs: usize,
    /// Overrides the portal address recorded with the run.
    pub base_url: Option<String>,
    /// Stop once the portal has no open job left (else keep waiting for new runs).
    pub until_idle: bool,
    /// The finalize job checks the links of the home and column pages (链接可用性).
    pub check_links: bool,
}

impl WorkerOptions {
    /// Defaults: the bundled 2020 rubric, 30 s leases, a look every 500 ms, one job at a time,
    /// stop when idle, links checked.
    pub fn new(config: PortalConfig, name: impl Into<String>) -> Self {
        WorkerOptions {
            config,
            rubric: Rubric::bundled_2020(),
            name: name.into(),
            lease: Duration::from_secs(30),
            poll: Duration::from_millis(500),
            jobs: 1,
            base_url: None,
            until_idle: true,
            check_links: true,
        }
    }
}

/// Something a worker did, for a terminal display.
#[derive(Debug, Clone)]
pub enum WorkerEvent {
    JobDone {
        run_id: i64,
        kind: JobKind,
        unit: Option<String>,
    },
    /// The job failed; it is queued again (or given up after too many attempts).
    JobFailed {
        run_id: i64,
        kind: JobKind,
        unit: Option<String>,
        error: String,
    },
    /// Another worker took the job over (this one was too slow to renew its lease).
    LeaseLost { run_id: i64, job_id: i64 },
    /// The run's checks ran and its findings are stored.
    RunFinished { run_id: i64 },
}

/// What a worker did before it stopped.
#[derive(Debug, Clone, Default)]
pub struct WorkerReport {
    pub jobs_done: usize,
    pub jobs_failed: usize,
    pub runs_finished: Vec<i64>,
}

/// Works until the portal has no open job left (or forever without `until_idle`).
pub async fn work(
    store: &Store,
    opts: &WorkerOptions,
    events: &(dyn Fn(WorkerEvent) + Send + Sync),
) -> Result<WorkerReport, CrawlError> {
    let lanes = (0..opts.jobs.max(1)).map(|i| {
        let name = match opts.jobs {
            0 | 1 => opts.name.clone(),
            _ => format!("{}#{i}", opts.name),
        };
        lane(store, opts, name, events)
    });
    let mut report = WorkerReport::default();
    for r in futures::future::join_all(lanes).await {
        let r = r?;
        report.jobs_done += r.jobs_done;
        report.jobs_failed += r.jobs_failed;
        report.runs_finished.extend(r.runs_finished);
    }
    Ok(report)
}

/// One job at a time under the name `name`.
async fn lane(
    store: &Store,
    opts: &WorkerOptions,
    name: String,
    events: &(dyn Fn(WorkerEvent) + Send + Sync),
) -> Result<WorkerReport, CrawlError> {
    let portal = opts.config.portal.name.as_str();
    let mut report = WorkerReport::default();
    loop {
        let Some(job) = store.claim_job(portal, &name, opts.lease).await? else {
            if opts.until_idle && store.open_jobs(portal).await? == 0 {
                return Ok(report);
            }
            tokio::time::sleep(opts.poll).await;
            continue;
        };
        tracing::debug!(worker = %name, job = job.id, kind = job.kind.as_str(), "job taken");
        let outcome = tokio::select! {
            r = run_job(store, opts, &job) => Some(r),
            () = hold_lease(store, &job, &name, opts.lease) => None,
        };
        let (run_id, kind, unit) = (job.run_id, job.kind, job.unit.clone());
        match outcome {
            None => events(WorkerEvent::LeaseLost {
                run_id,
                job_id: job.id,
            }),
            Some(Ok(result)) => {
                if store.complete_job(job.id, &name, &result).await? {
                    report.jobs_done += 1;
                    if kind == JobKind::Finalize {
                        report.runs_finished.push(run_id);
                        events(WorkerEvent::RunFinished { run_id });
                    }
                    events(WorkerEvent::JobDone { run_id, kind, unit });
                } else {
                    events(WorkerEvent::LeaseLost {
                        run_id,
                        job_id: job.id,
                    });
                }
            }
            Some(Err(e)) => {
                let error = e.to_string();
                tracing::warn!(worker = %name, job = job.id, %error, "job failed");
                store.release_job(job.id, &name, &error).await?;
                report.jobs_failed += 1;
                events(WorkerEvent::JobFailed {
                    run_id,
                    kind,
                    unit,
                    error,
                });
            }
        }
    }
}

/// Renews the lease every third of its length; returns when the job is no longer ours.
async fn hold_lease(store: &Store, job: &Job, worker: &str, lease: Duration) {
    loop {
        tokio::time::sleep(lease / 3).await;
        match store.renew_lease(job.id, worker, lease).await {
            Ok(true) => {}
            Ok(false) => return,
            // A short outage of the database: try again at the next beat; the lease still runs.
            Err(e) => tracing::warn!(job = job.id, error = %e, "lease not renewed"),
        }
    }
}

/// Does one job and returns the JSON it leaves.
async fn run_job(store: &Store, opts: &WorkerOptions, job: &Job) -> Result<String, CrawlError> {
    let run = store.run(job.run_id).await?;
    let config = &opts.config;
    let as_of = NaiveDate::parse_from_str(&run.as_of, "%Y-%m-%d").map_err(|e| {
        CrawlError::Config(format!("运行 {} 的截止日期 {}：{e}", run.id, run.as_of))
    })?;
    let base = base_url(opts, &run)?;
    let turns = StoreTurns::new(store.clone(), &base, config.crawl.rate_per_sec);
    let fetcher = Fetcher::with_turns(&config.crawl, &base, Arc::new(turns))?;
    if job.kind == JobKind::Finalize {
        // The link check reads what the unit jobs stored (the home page too, when one did).
        let rec = Recorder::new(fetcher, store.clone(), run.id, true);
        let links = opts.check_links.then_some((&rec, &base));
        finalize(store, config, &opts.rubric, &run, as_of, links).await?;
        return Ok("{}".into());
    }
    // A job taken again replays what its earlier attempt stored.
    let rec = Recorder::new(fetcher, store.clone(), run.id, job.attempts > 1);
    let json = match job.kind {
        JobKind::Board => {
            let board = crawl_board(&rec, config, &base, as_of).await?;
            serde_json::to_string(&BoardResult {
                messages: board.messages,
                errors: board.errors,
                stats: stats_of(&rec),
            })
        }
        _ => {
            let name = job.unit.as_deref().unwrap_or_default();
            let unit = config
                .units
                .iter()
                .find(|u| u.name == name)
                .ok_or_else(|| {
                    CrawlError::Config(format!("配置文件中没有单位“{name}”（运行 {}）", run.id))
                })?;
            let snapshot =
                crawl_unit(&rec, config, &base, unit, &opts.rubric.text_columns()).await?;
            serde_json::to_string(&UnitResult {
                snapshot,
                stats: stats_of(&rec),
            })
        }
    };
    Ok(json.map_err(crate::store::StoreError::from)?)
}

fn base_url(opts: &WorkerOptions, run: &Run) -> Result<Url, CrawlError> {
    let text = opts.base_url.as_deref().unwrap_or(&run.base_url);
    Url::parse(text).map_err(|e| CrawlError::Config(format!("门户地址 {text}：{e}")))
}

fn stats_of(rec: &Recorder) -> JobStats {
    let f = rec.fetcher().stats();
    JobStats {
        requests: f.requests,
        bytes: f.bytes,
        retries: f.retries,
        unchanged: rec.unchanged(),
        replayed: rec.replayed(),
        errors: rec.errors(),
    }
}
