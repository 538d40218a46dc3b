//! The national inspection indicators in the review UI (`/indicators`): each indicator's verdict
//! on the check day with its text, figures and evidence, the home page's availability per day
//! over the window as a chart (inline SVG: no script, no inline style), and the broken links of
//! the run's link check with the pages that carry them.

use axum::extract::{Query, State};
use axum::response::Html;
use chrono::{Duration, NaiveDate};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::app::AppState;
use super::auth::CurrentUser;
use super::pages::{current, description, run_ctx};
use super::AppError;
use crate::indicators::{clock, day};

#[derive(Deserialize, Default)]
pub struct DayQuery {
    #[serde(default)]
    date: Option<NaiveDate>,
}

/// One day's bar: probes, failures and the bar's geometry in the SVG.
#[derive(Serialize)]
struct Bar {
    day: String,
    probes: usize,
    failed: usize,
    percent: String,
    x: usize,
    height: usize,
    y: usize,
    over: bool,
}

/// A broken link of the run's link check, as the page lists it.
#[derive(Serialize)]
struct BrokenLink {
    url: String,
    text: String,
    /// The first page carrying it, and how many do.
    page: String,
    pages: usize,
    page_id: Option<i64>,
    problem: String,
    off_site: bool,
    on_home: bool,
}

const CHART_HEIGHT: usize = 100;

pub async fn page(
    State(st): State<AppState>,
    me: CurrentUser,
    Query(q): Query<DayQuery>,
) -> Result<Html<String>, AppError> {
    let (run, _) = current(&st).await?;
    let Some(config) = description(&st, run.as_ref()).await? else {
        return Err(AppError::BadRequest(
            "没有门户描述，无法判断网站检查指标（请以 --config 启动或先完成一次抓取）。".into(),
        ));
    };
    let date = q
        .date
        .unwrap_or_else(|| clock::beijing_day(chrono::Utc::now()));
    let store = &st.config.store;
    let s = &config.indicators;
    let report = day::judge_day(store, &config.portal.name, date, s).await?;
    let broken_links: Vec<BrokenLink> = match report.run_id {
        Some(id) => store
            .link_check(id)
            .await?
            .map(|(_, links)| links)
            .unwrap_or_default()
            .into_iter()
            .filter(|l| l.broken)
            .map(|l| {
                let source = l.source().cloned();
                BrokenLink {
                    problem: l.problem(),
                    text: source.as_ref().map(|s| s.text.clone()).unwrap_or_default(),
                    page: source.as_ref().map(|s| s.url.clone()).unwrap_or_default(),
                    pages: l.source_count,
                    page_id: source.and_then(|s| s.page_id),
                    off_site: l.off_site,
                    on_home: l.on_home,
                    url: l.url,
                }
            })
            .collect(),
        None => Vec::new(),
    };
    let days = i64::from(s.availability_days.max(1));
    let first = date - Duration::days(days - 1);
    let probes = store
        .probes(
            &config.portal.name,
            clock::day_start(first),
            clock::day_start(date + Duration::days(1)),
        )
        .await?;
    let threshold = s.availability_fail_percent;
    let bars: Vec<Bar> = (0..days)
        .map(|i| {
            let d = first + Duration::days(i);
            let of_day: Vec<_> = probes
                .iter()
                .filter(|p| clock::beijing_day(p.at) == d)
                .collect();
            let failed = of_day.iter().filter(|p| !p.ok).count();
            let share = if of_day.is_empty() {
                0.0
            } else {
                failed as f64 * 100.0 / of_day.len() as f64
            };
            // The bar shows the failed share; 20 % and more fill the chart.
            let height = ((share / 20.0).min(1.0) * CHART_HEIGHT as f64).round() as usize;
            Bar {
                day: d.format("%m-%d").to_string(),
                probes: of_day.len(),
                failed,
                percent: format!("{share:.1}"),
                x: i as usize * 60 + 10,
                height,
                y: CHART_HEIGHT - height,
                over: !of_day.is_empty() && share >= threshold,
            }
        })
        .collect();
    st.render(
        "indicators.html",
        context! { me => me.me(), csrf => me.csrf, run => run_ctx(run.as_ref()),
        report => report, bars => bars, broken_links => broken_links, threshold => threshold, date => date.to_string(),
        chart_width => days as usize * 60 + 20, chart_height => CHART_HEIGHT },
    )
}
