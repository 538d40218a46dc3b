//! Naming elements the way a description does: by tag and id or class (`ul.unit-list`,
//! `div#content`), from the elements a guess found on a sample page.

use scraper::ElementRef;

/// `tag#id` when the element has an id that is not generated (no digits: `fanye159415` and
/// `line_u9_0` change from page to page), else `tag.class` of its first usable class.
pub fn token(el: ElementRef<'_>) -> Option<String> {
    let v = el.value();
    let tag = v.name().to_ascii_lowercase();
    if let Some(id) = v.id() {
        if is_ident(id) && !id.chars().any(|c| c.is_ascii_digit()) {
            return Some(format!("{tag}#{id}"));
        }
    }
    v.classes()
        .find(|c| is_ident(c))
        .map(|class| format!("{tag}.{class}"))
}

/// The element's ancestors (nearest first), elements only, up to `body`.
pub fn ancestors(el: ElementRef<'_>) -> Vec<ElementRef<'_>> {
    el.ancestors()
        .filter_map(ElementRef::wrap)
        .take_while(|a| !matches!(a.value().name(), "body" | "html"))
        .collect()
}

/// Tokens of the element's ancestors that have one, nearest first.
pub fn ancestor_tokens(el: ElementRef<'_>) -> Vec<String> {
    ancestors(el).into_iter().filter_map(token).collect()
}

/// A CSS identifier we can write without escaping.
fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '-')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && s.len() <= 64
}

/// Distinct values in first-seen order.
pub fn dedup(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    #[test]
    fn generated_ids_give_way_to_classes() {
        let doc = Html::parse_document(
            r#"<div id="content"><span id="fanye1594" class="pager x"><a>1</a></span></div>"#,
        );
        let a = doc.select(&crate::extract::selector("a")).next().unwrap();
        assert_eq!(ancestor_tokens(a), ["span.pager", "div#content"]);
    }
}
