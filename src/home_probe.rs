//! Home-page probes for 站点无法访问: one GET at evenly spread slots of the (Beijing) day, a
//! failure when no 2xx/3xx page has loaded within the timeout. Each probe is stored with its
//! time, duration, status or error, and the home page's newest dated item (for 首页不更新).
//!
//! The probes fetch, so they live above the crawler's HTTP layer; what they record is judged by
//! [`crate::indicators`], which makes no network request of its own.

use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use scraper::{ElementRef, Html, Selector};
use url::Url;

use crate::config::PortalConfig;
use crate::indicators::clock::{beijing_day, day_start, Clock};
use crate::indicators::judge::{DatedItem, ProbeRecord};
use crate::indicators::IndicatorSettings;
use crate::store::{Store, StoreError};

/// What to probe and how.
#[derive(Debug, Clone)]
pub struct ProbeTarget {
    pub portal: String,
    pub url: Url,
    pub timeout: Duration,
    pub per_day: u32,
    pub user_agent: String,
}

impl ProbeTarget {
    /// The home page of a portal description (`[indicators] home_path` under `base_url`).
    pub fn of(config: &PortalConfig) -> Result<ProbeTarget, url::ParseError> {
        let s = &config.indicators;
        Ok(ProbeTarget {
            portal: config.portal.name.clone(),
            url: config.portal.base_url.join(&s.home_path)?,
            timeout: Duration::from_secs(s.probe_timeout_secs),
            per_day: s.probes_per_day,
            user_agent: config.crawl.user_agent.clone(),
        })
    }
}

/// The first slot after `after`: slots are `per_day` evenly spaced instants from Beijing
/// midnight.
pub fn next_slot(after: DateTime<Utc>, per_day: u32) -> DateTime<Utc> {
    let step = chrono::Duration::milliseconds(86_400_000 / i64::from(per_day.max(1)));
    let mut at = day_start(beijing_day(after));
    while at <= after {
        at += step;
    }
    at
}

/// One probe: GET the home page, time it against the timeout.
pub async fn probe_once(
    client: &reqwest::Client,
    target: &ProbeTarget,
    clock: &dyn Clock,
) -> ProbeRecord {
    let at = clock.now();
    let started = Instant::now();
    let answer = tokio::time::timeout(target.timeout, async {
        let r = client.get(target.url.clone()).send().await?;
        let status = r.status().as_u16();
        let content_type = r
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = r.bytes().await?;
        Ok::<_, reqwest::Error>((status, content_type, body))
    })
    .await;
    let ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let mut rec = ProbeRecord {
        url: target.url.to_string(),
        at,
        ok: false,
        ms,
        status: None,
        error: None,
        items: 0,
        dated_items: 0,
        newest: None,
    };
    match answer {
        Err(_) => {
            rec.error = Some(format!("{} 秒内未能打开", target.timeout.as_secs()));
        }
        Ok(Err(e)) => {
            rec.status = e.status().map(|s| s.as_u16());
            let e = e.without_url();
            tracing::debug!(cause = %crate::crawl::http::cause_chain(&e), "probe failed");
            rec.error = Some(format!(
                "无法访问：{}",
                crate::crawl::http::network_cause(&e)
            ));
        }
        Ok(Ok((status, content_type, body))) => {
            rec.status = Some(status);
            if (200..400).contains(&status) {
                rec.ok = true;
                let page = crate::crawl::http::decode_html(&body, content_type.as_deref());
                let today = beijing_day(at);
                let items = home_items(&page.text, &target.url, today);
                rec.items = items.0;
                rec.dated_items = items.1;
                rec.newest = items.2;
            } else {
                rec.error = Some(format!("服务器返回 {status}"));
            }
        }
    }
    rec
}

