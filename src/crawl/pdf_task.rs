//! Running the PDF check (pure, in [`crate::pdf`]) for the crawler: on the blocking pool, inside
//! the caller's span, under a time limit, and only a few at a time in the whole process.

use std::sync::OnceLock;
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::pdf::{check_pdf_sync, PdfCheck, PdfLimits, PdfQuestion};

/// The most PDF checks that hold a document in memory at once, whatever the number of cores.
/// A check is CPU-bound and may hold its whole document (up to the limits of [`PdfLimits`],
/// some tens of MB), so checks beyond the cores only multiply the peak memory; four keeps a
/// large machine busy while a crawl's other units go on fetching.
pub const MAX_CHECKS_AT_ONCE: usize = 4;

/// The process-wide permits: one a core, at least one, at most [`MAX_CHECKS_AT_ONCE`].
fn permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Semaphore::new(cores.clamp(1, MAX_CHECKS_AT_ONCE))
    })
}

/// Checks one PDF on tokio's blocking pool, with panics caught and the time limit enforced
/// (a small grace period over `limits.time_limit`, since the loader itself is not interruptible).
/// Waits for a permit first (see `MAX_CHECKS_AT_ONCE`); the wait does not count against the
/// time limit, and the permit is held until the work ends, even past a timeout.
pub async fn check_pdf(bytes: bytes::Bytes, limits: PdfLimits) -> PdfCheck {
    let Ok(permit) = permits().acquire().await else {
        return PdfCheck::question(PdfQuestion::InternalError, 0);
    };
    let wait = limits.time_limit + Duration::from_secs(2);
    let task = crate::telemetry::spawn_blocking(move || {
        let _permit = permit;
        check_pdf_sync(&bytes, &limits)
    });
    match tokio::time::timeout(wait, task).await {
        Ok(Ok(check)) => check,
        Ok(Err(_)) => PdfCheck::question(PdfQuestion::InternalError, 0),
        Err(_) => PdfCheck::question(PdfQuestion::Timeout, 0),
    }
}
