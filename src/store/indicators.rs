//! The indicators' records: home-page probes, each day's verdicts, and the read-only views of a
//! run's columns, documents and board that the column and interaction indicators judge.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

use super::{Store, StoreError};

/// An auditor's decision on one indicator of a judged day, as recorded.
#[derive(Debug, Clone, Copy)]
pub struct NewIndicatorDecision<'a> {
    pub code: &'a str,
    /// `site`, or the unit's name.
    pub scope: &'a str,
    /// The machine's verdict the decision was taken on.
    pub machine: Verdict,
    pub verdict: Verdict,
    pub note: &'a str,
}
use crate::indicators::judge::{DatedItem, ProbeRecord};
use crate::indicators::{code_of, Decision, IndicatorResult, Verdict};

/// How probe times are kept: UTC with milliseconds, sortable as text.
fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A column of a run with the documents recorded for it.
#[derive(Debug, Clone)]
pub struct RunColumn {
    pub unit: String,
    pub name: String,
    pub url: String,
    pub path: String,
    pub state: String,
    pub documents: i64,
}

/// A document of a run: its column, URL, title and date as recorded.
#[derive(Debug, Clone)]
pub struct RunDocument {
    pub unit: String,
    pub column_url: String,
    pub url: String,
    pub title: String,
    pub published: Option<String>,
}

