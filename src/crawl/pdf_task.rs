//! Running the PDF check (pure, in [`crate::pdf`]) for the crawler: on the blocking pool, inside
//! the caller's span, under a time limit, and only a few at a time in the whole process.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
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

/// The PDF checks of one run, by the file's SHA-256: a file attached to several documents (a
/// form every township links, a notice re-posted by several departments) is read once, and
/// every document gets the same verdict, as the same bytes always give. A verdict that depends
/// on the machine rather than the file (a timeout, an internal error) is not kept: the next
/// document tries again.
#[derive(Debug, Default)]
pub struct PdfChecks {
    done: Mutex<HashMap<String, PdfCheck>>,
    /// Files read (for the tests: a file checked twice is read once).
    read: std::sync::atomic::AtomicU64,
}

impl PdfChecks {
    /// The check of `bytes`: the run's earlier one of the same file, else [`check_pdf`].
    pub async fn check(&self, bytes: bytes::Bytes, limits: PdfLimits) -> PdfCheck {
        let key = crate::util::sha256_hex(&bytes);
        if let Some(check) = self.lock().get(&key) {
            return check.clone();
        }
        self.read.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let check = check_pdf(bytes, limits).await;
        if keeps(&check) {
            self.lock().insert(key, check.clone());
        }
        check
    }

    /// The files actually read (not answered from an earlier check).
    #[cfg(test)]
    pub fn read(&self) -> u64 {
        self.read.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, PdfCheck>> {
        // The map holds finished checks only: one left by a panicking holder is still sound.
        self.done.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Whether a check says something about the file itself, so that the same bytes would get it
/// again.
fn keeps(check: &PdfCheck) -> bool {
    !matches!(
        check.reason,
        Some(PdfQuestion::Timeout | PdfQuestion::InternalError)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::Verdict;

    #[test]
    fn a_verdict_about_the_machine_is_not_kept() {
        assert!(!keeps(&PdfCheck::question(PdfQuestion::Timeout, 0)));
        assert!(!keeps(&PdfCheck::question(PdfQuestion::InternalError, 3)));
        assert!(keeps(&PdfCheck::question(PdfQuestion::ImageOnly, 2)));
        assert!(keeps(&PdfCheck::question(PdfQuestion::Encrypted, 0)));
        let mut marked = PdfCheck::question(PdfQuestion::ImageOnly, 1);
        marked.verdict = Verdict::Marked;
        marked.reason = None;
        assert!(keeps(&marked));
    }

    #[tokio::test]
    async fn the_same_file_is_read_once_and_gets_the_same_verdict() {
        let pdf = |name: &str| {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/pdfs")
                .join(name);
            bytes::Bytes::from(std::fs::read(&path).expect("fixture PDF"))
        };
        let checks = PdfChecks::default();
        let a = pdf("01_marked_last_fullwidth.pdf");
        let b = pdf("02_unmarked.pdf");
        let first = checks.check(a.clone(), PdfLimits::default()).await;
        let again = checks.check(a, PdfLimits::default()).await;
        let other = checks.check(b, PdfLimits::default()).await;
        assert_eq!(first, again);
        assert_eq!(first.verdict, Verdict::Marked, "{first:?}");
        assert_eq!(other.verdict, Verdict::Unmarked, "{other:?}");
        assert_eq!(
            checks.read(),
            2,
            "the second copy of a file is not read again"
        );
    }
}
