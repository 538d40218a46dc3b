//! The crawl lease: one crawl per portal and database at a time. The crawling process holds
//! its portal's row and renews the heartbeat; another crawl is refused while the heartbeat is
//! fresh and takes the row over once it is stale. Time is the database's clock, so that the
//! machines sharing a PostgreSQL database need not agree on theirs.

use std::fmt;
use std::time::Duration;

use sqlx::Row;

use super::jobs::millis;
use super::{Store, StoreError};

/// How often the holder renews its heartbeat.
pub const CRAWL_LEASE_HEARTBEAT: Duration = Duration::from_secs(10);
/// A lease whose heartbeat is older than this is taken over: its holder is gone (six missed
/// beats: a busy database or a slow machine is not mistaken for a dead process).
pub const CRAWL_LEASE_STALE: Duration = Duration::from_secs(60);

/// Who holds (or wants) a portal's crawl lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseHolder {
    /// `host:pid:token`: unique per crawl, even for two crawls of one process.
    pub id: String,
    pub host: String,
    pub pid: u32,
}

/// A crawl lease as stored: the running crawl another one is refused for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrawlLease {
    pub portal: String,
    /// The run being crawled; `None` in the moment before it is created.
    pub run_id: Option<i64>,
    pub holder: String,
    pub host: String,
    pub pid: i64,
    /// RFC 3339.
    pub taken_at: String,
    /// Milliseconds since the holder's last heartbeat, on the database's clock.
    pub heartbeat_age_ms: i64,
}

impl fmt::Display for CrawlLease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let run = self.run_id.map_or_else(
            || "正在创建运行".to_string(),
            |id| format!("第 {id} 次运行"),
        );
        let since = chrono::DateTime::parse_from_rfc3339(&self.taken_at)
            .map(|t| {
                t.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string()
            })
            .unwrap_or_else(|_| self.taken_at.clone());
        write!(
            f,
            "门户“{}”已有抓取在进行：{run}，由主机 {} 的进程 {} 自 {since} 起运行（{} 秒前仍在运行）",
            self.portal,
            self.host,
            self.pid,
            self.heartbeat_age_ms.max(0) / 1000
        )
    }
}

impl Store {
    /// Takes the crawl lease of `portal` for `holder`: free, or held by a crawl whose last
    /// heartbeat is older than `stale_after` (its holder is gone). Refused with
    /// [`StoreError::CrawlRunning`] naming the live holder.
    pub async fn take_crawl_lease(
        &self,
        portal: &str,
        holder: &LeaseHolder,
        stale_after: Duration,
    ) -> Result<(), StoreError> {
        let now = self.now_ms_sql();
        // One statement: of two crawls starting at once, exactly one inserts or takes over.
        let take = format!(
            "INSERT INTO crawl_leases (portal, run_id, holder, host, pid, taken_at, heartbeat_at)
             VALUES ($1, NULL, $2, $3, $4, $5, {now})
             ON CONFLICT (portal) DO UPDATE SET run_id = NULL, holder = excluded.holder,
                 host = excluded.host, pid = excluded.pid, taken_at = excluded.taken_at,
                 heartbeat_at = excluded.heartbeat_at
             WHERE crawl_leases.heartbeat_at < {now} - $6"
        );
        // The holder may let go between the refusal and the look at who holds it: try again.
        for _ in 0..3 {
            let done = sqlx::query(&take)
                .bind(portal)
                .bind(&holder.id)
                .bind(&holder.host)
                .bind(i64::from(holder.pid))
                .bind(chrono::Utc::now().to_rfc3339())
                .bind(millis(stale_after))
                .execute(&self.pool)
                .await?;
            if done.rows_affected() == 1 {
                return Ok(());
            }
            if let Some(lease) = self.crawl_lease(portal, None).await? {
                return Err(StoreError::CrawlRunning(Box::new(lease)));
            }
        }
        Err(StoreError::Corrupt(format!(
            "crawl_leases：门户“{portal}”的抓取租约反复变化，无法取得"
        )))
    }

    /// Renews the heartbeat; false when the lease is no longer `holder`'s (taken over).
    pub async fn renew_crawl_lease(
        &self,
        portal: &str,
        holder: &LeaseHolder,
    ) -> Result<bool, StoreError> {
        let now = self.now_ms_sql();
        let done = sqlx::query(&format!(
            "UPDATE crawl_leases SET heartbeat_at = {now} WHERE portal = $1 AND holder = $2"
        ))
        .bind(portal)
        .bind(&holder.id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Names the run the lease is held for, for the message another crawl is refused with.
    pub async fn set_crawl_lease_run(
        &self,
        portal: &str,
        holder: &LeaseHolder,
        run_id: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE crawl_leases SET run_id = $1 WHERE portal = $2 AND holder = $3")
            .bind(run_id)
            .bind(portal)
            .bind(&holder.id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Lets go of the lease (nothing when it was taken over meanwhile).
    pub async fn release_crawl_lease(
        &self,
        portal: &str,
        holder: &LeaseHolder,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM crawl_leases WHERE portal = $1 AND holder = $2")
            .bind(portal)
            .bind(&holder.id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The lease of `portal`: any row with `None`, only a live one (heartbeat within
    /// `live_within`) otherwise.
    pub async fn crawl_lease(
        &self,
        portal: &str,
        live_within: Option<Duration>,
    ) -> Result<Option<CrawlLease>, StoreError> {
        let now = self.now_ms_sql();
        let row = sqlx::query(&format!(
            "SELECT portal, run_id, holder, host, pid, taken_at, {now} - heartbeat_at AS age
             FROM crawl_leases WHERE portal = $1 AND ($2 IS NULL OR heartbeat_at >= {now} - $2)"
        ))
        .bind(portal)
        .bind(live_within.map(millis))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(CrawlLease {
            portal: row.try_get("portal")?,
            run_id: row.try_get("run_id")?,
            holder: row.try_get("holder")?,
            host: row.try_get("host")?,
            pid: row.try_get("pid")?,
            taken_at: row.try_get("taken_at")?,
            heartbeat_age_ms: row.try_get("age")?,
        }))
    }
}
