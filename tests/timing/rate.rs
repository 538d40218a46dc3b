//! The crawler alone keeps the portal's rate.

use std::time::Duration;

use crate::support::crawl_common::{run, setup};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_portal_never_sees_more_than_the_configured_rate() {
    let (server, mut config, store, _dir) = setup().await;
    config.crawl.rate_per_sec = 20.0;
    config.crawl.concurrency = 4;
    config
        .units
        .retain(|u| ["田园镇", "工信局"].contains(&u.name.as_str()));
    run(&store, &config, false).await;
    let times: Vec<_> = server.requests().iter().map(|r| r.at).collect();
    assert!(times.len() > 40);
    // In any window of one second, at most rate + burst (1) requests.
    for (i, t) in times.iter().enumerate() {
        let in_window = times[i..]
            .iter()
            .take_while(|u| u.duration_since(*t) < Duration::from_secs(1))
            .count();
        assert!(in_window <= 21, "{in_window} requests within 1 s");
    }
}
