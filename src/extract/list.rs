//! A column's page: its list items and pager, or the text of a single-article column.

use scraper::Html;
use url::Url;

use super::dates::{find_stamp, stamp_in_url, Stamp};
use super::{collapse_ws, element_text, first_text, link_url, meta_content, selector};
use crate::config::PageShapes;

/// One entry of a column list.
#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    pub url: Url,
    /// Title from the `title` attribute when present (the full one), else the link text.
    pub title: String,
    /// True when the title we have is cut short (`…`/`...`) and no full one was given.
    pub title_cut: bool,
    pub date: Option<Stamp>,
}

/// What a column's page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnPage {
    pub items: Vec<ListItem>,
    /// Page count announced by the pager (1 when there is none).
    pub total_pages: usize,
    /// Text of a single-article column (without notices), when the page is one.
    pub article_text: Option<String>,
    /// The page has the list element (possibly empty).
    pub has_list: bool,
    /// The empty-column notice the page shows, if any.
    pub empty_notice: Option<String>,
    /// Dates the page shows for itself (PubDate meta, 更新日期), newest first.
    pub page_dates: Vec<Stamp>,
}

impl ColumnPage {
    /// No document and no text of its own.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.article_text.as_deref().is_none_or(str::is_empty)
    }

    /// The page has none of the shapes we know (no list, no article body, no notice): the
    /// machine cannot say whether the column is empty.
    pub fn is_unrecognised(&self) -> bool {
        self.items.is_empty()
            && !self.has_list
            && self.article_text.is_none()
            && self.empty_notice.is_none()
    }
}

/// Reads a column page with the portal's shapes.
pub fn parse_column_page(doc: &Html, shapes: &PageShapes, page_url: &Url) -> ColumnPage {
    let mut items = Vec::new();
    let link_sel = selector("a[href]");
    let date_sel = selector(&shapes.list_date);
    for li in doc.select(&selector(&shapes.list_item)) {
        let Some(a) = li.select(&link_sel).next() else {
            continue;
        };
        let Some(url) = link_url(a, page_url) else {
            continue;
        };
        let text = element_text(a);
        let attr = a
            .value()
            .attr("title")
            .map(collapse_ws)
            .filter(|t| !t.is_empty());
        let title = attr.clone().unwrap_or_else(|| text.clone());
        let title_cut = attr.is_none() && is_cut(&title);
        let date = li
            .select(&date_sel)
            .next()
            .and_then(|d| find_stamp(&element_text(d)))
            .or_else(|| find_stamp(&element_text(li)))
            .or_else(|| stamp_in_url(url.as_str()));
        items.push(ListItem {
            url,
            title,
            title_cut,
            date,
        });
    }
    let total_pages = doc
        .select(&selector(&shapes.pager))
        .next()
        .and_then(|p| {
            let re = regex::Regex::new(&shapes.pager_total_regex).ok()?;
            let text = element_text(p);
            re.captures(&text)?.get(1)?.as_str().parse::<usize>().ok()
        })
        .unwrap_or(1)
        .max(1);
    let notices = &shapes.empty_notices;
    let body_text = doc
        .select(&selector(&shapes.article_body))
        .next()
        .map(element_text);
    let article_text = body_text.map(|t| {
        let mut t = t;
        for n in notices {
            t = t.replace(n.as_str(), "");
        }
        t.trim().to_string()
    });
    let right_text = doc.root_element().text().collect::<String>();
    let empty_notice = notices
        .iter()
        .find(|n| right_text.contains(n.as_str()))
        .cloned();
    let mut page_dates: Vec<Stamp> = meta_content(doc, "PubDate")
        .and_then(|d| find_stamp(&d))
        .into_iter()
        .chain(first_text(doc, &shapes.update_time).and_then(|t| find_stamp(&t)))
        .chain(labelled_dates(&right_text))
        .collect();
    page_dates.sort_by_key(|s| std::cmp::Reverse(s.datetime()));
    page_dates.dedup();
    let has_list = doc
        .select(&selector(&shapes.list_container))
        .next()
        .is_some();
    ColumnPage {
        items,
        total_pages,
        has_list,
        article_text,
        empty_notice,
        page_dates,
    }
}

/// Labels after which a page states its own date.
const DATE_LABELS: [&str; 5] = ["更新日期", "更新时间", "发布时间", "发布日期", "发文日期"];

/// Dates written right after a label such as 更新日期： or 发布时间： anywhere on the page.
fn labelled_dates(text: &str) -> Vec<Stamp> {
    let mut out = Vec::new();
    for label in DATE_LABELS {
        for (i, _) in text.match_indices(label) {
            let after = &text[i + label.len()..];
            // Only a date standing right after the label (a colon and spaces between).
            let head: String = after.chars().take(24).collect();
            let trimmed = head.trim_start_matches([':', '：', ' ', '\u{3000}', '\u{a0}']);
            if trimmed.starts_with(|c: char| c.is_ascii_digit()) {
                out.extend(find_stamp(trimmed));
            }
        }
    }
    out
}

/// A list title cut short by the CMS.
pub fn is_cut(title: &str) -> bool {
    let t = title.trim_end();
    t.ends_with('…') || t.ends_with("...") || t.ends_with("。。。")
}

/// URL of page `k` (2 ≤ k ≤ total) of a column, from the portal's `page_url` template.
pub fn page_url(template: &str, column: &Url, k: usize, total: usize) -> Option<Url> {
    let path = column.path();
    let stem = path.rsplit_once('.').map_or(path, |(s, _)| s);
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let rel = template
        .replace("{stem}", stem)
        .replace("{dir}", dir)
        .replace("{k}", &k.to_string())
        .replace("{k0}", &(k - 1).to_string())
        .replace("{rev}", &(total + 1 - k).to_string());
    column.join(&rel).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vsb_pages_count_down() {
        let col = Url::parse("http://x/bmym/fgj/zfxxgkpt/fdzdgknr/zcwj.htm").unwrap();
        let t = "{stem}/{rev}.htm";
        assert_eq!(
            page_url(t, &col, 2, 11).unwrap().path(),
            "/bmym/fgj/zfxxgkpt/fdzdgknr/zcwj/10.htm"
        );
        assert_eq!(
            page_url(t, &col, 11, 11).unwrap().path(),
            "/bmym/fgj/zfxxgkpt/fdzdgknr/zcwj/1.htm"
        );
    }

    #[test]
    fn a_page_states_its_date_after_a_label() {
        let dates =
            labelled_dates("指南正文 自2019年1月起施行。发布时间：2020-02-21 16:40 来源：办公室");
        assert_eq!(dates.len(), 1);
        assert_eq!(dates[0].to_text(), "2020-02-21 16:40");
        assert!(labelled_dates("本指南于2019年发布时间不详").is_empty());
    }

    #[test]
    fn trs_pages_count_up() {
        let col = Url::parse("http://x/zwgk/zcwj/index.html").unwrap();
        assert_eq!(
            page_url("{dir}/index_{k0}.html", &col, 2, 5)
                .unwrap()
                .path(),
            "/zwgk/zcwj/index_1.html"
        );
    }
}
