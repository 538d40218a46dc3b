//! The link check of a crawl run (链接可用性), run once at its end as part of the same job: the
//! links of the home page(s) and the column pages the run stored, each distinct link checked
//! once ([`check`]) or given the status of the run's own fetch of it, and stored per run for
//! the indicator ([`crate::indicators::links`]).

pub mod check;

use std::collections::HashMap;
use std::time::Duration;

use bytes::Bytes;
use chrono::Utc;
use futures::stream::{self, StreamExt};
use serde::Serialize;
use url::Url;

pub use check::{Checker, Outcome};

use crate::config::PortalConfig;
use crate::crawl::{read_html_sync, CrawlError, Got, Recorder};
use crate::extract::links::{links_of, FoundLink};
use crate::extract::markup::MarkupLimits;
use crate::indicators::links::{CheckedBy, LinkRecord, LinkRun, LinkSource, MAX_SOURCES};
use crate::store::PageKind;

/// Links checked at once; each host still takes its own turns.
const CONCURRENT_CHECKS: usize = 8;

/// What a run's link check found, for the crawl's summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LinkSummary {
    /// Source pages read (home pages and column pages).
    pub pages: usize,
    /// Distinct links on them.
    pub links: usize,
    pub checked: usize,
    pub broken: usize,
    /// Not checked: over `indicators.link_limit`, or disallowed by robots.txt.
    pub unchecked: usize,
    pub off_site_checked: usize,
    /// Checked by the run's own fetch, without a request.
    pub reused: usize,
    /// Source pages that could not be read.
    pub problems: Vec<String>,
}

/// A link as found on the run's pages, before its check.
struct Gathered {
    url: Url,
    on_home: bool,
    sources: Vec<LinkSource>,
    source_count: usize,
}

/// Checks the links of the run `rec` records (the portal at `base`) and stores the results,
/// replacing an earlier check of the run. Network failures are results; only the store's
/// failures are errors.
pub async fn check_run(
    rec: &Recorder,
    config: &PortalConfig,
    base: &Url,
) -> Result<LinkSummary, CrawlError> {
    let started = Utc::now();
    let s = &config.indicators;
    let store = rec.store();
    let run_id = rec.run_id();
    let mut problems = Vec::new();
    let home = base
        .join(&s.home_path)
        .map_err(|e| CrawlError::Config(format!("indicators.home_path “{}”：{e}", s.home_path)))?;
    let mut fetches = store.run_fetches(run_id).await?;
    match fetches.iter().find(|f| f.url == home.as_str()) {
        Some(f) => {
            if let Some(e) = &f.error {
                problems.push(format!("首页未能读取，其上的链接未检查：{e}"));
            }
        }
        None => {
            if let Err(failure) = rec.fetch_beside(&home, PageKind::Home).await? {
                problems.push(format!("首页未能读取，其上的链接未检查：{failure}"));
            }
            fetches = store.run_fetches(run_id).await?;
        }
    }
    let crawled: HashMap<String, Outcome> = fetches
        .iter()
        .filter_map(|f| {
            Some((
                f.url.clone(),
                Outcome::of_crawl(f.status, f.error.as_deref())?,
            ))
        })
        .collect();
    let (pages, gathered) = gather(rec, &home, &mut problems).await?;
    let checker = Checker::new(
        rec.fetcher().clone(),
        Duration::from_secs(s.link_timeout_secs),
        s.off_site_rate_per_sec,
        crawled,
    )?;
    let limit = s.link_limit as usize;
    let mut outcomes: Vec<Option<Outcome>> = Vec::with_capacity(gathered.len());
    let mut to_check = Vec::new();
    for (i, g) in gathered.iter().enumerate() {
        let planned = if let Some(o) = checker.reused(&g.url) {
            Some(o)
        } else if !checker.allowed(&g.url).await {
            Some(Outcome::unchecked("robots.txt 不允许访问，未检查"))
        } else if to_check.len() < limit {
            to_check.push(i);
            None
        } else {
            Some(Outcome::unchecked(format!(
                "超出每次检查上限（indicators.link_limit = {limit}），未检查"
            )))
        };
        outcomes.push(planned);
    }
    // Hosts taken in turn, so that one slow host does not hold every slot while the others wait.
    let mut per_host: HashMap<&str, usize> = HashMap::new();
    let mut turn_of = HashMap::new();
    for &i in &to_check {
        let n = per_host
            .entry(gathered[i].url.host_str().unwrap_or_default())
            .or_default();
        turn_of.insert(i, *n);
        *n += 1;
    }
    to_check.sort_by_key(|i| (turn_of[i], *i));
    let checker = &checker;
    let gathered_ref = &gathered;
    let checked: Vec<(usize, Outcome, chrono::DateTime<Utc>)> = stream::iter(to_check)
        .map(|i| async move {
            let o = checker.check(&gathered_ref[i].url).await;
            (i, o, Utc::now())
        })
        .buffer_unordered(CONCURRENT_CHECKS)
        .collect()
        .await;
    let mut at = vec![Utc::now(); gathered.len()];
    for (i, o, when) in checked {
        outcomes[i] = Some(o);
        at[i] = when;
    }
    let mut records = Vec::with_capacity(gathered.len());
    let mut summary = LinkSummary {
        pages,
        links: gathered.len(),
        ..LinkSummary::default()
    };
    for ((g, o), checked_at) in gathered.into_iter().zip(outcomes).zip(at) {
        let o = o.unwrap_or_else(|| Outcome::unchecked("未检查"));
        let off_site = !checker.on_portal(&g.url);
        if o.checked_by == CheckedBy::None {
            summary.unchecked += 1;
        } else {
            summary.checked += 1;
            summary.broken += usize::from(o.broken);
            summary.off_site_checked += usize::from(off_site);
            summary.reused += usize::from(o.checked_by == CheckedBy::Crawl);
        }
        records.push(LinkRecord {
            url: g.url.to_string(),
            off_site,
            on_home: g.on_home,
            sources: g.sources,
            source_count: g.source_count,
            checked_by: o.checked_by,
            status: o.status,
            final_url: o.final_url,
            error: o.error,
            broken: o.broken,
            checked_at,
        });
    }
    let run = LinkRun {
        run_id,
        pages: pages as i64,
        links: records.len() as i64,
        limit: limit as i64,
        problems: problems.clone(),
        started_at: started,
        finished_at: Utc::now(),
    };
    store.save_link_check(&run, &records).await?;
    summary.problems = problems;
    tracing::info!(
        run = run_id,
        pages = summary.pages,
        links = summary.links,
        checked = summary.checked,
        broken = summary.broken,
        unchecked = summary.unchecked,
        "link check done"
    );
    Ok(summary)
}

