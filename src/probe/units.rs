//! The office's units against the portal: which page is the platform home (the page whose
//! links name the most units), the selector of its unit links, each unit's landing page, and
//! the units one side has and the other does not.

use std::collections::BTreeSet;

use scraper::{ElementRef, Html};
use url::Url;

use super::css;
use super::session::Page;
use crate::config::UnitConfig;
use crate::extract::{element_text, link_url, selector};

/// The units' names, as link texts may write them.
pub struct Names<'a> {
    units: &'a [UnitConfig],
    /// The county's own name (昌宁县), dropped from the front of a name.
    county: Option<String>,
}

impl<'a> Names<'a> {
    pub fn new(units: &'a [UnitConfig], portal_name: &str) -> Self {
        let county = portal_name
            .find('县')
            .map(|i| portal_name[..i + '县'.len_utf8()].to_string())
            .filter(|c| c.chars().count() > 1);
        Names { units, county }
    }

    /// A name without spaces, the county's name, a leading 县 and a trailing 人民政府.
    fn core(&self, name: &str) -> String {
        let mut n: String = name.chars().filter(|c| !c.is_whitespace()).collect();
        if let Some(rest) = self.county.as_deref().and_then(|c| n.strip_prefix(c)) {
            n = rest.to_string();
        }
        if let Some(rest) = n.strip_prefix('县') {
            n = rest.to_string();
        }
        if let Some(rest) = n.strip_suffix("人民政府") {
            n = rest.to_string();
        }
        n
    }

    /// The unit a link text names: a name or alias exactly, else the one unit with the same
    /// core name (never a guess between two).
    pub fn find(&self, text: &str) -> Option<usize> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        if let Some(i) = self
            .units
            .iter()
            .position(|u| u.all_names().any(|n| n == text))
        {
            return Some(i);
        }
        let wanted = self.core(text);
        if wanted.chars().count() < 2 {
            return None;
        }
        let mut hits = self
            .units
            .iter()
            .enumerate()
            .filter(|(_, u)| u.all_names().any(|n| self.core(n) == wanted))
            .map(|(i, _)| i);
        match (hits.next(), hits.next()) {
            (Some(i), None) => Some(i),
            _ => None,
        }
    }
}

/// A link of the page that names a unit.
struct UnitLink<'d> {
    unit: usize,
    el: ElementRef<'d>,
}

fn unit_links<'d>(doc: &'d Html, page_url: &Url, names: &Names) -> Vec<UnitLink<'d>> {
    doc.select(&selector("a[href]"))
        .filter_map(|a| {
            let unit = names.find(&element_text(a))?;
            link_url(a, page_url)?;
            Some(UnitLink { unit, el: a })
        })
        .collect()
}

/// How many units of the file the page's links name.
pub fn units_named(page: &Page, names: &Names) -> usize {
    let Some(doc) = page.html() else {
        return 0;
    };
    let units: BTreeSet<usize> = unit_links(&doc, &page.url, names)
        .iter()
        .map(|l| l.unit)
        .collect();
    units.len()
}

/// Links of a page whose text mentions a platform home (信息公开平台, 部门, 乡镇 …).
pub fn home_candidates(page: &Page) -> Vec<Url> {
    const WORDS: [&str; 6] = ["信息公开", "公开平台", "政务公开", "部门", "乡镇", "机构"];
    let Some(doc) = page.html() else {
        return Vec::new();
    };
    let mut out: Vec<Url> = Vec::new();
    for a in doc.select(&selector("a[href]")) {
        let text = element_text(a);
        if text.chars().count() > 12 || !WORDS.iter().any(|w| text.contains(w)) {
            continue;
        }
        if let Some(url) = link_url(a, &page.url) {
            if url != page.url && !out.contains(&url) {
                out.push(url);
            }
        }
    }
    out
}

/// The platform home's unit links as a description names them.
#[derive(Debug, Clone)]
pub struct HomeLinks {
    /// `pages.home_unit_links`.
    pub css: String,
    /// Unit index → the link's text and URL (the first link naming it).
    pub links: Vec<(usize, String, Url)>,
    /// Unit-like links the selector reads that name no unit of the file.
    pub unknown: Vec<String>,
    /// Links the selector reads in all.
    pub selected: usize,
}

