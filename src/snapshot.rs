//! What the crawler saw of one unit, in the form the checks read. Built by `crawl`, consumed
//! by `checks`; URLs are absolute, `page_id`s point at the stored copies. Snapshots are kept as
//! JSON between the jobs of a distributed run (serde), so the checks run where the run ends.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::config::UnitConfig;
use crate::extract::dates::Stamp;
use crate::extract::detail::AttachmentLink;
use crate::model::PageFailure;
use crate::pdf::PdfCheck;

/// A unit as seen in one run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitSnapshot {
    pub unit: UnitConfig,
    #[serde(with = "as_text::url")]
    pub landing_url: Url,
    /// Why the landing page could not be read, when it could not.
    pub landing_error: Option<PageFailure>,
    pub columns: Vec<ColumnSnapshot>,
    /// Messages of the board whose 受理单位 is this unit.
    pub messages: Vec<MessageSnapshot>,
    /// The item 17/15 sample, newest first.
    pub sample: Vec<SampledPdf>,
    /// Documents of the year in the policy columns (the population the sample was drawn from).
    pub policy_documents_in_year: usize,
    /// Message-board pages or messages of this unit (or of the whole board) that could not be
    /// read: the replies check is then incomplete.
    #[serde(default)]
    pub board_problems: Vec<PageFailure>,
}

impl UnitSnapshot {
    /// Distinct documents of `year` published up to `as_of`, in all the unit's columns.
    pub fn documents_of_year(&self, year: i32, as_of: chrono::NaiveDate) -> usize {
        let mut seen = std::collections::HashSet::new();
        self.columns
            .iter()
            .flat_map(|c| c.documents.iter())
            .filter(|d| {
                d.date_doubt.is_none()
                    && d.published
                        .is_some_and(|p| p.year() == year && p.date <= as_of)
            })
            .filter(|d| seen.insert(d.url.as_str()))
            .count()
    }
}

/// State of a column as the checks judge it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The page was fetched but its text could not be decoded, or its markup is over the
    /// limits of one page: nothing on it was judged.
    Unreadable,
    /// Has children; not judged itself.
    Parent,
}

