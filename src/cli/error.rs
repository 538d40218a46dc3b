//! The one place where an error becomes an exit code: 2 for what the user can fix (a bad
//! description, rubric, flag or name, or a crawl of a portal another crawl is running), 3 for
//! everything else (database, network, I/O).

use gongkai::config::ConfigError;
use gongkai::crawl::CrawlError;
use gongkai::mail::MailError;
use gongkai::rubric::RubricError;
use gongkai::store::StoreError;

/// A request the user can correct: a name that does not exist, flags that contradict.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Usage(pub String);

/// Shorthand for returning a [`Usage`] error.
pub fn usage<T>(message: impl Into<String>) -> anyhow::Result<T> {
    Err(Usage(message.into()).into())
}

/// The documented exit code of a failed command.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    let user_can_fix = err.chain().any(|cause| {
        cause.is::<Usage>()
            || cause.is::<ConfigError>()
            || cause.is::<RubricError>()
            || matches!(
                cause.downcast_ref::<MailError>(),
                Some(
                    MailError::Config { .. } | MailError::MissingConfig | MailError::Address { .. }
                )
            )
            || matches!(
                cause.downcast_ref::<CrawlError>(),
                Some(
                    CrawlError::Config(_)
                        | CrawlError::Store(
                            StoreError::CrawlRunning(_) | StoreError::WorkersRunning { .. }
                        )
                )
            )
            || matches!(
                cause.downcast_ref::<StoreError>(),
                Some(StoreError::CrawlRunning(_) | StoreError::WorkersRunning { .. })
            )
    });
    if user_can_fix {
        2
    } else {
        3
    }
}
