//! The store: runs, fetched pages with their bodies (the evidence), what was read from them,
//! and findings. One interface over SQLite (default) and PostgreSQL, chosen by the URL scheme;
//! queries are checked at run time so one binary serves both.

mod error;
mod indicators;
mod jobs;
mod lease;
mod links;
mod mail_log;
mod pages;
mod records;
mod review;
mod rows;
mod runs;
#[cfg(feature = "testing")]
pub mod scratch;
mod turns;
mod writer;

pub use error::StoreError;
pub use indicators::{NewIndicatorDecision, RunColumn, RunDocument};
pub use jobs::{Job, JobCounts, JobKind, JobResult, JobState, MAX_ATTEMPTS};
pub use lease::{CrawlLease, LeaseHolder, CRAWL_LEASE_HEARTBEAT, CRAWL_LEASE_STALE};
pub use links::RunFetch;
pub use mail_log::{MailLogEntry, MailStatus, NewMail};
pub use pages::{PageKind, PageRecord, StoredPage};
pub use records::{AttachmentRow, ColumnRow, DocumentRow, MessageRow};
pub use review::{
    AuditEntry, Decision, DecisionStatus, EntryChange, EntryKind, Flag, Identity, LogLine,
    LoginFailures, ManualEntry, NewDecision, NewEntry, Role, Session, User,
};
pub use runs::{Run, RunStats, RunStatus};

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use sqlx::any::AnyPoolOptions;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyPool, Executor};

use crate::model::{Centi, Finding, FindingKind, FindingStatus, Reason, Section, Table};

/// Which database sits behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Handle to the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The page writer, started on the first page write (`writer`).
    writer: Arc<OnceLock<writer::Writer>>,
    /// The database file of a SQLite store (none in memory), which the page writer opens.
    sqlite_file: Option<PathBuf>,
}

/// The default database: a SQLite file in the working directory.
pub const DEFAULT_DB_URL: &str = "sqlite://gongkai.db";