impl ColumnState {
    /// The machine could not see what the column holds (not fetched, unknown shape, text or
    /// markup unreadable).
    pub fn unread(self) -> bool {
        matches!(
            self,
            ColumnState::Unreachable | ColumnState::Unrecognised | ColumnState::Unreadable
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ColumnState::List => "list",
            ColumnState::Article => "article",
            ColumnState::Empty => "empty",
            ColumnState::Unreachable => "unreachable",
            ColumnState::Unrecognised => "unrecognised",
            ColumnState::Unreadable => "unreadable",
            ColumnState::Parent => "parent",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ColumnSnapshot {
    pub name: String,
    pub code: String,
    #[serde(with = "as_text::url")]
    pub url: Url,
    /// Names from the tree's root.
    pub path: Vec<String>,
    pub state: ColumnState,
    pub documents: Vec<DocumentSnapshot>,
    /// Text of a single-article column.
    pub article_text: Option<String>,
    /// Dates the column page shows for itself (PubDate, 更新日期), newest first.
    #[serde(with = "as_text::stamps")]
    pub page_dates: Vec<Stamp>,
    pub empty_notice: Option<String>,
    /// List pages read.
    pub pages: usize,
    pub page_id: Option<i64>,
    /// Why the column (or some of its list pages) could not be read, in the order met.
    #[serde(default)]
    pub problems: Vec<PageFailure>,
    /// Dates the column page states for itself that name no real day, as written.
    #[serde(default)]
    pub impossible_dates: Vec<String>,
    /// List entries not counted as documents (their link is not of the portal's document
    /// shape), as "title（URL）".
    #[serde(default)]
    pub ignored: Vec<String>,
    /// Attachment links on the column's own page (a single-article column may be a file).
    #[serde(default, with = "as_text::links")]
    pub attachments: Vec<AttachmentLink>,
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
            problems: Vec::new(),
            impossible_dates: Vec::new(),
            ignored: Vec::new(),
            attachments: Vec::new(),
        }
    }

    /// The column's name, or a parent's, contains one of `names` (spaces, quotes and full/half
    /// width ignored): how the rubric's `within` and `columns` name columns.
    pub fn named(&self, names: &[String]) -> bool {
        use crate::checks::text::squash;
        if names.is_empty() {
            return false;
        }
        // The column's own names squashed once, not once per name looked for.
        let own: Vec<String> = std::iter::once(&self.name)
            .chain(&self.path)
            .map(|s| squash(s))
            .collect();
        names.iter().any(|n| {
            let n = squash(n);
            own.iter().any(|o| o.contains(&n))
        })
    }

    /// The column's problems as one sentence (`None` when it was read completely).
    pub fn problems_text(&self) -> Option<String> {
        PageFailure::join(&self.problems)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocumentSnapshot {
    #[serde(with = "as_text::url")]
    pub url: Url,
    /// Full title when known (title attribute or document page), else the list's text.
    pub title: String,
    /// The title is cut short and the full one could not be read.
    pub title_cut: bool,
    #[serde(with = "as_text::opt_stamp")]
    pub published: Option<Stamp>,
    /// 1-based list page and position on it.
    pub list_page: usize,
    pub list_position: usize,
    /// Attachment links, when the document page was read.
    #[serde(with = "as_text::opt_links")]
    pub attachments: Option<Vec<AttachmentLink>>,
    /// Why the document's date is in doubt, when it is.
    #[serde(default)]
    pub date_doubt: Option<DateDoubt>,
    /// The stored copy of the document page, when it was read.
    #[serde(default)]
    pub page_id: Option<i64>,
    /// The text of the document's body (attachments' names left out), at most
    /// [`DocumentSnapshot::TEXT_CHARS`] characters: read only in the columns whose rubric parts
    /// read text (`text = true`). `None` when not read (not wanted, or the page failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The body was longer than what `text` keeps.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub text_cut: bool,
}

impl DocumentSnapshot {
    /// Characters of a body kept in `text`.
    pub const TEXT_CHARS: usize = 20_000;

    /// Keeps `body` as the document's text, cut at [`DocumentSnapshot::TEXT_CHARS`].
    pub fn keep_text(&mut self, body: &str) {
        let mut chars = body.char_indices();
        match chars.nth(Self::TEXT_CHARS) {
            Some((at, _)) => {
                self.text = Some(body[..at].to_string());
                self.text_cut = true;
            }
            None => {
                self.text = Some(body.to_string());
                self.text_cut = false;
            }
        }
    }
}

/// A document date the machine cannot trust: it is shown with both values to the auditor,
/// never silently replaced by the other one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DateDoubt {
    /// The list or the document page writes a date that names no real day.
    Impossible {
        written: String,
        /// Where it is written: `"列表页"` or `"文件页"`.
        place: String,
        /// The date read elsewhere (the other page, or the URL), if any.
        #[serde(with = "as_text::opt_stamp")]
        other: Option<Stamp>,
    },
    /// The list and the document page give different days.
    Disagree {
        #[serde(with = "as_text::stamp")]
        list: Stamp,
        #[serde(with = "as_text::stamp")]
        page: Stamp,
    },
}

impl std::fmt::Display for DateDoubt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DateDoubt::Impossible {
                written,
                place,
                other: Some(other),
            } => write!(
                f,
                "{place}所写日期“{written}”不存在，另处显示为{}",
                other.to_text()
            ),
            DateDoubt::Impossible {
                written,
                place,
                other: None,
            } => write!(
                f,
                "{place}所写日期“{written}”不存在，其他地方也没有可读的日期"
            ),
            DateDoubt::Disagree { list, page } => write!(
                f,
                "列表页日期{}与文件页日期{}不一致",
                list.to_text(),
                page.to_text()
            ),
        }
    }
}

