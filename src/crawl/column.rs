//! One leaf column: its page, every page of its list, or its single article.

use super::jpage;
use super::recorder::{CrawlError, Got, Recorder};
use crate::config::PortalConfig;
use crate::extract::list::{page_url_with, parse_column_page, ColumnPage};
use crate::extract::tree::TreeColumn;
use crate::model::PageFailure;
use crate::snapshot::{ColumnSnapshot, ColumnState, DateDoubt, DocumentSnapshot};
use crate::store::PageKind;

/// List pages missing one after the other before the pager is no longer believed: a pager
/// that claims thousands of pages that are not there must not cost thousands of requests.
pub(super) const MISSING_PAGES_IN_ROW: usize = 3;

pub(super) async fn crawl_column(
    rec: &Recorder,
    config: &PortalConfig,
    unit: &str,
    col: &TreeColumn,
) -> Result<ColumnSnapshot, CrawlError> {
    let mut snap = ColumnSnapshot::of(col, ColumnState::Unreachable);
    let got = match rec
        .fetch(&col.url, PageKind::Column, Some(unit), None)
        .await?
    {
        Ok(got) => got,
        Err(e) => {
            snap.problems.push(e.into());
            return Ok(snap);
        }
    };
    snap.page_id = Some(got.page_id);
    let mut first = match read_column_page(rec, config, &got).await {
        Ok(first) => first,
        Err(failure) => {
            snap.state = ColumnState::Unreadable;
            snap.problems.push(failure);
            return Ok(snap);
        }
    };
    snap.pages = 1;
    // A list served by a data proxy (Hanweb jpage): its entries replace the page's (none).
    let mut proxied = None;
    match first.proxy.take() {
        None => {}
        Some(Err(why)) => {
            rec.note_unreadable();
            snap.state = ColumnState::Unrecognised;
            snap.problems.push(PageFailure::ShapeMissed(why));
            return Ok(snap);
        }
        Some(Ok(source)) => {
            let list = jpage::read_list(rec, config, unit, &got.url, source).await?;
            snap.pages += list.requests;
            if list.items.is_empty() && !list.problems.is_empty() {
                // Nothing read: the column's entries are unknown, never "none".
                snap.state = if list.fetch_failed {
                    ColumnState::Unreachable
                } else if matches!(list.problems.first(), Some(PageFailure::ShapeMissed(_))) {
                    ColumnState::Unrecognised
                } else {
                    ColumnState::Unreadable
                };
                snap.problems.extend(list.problems);
                return Ok(snap);
            }
            snap.problems.extend(list.problems);
            first.has_list = true;
            first.total_pages = 1;
            first.pager_records = list.total;
            first.ignored.extend(list.ignored);
            first.items = Vec::new();
            proxied = Some((list.items, list.per_page));
        }
    }
    snap.page_dates = first.page_dates.clone();
    snap.impossible_dates = first.impossible_dates.clone();
    for _ in &snap.impossible_dates {
        rec.note_unreadable();
    }
    snap.empty_notice = first.empty_notice.clone();
    let has_items = !first.items.is_empty() || proxied.as_ref().is_some_and(|(i, _)| !i.is_empty());
    snap.state = if has_items {
        ColumnState::List
    } else if first.article_text.as_deref().is_some_and(|t| !t.is_empty()) {
        ColumnState::Article
    } else if first.is_unrecognised() {
        if let Some(why) = first.shape_missed() {
            rec.note_unreadable();
            snap.problems.push(PageFailure::ShapeMissed(why));
        }
        ColumnState::Unrecognised
    } else {
        ColumnState::Empty
    };
    snap.article_text = first.article_text.clone().filter(|t| !t.is_empty());
    snap.attachments = first.attachments.clone();
    snap.ignored = first.ignored.clone();
    match proxied {
        // Entries numbered by the list pages the site shows them on.
        Some((items, per_page)) => {
            let mut items = items.into_iter().peekable();
            let mut k = 1;
            while items.peek().is_some() {
                let page: Vec<_> = items.by_ref().take(per_page.max(1)).collect();
                push_items(rec, &mut snap.documents, page, k);
                k += 1;
            }
        }
        None => push_items(rec, &mut snap.documents, first.items, 1),
    }
    let total = first.total_pages.min(config.crawl.max_pages_per_column);
    if first.total_pages > total {
        snap.problems.push(PageFailure::ColumnOverCap {
            total: first.total_pages,
            read: total,
        });
    }
    let mut missing_in_row = 0;
    for k in 2..=total {
        if missing_in_row == MISSING_PAGES_IN_ROW {
            snap.problems.push(PageFailure::PagerStopped {
                claimed: first.total_pages,
                missing: missing_in_row,
                next: k,
            });
            break;
        }
        let Some(url) = page_url_with(
            &config.pages.page_url,
            &got.url,
            k,
            first.total_pages,
            &first.pager_vars,
        ) else {
            continue;
        };
        match rec
            .fetch(&url, PageKind::ListPage, Some(unit), None)
            .await?
        {
            Ok(page) => match read_column_page(rec, config, &page).await {
                // A page the pager announced, read without a single entry: its list is of
                // another shape (or broken), and its documents are unknown.
                Ok(parsed) if parsed.items.is_empty() => {
                    rec.note_unreadable();
                    snap.problems.push(PageFailure::ShapeMissed(format!(
                        "分页显示共{}页，但第{k}页没有读到任何条目",
                        first.total_pages
                    )));
                    snap.pages += 1;
                    missing_in_row = 0;
                }
                Ok(parsed) => {
                    snap.ignored.extend(parsed.ignored);
                    push_items(rec, &mut snap.documents, parsed.items, k);
                    snap.pages += 1;
                    missing_in_row = 0;
                }
                Err(failure) => {
                    snap.problems.push(failure);
                    missing_in_row += 1;
                }
            },
            Err(failure) => {
                snap.problems
                    .push(PageFailure::ListPage { page: k, failure });
                missing_in_row += 1;
            }
        }
    }
    // The pager's record count against what was read, when every page was read.
    if let Some(n) = first.pager_records {
        if snap.problems.is_empty() && snap.documents.len() < n {
            rec.note_unreadable();
            snap.problems.push(PageFailure::ShapeMissed(format!(
                "分页显示共{n}条，实际只读到{}条",
                snap.documents.len()
            )));
        }
    }
    Ok(snap)
}

