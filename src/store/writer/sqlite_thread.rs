//! The page writer of a SQLite file: a thread with a connection of its own that runs each
//! group's statements in place, prepared once and kept. A caller's write costs one hand-off to
//! this thread and one back, whatever the number of statements.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OpenFlags, TransactionBehavior};
use tokio::sync::mpsc;

use super::{answer, Gathered, Group, Msg, PageWrite, INSERT_PAGES, ON_CONFLICT_PAGES};
use crate::store::StoreError;

/// The same settings as the pool's connections (see `Store::connect`); the file is in WAL mode
/// already (the pool set it when it opened the file).
const SETTINGS: &str =
    "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;";

/// Starts the writer thread on `path`; it ends when every sender of `rx` is gone or a close
/// was asked for.
pub(super) fn spawn(path: PathBuf, rx: mpsc::Receiver<Msg>) {
    let started = std::thread::Builder::new()
        .name("page-writer".into())
        .spawn(move || run(&path, rx));
    if let Err(e) = started {
        // The receiver went with the closure: every write answers `WriterStopped`.
        tracing::error!(error = %e, "page writer thread could not start");
    }
}

fn run(path: &Path, mut rx: mpsc::Receiver<Msg>) {
    let mut conn: Option<Connection> = None;
    let mut gathered = Gathered::default();
    while let Some(msg) = rx.blocking_recv() {
        gathered.take(msg, &mut rx);
        if gathered.batch.is_empty() {
            continue;
        }
        let writes: Vec<&PageWrite> = gathered.batch.iter().map(|(w, _)| &**w).collect();
        let result = connection(path, &mut conn).and_then(|c| write_group(c, &writes));
        let Err(alone) = answer(&mut gathered.batch, result) else {
            continue;
        };
        conn = None;
        for (write, ack) in alone {
            let result = connection(path, &mut conn)
                .and_then(|c| write_group(c, &[&*write]))
                .map(|ids| ids[0]);
            if result.is_err() {
                conn = None;
            }
            let _ = ack.send(result);
        }
    }
    drop(conn);
    gathered.closed();
}

/// The writer's connection, opened when it has none.
fn connection<'c>(
    path: &Path,
    conn: &'c mut Option<Connection>,
) -> Result<&'c mut Connection, StoreError> {
    if conn.is_none() {
        let opened = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .and_then(|c| c.execute_batch(SETTINGS).map(|()| c))
        .map_err(|e| StoreError::Connect {
            url: path.display().to_string(),
            message: e.to_string(),
        })?;
        *conn = Some(opened);
    }
    Ok(conn.as_mut().expect("connection just set"))
}

/// Writes `writes` in one transaction, taking the write lock at once (a deferred transaction
/// that has to wait for it cannot). A body already stored is not handed to SQLite again. Ids
/// in `writes`' order.
fn write_group(conn: &mut Connection, writes: &[&PageWrite]) -> Result<Vec<i64>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let group = Group::of(writes);
    let mut ids = vec![None; group.pages.len()];
    {
        let mut stored = tx.prepare_cached("SELECT 1 FROM blobs WHERE sha256 = ?1")?;
        let mut insert_body =
            tx.prepare_cached("INSERT INTO blobs (sha256, body) VALUES (?1, ?2)")?;
        for (hash, body) in &group.bodies {
            if !stored.exists([hash])? {
                insert_body.execute(params![hash, body])?;
            }
        }
        let mut upsert = tx.prepare_cached(&format!(
            "{INSERT_PAGES} VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, \
             ?14, ?15, ?16) {ON_CONFLICT_PAGES} RETURNING id"
        ))?;
        for (i, w) in group.pages.iter().enumerate() {
            let id = upsert.query_row(
                params![
                    w.run_id,
                    w.url,
                    w.kind,
                    w.unit,
                    w.status,
                    w.error,
                    w.fetched_at,
                    w.content_type,
                    w.encoding,
                    w.etag,
                    w.last_modified,
                    w.sha256,
                    w.size,
                    w.request_head,
                    w.response_head,
                    w.reused_from,
                ],
                |row| row.get(0),
            )?;
            ids[i] = Some(id);
        }
    }
    tx.commit()?;
    group.ids(writes, &ids)
}
