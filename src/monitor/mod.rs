//! Daily monitoring: what changed between two runs ([`changes`]) and a cron-style scheduler that
//! runs the crawl one run at a time ([`schedule`]).

pub mod changes;
pub mod schedule;

pub use changes::{diff, previous_finished_run, Changes, PageChange, PointsChange};
pub use schedule::{
    run_scheduler, run_scheduler_with, CrawlJob, ScheduleError, SchedulerStats, DEFAULT_CRON,
};
