//! The tests that measure time on the wire (the portal's rate, per second, over whole runs).
//! They run in a binary of their own, after the main suite, so that no other test's load
//! bunches their requests and turns a polite crawl into a false alarm.

#[allow(dead_code, unused_imports)]
#[path = "../it/support/mod.rs"]
mod support;

mod rate;
mod workers;
mod workers_cli;
