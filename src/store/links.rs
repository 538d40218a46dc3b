//! A run's link check (链接可用性): the pages it reads, the statuses the crawl already has, and
//! its results, one row per distinct link, replaced as a whole when the check runs again.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{PageKind, Store, StoreError};
use crate::indicators::links::{CheckedBy, LinkRecord, LinkRun, LinkSource};

fn time(column: &str, text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("{column} {text}: {e}")))
}

/// A fetch of a run as the link check reuses it.
#[derive(Debug, Clone)]
pub struct RunFetch {
    pub url: String,
    /// HTTP status; 0 when no answer came.
    pub status: u16,
    pub error: Option<String>,
}

impl Store {
    /// The pages of a run whose links are checked, with a body: the home page at `home` first,
    /// then the other home pages, then the column pages, in the order they were stored:
    /// (id, url, kind).
    pub async fn link_source_pages(
        &self,
        run_id: i64,
        home: &str,
    ) -> Result<Vec<(i64, String, PageKind)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, url, kind FROM pages
             WHERE run_id = $1 AND (kind IN ('home', 'column') OR url = $2) AND error IS NULL
                   AND sha256 IS NOT NULL
             ORDER BY CASE WHEN url = $2 THEN 0 WHEN kind = 'home' THEN 1 ELSE 2 END, id",
        )
        .bind(run_id)
        .bind(home)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    r.try_get("url")?,
                    PageKind::try_from(r.try_get::<String, _>("kind")?)?,
                ))
            })
            .collect()
    }

    /// Every fetch of a run: URL, status, error.
    pub async fn run_fetches(&self, run_id: i64) -> Result<Vec<RunFetch>, StoreError> {
        let rows = sqlx::query("SELECT url, status, error FROM pages WHERE run_id = $1")
            .bind(run_id)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(RunFetch {
                    url: r.try_get("url")?,
                    status: u16::try_from(r.try_get::<i64, _>("status")?).unwrap_or(0),
                    error: r.try_get("error")?,
                })
            })
            .collect()
    }

    /// Replaces the link check of `run.run_id` with `links`.
    pub async fn save_link_check(
        &self,
        run: &LinkRun,
        links: &[LinkRecord],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        self.lock_for(&mut tx, &format!("links/{}", run.run_id))
            .await?;
        for table in ["link_checks", "link_check_runs"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE run_id = $1"))
                .bind(run.run_id)
                .execute(&mut *tx)
                .await?;
        }
        for l in links {
            let first = l.sources.first();
            sqlx::query(
                "INSERT INTO link_checks (run_id, url, off_site, on_home, source_url,
                     source_page_id, link_text, sources, source_count, checked_by, status,
                     final_url, error, broken, checked_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            )
            .bind(run.run_id)
            .bind(&l.url)
            .bind(i64::from(l.off_site))
            .bind(i64::from(l.on_home))
            .bind(first.map_or("", |s| s.url.as_str()))
            .bind(first.and_then(|s| s.page_id))
            .bind(first.map_or("", |s| s.text.as_str()))
            .bind(serde_json::to_string(&l.sources)?)
            .bind(i64::try_from(l.source_count).unwrap_or(i64::MAX))
            .bind(l.checked_by.as_str())
            .bind(l.status.map(i64::from))
            .bind(l.final_url.clone())
            .bind(l.error.clone())
            .bind(i64::from(l.broken))
            .bind(l.checked_at.to_rfc3339())
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO link_check_runs (run_id, pages, links, link_limit, problems, started_at,
                 finished_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(run.run_id)
        .bind(run.pages)
        .bind(run.links)
        .bind(run.limit)
        .bind(serde_json::to_string(&run.problems)?)
        .bind(run.started_at.to_rfc3339())
        .bind(run.finished_at.to_rfc3339())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The finished link check of a run with its links (stored order), if it has one.
    pub async fn link_check(
        &self,
        run_id: i64,
    ) -> Result<Option<(LinkRun, Vec<LinkRecord>)>, StoreError> {
        let Some(r) = sqlx::query(
            "SELECT pages, links, link_limit, problems, started_at, finished_at
             FROM link_check_runs WHERE run_id = $1",
        )
        .bind(run_id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let run = LinkRun {
            run_id,
            pages: r.try_get("pages")?,
            links: r.try_get("links")?,
            limit: r.try_get("link_limit")?,
            problems: serde_json::from_str(&r.try_get::<String, _>("problems")?)?,
            started_at: time(
                "link_check_runs.started_at",
                &r.try_get::<String, _>("started_at")?,
            )?,
            finished_at: time(
                "link_check_runs.finished_at",
                &r.try_get::<String, _>("finished_at")?,
            )?,
        };
        let rows = sqlx::query(
            "SELECT url, off_site, on_home, sources, source_count, checked_by, status, final_url,
                    error, broken, checked_at
             FROM link_checks WHERE run_id = $1 ORDER BY id",
        )
        .bind(run_id)
        .fetch_all(&self.pool)
        .await?;
        let mut links = Vec::with_capacity(rows.len());
        for r in rows {
            let by: String = r.try_get("checked_by")?;
            let sources: Vec<LinkSource> =
                serde_json::from_str(&r.try_get::<String, _>("sources")?)?;
            links.push(LinkRecord {
                url: r.try_get("url")?,
                off_site: r.try_get::<i64, _>("off_site")? != 0,
                on_home: r.try_get::<i64, _>("on_home")? != 0,
                sources,
                source_count: usize::try_from(r.try_get::<i64, _>("source_count")?).unwrap_or(0),
                checked_by: CheckedBy::parse(&by)
                    .ok_or_else(|| StoreError::Corrupt(format!("link_checks.checked_by = {by}")))?,
                status: r
                    .try_get::<Option<i64>, _>("status")?
                    .and_then(|s| u16::try_from(s).ok()),
                final_url: r.try_get("final_url")?,
                error: r.try_get("error")?,
                broken: r.try_get::<i64, _>("broken")? != 0,
                checked_at: time(
                    "link_checks.checked_at",
                    &r.try_get::<String, _>("checked_at")?,
                )?,
            });
        }
        Ok(Some((run, links)))
    }
}
