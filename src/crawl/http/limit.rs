//! Politeness towards the portal's host: a request rate (governor) and a bound on requests in
//! flight (semaphore), shared by every clone of the fetcher and applied to every request,
//! retries and redirect hops included. The real portals sit behind a WAF that blocks hammering.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::FetchError;

/// Rate limit per host plus a concurrency bound.
#[derive(Debug)]
pub(crate) struct Politeness {
    limiter: DefaultKeyedRateLimiter<String>,
    slots: Arc<Semaphore>,
}

impl Politeness {
    /// `rate_per_sec` may be fractional (0.5 = one request every two seconds). The burst is 1:
    /// requests are spaced evenly, never bunched.
    pub(crate) fn new(rate_per_sec: f64, concurrency: usize) -> Result<Self, FetchError> {
        if !(rate_per_sec.is_finite() && rate_per_sec > 0.0) {
            return Err(FetchError::Client {
                message: format!("rate_per_sec 必须是大于 0 的数（当前为 {rate_per_sec}）"),
            });
        }
        if concurrency == 0 {
            return Err(FetchError::Client {
                message: "concurrency 必须至少为 1".into(),
            });
        }
        let period = Duration::from_secs_f64(1.0 / rate_per_sec);
        let quota = Quota::with_period(period)
            .ok_or_else(|| FetchError::Client {
                message: format!("rate_per_sec 过大（{rate_per_sec}）"),
            })?
            .allow_burst(NonZeroU32::MIN);
        Ok(Politeness {
            limiter: RateLimiter::keyed(quota),
            slots: Arc::new(Semaphore::new(concurrency)),
        })
    }

    /// Waits for a free slot, then for the host's next turn. The slot is taken first so that a
    /// turn is spent only by a request that can go out at once.
    pub(crate) async fn acquire(&self, host: &str) -> OwnedSemaphorePermit {
        let permit = Arc::clone(&self.slots)
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        self.limiter.until_key_ready(&host.to_string()).await;
        permit
    }
}
