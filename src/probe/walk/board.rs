//! The message board: its list page and rows, a message page's fields and reply block.

use url::Url;

use super::{path_of, Walk};
use crate::extract::messages::{parse_message, parse_message_list};
use crate::probe::report::Confidence;
use crate::probe::session::Page;
use crate::probe::{board, css};

impl Walk {
    /// The message board: its list page, rows, and on message pages the labelled fields and the
    /// reply block.
    pub(super) async fn board(&mut self) {
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

    pub(super) fn fields(&mut self, messages: &[Page]) {
        let samples: Vec<Url> = messages.iter().map(|p| p.url.clone()).collect();
        let guesses: Vec<board::FieldsGuess> =
            messages.iter().filter_map(board::guess_fields).collect();
        let meta = css::dedup(guesses.iter().flat_map(|g| {
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
            format!("样本中出现的标签：{}", css::dedup(seen.clone()).join("、")),
            samples,
        );
    }
}
