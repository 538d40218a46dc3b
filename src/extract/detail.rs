//! A document page: full title, publication time, catalogue metadata and attachments.

use scraper::Html;
use url::Url;

use super::dates::{find_stamp, impossible_date, stamp_in_url, Stamp};
use super::{collapse_ws, element_text, link_url, meta_content, selector};
use crate::config::PageShapes;

/// An attachment link; the link text is the only hint of its type.
#[derive(Debug, Clone, PartialEq)]
pub struct AttachmentLink {
    pub url: Url,
    pub name: String,
}

impl AttachmentLink {
    /// The link text or URL names a PDF.
    pub fn looks_like_pdf(&self) -> bool {
        let name = self.name.to_lowercase();
        name.contains(".pdf") || self.url.path().to_lowercase().ends_with(".pdf")
    }
}

/// What a document page says of itself.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentPage {
    pub title: Option<String>,
    pub published: Option<Stamp>,
    /// A publication date the page writes that names no real day, when it writes no real one.
    pub impossible_date: Option<String>,
    /// The 公开方式 of the catalogue metadata, when given.
    pub disclosure: Option<String>,
    pub attachments: Vec<AttachmentLink>,
}

const PUBLISHED_LABELS: [&str; 4] = ["发布日期", "发文日期", "发布时间", "公开日期"];

/// Reads a document page with the portal's shapes.
pub fn parse_document(doc: &Html, shapes: &PageShapes, page_url: &Url) -> DocumentPage {
    let title = doc
        .select(shapes.detail_title.selector())
        .find_map(|el| {
            let t = if el.value().name() == "meta" {
                el.value().attr("content").map(collapse_ws)
            } else {
                Some(element_text(el))
            };
            t.filter(|t| !t.is_empty())
        })
        .or_else(|| meta_content(doc, "ArticleTitle"));
    let meta = meta_pairs(doc, shapes.detail_meta_table.selector());
    let from_meta = |labels: &[&str]| {
        meta.iter()
            .find(|(k, _)| labels.iter().any(|l| k.contains(l)))
            .map(|(_, v)| v.clone())
    };
    let pub_meta = meta_content(doc, "PubDate");
    let labelled = from_meta(&PUBLISHED_LABELS);
    let content = crate::extract::list::content_text(doc, shapes);
    let written = pub_meta
        .as_deref()
        .and_then(find_stamp)
        .or_else(|| labelled.as_deref().and_then(find_stamp))
        .or_else(|| {
            crate::extract::list::labelled_dates(&content)
                .into_iter()
                .next()
        });
    // A written date that names no real day is said, not replaced by the URL's.
    let impossible_date = match written {
        Some(_) => None,
        None => pub_meta
            .as_deref()
            .and_then(impossible_date)
            .or_else(|| labelled.as_deref().and_then(impossible_date))
            .or_else(|| {
                PUBLISHED_LABELS
                    .iter()
                    .filter_map(|l| content.find(l).map(|i| &content[i + l.len()..]))
                    .find_map(|after| impossible_date(&after.chars().take(24).collect::<String>()))
            }),
    };
    let published = written.or_else(|| stamp_in_url(page_url.as_str()));
    let disclosure = from_meta(&["公开方式", "公开属性"]).filter(|v| !v.is_empty());
    let attachments = attachment_links(doc, shapes, page_url);
    DocumentPage {
        title,
        published,
        impossible_date,
        disclosure,
        attachments,
    }
}

/// The attachment links of a page, without repeats.
pub fn attachment_links(doc: &Html, shapes: &PageShapes, page_url: &Url) -> Vec<AttachmentLink> {
    let mut attachments: Vec<AttachmentLink> = Vec::new();
    for a in doc.select(shapes.attachments.selector()) {
        let Some(url) = link_url(a, page_url) else {
            continue;
        };
        if attachments.iter().any(|x| x.url == url) {
            continue;
        }
        attachments.push(AttachmentLink {
            url,
            name: element_text(a),
        });
    }
    attachments
}

/// Label/value pairs of the metadata block: the cells of a `th`/`td` table, or (TRS, Hanweb)
/// items written `索&ensp;引&ensp;号：<font>value</font>`, one per `li`/`p`/`div`. Labels lose the
/// spaces that pad them.
fn meta_pairs(doc: &Html, table: &scraper::Selector) -> Vec<(String, String)> {
    let Some(table) = doc.select(table).next() else {
        return Vec::new();
    };
    let label = |k: &str| -> String {
        k.chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{2002}' && *c != '\u{3000}')
            .collect::<String>()
            .trim_end_matches(['：', ':'])
            .to_string()
    };
    let cell = selector("th, td");
    let cells: Vec<String> = table.select(&cell).map(element_text).collect();
    if !cells.is_empty() {
        return cells
            .chunks(2)
            .filter_map(|c| match c {
                [k, v] => Some((label(k), v.clone())),
                _ => None,
            })
            .collect();
    }
    table
        .select(&selector("li, p, div"))
        .filter_map(|item| {
            let text = element_text(item);
            let (k, v) = text.split_once(['：', ':'])?;
            let k = label(k);
            (!k.is_empty() && k.chars().count() <= 8).then(|| (k, v.trim().to_string()))
        })
        .collect()
}
