//! Fetched pages and their bodies. Every body is kept by content hash as evidence; a page
//! already stored in a run is replayed from here by `crawl --resume` instead of fetched again.

use serde::Serialize;
use sqlx::Row;

use super::writer::PageWrite;
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
    /// The body as received (shared with the crawl's readers, not copied).
    pub body: Option<bytes::Bytes>,
    /// The request as sent (`crawl::http::heads`).
    pub request_head: Option<String>,
    /// The answer's status line and kept headers.
    pub response_head: Option<String>,
    /// `body` is an earlier copy already in the store (a 304): it is not written again.
    pub body_stored: bool,
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
    /// The request as sent; `None` for pages stored before heads were kept.
    pub request_head: Option<String>,
    /// The answer's status line and kept headers; `None` before heads were kept.
    pub response_head: Option<String>,
    /// The earlier run's page whose copy this record reuses without a request.
    pub reused_from: Option<i64>,
    /// Absent from listings ([`Store::pages`]).
    #[serde(skip)]
    #[sqlx(default)]
    pub body: Option<Vec<u8>>,
}

impl Store {
    /// Records a fetch (replacing an earlier record of the same URL in the run, which keeps its
    /// id) and returns its id once it is committed.
    ///
    /// The body (unless `body_stored`) and the page are written in one transaction by the
    /// store's page writer, together with the other writes queued meanwhile (`writer`).
    pub async fn record_page(&self, run_id: i64, page: &PageRecord) -> Result<i64, StoreError> {
        self.writer().write(PageWrite::fetched(run_id, page)).await
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

    /// The copy of `attachment` stored by the newest earlier finished run of this run's portal
    /// that holds `document`, when that run's copy of `document` has the same body as this
    /// run's (the page is unchanged: 304 or the same bytes), with that run's PDF check of the
    /// file (JSON) when it kept one. `None`: the attachment must be fetched.
    pub async fn reusable_attachment(
        &self,
        run_id: i64,
        document: &str,
        attachment: &str,
    ) -> Result<Option<(StoredPage, Option<String>)>, StoreError> {
        let current: Option<Option<String>> = sqlx::query_scalar(
            "SELECT sha256 FROM pages WHERE run_id = $1 AND url = $2 AND error IS NULL",
        )
        .bind(run_id)
        .bind(document)
        .fetch_optional(&self.pool)
        .await?;
        let Some(Some(current)) = current else {
            return Ok(None);
        };
        let previous = sqlx::query(
            "SELECT p.run_id, p.sha256 FROM pages p JOIN runs r ON r.id = p.run_id
             WHERE p.url = $1 AND p.run_id < $2 AND p.error IS NULL AND p.sha256 IS NOT NULL
               AND r.status IN ('complete', 'partial')
               AND r.portal = (SELECT portal FROM runs WHERE id = $2)
             ORDER BY p.run_id DESC LIMIT 1",
        )
        .bind(document)
        .bind(run_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(previous) = previous else {
            return Ok(None);
        };
        let (before, hash): (i64, String) = (previous.try_get(0)?, previous.try_get(1)?);
        if hash != current {
            return Ok(None);
        }
        let copy: Option<StoredPage> = sqlx::query_as(&format!(
            "{PAGE_SELECT} WHERE p.run_id = $1 AND p.url = $2 AND p.error IS NULL
               AND p.sha256 IS NOT NULL"
        ))
        .bind(before)
        .bind(attachment)
        .fetch_optional(&self.pool)
        .await?;
        let Some(copy) = copy else {
            return Ok(None);
        };
        let check: Option<String> = sqlx::query_scalar(
            "SELECT pdf_check FROM attachments WHERE run_id = $1 AND document_url = $2
               AND url = $3 AND pdf_check IS NOT NULL ORDER BY id LIMIT 1",
        )
        .bind(before)
        .bind(document)
        .bind(attachment)
        .fetch_optional(&self.pool)
        .await?;
        Ok(Some((copy, check)))
    }

    /// Records in `run_id` an earlier run's stored page as this run's copy, without a request:
    /// same body, status and heads, its time of fetching, and `reused_from` naming it.
    pub async fn record_reused_page(
        &self,
        run_id: i64,
        from: &StoredPage,
        unit: Option<&str>,
    ) -> Result<i64, StoreError> {
        self.writer()
            .write(PageWrite::reused(run_id, from, unit))
            .await
    }

    /// The copies a run can ask conditionally without a query per URL: the successful pages
    /// (without bodies) of the newest earlier run of this run's portal that stored any, by URL;
    /// and whether any earlier run stored pages at all (if not, no URL has an earlier copy).
    pub async fn previous_copies(
        &self,
        run_id: i64,
    ) -> Result<(std::collections::HashMap<String, StoredPage>, bool), StoreError> {
        let any: Option<i64> = sqlx::query_scalar("SELECT id FROM pages WHERE run_id < $1 LIMIT 1")
            .bind(run_id)
            .fetch_optional(&self.pool)
            .await?;
        if any.is_none() {
            return Ok((std::collections::HashMap::new(), false));
        }
        let pages: Vec<StoredPage> = sqlx::query_as(&format!(
            "{PAGE_COLUMNS} FROM pages p WHERE p.run_id = (
                 SELECT max(q.run_id) FROM pages q JOIN runs r ON r.id = q.run_id
                 WHERE q.run_id < $1 AND r.portal = (SELECT portal FROM runs WHERE id = $1))
               AND p.error IS NULL AND p.sha256 IS NOT NULL"
        ))
        .bind(run_id)
        .fetch_all(&self.pool)
        .await?;
        Ok((
            pages.into_iter().map(|p| (p.url.clone(), p)).collect(),
            true,
        ))
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
    p.fetched_at, p.content_type, p.encoding, p.etag, p.last_modified, p.sha256, p.size,
    p.request_head, p.response_head, p.reused_from";
const PAGE_SELECT: &str = "SELECT p.id, p.run_id, p.url, p.kind, p.unit, p.status, p.error,
    p.fetched_at, p.content_type, p.encoding, p.etag, p.last_modified, p.sha256, p.size,
    p.request_head, p.response_head, p.reused_from, b.body
    FROM pages p LEFT JOIN blobs b ON b.sha256 = p.sha256";