impl Store {
    /// Stores one probe of `portal`'s home page.
    pub async fn record_probe(&self, portal: &str, p: &ProbeRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO probes (portal, url, at, ok, ms, status, error, items, dated_items,
                                 newest_date, newest_title, newest_url)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(portal)
        .bind(&p.url)
        .bind(stamp(p.at))
        .bind(i64::from(p.ok))
        .bind(p.ms)
        .bind(p.status.map(i64::from))
        .bind(p.error.clone())
        .bind(p.items)
        .bind(p.dated_items)
        .bind(p.newest.as_ref().map(|n| n.date.to_string()))
        .bind(p.newest.as_ref().map(|n| n.title.clone()))
        .bind(p.newest.as_ref().map(|n| n.url.clone()))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The probes of `portal` in `[from, to)`, oldest first.
    pub async fn probes(
        &self,
        portal: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<ProbeRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT url, at, ok, ms, status, error, items, dated_items, newest_date, newest_title,
                    newest_url
             FROM probes WHERE portal = $1 AND at >= $2 AND at < $3 ORDER BY at, id",
        )
        .bind(portal)
        .bind(stamp(from))
        .bind(stamp(to))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let at: String = r.try_get("at")?;
            let at = DateTime::parse_from_rfc3339(&at)
                .map_err(|e| StoreError::Corrupt(format!("probes.at {at}: {e}")))?
                .with_timezone(&Utc);
            let newest_date: Option<String> = r.try_get("newest_date")?;
            let newest = match newest_date {
                Some(d) => Some(DatedItem {
                    date: NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                        .map_err(|e| StoreError::Corrupt(format!("probes.newest_date {d}: {e}")))?,
                    title: r
                        .try_get::<Option<String>, _>("newest_title")?
                        .unwrap_or_default(),
                    url: r
                        .try_get::<Option<String>, _>("newest_url")?
                        .unwrap_or_default(),
                }),
                None => None,
            };
            out.push(ProbeRecord {
                url: r.try_get("url")?,
                at,
                ok: r.try_get::<i64, _>("ok")? != 0,
                ms: r.try_get("ms")?,
                status: r
                    .try_get::<Option<i64>, _>("status")?
                    .and_then(|s| u16::try_from(s).ok()),
                error: r.try_get("error")?,
                items: r.try_get("items")?,
                dated_items: r.try_get("dated_items")?,
                newest,
            });
        }
        Ok(out)
    }

    /// The newest finished run of `portal` counted to `day` or earlier.
    pub async fn run_for_day(
        &self,
        portal: &str,
        day: NaiveDate,
    ) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query(
            "SELECT id FROM runs WHERE portal = $1 AND status IN ('complete', 'partial')
             AND as_of <= $2 ORDER BY as_of DESC, id DESC LIMIT 1",
        )
        .bind(portal)
        .bind(day.to_string())
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => Some(r.try_get(0)?),
            None => None,
        })
    }

    /// Every column a run recorded, all units.
    pub async fn run_columns(&self, run_id: i64) -> Result<Vec<RunColumn>, StoreError> {
        let rows = sqlx::query(
            "SELECT unit, name, url, path, state, documents FROM columns WHERE run_id = $1 ORDER BY id",
        )
        .bind(run_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(RunColumn {
                    unit: r.try_get("unit")?,
                    name: r.try_get("name")?,
                    url: r.try_get("url")?,
                    path: r.try_get("path")?,
                    state: r.try_get("state")?,
                    documents: r.try_get("documents")?,
                })
            })
            .collect()
    }

    /// Every document a run recorded, all units.
    pub async fn run_documents(&self, run_id: i64) -> Result<Vec<RunDocument>, StoreError> {
        let rows = sqlx::query(
            "SELECT unit, column_url, url, title, published FROM documents WHERE run_id = $1 ORDER BY id",
        )
        .bind(run_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(RunDocument {
                    unit: r.try_get("unit")?,
                    column_url: r.try_get("column_url")?,
                    url: r.try_get("url")?,
                    title: r.try_get("title")?,
                    published: r.try_get("published")?,
                })
            })
            .collect()
    }

    /// The findings of a run with one of `reasons`: (unit, reason, key, detail).
    pub async fn run_findings_of(
        &self,
        run_id: i64,
        reasons: &[&str],
    ) -> Result<Vec<(String, String, String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT unit, reason, fkey, detail FROM findings WHERE run_id = $1 ORDER BY id",
        )
        .bind(run_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let reason: String = r.try_get("reason")?;
            if reasons.contains(&reason.as_str()) {
                out.push((
                    r.try_get("unit")?,
                    reason,
                    r.try_get("fkey")?,
                    r.try_get("detail")?,
                ));
            }
        }
        Ok(out)
    }

    /// The message board's list pages of a run: URL, status, error, stored copy.
    pub async fn run_board_pages(
        &self,
        run_id: i64,
    ) -> Result<Vec<(String, u16, Option<String>, Option<i64>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, url, status, error FROM pages WHERE run_id = $1 AND kind = 'messages' ORDER BY id",
        )
        .bind(run_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok((
                    r.try_get("url")?,
                    u16::try_from(r.try_get::<i64, _>("status")?).unwrap_or(0),
                    r.try_get("error")?,
                    Some(r.try_get("id")?),
                ))
            })
            .collect()
    }

    /// The board's messages of a run: URL, title, submitted, replied, status text.
    pub async fn run_messages(
        &self,
        run_id: i64,
    ) -> Result<Vec<(String, String, String, Option<String>, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT url, title, submitted, replied, status_text FROM messages WHERE run_id = $1 ORDER BY id",
        )
        .bind(run_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok((
                    r.try_get("url")?,
                    r.try_get("title")?,
                    r.try_get("submitted")?,
                    r.try_get("replied")?,
                    r.try_get("status_text")?,
                ))
            })
            .collect()
    }

    /// Replaces `portal`'s verdicts of `day`.
    pub async fn save_verdicts(
        &self,
        portal: &str,
        day: NaiveDate,
        run_id: Option<i64>,
        results: &[IndicatorResult],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        self.lock_for(&mut tx, &format!("indicators/{portal}/{day}"))
            .await?;
        sqlx::query("DELETE FROM indicator_verdicts WHERE portal = $1 AND day = $2")
            .bind(portal)
            .bind(day.to_string())
            .execute(&mut *tx)
            .await?;
        let now = Utc::now().to_rfc3339();
        for r in results {
            let json = serde_json::to_string(r).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            sqlx::query(
                "INSERT INTO indicator_verdicts (portal, day, code, scope, verdict, result, run_id, computed_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(portal)
            .bind(day.to_string())
            .bind(r.code)
            .bind(&r.scope)
            .bind(r.verdict.as_str())
            .bind(json)
            .bind(run_id)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The stored verdicts of `portal` on `day`: (code, scope, verdict, result JSON).
    pub async fn verdicts(
        &self,
        portal: &str,
        day: NaiveDate,
    ) -> Result<Vec<(String, String, String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT code, scope, verdict, result FROM indicator_verdicts
             WHERE portal = $1 AND day = $2 ORDER BY id",
        )
        .bind(portal)
        .bind(day.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok((
                    r.try_get("code")?,
                    r.try_get("scope")?,
                    r.try_get("verdict")?,
                    r.try_get("result")?,
                ))
            })
            .collect()
    }

    /// The stored judgement of `portal` on `day`: the run it read, when it was computed, and
    /// the results in their order (`None`: the day was not judged).
    pub async fn stored_day(
        &self,
        portal: &str,
        day: NaiveDate,
    ) -> Result<Option<(Option<i64>, String, Vec<IndicatorResult>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT result, run_id, computed_at FROM indicator_verdicts
             WHERE portal = $1 AND day = $2 ORDER BY id",
        )
        .bind(portal)
        .bind(day.to_string())
        .fetch_all(&self.pool)
        .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let run_id: Option<i64> = first.try_get("run_id")?;
        let computed_at: String = first.try_get("computed_at")?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let json: String = r.try_get("result")?;
            out.push(
                IndicatorResult::from_json(&json)
                    .map_err(|e| StoreError::Corrupt(format!("indicator_verdicts: {e}")))?,
            );
        }
        Ok(Some((run_id, computed_at, out)))
    }

    /// The newest judged day of `portal` that read `run_id`.
    pub async fn day_of_run(
        &self,
        portal: &str,
        run_id: i64,
    ) -> Result<Option<NaiveDate>, StoreError> {
        let row = sqlx::query(
            "SELECT MAX(day) FROM indicator_verdicts WHERE portal = $1 AND run_id = $2",
        )
        .bind(portal)
        .bind(run_id)
        .fetch_one(&self.pool)
        .await?;
        let day: Option<String> = row.try_get(0)?;
        Ok(day.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()))
    }

    /// Records (or replaces) auditors' decisions on a day's verdicts, each with its audit-log
    /// line, all in one transaction (one decision, or a bulk one).
    pub async fn decide_indicators(
        &self,
        portal: &str,
        day: NaiveDate,
        by: &str,
        decisions: &[NewIndicatorDecision<'_>],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        self.lock_for(&mut tx, &format!("indicators/{portal}/{day}"))
            .await?;
        let now = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        for d in decisions {
            let before: Option<String> = sqlx::query(
                "SELECT verdict FROM indicator_decisions
                 WHERE portal = $1 AND day = $2 AND code = $3 AND scope = $4",
            )
            .bind(portal)
            .bind(day.to_string())
            .bind(d.code)
            .bind(d.scope)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
            sqlx::query(
                "DELETE FROM indicator_decisions
                 WHERE portal = $1 AND day = $2 AND code = $3 AND scope = $4",
            )
            .bind(portal)
            .bind(day.to_string())
            .bind(d.code)
            .bind(d.scope)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO indicator_decisions (portal, day, code, scope, machine_verdict,
                     verdict, note, decided_by, decided_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(portal)
            .bind(day.to_string())
            .bind(d.code)
            .bind(d.scope)
            .bind(d.machine.as_str())
            .bind(d.verdict.as_str())
            .bind(d.note)
            .bind(by)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
            super::review::insert_log(
                &mut tx,
                &super::LogLine {
                    portal,
                    actor: by,
                    action: "indicator_decide",
                    unit: if d.scope == "site" { "" } else { d.scope },
                    subject: format!("{day} {}", d.code),
                    finding_id: None,
                    before: before.unwrap_or_else(|| d.machine.as_str().to_string()),
                    after: d.verdict.as_str().to_string(),
                    note: d.note,
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The auditors' decisions on `portal`'s verdicts of `day`: (code, scope, decision).
    pub async fn indicator_decisions(
        &self,
        portal: &str,
        day: NaiveDate,
    ) -> Result<Vec<(&'static str, String, Decision)>, StoreError> {
        let rows = sqlx::query(
            "SELECT code, scope, machine_verdict, verdict, note, decided_by, decided_at
             FROM indicator_decisions WHERE portal = $1 AND day = $2 ORDER BY id",
        )
        .bind(portal)
        .bind(day.to_string())
        .fetch_all(&self.pool)
        .await?;
        let verdict = |s: String| match s.as_str() {
            "pass" => Ok(Verdict::Pass),
            "veto" => Ok(Verdict::Veto),
            "question" => Ok(Verdict::Question),
            "deduct" => Ok(Verdict::Deduct),
            other => Err(StoreError::Corrupt(format!(
                "indicator_decisions: verdict {other}"
            ))),
        };
        let mut out = Vec::new();
        for r in rows {
            let code: String = r.try_get("code")?;
            let Some(code) = code_of(&code) else {
                continue;
            };
            out.push((
                code,
                r.try_get("scope")?,
                Decision {
                    machine_verdict: verdict(r.try_get("machine_verdict")?)?,
                    verdict: verdict(r.try_get("verdict")?)?,
                    note: r.try_get("note")?,
                    by: r.try_get("decided_by")?,
                    at: r.try_get("decided_at")?,
                },
            ));
        }
        Ok(out)
    }
}
