//! The county message board: list pages (newest first) until the year is left behind, then
//! the page of every message of the year whose 受理单位 is a configured unit. "The year" starts
//! at the assessment year's first day or, when earlier, at the start of the national
//! indicators' window (`indicators.interaction_days` before as-of): 互动回应差 counts the
//! messages of the year before the check day, which may reach into the previous year.

use chrono::NaiveDate;
use futures::stream::{self, StreamExt};
use url::Url;

use super::recorder::{CrawlError, Got, Recorder};
use crate::config::PortalConfig;
use crate::extract::list::{page_url_with, pager_total, pager_vars};
use crate::extract::messages::{parse_message, parse_message_list, MessageRowLink};
use crate::model::PageFailure;
use crate::snapshot::MessageSnapshot;
use crate::store::{MessageRow, PageKind};

/// Messages read, each with the configured unit it maps to; and the problems met on the way,
/// each with the unit it concerns (`None`: the whole board, every unit).
pub struct Board {
    pub messages: Vec<(Option<String>, MessageSnapshot)>,
    pub errors: Vec<(Option<String>, PageFailure)>,
}

pub async fn crawl_board(
    rec: &Recorder,
    config: &PortalConfig,
    base: &Url,
    as_of: NaiveDate,
) -> Result<Board, CrawlError> {
    let mut errors = Vec::new();
    let year_start = NaiveDate::from_ymd_opt(config.portal.year, 1, 1)
        .unwrap_or(NaiveDate::MIN)
        .min(as_of - chrono::Duration::days(i64::from(config.indicators.interaction_days)));
    let Ok(first_url) = base.join(&config.messages.list) else {
        return Err(CrawlError::Config(format!(
            "messages.list 无效：{}",
            config.messages.list
        )));
    };
    let mut rows: Vec<MessageRowLink> = Vec::new();
    let first = match rec
        .fetch(&first_url, PageKind::Messages, None, None)
        .await?
    {
        Ok(g) => g,
        Err(e) => {
            errors.push((None, PageFailure::BoardHome(e)));
            return Ok(Board {
                messages: Vec::new(),
                errors,
            });
        }
    };
    let (first_rows, total, vars) = match read_list(rec, config, &first).await {
        Ok(read) => read,
        Err(failure) => {
            errors.push((None, failure));
            return Ok(Board {
                messages: Vec::new(),
                errors,
            });
        }
    };
    let mut done = all_before(&first_rows, year_start);
    rows.extend(first_rows);
    let pager_url = config.messages.pager_shapes(&config.pages).page_url;
    let last = total.min(config.crawl.max_pages_per_column);
    let mut k = 2;
    let mut missing_in_row = 0;
    while !done && k <= last {
        if missing_in_row == super::column::MISSING_PAGES_IN_ROW {
            errors.push((
                None,
                PageFailure::PagerStopped {
                    claimed: total,
                    missing: missing_in_row,
                    next: k,
                },
            ));
            break;
        }
        // Page numbers come from the real total (VSB counts down), not from the cap.
        let Some(url) = page_url_with(&pager_url, &first.url, k, total, &vars) else {
            break;
        };
        match rec.fetch(&url, PageKind::Messages, None, None).await? {
            Ok(page) => match read_list(rec, config, &page).await {
                Ok((doc_rows, _, _)) => {
                    done = all_before(&doc_rows, year_start);
                    rows.extend(doc_rows);
                    missing_in_row = 0;
                }
                Err(failure) => {
                    errors.push((None, failure));
                    missing_in_row += 1;
                }
            },
            Err(failure) => {
                errors.push((None, PageFailure::BoardPage { page: k, failure }));
                missing_in_row += 1;
            }
        }
        k += 1;
    }
    if !done && total > last && missing_in_row < super::column::MISSING_PAGES_IN_ROW {
        errors.push((None, PageFailure::BoardOverCap { total, read: last }));
    }
    let wanted: Vec<MessageRowLink> = rows
        .into_iter()
        .filter(|r| {
            r.date
                .is_none_or(|d| d.date >= year_start && d.date <= as_of)
        })
        .filter(|r| match r.unit.as_deref() {
            Some(u) if config.unit_by_alias(u).is_none() => {
                tracing::warn!(unit = %crate::telemetry::escaped(u), url = %r.url, "受理单位未对应到配置中的单位，留言未计入");
                false
            }
            _ => true,
        })
        .collect();
    let results: Vec<_> = stream::iter(wanted)
        .map(|row| async move {
            let got = rec.fetch(&row.url, PageKind::Message, None, None).await?;
            Ok::<_, CrawlError>((row, got))
        })
        .buffered(config.crawl.concurrency.max(1) * 2)
        .collect()
        .await;
    let mut messages = Vec::new();
    let mut records = Vec::new();
    for r in results {
        let (row, got) = r?;
        let listed_unit = row
            .unit
            .as_deref()
            .and_then(|u| config.unit_by_alias(u))
            .map(|u| u.name.clone());
        let got = match got {
            Ok(g) => g,
            Err(failure) => {
                let title = row.title.clone();
                errors.push((listed_unit, PageFailure::Message { title, failure }));
                continue;
            }
        };
        let board = config.messages.clone();
        let page = match rec
            .read(&got, move |html| parse_message(html, &board))
            .await
        {
            Ok(page) => page,
            Err(failure) => {
                errors.push((listed_unit, failure));
                continue;
            }
        };
        let unit_raw = page.unit.clone().or(row.unit.clone()).unwrap_or_default();
        let unit = config.unit_by_alias(&unit_raw).map(|u| u.name.clone());
        let Some(submitted) = page.submitted.or(row.date) else {
            errors.push((
                unit.clone().or(listed_unit),
                PageFailure::MessageUndated {
                    title: row.title.clone(),
                    url: row.url.to_string(),
                },
            ));
            continue;
        };
        // Dates that cannot both be true, or a submission years after as-of: a question with
        // both values, never a message silently counted or dropped.
        let concerned = unit.clone().or(listed_unit.clone());
        if let (Some(list), Some(on_page)) = (row.date, page.submitted) {
            if list.date != on_page.date {
                rec.note_unreadable();
                errors.push((
                    concerned,
                    PageFailure::MessageDatesDisagree {
                        title: row.title.clone(),
                        url: row.url.to_string(),
                        list: list.to_text(),
                        page: on_page.to_text(),
                    },
                ));
                continue;
            }
        }
        if (submitted.date - as_of).num_days() > 366 {
            rec.note_unreadable();
            errors.push((
                concerned,
                PageFailure::MessageDateImplausible {
                    title: row.title.clone(),
                    url: row.url.to_string(),
                    submitted: submitted.to_text(),
                    as_of: as_of.to_string(),
                },
            ));
            continue;
        }
        let status = page.status.clone().unwrap_or_default();
        records.push(MessageRow {
            url: row.url.to_string(),
            title: row.title.clone(),
            unit_raw: unit_raw.clone(),
            unit: unit.clone(),
            submitted: submitted.to_text(),
            replied: page.replied.map(|r| r.to_text()),
            status_text: status.clone(),
        });
        messages.push((
            unit,
            MessageSnapshot {
                url: row.url,
                title: row.title,
                unit_raw,
                submitted,
                replied: page.replied,
                status,
                page_id: Some(got.page_id),
                has_reply: page.has_reply,
            },
        ));
    }
    rec.store().replace_messages(rec.run_id(), &records).await?;
    Ok(Board { messages, errors })
}

/// A page of the board's list: its rows, the page count its pager announces and the pager's
/// variables.
type PagerRead = (Vec<MessageRowLink>, usize, Vec<(String, String)>);

/// A page of the board's list, read on the blocking pool.
async fn read_list(
    rec: &Recorder,
    config: &PortalConfig,
    got: &Got,
) -> Result<PagerRead, PageFailure> {
    let shapes = config.messages.pager_shapes(&config.pages);
    let board = config.messages.clone();
    let url = got.url.clone();
    rec.read(got, move |html| {
        (
            parse_message_list(html, &board, &url),
            pager_total(html, &shapes),
            pager_vars(html, &shapes),
        )
    })
    .await
}

fn all_before(rows: &[MessageRowLink], start: NaiveDate) -> bool {
    !rows.is_empty() && rows.iter().all(|r| r.date.is_some_and(|d| d.date < start))
}
