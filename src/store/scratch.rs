//! Scratch PostgreSQL databases for tests and benchmarks: each gets its own, uniquely named,
//! created through the connection `admin_url` names (a user allowed to create databases), so
//! that tests can run in parallel.

use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::{Connection, Executor, PgConnection};

use super::StoreError;

/// The variable the tests read the PostgreSQL URL from (set by `.ci/run`).
pub const TEST_PG_URL_VAR: &str = "GONGKAI_TEST_PG_URL";

/// Creates a fresh database named after `label` and returns its URL.
pub async fn create_scratch_database(admin_url: &str, label: &str) -> Result<String, StoreError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let label: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(30)
        .collect();
    let name = format!(
        "gk_{label}_{}_{nanos}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = PgConnection::connect(admin_url)
        .await
        .map_err(|e| StoreError::connect(admin_url, e))?;
    admin
        .execute(format!("CREATE DATABASE \"{name}\"").as_str())
        .await?;
    admin.close().await?;
    let mut url = url::Url::parse(admin_url)
        .map_err(|e| StoreError::UnsupportedUrl(format!("{admin_url}（{e}）")))?;
    url.set_path(&format!("/{name}"));
    Ok(url.to_string())
}

/// Drops a database made by [`create_scratch_database`] (its connections are closed first).
pub async fn drop_scratch_database(admin_url: &str, url: &str) -> Result<(), StoreError> {
    let Some(name) = url::Url::parse(url)
        .ok()
        .map(|u| u.path().trim_start_matches('/').to_string())
        .filter(|n| n.starts_with("gk_"))
    else {
        return Err(StoreError::UnsupportedUrl(url.to_string()));
    };
    let mut admin = PgConnection::connect(admin_url)
        .await
        .map_err(|e| StoreError::connect(admin_url, e))?;
    admin
        .execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str())
        .await?;
    admin.close().await?;
    Ok(())
}
