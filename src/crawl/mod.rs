//! The crawler: walks each unit's columns, the message board and the sampled PDF attachments,
//! storing every fetch as evidence, and returns what it saw as snapshots. It never runs checks
//! nor writes findings: [`crate::audit`] composes crawl → checks → findings.

mod board;
mod column;
pub mod global_limit;
pub mod http;
mod jpage;
mod pdf_task;
mod read;
pub use read::read_html_sync;
mod recorder;
mod sample;
mod unit;

pub use board::{crawl_board, Board};
pub use pdf_task::check_pdf;
pub use recorder::{CrawlError, Got, Recorder};
pub use unit::crawl_unit;
