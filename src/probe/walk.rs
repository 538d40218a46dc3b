//! The probe's walk, stage by stage: the front page and the portal's name, the platform home
//! and the units, the landings and the column tree, column pages (lists, articles), the
//! message board, the pager, document pages; then the description written and loaded back.

mod board;
mod columns;
mod documents;
mod proxy;
mod site;

use regex::Regex;
use url::Url;

use super::draft::Draft;
use super::family;
use super::report::{Confidence, KeyReport, ProbeReport};
use super::session::{Miss, Page, Session};
use super::write::Described;
use super::{ProbeError, ProbeOptions};
use crate::config::{Platform, PortalConfig, UnitConfig};
use crate::extract::list::parse_column_page;
use crate::extract::tree::TreeColumn;

/// Everything the walk has learned so far.
struct Walk {
    s: Session,
    draft: Draft,
    keys: Vec<KeyReport>,
    questions: Vec<String>,
    platform: Option<Platform>,
    /// The family's document shape (or a loose one when the family is unknown).
    doc_shape: Regex,
    front: Page,
    home: Option<Page>,
    landings: Vec<Page>,
    trees: Vec<Vec<TreeColumn>>,
    /// Column pages showing documents, and those showing none (articles, notices).
    list_pages: Vec<Page>,
    /// Column pages whose list a Hanweb data proxy gives, and the entries it gave.
    jpage_pages: Vec<Page>,
    proxy_items: Vec<crate::extract::list::ListItem>,
    article_pages: Vec<Page>,
    board_page: Option<Page>,
}

/// The path (and query) of a URL, as the description writes pages of the portal.
fn path_of(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

/// The portal's name from a page title: the part naming a government (`首页_昌宁县人民政府`).
fn name_from_title(page: &Page) -> Option<String> {
    let doc = page.html()?;
    let title = crate::extract::first_text(&doc, &crate::extract::selector("title"))?;
    let parts: Vec<&str> = title
        .split(['_', '-', '|', '—', '｜'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    parts
        .iter()
        .find(|p| p.contains("人民政府"))
        .or(parts.last())
        .map(|p| p.to_string())
}

fn miss_text(m: &Miss) -> String {
    match m {
        Miss::Budget => "请求预算已用尽".into(),
        Miss::OffSite => "不在门户主机上".into(),
        Miss::Failed(e) => e.clone(),
    }
}

/// The front page: the address given, else the site root's usual index files.
async fn front_page(s: &mut Session, base: &Url) -> Result<Page, ProbeError> {
    let first = match s.page(base, "门户首页").await {
        Ok(p) => return Ok(p),
        Err(m) => miss_text(&m),
    };
    if base.path() == "/" {
        for index in ["index.htm", "index.html", "index.shtml"] {
            if let Ok(url) = base.join(index) {
                if let Ok(p) = s.page(&url, "门户首页").await {
                    return Ok(p);
                }
            }
        }
    }
    Err(ProbeError::Unreachable {
        url: base.to_string(),
        message: first,
    })
}

pub async fn run(
    opts: &ProbeOptions,
    base: Url,
    units: Vec<UnitConfig>,
    mut s: Session,
) -> Result<ProbeReport, ProbeError> {
    let front = front_page(&mut s, &base).await?;
    let portal_name = opts
        .name
        .clone()
        .or_else(|| name_from_title(&front))
        .unwrap_or_else(|| base.host_str().unwrap_or("门户").to_string());
    let mut walk = Walk {
        s,
        draft: Draft::for_family(None),
        keys: Vec::new(),
        questions: Vec::new(),
        platform: None,
        doc_shape: Regex::new(r"\d{3,}\.s?html?$").expect("static regex"),
        front,
        home: None,
        landings: Vec::new(),
        trees: Vec::new(),
        list_pages: Vec::new(),
        jpage_pages: Vec::new(),
        proxy_items: Vec::new(),
        article_pages: Vec::new(),
        board_page: None,
    };
    let (units, matches) = walk.units(units, &portal_name).await;
    walk.family();
    walk.tree();
    walk.columns().await;
    walk.lists();
    walk.proxy_lists().await;
    walk.article_body();
    walk.board().await;
    walk.pager().await;
    walk.documents().await;
    let (guide, policy) = walk.roles();
    if walk.s.skipped() > 0 {
        walk.questions.push(format!(
            "请求预算（{} 次）已用尽，另有 {} 个页面未读取：可用 --budget 放宽",
            walk.s.budget(),
            walk.s.skipped()
        ));
    }
    for k in walk
        .keys
        .iter()
        .filter(|k| k.confidence == Confidence::Unsure)
    {
        let at = k
            .samples
            .first()
            .map(|u| format!("（见 {u}）"))
            .unwrap_or_default();
        walk.questions.push(format!("{}：{}{at}", k.key, k.note));
    }
    let family = family::detect(walk.s.texts().map(|(_, t)| t));
    let origin = Url::parse(&base.origin().ascii_serialization()).unwrap_or(base.clone());
    let text = Described {
        portal_name: &portal_name,
        base_url: &origin,
        year: opts.year,
        platform: walk.platform,
        crawl: &opts.crawl,
        draft: &walk.draft,
        keys: &walk.keys,
        questions: &walk.questions,
        guide: &guide,
        policy: &policy,
        units: &units,
        units_file: &opts.units_csv.display().to_string(),
        not_on_portal: &matches.not_on_portal,
        last: std::cell::Cell::new(None),
    }
    .text();
    std::fs::write(&opts.out, &text).map_err(|source| ProbeError::Write {
        path: opts.out.clone(),
        source,
    })?;
    let loaded = PortalConfig::load(&opts.out).map_err(|e| ProbeError::Reload {
        path: opts.out.clone(),
        message: e.to_string(),
    })?;
    walk.reread(&loaded);
    Ok(ProbeReport {
        family,
        portal_name,
        platform_home: walk.home.as_ref().map(|h| h.url.clone()),
        units: matches,
        keys: walk.keys,
        questions: walk.questions,
        judged: walk.s.judged().to_vec(),
        requests: walk.s.requests(),
        budget: walk.s.budget(),
        written: opts.out.clone(),
    })
}

impl Walk {
    pub(super) fn key(
        &mut self,
        key: &str,
        value: &str,
        confidence: Confidence,
        note: String,
        samples: Vec<Url>,
    ) {
        self.keys.retain(|k| k.key != key);
        self.keys.push(KeyReport {
            key: key.into(),
            value: value.into(),
            confidence,
            note,
            samples,
        });
    }

    /// Sure with two samples or more read, likely with one, unsure with none.
    pub(super) fn by_samples(read: usize, of: usize) -> Confidence {
        match (read, of) {
            (r, o) if r >= 2 && r == o => Confidence::Sure,
            (r, _) if r >= 1 => Confidence::Likely,
            _ => Confidence::Unsure,
        }
    }

    /// The written description, loaded back, reads the samples as the draft did.
    pub(super) fn reread(&mut self, loaded: &PortalConfig) {
        let shapes = &loaded.pages;
        let lost: Vec<String> = self
            .list_pages
            .iter()
            .filter(|p| {
                p.html()
                    .is_some_and(|doc| parse_column_page(&doc, shapes, &p.url).items.is_empty())
            })
            .map(|p| p.url.to_string())
            .collect();
        let lists_read = self
            .keys
            .iter()
            .any(|k| k.key == "pages.list_item" && k.confidence != Confidence::Unsure);
        if lists_read && !lost.is_empty() {
            self.questions.push(format!(
                "写出的描述读回后，以下列表样本页没有读出条目：{}",
                lost.join("、")
            ));
        }
    }
}
