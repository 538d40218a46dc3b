//! The readings of items the `documents` check drafts: what the unit must have published, as
//! data (`[[township.items.parts]]`). An item is one or more parts; each part is looked for
//! among the unit's documents (by title words, by column) or its columns, and a part not found
//! deducts its points or becomes a question with its points suggested.
//!
//! ```toml
//! [[township.items.parts]]
//! name = "年度报告"
//! words = [["{prev_year}"], ["年度报告", "年报"]]
//! late_after = "01-31"
//! miss = "deduct"
//! points = 2
//! ```
//!
//! A bonus rule may list parts too (`look = "each"`): every document found is a suggestion.

use serde::{Deserialize, Serialize};

/// One thing an item wants published.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    /// Short name, unique in the item: the finding's key (专题会议, 年度报告, 领导信息 …).
    pub name: String,
    /// What is looked for: a document (`document`, the default) or a column that is present
    /// and not empty (`column`).
    #[serde(default)]
    pub look: Look,
    /// Title words: every group must be matched by one of its words (spaces and full/half
    /// width ignored). `{year}` is the assessment year, `{prev_year}` the one before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<Vec<String>>,
    /// Column names: a document of these columns counts whatever its title; for `look =
    /// "column"`, the columns that must be present and not empty (any one of them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// When set, only documents of these columns are looked at (items judged in their own
    /// column): a document elsewhere does not count.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub within: Vec<String>,
    /// Words are looked for in the document's text as well as its title (each group in either),
    /// and a single-article column of `within` counts as a document whose text is the article.
    /// The crawler reads the text of every document of the `within` columns, of any year
    /// ([`crate::rubric::Rubric::text_columns`]); needs `within`, or `among` a `text` part. A
    /// document whose text could not be read makes a part not found a question. An
    /// attachment's file name is never text.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub text: bool,
    /// Only among the documents another part of the item found (六稳六保 among the 政策解读);
    /// skipped when that part found none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub among: Option<String>,
    /// Which documents count by their date: those of the year up to the as-of date
    /// (`current`, the default) or any.
    #[serde(default)]
    pub years: Years,
    /// A document found but published after this day of the year (`MM-DD`) is a question,
    /// not a pass (the 年报's legal deadline, 31 January).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_after: Option<String>,
    /// What a part not found drafts: a deduction, or a question suggesting the points.
    pub miss: Miss,
    /// Points deducted (or suggested) when the part is not found; the item's points cap the sum.
    /// 0 only on a `count` part, which suggests none.
    #[serde(default)]
    pub points: f64,
}

/// What a part is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Look {
    #[default]
    Document,
    Column,
    /// The unit's count of documents of the year, with its rank and the median of its group
    /// (乡镇, A, B): always a question for the auditor (酌情), `points` 0.
    Count,
    /// On a bonus rule: every document found is a question suggesting the rule's
    /// `points_each` (形象化解读); nothing found drafts nothing.
    Each,
}

/// Which publication dates count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Years {
    #[default]
    Current,
    Any,
}

/// What a missing part drafts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Miss {
    /// 未公开的扣分: the website shows it, so its absence is a deduction.
    Deduct,
    /// The machine cannot know whether the unit had anything to publish (不涉及的不扣分).
    Question,
}

impl Part {
    /// The word groups with `{year}` and `{prev_year}` filled in.
    pub fn words_for(&self, year: i32) -> Vec<Vec<String>> {
        self.words
            .iter()
            .map(|group| {
                group
                    .iter()
                    .map(|w| {
                        w.replace("{year}", &year.to_string())
                            .replace("{prev_year}", &(year - 1).to_string())
                    })
                    .collect()
            })
            .collect()
    }

    /// `late_after` as (month, day), when valid.
    pub fn deadline(&self) -> Option<(u32, u32)> {
        let (m, d) = self.late_after.as_deref()?.split_once('-')?;
        let (m, d) = (m.parse().ok()?, d.parse().ok()?);
        chrono::NaiveDate::from_ymd_opt(2020, m, d).map(|_| (m, d))
    }
}
