//! When and how long to wait before trying again: exponential backoff with a little jitter, and
//! the server's own `Retry-After` when it gives one (lychee's retry rules are the model).

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The longest `Retry-After` we wait for. A server asking for more is told "later" by giving up
/// on this URL rather than retrying before it wants us back.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// Upper bound of a computed backoff, whatever the attempt number.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Backoff before retry number `retry` (1-based): `backoff_ms × 2^(retry-1)` plus up to a quarter
/// of it as jitter, so that parallel tasks do not come back in lockstep.
pub(crate) fn backoff(backoff_ms: u64, retry: u32) -> Duration {
    let base = backoff_ms.saturating_mul(1u64 << retry.saturating_sub(1).min(20));
    let jitter = if base >= 4 { random() % (base / 4) } else { 0 };
    Duration::from_millis(base.saturating_add(jitter)).min(MAX_BACKOFF)
}

/// The delay a `Retry-After` header asks for: delta-seconds or an HTTP date. `None` when absent
/// or unreadable.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let delta = when.signed_duration_since(chrono::Utc::now());
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

/// A cheap random number for jitter; std's hasher keys are randomly seeded per instance.
fn random() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos().into()),
    );
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn backoff_doubles_with_bounded_jitter() {
        for (retry, base) in [(1, 100), (2, 200), (3, 400)] {
            let d = backoff(100, retry).as_millis() as u64;
            assert!(d >= base && d < base + base / 4 + 1, "{retry}: {d}");
        }
        assert_eq!(backoff(0, 3), Duration::ZERO);
        assert_eq!(backoff(u64::MAX, 40), MAX_BACKOFF);
    }

    #[test]
    fn retry_after_forms() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h), None);
        h.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }
}