/// One sampled document and what its first PDF attachment gave.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SampledPdf {
    #[serde(with = "as_text::url")]
    pub document_url: Url,
    pub document_title: String,
    #[serde(with = "as_text::opt_stamp")]
    pub published: Option<Stamp>,
    #[serde(with = "as_text::link")]
    pub attachment: AttachmentLink,
    pub page_id: Option<i64>,
    pub outcome: PdfOutcome,
    /// The sampled document's date is in doubt: whether it belongs to the sample is not sure.
    #[serde(default)]
    pub date_doubt: Option<DateDoubt>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum PdfOutcome {
    Checked(PdfCheck),
    /// The download failed or did not give a PDF.
    DownloadFailed(PageFailure),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MessageSnapshot {
    #[serde(with = "as_text::url")]
    pub url: Url,
    pub title: String,
    pub unit_raw: String,
    #[serde(with = "as_text::stamp")]
    pub submitted: Stamp,
    #[serde(with = "as_text::opt_stamp")]
    pub replied: Option<Stamp>,
    pub status: String,
    pub page_id: Option<i64>,
    /// The page has a reply block (even when its time could not be read).
    #[serde(default)]
    pub has_reply: bool,
}

/// Serde forms of the foreign types in a snapshot: URLs as text, stamps as date and time,
/// attachment links as URL and name.
mod as_text {
    use chrono::{NaiveDate, NaiveTime};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::extract::dates::Stamp;
    use crate::extract::detail::AttachmentLink;

    pub mod url {
        use super::*;

        pub fn serialize<S: Serializer>(u: &::url::Url, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(u.as_str())
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<::url::Url, D::Error> {
            let text = String::deserialize(d)?;
            ::url::Url::parse(&text).map_err(serde::de::Error::custom)
        }
    }

    #[derive(Serialize, Deserialize)]
    struct StampForm {
        date: NaiveDate,
        time: Option<NaiveTime>,
    }

    impl From<&Stamp> for StampForm {
        fn from(s: &Stamp) -> Self {
            StampForm {
                date: s.date,
                time: s.time,
            }
        }
    }

    impl From<StampForm> for Stamp {
        fn from(f: StampForm) -> Self {
            Stamp {
                date: f.date,
                time: f.time,
            }
        }
    }

    pub mod stamp {
        use super::*;

        pub fn serialize<S: Serializer>(v: &Stamp, s: S) -> Result<S::Ok, S::Error> {
            StampForm::from(v).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Stamp, D::Error> {
            StampForm::deserialize(d).map(Stamp::from)
        }
    }

    pub mod opt_stamp {
        use super::*;

        pub fn serialize<S: Serializer>(v: &Option<Stamp>, s: S) -> Result<S::Ok, S::Error> {
            v.as_ref().map(StampForm::from).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Stamp>, D::Error> {
            Ok(Option::<StampForm>::deserialize(d)?.map(Stamp::from))
        }
    }

    pub mod stamps {
        use super::*;

        pub fn serialize<S: Serializer>(v: &[Stamp], s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(v.iter().map(StampForm::from))
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Stamp>, D::Error> {
            Ok(Vec::<StampForm>::deserialize(d)?
                .into_iter()
                .map(Stamp::from)
                .collect())
        }
    }

    #[derive(Serialize, Deserialize)]
    struct LinkForm {
        #[serde(with = "url")]
        url: ::url::Url,
        name: String,
    }

    impl From<&AttachmentLink> for LinkForm {
        fn from(l: &AttachmentLink) -> Self {
            LinkForm {
                url: l.url.clone(),
                name: l.name.clone(),
            }
        }
    }

    impl From<LinkForm> for AttachmentLink {
        fn from(f: LinkForm) -> Self {
            AttachmentLink {
                url: f.url,
                name: f.name,
            }
        }
    }

    pub mod link {
        use super::*;

        pub fn serialize<S: Serializer>(v: &AttachmentLink, s: S) -> Result<S::Ok, S::Error> {
            LinkForm::from(v).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<AttachmentLink, D::Error> {
            LinkForm::deserialize(d).map(AttachmentLink::from)
        }
    }

    pub mod links {
        use super::*;

        pub fn serialize<S: Serializer>(v: &[AttachmentLink], s: S) -> Result<S::Ok, S::Error> {
            v.iter()
                .map(LinkForm::from)
                .collect::<Vec<_>>()
                .serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Vec<AttachmentLink>, D::Error> {
            Ok(Vec::<LinkForm>::deserialize(d)?
                .into_iter()
                .map(AttachmentLink::from)
                .collect())
        }
    }

    pub mod opt_links {
        use super::*;

        pub fn serialize<S: Serializer>(
            v: &Option<Vec<AttachmentLink>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            v.as_ref()
                .map(|links| links.iter().map(LinkForm::from).collect::<Vec<_>>())
                .serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<Vec<AttachmentLink>>, D::Error> {
            Ok(Option::<Vec<LinkForm>>::deserialize(d)?
                .map(|links| links.into_iter().map(AttachmentLink::from).collect()))
        }
    }
}
