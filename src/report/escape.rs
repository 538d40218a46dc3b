//! Escaping for HTML: every crawled string goes through [`text`]; every link through [`href`],
//! which only lets http(s) URLs become links.

/// Escapes text for HTML element content and quoted attribute values.
pub fn text(s: &str) -> String {
    crate::util::html_escape(s)
}

/// The escaped value of an `href` when `url` is an absolute http(s) URL; `None` otherwise.
pub fn href(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    match parsed.scheme() {
        "http" | "https" => Some(text(parsed.as_str())),
        _ => None,
    }
}

/// A link to `url` showing `label`, or the label and URL as plain text when `url` is not http(s).
pub fn link(url: &str, label: &str) -> String {
    match href(url) {
        Some(h) => format!(
            "<a href=\"{h}\" rel=\"noopener noreferrer\">{}</a>",
            text(label)
        ),
        None => format!("{}（{}）", text(label), text(url)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            text("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
    }

    #[test]
    fn only_http_links() {
        assert!(href("javascript:alert(1)").is_none());
        assert!(href("data:text/html,<b>").is_none());
        assert!(href(" JAVASCRIPT:alert(1)").is_none());
        assert_eq!(
            href("http://x.cn/a?b=1&c=\"2\"").as_deref(),
            Some("http://x.cn/a?b=1&amp;c=%222%22")
        );
        assert!(link("javascript:1", "<b>").starts_with("&lt;b&gt;"));
    }
}
