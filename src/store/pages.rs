//! Fetched pages and their bodies. Every body is kept by content hash as evidence; a page
//! already stored in a run is replayed from here by `crawl --resume` instead of fetched again.

use serde::Serialize;
use sqlx::Row;

use super::{Store, StoreError};

/// What a fetched URL was to the crawler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PageKind {
    Home,
    Landing,
    Column,
    ListPage,
    Document,
    Attachment,
    Messages,
    Message,
}

impl PageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PageKind::Home => "home",
            PageKind::Landing => "landing",
            PageKind::Column => "column",
            PageKind::ListPage => "list_page",
            PageKind::Document => "document",
            PageKind::Attachment => "attachment",
            PageKind::Messages => "messages",
            PageKind::Message => "message",
        }
    }
}

impl TryFrom<String> for PageKind {
    type Error = StoreError;
    fn try_from(s: String) -> Result<Self, StoreError> {
        Ok(match s.as_str() {
            "home" => PageKind::Home,
            "landing" => PageKind::Landing,
            "column" => PageKind::Column,
            "list_page" => PageKind::ListPage,
            "document" => PageKind::Document,
            "attachment" => PageKind::Attachment,
            "messages" => PageKind::Messages,
            "message" => PageKind::Message,
            _ => return Err(StoreError::Corrupt(format!("pages.kind = {s}"))),
        })
    }
}

/// One fetch as it is recorded.
#[derive(Debug, Clone, Default)]
pub struct PageRecord {
    pub url: String,
    pub kind: Option<PageKind>,
    pub unit: Option<String>,
    /// HTTP status; 0 when no response came.
    pub status: u16,
    pub error: Option<String>,
    pub content_type: Option<String>,
    pub encoding: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub body: Option<Vec<u8>>,
}

/// A page read back from the store.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StoredPage {
    pub id: i64,
    pub run_id: i64,
    pub url: String,
    #[sqlx(try_from = "String")]
    pub kind: PageKind,
    pub unit: Option<String>,
    #[sqlx(try_from = "i64")]
    pub status: u16,
    pub error: Option<String>,
    pub fetched_at: String,
    pub content_type: Option<String>,
    pub encoding: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub sha256: Option<String>,
    pub size: i64,
    /// Absent from listings ([`Store::pages`]).
    #[serde(skip)]
    #[sqlx(default)]
    pub body: Option<Vec<u8>>,
}

impl Store {
    /// Records a fetch (replacing an earlier record of the same URL in the run, which keeps its
    /// id) and returns its id.
    pub async fn record_page(&self, run_id: i64, page: &PageRecord) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut hash = None;
        let size = page.body.as_ref().map_or(0, |b| b.len() as i64);
        if let Some(body) = &page.body {
            let h = crate::util::sha256_hex(body);
            // Write first: a read-then-write transaction can deadlock on SQLite.
            sqlx::query(
                "INSERT INTO blobs (sha256, body) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING",
            )
            .bind(&h)
            .bind(body.clone())
            .execute(&mut *tx)
            .await?;
            hash = Some(h);
        }
        // One statement, so that two workers recording the same URL cannot collide.
        let row = sqlx::query(
            "INSERT INTO pages (run_id, url, kind, unit, status, error, fetched_at, content_type,
                 encoding, etag, last_modified, sha256, size)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
             ON CONFLICT (run_id, url) DO UPDATE SET kind = excluded.kind, unit = excluded.unit,
                 status = excluded.status, error = excluded.error, fetched_at = excluded.fetched_at,
                 content_type = excluded.content_type, encoding = excluded.encoding,
                 etag = excluded.etag, last_modified = excluded.last_modified,
                 sha256 = excluded.sha256, size = excluded.size
             RETURNING id",
        )
        .bind(run_id)
        .bind(&page.url)
        .bind(page.kind.map_or("other", PageKind::as_str))
        .bind(page.unit.clone())
        .bind(i64::from(page.status))
        .bind(page.error.clone())
        .bind(chrono::Utc::now().to_rfc3339())
        .bind(page.content_type.clone())
        .bind(page.encoding.clone())
        .bind(page.etag.clone())
        .bind(page.last_modified.clone())
        .bind(hash)
        .bind(size)
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get(0)?;
        tx.commit().await?;
        Ok(id)
    }

    /// A page of this run fetched successfully before (used by --resume), with its body.
    pub async fn cached_page(
        &self,
        run_id: i64,
        url: &str,
    ) -> Result<Option<StoredPage>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "{PAGE_SELECT} WHERE p.run_id = $1 AND p.url = $2 AND p.error IS NULL"
        ))
        .bind(run_id)
        .bind(url)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The newest successful copy of a URL in an earlier run (for conditional requests).
    pub async fn previous_page(
        &self,
        before_run: i64,
        url: &str,
    ) -> Result<Option<StoredPage>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "{PAGE_SELECT} WHERE p.run_id < $1 AND p.url = $2 AND p.error IS NULL AND p.sha256 IS NOT NULL
             ORDER BY p.run_id DESC LIMIT 1"
        ))
        .bind(before_run)
        .bind(url)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// A stored page by id, with its body.
    pub async fn page(&self, id: i64) -> Result<Option<StoredPage>, StoreError> {
        Ok(sqlx::query_as(&format!("{PAGE_SELECT} WHERE p.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// The id of the stored copy of a URL in a run.
    pub async fn page_id(&self, run_id: i64, url: &str) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query("SELECT id FROM pages WHERE run_id = $1 AND url = $2")
            .bind(run_id)
            .bind(url)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Every page record of a run, without bodies.
    pub async fn pages(&self, run_id: i64) -> Result<Vec<StoredPage>, StoreError> {
        // No join on the blobs: bodies stay in the database.
        Ok(sqlx::query_as(&format!(
            "{PAGE_COLUMNS} FROM pages p WHERE p.run_id = $1 ORDER BY p.id"
        ))
        .bind(run_id)
        .fetch_all(&self.pool)
        .await?)
    }
}

const PAGE_COLUMNS: &str = "SELECT p.id, p.run_id, p.url, p.kind, p.unit, p.status, p.error,
    p.fetched_at, p.content_type, p.encoding, p.etag, p.last_modified, p.sha256, p.size";
const PAGE_SELECT: &str = "SELECT p.id, p.run_id, p.url, p.kind, p.unit, p.status, p.error,
    p.fetched_at, p.content_type, p.encoding, p.etag, p.last_modified, p.sha256, p.size, b.body
    FROM pages p LEFT JOIN blobs b ON b.sha256 = p.sha256";
