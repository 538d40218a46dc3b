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
    /// The text of the body (`pages.article_body`) without the names of attachments; `None`
    /// when the page has no body of that shape.
    pub text: Option<String>,
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
    let text = body_text(doc, shapes);
    DocumentPage {
        title,
        published,
        impossible_date,
        disclosure,
        attachments,
        text,
    }
}

/// File extensions of links whose text is a file's name, not the document's words.
const FILE_EXTENSIONS: [&str; 12] = [
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".ofd", ".zip", ".rar", ".7z", ".txt",
];

/// The text of a document's body (`pages.article_body`): the words the document says. The
/// names of its attachments are left out (an attachment's file name is neither the document's
/// title nor its text): links of the portal's attachment shape and links to files, as well as
/// scripts and styles. `None` when the page has no body of that shape.
pub fn body_text(doc: &Html, shapes: &PageShapes) -> Option<String> {
    let body = doc.select(shapes.article_body.selector()).next()?;
    let mut skip: std::collections::HashSet<_> = body
        .select(shapes.attachments.selector())
        .map(|a| a.id())
        .collect();
    for a in body.select(&selector("a[href]")) {
        let href = a.value().attr("href").unwrap_or_default().to_lowercase();
        let path = href.split(['?', '#']).next().unwrap_or_default();
        let name = element_text(a).to_lowercase();
        if FILE_EXTENSIONS.iter().any(|e| {
            path.ends_with(e)
                || href.contains(&format!("{e}&"))
                || href.ends_with(e)
                || name.ends_with(e)
        }) {
            skip.insert(a.id());
        }
    }
    let mut words = Vec::new();
    for node in body.descendants() {
        let Some(text) = node.value().as_text() else {
            continue;
        };
        let hidden = node.ancestors().any(|a| {
            skip.contains(&a.id())
                || a.value()
                    .as_element()
                    .is_some_and(|e| matches!(e.name(), "script" | "style"))
        });
        if !hidden {
            words.push(&**text);
        }
    }
    Some(collapse_ws(&words.join(" ")))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_text_leaves_out_attachment_names_scripts_and_the_catalogue() {
        let config = crate::config::PortalConfig::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("selectors/fixture.toml"),
        )
        .unwrap();
        let html = Html::parse_document(
            r#"<html><body><table class="gk-meta"><tr><th>公开方式</th><td>主动公开</td></tr></table>
            <div id="vsb_content"><p>第一条 为规范保密审查工作，制定本制度。</p>
            <script>var x = "责任追究";</script>
            <p>附件：<a href="/files/投诉举报制度.docx">投诉举报制度.docx</a></p></div>
            <ul class="attachments"><li><a href="/system/_content/download.jsp?wbfileid=1">政策解读制度.pdf</a></li></ul>
            </body></html>"#,
        );
        let url = Url::parse("http://portal.test/info/1/1.htm").unwrap();
        let page = parse_document(&html, &config.pages, &url);
        let text = page.text.unwrap();
        assert!(text.contains("保密审查"), "{text}");
        for absent in ["主动公开", "责任追究", "投诉举报", "政策解读"] {
            assert!(!text.contains(absent), "{absent} in {text}");
        }
        // No body of the portal's shape: no text.
        let html = Html::parse_document("<html><body><p>保密审查</p></body></html>");
        assert_eq!(parse_document(&html, &config.pages, &url).text, None);
    }
}
