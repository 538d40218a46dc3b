//! What a probe found, how sure it is of each part, and what a person must decide.

use url::Url;

use super::family::FamilyGuess;

/// How sure the probe is of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confidence {
    /// Read every sample page it was tried on, and more than one.
    Sure,
    /// Read the one sample there was, or taken from the family's known shapes where no sample
    /// page showed the part (nothing contradicts it).
    Likely,
    /// Nothing read the samples: a person must look at the pages named.
    Unsure,
}

impl Confidence {
    pub fn label(self) -> &'static str {
        match self {
            Confidence::Sure => "确定",
            Confidence::Likely => "较确定",
            Confidence::Unsure => "需人工确认",
        }
    }
}

/// One key of the description.
#[derive(Debug, Clone)]
pub struct KeyReport {
    /// `pages.list_item`, `messages.row`, …
    pub key: String,
    pub value: String,
    pub confidence: Confidence,
    /// What was seen: "读出 3 个样本页中的 3 个，共 26 条".
    pub note: String,
    /// The sample pages the value was judged on.
    pub samples: Vec<Url>,
}

/// How the office's units met the platform home's links.
#[derive(Debug, Clone, Default)]
pub struct UnitMatches {
    /// Unit name → the home's link text and landing URL.
    pub matched: Vec<(String, String, Url)>,
    /// Units of the file the platform home does not show.
    pub not_on_portal: Vec<String>,
    /// Unit-like links of the platform home that name no unit of the file.
    pub not_in_file: Vec<String>,
}

/// The whole outcome of a probe.
#[derive(Debug, Clone)]
pub struct ProbeReport {
    pub family: FamilyGuess,
    /// The portal's name as its home page's title gives it.
    pub portal_name: String,
    pub platform_home: Option<Url>,
    pub units: UnitMatches,
    pub keys: Vec<KeyReport>,
    /// What the probe could not decide, each naming the page or unit concerned.
    pub questions: Vec<String>,
    /// Every page read, with what it was read for.
    pub judged: Vec<(String, Url)>,
    pub requests: u64,
    pub budget: u64,
    /// Where the description was written.
    pub written: std::path::PathBuf,
}

impl ProbeReport {
    /// Complete: every key read its samples (or is the family's known shape) and every unit
    /// met its link. Otherwise a person must look at the questions.
    pub fn complete(&self) -> bool {
        self.questions.is_empty() && self.keys.iter().all(|k| k.confidence != Confidence::Unsure)
    }
}