/// A column or list page, read on the blocking pool.
pub(super) async fn read_column_page(
    rec: &Recorder,
    config: &PortalConfig,
    got: &Got,
) -> Result<ColumnPage, PageFailure> {
    let shapes = config.pages.clone();
    let url = got.url.clone();
    rec.read(got, move |html| parse_column_page(html, &shapes, &url))
        .await
}

fn push_items(
    rec: &Recorder,
    docs: &mut Vec<DocumentSnapshot>,
    items: Vec<crate::extract::list::ListItem>,
    page: usize,
) {
    for (i, item) in items.into_iter().enumerate() {
        if docs.iter().any(|d| d.url == item.url) {
            continue;
        }
        if item.impossible_date.is_some() {
            rec.note_unreadable();
        }
        // A date that names no real day leaves the entry undated (its page is then read),
        // whatever the URL suggests.
        let date = if item.impossible_date.is_some() {
            None
        } else {
            item.date
        };
        docs.push(DocumentSnapshot {
            url: item.url,
            title: item.title,
            title_cut: item.title_cut,
            published: date,
            list_page: page,
            list_position: i + 1,
            attachments: None,
            date_doubt: item.impossible_date.map(|written| DateDoubt::Impossible {
                written,
                place: "列表页".into(),
                other: item.date,
            }),
            page_id: None,
            text: None,
            text_cut: false,
        });
    }
}