/// The links of the run's home and column pages, deduplicated by URL (first found first), and
/// how many pages were read.
async fn gather(
    rec: &Recorder,
    home: &Url,
    problems: &mut Vec<String>,
) -> Result<(usize, Vec<Gathered>), CrawlError> {
    let store = rec.store();
    let mut read = 0usize;
    let mut gathered: Vec<Gathered> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (id, url, kind) in store.link_source_pages(rec.run_id(), home.as_str()).await? {
        let Some(page) = store.page(id).await? else {
            continue;
        };
        let Ok(page_url) = Url::parse(&url) else {
            problems.push(format!("页面地址 {url} 无法解析，其上的链接未检查"));
            continue;
        };
        let got = Got {
            url: page_url,
            body: Bytes::from(page.body.unwrap_or_default()),
            content_type: page.content_type,
            page_id: id,
        };
        let found = crate::telemetry::spawn_blocking(move || {
            read_html_sync(&got, &MarkupLimits::default(), |doc| {
                links_of(doc, &got.url)
            })
        })
        .await;
        let found: Vec<FoundLink> = match found {
            Ok(Ok(found)) => found,
            Ok(Err(failure)) => {
                problems.push(format!("页面 {url} 未能读取，其上的链接未检查：{failure}"));
                continue;
            }
            Err(e) => {
                tracing::error!(%url, error = %e, "link reader failed");
                problems.push(format!("页面 {url} 未能读取，其上的链接未检查"));
                continue;
            }
        };
        read += 1;
        let on_home = kind == PageKind::Home || url == home.as_str();
        for link in found {
            let source = LinkSource {
                url: url.clone(),
                text: link.text,
                page_id: Some(id),
            };
            match index.get(link.url.as_str()) {
                Some(&i) => {
                    let g = &mut gathered[i];
                    g.on_home |= on_home;
                    // A page is read once: each of its links counts it once.
                    g.source_count += 1;
                    if g.sources.len() < MAX_SOURCES {
                        g.sources.push(source);
                    }
                }
                None => {
                    index.insert(link.url.to_string(), gathered.len());
                    gathered.push(Gathered {
                        url: link.url,
                        on_home,
                        sources: vec![source],
                        source_count: 1,
                    });
                }
            }
        }
    }
    Ok((read, gathered))
}
