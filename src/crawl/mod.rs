//! The crawler: walks each unit's columns, the message board and the sampled PDF attachments,
//! storing every fetch as evidence, and builds the snapshots the checks read.

mod board;
mod column;
pub mod http;
mod recorder;
mod run;
mod sample;
mod unit;

pub use recorder::{CrawlError, Recorder};
pub use run::{crawl, CrawlOptions, CrawlSummary, Progress, UnitSummary};