/// The links of a page standing in list rows, those with a date (in the row or the URL), and
/// the newest of them up to `today` (an item dated later, an event's date or a typo, proves no
/// update).
pub fn home_items(html: &str, base: &Url, today: NaiveDate) -> (i64, i64, Option<DatedItem>) {
    use crate::extract::dates::{find_stamp, stamp_in_url};
    let doc = Html::parse_document(html);
    let links = Selector::parse("a[href]").expect("static selector");
    let mut items = 0;
    let mut dated = 0;
    let mut newest: Option<DatedItem> = None;
    for a in doc.select(&links) {
        let Some(row) = a
            .ancestors()
            .filter_map(ElementRef::wrap)
            .find(|e| matches!(e.value().name(), "li" | "tr" | "dd"))
        else {
            continue;
        };
        let Some(url) = a.value().attr("href").and_then(|h| base.join(h).ok()) else {
            continue;
        };
        items += 1;
        let row_text: String = row.text().collect();
        let Some(stamp) = find_stamp(&row_text).or_else(|| stamp_in_url(url.as_str())) else {
            continue;
        };
        dated += 1;
        let title = a
            .value()
            .attr("title")
            .map(str::to_string)
            .unwrap_or_else(|| {
                a.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            });
        if stamp.date <= today && newest.as_ref().is_none_or(|n| stamp.date > n.date) {
            newest = Some(DatedItem {
                date: stamp.date,
                title,
                url: url.to_string(),
            });
        }
    }
    (items, dated, newest)
}

/// The HTTP client of the probes: the portal's user agent, a few redirects, no cookies.
pub fn client(target: &ProbeTarget) -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(target.user_agent.clone())
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()
        .unwrap_or_default()
}

/// Probes `target` at every slot until the slot at or after `until` (forever when `None`),
/// storing each probe; `each` sees each probe after it is stored (the number from 0). With
/// `judge`, each day's verdicts are judged and stored once its last slot has been probed.
pub async fn run_probes(
    store: &Store,
    target: &ProbeTarget,
    judge: Option<&IndicatorSettings>,
    clock: &dyn Clock,
    until: Option<DateTime<Utc>>,
    mut each: impl FnMut(u64, &ProbeRecord),
) -> Result<u64, StoreError> {
    let client = client(target);
    let mut n = 0;
    loop {
        let slot = next_slot(clock.now(), target.per_day);
        if until.is_some_and(|u| slot >= u) {
            return Ok(n);
        }
        clock.sleep_until(slot).await;
        let rec = probe_once(&client, target, clock).await;
        if !rec.ok {
            tracing::warn!(url = %rec.url, error = ?rec.error, "首页探测失败");
        }
        store.record_probe(&target.portal, &rec).await?;
        each(n, &rec);
        n += 1;
        let today = beijing_day(slot);
        if let Some(settings) = judge {
            if beijing_day(next_slot(slot, target.per_day)) != today {
                let report =
                    crate::indicators::day::judge_day(store, &target.portal, today, settings)
                        .await?;
                tracing::info!(day = %today, vetoed = report.vetoed, "网站检查指标已判定");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_spread_over_the_beijing_day() {
        let day = chrono::NaiveDate::from_ymd_opt(2020, 11, 30).unwrap();
        let start = day_start(day);
        assert_eq!(next_slot(start, 20), start + chrono::Duration::minutes(72));
        let last = start + chrono::Duration::minutes(72 * 19);
        assert_eq!(next_slot(last, 20), day_start(day.succ_opt().unwrap()));
        assert_eq!(next_slot(start - chrono::Duration::seconds(1), 20), start);
    }

    #[test]
    fn home_items_take_dates_from_rows_and_urls() {
        let base = Url::parse("http://x.gov.cn/").unwrap();
        let html = r#"<ul><li><a href="/a.htm" title="甲">甲</a><span>2020-11-16</span></li>
            <li><a href="/info/t20201120_1.html">乙 通知</a></li>
            <li><a href="/c.htm">丙</a></li><li><a href="/d.htm">丁</a>2020-12-02</li></ul>
            <a href="/nav.htm">导航</a>"#;
        let today = NaiveDate::from_ymd_opt(2020, 11, 30).unwrap();
        let (items, dated, newest) = home_items(html, &base, today);
        assert_eq!((items, dated), (4, 3));
        let n = newest.unwrap();
        assert_eq!(n.date.to_string(), "2020-11-20");
        assert_eq!(n.title, "乙 通知");
        assert_eq!(n.url, "http://x.gov.cn/info/t20201120_1.html");
    }
}