/// The selector of the unit links: of the selectors naming the links' containers (each link's
/// nearest named container, together, or one container of them all), the one reading links of
/// the most units with the fewest other links.
pub fn home_links(page: &Page, names: &Names) -> Option<HomeLinks> {
    let doc = page.html()?;
    let found = unit_links(&doc, &page.url, names);
    let first = found.first()?;
    let nearest = css::dedup(
        found
            .iter()
            .filter_map(|l| css::ancestor_tokens(l.el).into_iter().next()),
    );
    let mut candidates: Vec<String> = Vec::new();
    if !nearest.is_empty() {
        candidates.push(
            nearest
                .iter()
                .map(|t| format!("{t} a"))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    candidates.extend(
        css::ancestor_tokens(first.el)
            .into_iter()
            .map(|t| format!("{t} a")),
    );
    candidates.push("a".into());
    let mut best: Option<(usize, usize, String)> = None;
    for css in css::dedup(candidates) {
        let Ok(sel) = scraper::Selector::parse(&css) else {
            continue;
        };
        let selected: Vec<ElementRef> = doc.select(&sel).collect();
        let units: BTreeSet<usize> = selected
            .iter()
            .filter_map(|a| names.find(&element_text(*a)))
            .collect();
        let better = match &best {
            None => true,
            Some((m, n, _)) => units.len() > *m || (units.len() == *m && selected.len() < *n),
        };
        if better {
            best = Some((units.len(), selected.len(), css));
        }
    }
    let (_, selected, css) = best?;
    let sel = scraper::Selector::parse(&css).ok()?;
    let mut links: Vec<(usize, String, Url)> = Vec::new();
    let mut unknown = Vec::new();
    for a in doc.select(&sel) {
        let text = element_text(a);
        match (names.find(&text), link_url(a, &page.url)) {
            (Some(u), Some(url)) if !links.iter().any(|(x, _, _)| *x == u) => {
                links.push((u, text, url));
            }
            (Some(_), Some(_)) => {}
            _ if looks_like_unit(&text) && !unknown.contains(&text) => unknown.push(text),
            _ => {}
        }
    }
    Some(HomeLinks {
        css,
        links,
        unknown,
        selected,
    })
}

/// A link text that names an office (县发改局, 某某镇, 工业园区管委会).
fn looks_like_unit(text: &str) -> bool {
    const ENDS: [&str; 16] = [
        "局", "办", "委", "镇", "乡", "街道", "中心", "室", "院", "社", "会", "所", "队", "区",
        "馆", "站",
    ];
    let n = text.chars().count();
    (2..=24).contains(&n) && ENDS.iter().any(|e| text.ends_with(e))
}

/// `pages.unit_landing` and each unit's code, when every landing URL is one path with the
/// code in one place (`/bmym/{unit}/zfxxgkpt.htm`).
pub fn landing_pattern(landings: &[(usize, Url)]) -> Option<(String, Vec<(usize, String)>)> {
    if landings.len() < 2 {
        return None;
    }
    let paths: Vec<&str> = landings.iter().map(|(_, u)| u.path()).collect();
    if landings.iter().any(|(_, u)| u.query().is_some()) {
        return None;
    }
    let first = paths[0];
    let prefix_len = paths.iter().skip(1).fold(first.len(), |n, p| {
        first
            .bytes()
            .zip(p.bytes())
            .take(n)
            .take_while(|(a, b)| a == b)
            .count()
    });
    let suffix_len = paths.iter().skip(1).fold(first.len(), |n, p| {
        first
            .bytes()
            .rev()
            .zip(p.bytes().rev())
            .take(n)
            .take_while(|(a, b)| a == b)
            .count()
    });
    // Cut at '/' and '.' so that a code never loses its first or last letters to a
    // neighbour sharing them (`/bmym/fgj/` and `/bmym/fpb/` share `f`).
    let prefix = &first[..prefix_len];
    let prefix = &prefix[..prefix.rfind('/').map_or(0, |i| i + 1)];
    let suffix = &first[first.len() - suffix_len..];
    let suffix = &suffix[suffix.find(['/', '.']).unwrap_or(suffix.len())..];
    let mut codes = Vec::new();
    for ((unit, _), path) in landings.iter().zip(&paths) {
        let code = path.strip_prefix(prefix)?.strip_suffix(suffix)?;
        let ok = !code.is_empty()
            && code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok || codes.iter().any(|(_, c)| c == code) {
            return None;
        }
        codes.push((*unit, code.to_string()));
    }
    Some((format!("{prefix}{{unit}}{suffix}"), codes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Table;

    fn unit(name: &str, aliases: &[&str]) -> UnitConfig {
        UnitConfig {
            name: name.into(),
            table: Table::Township,
            class: None,
            code: None,
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            emails: Vec::new(),
        }
    }

    #[test]
    fn names_match_exactly_then_by_core() {
        let units = [unit("田园镇", &[]), unit("发改局", &["县发展和改革局"])];
        let names = Names::new(&units, "昌宁县人民政府");
        assert_eq!(names.find("县发展和改革局"), Some(1));
        assert_eq!(names.find("昌宁县田园镇人民政府"), Some(0));
        assert_eq!(names.find("昌宁县发展和改革局"), Some(1));
        assert_eq!(names.find("财政局"), None);
    }

    #[test]
    fn landing_codes_come_from_one_path() {
        let u = |p: &str| Url::parse(&format!("http://x{p}")).unwrap();
        let (pattern, codes) = landing_pattern(&[
            (0, u("/bmym/fgj/zfxxgkpt.htm")),
            (1, u("/bmym/fpb/zfxxgkpt.htm")),
        ])
        .unwrap();
        assert_eq!(pattern, "/bmym/{unit}/zfxxgkpt.htm");
        assert_eq!(codes, [(0, "fgj".to_string()), (1, "fpb".to_string())]);
        assert!(landing_pattern(&[(0, u("/a/x.htm")), (1, u("/b/c/y.htm"))]).is_none());
    }
}
