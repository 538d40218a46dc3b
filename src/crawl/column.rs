//! One leaf column: its page, every page of its list, or its single article.

use scraper::Html;

use super::recorder::{CrawlError, Recorder};
use crate::config::PortalConfig;
use crate::extract::list::{page_url, parse_column_page};
use crate::extract::tree::TreeColumn;
use crate::model::PageFailure;
use crate::snapshot::{ColumnSnapshot, ColumnState, DocumentSnapshot};
use crate::store::PageKind;

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
    let first = parse_column_page(&Html::parse_document(&got.text()), &config.pages, &got.url);
    snap.pages = 1;
    snap.page_dates = first.page_dates.clone();
    snap.empty_notice = first.empty_notice.clone();
    snap.state = if !first.items.is_empty() {
        ColumnState::List
    } else if first.article_text.as_deref().is_some_and(|t| !t.is_empty()) {
        ColumnState::Article
    } else if first.is_unrecognised() {
        ColumnState::Unrecognised
    } else {
        ColumnState::Empty
    };
    snap.article_text = first.article_text.clone().filter(|t| !t.is_empty());
    snap.attachments = first.attachments.clone();
    push_items(&mut snap.documents, first.items, 1);
    let total = first.total_pages.min(config.crawl.max_pages_per_column);
    if first.total_pages > total {
        snap.problems.push(PageFailure::ColumnOverCap {
            total: first.total_pages,
            read: total,
        });
    }
    for k in 2..=total {
        let Some(url) = page_url(&config.pages.page_url, &got.url, k, first.total_pages) else {
            continue;
        };
        match rec
            .fetch(&url, PageKind::ListPage, Some(unit), None)
            .await?
        {
            Ok(page) => {
                let parsed = parse_column_page(
                    &Html::parse_document(&page.text()),
                    &config.pages,
                    &page.url,
                );
                push_items(&mut snap.documents, parsed.items, k);
                snap.pages += 1;
            }
            Err(failure) => {
                snap.problems
                    .push(PageFailure::ListPage { page: k, failure });
            }
        }
    }
    Ok(snap)
}

fn push_items(
    docs: &mut Vec<DocumentSnapshot>,
    items: Vec<crate::extract::list::ListItem>,
    page: usize,
) {
    for (i, item) in items.into_iter().enumerate() {
        if docs.iter().any(|d| d.url == item.url) {
            continue;
        }
        docs.push(DocumentSnapshot {
            url: item.url,
            title: item.title,
            title_cut: item.title_cut,
            published: item.date,
            list_page: page,
            list_position: i + 1,
            attachments: None,
        });
    }
}
