//! What the crawler saw of one unit, in the form the checks read. Built by `crawl`, consumed
//! by `checks`; URLs are absolute, `page_id`s point at the stored copies.

use url::Url;

use crate::config::UnitConfig;
use crate::extract::dates::Stamp;
use crate::extract::detail::AttachmentLink;
use crate::pdf::PdfCheck;

/// A unit as seen in one run.
#[derive(Debug, Clone)]
pub struct UnitSnapshot {
    pub unit: UnitConfig,
    pub landing_url: Url,
    /// Why the landing page could not be read, when it could not.
    pub landing_error: Option<String>,
    pub columns: Vec<ColumnSnapshot>,
    /// Messages of the board whose 受理单位 is this unit.
    pub messages: Vec<MessageSnapshot>,
    /// The item 17/15 sample, newest first.
    pub sample: Vec<SampledPdf>,
    /// Documents of the year in the policy columns (the population the sample was drawn from).
    pub policy_documents_in_year: usize,
}

/// State of a column as the checks judge it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnState {
    /// A list with documents.
    List,
    /// A single-article column with text.
    Article,
    /// No document and no text of its own.
    Empty,
    /// The page could not be fetched.
    Unreachable,
    /// The page was fetched but has none of the known shapes.
    Unrecognised,
    /// Has children; not judged itself.
    Parent,
}

impl ColumnState {
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnState::List => "list",
            ColumnState::Article => "article",
            ColumnState::Empty => "empty",
            ColumnState::Unreachable => "unreachable",
            ColumnState::Unrecognised => "unrecognised",
            ColumnState::Parent => "parent",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ColumnSnapshot {
    pub name: String,
    pub code: String,
    pub url: Url,
    /// Names from the tree's root.
    pub path: Vec<String>,
    pub state: ColumnState,
    pub documents: Vec<DocumentSnapshot>,
    /// Text of a single-article column.
    pub article_text: Option<String>,
    /// Dates the column page shows for itself (PubDate, 更新日期), newest first.
    pub page_dates: Vec<Stamp>,
    pub empty_notice: Option<String>,
    /// List pages read.
    pub pages: usize,
    pub page_id: Option<i64>,
    /// Why the column (or one of its list pages) could not be read.
    pub error: Option<String>,
}

impl ColumnSnapshot {
    /// A column of the tree in `state`, nothing read from it yet.
    pub fn of(col: &crate::extract::tree::TreeColumn, state: ColumnState) -> Self {
        ColumnSnapshot {
            name: col.name.clone(),
            code: col.code(),
            url: col.url.clone(),
            path: col.path.clone(),
            state,
            documents: Vec::new(),
            article_text: None,
            page_dates: Vec::new(),
            empty_notice: None,
            pages: 0,
            page_id: None,
            error: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct DocumentSnapshot {
    pub url: Url,
    /// Full title when known (title attribute or document page), else the list's text.
    pub title: String,
    /// The title is cut short and the full one could not be read.
    pub title_cut: bool,
    pub published: Option<Stamp>,
    /// 1-based list page and position on it.
    pub list_page: usize,
    pub list_position: usize,
    /// Attachment links, when the document page was read.
    pub attachments: Option<Vec<AttachmentLink>>,
}

/// One sampled document and what its first PDF attachment gave.
#[derive(Debug, Clone)]
pub struct SampledPdf {
    pub document_url: Url,
    pub document_title: String,
    pub published: Option<Stamp>,
    pub attachment: AttachmentLink,
    pub page_id: Option<i64>,
    pub outcome: PdfOutcome,
}

#[derive(Debug, Clone)]
pub enum PdfOutcome {
    Checked(PdfCheck),
    /// The download failed or did not give a PDF (Chinese reason).
    DownloadFailed(String),
}

#[derive(Debug, Clone)]
pub struct MessageSnapshot {
    pub url: Url,
    pub title: String,
    pub unit_raw: String,
    pub submitted: Stamp,
    pub replied: Option<Stamp>,
    pub status: String,
    pub page_id: Option<i64>,
}
