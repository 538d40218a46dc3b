//! gongkai: audits county government portals for 政务公开 (information disclosure) compliance.
//!
//! Data flows one way: crawl → extract → checks → findings → review → score → report.

pub mod config;
pub mod fixture;
pub mod model;
pub mod pdf;
