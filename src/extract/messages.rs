//! The county message board: list rows and message pages.

use scraper::Html;
use url::Url;

use super::dates::{find_stamp, Stamp};
use super::{element_text, link_url, selector};
use crate::config::MessageBoard;

/// A row of the board's list.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageRowLink {
    pub url: Url,
    pub title: String,
    /// 受理单位 as shown in the list, when the list has that column.
    pub unit: Option<String>,
    pub date: Option<Stamp>,
}

/// What a message page says.
#[derive(Debug, Clone, PartialEq)]
pub struct MessagePage {
    pub unit: Option<String>,
    pub submitted: Option<Stamp>,
    pub status: Option<String>,
    /// Reply time; `None` when there is no reply block.
    pub replied: Option<Stamp>,
    pub has_reply: bool,
}

/// Reads the rows of a list page; header rows (no link) are skipped.
pub fn parse_message_list(doc: &Html, board: &MessageBoard, page_url: &Url) -> Vec<MessageRowLink> {
    let row_sel = board.row.selector();
    let cell_sel = selector("th, td");
    let link_sel = selector("a[href]");
    let mut unit_col = None;
    let mut out = Vec::new();
    for row in doc.select(row_sel) {
        let cells: Vec<String> = row.select(&cell_sel).map(element_text).collect();
        let Some(a) = row.select(&link_sel).next() else {
            unit_col = cells
                .iter()
                .position(|c| board.label_unit.iter().any(|l| c.contains(l.as_str())));
            continue;
        };
        let Some(url) = link_url(a, page_url) else {
            continue;
        };
        let date = cells.iter().rev().find_map(|c| find_stamp(c));
        out.push(MessageRowLink {
            url,
            title: element_text(a),
            unit: unit_col.and_then(|i| cells.get(i).cloned()),
            date,
        });
    }
    out
}

/// Reads a message page: its labelled fields and reply block.
pub fn parse_message(doc: &Html, board: &MessageBoard) -> MessagePage {
    let mut fields: Vec<(String, String)> = Vec::new();
    for span in doc.select(board.meta_fields.selector()) {
        let text = element_text(span);
        if let Some((k, v)) = text.split_once(['：', ':']) {
            fields.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let field = |labels: &[String]| {
        fields
            .iter()
            .find(|(k, _)| labels.iter().any(|l| k == l))
            .map(|(_, v)| v.clone())
    };
    let has_reply = doc.select(board.reply.selector()).next().is_some();
    MessagePage {
        unit: field(&board.label_unit),
        submitted: field(&board.label_submitted).and_then(|v| find_stamp(&v)),
        status: field(&board.label_status),
        replied: if has_reply {
            field(&board.label_reply_time).and_then(|v| find_stamp(&v))
        } else {
            None
        },
        has_reply,
    }
}
