//! The column tree of the units' landing pages: the nested list whose links are the unit's
//! own columns, read by the crawler's tree reader on every sampled landing.

use scraper::Html;
use url::Url;

use super::css;
use super::session::Page;
use crate::extract::selector;
use crate::extract::tree::{parse_tree, TreeColumn};

/// Selectors of the family's column trees, tried before the lists a page shows.
const KNOWN: [&str; 4] = [
    "ul.zfxxgk-tree",
    ".gk-tree ul",
    ".lmlist ul",
    ".left-tree ul",
];

/// Every column of a tree, parents included.
pub fn count(tree: &[TreeColumn]) -> usize {
    tree.iter().map(|c| 1 + count(&c.children)).sum()
}

/// The known selectors, then one for each list of the landing pages: its own id or class, or
/// its container's (`div.zfxxgk-left > ul`).
pub fn candidates(landings: &[Page]) -> Vec<String> {
    let mut out: Vec<String> = KNOWN.iter().map(|s| s.to_string()).collect();
    for page in landings {
        let Some(doc) = page.html() else { continue };
        for list in doc.select(&selector("ul, ol")) {
            let tag = list.value().name();
            match css::token(list) {
                Some(t) => out.push(t),
                None => {
                    if let Some(parent) = css::ancestor_tokens(list).into_iter().next() {
                        out.push(format!("{parent} > {tag}"));
                    }
                }
            }
        }
    }
    css::dedup(out)
}

/// The columns a candidate reads on one landing that lie in the landing's own folder (a
/// site menu links elsewhere), and all it reads.
fn score(doc: &Html, css: &str, landing: &Url, doc_shape: Option<&regex::Regex>) -> (usize, usize) {
    let Ok(sel) = scraper::Selector::parse(css) else {
        return (0, 0);
    };
    let tree = parse_tree(doc, &sel, landing);
    let all = flatten(&tree);
    // A list of documents is not a tree of columns.
    let documents = all
        .iter()
        .filter(|c| doc_shape.is_some_and(|re| re.is_match(c.url.path())))
        .count();
    if documents * 2 > all.len() {
        return (0, 0);
    }
    let folder = landing
        .path()
        .rsplit_once('.')
        .map_or(landing.path(), |(stem, _)| stem);
    let folder = folder.rsplit_once('/').map_or("", |(d, _)| d);
    let own = all
        .iter()
        .filter(|c| !folder.is_empty() && c.url.path().starts_with(folder))
        .count();
    (own, all.len())
}

fn flatten(tree: &[TreeColumn]) -> Vec<&TreeColumn> {
    tree.iter()
        .flat_map(|c| std::iter::once(c).chain(flatten(&c.children)))
        .collect()
}

/// The candidate reading at least two columns on every landing, most of them in the
/// landings' own folders, then most in all; with the trees it reads.
pub fn choose(
    landings: &[Page],
    doc_shape: Option<&regex::Regex>,
) -> Option<(String, Vec<Vec<TreeColumn>>)> {
    let pairs: Vec<(Html, &Page)> = landings
        .iter()
        .filter_map(|p| p.html().map(|d| (d, p)))
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let mut best: Option<((usize, usize), String)> = None;
    for css in candidates(landings) {
        let mut own = 0;
        let mut all = 0;
        let mut everywhere = true;
        for (doc, page) in &pairs {
            let (o, a) = score(doc, &css, &page.url, doc_shape);
            everywhere &= a >= 2;
            own += o;
            all += a;
        }
        if everywhere && best.as_ref().is_none_or(|(s, _)| (own, all) > *s) {
            best = Some(((own, all), css));
        }
    }
    let (_, css) = best?;
    let sel = scraper::Selector::parse(&css).ok()?;
    let trees = pairs
        .iter()
        .map(|(doc, page)| parse_tree(doc, &sel, &page.url))
        .collect();
    Some((css, trees))
}
