//! Page writes committed in groups. One task owns a connection of its own and commits whatever
//! page writes are queued (up to [`MAX_BATCH`]) in one transaction; each caller awaits the commit
//! of its own write, so a page is in the database when [`Store::record_page`] returns and a
//! killed run loses nothing it was told was stored.
//!
//! One transaction per group instead of two self-committing statements per page: on SQLite most
//! of a crawl's store CPU went to beginning, committing and checkpointing those small
//! transactions, and a connection that is the only page writer keeps its page cache between them.
//!
//! [`Store::record_page`]: super::Store::record_page

use std::collections::BTreeMap;

use sqlx::{AnyConnection, AnyPool, Connection, Row};
use tokio::sync::{mpsc, oneshot};

use super::pages::{PageKind, PageRecord, StoredPage};
use super::{rows, Backend, StoreError};

/// Writes committed together at most. A crawl has a few units in flight, so a group is rarely
/// larger than its concurrency; the bound keeps a backlog's transaction short.
const MAX_BATCH: usize = 64;

/// Writes waiting for the writer at most before a caller waits to queue its own.
const QUEUE: usize = 256;

/// One page row to write, with its body when the body is not stored yet.
#[derive(Debug)]
pub(super) struct PageWrite {
    pub run_id: i64,
    pub url: String,
    pub kind: &'static str,
    pub unit: Option<String>,
    pub status: i64,
    pub error: Option<String>,
    pub fetched_at: String,
    pub content_type: Option<String>,
    pub encoding: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub sha256: Option<String>,
    pub size: i64,
    pub request_head: Option<String>,
    pub response_head: Option<String>,
    /// The earlier run's page this row reuses without a request.
    pub reused_from: Option<i64>,
    /// The body to add to the blobs under `sha256` (none when already stored).
    pub body: Option<Vec<u8>>,
}

impl PageWrite {
    /// A fetch as the recorder saw it, hashed here (on the caller's thread, not the writer's).
    pub fn fetched(run_id: i64, page: &PageRecord) -> PageWrite {
        let sha256 = page.body.as_deref().map(crate::util::sha256_hex);
        PageWrite {
            run_id,
            url: page.url.clone(),
            kind: page.kind.map_or("other", PageKind::as_str),
            unit: page.unit.clone(),
            status: i64::from(page.status),
            error: page.error.clone(),
            fetched_at: chrono::Utc::now().to_rfc3339(),
            content_type: page.content_type.clone(),
            encoding: page.encoding.clone(),
            etag: page.etag.clone(),
            last_modified: page.last_modified.clone(),
            sha256,
            size: page.body.as_ref().map_or(0, |b| b.len() as i64),
            request_head: page.request_head.clone(),
            response_head: page.response_head.clone(),
            reused_from: None,
            body: if page.body_stored {
                None
            } else {
                page.body.clone()
            },
        }
    }

    /// An earlier run's stored page recorded as this run's copy: same body (already stored),
    /// status, heads and time of fetching.
    pub fn reused(run_id: i64, from: &StoredPage, unit: Option<&str>) -> PageWrite {
        PageWrite {
            run_id,
            url: from.url.clone(),
            kind: from.kind.as_str(),
            unit: unit.map(str::to_string),
            status: i64::from(from.status),
            error: None,
            fetched_at: from.fetched_at.clone(),
            content_type: from.content_type.clone(),
            encoding: from.encoding.clone(),
            etag: from.etag.clone(),
            last_modified: from.last_modified.clone(),
            sha256: from.sha256.clone(),
            size: from.size,
            request_head: from.request_head.clone(),
            response_head: from.response_head.clone(),
            reused_from: Some(from.id),
            body: None,
        }
    }
}

type Ack = oneshot::Sender<Result<i64, StoreError>>;

enum Msg {
    Write(Box<PageWrite>, Ack),
    /// Commit what is queued, close the connection, refuse further writes.
    Close(oneshot::Sender<()>),
}

/// The handle callers queue page writes on; the task behind it ends when every handle is gone
/// or [`Writer::close`] is called.
#[derive(Debug)]
pub(super) struct Writer {
    queue: mpsc::Sender<Msg>,
}

