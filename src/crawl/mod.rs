//! The crawler: walks each unit's columns, the message board and the sampled PDF attachments,
//! storing every fetch as evidence, and builds the snapshots the checks read. One process alone
//! (`crawl`), or several workers sharing a queue in the database (`enqueue`, `work`).

mod board;
mod column;
mod finalize;
pub mod global_limit;
pub mod http;
mod queue;
mod recorder;
mod run;
mod sample;
mod unit;
mod worker;

pub use queue::{enqueue, EnqueueOptions};
pub use recorder::{CrawlError, Recorder};
pub use run::{crawl, CrawlOptions, CrawlSummary, Progress, UnitSummary};
pub use worker::{work, WorkerEvent, WorkerOptions, WorkerReport};
