//! The probe's reading of the portal: the crawler's polite fetcher (same rate, same host only)
//! under a request budget, each page decoded and kept as text so that every guess can be tried
//! on it again, and the list of the pages judged, for a person to check.

use std::collections::HashMap;

use scraper::Html;
use url::Url;

use crate::crawl::http::{decode_html, FetchOptions, Fetcher};
use crate::extract::markup::{measure, MarkupLimits};

/// A page the probe read: its final URL and its decoded text.
#[derive(Debug, Clone)]
pub struct Page {
    pub url: Url,
    pub text: String,
}

impl Page {
    /// The page parsed; refused (`None`) when its markup is over the crawler's limits.
    pub fn html(&self) -> Option<Html> {
        measure(&self.text)
            .within(&MarkupLimits::default())
            .then(|| Html::parse_document(&self.text))
    }
}

/// Why a page was not read.
#[derive(Debug, Clone)]
pub enum Miss {
    /// The request budget is spent; nothing was sent.
    Budget,
    /// Off the portal's host; nothing was sent.
    OffSite,
    /// The fetch failed (status, timeout, …), or the body is not a readable HTML page.
    Failed(String),
}

/// Fetches under a budget and keeps every page read.
pub struct Session {
    fetcher: Fetcher,
    budget: u64,
    pages: HashMap<Url, Page>,
    /// Pages judged, in the order they were read, each with what it was read for.
    judged: Vec<(String, Url)>,
    /// Pages the budget kept the probe from reading.
    skipped: u64,
}

impl Session {
    pub fn new(fetcher: Fetcher, budget: u64) -> Self {
        Session {
            fetcher,
            budget,
            pages: HashMap::new(),
            judged: Vec::new(),
            skipped: 0,
        }
    }

    /// Requests sent so far (retries and redirect hops included).
    pub fn requests(&self) -> u64 {
        self.fetcher.stats().requests
    }

    pub fn budget(&self) -> u64 {
        self.budget
    }

    /// Requests left before the budget is spent.
    pub fn left(&self) -> u64 {
        self.budget.saturating_sub(self.requests())
    }

    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// Pages left unread to keep requests for later stages: the budget kept them out too.
    pub fn note_skipped(&mut self, pages: u64) {
        self.skipped += pages;
    }

    /// The page at `url`, fetched once; `what` says what it is read for (listed in the report).
    pub async fn page(&mut self, url: &Url, what: &str) -> Result<Page, Miss> {
        if let Some(p) = self.pages.get(url) {
            return Ok(p.clone());
        }
        if !self.fetcher.in_scope(url) {
            return Err(Miss::OffSite);
        }
        // A request may retry (up to the settings' count): keep one try in hand.
        if self.left() == 0 {
            self.skipped += 1;
            return Err(Miss::Budget);
        }
        let fetched = self
            .fetcher
            .get(url, &FetchOptions::default())
            .await
            .map_err(|e| Miss::Failed(e.to_string()))?;
        if !fetched.looks_like_html() {
            return Err(Miss::Failed(format!("{url} 不是网页")));
        }
        let decoded = decode_html(&fetched.body, fetched.content_type.as_deref());
        if decoded.had_errors {
            return Err(Miss::Failed(format!(
                "{url} 的文字无法按 {} 解码",
                decoded.encoding
            )));
        }
        let page = Page {
            url: fetched.url.clone(),
            text: decoded.text,
        };
        self.pages.insert(url.clone(), page.clone());
        self.judged.push((what.to_string(), url.clone()));
        Ok(page)
    }

    /// The text of a `POST` of `form` to `url` (a Hanweb data proxy's XML), under the budget.
    pub async fn post(
        &mut self,
        url: &Url,
        form: &[(String, String)],
        what: &str,
    ) -> Result<String, Miss> {
        if self.left() == 0 {
            self.skipped += 1;
            return Err(Miss::Budget);
        }
        let opts = FetchOptions {
            form: Some(form.to_vec()),
            ..FetchOptions::default()
        };
        let fetched = self
            .fetcher
            .get(url, &opts)
            .await
            .map_err(|e| Miss::Failed(e.to_string()))?;
        let decoded = decode_html(&fetched.body, fetched.content_type.as_deref());
        if decoded.had_errors {
            return Err(Miss::Failed(format!("{url} 的文字无法解码")));
        }
        self.judged.push((what.to_string(), url.clone()));
        Ok(decoded.text)
    }

    /// Every page read, with what it was read for.
    pub fn judged(&self) -> &[(String, Url)] {
        &self.judged
    }

    /// The text of every page read (for the family's signatures).
    pub fn texts(&self) -> impl Iterator<Item = (&Url, &str)> {
        self.pages.values().map(|p| (&p.url, p.text.as_str()))
    }
}
