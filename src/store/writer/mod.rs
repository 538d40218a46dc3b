//! Page writes committed in groups. One writer owns a connection of its own and commits whatever
//! page writes are queued (up to [`MAX_BATCH`]) in one transaction; each caller awaits the commit
//! of its own write, so a page is in the database when [`Store::record_page`] returns and a
//! killed run loses nothing it was told was stored.
//!
//! One transaction per group instead of two self-committing statements per page: on SQLite most
//! of a crawl's store CPU went to beginning, committing and checkpointing those small
//! transactions, and a connection that is the only page writer keeps its page cache between them.
//!
//! Two writers behind one queue: a SQLite file gets a thread of its own that runs the group's
//! statements in place ([`sqlite_thread`]), PostgreSQL (and an in-memory SQLite database, which
//! only the pool's connections can see) a task on the runtime that sends them through sqlx
//! ([`sqlx_task`]). Through sqlx every statement is a round trip to SQLite's connection thread
//! and back, four per group, and that plumbing cost as much CPU as SQLite's own work.
//!
//! [`Store::record_page`]: super::Store::record_page

mod sqlite_thread;
mod sqlx_task;

use std::collections::BTreeMap;
use std::path::PathBuf;

use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

use super::pages::{PageKind, PageRecord, StoredPage};
use super::{Backend, StoreError};

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
    pub body: Option<bytes::Bytes>,
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

/// A queued write with the caller waiting for it.
type Queued = (Box<PageWrite>, Ack);

enum Msg {
    Write(Box<PageWrite>, Ack),
    /// Commit what is queued, close the connection, refuse further writes.
    Close(oneshot::Sender<()>),
}

/// Where the writer's connection comes from.
#[derive(Debug, Clone)]
pub(super) enum Target {
    /// A SQLite database file, opened by the writer's thread.
    SqliteFile(PathBuf),
    /// A connection taken from the pool (with the pool's per-connection settings) on the first
    /// write and then kept out of the pool.
    Pool(AnyPool, Backend),
}

/// The handle callers queue page writes on; the writer behind it ends when every handle is
/// gone or [`Writer::close`] is called.
#[derive(Debug)]
pub(super) struct Writer {
    queue: mpsc::Sender<Msg>,
}

impl Writer {
    /// Starts the writer: a thread of its own for a SQLite file, else a task on the current
    /// runtime.
    pub fn spawn(target: Target) -> Writer {
        let (queue, rx) = mpsc::channel(QUEUE);
        match target {
            Target::SqliteFile(path) => sqlite_thread::spawn(path, rx),
            Target::Pool(pool, backend) => {
                tokio::spawn(sqlx_task::run(pool, backend, rx));
            }
        }
        Writer { queue }
    }

