//! Column pages: which to sample, their list shape, the content pane, the article body.

use url::Url;

use super::Walk;
use crate::extract::list::parse_column_page;
use crate::probe::draft::Draft;
use crate::probe::report::Confidence;
use crate::probe::session::Page;
use crate::probe::{css, lists, pager};

/// Column pages sampled at most.
const MAX_COLUMNS: usize = 9;
/// Requests kept for the document pages, the board and the pager once columns are sampled.
const RESERVE: u64 = 12;

impl Walk {
    /// Column pages: the policy columns first (their documents carry attachments), then the
    /// guide (an article), the finance and news columns, the others; until lists, an article
    /// and a pager have been seen, or the sample is full.
    pub(super) async fn columns(&mut self) {
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
        let mut paged = false;
        let wanted = leaves.len();
        for (fetched, (_, _, url, name)) in leaves.into_iter().enumerate() {
            let done = self.list_pages.len() + self.jpage_pages.len() >= 3
                && !self.article_pages.is_empty()
                && paged;
            if done || fetched >= MAX_COLUMNS {
                break;
            }
            if self.s.left() <= RESERVE {
                let unread = wanted.min(MAX_COLUMNS) - fetched;
                self.s.note_skipped(unread as u64);
                break;
            }
            let Ok(page) = self.s.page(&url, &format!("栏目页：{name}")).await else {
                continue;
            };
            if lists::jpage_container(&page, &tree_css).is_some() {
                // Hanweb: the list comes from the data proxy, which pages it itself.
                paged = true;
                self.jpage_pages.push(page);
                continue;
            }
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

    /// The list, its date and the content pane of the lists in the pages' markup.
    pub(super) fn lists(&mut self) {
        let tree_css = self.draft.column_tree.clone();
        let samples: Vec<Url> = self.list_pages.iter().map(|p| p.url.clone()).collect();
        // Hanweb's lists come from its data proxy (`proxy_lists`).
        if !self.jpage_pages.is_empty() {
            return;
        }
        let mut guesses: Vec<lists::ListGuess> = self
            .list_pages
            .iter()
            .filter_map(|p| lists::guess(p, &self.doc_shape, &tree_css))
            .collect();
        // Units of one portal may write their lists two ways (li rows, dl rows): both at once.
        if guesses.len() > 1 {
            let join = |f: &dyn Fn(&lists::ListGuess) -> Option<String>| {
                let parts = css::dedup(guesses.iter().filter_map(f));
                (!parts.is_empty()).then(|| parts.join(", "))
            };
            let union = lists::ListGuess {
                container: join(&|g| Some(g.container.clone())).unwrap_or_default(),
                item: join(&|g| Some(g.item.clone())).unwrap_or_default(),
                date: join(&|g| g.date.clone()),
                content: join(&|g| g.content.clone()),
            };
            if !guesses.contains(&union) {
                guesses.push(union);
            }
        }
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
    }

    /// The article body of the single-article columns, and their 更新日期 element.
    pub(super) fn article_body(&mut self) {
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
        let candidates = css::dedup(candidates);
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
}
