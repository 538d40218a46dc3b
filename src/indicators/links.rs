//! 链接可用性 (国办秘函〔2019〕19号, a deduction indicator, never a veto): the links on the home
//! page(s) and the column pages of a run, as its link check (`crate::links`) stored them, judged:
//! each broken link is a deduction with the page that carries it; a link not checked is a
//! question, never a pass.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{Figure, IndicatorResult, IndicatorSettings, Verdict};
use crate::model::Evidence;
use crate::store::{Store, StoreError};

/// Pages kept per link (a navigation link stands on every page).
pub const MAX_SOURCES: usize = 20;

/// How a link's status was had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckedBy {
    /// The crawl fetched it in the same run: its status, no second request.
    Crawl,
    /// A `HEAD` answered.
    Head,
    /// A `GET` answered (the `HEAD` failed or answered 405/501).
    Get,
    /// Not checked (over `link_limit`, or robots.txt disallows it): `error` says why.
    None,
}

impl CheckedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckedBy::Crawl => "crawl",
            CheckedBy::Head => "head",
            CheckedBy::Get => "get",
            CheckedBy::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "crawl" => CheckedBy::Crawl,
            "head" => CheckedBy::Head,
            "get" => CheckedBy::Get,
            "none" => CheckedBy::None,
            _ => return None,
        })
    }
}

/// A page that carries a link, with the link's text there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkSource {
    pub url: String,
    pub text: String,
    /// The page's stored copy in the run.
    pub page_id: Option<i64>,
}

/// One distinct link of a run and what its check found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkRecord {
    /// Absolute, without its fragment.
    pub url: String,
    /// Not on the portal's host: checked by `HEAD`/`GET`, never crawled.
    pub off_site: bool,
    /// A home page carries it.
    pub on_home: bool,
    /// The pages carrying it, the first found first (at most [`MAX_SOURCES`]).
    pub sources: Vec<LinkSource>,
    /// How many pages carry it.
    pub source_count: usize,
    pub checked_by: CheckedBy,
    /// The final HTTP status; `None` when no answer came (or not checked).
    pub status: Option<u16>,
    /// Where redirects led, when they did.
    pub final_url: Option<String>,
    /// Why no usable answer came (Chinese), or why the link was not checked.
    pub error: Option<String>,
    pub broken: bool,
    pub checked_at: DateTime<Utc>,
}

impl LinkRecord {
    /// The first page found carrying the link.
    pub fn source(&self) -> Option<&LinkSource> {
        self.sources.first()
    }

    /// What was wrong, in Chinese: the error, or the status (after the redirects).
    pub fn problem(&self) -> String {
        let what = what_failed(self.error.as_deref(), self.status);
        match &self.final_url {
            Some(to) if to != &self.url => format!("重定向至 {to} 后{what}"),
            _ => what,
        }
    }
}

/// What a link's check found wrong, in Chinese: its error, else the status it answered.
pub fn what_failed(error: Option<&str>, status: Option<u16>) -> String {
    match (error, status) {
        (Some(e), _) => e.to_string(),
        (None, Some(s)) => format!("服务器返回 {s}"),
        (None, None) => "无响应".to_string(),
    }
}

/// A run's link check as a whole: what was read, the limit in force, the pages not read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkRun {
    pub run_id: i64,
    /// Source pages read (home pages and column pages).
    pub pages: i64,
    /// Distinct links found on them.
    pub links: i64,
    pub limit: i64,
    /// Source pages that could not be read (Chinese sentences).
    pub problems: Vec<String>,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
}

fn fig(key: &str, label: &str, value: impl Serialize) -> Figure {
    Figure {
        key: key.into(),
        label: label.into(),
        value: serde_json::to_value(value).unwrap_or(serde_json::Value::Null),
    }
}

fn text(s: &IndicatorSettings) -> String {
    format!(
        "首页和栏目页面上的链接（含站外链接）不能正常打开（返回 4xx/5xx、{}秒内无响应、无法连接）的，每发现一个扣分；扣分指标，不单项否决",
        s.link_timeout_secs
    )
}

