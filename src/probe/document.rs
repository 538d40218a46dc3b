//! A document page: the element holding its title (as the list gave it), the block of
//! catalogue labels (索引号, 发布机构, 发布日期 …) and the attachment links.

use scraper::ElementRef;

use super::css;
use super::session::Page;
use crate::extract::{collapse_ws, element_text, link_url, selector};

/// Labels of a catalogue metadata block.
const META_LABELS: [&str; 10] = [
    "索引号",
    "发布机构",
    "发文机关",
    "生成日期",
    "成文日期",
    "发布日期",
    "文号",
    "公开方式",
    "主题分类",
    "有效性",
];

/// Ends of attachment file names.
const FILE_ENDS: [&str; 12] = [
    ".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".zip", ".rar", ".ofd", ".txt", ".ppt",
];

/// The element whose whole text is the document's title (known from the list).
pub fn guess_title(page: &Page, title: &str) -> Option<String> {
    let doc = page.html()?;
    let wanted = collapse_ws(title);
    doc.select(&selector("h1, h2, h3, div, p, td, span"))
        .filter(|el| element_text(*el) == wanted)
        .find_map(css::token)
        .or_else(|| {
            doc.select(&selector("h1, h2"))
                .find(|el| element_text(*el) == wanted)
                .map(|el| el.value().name().to_string())
        })
}

/// The smallest named element holding two or more catalogue labels.
pub fn guess_meta_table(page: &Page) -> Option<String> {
    let doc = page.html()?;
    let labels = |el: ElementRef| {
        let text: String = element_text(el)
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{2002}')
            .collect();
        META_LABELS.iter().filter(|l| text.contains(*l)).count()
    };
    doc.root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|el| css::token(*el).is_some() && labels(*el) >= 2)
        .last()
        .and_then(css::token)
}

/// Links that name a file (by the URL's or the text's ending, or the download script).
pub fn file_links(page: &Page) -> Vec<url::Url> {
    let Some(doc) = page.html() else {
        return Vec::new();
    };
    let mut out: Vec<url::Url> = Vec::new();
    for a in doc.select(&selector("a[href]")) {
        let Some(url) = link_url(a, &page.url) else {
            continue;
        };
        let path = url.path().to_ascii_lowercase();
        let text = element_text(a).to_ascii_lowercase();
        let is_file = FILE_ENDS
            .iter()
            .any(|e| path.ends_with(e) || text.ends_with(e))
            || path.ends_with("download.jsp");
        if is_file && !out.contains(&url) {
            out.push(url);
        }
    }
    out
}

/// Selectors of the file links' nearest named containers (`ul.attachments a`).
pub fn guess_attachments(page: &Page) -> Vec<String> {
    let Some(doc) = page.html() else {
        return Vec::new();
    };
    let files = file_links(page);
    let links = selector("a[href]");
    let tokens = doc
        .select(&links)
        .filter(|a| link_url(*a, &page.url).is_some_and(|u| files.contains(&u)))
        .filter_map(|a| css::ancestor_tokens(a).into_iter().next())
        .map(|t| format!("{t} a"));
    css::dedup(tokens)
}
