//! What the integration tests share: the fixture county on PostgreSQL and SQLite, the web UI
//! harness, the PDF kit, and where the shared test data lives.

pub mod crawl_common;
pub mod pdf_common;
pub mod pg_common;
pub mod web_common;

pub use pdf_common::shared_dir;
