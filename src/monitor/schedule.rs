//! The daily crawl on a cron schedule (default 02:00 every day), one run at a time: a trigger
//! that fires while a run is still going is skipped and logged. A run cut short (shutdown, crash)
//! stays resumable, and the next trigger finishes it (`resume`).

use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;

use chrono::Local;
use cron::Schedule;

use crate::audit::{crawl, CrawlOptions};
use crate::config::PortalConfig;
use crate::rubric::Rubric;
use crate::store::Store;

/// 02:00 every day (seconds, minutes, hours, day of month, month, day of week).
pub const DEFAULT_CRON: &str = "0 0 2 * * *";

/// A schedule that could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleError {
    #[error("定时表达式 “{expr}” 无效：{message}")]
    Cron { expr: String, message: String },
    #[error("定时表达式 “{0}” 以后不会再触发")]
    NoUpcoming(String),
}

/// What the scheduler crawls: a portal description and where it was read from, and the rubric
/// its checks draft by.
#[derive(Debug, Clone)]
pub struct CrawlJob {
    pub config: PortalConfig,
    pub config_path: String,
    pub rubric: Rubric,
}

/// What a scheduler did before it stopped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SchedulerStats {
    /// Triggers that started a job.
    pub started: u64,
    /// Triggers skipped because the previous job was still running.
    pub skipped: u64,
}

/// Parses a cron expression (6 or 7 fields, seconds first).
pub fn parse(expr: &str) -> Result<Schedule, ScheduleError> {
    Schedule::from_str(expr).map_err(|e| ScheduleError::Cron {
        expr: expr.to_string(),
        message: e.to_string(),
    })
}

/// Crawls `job` whenever `cron_expr` fires (local time) until `shutdown` completes. The crawl's
/// as-of date is the day it starts. An unfinished run is resumed by the next trigger.
pub async fn run_scheduler(
    store: Store,
    job: CrawlJob,
    cron_expr: &str,
    shutdown: impl Future<Output = ()>,
) -> Result<SchedulerStats, ScheduleError> {
    let job = Arc::new(job);
    run_scheduler_with(
        cron_expr,
        move || {
            let store = store.clone();
            let job = Arc::clone(&job);
            async move {
                let opts = CrawlOptions {
                    config: job.config.clone(),
                    config_path: job.config_path.clone(),
                    rubric: job.rubric.clone(),
                    as_of: Local::now().date_naive(),
                    resume: true,
                    check_links: true,
                };
                match crawl(&store, opts, &|_| {}).await {
                    Ok(s) => tracing::info!(
                        run_id = s.run_id,
                        status = s.status.as_str(),
                        requests = s.requests,
                        bytes = s.bytes,
                        unchanged = s.unchanged,
                        "定时抓取完成"
                    ),
                    Err(e) => tracing::error!(error = %e, "定时抓取失败（下次触发时继续）"),
                }
            }
        },
        shutdown,
    )
    .await
}

/// The scheduling loop with any job: runs `job()` at each trigger unless the previous one is
/// still running. On shutdown a running job is dropped (a crawl stays resumable).
pub async fn run_scheduler_with<F, Fut>(
    cron_expr: &str,
    mut job: F,
    shutdown: impl Future<Output = ()>,
) -> Result<SchedulerStats, ScheduleError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    let schedule = parse(cron_expr)?;
    let mut stats = SchedulerStats::default();
    let mut running: Option<Pin<Box<Fut>>> = None;
    tokio::pin!(shutdown);
    loop {
        let next = schedule
            .upcoming(Local)
            .next()
            .ok_or_else(|| ScheduleError::NoUpcoming(cron_expr.to_string()))?;
        let wait = (next - Local::now()).to_std().unwrap_or_default();
        let finished = tokio::select! {
            _ = &mut shutdown => break,
            _ = poll_running(&mut running) => true,
            _ = tokio::time::sleep(wait) => false,
        };
        if finished {
            running = None;
            continue;
        }
        if running.is_some() {
            stats.skipped += 1;
            tracing::warn!(at = %next, "上一次定时任务仍在运行，跳过本次触发");
        } else {
            stats.started += 1;
            tracing::info!(at = %next, "定时任务开始");
            running = Some(Box::pin(job()));
        }
        // The schedule has a one-second resolution: do not fire twice for the same second.
        let until = next + chrono::Duration::milliseconds(1);
        let rest = (until - Local::now()).to_std().unwrap_or_default();
        tokio::time::sleep(rest).await;
    }
    if running.is_some() {
        tracing::warn!("定时任务在停止时仍在运行，已中止（下次触发时继续）");
    }
    Ok(stats)
}

/// Completes when the running job does; never when there is none.
async fn poll_running<Fut: Future<Output = ()>>(running: &mut Option<Pin<Box<Fut>>>) {
    match running {
        Some(f) => f.as_mut().await,
        None => std::future::pending().await,
    }
}
