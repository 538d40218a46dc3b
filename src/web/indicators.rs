//! The national inspection indicators in the review UI (`/indicators`): each indicator's verdict
//! on the check day as stored (the scheduler judges each day after its last probe; an auditor
//! may judge a day on demand), with its text, figures and evidence, the auditor's decision, and
//! the home page's availability per day over the window as a chart (inline SVG: no script, no
//! inline style). The broken links of the run's link check are listed with the pages that carry
//! them. Reading the page writes nothing.

use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{Duration, NaiveDate};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::app::AppState;
use super::auth::CurrentUser;
use super::pages::{current_run, description, run_ctx};
use super::AppError;
use crate::config::PortalConfig;
use crate::indicators::{clock, day, DayReport, IndicatorResult, Verdict};
use crate::store::{NewIndicatorDecision, Run};

#[derive(Deserialize, Default)]
pub struct DayQuery {
    #[serde(default)]
    date: Option<NaiveDate>,
    /// A message after a POST (judged, decided).
    #[serde(default)]
    done: String,
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
    let (run, config) = served(&st).await?;
    let date = q
        .date
        .unwrap_or_else(|| clock::beijing_day(chrono::Utc::now()));
    let store = &st.config.store;
    let s = &config.indicators;
    let report = day::stored(store, &config.portal.name, date).await?;
    let broken_links: Vec<BrokenLink> = match report.as_ref().and_then(|r| r.run_id) {
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
        report => report, bars => bars, broken_links => broken_links, threshold => threshold,
        date => date.to_string(), done => q.done,
        chart_width => days as usize * 60 + 20, chart_height => CHART_HEIGHT },
    )
}

fn back(date: NaiveDate, message: &str) -> Response {
    Redirect::to(&format!(
        "/indicators?date={date}&done={}",
        super::pages::path_segment(message)
    ))
    .into_response()
}

fn day_field(form: &[(String, String)]) -> Result<NaiveDate, AppError> {
    let text = super::form_field(form, "date");
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::BadRequest(format!("检查日“{}”不是日期。", text.trim())))
}

/// `POST /indicators/judge`: judges the day now and stores its verdicts (auditors).
pub async fn judge(
    State(st): State<AppState>,
    me: CurrentUser,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    super::csrf::check(&me.csrf, &super::form_field(&form, "csrf"))?;
    me.require_decide()?;
    let date = day_field(&form)?;
    let (_, config) = served(&st).await?;
    let report = day::judge_day(
        &st.config.store,
        &config.portal.name,
        date,
        &config.indicators,
    )
    .await?;
    tracing::info!(user = %me.user.name, %date, vetoed = report.vetoed, "网站检查指标已判断");
    Ok(back(date, &format!("已判断 {date} 的网站检查指标。")))
}

/// The current run and the portal description the indicators are judged by.
async fn served(st: &AppState) -> Result<(Option<Run>, PortalConfig), AppError> {
    let run = current_run(st).await?;
    match description(st, run.as_ref()).await? {
        Some(config) => Ok((run, config)),
        None => Err(AppError::BadRequest(
            "没有门户描述，无法判断网站检查指标（请以 --config 启动或先完成一次抓取）。".into(),
        )),
    }
}

/// The day's stored judgement of the served portal, which decisions are taken on.
async fn judged_day(
    st: &AppState,
    form: &[(String, String)],
) -> Result<(String, NaiveDate, DayReport), AppError> {
    let date = day_field(form)?;
    let (_, config) = served(st).await?;
    let portal = config.portal.name;
    let Some(report) = day::stored(&st.config.store, &portal, date).await? else {
        return Err(AppError::BadRequest(format!("{date} 尚未判断，不能审核。")));
    };
    Ok((portal, date, report))
}

fn bounded_note(form: &[(String, String)]) -> Result<String, AppError> {
    let note = super::form_field(form, "note").trim().to_string();
    if note.chars().count() > crate::review::MAX_NOTE_CHARS {
        return Err(AppError::BadRequest(format!(
            "说明不能超过 {} 个字。",
            crate::review::MAX_NOTE_CHARS
        )));
    }
    Ok(note)
}

/// What an auditor may answer to `result`: 未触发, and 单项否决 (扣分 for the links).
fn verdict_for(result: &IndicatorResult, value: &str) -> Result<Verdict, AppError> {
    match value {
        "pass" => Ok(Verdict::Pass),
        "veto" if result.code != "broken_links" => Ok(Verdict::Veto),
        "deduct" if result.code == "broken_links" => Ok(Verdict::Deduct),
        other => Err(AppError::BadRequest(format!(
            "审核结论只能是“未触发”或“{}”，收到“{other}”。",
            if result.code == "broken_links" {
                "扣分"
            } else {
                "单项否决"
            }
        ))),
    }
}

const NOTE_NEEDED: &str = "改变机器结论或判断待核查的指标时，请写明依据。";

