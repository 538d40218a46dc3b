//! One audit of a portal: crawl → store → checks → findings. The single-process run
//! ([`crawl`]), the distributed jobs ([`enqueue`], [`work`]) and the scheduler all go through
//! here, so the checks run the same way whoever crawled.

mod check;
mod finalize;
mod lease;
mod queue;
mod run;
mod worker;

pub use crate::crawl::CrawlError;
pub use check::UnitSummary;
pub use queue::{enqueue, EnqueueOptions};
pub use run::{crawl, CrawlOptions, CrawlSummary, Progress};
pub use worker::{work, WorkerEvent, WorkerOptions, WorkerReport};
