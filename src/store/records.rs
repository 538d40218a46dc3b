//! What the crawler read from the pages: columns, documents, attachments, messages. Written per
//! unit in one transaction (a few multi-row statements), replacing what an interrupted attempt
//! may have left.

use serde::Serialize;

use super::{rows, Flag, Store, StoreError};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ColumnRow {
    pub name: String,
    pub url: String,
    pub path: String,
    #[sqlx(try_from = "i64")]
    pub is_leaf: Flag,
    pub state: String,
    pub documents: i64,
    pub pages: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocumentRow {
    pub column_url: String,
    pub url: String,
    pub title: String,
    pub published: Option<String>,
    pub list_page: i64,
    pub list_position: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AttachmentRow {
    pub document_url: String,
    pub url: String,
    pub name: String,
    #[sqlx(try_from = "i64")]
    pub sampled: Flag,
    pub verdict: Option<String>,
    pub marking: Option<String>,
    pub marking_page: Option<i64>,
    pub reason: Option<String>,
    /// The whole PDF check as JSON, for a later run that reuses the stored file.
    #[serde(skip)]
    #[sqlx(default)]
    pub pdf_check: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MessageRow {
    pub url: String,
    pub title: String,
    pub unit_raw: String,
    pub unit: Option<String>,
    pub submitted: String,
    pub replied: Option<String>,
    pub status_text: String,
}

impl Store {
    /// Replaces the columns, documents and attachments recorded for a unit in a run.
    pub async fn replace_unit_records(
        &self,
        run_id: i64,
        unit: &str,
        columns: &[ColumnRow],
        documents: &[DocumentRow],
        attachments: &[AttachmentRow],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        self.lock_for(&mut tx, &format!("records/{run_id}/{unit}"))
            .await?;
        for table in ["columns", "documents", "attachments"] {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE run_id = $1 AND unit = $2"
            ))
            .bind(run_id)
            .bind(unit)
            .execute(&mut *tx)
            .await?;
        }
        let unit = unit.to_string();
        rows::insert(
            &mut tx,
            "INSERT INTO columns (run_id, unit, name, url, path, is_leaf, state, documents, pages)",
            9,
            columns,
            |q, c| {
                q.bind(run_id)
                    .bind(unit.clone())
                    .bind(&c.name)
                    .bind(&c.url)
                    .bind(&c.path)
                    .bind(i64::from(c.is_leaf.0))
                    .bind(&c.state)
                    .bind(c.documents)
                    .bind(c.pages)
            },
        )
        .await?;
        rows::insert(
            &mut tx,
            "INSERT INTO documents (run_id, unit, column_url, url, title, published, list_page, list_position)",
            8,
            documents,
            |q, d| {
                q.bind(run_id)
                    .bind(unit.clone())
                    .bind(&d.column_url)
                    .bind(&d.url)
                    .bind(&d.title)
                    .bind(d.published.as_deref())
                    .bind(d.list_page)
                    .bind(d.list_position)
            },
        )
        .await?;
        rows::insert(
            &mut tx,
            "INSERT INTO attachments (run_id, unit, document_url, url, name, sampled, verdict, marking, marking_page, reason, pdf_check)",
            11,
            attachments,
            |q, a| {
                q.bind(run_id)
                    .bind(unit.clone())
                    .bind(&a.document_url)
                    .bind(&a.url)
                    .bind(&a.name)
                    .bind(i64::from(a.sampled.0))
                    .bind(a.verdict.as_deref())
                    .bind(a.marking.as_deref())
                    .bind(a.marking_page)
                    .bind(a.reason.as_deref())
                    .bind(a.pdf_check.as_deref())
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces the message-board records of a run.
    pub async fn replace_messages(
        &self,
        run_id: i64,
        messages: &[MessageRow],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        self.lock_for(&mut tx, &format!("messages/{run_id}"))
            .await?;
        sqlx::query("DELETE FROM messages WHERE run_id = $1")
            .bind(run_id)
            .execute(&mut *tx)
            .await?;
        rows::insert(
            &mut tx,
            "INSERT INTO messages (run_id, url, title, unit_raw, unit, submitted, replied, status_text)",
            8,
            messages,
            |q, m| {
                q.bind(run_id)
                    .bind(&m.url)
                    .bind(&m.title)
                    .bind(&m.unit_raw)
                    .bind(m.unit.as_deref())
                    .bind(&m.submitted)
                    .bind(m.replied.as_deref())
                    .bind(&m.status_text)
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The columns recorded for a unit in a run.
    pub async fn columns(&self, run_id: i64, unit: &str) -> Result<Vec<ColumnRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT name, url, path, is_leaf, state, documents, pages FROM columns
             WHERE run_id = $1 AND unit = $2 ORDER BY id",
        )
        .bind(run_id)
        .bind(unit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The sampled attachments of a unit in a run (item 17/15's sample).
    pub async fn sampled_attachments(
        &self,
        run_id: i64,
        unit: &str,
    ) -> Result<Vec<AttachmentRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT document_url, url, name, sampled, verdict, marking, marking_page, reason
             FROM attachments WHERE run_id = $1 AND unit = $2 AND sampled = 1 ORDER BY id",
        )
        .bind(run_id)
        .bind(unit)
        .fetch_all(&self.pool)
        .await?)
    }
}