impl Writer {
    /// Starts the writer task on the current runtime. Its connection is taken from `pool` (with
    /// the pool's per-connection settings) on the first write and then kept out of the pool.
    pub fn spawn(pool: AnyPool, backend: Backend) -> Writer {
        let (queue, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run(pool, backend, rx));
        Writer { queue }
    }

    /// Queues `write` and waits until it is committed; its page id.
    pub async fn write(&self, write: PageWrite) -> Result<i64, StoreError> {
        let (ack, done) = oneshot::channel();
        self.queue
            .send(Msg::Write(Box::new(write), ack))
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        // A dropped ack: the task ended (its runtime shut down, or it panicked) before answering.
        done.await.map_err(|_| StoreError::WriterStopped)?
    }

    /// Commits what is queued and closes the writer's connection; later writes fail.
    pub async fn close(&self) {
        let (ack, done) = oneshot::channel();
        if self.queue.send(Msg::Close(ack)).await.is_ok() {
            let _ = done.await;
        }
    }
}

async fn run(pool: AnyPool, backend: Backend, mut rx: mpsc::Receiver<Msg>) {
    let mut conn: Option<AnyConnection> = None;
    let mut closing: Vec<oneshot::Sender<()>> = Vec::new();
    let mut batch: Vec<(Box<PageWrite>, Ack)> = Vec::new();
    while let Some(msg) = rx.recv().await {
        let mut next = Some(msg);
        while let Some(msg) = next.take() {
            match msg {
                Msg::Write(write, ack) => batch.push((write, ack)),
                Msg::Close(ack) => {
                    // What is queued still goes in; nothing more is accepted.
                    rx.close();
                    closing.push(ack);
                }
            }
            if batch.len() < MAX_BATCH {
                next = rx.try_recv().ok();
            }
        }
        if !batch.is_empty() {
            commit(&pool, backend, &mut conn, &mut batch).await;
        }
    }
    if let Some(conn) = conn {
        let _ = conn.close().await;
    }
    for ack in closing {
        let _ = ack.send(());
    }
}

/// Commits `batch` in one transaction and answers each caller. When the group fails, each write
/// is tried again alone, so that one bad row (or a deadlock between two PostgreSQL workers)
/// fails only its own caller.
async fn commit(
    pool: &AnyPool,
    backend: Backend,
    conn: &mut Option<AnyConnection>,
    batch: &mut Vec<(Box<PageWrite>, Ack)>,
) {
    let writes: Vec<&PageWrite> = batch.iter().map(|(w, _)| &**w).collect();
    let result = match connection(pool, conn).await {
        Ok(c) => write_group(c, backend, &writes).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(ids) => {
            tracing::trace!(rows = ids.len(), "page writes committed");
            for ((_, ack), id) in batch.drain(..).zip(ids) {
                let _ = ack.send(Ok(id));
            }
        }
        Err(e) if batch.len() == 1 => {
            // A connection that failed may be broken: the next group takes a fresh one.
            *conn = None;
            let (_, ack) = batch.pop().expect("one write");
            let _ = ack.send(Err(e));
        }
        Err(e) => {
            tracing::debug!(error = %e, rows = batch.len(), "page write group failed; writing each alone");
            *conn = None;
            for (write, ack) in batch.drain(..) {
                let result = match connection(pool, conn).await {
                    Ok(c) => write_group(c, backend, &[&*write]).await.map(|ids| ids[0]),
                    Err(e) => Err(e),
                };
                if result.is_err() {
                    *conn = None;
                }
                let _ = ack.send(result);
            }
        }
    }
}

/// The writer's connection, taken from the pool when it has none.
async fn connection<'c>(
    pool: &AnyPool,
    conn: &'c mut Option<AnyConnection>,
) -> Result<&'c mut AnyConnection, StoreError> {
    if conn.is_none() {
        *conn = Some(pool.acquire().await?.detach());
    }
    Ok(conn.as_mut().expect("connection just set"))
}