/// `POST /indicators/decide`: an auditor's verdict on one indicator of a judged day. A verdict
/// other than the machine's, or on a question, needs a note.
pub async fn decide(
    State(st): State<AppState>,
    me: CurrentUser,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let field = |name: &str| super::form_field(&form, name);
    super::csrf::check(&me.csrf, &field("csrf"))?;
    me.require_decide()?;
    let (portal, date, report) = judged_day(&st, &form).await?;
    let (code, scope) = (field("code"), field("scope"));
    let Some(result) = report
        .indicators
        .iter()
        .find(|i| i.code == code && i.scope == scope)
    else {
        return Err(AppError::BadRequest(format!(
            "{date} 没有这项指标：{code} / {scope}"
        )));
    };
    let verdict = verdict_for(result, &field("verdict"))?;
    let note = bounded_note(&form)?;
    if verdict != result.verdict && note.is_empty() {
        return Err(AppError::BadRequest(NOTE_NEEDED.into()));
    }
    let decision = NewIndicatorDecision {
        code: result.code,
        scope: &result.scope,
        machine: result.verdict,
        verdict,
        note: &note,
    };
    st.config
        .store
        .decide_indicators(&portal, date, &me.user.name, &[decision])
        .await?;
    Ok(back(
        date,
        &format!("已审核：{}，{}。", result.name, verdict.label()),
    ))
}

/// `POST /indicators/bulk`: the ticked indicators (`pick` = `code:machine verdict seen:scope`)
/// decided at once, one audit-log line each. `action=accept` takes each one's machine verdict
/// (a question cannot be accepted: it is left, and named); `action=pass` decides 未触发, with a
/// note when that changes a machine verdict. An indicator whose machine verdict changed since
/// the page was read, one no longer judged, and one an auditor decided otherwise are left as
/// they are, and named; a pick given twice counts once.
pub async fn bulk(
    State(st): State<AppState>,
    me: CurrentUser,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    super::csrf::check(&me.csrf, &super::form_field(&form, "csrf"))?;
    me.require_decide()?;
    let (portal, date, report) = judged_day(&st, &form).await?;
    let accept = match super::form_field(&form, "action").as_str() {
        "accept" => true,
        "pass" => false,
        other => {
            return Err(AppError::BadRequest(format!(
                "批量审核的操作只能是“采纳机器结论”或“审核为未触发”，收到“{other}”。"
            )))
        }
    };
    let note = bounded_note(&form)?;
    let picks: Vec<&str> = form
        .iter()
        .filter(|(k, _)| k == "pick")
        .map(|(_, v)| v.as_str())
        .collect();
    if picks.is_empty() {
        return Err(AppError::BadRequest("请先勾选要审核的指标。".into()));
    }
    let mut decisions = Vec::new();
    let mut left = Vec::new();
    let mut seen_picks = std::collections::HashSet::new();
    for pick in picks {
        let mut parts = pick.splitn(3, ':');
        let (code, seen, scope) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        if code.is_empty() || seen.is_empty() || scope.is_empty() {
            return Err(AppError::BadRequest(format!(
                "所选指标“{pick}”无法识别，请刷新页面后重试。"
            )));
        }
        if !seen_picks.insert((code, scope)) {
            continue;
        }
        let Some(result) = report
            .indicators
            .iter()
            .find(|i| i.code == code && i.scope == scope)
        else {
            let scope = if scope == "site" { "全站" } else { scope };
            left.push(format!("{scope}：该指标在重新判断后已不存在"));
            continue;
        };
        let who = match result.scope.as_str() {
            "site" => result.name.clone(),
            unit => format!("{}（{unit}）", result.name),
        };
        if result.verdict.as_str() != seen {
            left.push(format!("{who}：机器结论已变为“{}”", result.verdict.label()));
            continue;
        }
        let verdict = if accept {
            if result.verdict == Verdict::Question {
                left.push(format!("{who}：待人工判断，须逐项审核"));
                continue;
            }
            result.verdict
        } else {
            Verdict::Pass
        };
        // An auditor's considered verdict is not replaced in bulk: it is changed on its own.
        if let Some(d) = result.decision.as_ref().filter(|d| d.verdict != verdict) {
            left.push(format!(
                "{who}：已由 {} 审核为“{}”，须逐项修改",
                d.by,
                d.verdict.label()
            ));
            continue;
        }
        if verdict != result.verdict && note.is_empty() {
            return Err(AppError::BadRequest(format!("{who}：{NOTE_NEEDED}")));
        }
        decisions.push(NewIndicatorDecision {
            code: result.code,
            scope: &result.scope,
            machine: result.verdict,
            verdict,
            note: &note,
        });
    }
    st.config
        .store
        .decide_indicators(&portal, date, &me.user.name, &decisions)
        .await?;
    tracing::info!(user = %me.user.name, %date, decided = decisions.len(), left = left.len(), "网站检查指标批量审核");
    let mut message = format!(
        "已审核 {} 项（{}）。",
        decisions.len(),
        if accept {
            "采纳机器结论"
        } else {
            "审核为未触发"
        }
    );
    if !left.is_empty() {
        // The message travels in the redirect's query: the first few are named.
        let named: Vec<&str> = left.iter().take(5).map(String::as_str).collect();
        let more = if left.len() > named.len() { "等" } else { "" };
        message.push_str(&format!(
            "未审核 {} 项：{}{more}。",
            left.len(),
            named.join("；")
        ));
    }
    Ok(back(date, &message))
}
