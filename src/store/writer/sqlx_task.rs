//! The page writer as a task on the runtime, its statements sent through sqlx: PostgreSQL, and
//! an in-memory SQLite database.

use sqlx::{AnyConnection, AnyPool, Connection, Row};
use tokio::sync::mpsc;

use super::{answer, Gathered, Group, Msg, PageWrite};
use crate::store::{rows, Backend, StoreError};

pub(super) async fn run(pool: AnyPool, backend: Backend, mut rx: mpsc::Receiver<Msg>) {
    let mut conn: Option<AnyConnection> = None;
    let mut gathered = Gathered::default();
    while let Some(msg) = rx.recv().await {
        gathered.take(msg, &mut rx);
        if gathered.batch.is_empty() {
            continue;
        }
        let writes: Vec<&PageWrite> = gathered.batch.iter().map(|(w, _)| &**w).collect();
        let result = match connection(&pool, &mut conn).await {
            Ok(c) => write_group(c, backend, &writes).await,
            Err(e) => Err(e),
        };
        let Err(alone) = answer(&mut gathered.batch, result) else {
            continue;
        };
        conn = None;
        for (write, ack) in alone {
            let result = match connection(&pool, &mut conn).await {
                Ok(c) => write_group(c, backend, &[&*write]).await.map(|ids| ids[0]),
                Err(e) => Err(e),
            };
            if result.is_err() {
                conn = None;
            }
            let _ = ack.send(result);
        }
    }
    if let Some(conn) = conn {
        let _ = conn.close().await;
    }
    gathered.closed();
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

/// Writes `writes` in one transaction, a few statements for the whole group. Ids in `writes`'
/// order.
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
    let group = Group::of(writes);
    for chunk in rows::chunks(&group.bodies) {
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
    let mut ids = vec![None; group.pages.len()];
    for chunk in rows::chunks(&group.pages) {
        for row in upsert_pages(&mut tx, chunk).await? {
            let url: String = row.try_get(1)?;
            if let Some(i) = group.at(row.try_get(0)?, &url) {
                ids[i] = Some(row.try_get(2)?);
            }
        }
    }
    tx.commit().await?;
    group.ids(writes, &ids)
}

/// Inserts page rows, or replaces the run's row of the same URL (which keeps its id); each
/// row's `(run_id, url, id)`.
async fn upsert_pages(
    conn: &mut AnyConnection,
    pages: &[&PageWrite],
) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
    let sql = format!(
        "{} VALUES {} {} RETURNING run_id, url, id",
        super::INSERT_PAGES,
        rows::placeholders(pages.len(), 16),
        super::ON_CONFLICT_PAGES,
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