/// The indicator of a run's link check; `None` when the run has none (not run, or stopped).
pub fn judge(
    run: Option<&LinkRun>,
    links: &[LinkRecord],
    s: &IndicatorSettings,
) -> IndicatorResult {
    let Some(run) = run else {
        return IndicatorResult {
            code: "broken_links",
            name: "链接可用性".into(),
            scope: "site".into(),
            text: text(s),
            verdict: Verdict::Question,
            summary: "该次抓取没有完成链接检查".into(),
            figures: Vec::new(),
            evidence: Vec::new(),
            questions: vec![
                "该次抓取没有链接检查记录（检查未运行或未完成），链接可用性须人工检查".into(),
            ],
            decision: None,
        };
    };
    let checked: Vec<&LinkRecord> = links
        .iter()
        .filter(|l| l.checked_by != CheckedBy::None)
        .collect();
    let broken: Vec<&&LinkRecord> = checked.iter().filter(|l| l.broken).collect();
    let unchecked: Vec<&LinkRecord> = links
        .iter()
        .filter(|l| l.checked_by == CheckedBy::None)
        .collect();
    let off_site = checked.iter().filter(|l| l.off_site).count();
    let on_home = broken.iter().filter(|l| l.on_home).count();
    let reused = checked
        .iter()
        .filter(|l| l.checked_by == CheckedBy::Crawl)
        .count();
    let mut questions = run.problems.clone();
    // Grouped by why: "1200 个链接超出每次检查上限…".
    let mut why: Vec<(String, usize)> = Vec::new();
    for l in &unchecked {
        let reason = l.error.clone().unwrap_or_else(|| "未检查".into());
        match why.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => why.push((reason, 1)),
        }
    }
    for (reason, n) in why {
        questions.push(format!("{n} 个链接{reason}"));
    }
    if run.pages == 0 {
        questions.push("没有读到首页或栏目页面，无法检查链接".into());
    }
    let verdict = if !broken.is_empty() {
        Verdict::Deduct
    } else if !questions.is_empty() {
        Verdict::Question
    } else {
        Verdict::Pass
    };
    let mut summary = format!(
        "{} 个页面上共 {} 个链接，检查 {} 个（站外 {off_site} 个），失效 {} 个",
        run.pages,
        links.len(),
        checked.len(),
        broken.len()
    );
    if on_home > 0 {
        summary.push_str(&format!("（其中首页上 {on_home} 个）"));
    }
    if !unchecked.is_empty() {
        summary.push_str(&format!("，未检查 {} 个", unchecked.len()));
    }
    let evidence = broken
        .iter()
        .map(|l| {
            let (page, text, page_id) = match l.source() {
                Some(s) => (s.url.as_str(), s.text.as_str(), s.page_id),
                None => ("", "", None),
            };
            let more = match l.source_count {
                0 | 1 => String::new(),
                n => format!(" 等 {n} 个页面"),
            };
            Evidence {
                url: l.url.clone(),
                excerpt: format!("“{text}”（所在页面 {page}{more}）：{}", l.problem()),
                page_id,
            }
        })
        .collect();
    IndicatorResult {
        code: "broken_links",
        name: "链接可用性".into(),
        scope: "site".into(),
        text: text(s),
        verdict,
        summary,
        figures: vec![
            fig("pages", "检查的页面", run.pages),
            fig("links", "发现的链接", links.len()),
            fig("checked", "已检查", checked.len()),
            fig("broken", "失效链接", broken.len()),
            fig("unchecked", "未检查", unchecked.len()),
            fig("off_site_checked", "已检查的站外链接", off_site),
            fig("broken_on_home", "首页上的失效链接", on_home),
            fig("reused", "沿用本次抓取结果", reused),
            fig("limit", "每次检查上限", run.limit),
        ],
        evidence,
        questions,
        decision: None,
    }
}

/// The indicator for the run the check day reads (`None`: no finished run up to the day).
pub async fn broken_links(
    store: &Store,
    run_id: Option<i64>,
    day: NaiveDate,
    s: &IndicatorSettings,
) -> Result<IndicatorResult, StoreError> {
    let Some(run_id) = run_id else {
        let mut r = judge(None, &[], s);
        r.summary = format!("{day} 及以前没有完成的抓取，链接未检查");
        r.questions = vec![format!("{day} 及以前没有完成的抓取")];
        return Ok(r);
    };
    Ok(match store.link_check(run_id).await? {
        Some((run, links)) => judge(Some(&run), &links, s),
        None => {
            let mut r = judge(None, &[], s);
            r.questions = vec![format!(
                "第 {run_id} 次抓取没有链接检查记录（检查未运行或未完成），链接可用性须人工检查"
            )];
            r
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(url: &str, by: CheckedBy, status: Option<u16>, broken: bool) -> LinkRecord {
        LinkRecord {
            url: url.into(),
            off_site: url.contains("other"),
            on_home: false,
            sources: vec![LinkSource {
                url: "http://x.gov.cn/".into(),
                text: "链接".into(),
                page_id: Some(1),
            }],
            source_count: 1,
            checked_by: by,
            status,
            final_url: None,
            error: None,
            broken,
            checked_at: Utc::now(),
        }
    }

    fn run(pages: i64) -> LinkRun {
        LinkRun {
            run_id: 1,
            pages,
            links: 0,
            limit: 2000,
            problems: vec![],
            started_at: Utc::now(),
            finished_at: Utc::now(),
        }
    }

    #[test]
    fn none_broken_passes_one_broken_deducts_unchecked_asks() {
        let s = IndicatorSettings::default();
        let ok = [
            link("http://x.gov.cn/a", CheckedBy::Crawl, Some(200), false),
            link("http://other.cn/", CheckedBy::Head, Some(200), false),
        ];
        assert_eq!(judge(Some(&run(1)), &ok, &s).verdict, Verdict::Pass);
        let mut some = ok.to_vec();
        some.push(link("http://x.gov.cn/b", CheckedBy::Get, Some(404), true));
        let r = judge(Some(&run(1)), &some, &s);
        assert_eq!(r.verdict, Verdict::Deduct);
        assert_eq!(r.evidence.len(), 1);
        assert!(
            r.evidence[0].excerpt.ends_with("服务器返回 404"),
            "{:?}",
            r.evidence
        );
        let mut over = ok.to_vec();
        let mut not = link("http://other.cn/z", CheckedBy::None, None, false);
        not.error = Some("超出每次检查上限（link_limit = 2000），未检查".into());
        over.push(not);
        let r = judge(Some(&run(1)), &over, &s);
        assert_eq!(r.verdict, Verdict::Question, "never a pass");
        assert_eq!(
            r.questions,
            vec!["1 个链接超出每次检查上限（link_limit = 2000），未检查"]
        );
        assert_eq!(judge(None, &[], &s).verdict, Verdict::Question);
        assert_eq!(judge(Some(&run(0)), &[], &s).verdict, Verdict::Question);
    }
}
