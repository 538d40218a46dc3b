//! Request turns per portal host, shared by every worker on the database: the portal sees at
//! most its configured rate from all of them together. Each request moves the host's next free
//! slot one period on, atomically, and waits until the slot it got.

use std::time::Duration;

use sqlx::Row;

use super::{Backend, Store, StoreError};

impl Store {
    /// Reserves the next request slot for `host` (slots are `period` apart) and returns how long
    /// to wait for it, measured on the database clock.
    pub async fn take_turn(&self, host: &str, period: Duration) -> Result<Duration, StoreError> {
        let now = self.now_us_sql();
        let greatest = match self.backend {
            Backend::Postgres => "greatest",
            Backend::Sqlite => "max",
        };
        // Whole microseconds, rounded up: a shorter period would exceed the rate.
        let period_us = i64::try_from(period.as_nanos().div_ceil(1000)).unwrap_or(i64::MAX);
        let row = sqlx::query(&format!(
            "INSERT INTO host_turns (host, next_at) VALUES ($1, {now} + $2)
             ON CONFLICT (host) DO UPDATE
                 SET next_at = {greatest}(host_turns.next_at, {now}) + $2
             RETURNING next_at - $2 - {now} AS wait_us"
        ))
        .bind(host)
        .bind(period_us)
        .fetch_one(&self.pool)
        .await?;
        let wait: i64 = row.try_get("wait_us")?;
        Ok(Duration::from_micros(u64::try_from(wait).unwrap_or(0)))
    }
}
