//! One check day's verdicts: the probes of the availability window, the newest finished crawl
//! up to the day (columns, documents, board, its link check), judged and stored.

use chrono::{Duration, NaiveDate};

use super::clock::day_start;
use super::judge::{self, BoardFacts, ColumnFacts, DatedItem, MessageFacts};
use super::{DayReport, IndicatorSettings};
use crate::extract::dates::find_stamp;
use crate::store::{Store, StoreError};

/// Questions of a run that say a column, or a whole unit, was not read.
const UNREAD_COLUMN: &[&str] = &[
    "column_unreachable",
    "column_unrecognised",
    "column_unreadable",
];
const UNREAD_UNIT: &str = "unit_unreachable";
/// Questions of a run that say the board was not read completely.
const BOARD_PROBLEMS: &[&str] = &["reply_board_incomplete", "reply_time_unknown"];

/// Judges every indicator of `portal` on `day` and stores the verdicts.
pub async fn judge_day(
    store: &Store,
    portal: &str,
    day: NaiveDate,
    s: &IndicatorSettings,
) -> Result<DayReport, StoreError> {
    let from = day_start(day - Duration::days(i64::from(s.availability_days.max(1)) - 1));
    // The home verdict reads the latest probe up to the day, which may be older than the window.
    let home_from = day_start(day - Duration::days(i64::from(s.home_days)));
    let to = day_start(day + Duration::days(1));
    let probes = store.probes(portal, from.min(home_from), to).await?;
    let run_id = store.run_for_day(portal, day).await?;
    let (columns, board) = match run_id {
        Some(id) => (
            columns_of(store, id, day).await?,
            board_of(store, id).await?,
        ),
        None => (Vec::new(), BoardFacts::default()),
    };
    let mut indicators = vec![
        judge::availability(&probes, day, s),
        judge::home_updated(&probes, &columns, day, s),
    ];
    if run_id.is_none() {
        for i in indicators.iter_mut().skip(1) {
            if i.verdict != super::Verdict::Veto {
                i.verdict = super::Verdict::Question;
                i.questions.push(format!("{day} 及以前没有完成的抓取"));
            }
        }
    }
    let mut units: Vec<&str> = columns.iter().map(|c| c.unit.as_str()).collect();
    units.dedup();
    let mut seen = std::collections::HashSet::new();
    units.retain(|u| seen.insert(*u));
    for unit in units {
        indicators.push(judge::columns_updated(unit, &columns, day, s));
    }
    let mut interaction = judge::interaction(&board, day, s);
    if run_id.is_none() {
        interaction.verdict = super::Verdict::Question;
        interaction.summary = format!("{day} 及以前没有完成的抓取，留言板未读");
        interaction.evidence.clear();
    }
    indicators.push(interaction);
    indicators.push(super::links::broken_links(store, run_id, day, s).await?);
    store
        .save_verdicts(portal, day, run_id, &indicators)
        .await?;
    let computed_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    report(store, portal, day, run_id, computed_at, indicators).await
}

/// A day's report from its results, with the auditors' decisions of the day.
async fn report(
    store: &Store,
    portal: &str,
    day: NaiveDate,
    run_id: Option<i64>,
    computed_at: String,
    indicators: Vec<super::IndicatorResult>,
) -> Result<DayReport, StoreError> {
    let decisions = store.indicator_decisions(portal, day).await?;
    Ok(DayReport {
        portal: portal.to_string(),
        date: day,
        run_id,
        vetoed: false,
        decided_vetoed: false,
        open: 0,
        computed_at: Some(computed_at),
        indicators,
    }
    .with_decisions(decisions))
}

/// The day's judgement as stored, with the auditors' decisions (`None`: not judged yet).
pub async fn stored(
    store: &Store,
    portal: &str,
    day: NaiveDate,
) -> Result<Option<DayReport>, StoreError> {
    let Some((run_id, computed_at, indicators)) = store.stored_day(portal, day).await? else {
        return Ok(None);
    };
    Ok(Some(
        report(store, portal, day, run_id, computed_at, indicators).await?,
    ))
}

fn date_of(text: &str) -> Option<NaiveDate> {
    find_stamp(text).map(|s| s.date)
}

async fn columns_of(
    store: &Store,
    run_id: i64,
    day: NaiveDate,
) -> Result<Vec<ColumnFacts>, StoreError> {
    let rows = store.run_columns(run_id).await?;
    let docs = store.run_documents(run_id).await?;
    let unread = store
        .run_findings_of(run_id, &[UNREAD_COLUMN, &[UNREAD_UNIT]].concat())
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for c in rows {
        let path: Vec<String> = c.path.split(" > ").map(str::to_string).collect();
        let joined = path.join(" > ");
        let why = unread.iter().find(|(unit, reason, key, _)| {
            *unit == c.unit
                && (reason == UNREAD_UNIT
                    || key == &c.url
                    || key == &joined
                    || key.ends_with(&format!("/{}", c.name))
                    || key == &c.name)
        });
        let unread = match (c.state.as_str(), why) {
            (_, Some((_, _, _, detail))) => Some(detail.clone()),
            ("unreachable", None) => Some("栏目页面未能打开".into()),
            ("unrecognised", None) => Some("栏目页面结构无法识别".into()),
            ("unreadable", None) => Some("栏目页面无法解码或超出限制".into()),
            _ => None,
        };
        let newest = docs
            .iter()
            .filter(|d| d.unit == c.unit && d.column_url == c.url)
            .filter_map(|d| {
                let date = d.published.as_deref().and_then(date_of)?;
                (date <= day).then(|| DatedItem {
                    date,
                    title: d.title.clone(),
                    url: d.url.clone(),
                })
            })
            .max_by_key(|d| d.date);
        out.push(ColumnFacts {
            unit: c.unit,
            name: c.name,
            path,
            url: c.url,
            state: c.state,
            documents: c.documents,
            newest,
            unread,
        });
    }
    Ok(out)
}

async fn board_of(store: &Store, run_id: i64) -> Result<BoardFacts, StoreError> {
    let pages = store.run_board_pages(run_id).await?;
    let mut problems = Vec::new();
    for (_, reason, _, detail) in store.run_findings_of(run_id, BOARD_PROBLEMS).await? {
        let line = format!("{reason}：{detail}");
        if !problems.contains(&line) {
            problems.push(line);
        }
    }
    let mut messages = Vec::new();
    for (url, title, submitted, replied, status) in store.run_messages(run_id).await? {
        let Some(submitted) = date_of(&submitted) else {
            problems.push(format!(
                "留言“{title}”的提交日期“{submitted}”无法读取（{url}）"
            ));
            continue;
        };
        messages.push(MessageFacts {
            url,
            title,
            submitted,
            replied: replied.as_deref().and_then(date_of),
            status,
        });
    }
    Ok(BoardFacts {
        pages,
        messages,
        problems,
    })
}
