//! Time as the probes see it: the wall clock in service, a clock the test moves by hand so that
//! a week of probes runs in seconds. Days are Beijing days (UTC+8), as the inspection counts them.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// Where "now" comes from, and how to wait for a later instant.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
    /// Completes at `at` (at once when it is past).
    fn sleep_until(&self, at: DateTime<Utc>) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

/// The wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep_until(&self, at: DateTime<Utc>) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        let wait = (at - Utc::now()).to_std().unwrap_or_default();
        Box::pin(tokio::time::sleep(wait))
    }
}

/// A clock that jumps: waiting for an instant sets the time to it.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock(Arc::new(Mutex::new(start)))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn sleep_until(&self, at: DateTime<Utc>) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        if at > self.now() {
            self.set(at);
        }
        Box::pin(std::future::ready(()))
    }
}

/// Beijing time (UTC+8).
pub fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("a valid offset")
}

/// The Beijing day of an instant.
pub fn beijing_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&beijing()).date_naive()
}

/// Midnight starting `day` in Beijing, as an instant.
pub fn day_start(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_local_timezone(beijing())
        .single()
        .expect("a fixed offset has one midnight")
        .with_timezone(&Utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_days_start_at_16_utc() {
        let d = NaiveDate::from_ymd_opt(2020, 11, 30).unwrap();
        let start = day_start(d);
        assert_eq!(start.to_rfc3339(), "2020-11-29T16:00:00+00:00");
        assert_eq!(beijing_day(start), d);
        assert_eq!(
            beijing_day(start - chrono::Duration::seconds(1)),
            d.pred_opt().unwrap()
        );
    }

    #[tokio::test]
    async fn a_manual_clock_jumps_instead_of_waiting() {
        let t0 = day_start(NaiveDate::from_ymd_opt(2020, 1, 1).unwrap());
        let c = ManualClock::new(t0);
        let later = t0 + chrono::Duration::days(7);
        c.sleep_until(later).await;
        assert_eq!(c.now(), later);
        c.sleep_until(t0).await;
        assert_eq!(c.now(), later, "waiting for the past does not go back");
    }
}
