//! gongkai: audits county government portals for 政务公开 (information disclosure) compliance.
//!
//! Data flows one way: crawl → extract → checks → findings → review → score → report;
//! `audit` composes the first four.

pub mod audit;
pub mod checks;
pub mod config;
pub mod crawl;
pub mod export;
pub mod extract;
#[cfg(feature = "testing")]
pub mod fixture;
pub mod home_probe;
pub mod indicators;
pub mod links;
pub mod mail;
pub mod model;
pub use model::labels;
pub mod monitor;
pub mod pdf;
pub mod probe;
pub mod render;
pub mod report;
pub mod results;
pub mod review;
pub mod rubric;
pub mod score;
pub mod snapshot;
pub mod store;
pub mod telemetry;
pub mod util;
pub mod web;
