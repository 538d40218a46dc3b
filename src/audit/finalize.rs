//! The last job of a distributed run: reads what the board and unit jobs left, runs the checks
//! as a single-process crawl would, stores the findings, checks the links and closes the run.

use chrono::NaiveDate;
use url::Url;

use super::check::{check_and_store, UnitSummary};
use super::queue::{BoardResult, JobStats, UnitResult};
use crate::config::PortalConfig;
use crate::crawl::{CrawlError, Recorder};
use crate::model::PageFailure;
use crate::rubric::Rubric;
use crate::store::{JobKind, JobState, Run, RunStats, RunStatus, Store, StoreError};

/// Runs the checks of `run`, checks its links with `links` (the recorder and the portal's
/// address) when given, and closes it: complete, partial (pages could not be fetched) or
/// failed (a job was given up).
pub(super) async fn finalize(
    store: &Store,
    config: &PortalConfig,
    rubric: &Rubric,
    run: &Run,
    as_of: NaiveDate,
    links: Option<(&Recorder, &Url)>,
) -> Result<Vec<UnitSummary>, CrawlError> {
    let mut snapshots = Vec::new();
    let mut board = None;
    let mut given_up = Vec::new();
    let mut total = JobStats::default();
    for r in store.job_results(run.id).await? {
        if r.job.kind == JobKind::Finalize {
            continue;
        }
        let Some(json) = r.result.filter(|_| r.state == JobState::Done) else {
            given_up.push(format!(
                "{}：{}",
                r.job.unit.as_deref().unwrap_or("留言板"),
                r.error.unwrap_or_default()
            ));
            continue;
        };
        let stats = match r.job.kind {
            JobKind::Board => {
                let b: BoardResult = serde_json::from_str(&json).map_err(StoreError::from)?;
                let stats = b.stats;
                board = Some(b);
                stats
            }
            _ => {
                let u: UnitResult = serde_json::from_str(&json).map_err(StoreError::from)?;
                snapshots.push(u.snapshot);
                u.stats
            }
        };
        add(&mut total, stats);
    }
    let messages = board.as_ref().map_or(&[][..], |b| &b.messages[..]);
    let no_board = [(None, PageFailure::BoardNotRead)];
    let problems = board.as_ref().map_or(&no_board[..], |b| &b.errors[..]);
    for (unit, e) in problems {
        tracing::warn!(error = %e, unit = ?unit, "message board incomplete");
    }
    let summaries = check_and_store(
        store, run.id, config, rubric, as_of, snapshots, messages, problems,
    )
    .await?;
    if let Some((rec, base)) = links {
        crate::links::check_run(rec, config, base).await?;
        // The check's requests to the portal are the run's too.
        let f = rec.fetcher().stats();
        total.requests += f.requests;
        total.bytes += f.bytes;
    }
    let status = if !given_up.is_empty() {
        for g in &given_up {
            tracing::warn!(run = run.id, job = %g, "job given up");
        }
        RunStatus::Failed
    } else if total.errors == 0 {
        RunStatus::Complete
    } else {
        RunStatus::Partial
    };
    store
        .finish_run(
            run.id,
            status,
            RunStats {
                requests: total.requests as i64,
                bytes: total.bytes as i64,
                errors: total.errors as i64,
            },
        )
        .await?;
    Ok(summaries)
}

fn add(total: &mut JobStats, s: JobStats) {
    total.requests += s.requests;
    total.bytes += s.bytes;
    total.retries += s.retries;
    total.unchanged += s.unchanged;
    total.replayed += s.replayed;
    total.errors += s.errors;
}
