//! The pager (tried on the list samples and the board) and the document pages: title,
//! catalogue block, attachments.

use url::Url;

use super::Walk;
use crate::extract::detail::parse_document;
use crate::extract::list::parse_column_page;
use crate::extract::messages::parse_message_list;
use crate::probe::draft::{self, Draft};
use crate::probe::report::Confidence;
use crate::probe::session::Page;
use crate::probe::{css, document, pager};

/// Document pages sampled at most.
const MAX_DOCUMENTS: usize = 3;

/// A page whose pager a shape read: the page, the page 2 it predicts, whether the pager links it.
type PagerSample = (Url, Url, bool);

impl Walk {
    /// The family's pager shapes on the list samples and the board's list: a shape reading a
    /// page count is kept when the page 2 it predicts is read (fetched) as the same list, or at
    /// least is a link of the pager (a script-written pager links nothing: fetched then).
    pub(super) async fn pager(&mut self) {
        let mut pages: Vec<Page> = self.list_pages.clone();
        pages.extend(self.board_page.clone());
        let samples: Vec<Url> = pages
            .iter()
            .filter(|p| pager::shows_pager(p))
            .map(|p| p.url.clone())
            .collect();
        // (pages whose pager links the predicted page 2, the shape, (page, page 2, linked)).
        let mut tried: Vec<(usize, Draft, Vec<PagerSample>)> = Vec::new();
        for (css, total, url) in draft::pagers(self.platform) {
            let mut d = self.draft.clone();
            d.pager = css.into();
            d.pager_total_regex = total.into();
            d.page_url = url.into();
            let mut reads: Vec<PagerSample> = pages
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

    pub(super) fn pager_keys(&mut self, conf: Confidence, note: String, samples: Vec<Url>) {
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
    pub(super) fn same_list(&self, first: &Url, page2: &Page) -> bool {
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
    pub(super) async fn documents(&mut self) {
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
        wanted.extend(
            self.proxy_items
                .iter()
                .map(|i| (i.url.clone(), i.title.clone())),
        );
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

    pub(super) fn title(&mut self, docs: &[(Page, String)], samples: &[Url]) {
        let mut candidates: Vec<String> = Vec::new();
        for (p, title) in docs {
            if let Some(t) = document::guess_title(p, title) {
                candidates.push(format!("{t}, meta[name=ArticleTitle]"));
                candidates.push(t);
            }
        }
        candidates.push(self.draft.detail_title.clone());
        let mut best: Option<(usize, String)> = None;
        for c in css::dedup(candidates) {
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

    pub(super) fn meta_table(&mut self, docs: &[(Page, String)], samples: &[Url]) {
        let mut guesses = css::dedup(
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

    pub(super) fn attachments(&mut self, docs: &[(Page, String)], samples: &[Url]) {
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
        let guessed = css::dedup(
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
        for c in css::dedup(candidates) {
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
}
