//! What the tests that run on PostgreSQL share: a fresh database per test (when
//! `GONGKAI_TEST_PG_URL` is set, as `.ci/run` does; otherwise the test says it skipped).

#![allow(dead_code)]

use gongkai::store::scratch::{create_scratch_database, drop_scratch_database, TEST_PG_URL_VAR};

/// A scratch PostgreSQL database, dropped by [`PgDb::drop_now`].
pub struct PgDb {
    admin: String,
    pub url: String,
}

impl PgDb {
    /// A fresh database for the test `label`, or `None` (with a skip message) without a URL.
    pub async fn fresh(label: &str) -> Option<PgDb> {
        let Ok(admin) = std::env::var(TEST_PG_URL_VAR) else {
            eprintln!(
                "SKIPPED on PostgreSQL: {label} (set {TEST_PG_URL_VAR}=postgres://… to run it; \
                 .ci/run does, via scripts/start-postgres.sh)"
            );
            return None;
        };
        let url = create_scratch_database(&admin, label)
            .await
            .unwrap_or_else(|e| {
                panic!("cannot create a scratch database via {TEST_PG_URL_VAR}: {e}")
            });
        Some(PgDb { admin, url })
    }

    pub async fn drop_now(self) {
        if let Err(e) = drop_scratch_database(&self.admin, &self.url).await {
            eprintln!("could not drop {}: {e}", self.url);
        }
    }
}