impl Store {
    /// Opens (creating a SQLite file if needed) and migrates the database at `url`.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let (backend, url) = normalise_url(url)?;
        let mut options = AnyPoolOptions::new().max_connections(match backend {
            Backend::Sqlite => 4,
            Backend::Postgres => 8,
        });
        if backend == Backend::Sqlite {
            // A SQLite connection is a file handle that cannot go stale: no ping (a round trip
            // to the connection's thread) before every query.
            options = options.test_before_acquire(false);
            options = options.after_connect(|conn, _| {
                Box::pin(async move {
                    // WAL with synchronous = NORMAL: a commit is a write to the log without an
                    // fsync, so that a crawl's many small commits cost little CPU and I/O; a
                    // committed page survives the process dying (only a power cut may lose the
                    // last commits, never the database).
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                         PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;",
                    )
                    .await?;
                    Ok(())
                })
            });
        }
        let pool = options
            .connect(&url)
            .await
            .map_err(|e| StoreError::connect(&url, e))?;
        let sqlite_file = match backend {
            Backend::Sqlite => sqlite_file(&url)?,
            Backend::Postgres => None,
        };
        let store = Store {
            pool,
            backend,
            writer: Arc::new(OnceLock::new()),
            sqlite_file,
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let result = match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&self.pool).await,
            Backend::Postgres => sqlx::migrate!("migrations/postgres").run(&self.pool).await,
        };
        result.map_err(|e| StoreError::Migrate(e.to_string()))
    }

    /// Serialises writers of the same records on PostgreSQL (two workers on one unit when a
    /// lease expired under a slow but living worker), so that delete-then-insert never
    /// interleaves into duplicates. SQLite has one writer at a time already.
    pub(crate) async fn lock_for(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        key: &str,
    ) -> Result<(), StoreError> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1)::bigint)")
                .bind(key)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// Closes every connection (waits for those in use to come back), after committing the
    /// page writes already queued; page writes after this fail.
    pub async fn close(&self) {
        if let Some(writer) = self.writer.get() {
            writer.close().await;
        }
        self.pool.close().await;
    }

    /// The page writer, started by the first page write.
    fn writer(&self) -> &writer::Writer {
        self.writer.get_or_init(|| {
            let target = match &self.sqlite_file {
                Some(path) => writer::Target::SqliteFile(path.clone()),
                None => writer::Target::Pool(self.pool.clone(), self.backend),
            };
            writer::Writer::spawn(target)
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Replaces the findings of one unit in a run (a re-check after --resume).
    pub async fn replace_findings(
        &self,
        run_id: i64,
        unit: &str,
        findings: &[Finding],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        self.lock_for(&mut tx, &format!("findings/{run_id}/{unit}"))
            .await?;
        sqlx::query("DELETE FROM findings WHERE run_id = $1 AND unit = $2")
            .bind(run_id)
            .bind(unit)
            .execute(&mut *tx)
            .await?;
        let now = chrono::Utc::now().to_rfc3339();
        let rows = findings
            .iter()
            .map(|f| {
                Ok(FindingInsert {
                    unit: f.unit.clone(),
                    table: f.table.as_str(),
                    section: f.section.as_str(),
                    item: i64::from(f.item),
                    points: f.points.points(),
                    kind: kind_str(f.kind),
                    reason: f.reason.as_str(),
                    detail: f.detail.clone(),
                    evidence: serde_json::to_string(&f.evidence)?,
                    status: f.status.as_str(),
                    key: f.key.clone(),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        rows::insert(
            &mut tx,
            "INSERT INTO findings (run_id, unit, tbl, section, item, points, kind, reason, detail, evidence, status, fkey, created_at)",
            13,
            &rows,
            |q, f| {
                q.bind(run_id)
                    .bind(&f.unit)
                    .bind(f.table)
                    .bind(f.section)
                    .bind(f.item)
                    .bind(f.points)
                    .bind(f.kind)
                    .bind(f.reason)
                    .bind(&f.detail)
                    .bind(&f.evidence)
                    .bind(f.status)
                    .bind(&f.key)
                    .bind(now.clone())
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The findings of a run, ordered by unit, section and item.
    pub async fn findings(&self, run_id: i64) -> Result<Vec<Finding>, StoreError> {
        let rows: Vec<FindingRow> = sqlx::query_as(
            "SELECT id, run_id, unit, tbl, section, item, points, kind, reason, detail, evidence, status, fkey
             FROM findings WHERE run_id = $1 ORDER BY id",
        )
        .bind(run_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Finding::try_from).collect()
    }
}

/// The file of a SQLite URL; none for an in-memory database, which only the pool's
/// connections can see.
fn sqlite_file(url: &str) -> Result<Option<PathBuf>, StoreError> {
    if url.contains(":memory:") || url.contains("mode=memory") {
        return Ok(None);
    }
    let options = SqliteConnectOptions::from_str(url).map_err(|e| StoreError::connect(url, e))?;
    Ok(Some(options.get_filename().to_path_buf()))
}

fn normalise_url(url: &str) -> Result<(Backend, String), StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Backend::Postgres, url.to_string()));
    }
    if let Some(rest) = url.strip_prefix("sqlite:") {
        // Create the file on first use unless the URL says otherwise.
        let url = if rest.contains("mode=") || rest.contains(":memory:") {
            url.to_string()
        } else if rest.contains('?') {
            format!("{url}&mode=rwc")
        } else {
            format!("{url}?mode=rwc")
        };
        return Ok((Backend::Sqlite, url));
    }
    // The address may carry a password.
    Err(StoreError::UnsupportedUrl(error::redact(url)))
}

/// A findings row as written, its codes and evidence JSON ready to bind.
struct FindingInsert {
    unit: String,
    table: &'static str,
    section: &'static str,
    item: i64,
    points: f64,
    kind: &'static str,
    reason: &'static str,
    detail: String,
    evidence: String,
    status: &'static str,
    key: String,
}

fn kind_str(k: FindingKind) -> &'static str {
    match k {
        FindingKind::Deduction => "deduction",
        FindingKind::Question => "question",
    }
}

/// A findings row as stored: the model's enums as their codes, evidence as JSON. It becomes a
/// [`Finding`] in one place, so that a value the model does not know is reported with its column
/// and value (the derive's `#[sqlx(try_from)]` reports any conversion error of sqlx 0.8 as an
/// "unprintable error").
#[derive(sqlx::FromRow)]
struct FindingRow {
    id: i64,
    run_id: i64,
    unit: String,
    tbl: String,
    section: String,
    item: i64,
    points: f64,
    kind: String,
    reason: String,
    detail: String,
    evidence: String,
    status: String,
    fkey: String,
}

impl TryFrom<FindingRow> for Finding {
    type Error = StoreError;
    fn try_from(r: FindingRow) -> Result<Finding, StoreError> {
        Ok(Finding {
            id: Some(r.id),
            run_id: Some(r.run_id),
            decision: None,
            unit: r.unit,
            table: code(r.tbl)?,
            section: code(r.section)?,
            item: u32::try_from(r.item).map_err(|_| corrupt("item", r.item))?,
            points: Centi::try_from(r.points).map_err(|_| corrupt("points", r.points))?,
            kind: code(r.kind)?,
            reason: code(r.reason)?,
            detail: r.detail,
            evidence: serde_json::from_str(&r.evidence)?,
            status: code(r.status)?,
            key: r.fkey,
        })
    }
}

fn corrupt(column: &str, value: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("findings.{column} = {value}"))
}

/// A model enum read back from the code it is stored as.
fn code<T: StoredCode>(s: String) -> Result<T, StoreError> {
    T::from_code(&s).ok_or_else(|| corrupt(T::COLUMN, s))
}

/// The findings column a model enum is stored in, and its codes.
trait StoredCode: Sized {
    const COLUMN: &'static str;
    fn from_code(code: &str) -> Option<Self>;
}

impl StoredCode for Table {
    const COLUMN: &'static str = "tbl";
    fn from_code(code: &str) -> Option<Self> {
        match code {
            "township" => Some(Table::Township),
            "department" => Some(Table::Department),
            _ => None,
        }
    }
}

impl StoredCode for Section {
    const COLUMN: &'static str = "section";
    fn from_code(code: &str) -> Option<Self> {
        match code {
            "item" => Some(Section::Item),
            "bonus" => Some(Section::Bonus),
            "penalty" => Some(Section::Penalty),
            _ => None,
        }
    }
}

impl StoredCode for FindingKind {
    const COLUMN: &'static str = "kind";
    fn from_code(code: &str) -> Option<Self> {
        match code {
            "deduction" => Some(FindingKind::Deduction),
            "question" => Some(FindingKind::Question),
            _ => None,
        }
    }
}

impl StoredCode for Reason {
    const COLUMN: &'static str = "reason";
    fn from_code(code: &str) -> Option<Self> {
        code.parse().ok()
    }
}

impl StoredCode for FindingStatus {
    const COLUMN: &'static str = "status";
    fn from_code(code: &str) -> Option<Self> {
        FindingStatus::parse(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Evidence;

    fn finding(reason: Reason, points: i64) -> Finding {
        Finding {
            unit: "田园镇".into(),
            table: Table::Department,
            section: Section::Penalty,
            item: 2,
            points: Centi(points),
            kind: FindingKind::Question,
            reason,
            detail: "自身标注为“不予公开”".into(),
            evidence: vec![Evidence {
                url: "http://x.gov.cn/a.pdf".into(),
                excerpt: "第1页".into(),
                page_id: Some(7),
            }],
            status: FindingStatus::Draft,
            key: "/info/1.htm".into(),
            id: None,
            run_id: None,
            decision: None,
        }
    }

    /// Every SQLite connection is in WAL mode with synchronous = NORMAL.
    #[tokio::test]
    async fn sqlite_connections_use_wal() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("w.db").display());
        let store = Store::connect(&url).await.unwrap();
        for _ in 0..3 {
            let mut conn = store.pool.acquire().await.unwrap();
            let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!((mode.as_str(), sync), ("wal", 1));
        }
    }

    /// Findings rows come back as they went in, and a code the model does not know is named
    /// with its column instead of being read as something else.
    #[tokio::test]
    async fn findings_rows_map_to_findings_and_unknown_codes_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = Store::connect(&url).await.unwrap();
        let run = store
            .create_run("县甲", "x.toml", "http://x.gov.cn/", 2020, "2020-12-15")
            .await
            .unwrap();
        let written = [
            finding(Reason::PdfNondisclosable, 500),
            finding(Reason::GuideOutdated, 33),
        ];
        store
            .replace_findings(run, "田园镇", &written)
            .await
            .unwrap();
        let back = store.findings(run).await.unwrap();
        assert_eq!(back.len(), 2);
        for (b, w) in back.iter().zip(&written) {
            assert_eq!(b.run_id, Some(run));
            assert!(b.id.is_some());
            let b = Finding {
                id: None,
                run_id: None,
                ..b.clone()
            };
            assert_eq!(&b, w);
        }

        sqlx::query("UPDATE findings SET reason = 'guide_gone' WHERE reason = 'guide_outdated'")
            .execute(&store.pool)
            .await
            .unwrap();
        let err = store.findings(run).await.unwrap_err();
        assert!(
            matches!(&err, StoreError::Corrupt(what) if what == "findings.reason = guide_gone"),
            "{err:?}"
        );
    }
}
