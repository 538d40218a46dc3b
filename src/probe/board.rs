//! The county message board: the link to it (留言, 咨询, 信箱 …), the rows of its list, and on a
//! message page the labelled fields (提交时间, 受理单位, 受理状态, 回复时间) and the reply block.

use scraper::ElementRef;
use url::Url;

use super::css;
use super::draft::{LABEL_REPLY_TIME, LABEL_STATUS, LABEL_SUBMITTED, LABEL_UNIT};
use super::session::Page;
use crate::extract::{element_text, link_url, selector};

/// Words of a board's link, most telling first.
const WORDS: [&str; 8] = [
    "咨询投诉",
    "留言",
    "信箱",
    "咨询",
    "投诉",
    "诉求",
    "来信",
    "互动",
];

/// In-scope links of the pages whose short text names a board, most telling first.
pub fn board_links(pages: &[&Page]) -> Vec<Url> {
    let mut found: Vec<(usize, Url)> = Vec::new();
    for page in pages {
        let Some(doc) = page.html() else { continue };
        for a in doc.select(&selector("a[href]")) {
            let text = element_text(a);
            if text.chars().count() > 10 {
                continue;
            }
            let Some(rank) = WORDS.iter().position(|w| text.contains(w)) else {
                continue;
            };
            if let Some(url) = link_url(a, &page.url) {
                if !found.iter().any(|(_, u)| *u == url) {
                    found.push((rank, url));
                }
            }
        }
    }
    found.sort_by_key(|(rank, _)| *rank);
    found.into_iter().map(|(_, u)| u).collect()
}

/// The rows of the table holding the most linked rows (`table.msg-table tr`).
pub fn guess_rows(page: &Page) -> Option<String> {
    let doc = page.html()?;
    let link = selector("a[href]");
    let tr = selector("tr");
    let table = doc
        .select(&selector("table"))
        // The innermost tables only: a layout table holds the list table's rows too.
        .filter(|t| t.select(&selector("table")).nth(1).is_none())
        .max_by_key(|t| {
            t.select(&tr)
                .filter(|r| r.select(&link).next().is_some())
                .count()
        })?;
    match css::token(table) {
        Some(t) => Some(format!("{t} tr")),
        None => css::ancestor_tokens(table)
            .into_iter()
            .next()
            .map(|t| format!("{t} table tr")),
    }
}

/// Every label a board field may have.
fn all_labels() -> impl Iterator<Item = &'static str> {
    LABEL_SUBMITTED
        .into_iter()
        .chain(LABEL_UNIT)
        .chain(LABEL_STATUS)
        .chain(LABEL_REPLY_TIME)
}

/// The label an element's text starts with (`提交时间：2020-11-25`), a value following it (a
/// `<strong>提交时间：</strong>` alone is the label, not the field).
fn label_of(el: ElementRef<'_>) -> Option<&'static str> {
    let text = element_text(el);
    let (k, v) = text.split_once(['：', ':'])?;
    if v.trim().is_empty() {
        return None;
    }
    let k = k.trim();
    all_labels().find(|l| *l == k)
}

/// What a message page shows: the selector of its labelled fields, and of its reply block.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldsGuess {
    pub meta_fields: String,
    pub reply: Option<String>,
    /// The labels seen, as written.
    pub labels: Vec<String>,
}

/// The labelled fields of a message page: the deepest elements whose text is `label：value`,
/// named by their container (`div.msg-meta span`); the reply block is the named container of
/// the reply-time field that does not hold the submission time.
pub fn guess_fields(page: &Page) -> Option<FieldsGuess> {
    let doc = page.html()?;
    let fields: Vec<(ElementRef, &str)> = doc
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter_map(|el| label_of(el).map(|l| (el, l)))
        // The deepest: an element whose child is itself a field is a block, not a field.
        .filter(|(el, _)| {
            !el.descendants()
                .filter_map(ElementRef::wrap)
                .skip(1)
                .any(|d| label_of(d).is_some())
        })
        .collect();
    if fields.is_empty() {
        return None;
    }
    let selectors = css::dedup(fields.iter().filter_map(|(el, _)| {
        let tag = el.value().name();
        css::ancestor_tokens(*el)
            .into_iter()
            .next()
            .map(|t| format!("{t} {tag}"))
    }));
    if selectors.is_empty() {
        return None;
    }
    let submitted = fields
        .iter()
        .find(|(_, l)| LABEL_SUBMITTED.contains(l))
        .map(|(el, _)| *el);
    let reply = fields
        .iter()
        .find(|(_, l)| LABEL_REPLY_TIME.contains(l))
        .and_then(|(el, _)| {
            css::ancestors(*el).into_iter().find(|a| {
                css::token(*a).is_some()
                    && !submitted.is_some_and(|s| s.ancestors().any(|x| x.id() == a.id()))
            })
        })
        .and_then(css::token);
    Some(FieldsGuess {
        meta_fields: selectors.join(", "),
        reply,
        labels: css::dedup(fields.iter().map(|(_, l)| l.to_string())),
    })
}

/// A row's text says the message was answered.
pub fn answered(text: &str) -> bool {
    ["已回复", "已办结", "已答复", "已处理"]
        .iter()
        .any(|w| text.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_label_and_value_and_the_reply_is_their_block() {
        let page = Page {
            url: Url::parse("http://x/hdjl/info/1.htm").unwrap(),
            text: r#"<div class="msg-meta"><span><strong>提交时间：</strong>2020-11-25 08:41</span>
                <span><strong>受理单位：</strong>县住建局</span><span>受理状态：已回复</span></div>
                <div class="msg-reply"><span><strong>回复时间：</strong>2020-11-28</span></div>"#
                .into(),
        };
        let g = guess_fields(&page).unwrap();
        assert_eq!(g.meta_fields, "div.msg-meta span, div.msg-reply span");
        assert_eq!(g.reply.as_deref(), Some("div.msg-reply"));
        assert_eq!(g.labels, ["提交时间", "受理单位", "受理状态", "回复时间"]);
        assert!(answered("已回复") && !answered("办理中"));
    }
}
