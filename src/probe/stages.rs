//! The probe's walk, stage by stage: the front page and the portal's name, the platform home
//! and the units, the landings and the column tree, column pages (lists, articles), the
//! message board, the pager, document pages; then the description written and loaded back.

use regex::Regex;
use url::Url;

use super::draft::{self, Draft};
use super::family::{self, FamilyGuess};
use super::report::{Confidence, KeyReport, ProbeReport, UnitMatches};
use super::session::{Miss, Page, Session};
use super::write::Described;
use super::{board, document, lists, pager, tree, units, ProbeError, ProbeOptions};
use crate::config::{ColumnMatch, Platform, PortalConfig, UnitConfig};
use crate::extract::detail::parse_document;
use crate::extract::list::parse_column_page;
use crate::extract::messages::{parse_message, parse_message_list};
use crate::extract::tree::TreeColumn;

/// Column pages sampled at most.
const MAX_COLUMNS: usize = 9;
/// Document pages sampled at most.
const MAX_DOCUMENTS: usize = 3;
/// Requests kept for the document pages, the board and the pager once columns are sampled.
const RESERVE: u64 = 12;

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
        article_pages: Vec::new(),
        board_page: None,
    };
    let (units, matches) = walk.units(units, &portal_name).await;
    walk.family();
    walk.tree();
    walk.columns().await;
    walk.lists();
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
    fn key(
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
    fn by_samples(read: usize, of: usize) -> Confidence {
        match (read, of) {
            (r, o) if r >= 2 && r == o => Confidence::Sure,
            (r, _) if r >= 1 => Confidence::Likely,
            _ => Confidence::Unsure,
        }
    }

    /// The platform home (the page whose links name the most units), its unit links, and the
    /// units as the description writes them (aliases the home uses added, codes where the
    /// landings share one path).
    async fn units(
        &mut self,
        mut units: Vec<UnitConfig>,
        portal_name: &str,
    ) -> (Vec<UnitConfig>, UnitMatches) {
        let names = units::Names::new(&units, portal_name);
        let wanted = units.len();
        let mut best = (units::units_named(&self.front, &names), self.front.clone());
        if best.0 * 10 < wanted * 9 {
            for url in units::home_candidates(&self.front).into_iter().take(4) {
                let Ok(page) = self.s.page(&url, "平台首页候选").await else {
                    continue;
                };
                let n = units::units_named(&page, &names);
                if n > best.0 {
                    best = (n, page);
                }
                if best.0 * 10 >= wanted * 9 {
                    break;
                }
            }
        }
        let mut matches = UnitMatches::default();
        let (named, home) = best;
        let links = if named > 0 {
            units::home_links(&home, &names)
        } else {
            None
        };
        let Some(links) = links else {
            self.key(
                "pages.home",
                &self.draft.home.clone(),
                Confidence::Unsure,
                "门户首页及其链接的页面上都没有名单中单位的链接".into(),
                vec![self.front.url.clone()],
            );
            matches.not_on_portal = units.iter().map(|u| u.name.clone()).collect();
            return (units, matches);
        };
        self.draft.home = path_of(&home.url);
        self.key(
            "pages.home",
            &self.draft.home.clone(),
            if named * 2 >= wanted {
                Confidence::Sure
            } else {
                Confidence::Likely
            },
            format!("该页链接了名单中 {named}/{wanted} 个单位"),
            vec![home.url.clone()],
        );
        self.draft.home_unit_links = links.css.clone();
        self.key(
            "pages.home_unit_links",
            &links.css,
            Confidence::Sure,
            format!(
                "读出 {} 个链接，其中 {} 个对应名单中的单位",
                links.selected,
                links.links.len()
            ),
            vec![home.url.clone()],
        );
        for (i, text, url) in &links.links {
            matches
                .matched
                .push((units[*i].name.clone(), text.clone(), url.clone()));
        }
        matches.not_on_portal = units
            .iter()
            .enumerate()
            .filter(|(i, _)| !links.links.iter().any(|(u, _, _)| u == i))
            .map(|(_, u)| u.name.clone())
            .collect();
        matches.not_in_file = links.unknown.clone();
        if !matches.not_on_portal.is_empty() {
            self.questions.push(format!(
                "名单中的单位在平台首页上没有找到：{}",
                matches.not_on_portal.join("、")
            ));
        }
        if !matches.not_in_file.is_empty() {
            self.questions.push(format!(
                "平台首页上的单位不在名单中：{}",
                matches.not_in_file.join("、")
            ));
        }
        // The crawler finds a unit's landing by the link's exact text.
        for (i, text, _) in &links.links {
            let unit = &mut units[*i];
            if !unit.all_names().any(|n| n == text) {
                unit.aliases.push(text.clone());
            }
        }
        let landings: Vec<(usize, Url)> = links
            .links
            .iter()
            .map(|(i, _, u)| (*i, u.clone()))
            .collect();
        match units::landing_pattern(&landings) {
            Some((pattern, codes)) => {
                for (i, code) in codes {
                    units[i].code = Some(code);
                }
                self.draft.unit_landing = pattern.clone();
                self.key(
                    "pages.unit_landing",
                    &pattern,
                    Confidence::Sure,
                    format!("{} 个单位首页地址同形，单位代码由此写入", landings.len()),
                    landings.iter().take(2).map(|(_, u)| u.clone()).collect(),
                );
            }
            None => self.key(
                "pages.unit_landing",
                &self.draft.unit_landing.clone(),
                Confidence::Likely,
                "单位首页地址不同形：抓取时以平台首页的链接为准，不用单位代码".into(),
                Vec::new(),
            ),
        }
        // Landing samples: the first township, the first department, the last unit matched.
        let mut picks: Vec<usize> = Vec::new();
        for table in [
            crate::model::Table::Township,
            crate::model::Table::Department,
        ] {
            if let Some((i, _, _)) = links
                .links
                .iter()
                .find(|(i, _, _)| units[*i].table == table)
            {
                picks.push(*i);
            }
        }
        if let Some((i, _, _)) = links.links.last() {
            picks.push(*i);
        }
        picks.dedup();
        for i in picks {
            let Some((_, _, url)) = links.links.iter().find(|(u, _, _)| *u == i) else {
                continue;
            };
            let what = format!("单位首页：{}", units[i].name);
            if let Ok(page) = self.s.page(url, &what).await {
                if !self.landings.iter().any(|p| p.url == page.url) {
                    self.landings.push(page);
                }
            }
        }
        self.home = Some(home);
        (units, matches)
    }

    /// The family from what has been read so far; its known shapes become the draft's start.
    fn family(&mut self) {
        let guess: FamilyGuess = family::detect(self.s.texts().map(|(_, t)| t));
        self.platform = guess.platform;
        let home = self.draft.clone();
        self.draft = Draft {
            home: home.home,
            home_unit_links: home.home_unit_links,
            unit_landing: home.unit_landing,
            ..Draft::for_family(self.platform)
        };
        if let Some(shape) = self
            .platform
            .and_then(|p| Regex::new(p.document_link()).ok())
        {
            self.doc_shape = shape;
        }
        if self.platform.is_none() || guess.contested {
            self.questions.push(format!(
                "平台类型未能确定（{}）",
                if guess.evidence.is_empty() {
                    "没有发现任何已知平台的特征".to_string()
                } else {
                    guess.evidence_text()
                }
            ));
        }
    }

    fn tree(&mut self) {
        let samples: Vec<Url> = self.landings.iter().map(|p| p.url.clone()).collect();
        match tree::choose(&self.landings, Some(&self.doc_shape)) {
            Some((css, trees)) => {
                let counts: Vec<String> =
                    trees.iter().map(|t| tree::count(t).to_string()).collect();
                self.draft.column_tree = css.clone();
                self.key(
                    "pages.column_tree",
                    &css,
                    Self::by_samples(trees.len(), self.landings.len()),
                    format!(
                        "在 {} 个单位首页上读出栏目 {} 个",
                        trees.len(),
                        counts.join("、")
                    ),
                    samples,
                );
                self.trees = trees;
            }
            None => self.key(
                "pages.column_tree",
                &self.draft.column_tree.clone(),
                Confidence::Unsure,
                "单位首页上没有找到栏目树".into(),
                samples,
            ),
        }
    }

    /// Column pages: the policy columns first (their documents carry attachments), then the
    /// guide (an article), the finance and news columns, the others; until lists, an article
    /// and a pager have been seen, or the sample is full.
    async fn columns(&mut self) {
        fn rank(name: &str) -> usize {
            const ORDER: [&[&str]; 4] = [
                &["政策文件", "规范性文件"],
                &["指南"],
                &["预决算", "财政"],
                &["动态", "通知", "公告"],
            ];
            ORDER
                .iter()
                .position(|words| words.iter().any(|w| name.contains(w)))
                .unwrap_or(ORDER.len())
        }
        let mut leaves: Vec<(usize, usize, Url, String)> = Vec::new();
        for (t, tree) in self.trees.iter().enumerate() {
            for leaf in crate::extract::tree::leaves(tree) {
                if !leaves.iter().any(|(_, _, u, _)| *u == leaf.url) {
                    leaves.push((rank(&leaf.name), t, leaf.url.clone(), leaf.name.clone()));
                }
            }
        }
        leaves.sort_by_key(|(r, t, _, _)| (*r, *t));
        let tree_css = self.draft.column_tree.clone();
        let mut fetched = 0;
        let mut paged = false;
        for (_, _, url, name) in leaves {
            let done = self.list_pages.len() >= 3 && !self.article_pages.is_empty() && paged;
            if done || fetched >= MAX_COLUMNS || self.s.left() <= RESERVE {
                break;
            }
            fetched += 1;
            let Ok(page) = self.s.page(&url, &format!("栏目页：{name}")).await else {
                continue;
            };
            let documents = page
                .html()
                .map(|doc| lists::document_links(&doc, &page, &self.doc_shape, &tree_css).len())
                .unwrap_or(0);
            if documents > 0 {
                paged |= pager::shows_pager(&page);
                self.list_pages.push(page);
            } else {
                self.article_pages.push(page);
            }
        }
    }

    /// The list, its date, the content pane; then the article body and its 更新日期.
    fn lists(&mut self) {
        let tree_css = self.draft.column_tree.clone();
        let samples: Vec<Url> = self.list_pages.iter().map(|p| p.url.clone()).collect();
        let guesses: Vec<lists::ListGuess> = self
            .list_pages
            .iter()
            .filter_map(|p| lists::guess(p, &self.doc_shape, &tree_css))
            .collect();
        let mut best: Option<(usize, usize, Draft)> = None;
        for g in &guesses {
            let mut d = self.draft.clone();
            d.list_container = g.container.clone();
            d.list_item = g.item.clone();
            if let Some(date) = &g.date {
                d.list_date = date.clone();
            }
            d.content = g.content.clone();
            let Ok(shapes) = d.shapes() else { continue };
            let mut read = 0;
            let mut dated = 0;
            let mut pages = 0;
            for p in &self.list_pages {
                let Some(doc) = p.html() else { continue };
                let col = parse_column_page(&doc, &shapes, &p.url);
                if !col.items.is_empty() {
                    pages += 1;
                }
                read += col.items.len();
                dated += col.items.iter().filter(|i| i.date.is_some()).count();
            }
            let score = (pages, dated + read);
            if best.as_ref().is_none_or(|(a, b, _)| score > (*a, *b)) {
                best = Some((pages, dated + read, d));
            }
        }
        let n = self.list_pages.len();
        match best {
            Some((pages, _, d)) => {
                self.draft = d;
                let conf = Self::by_samples(pages, n);
                let note = format!("用抓取程序的列表读取验证：{n} 个列表样本页中读出 {pages} 个");
                for key in ["list_container", "list_item", "list_date"] {
                    let value = match key {
                        "list_container" => self.draft.list_container.clone(),
                        "list_item" => self.draft.list_item.clone(),
                        _ => self.draft.list_date.clone(),
                    };
                    self.key(
                        &format!("pages.{key}"),
                        &value,
                        conf,
                        note.clone(),
                        samples.clone(),
                    );
                }
                if let Some(content) = self.draft.content.clone() {
                    self.key(
                        "pages.content",
                        &content,
                        conf,
                        "列表所在、不含栏目树的区域".into(),
                        samples.clone(),
                    );
                }
            }
            None => {
                for key in ["list_container", "list_item", "list_date"] {
                    self.key(
                        &format!("pages.{key}"),
                        "",
                        Confidence::Unsure,
                        "样本栏目页上没有读出文件列表".into(),
                        samples.clone(),
                    );
                }
            }
        }
        if let Some(shape) = self.draft.document_link.clone() {
            self.key(
                "pages.document_link",
                &shape,
                if self
                    .keys
                    .iter()
                    .any(|k| k.key == "pages.list_item" && k.confidence != Confidence::Unsure)
                {
                    Confidence::Sure
                } else {
                    Confidence::Likely
                },
                "平台的文件页地址形式，列表样本中的文件链接都符合".into(),
                samples.clone(),
            );
        }
        self.article_body();
    }

    fn article_body(&mut self) {
        let tree_css = self.draft.column_tree.clone();
        let samples: Vec<Url> = self.article_pages.iter().map(|p| p.url.clone()).collect();
        let mut candidates = vec![self.draft.article_body.clone()];
        for p in &self.article_pages {
            candidates.extend(lists::guess_body(
                p,
                self.draft.content.as_deref(),
                &tree_css,
            ));
        }
        let candidates = super::css::dedup(candidates);
        let mut best: Option<(usize, String)> = None;
        for c in candidates {
            let mut d = self.draft.clone();
            d.article_body = c.clone();
            let Ok(shapes) = d.shapes() else { continue };
            let reads = |p: &Page| p.html().map(|doc| parse_column_page(&doc, &shapes, &p.url));
            // A body on a list page would read the list as an article.
            if self
                .list_pages
                .iter()
                .filter_map(reads)
                .any(|c| c.article_text.is_some())
            {
                continue;
            }
            let read = self
                .article_pages
                .iter()
                .filter_map(reads)
                .filter(|c| c.article_text.as_deref().is_some_and(|t| !t.is_empty()))
                .count();
            if best.as_ref().is_none_or(|(r, _)| read > *r) {
                best = Some((read, c));
            }
        }
        let n = self.article_pages.len();
        match best {
            Some((read, css)) if read > 0 => {
                self.draft.article_body = css.clone();
                self.key(
                    "pages.article_body",
                    &css,
                    Self::by_samples(read, n),
                    format!("{n} 个单篇栏目样本中读出正文 {read} 个"),
                    samples.clone(),
                );
            }
            _ => self.key(
                "pages.article_body",
                &self.draft.article_body.clone(),
                if n == 0 {
                    Confidence::Likely
                } else {
                    Confidence::Unsure
                },
                if n == 0 {
                    "样本中没有单篇栏目，按平台常见形式填写".into()
                } else {
                    "单篇栏目样本上没有读出正文".into()
                },
                samples.clone(),
            ),
        }
        let found = self
            .article_pages
            .iter()
            .find_map(|p| lists::guess_update_time(p).map(|c| (c, p.url.clone())));
        match found {
            Some((css, url)) => {
                self.draft.update_time = css.clone();
                self.key(
                    "pages.update_time",
                    &css,
                    Confidence::Likely,
                    "该元素的文字为“更新日期：…”".into(),
                    vec![url],
                );
            }
            None => self.key(
                "pages.update_time",
                &self.draft.update_time.clone(),
                Confidence::Likely,
                "样本中没有“更新日期”元素，按平台常见形式填写（页面正文中的“更新日期：”仍会读取）"
                    .into(),
                Vec::new(),
            ),
        }
    }

    /// The message board: its list page, rows, and on message pages the labelled fields and the
    /// reply block.
    async fn board(&mut self) {
        let mut pages = vec![self.front.clone()];
        pages.extend(self.home.clone());
        let candidates = board::board_links(&pages.iter().collect::<Vec<_>>());
        let mut tried = Vec::new();
        let mut found: Option<(Page, String)> = None;
        for url in candidates.into_iter().take(3) {
            let Ok(page) = self.s.page(&url, "留言板列表").await else {
                tried.push(url);
                continue;
            };
            tried.push(url);
            let Some(row) = board::guess_rows(&page) else {
                continue;
            };
            let mut d = self.draft.clone();
            d.board_row = row.clone();
            let Ok(b) = d.board() else { continue };
            let rows = page
                .html()
                .map(|doc| parse_message_list(&doc, &b, &page.url))
                .unwrap_or_default();
            if rows.iter().filter(|r| r.date.is_some()).count() >= 1 {
                found = Some((page, row));
                break;
            }
        }
        let Some((page, row)) = found else {
            self.key(
                "messages.list",
                "/",
                Confidence::Unsure,
                "门户首页和平台首页上没有找到可读的留言板（留言、咨询、信箱、投诉）".into(),
                tried,
            );
            return;
        };
        self.draft.board_list = path_of(&page.url);
        self.draft.board_row = row.clone();
        let Ok(b) = self.draft.board() else { return };
        let rows = page
            .html()
            .map(|doc| parse_message_list(&doc, &b, &page.url))
            .unwrap_or_default();
        self.key(
            "messages.list",
            &self.draft.board_list.clone(),
            Confidence::Sure,
            "留言列表页".into(),
            vec![page.url.clone()],
        );
        self.key(
            "messages.row",
            &row,
            Self::by_samples(usize::from(!rows.is_empty()), 1),
            format!(
                "读出 {} 行留言，其中 {} 行有日期",
                rows.len(),
                rows.iter().filter(|r| r.date.is_some()).count()
            ),
            vec![page.url.clone()],
        );
        // One message whose row says it was answered, and one more.
        let answered_rows: Vec<Url> = page
            .html()
            .map(|doc| {
                doc.select(b.row.selector())
                    .filter(|r| board::answered(&crate::extract::element_text(*r)))
                    .filter_map(|r| {
                        r.select(&crate::extract::selector("a[href]"))
                            .next()
                            .and_then(|a| crate::extract::link_url(a, &page.url))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut picks: Vec<Url> = answered_rows.into_iter().take(1).collect();
        if let Some(r) = rows.iter().find(|r| !picks.contains(&r.url)) {
            picks.push(r.url.clone());
        }
        let mut messages = Vec::new();
        for url in picks {
            if let Ok(p) = self.s.page(&url, "留言详情").await {
                messages.push(p);
            }
        }
        self.board_page = Some(page);
        self.fields(&messages);
    }

    fn fields(&mut self, messages: &[Page]) {
        let samples: Vec<Url> = messages.iter().map(|p| p.url.clone()).collect();
        let guesses: Vec<board::FieldsGuess> =
            messages.iter().filter_map(board::guess_fields).collect();
        let meta = super::css::dedup(guesses.iter().flat_map(|g| {
            g.meta_fields
                .split(", ")
                .map(str::to_string)
                .collect::<Vec<_>>()
        }));
        if meta.is_empty() {
            for key in ["messages.meta_fields", "messages.reply"] {
                self.key(
                    key,
                    "",
                    Confidence::Unsure,
                    "留言详情页上没有找到“提交时间：…”一类的字段".into(),
                    samples.clone(),
                );
            }
            return;
        }
        self.draft.meta_fields = meta.join(", ");
        if let Some(reply) = guesses.iter().find_map(|g| g.reply.clone()) {
            self.draft.reply = reply;
        }
        let Ok(b) = self.draft.board() else { return };
        let read: Vec<_> = messages
            .iter()
            .filter_map(|p| p.html().map(|doc| parse_message(&doc, &b)))
            .collect();
        let full = read
            .iter()
            .filter(|m| m.submitted.is_some() && m.unit.is_some() && m.status.is_some())
            .count();
        let replied = read
            .iter()
            .filter(|m| m.has_reply && m.replied.is_some())
            .count();
        self.key(
            "messages.meta_fields",
            &self.draft.meta_fields.clone(),
            Self::by_samples(full, read.len()),
            format!(
                "{} 个留言详情中读出提交时间、受理单位、受理状态的 {full} 个",
                read.len()
            ),
            samples.clone(),
        );
        let reply_conf = if replied > 0 {
            Confidence::Sure
        } else {
            Confidence::Unsure
        };
        self.key(
            "messages.reply",
            &self.draft.reply.clone(),
            reply_conf,
            if replied > 0 {
                format!("读出回复时间 {replied} 个")
            } else {
                "样本留言中没有读出回复块和回复时间".into()
            },
            samples.clone(),
        );
        let seen: Vec<String> = guesses.iter().flat_map(|g| g.labels.clone()).collect();
        self.key(
            "messages.label_submitted",
            &self.draft.label_submitted.join("、"),
            Self::by_samples(full, read.len()),
            format!(
                "样本中出现的标签：{}",
                super::css::dedup(seen.clone()).join("、")
            ),
            samples,
        );
    }

    /// The family's pager shapes on the list samples and the board's list: a shape reading a
    /// page count is kept when the page 2 it predicts is read (fetched) as the same list, or at
    /// least is a link of the pager (a script-written pager links nothing: fetched then).
    async fn pager(&mut self) {
        let mut pages: Vec<Page> = self.list_pages.clone();
        pages.extend(self.board_page.clone());
        let samples: Vec<Url> = pages
            .iter()
            .filter(|p| pager::shows_pager(p))
            .map(|p| p.url.clone())
            .collect();
        // (pages whose pager links the predicted page 2, the shape, (page, page 2, linked)).
        let mut tried: Vec<(usize, Draft, Vec<(Url, Url, bool)>)> = Vec::new();
        for (css, total, url) in draft::pagers(self.platform) {
            let mut d = self.draft.clone();
            d.pager = css.into();
            d.pager_total_regex = total.into();
            d.page_url = url.into();
            let mut reads: Vec<(Url, Url, bool)> = pages
                .iter()
                .filter_map(|p| {
                    let r = pager::read(p, &d)?;
                    if r.total < 2 {
                        return None;
                    }
                    Some((p.url.clone(), r.page2?, r.linked))
                })
                .collect();
            reads.sort_by_key(|(_, _, linked)| !linked);
            if !reads.is_empty() {
                let linked = reads.iter().filter(|(_, _, l)| *l).count();
                tried.push((linked, d, reads));
            }
        }
        tried.sort_by_key(|(linked, _, reads)| std::cmp::Reverse((*linked, reads.len())));
        let before = self.draft.clone();
        for (linked, d, reads) in tried.into_iter().take(2) {
            self.draft = d;
            let (first, page2, _) = reads[0].clone();
            let confirmed = match self.s.page(&page2, "分页第 2 页").await {
                Ok(p) => self.same_list(&first, &p),
                Err(_) => false,
            };
            if !confirmed && linked == 0 {
                continue;
            }
            let conf = if confirmed {
                Confidence::Sure
            } else {
                Confidence::Likely
            };
            let note = format!(
                "{} 个样本页的分页读出页数；所推算的第 2 页{}{}",
                reads.len(),
                if linked > 0 {
                    "正是分页中的链接"
                } else {
                    "由分页脚本给出"
                },
                if confirmed {
                    "，已取回验证"
                } else {
                    "，但未能取回验证"
                }
            );
            let shown: Vec<Url> = reads
                .iter()
                .map(|(u, _, _)| u.clone())
                .chain([page2])
                .collect();
            self.pager_keys(conf, note, shown);
            return;
        }
        self.draft = before;
        let (conf, note) = if samples.is_empty() {
            (
                Confidence::Likely,
                "样本页都没有分页，按平台常见形式填写".to_string(),
            )
        } else {
            (
                Confidence::Unsure,
                "页面显示了分页，但平台常见的分页形式都读不出页数或第 2 页".to_string(),
            )
        };
        self.pager_keys(conf, note, samples);
    }

    fn pager_keys(&mut self, conf: Confidence, note: String, samples: Vec<Url>) {
        for key in ["pager", "pager_total_regex", "page_url"] {
            let value = match key {
                "pager" => self.draft.pager.clone(),
                "pager_total_regex" => self.draft.pager_total_regex.clone(),
                _ => self.draft.page_url.clone(),
            };
            self.key(
                &format!("pages.{key}"),
                &value,
                conf,
                note.clone(),
                samples.clone(),
            );
        }
    }

    /// Page 2 reads entries as its first page does (documents, or messages on the board).
    fn same_list(&self, first: &Url, page2: &Page) -> bool {
        let Some(doc) = page2.html() else {
            return false;
        };
        let board = self.board_page.as_ref().is_some_and(|b| b.url == *first);
        if board {
            self.draft
                .board()
                .is_ok_and(|b| !parse_message_list(&doc, &b, &page2.url).is_empty())
        } else {
            self.draft
                .shapes()
                .is_ok_and(|s| !parse_column_page(&doc, &s, &page2.url).items.is_empty())
        }
    }

    /// Document pages of the sampled lists: the title, the catalogue block, the attachments.
    async fn documents(&mut self) {
        let Ok(shapes) = self.draft.shapes() else {
            return;
        };
        let mut wanted: Vec<(Url, String)> = Vec::new();
        for p in &self.list_pages {
            let Some(doc) = p.html() else { continue };
            let col = parse_column_page(&doc, &shapes, &p.url);
            if let Some(item) = col.items.iter().find(|i| !i.title_cut) {
                wanted.push((item.url.clone(), item.title.clone()));
            }
        }
        let mut docs: Vec<(Page, String)> = Vec::new();
        for (url, title) in wanted.into_iter().take(MAX_DOCUMENTS) {
            if let Ok(p) = self.s.page(&url, "文件页").await {
                docs.push((p, title));
            }
        }
        let samples: Vec<Url> = docs.iter().map(|(p, _)| p.url.clone()).collect();
        self.title(&docs, &samples);
        self.meta_table(&docs, &samples);
        self.attachments(&docs, &samples);
    }

    fn title(&mut self, docs: &[(Page, String)], samples: &[Url]) {
        let mut candidates: Vec<String> = Vec::new();
        for (p, title) in docs {
            if let Some(t) = document::guess_title(p, title) {
                candidates.push(format!("{t}, meta[name=ArticleTitle]"));
                candidates.push(t);
            }
        }
        candidates.push(self.draft.detail_title.clone());
        let mut best: Option<(usize, String)> = None;
        for c in super::css::dedup(candidates) {
            let mut d = self.draft.clone();
            d.detail_title = c.clone();
            let Ok(shapes) = d.shapes() else { continue };
            let read = docs
                .iter()
                .filter(|(p, title)| {
                    p.html().is_some_and(|doc| {
                        parse_document(&doc, &shapes, &p.url).title.as_deref()
                            == Some(title.as_str())
                    })
                })
                .count();
            if best.as_ref().is_none_or(|(r, _)| read > *r) {
                best = Some((read, c));
            }
        }
        let (read, css) = best.unwrap_or((0, self.draft.detail_title.clone()));
        self.draft.detail_title = css.clone();
        self.key(
            "pages.detail_title",
            &css,
            Self::by_samples(read, docs.len()),
            format!("{} 个文件页中读出与列表一致的标题 {read} 个", docs.len()),
            samples.to_vec(),
        );
    }

    fn meta_table(&mut self, docs: &[(Page, String)], samples: &[Url]) {
        let mut guesses = super::css::dedup(
            docs.iter()
                .filter_map(|(p, _)| document::guess_meta_table(p)),
        );
        // Units writing the block two ways (a th/td table, a list of labelled items): both.
        if guesses.len() > 1 {
            guesses.push(guesses.join(", "));
        }
        let found = |css: &str| {
            docs.iter()
                .filter(|(p, _)| {
                    let Ok(sel) = scraper::Selector::parse(css) else {
                        return false;
                    };
                    p.html()
                        .is_some_and(|doc| doc.select(&sel).next().is_some())
                })
                .count()
        };
        match guesses.into_iter().max_by_key(|g| found(g)) {
            Some(css) => {
                let read = found(&css);
                self.draft.detail_meta_table = css.clone();
                self.key(
                    "pages.detail_meta_table",
                    &css,
                    Self::by_samples(read, docs.len()),
                    format!(
                        "{} 个文件页中 {read} 个有该目录信息块（索引号、发布机构、发布日期……）",
                        docs.len()
                    ),
                    samples.to_vec(),
                );
            }
            None => self.key(
                "pages.detail_meta_table",
                &self.draft.detail_meta_table.clone(),
                if docs.is_empty() {
                    Confidence::Unsure
                } else {
                    Confidence::Likely
                },
                "样本文件页上没有目录信息块（索引号、发布机构……），发布日期取自页面其他位置".into(),
                samples.to_vec(),
            ),
        }
    }

    fn attachments(&mut self, docs: &[(Page, String)], samples: &[Url]) {
        let files: Vec<(usize, Vec<Url>)> = docs
            .iter()
            .enumerate()
            .map(|(i, (p, _))| (i, document::file_links(p)))
            .collect();
        let total: usize = files.iter().map(|(_, f)| f.len()).sum();
        let known = self.draft.attachments.clone();
        if total == 0 {
            self.key(
                "pages.attachments",
                &known,
                Confidence::Likely,
                "样本文件页都没有附件，按平台常见形式填写".into(),
                samples.to_vec(),
            );
            return;
        }
        let mut candidates: Vec<String> = Vec::new();
        let guessed = super::css::dedup(
            docs.iter()
                .flat_map(|(p, _)| document::guess_attachments(p)),
        );
        if guessed.len() > 1 {
            candidates.push(format!("{}, {known}", guessed.join(", ")));
            candidates.push(guessed.join(", "));
        }
        for g in guessed {
            candidates.push(format!("{g}, {known}"));
            candidates.push(g);
        }
        candidates.push(known);
        let mut best: Option<((usize, std::cmp::Reverse<usize>), String)> = None;
        for c in super::css::dedup(candidates) {
            let mut d = self.draft.clone();
            d.attachments = c.clone();
            let Ok(shapes) = d.shapes() else { continue };
            let mut covered = 0;
            let mut extra = 0;
            for (i, wanted) in &files {
                let (p, _) = &docs[*i];
                let Some(doc) = p.html() else { continue };
                let read = crate::extract::detail::attachment_links(&doc, &shapes, &p.url);
                covered += wanted
                    .iter()
                    .filter(|w| read.iter().any(|r| r.url == **w))
                    .count();
                extra += read.iter().filter(|r| !wanted.contains(&r.url)).count();
            }
            let score = (covered, std::cmp::Reverse(extra));
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, c));
            }
        }
        let Some(((covered, _), css)) = best else {
            return;
        };
        self.draft.attachments = css.clone();
        let with_files = files.iter().filter(|(_, f)| !f.is_empty()).count();
        self.key(
            "pages.attachments",
            &css,
            if covered == total {
                Self::by_samples(with_files, with_files)
            } else {
                Confidence::Unsure
            },
            format!("样本文件页上的 {total} 个附件链接读出 {covered} 个"),
            samples.to_vec(),
        );
    }

    /// The guide and policy columns, by the names the family uses and the codes the trees show.
    fn roles(&mut self) -> (ColumnMatch, ColumnMatch) {
        let samples: Vec<Url> = self.landings.iter().map(|p| p.url.clone()).collect();
        let mut out = Vec::new();
        for (key, names) in [
            ("columns.guide", ["政府信息公开指南", "公开指南"]),
            ("columns.policy", ["政策文件", "规范性文件"]),
        ] {
            let found: Vec<&TreeColumn> = self
                .trees
                .iter()
                .flat_map(|t| crate::extract::tree::leaves(t))
                .filter(|c| names.iter().any(|n| c.name.contains(n)))
                .collect();
            let codes = super::css::dedup(
                found
                    .iter()
                    .map(|c| c.code())
                    .filter(|c| !c.is_empty() && !c.eq_ignore_ascii_case("index")),
            );
            let role = ColumnMatch {
                names: names.iter().map(|s| s.to_string()).collect(),
                codes,
            };
            let (conf, note) = if found.is_empty() {
                (
                    Confidence::Likely,
                    "样本单位的栏目树中没有该栏目，按常见名称填写".to_string(),
                )
            } else {
                (
                    Confidence::Sure,
                    format!("样本单位的栏目树中有 {} 个", found.len()),
                )
            };
            let value = format!("{}；代码 {}", role.names.join("、"), role.codes.join("、"));
            self.key(key, &value, conf, note, samples.clone());
            out.push(role);
        }
        let policy = out.pop().unwrap_or_default();
        let guide = out.pop().unwrap_or_default();
        (guide, policy)
    }

    /// The written description, loaded back, reads the samples as the draft did.
    fn reread(&mut self, loaded: &PortalConfig) {
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
