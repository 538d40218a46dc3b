//! A Hanweb column's list from its data proxy: group after group of records `POST`ed for with
//! the form fields of the page's own script, until the stated record count is read.

use url::Url;

use super::recorder::{CrawlError, Recorder};
use crate::config::PortalConfig;
use crate::extract::jpage::{parse_datastore, read_records, JpageSource};
use crate::extract::list::ListItem;
use crate::model::PageFailure;
use crate::store::PageKind;

/// What the proxy gave for one column.
#[derive(Debug, Default)]
pub(super) struct ProxyList {
    /// Entries in the proxy's order (the embedded group's first).
    pub items: Vec<ListItem>,
    /// Records whose link is not of the document shape.
    pub ignored: Vec<String>,
    /// The record count the proxy (or the page) states.
    pub total: Option<usize>,
    /// Entries per list page on the site.
    pub per_page: usize,
    /// Requests made to the proxy.
    pub requests: usize,
    /// Groups that could not be fetched or read.
    pub problems: Vec<PageFailure>,
    /// The first problem was a fetch failure (the proxy did not answer), not an unreadable
    /// answer.
    pub fetch_failed: bool,
}

pub(super) async fn read_list(
    rec: &Recorder,
    config: &PortalConfig,
    unit: &str,
    column_url: &Url,
    source: JpageSource,
) -> Result<ProxyList, CrawlError> {
    let mut list = ProxyList {
        total: source.total,
        per_page: source.per_page,
        ignored: source.embedded_ignored.clone(),
        ..ProxyList::default()
    };
    list.items = source.embedded.clone();
    let mut start = source.embedded_records + 1;
    let cap = config.crawl.max_pages_per_column;
    loop {
        if list.total.is_some_and(|t| start > t) {
            break;
        }
        if list.requests == cap {
            list.problems.push(PageFailure::ColumnOverCap {
                total: list
                    .total
                    .map_or(cap + 1, |t| t.div_ceil(source.per_request)),
                read: cap,
            });
            break;
        }
        let group = list.requests + 1;
        let url = source.group_url(start);
        let got = match rec
            .fetch_form(&url, &source.form, PageKind::ListPage, Some(unit))
            .await?
        {
            Ok(got) => got,
            Err(failure) => {
                list.fetch_failed |= list.problems.is_empty();
                list.problems.push(PageFailure::ListPage {
                    page: group,
                    failure,
                });
                break;
            }
        };
        list.requests += 1;
        let shapes = config.pages.clone();
        let base = column_url.clone();
        let read = rec
            .read_text(&got, move |text| {
                parse_datastore(text).map(|store| {
                    let (items, ignored) = read_records(&store.records, &shapes, &base);
                    (store.total, store.records.len(), items, ignored)
                })
            })
            .await;
        let (total, records, items, ignored) = match read {
            Ok(Some(group)) => group,
            Ok(None) => {
                rec.note_unreadable();
                list.problems.push(PageFailure::ShapeMissed(format!(
                    "栏目列表数据接口的第{group}组回答不是列表数据（{url}）"
                )));
                break;
            }
            Err(failure) => {
                list.problems.push(failure);
                break;
            }
        };
        list.total = total.or(list.total);
        let new = items
            .iter()
            .filter(|i| !list.items.iter().any(|seen| seen.url == i.url))
            .count();
        list.items.extend(items);
        list.ignored.extend(ignored);
        if records == 0 {
            break;
        }
        // A proxy that answers the same records whatever is asked would never end.
        if new == 0 && list.total.is_none() {
            break;
        }
        start += records;
    }
    // The page states entries the proxy did not give: the form was not the one the site
    // answers (a field misread), never an empty column.
    if let Some(stated) = source.total.filter(|n| *n > 0) {
        if list.items.is_empty() && list.ignored.is_empty() && list.problems.is_empty() {
            rec.note_unreadable();
            list.problems.push(PageFailure::ShapeMissed(format!(
                "页面脚本显示共{stated}条，但栏目列表数据接口没有返回任何条目（{}）",
                source.proxy
            )));
        }
    }
    Ok(list)
}
