//! The integration tests, one binary (one link, shared support). Three stay binaries of their
//! own: the PDF fuzz and memory tests count the heap of their whole process, and `timing`
//! measures requests per second on the wire, which other tests' load would disturb.

mod support;

mod checks;
mod cli;
mod cli_user;
mod crawl;
mod documents;
mod export_warc;
mod families;
mod faults;
mod fixture_server;
mod grade_cli;
mod grade_rules;
mod http_fetch;
mod indicators;
mod indicators_truth;
mod layers;
mod links;
mod mail_smtp;
mod monitor_incremental;
mod monitor_schedule;
mod pdf_hostile;
mod pdf_kit;
mod pg_crawl;
mod probe;
mod real_pages;
mod report_html;
mod results;
mod rubric_errors;
mod rubric_notice;
mod selectors;
mod store_story;
mod web_accounts;
mod web_bulk;
mod web_e2e;
mod web_http;
mod web_review;