    /// Queues `write` and waits until it is committed; its page id.
    pub async fn write(&self, write: PageWrite) -> Result<i64, StoreError> {
        let (ack, done) = oneshot::channel();
        self.queue
            .send(Msg::Write(Box::new(write), ack))
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        // A dropped ack: the writer ended (its runtime shut down, or it panicked) before
        // answering.
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

/// What the writer gathers between two commits: the writes (with their callers' acks) and the
/// callers waiting for the close.
#[derive(Default)]
struct Gathered {
    batch: Vec<Queued>,
    closing: Vec<oneshot::Sender<()>>,
}

impl Gathered {
    /// Takes `first` and whatever else is queued, up to [`MAX_BATCH`] writes. A close stops the
    /// queue: what is queued still goes in, nothing more is accepted.
    fn take(&mut self, first: Msg, rx: &mut mpsc::Receiver<Msg>) {
        let mut next = Some(first);
        while let Some(msg) = next.take() {
            match msg {
                Msg::Write(write, ack) => self.batch.push((write, ack)),
                Msg::Close(ack) => {
                    rx.close();
                    self.closing.push(ack);
                }
            }
            if self.batch.len() < MAX_BATCH {
                next = rx.try_recv().ok();
            }
        }
    }

    /// Answers the callers waiting for the close (the connection is closed by then).
    fn closed(self) {
        for ack in self.closing {
            let _ = ack.send(());
        }
    }
}

/// A group's writes as its statements take them: the new bodies by hash, once each, then the
/// page rows by URL (so that two PostgreSQL writers take their row locks in the same order), a
/// URL written twice in the group once, with its later write (as two transactions would leave
/// it; the row keeps its id either way).
struct Group<'w> {
    bodies: Vec<(&'w str, &'w [u8])>,
    pages: Vec<&'w PageWrite>,
}

impl<'w> Group<'w> {
    fn of(writes: &[&'w PageWrite]) -> Group<'w> {
        let mut bodies: Vec<(&str, &[u8])> = writes
            .iter()
            .filter_map(|w| Some((w.sha256.as_deref()?, w.body.as_deref()?)))
            .collect();
        bodies.sort_unstable_by_key(|(hash, _)| *hash);
        bodies.dedup_by_key(|(hash, _)| *hash);
        let pages: BTreeMap<(i64, &str), &PageWrite> = writes
            .iter()
            .map(|w| ((w.run_id, w.url.as_str()), *w))
            .collect();
        Group {
            bodies,
            pages: pages.into_values().collect(),
        }
    }

    /// The index in `pages` of the row for `(run_id, url)`.
    fn at(&self, run_id: i64, url: &str) -> Option<usize> {
        self.pages
            .binary_search_by(|p| (p.run_id, p.url.as_str()).cmp(&(run_id, url)))
            .ok()
    }

    /// The page id of each of `writes`, in their order, from the ids written for `pages`.
    fn ids(&self, writes: &[&PageWrite], ids: &[Option<i64>]) -> Result<Vec<i64>, StoreError> {
        writes
            .iter()
            .map(|w| {
                self.at(w.run_id, &w.url)
                    .and_then(|i| ids[i])
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!("pages: no id returned for {}", w.url))
                    })
            })
            .collect()
    }
}

/// Answers each caller of a committed group with its page id. When the group failed, `Err`
/// holds the writes to try again each alone (none when the group was a single write, whose
/// caller has its error), so that one bad row (or a deadlock between two PostgreSQL workers)
/// fails only its own caller; a connection that failed may be broken, and the next try takes a
/// fresh one.
fn answer(
    batch: &mut Vec<Queued>,
    result: Result<Vec<i64>, StoreError>,
) -> Result<(), Vec<Queued>> {
    match result {
        Ok(ids) => {
            tracing::trace!(rows = ids.len(), "page writes committed");
            for ((_, ack), id) in batch.drain(..).zip(ids) {
                let _ = ack.send(Ok(id));
            }
            Ok(())
        }
        Err(e) if batch.len() == 1 => {
            let (_, ack) = batch.pop().expect("one write");
            let _ = ack.send(Err(e));
            Err(Vec::new())
        }
        Err(e) => {
            tracing::debug!(error = %e, rows = batch.len(), "page write group failed; writing each alone");
            Err(std::mem::take(batch))
        }
    }
}

/// The page row's columns, in the order both writers bind them.
const INSERT_PAGES: &str = "INSERT INTO pages (run_id, url, kind, unit, status, error, \
     fetched_at, content_type, encoding, etag, last_modified, sha256, size, request_head, \
     response_head, reused_from)";

/// A URL the run already holds keeps its row (and id); the row takes the new write.
const ON_CONFLICT_PAGES: &str = "ON CONFLICT (run_id, url) DO UPDATE SET kind = excluded.kind, \
     unit = excluded.unit, status = excluded.status, error = excluded.error, \
     fetched_at = excluded.fetched_at, content_type = excluded.content_type, \
     encoding = excluded.encoding, etag = excluded.etag, \
     last_modified = excluded.last_modified, sha256 = excluded.sha256, size = excluded.size, \
     request_head = excluded.request_head, response_head = excluded.response_head, \
     reused_from = excluded.reused_from";
