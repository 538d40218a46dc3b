//! Running the PDF check (pure, in [`crate::pdf`]) for the crawler: on the blocking pool, inside
//! the caller's span, under a time limit.

use std::time::Duration;

use crate::pdf::{check_pdf_sync, PdfCheck, PdfLimits, PdfQuestion};

/// Checks one PDF on tokio's blocking pool, with panics caught and the time limit enforced
/// (a small grace period over `limits.time_limit`, since the loader itself is not interruptible).
pub async fn check_pdf(bytes: bytes::Bytes, limits: PdfLimits) -> PdfCheck {
    let wait = limits.time_limit + Duration::from_secs(2);
    let task = crate::telemetry::spawn_blocking(move || check_pdf_sync(&bytes, &limits));
    match tokio::time::timeout(wait, task).await {
        Ok(Ok(check)) => check,
        Ok(Err(_)) => PdfCheck::question(PdfQuestion::InternalError, 0),
        Err(_) => PdfCheck::question(PdfQuestion::Timeout, 0),
    }
}
