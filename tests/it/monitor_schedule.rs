//! The scheduler runs one job at a time: a trigger while a job runs is skipped.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use gongkai::monitor::schedule::{parse, run_scheduler_with, DEFAULT_CRON};

#[tokio::test]
async fn overlapping_trigger_is_skipped() {
    let done = Arc::new(AtomicU32::new(0));
    let d = Arc::clone(&done);
    let stats = run_scheduler_with(
        "* * * * * *",
        move || {
            let d = Arc::clone(&d);
            async move {
                tokio::time::sleep(Duration::from_millis(2300)).await;
                d.fetch_add(1, Ordering::SeqCst);
            }
        },
        tokio::time::sleep(Duration::from_millis(4600)),
    )
    .await
    .unwrap();
    assert!(stats.started >= 1, "{stats:?}");
    assert!(stats.skipped >= 2, "{stats:?}");
    assert!(stats.started <= 2, "{stats:?}");
    assert!(done.load(Ordering::SeqCst) >= 1);
}

#[test]
fn default_and_bad_expressions() {
    assert!(parse(DEFAULT_CRON).is_ok());
    let err = parse("every night").unwrap_err().to_string();
    assert!(err.contains("every night"), "{err}");
}
