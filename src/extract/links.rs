//! The links of a page for the link check (链接可用性): every `<a href>`, resolved against the page
//! (or its `<base href>`), without its fragment, once per page; script, mail and phone links and
//! in-page anchors are not links to check, nor is anything but http(s).

use std::collections::HashSet;

use scraper::{ElementRef, Html};
use url::Url;

use super::{collapse_ws, element_text, selector};

/// Link texts longer than this are cut (a link around a whole block of text).
const MAX_TEXT_CHARS: usize = 80;

/// A link of a page and its text there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundLink {
    pub url: Url,
    pub text: String,
}

/// The links of `doc`, a page at `page_url`, in document order, each URL once (its first text).
pub fn links_of(doc: &Html, page_url: &Url) -> Vec<FoundLink> {
    let base = doc
        .select(&selector("base[href]"))
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| page_url.join(h.trim()).ok())
        .filter(|b| matches!(b.scheme(), "http" | "https"))
        .unwrap_or_else(|| page_url.clone());
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for a in doc.select(&selector("a[href]")) {
        let href = a.value().attr("href").unwrap_or_default().trim();
        if href.is_empty() || href.starts_with('#') {
            continue;
        }
        // javascript:, mailto:, tel:, data: … all end here: only http(s) is a page to open.
        let Ok(mut url) = base.join(href) else {
            continue;
        };
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            continue;
        }
        url.set_fragment(None);
        if !seen.insert(url.clone()) {
            continue;
        }
        out.push(FoundLink {
            url,
            text: link_text(a),
        });
    }
    out
}

/// The link's text; an image link's `alt`, or the link's `title`, when it has none.
fn link_text(a: ElementRef<'_>) -> String {
    let mut text = element_text(a);
    if text.is_empty() {
        text = a
            .select(&selector("img[alt]"))
            .filter_map(|img| img.value().attr("alt"))
            .map(collapse_ws)
            .find(|t| !t.is_empty())
            .or_else(|| a.value().attr("title").map(collapse_ws))
            .unwrap_or_default();
    }
    match text.char_indices().nth(MAX_TEXT_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_dedupes_and_skips_what_is_not_a_page() {
        let html = r##"<html><head><title>t</title></head><body>
            <a href="a.htm">甲</a>
            <a href=" /b.htm#part ">乙</a>
            <a href="/b.htm">乙again</a>
            <a href="#top">顶部</a>
            <a href="javascript:void(0)">脚本</a>
            <a href="JavaScript:alert(1)">脚本2</a>
            <a href="mailto:a@x.gov.cn">信</a>
            <a href="tel:0871">电话</a>
            <a href="">空</a>
            <a href="http://other.example/x?y=1" title="外">  </a>
            <a href="https://img.example/"><img src="i.png" alt="图 片"></a>
            <a href="ftp://x.gov.cn/f">ftp</a>
            <a>no href</a>
        </body></html>"##;
        let doc = Html::parse_document(html);
        let page = Url::parse("http://x.gov.cn/col/index.htm").unwrap();
        let found: Vec<(String, String)> = links_of(&doc, &page)
            .into_iter()
            .map(|l| (l.url.to_string(), l.text))
            .collect();
        assert_eq!(
            found,
            vec![
                ("http://x.gov.cn/col/a.htm".into(), "甲".into()),
                ("http://x.gov.cn/b.htm".into(), "乙".into()),
                ("http://other.example/x?y=1".into(), "外".into()),
                ("https://img.example/".into(), "图 片".into()),
            ]
        );
    }

    #[test]
    fn a_base_href_resolves_and_long_texts_are_cut() {
        let long = "长".repeat(100);
        let html = format!(
            r#"<html><head><base href="http://x.gov.cn/sub/"></head><body><a href="c.htm">{long}</a></body></html>"#
        );
        let doc = Html::parse_document(&html);
        let page = Url::parse("http://x.gov.cn/col/index.htm").unwrap();
        let found = links_of(&doc, &page);
        assert_eq!(found[0].url.as_str(), "http://x.gov.cn/sub/c.htm");
        assert_eq!(found[0].text.chars().count(), MAX_TEXT_CHARS + 1);
    }
}
