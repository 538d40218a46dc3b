//! The column tree of a unit's landing page: nested `<li><a/><ul>…</ul></li>`.

use scraper::{ElementRef, Html};
use url::Url;

use super::{element_text, link_url};

/// A column as the tree shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeColumn {
    pub name: String,
    pub url: Url,
    /// Names from the root, this one last.
    pub path: Vec<String>,
    pub children: Vec<TreeColumn>,
}

impl TreeColumn {
    pub fn is_leaf(&self) -> bool {
        self.children.is_empty()
    }

    /// The last path segment without its extension (`zcwj` of `…/zcwj.htm`).
    pub fn code(&self) -> String {
        url_code(&self.url)
    }
}

/// The last path segment of a URL without its extension.
pub fn url_code(url: &Url) -> String {
    let last = url
        .path_segments()
        .and_then(|mut s| s.next_back())
        .unwrap_or("");
    last.split('.').next().unwrap_or("").to_string()
}

/// Reads the tree under `tree`; links are resolved against `page_url`.
pub fn parse_tree(doc: &Html, tree: &scraper::Selector, page_url: &Url) -> Vec<TreeColumn> {
    let Some(root) = doc.select(tree).next() else {
        return Vec::new();
    };
    read_list(root, page_url, &[], 0)
}

fn read_list(ul: ElementRef<'_>, base: &Url, parents: &[String], depth: usize) -> Vec<TreeColumn> {
    if depth > 8 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for li in child_elements(ul, "li") {
        // The item's own link may be wrapped (<li><span><a>…); links of sub-lists are not it.
        let Some(a) = nearest(li, "a").into_iter().next() else {
            continue;
        };
        let Some(url) = link_url(a, base) else {
            continue;
        };
        let name = element_text(a);
        let mut path = parents.to_vec();
        path.push(name.clone());
        let children = nearest(li, "ul")
            .into_iter()
            .flat_map(|sub| read_list(sub, base, &path, depth + 1))
            .collect();
        out.push(TreeColumn {
            name,
            url,
            path,
            children,
        });
    }
    out
}

/// Descendants named `name` that are not inside a nested `ul`/`ol` (nor inside one another),
/// in document order.
fn nearest<'a>(el: ElementRef<'a>, name: &str) -> Vec<ElementRef<'a>> {
    let mut out = Vec::new();
    let mut stack: Vec<ElementRef<'a>> = el.children().filter_map(ElementRef::wrap).rev().collect();
    while let Some(e) = stack.pop() {
        let tag = e.value().name();
        if tag.eq_ignore_ascii_case(name) {
            out.push(e);
            continue;
        }
        if tag.eq_ignore_ascii_case("ul") || tag.eq_ignore_ascii_case("ol") {
            continue;
        }
        stack.extend(e.children().filter_map(ElementRef::wrap).rev());
    }
    out
}

fn child_elements<'a>(
    el: ElementRef<'a>,
    name: &'a str,
) -> impl Iterator<Item = ElementRef<'a>> + 'a {
    el.children()
        .filter_map(ElementRef::wrap)
        .filter(move |c| c.value().name().eq_ignore_ascii_case(name))
}

/// Every leaf column, depth first.
pub fn leaves(columns: &[TreeColumn]) -> Vec<&TreeColumn> {
    let mut out = Vec::new();
    for c in columns {
        if c.is_leaf() {
            out.push(c);
        } else {
            out.extend(leaves(&c.children));
        }
    }
    out
}

/// Every column with children.
pub fn parents(columns: &[TreeColumn]) -> Vec<&TreeColumn> {
    let mut out = Vec::new();
    for c in columns {
        if !c.is_leaf() {
            out.push(c);
            out.extend(parents(&c.children));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_links_and_wrapped_sub_lists_are_read() {
        let html = r#"<ul class="t">
          <li><a href="/a.htm">指南</a></li>
          <li class="has-sub"><span><a href="/p.htm">政策文件</a></span>
            <div><ul><li><a href="/p/c.htm">本部门文件</a></li></ul></div></li>
          <li>no link</li></ul>"#;
        let doc = Html::parse_document(html);
        let base = Url::parse("http://x/").unwrap();
        let tree = parse_tree(&doc, &crate::extract::selector("ul.t"), &base);
        assert_eq!(tree.len(), 2);
        assert_eq!(tree[1].name, "政策文件");
        assert_eq!(tree[1].children.len(), 1);
        assert_eq!(tree[1].children[0].path, vec!["政策文件", "本部门文件"]);
        assert_eq!(leaves(&tree).len(), 2);
    }
}
