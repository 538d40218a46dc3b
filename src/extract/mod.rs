//! Reading the portal's HTML pages into plain data, driven by the selectors of the portal
//! description. Nothing here fetches; nothing here panics on broken markup.

pub mod dates;
pub mod detail;
pub mod jpage;
pub mod links;
pub mod list;
pub mod markup;
pub mod messages;
pub mod tree;

use scraper::{ElementRef, Html, Selector};

/// Parses one of gongkai's own fixed selectors (configured ones arrive compiled, as
/// [`crate::config::Css`]).
pub fn selector(css: &str) -> Selector {
    // Fall back to a selector that matches nothing rather than panic.
    Selector::parse(css)
        .unwrap_or_else(|_| Selector::parse("gongkai-never-matches").expect("static selector"))
}

/// The absolute URL an element's `href` points to, resolved against the page's URL.
pub fn link_url(el: ElementRef<'_>, page_url: &url::Url) -> Option<url::Url> {
    el.value()
        .attr("href")
        .and_then(|h| page_url.join(h.trim()).ok())
}

/// The visible text of an element, whitespace collapsed.
pub fn element_text(el: ElementRef<'_>) -> String {
    collapse_ws(&el.text().collect::<Vec<_>>().join(" "))
}

/// Collapses runs of whitespace (including full-width spaces and nbsp) into one space.
pub fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}' {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// The text of the first element matching `sel`, if any.
pub fn first_text(doc: &Html, sel: &Selector) -> Option<String> {
    doc.select(sel).next().map(element_text)
}

/// Content of `<meta name=NAME content=...>`.
pub fn meta_content(doc: &Html, name: &str) -> Option<String> {
    let sel = selector("meta[name]");
    doc.select(&sel)
        .find(|m| {
            m.value()
                .attr("name")
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
        .and_then(|m| m.value().attr("content"))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}
