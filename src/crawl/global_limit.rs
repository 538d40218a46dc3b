//! The rate limit that several workers keep together: every request takes the portal host's
//! next turn from the database (`host_turns`) and sleeps until it. The portal then sees at most
//! its configured rate whatever the number of workers, on one machine or many.

use std::time::Duration;

use futures::future::BoxFuture;
use url::Url;

use super::http::HostTurns;
use crate::store::Store;

/// Turns from the store for one portal.
#[derive(Debug, Clone)]
pub struct StoreTurns {
    store: Store,
    /// `host:port` of the portal: the key of its turns.
    key: String,
    period: Duration,
}

impl StoreTurns {
    /// Turns `1 / rate_per_sec` apart for the host of `portal`.
    pub fn new(store: Store, portal: &Url, rate_per_sec: f64) -> Self {
        let key = format!(
            "{}:{}",
            portal.host_str().unwrap_or_default(),
            portal.port_or_known_default().unwrap_or(0)
        );
        StoreTurns {
            store,
            key,
            period: Duration::from_secs_f64(1.0 / rate_per_sec),
        }
    }
}

impl HostTurns for StoreTurns {
    fn wait_turn<'a>(&'a self, _host: &'a str) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            let wait = self
                .store
                .take_turn(&self.key, self.period)
                .await
                .map_err(|e| format!("无法从数据库取得请求时段：{e}"))?;
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            Ok(())
        })
    }
}