/// Writes `writes` in one transaction, a few statements for the whole group: the new bodies by
/// hash, then the page rows by URL (so that two PostgreSQL writers take their row locks in the
/// same order). Ids in `writes`' order.
async fn write_group(
    conn: &mut AnyConnection,
    backend: Backend,
    writes: &[&PageWrite],
) -> Result<Vec<i64>, StoreError> {
    let mut tx = match backend {
        // The write lock at once: a deferred transaction that has to wait for it cannot.
        Backend::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => conn.begin().await?,
    };
    let mut bodies: Vec<(&str, &[u8])> = writes
        .iter()
        .filter_map(|w| Some((w.sha256.as_deref()?, w.body.as_deref()?)))
        .collect();
    bodies.sort_unstable_by_key(|(hash, _)| *hash);
    bodies.dedup_by_key(|(hash, _)| *hash);
    for chunk in rows::chunks(&bodies) {
        let sql = format!(
            "INSERT INTO blobs (sha256, body) VALUES {} ON CONFLICT (sha256) DO NOTHING",
            rows::placeholders(chunk.len(), 2)
        );
        let mut q = sqlx::query(&sql);
        for (hash, body) in chunk {
            q = q.bind(*hash).bind(*body);
        }
        q.execute(&mut *tx).await?;
    }
    // A URL written twice in a group: its later write, as two transactions would leave it (the
    // row keeps its id either way).
    let pages: BTreeMap<(i64, &str), &PageWrite> = writes
        .iter()
        .map(|w| ((w.run_id, w.url.as_str()), *w))
        .collect();
    let pages: Vec<&PageWrite> = pages.into_values().collect();
    let at = |run_id: i64, url: &str| {
        pages.binary_search_by(|p| (p.run_id, p.url.as_str()).cmp(&(run_id, url)))
    };
    let mut ids = vec![None; pages.len()];
    for chunk in rows::chunks(&pages) {
        for row in upsert_pages(&mut tx, chunk).await? {
            let url: String = row.try_get(1)?;
            if let Ok(i) = at(row.try_get(0)?, &url) {
                ids[i] = Some(row.try_get(2)?);
            }
        }
    }
    tx.commit().await?;
    writes
        .iter()
        .map(|w| {
            at(w.run_id, &w.url)
                .ok()
                .and_then(|i| ids[i])
                .ok_or_else(|| StoreError::Corrupt(format!("pages: no id returned for {}", w.url)))
        })
        .collect()
}

/// Inserts page rows, or replaces the run's row of the same URL (which keeps its id); each
/// row's `(run_id, url, id)`.
async fn upsert_pages(
    conn: &mut AnyConnection,
    pages: &[&PageWrite],
) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
    let sql = format!(
        "INSERT INTO pages (run_id, url, kind, unit, status, error, fetched_at, content_type,
             encoding, etag, last_modified, sha256, size, request_head, response_head, reused_from)
         VALUES {}
         ON CONFLICT (run_id, url) DO UPDATE SET kind = excluded.kind, unit = excluded.unit,
             status = excluded.status, error = excluded.error, fetched_at = excluded.fetched_at,
             content_type = excluded.content_type, encoding = excluded.encoding,
             etag = excluded.etag, last_modified = excluded.last_modified,
             sha256 = excluded.sha256, size = excluded.size,
             request_head = excluded.request_head, response_head = excluded.response_head,
             reused_from = excluded.reused_from
         RETURNING run_id, url, id",
        rows::placeholders(pages.len(), 16)
    );
    let mut q = sqlx::query(&sql);
    for w in pages {
        q = q
            .bind(w.run_id)
            .bind(w.url.as_str())
            .bind(w.kind)
            .bind(w.unit.as_deref())
            .bind(w.status)
            .bind(w.error.as_deref())
            .bind(w.fetched_at.as_str())
            .bind(w.content_type.as_deref())
            .bind(w.encoding.as_deref())
            .bind(w.etag.as_deref())
            .bind(w.last_modified.as_deref())
            .bind(w.sha256.as_deref())
            .bind(w.size)
            .bind(w.request_head.as_deref())
            .bind(w.response_head.as_deref())
            .bind(w.reused_from);
    }
    Ok(q.fetch_all(&mut *conn).await?)
}
