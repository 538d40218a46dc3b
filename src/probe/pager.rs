//! The pager: which of the family's pager shapes reads a page count on the sampled list pages,
//! and whether the URL it predicts for page 2 is one the page links (then fetched to be sure).

use url::Url;

use super::draft::Draft;
use super::session::Page;
use crate::extract::list::{page_url_with, pager_total, pager_vars};
use crate::extract::{link_url, selector};

/// What one pager shape reads on one page.
#[derive(Debug, Clone)]
pub struct PagerRead {
    pub total: usize,
    /// Page 2 as the shape's page URL predicts it.
    pub page2: Option<Url>,
    /// The page links to the predicted page 2.
    pub linked: bool,
}

/// Reads the page with the draft's pager keys.
pub fn read(page: &Page, draft: &Draft) -> Option<PagerRead> {
    let shapes = draft.shapes().ok()?;
    let doc = page.html()?;
    let total = pager_total(&doc, &shapes);
    if total < 2 {
        return Some(PagerRead {
            total,
            page2: None,
            linked: false,
        });
    }
    let vars = pager_vars(&doc, &shapes);
    let page2 = page_url_with(&shapes.page_url, &page.url, 2, total, &vars);
    let linked = page2.as_ref().is_some_and(|p2| {
        doc.select(&selector("a[href]"))
            .filter_map(|a| link_url(a, &page.url))
            .any(|u| u == *p2)
    });
    Some(PagerRead {
        total,
        page2,
        linked,
    })
}

/// The page shows a pager of some kind (a record count, a next or last page link, a paging
/// script), whether or not a known shape reads it.
pub fn shows_pager(page: &Page) -> bool {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"共\s*\d+\s*条|下一?页|尾页|末页|createPageHTML|\d+\s*/\s*\d+\s*页")
            .expect("static regex")
    });
    page.html().is_some_and(|doc| {
        // Scripts count (TRS writes its pager from one); the text of the body otherwise.
        re.is_match(&doc.root_element().text().collect::<String>())
    })
}
