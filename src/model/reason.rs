//! The stable reason codes of findings (`docs/findings.md`, "Reason codes").
//!
//! The codes are a public interface: they appear in the findings JSON, in the store and as part
//! of a decision's key. One list below defines the variants, their strings and [`Reason::ALL`],
//! so the three cannot drift apart; a test diffs the list against the documentation.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! reasons {
    ($($(#[$doc:meta])* $variant:ident => $code:literal,)+) => {
        /// Why a finding was drafted; serialised as its snake_case code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Reason {
            $($(#[$doc])* $variant,)+
        }

        impl Reason {
            /// Every reason, in the order of the documentation.
            pub const ALL: &'static [Reason] = &[$(Reason::$variant,)+];

            /// The stable code, e.g. `guide_missing`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Reason::$variant => $code,)+
                }
            }
        }

        impl FromStr for Reason {
            type Err = UnknownReason;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($code => Ok(Reason::$variant),)+
                    _ => Err(UnknownReason(s.to_string())),
                }
            }
        }
    };
}

reasons! {
    /// Item 7/7: no guide column, or it is empty.
    GuideMissing => "guide_missing",
    /// Item 7/7: elements of the guide missing (per element).
    GuideElementsMissing => "guide_elements_missing",
    /// Item 7/7: the guide was not updated in the year.
    GuideOutdated => "guide_outdated",
    /// Item 7/7: the guide could not be read.
    GuideUnreadable => "guide_unreadable",
    /// Item 7/7: the guide's page shows no date.
    GuideDateUnknown => "guide_date_unknown",
    /// Item 10/9: the year's budget or the last year's accounts missing.
    BudgetMissing => "budget_missing",
    /// Item 10/9: 三公经费 missing.
    SangongMissing => "sangong_missing",
    /// Item 10/9: 绩效自评报告 missing.
    PerformanceMissing => "performance_missing",
    /// Item 10/9: the budget part could not be decided.
    BudgetUnsure => "budget_unsure",
    /// Item 10/9: the 三公经费 part could not be decided.
    SangongUnsure => "sangong_unsure",
    /// Item 10/9: the 绩效自评 part could not be decided.
    PerformanceUnsure => "performance_unsure",
    /// Item 13/12: empty leaf columns.
    EmptyColumns => "empty_columns",
    /// Item 13/12: a column page could not be fetched.
    ColumnUnreachable => "column_unreachable",
    /// Item 13/12: a column page has none of the known shapes.
    ColumnUnrecognised => "column_unrecognised",
    /// Item 13/12: a column page was fetched but its text or markup could not be read.
    ColumnUnreadable => "column_unreadable",
    /// Every item whose check reads the unit's columns: the unit's landing page could not be read.
    UnitUnreachable => "unit_unreachable",
    /// Item 17/15: a policy column could not be read, so the sample may miss documents.
    PdfSampleUnreadable => "pdf_sample_unreadable",
    /// Item 17/15: a sampled PDF without its 公开属性 marking.
    PdfUnmarked => "pdf_unmarked",
    /// Item 17/15: a sampled PDF without marking whose document date is in doubt.
    PdfDateUnsure => "pdf_date_unsure",
    /// Item 17/15: a sampled PDF whose text could not be read.
    PdfUnreadable => "pdf_unreadable",
    /// Item 17/15: a sampled attachment could not be downloaded as a PDF.
    PdfDownloadFailed => "pdf_download_failed",
    /// Item 17/15: nothing to sample (no PDF attachment in the year's policy documents).
    PdfSampleEmpty => "pdf_sample_empty",
    /// Penalty 2: the PDF's own marking says 依申请公开 / 不予公开.
    PdfNondisclosable => "pdf_nondisclosable",
    /// Item 28/27: messages answered late.
    ReplyLate => "reply_late",
    /// Item 28/27: working-day mode without the year's calendar.
    ReplyCalendarMissing => "reply_calendar_missing",
    /// Item 28/27: parts of the message board could not be read.
    ReplyBoardIncomplete => "reply_board_incomplete",
    /// Item 28/27: answered messages whose reply time could not be read.
    ReplyTimeUnknown => "reply_time_unknown",
    ReplyBeforeSubmission => "reply_before_submission",
    /// A `documents` item: a part the website should show was not found (deduction).
    DocumentMissing => "document_missing",
    /// A `documents` item: a part not found that the machine cannot decide (不涉及的不扣分;
    /// suggested points).
    DocumentNotSeen => "document_not_seen",
    /// A `documents` item: a part not found while columns were unread, titles cut or dates in
    /// doubt: it may be there.
    DocumentUnsure => "document_unsure",
    /// A `documents` item: the part was published after its deadline (年报 after 31 January).
    DocumentLate => "document_late",
    /// A `documents` item: a column the item needs is missing or empty (deduction).
    ColumnPartMissing => "column_part_missing",
    /// A `documents` count part (信息发布量): the unit's count of documents of the year, its
    /// rank and its group's median, for the auditor.
    PublicationCount => "publication_count",
    /// A `documents` bonus part (`look = "each"`): a document that may earn the bonus rule
    /// (形象化解读), suggested, never counted until the auditor confirms it.
    DocumentBonus => "document_bonus",
}

/// A reason code that is not one of [`Reason::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("未知的问题代码“{0}”")]
pub struct UnknownReason(pub String);

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Reason {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The codes of the "Reason codes" table of `docs/findings.md`: every backticked code in the
    /// first cell of its rows.
    fn documented() -> BTreeSet<String> {
        let doc = include_str!("../../docs/findings.md");
        let section = doc
            .split("## Reason codes")
            .nth(1)
            .expect("docs/findings.md has a \"Reason codes\" section");
        let section = section.split("\n## ").next().unwrap_or(section);
        let mut codes = BTreeSet::new();
        for line in section.lines().filter(|l| l.starts_with('|')) {
            let first = line.split('|').nth(1).unwrap_or("");
            let mut parts = first.split('`');
            parts.next();
            while let Some(code) = parts.next() {
                codes.insert(code.to_string());
                parts.next();
            }
        }
        codes
    }

    #[test]
    fn every_reason_is_documented_and_every_documented_code_is_a_reason() {
        let documented = documented();
        let ours: BTreeSet<String> = Reason::ALL.iter().map(|r| r.to_string()).collect();
        let undocumented: Vec<_> = ours.difference(&documented).collect();
        let unknown: Vec<_> = documented.difference(&ours).collect();
        assert!(
            undocumented.is_empty() && unknown.is_empty(),
            "emitted but not in docs/findings.md: {undocumented:?}; \
             documented but not a Reason: {unknown:?}"
        );
        assert_eq!(ours.len(), Reason::ALL.len(), "duplicate codes");
    }

    #[test]
    fn codes_round_trip_through_text_and_json() {
        for &r in Reason::ALL {
            assert_eq!(r.as_str().parse::<Reason>(), Ok(r));
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
            assert_eq!(serde_json::from_str::<Reason>(&json).unwrap(), r);
        }
        assert_eq!(
            "guide_gone".parse::<Reason>(),
            Err(UnknownReason("guide_gone".into()))
        );
        assert!(serde_json::from_str::<Reason>("\"guide_gone\"").is_err());
        assert_eq!(Reason::PdfNondisclosable.to_string(), "pdf_nondisclosable");
    }
}
