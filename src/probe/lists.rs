//! The column pages: the repeated element holding a document link and a date (the list), the
//! pane it sits in (where notices and a page's own dates are read), the article body of a
//! single-article column and its 更新日期 element. Each guess is made from one sample page's
//! structure and kept only if the crawler's column reader reads it on all of them.

use regex::Regex;
use scraper::{ElementRef, Html};

use super::css;
use super::session::Page;
use crate::extract::dates::find_stamp;
use crate::extract::{element_text, link_url, selector};

/// A list shape guessed from one page.
#[derive(Debug, Clone, PartialEq)]
pub struct ListGuess {
    pub container: String,
    pub item: String,
    pub date: Option<String>,
    /// The pane around the list that holds no column tree.
    pub content: Option<String>,
}

/// The column tree's element on a page, if the tree selector finds one.
fn tree_root<'d>(doc: &'d Html, tree_css: &str) -> Option<ElementRef<'d>> {
    let sel = scraper::Selector::parse(tree_css).ok()?;
    doc.select(&sel).next()
}

fn inside(el: ElementRef<'_>, outer: Option<ElementRef<'_>>) -> bool {
    outer.is_some_and(|o| el.ancestors().any(|a| a.id() == o.id()))
}

fn contains(outer: ElementRef<'_>, el: Option<ElementRef<'_>>) -> bool {
    el.is_some_and(|e| e.id() == outer.id() || e.ancestors().any(|a| a.id() == outer.id()))
}

/// Links of the document shape on the page, outside the column tree.
pub fn document_links<'d>(
    doc: &'d Html,
    page: &Page,
    shape: &Regex,
    tree_css: &str,
) -> Vec<ElementRef<'d>> {
    let tree = tree_root(doc, tree_css);
    doc.select(&selector("a[href]"))
        .filter(|a| !inside(*a, tree))
        .filter(|a| {
            link_url(*a, &page.url).is_some_and(|u| match u.query() {
                Some(q) => shape.is_match(&format!("{}?{q}", u.path())),
                None => shape.is_match(u.path()),
            })
        })
        .collect()
}

/// The list of a page: the element repeated among its siblings that holds a document link,
/// grouped by container; the container with the most entries wins.
pub fn guess(page: &Page, shape: &Regex, tree_css: &str) -> Option<ListGuess> {
    let doc = page.html()?;
    let links = document_links(&doc, page, shape, tree_css);
    let tree = tree_root(&doc, tree_css);
    let holds_link = |el: ElementRef| {
        links
            .iter()
            .any(|a| a.ancestors().any(|x| x.id() == el.id()))
    };
    // (container, item tag, items), one per container.
    let mut groups: Vec<(ElementRef, String, Vec<ElementRef>)> = Vec::new();
    for a in &links {
        let item = css::ancestors(*a).into_iter().find(|x| {
            let Some(parent) = x.parent().and_then(ElementRef::wrap) else {
                return false;
            };
            let tag = x.value().name();
            let siblings = parent
                .children()
                .filter_map(ElementRef::wrap)
                .filter(|s| s.value().name() == tag && holds_link(*s))
                .count();
            siblings >= 2 || (links.len() == 1 && matches!(tag, "li" | "tr" | "dl"))
        });
        let Some(item) = item else { continue };
        let Some(parent) = item.parent().and_then(ElementRef::wrap) else {
            continue;
        };
        let at = match groups.iter().position(|(c, _, _)| c.id() == parent.id()) {
            Some(at) => at,
            None => {
                groups.push((parent, item.value().name().to_string(), Vec::new()));
                groups.len() - 1
            }
        };
        let entry = &mut groups[at];
        if !entry.2.iter().any(|i| i.id() == item.id()) {
            entry.2.push(item);
        }
    }
    let (container, tag, items) = groups.into_iter().max_by_key(|(_, _, i)| i.len())?;
    let (container_css, item_css) = match css::token(container) {
        Some(t) => (t.clone(), format!("{t} > {tag}")),
        None => {
            let outer = css::ancestor_tokens(container).into_iter().next()?;
            let name = container.value().name();
            (format!("{outer} {name}"), format!("{outer} {name} > {tag}"))
        }
    };
    let date = date_css(&items);
    let content = css::ancestors(container)
        .into_iter()
        .find(|x| css::token(*x).is_some() && !contains(*x, tree))
        .and_then(css::token);
    Some(ListGuess {
        container: container_css,
        item: item_css,
        date,
        content,
    })
}

