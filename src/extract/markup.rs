//! A cheap look at a page's markup before it is parsed: how many tags it opens and how deep
//! they nest. A hostile or broken page (100,000 unclosed `<div>`s) costs the HTML parser
//! time quadratic in its depth; measured first, such a page is refused instead of parsed.

/// Tags and nesting of one page, as its bytes write them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MarkupShape {
    /// Start tags.
    pub elements: usize,
    /// Deepest nesting of start tags not yet closed (void and self-closing tags, and the tags
    /// the parser closes by itself — `p`, `li`, `td`, `tr`, `option`, … — do not nest).
    pub depth: usize,
}

/// Limits of one page; over either, the page is not parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkupLimits {
    pub max_elements: usize,
    pub max_depth: usize,
}

impl Default for MarkupLimits {
    /// Real portal pages have a few thousand tags nested a few dozen deep; a list page of
    /// 1,000 entries stays under 20,000 tags.
    fn default() -> Self {
        MarkupLimits {
            max_elements: 100_000,
            max_depth: 1_000,
        }
    }
}

impl MarkupShape {
    pub fn within(&self, limits: &MarkupLimits) -> bool {
        self.elements <= limits.max_elements && self.depth <= limits.max_depth
    }
}

/// Elements without content, and elements whose end tag the parser implies when the next
/// sibling starts: neither makes the tree deeper.
const FLAT: [&str; 26] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "tbody", "thead", "tfoot",
    "colgroup",
];

/// Measures `html` in one pass over its bytes; script and style contents and comments are
/// skipped.
pub fn measure(html: &str) -> MarkupShape {
    let b = html.as_bytes();
    let mut shape = MarkupShape::default();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(off) = memchr(b'<', &b[i..]) {
        i += off + 1;
        match b.get(i) {
            Some(b'!') => {
                let end = if b[i..].starts_with(b"!--") {
                    "-->"
                } else {
                    ">"
                };
                i = find(b, i, end.as_bytes()).map_or(b.len(), |e| e + end.len());
            }
            Some(b'/')
                if b.get(i + 1).is_some_and(u8::is_ascii_alphabetic)
                    && !FLAT.contains(&tag_name(b, i + 1).as_str()) =>
            {
                depth = depth.saturating_sub(1);
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let name = tag_name(b, i);
                let close = memchr(b'>', &b[i..]).map_or(b.len(), |e| i + e);
                let self_closing = close > i && b.get(close - 1) == Some(&b'/');
                shape.elements += 1;
                if !self_closing && !FLAT.contains(&name.as_str()) {
                    depth += 1;
                    shape.depth = shape.depth.max(depth);
                }
                i = close;
                if matches!(name.as_str(), "script" | "style" | "textarea" | "title") {
                    let end = format!("</{name}");
                    match find_ignore_case(b, i, end.as_bytes()) {
                        Some(e) => i = e,
                        None => break,
                    }
                }
            }
            _ => {}
        }
    }
    shape
}

fn tag_name(b: &[u8], from: usize) -> String {
    b[from..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-' || **c == b':')
        .take(32)
        .map(|c| c.to_ascii_lowercase() as char)
        .collect()
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|c| *c == needle)
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn find_ignore_case(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ordinary_page_is_shallow() {
        let page = "<!DOCTYPE html><html><head><meta charset=utf-8><title>a<b</title>\
            <script>if (a<b && c<d) { x = '<div>'; }</script></head><body><!-- <div><div> -->\
            <ul><li><a href=x>1</a><li><a href=y>2</a></ul><p>text<p>more<br><img src=a />\
            </body></html>";
        let shape = measure(page);
        assert_eq!(shape.depth, 4, "{shape:?}"); // html > body > ul > a
        assert!(shape.within(&MarkupLimits::default()));
    }

    #[test]
    fn unclosed_divs_nest() {
        let page = "<div>".repeat(5_000);
        let shape = measure(&page);
        assert_eq!(shape.depth, 5_000);
        assert_eq!(shape.elements, 5_000);
        assert!(!shape.within(&MarkupLimits::default()));
        // Closed ones do not.
        assert_eq!(measure(&"<div></div>".repeat(5_000)).depth, 1);
    }

    #[test]
    fn broken_markup_does_not_panic() {
        for page in [
            "<",
            "<a",
            "</",
            "<!--",
            "<script>",
            "<div/",
            "<\u{4e2d}>",
            "<a\u{4e2d}",
        ] {
            let _ = measure(page);
        }
    }
}
