//! A document page: full title, publication time, catalogue metadata and attachments.

use scraper::Html;
use url::Url;

use super::dates::{find_stamp, stamp_in_url, Stamp};
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
    let published = meta_content(doc, "PubDate")
        .and_then(|d| find_stamp(&d))
        .or_else(|| from_meta(&PUBLISHED_LABELS).and_then(|d| find_stamp(&d)))
        .or_else(|| {
            crate::extract::list::labelled_dates(&crate::extract::list::content_text(doc, shapes))
                .into_iter()
                .next()
        })
        .or_else(|| stamp_in_url(page_url.as_str()));
    let disclosure = from_meta(&["公开方式", "公开属性"]).filter(|v| !v.is_empty());
    let attachments = attachment_links(doc, shapes, page_url);
    DocumentPage {
        title,
        published,
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

/// Label/value pairs of a `th`/`td` metadata table.
fn meta_pairs(doc: &Html, table: &scraper::Selector) -> Vec<(String, String)> {
    let Some(table) = doc.select(table).next() else {
        return Vec::new();
    };
    let cell = selector("th, td");
    let cells: Vec<String> = table.select(&cell).map(element_text).collect();
    cells
        .chunks(2)
        .filter_map(|c| match c {
            [k, v] => Some((k.trim_end_matches(['：', ':']).to_string(), v.clone())),
            _ => None,
        })
        .collect()
}
