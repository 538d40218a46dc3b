//! `gongkai probe`: reads a live portal politely (the crawler's fetcher, its rate, its host
//! only, a request budget), works out the family, the platform home, each unit's landing, the
//! column tree, the list, pager, detail and message-board shapes, tries every guess with the
//! crawler's own readers on the pages it sampled, and writes a commented description that
//! `gongkai crawl --config` reads as it is. What it could not decide is said, never guessed.

mod board;
mod css;
mod document;
mod draft;
mod family;
mod lists;
mod pager;
mod report;
mod session;
mod tree;
mod units;
mod walk;
mod write;

pub use family::FamilyGuess;
pub use report::{Confidence, KeyReport, ProbeReport, UnitMatches};

use std::path::PathBuf;

use url::Url;

use crate::config::{ConfigError, CrawlSettings};
use crate::crawl::http::Fetcher;
use session::Session;

/// Requests a probe may send by default.
pub const DEFAULT_BUDGET: u64 = 60;

/// What to probe and where the description goes.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// The portal's address (its home page, or the site root).
    pub base_url: String,
    /// The office's units (`名称,类别,别名,邮箱`).
    pub units_csv: PathBuf,
    /// Where the description is written.
    pub out: PathBuf,
    /// Politeness: the crawl's settings (rate, concurrency, timeout, retries).
    pub crawl: CrawlSettings,
    /// Requests the probe may send in all (retries and redirects included).
    pub budget: u64,
    /// The assessment year written into the description.
    pub year: i32,
    /// The portal's name; by default its home page's title.
    pub name: Option<String>,
}

/// A probe that could not start or could not write its result.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProbeError {
    /// The address given is not an http(s) URL with a host.
    #[error("门户地址“{url}”无效：{message}")]
    BadUrl { url: String, message: String },
    /// A setting given is out of range (rate, budget, year).
    #[error("参数 {flag} 无效：{message}")]
    BadSetting { flag: String, message: String },
    /// The office's unit list could not be read (the file and line are named).
    #[error(transparent)]
    Units(#[from] ConfigError),
    /// The portal's home page did not answer with a page.
    #[error("门户首页 {url} 无法读取：{message}")]
    Unreachable { url: String, message: String },
    #[error("无法写入门户描述 {path}：{source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The description written does not load back: a fault of the probe, not of the input.
    #[error("写出的门户描述 {path} 无法读回：{message}")]
    Reload { path: PathBuf, message: String },
}

impl ProbeError {
    /// The input was bad (exit 2), as opposed to a fault writing the result.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            ProbeError::BadUrl { .. }
                | ProbeError::BadSetting { .. }
                | ProbeError::Units(_)
                | ProbeError::Unreachable { .. }
        )
    }
}

/// The portal's address as given: http(s) with a host.
pub fn parse_base(text: &str) -> Result<Url, ProbeError> {
    let bad = |message: String| ProbeError::BadUrl {
        url: text.to_string(),
        message,
    };
    let url = Url::parse(text.trim()).map_err(|e| bad(format!("不是有效的网址（{e}）")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad("必须是带主机名的 http 或 https 网址".into()));
    }
    Ok(url)
}

fn check_settings(opts: &ProbeOptions) -> Result<(), ProbeError> {
    let bad = |flag: &str, message: &str| ProbeError::BadSetting {
        flag: flag.into(),
        message: message.into(),
    };
    let rate = opts.crawl.rate_per_sec;
    if !(rate > 0.0 && rate.is_finite()) {
        return Err(bad("--rate", "必须是大于 0 的数"));
    }
    if opts.budget < 5 {
        return Err(bad("--budget", "至少 5 次请求"));
    }
    if !(2000..=2100).contains(&opts.year) {
        return Err(bad("--year", "年度应在 2000 到 2100 之间"));
    }
    Ok(())
}

/// Probes the portal and writes the description to `opts.out`. `Err` only for bad input or a
/// description that cannot be written; what the probe could not decide is in the report.
pub async fn probe(opts: &ProbeOptions) -> Result<ProbeReport, ProbeError> {
    let base = parse_base(&opts.base_url)?;
    check_settings(opts)?;
    let bytes = std::fs::read(&opts.units_csv).map_err(|e| ProbeError::BadSetting {
        flag: "--units".into(),
        message: format!("无法读取单位名单 {}：{e}", opts.units_csv.display()),
    })?;
    let units = crate::config::read_units_csv(&bytes, &opts.units_csv)?;
    let fetcher = Fetcher::new(&opts.crawl, &base).map_err(|e| ProbeError::BadSetting {
        flag: "--rate".into(),
        message: e.to_string(),
    })?;
    let session = Session::new(fetcher, opts.budget);
    walk::run(opts, base, units, session).await
}