/// The element inside the entries that holds only a date, named by its class or tag.
fn date_css(items: &[ElementRef<'_>]) -> Option<String> {
    let mut seen: Vec<(String, usize)> = Vec::new();
    for item in items {
        for el in item.descendants().filter_map(ElementRef::wrap).skip(1) {
            if el.value().name() == "a" || el.select(&selector("a")).next().is_some() {
                continue;
            }
            let text = element_text(el);
            if text.chars().count() > 24 || find_stamp(&text).is_none() {
                continue;
            }
            let tag = el.value().name().to_ascii_lowercase();
            // Without a class, the element after its sibling (`dd + dd`: the first `dd` holds
            // the title, which may name a date of its own).
            let after = el
                .prev_siblings()
                .find_map(ElementRef::wrap)
                .map(|p| format!("{} + {tag}", p.value().name().to_ascii_lowercase()));
            let name = el
                .value()
                .classes()
                .next()
                .map(|c| format!(".{c}"))
                .or(after)
                .unwrap_or(tag);
            match seen.iter_mut().find(|(n, _)| *n == name) {
                Some((_, k)) => *k += 1,
                None => seen.push((name, 1)),
            }
            break;
        }
    }
    seen.into_iter().max_by_key(|(_, k)| *k).map(|(n, _)| n)
}

/// A Hanweb column page's list: the named container of the element its jpage script fills
/// (`$('#5244').jpage(…)`), and the pane around it that holds no column tree.
pub fn jpage_container(page: &Page, tree_css: &str) -> Option<(String, Option<String>)> {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#"\(\s*['"]#([\w-]+)['"]\s*\)\s*\.jpage"#).expect("static regex")
    });
    let doc = page.html()?;
    let id = re.captures(&page.text)?.get(1)?.as_str().to_string();
    let target = doc
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
        .find(|el| el.value().id() == Some(id.as_str()))?;
    let tree = tree_root(&doc, tree_css);
    let named: Vec<ElementRef> = css::ancestors(target)
        .into_iter()
        .filter(|a| css::token(*a).is_some() && !contains(*a, tree))
        .collect();
    let container = named.first().and_then(|e| css::token(*e))?;
    let content = named.get(1).and_then(|e| css::token(*e));
    Some((container, content))
}

/// The date element of a data proxy's records (each record one entry).
pub fn record_date(records: &[String]) -> Option<String> {
    let wrapped: String = records
        .iter()
        .map(|r| format!("<div class=\"gk-jpage-record\">{r}</div>"))
        .collect();
    let doc = Html::parse_document(&wrapped);
    let items: Vec<ElementRef> = doc.select(&selector("div.gk-jpage-record")).collect();
    date_css(&items)
}

/// The element a single-article page's text is in: the deepest one with an id or class
/// holding most of the pane's text (headings and 更新日期 lines aside).
pub fn guess_body(page: &Page, content: Option<&str>, tree_css: &str) -> Option<String> {
    let doc = page.html()?;
    let tree = tree_root(&doc, tree_css);
    let pane = content
        .and_then(|c| scraper::Selector::parse(c).ok())
        .and_then(|s| doc.select(&s).next())
        .unwrap_or_else(|| doc.root_element());
    let total = element_text(pane).chars().count();
    if total == 0 {
        return None;
    }
    pane.descendants()
        .filter_map(ElementRef::wrap)
        .skip(1)
        .filter(|el| !inside(*el, tree) && !contains(*el, tree))
        .filter(|el| css::token(*el).is_some())
        .filter(|el| element_text(*el).chars().count() * 2 >= total)
        .last()
        .and_then(css::token)
}

/// The element whose text is a page's 更新日期 / 更新时间.
pub fn guess_update_time(page: &Page) -> Option<String> {
    let doc = page.html()?;
    doc.root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|el| {
            let text = element_text(*el);
            (text.starts_with("更新日期") || text.starts_with("更新时间"))
                && text.chars().count() <= 40
                && find_stamp(&text).is_some()
        })
        .last()
        .and_then(css::token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(html: &str) -> Page {
        Page {
            url: url::Url::parse("http://x/bmym/a/zfxxgkpt/zcwj.htm").unwrap(),
            text: html.to_string(),
        }
    }

    #[test]
    fn the_repeated_entry_and_its_date_are_found() {
        let p = page(
            r#"<div class="left"><ul class="tree"><li><a href="/info/1/1.htm">x</a></li></ul></div>
            <div class="right"><ul class="news-list">
            <li><a href="/info/1/2.htm">通知一</a><span class="date">2020/11/18</span></li>
            <li><a href="/info/1/3.htm">通知二</a><span class="date">2020/11/10</span></li>
            </ul></div>"#,
        );
        let shape = Regex::new(r"/info/\d+/\d+\.htm$").unwrap();
        let g = guess(&p, &shape, "ul.tree").unwrap();
        assert_eq!(g.container, "ul.news-list");
        assert_eq!(g.item, "ul.news-list > li");
        assert_eq!(g.date.as_deref(), Some(".date"));
        assert_eq!(g.content.as_deref(), Some("div.right"));
    }

    #[test]
    fn rows_of_dl_are_entries() {
        let p = page(
            r#"<div class="gk-list"><dl><dd><a href="./202603/t20260313_1.htm">a</a></dd><dd>2026-03-10</dd></dl>
            <dl><dd><a href="./202603/t20260313_2.htm">b</a></dd><dd>2026-03-11</dd></dl></div>"#,
        );
        let shape = Regex::new(r"/t\d{8}_\d+\.s?html?$").unwrap();
        let g = guess(&p, &shape, "ul.none").unwrap();
        assert_eq!(g.item, "div.gk-list > dl");
        assert_eq!(g.date.as_deref(), Some("dd + dd"));
    }
}
