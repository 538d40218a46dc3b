//! The verdicts, pure: each indicator from what the probes and the latest crawl saw, on a given
//! check day. A figure the machine could not read makes a question, never a silent pass.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::clock::beijing_day;
use super::settings::{ColumnType, HomeKind, IndicatorSettings};
use super::{Figure, IndicatorResult, Verdict};
use crate::model::Evidence;

/// One probe of the home page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeRecord {
    pub url: String,
    pub at: chrono::DateTime<chrono::Utc>,
    pub ok: bool,
    pub ms: i64,
    /// HTTP status; `None` when no answer came.
    pub status: Option<u16>,
    pub error: Option<String>,
    /// Links of the page standing in a list row (li, tr, dd), and those of them with a date.
    pub items: i64,
    pub dated_items: i64,
    /// The newest dated item, when there is one.
    pub newest: Option<DatedItem>,
}

/// A dated item of a page: a home-page row or a column's document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatedItem {
    pub date: NaiveDate,
    pub title: String,
    pub url: String,
}

/// A column as the latest crawl recorded it.
#[derive(Debug, Clone)]
pub struct ColumnFacts {
    pub unit: String,
    pub name: String,
    /// Names from the tree's root (the column's own name last).
    pub path: Vec<String>,
    pub url: String,
    /// `list`, `article`, `empty`, `unreachable`, `unrecognised`, `unreadable`, `parent`.
    pub state: String,
    pub documents: i64,
    /// The newest dated document up to the check day.
    pub newest: Option<DatedItem>,
    /// Why not all of the column was read, when it was not.
    pub unread: Option<String>,
}

impl ColumnFacts {
    fn level(&self) -> usize {
        self.path.len().max(1)
    }
}

/// A message of the board, as the latest crawl recorded it.
#[derive(Debug, Clone)]
pub struct MessageFacts {
    pub url: String,
    pub title: String,
    pub submitted: NaiveDate,
    pub replied: Option<NaiveDate>,
    pub status: String,
}

/// The consultation board as the latest crawl saw it.
#[derive(Debug, Clone, Default)]
pub struct BoardFacts {
    /// The board's list pages: URL, HTTP status (0: no answer), error, stored copy.
    pub pages: Vec<(String, u16, Option<String>, Option<i64>)>,
    pub messages: Vec<MessageFacts>,
    /// Pages or messages of the board that could not be read.
    pub problems: Vec<String>,
}

fn ev(url: &str, excerpt: String) -> Evidence {
    Evidence {
        url: url.to_string(),
        excerpt,
        page_id: None,
    }
}

fn fig(key: &str, label: &str, value: impl Serialize) -> Figure {
    Figure {
        key: key.into(),
        label: label.into(),
        value: serde_json::to_value(value).unwrap_or(serde_json::Value::Null),
    }
}

/// 站点无法访问: the share of failed probes over the rolling window ending with `day`.
pub fn availability(
    probes: &[ProbeRecord],
    day: NaiveDate,
    s: &IndicatorSettings,
) -> IndicatorResult {
    let first = day - Duration::days(i64::from(s.availability_days) - 1);
    let inside: Vec<&ProbeRecord> = probes
        .iter()
        .filter(|p| (first..=day).contains(&beijing_day(p.at)))
        .collect();
    let total = inside.len();
    let failed: Vec<&&ProbeRecord> = inside.iter().filter(|p| !p.ok).collect();
    let percent = if total == 0 {
        0.0
    } else {
        failed.len() as f64 * 100.0 / total as f64
    };
    // Compared in integers: failed / total >= percent / 100, without rounding at the edge.
    let tripped = total > 0
        && (failed.len() as f64) * 100.0 >= s.availability_fail_percent * total as f64 - 1e-9;
    let mut per_day = Vec::new();
    let mut d = first;
    while d <= day {
        let of_day: Vec<_> = inside.iter().filter(|p| beijing_day(p.at) == d).collect();
        per_day.push(serde_json::json!({
            "day": d.to_string(),
            "probes": of_day.len(),
            "failed": of_day.iter().filter(|p| !p.ok).count(),
        }));
        d += Duration::days(1);
    }
    let expected = u64::from(s.probes_per_day) * u64::from(s.availability_days);
    let short_days: Vec<String> = per_day
        .iter()
        .filter(|v| v["probes"].as_u64().unwrap_or(0) < u64::from(s.probes_per_day))
        .map(|v| v["day"].as_str().unwrap_or_default().to_string())
        .collect();
    let mut questions = Vec::new();
    if total == 0 {
        questions.push(format!("{first} 至 {day} 没有首页探测记录，无法判断"));
    } else if !short_days.is_empty() {
        questions.push(format!(
            "以下日期探测少于每天 {} 次：{}",
            s.probes_per_day,
            short_days.join("、")
        ));
    }
    let verdict = if tripped {
        Verdict::Veto
    } else if !questions.is_empty() {
        Verdict::Question
    } else {
        Verdict::Pass
    };
    let summary = format!(
        "{first} 至 {day} 共探测 {total} 次，失败 {} 次（{percent:.2}%），阈值 {}%",
        failed.len(),
        s.availability_fail_percent
    );
    IndicatorResult {
        code: "site_unreachable",
        name: "站点无法访问".into(),
        scope: "site".into(),
        text: format!(
            "首页打开时间超过{}秒或无法访问（4xx/5xx），{}天内累计达到探测次数的{}%及以上，单项否决",
            s.probe_timeout_secs, s.availability_days, s.availability_fail_percent
        ),
        verdict,
        summary,
        figures: vec![
            fig("probes", "探测次数", total),
            fig("failed", "失败次数", failed.len()),
            fig("failed_percent", "失败比例（%）", (percent * 100.0).round() / 100.0),
            fig("threshold_percent", "否决阈值（%）", s.availability_fail_percent),
            fig("expected_probes", "应探测次数（至少）", expected),
            fig("per_day", "每日探测", per_day),
        ],
        evidence: failed
            .iter()
            .map(|p| {
                let why = match (&p.error, p.status) {
                    (Some(e), _) => e.clone(),
                    (None, Some(st)) => format!("服务器返回 {st}"),
                    (None, None) => "无响应".into(),
                };
                ev(
                    &p.url,
                    format!("{} 探测失败：{why}（{} 毫秒）", p.at.with_timezone(&super::clock::beijing()).format("%Y-%m-%d %H:%M:%S"), p.ms),
                )
            })
            .collect(),
        questions,
        decision: None,
    }
}

/// 首页不更新: a dated item within `home_days` before `day` on the home page (the latest probe
/// that read it), or on the first two levels of the columns when the home page only navigates.
pub fn home_updated(
    probes: &[ProbeRecord],
    columns: &[ColumnFacts],
    day: NaiveDate,
    s: &IndicatorSettings,
) -> IndicatorResult {
    let since = day - Duration::days(i64::from(s.home_days));
    let latest = probes
        .iter()
        .filter(|p| p.ok && beijing_day(p.at) <= day)
        .max_by_key(|p| p.at);
    let mut questions = Vec::new();
    let mut evidence = Vec::new();
    let mut figures = vec![
        fig("window_days", "时限（天）", s.home_days),
        fig("since", "起算日", since.to_string()),
    ];
    let navigation = match (s.home_kind, latest) {
        (HomeKind::Navigation, _) => true,
        (HomeKind::List, _) => false,
        (HomeKind::Auto, Some(p)) => p.dated_items == 0,
        (HomeKind::Auto, None) => false,
    };
    let (verdict, summary) = if !navigation {
        match latest {
            None => {
                questions.push(format!(
                    "{day} 及以前没有成功读取首页的探测，无法判断首页更新"
                ));
                (Verdict::Question, "首页未能读取".to_string())
            }
            Some(p) => {
                figures.push(fig("items", "首页条目", p.items));
                figures.push(fig("dated_items", "带日期条目", p.dated_items));
                let newest = p.newest.as_ref().filter(|n| n.date <= day);
                figures.push(fig(
                    "newest",
                    "最新日期",
                    newest.map(|n| n.date.to_string()),
                ));
                match newest {
                    Some(n) => evidence.push(ev(
                        &n.url,
                        format!("首页最新条目：{}（{}）", n.title, n.date),
                    )),
                    None => evidence.push(ev(
                        &p.url,
                        "首页没有带日期的条目（无日期条目视为未更新）".into(),
                    )),
                }
                if newest.is_some_and(|n| n.date >= since) {
                    (Verdict::Pass, format!("首页 {} 以来有更新", since))
                } else {
                    (
                        Verdict::Veto,
                        format!("首页 {since} 至 {day} 没有新的带日期条目"),
                    )
                }
            }
        }
    } else {
        let judged: Vec<&ColumnFacts> = columns.iter().filter(|c| c.level() <= 2).collect();
        let newest = judged
            .iter()
            .filter_map(|c| c.newest.as_ref().map(|n| (c, n)))
            .filter(|(_, n)| n.date <= day)
            .max_by_key(|(_, n)| n.date);
        let unread: Vec<&&ColumnFacts> = judged.iter().filter(|c| c.unread.is_some()).collect();
        figures.push(fig("columns", "一、二级栏目数", judged.len()));
        figures.push(fig("unread_columns", "未能完整读取的栏目", unread.len()));
        figures.push(fig(
            "newest",
            "最新日期",
            newest.map(|(_, n)| n.date.to_string()),
        ));
        if let Some((c, n)) = newest {
            evidence.push(ev(
                &n.url,
                format!("{}／{}：{}（{}）", c.unit, c.name, n.title, n.date),
            ));
        }
        if judged.is_empty() {
            questions.push("首页为导航页，但没有读到任何一、二级栏目，无法判断".into());
            (Verdict::Question, "首页为导航页；没有读到栏目".to_string())
        } else if newest.is_some_and(|(_, n)| n.date >= since) {
            (
                Verdict::Pass,
                format!("首页为导航页；二级栏目 {since} 以来有更新"),
            )
        } else if !unread.is_empty() {
            for c in &unread {
                questions.push(format!(
                    "{}／{} 未能完整读取：{}",
                    c.unit,
                    c.name,
                    c.unread.as_deref().unwrap_or("")
                ));
            }
            (
                Verdict::Question,
                "首页为导航页；已读栏目没有更新，另有栏目未能读取".to_string(),
            )
        } else {
            (
                Verdict::Veto,
                format!("首页为导航页；二级栏目 {since} 至 {day} 没有新的带日期条目"),
            )
        }
    };
    figures.push(fig("navigation", "首页为导航页", navigation));
    IndicatorResult {
        code: "home_not_updated",
        name: "首页不更新".into(),
        scope: "site".into(),
        text: format!(
            "首页（或仅为导航页时，二级页面）{}天内无更新，单项否决；无日期的条目视为未更新",
            s.home_days
        ),
        verdict,
        summary,
        figures,
        evidence,
        questions,
        decision: None,
    }
}

/// How one column stands on the check day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    Fresh,
    Stale,
    LongStale,
    StaleAndLong,
    Empty,
    Unread,
    NotJudged,
}

fn standing(c: &ColumnFacts, t: ColumnType, day: NaiveDate, s: &IndicatorSettings) -> Standing {
    if c.unread.is_some() {
        return Standing::Unread;
    }
    match c.state.as_str() {
        "empty" => return Standing::Empty,
        "list" => {}
        // An article column shows no dated items to judge by; a parent is judged by its children.
        _ => return Standing::NotJudged,
    }
    if t == ColumnType::Static {
        return Standing::NotJudged;
    }
    let newest = c.newest.as_ref().map(|n| n.date).filter(|d| *d <= day);
    let older_than = |days: u32| newest.is_none_or(|d| d < day - Duration::days(i64::from(days)));
    let window = match t {
        ColumnType::News => Some(s.news_days),
        ColumnType::Notice if !s.notice_first_level_only || c.level() == 1 => Some(s.notice_days),
        _ => None,
    };
    let stale = window.is_some_and(older_than);
    let long = older_than(s.long_stale_days);
    match (stale, long) {
        (true, true) => Standing::StaleAndLong,
        (true, false) => Standing::Stale,
        (false, true) => Standing::LongStale,
        (false, false) => Standing::Fresh,
    }
}

/// 栏目不更新 / 空白栏目 for one unit's columns.
pub fn columns_updated(
    unit: &str,
    columns: &[ColumnFacts],
    day: NaiveDate,
    s: &IndicatorSettings,
) -> IndicatorResult {
    let mut stale = Vec::new();
    let mut long = Vec::new();
    let mut empty = Vec::new();
    let mut unread = Vec::new();
    let mut judged = 0usize;
    for c in columns
        .iter()
        .filter(|c| c.unit == unit && c.state != "parent")
    {
        let t = s.column_type(unit, &c.name, &c.path);
        let st = standing(c, t, day, s);
        let newest = c
            .newest
            .as_ref()
            .map(|n| format!("最新一条 {}", n.date))
            .unwrap_or_else(|| "没有带日期的条目".into());
        let line = format!("{}（{}）：{newest}", c.path.join(" > "), t.label());
        match st {
            Standing::Stale => stale.push(ev(&c.url, line)),
            Standing::LongStale => long.push(ev(&c.url, line)),
            Standing::StaleAndLong => {
                stale.push(ev(&c.url, line.clone()));
                long.push(ev(&c.url, line));
            }
            Standing::Empty => empty.push(ev(&c.url, format!("{}：空白栏目", c.path.join(" > ")))),
            Standing::Unread => unread.push(format!(
                "{} 未能完整读取（{}），不计入",
                c.path.join(" > "),
                c.unread.as_deref().unwrap_or("")
            )),
            Standing::Fresh | Standing::NotJudged => {}
        }
        if !matches!(st, Standing::Unread | Standing::NotJudged) {
            judged += 1;
        }
    }
    let n_unread = unread.len() as u32;
    let reach = |count: usize, veto: u32| count as u32 >= veto;
    let tripped = reach(stale.len(), s.stale_columns_veto)
        || reach(long.len(), s.long_stale_columns_veto)
        || reach(empty.len(), s.empty_columns_veto);
    // Unread columns could only change a verdict that is not tripped yet, and only if they
    // could bring a count to its threshold.
    let could = reach(stale.len() + n_unread as usize, s.stale_columns_veto)
        || reach(long.len() + n_unread as usize, s.long_stale_columns_veto)
        || reach(empty.len() + n_unread as usize, s.empty_columns_veto);
    let verdict = if tripped {
        Verdict::Veto
    } else if n_unread > 0 && could {
        Verdict::Question
    } else {
        Verdict::Pass
    };
    let summary = format!(
        "动态要闻/通知公告类不更新 {} 个（阈值 {}），长期未更新 {} 个（阈值 {}），空白栏目 {} 个（阈值 {}），未能读取 {} 个",
        stale.len(),
        s.stale_columns_veto,
        long.len(),
        s.long_stale_columns_veto,
        empty.len(),
        s.empty_columns_veto,
        n_unread
    );
    let figures = vec![
        fig("judged_columns", "判断的栏目", judged),
        fig("stale", "动态要闻/通知公告类不更新", stale.len()),
        fig("long_stale", "长期未更新", long.len()),
        fig("empty", "空白栏目", empty.len()),
        fig("unread", "未能读取（不计入）", n_unread),
        fig("stale_veto", "不更新否决阈值", s.stale_columns_veto),
        fig(
            "long_stale_veto",
            "长期未更新否决阈值",
            s.long_stale_columns_veto,
        ),
        fig("empty_veto", "空白栏目否决阈值", s.empty_columns_veto),
    ];
    let mut evidence = Vec::new();
    for (label, list) in [("不更新", stale), ("长期未更新", long), ("空白", empty)] {
        evidence.extend(list.into_iter().map(|mut e| {
            e.excerpt = format!("［{label}］{}", e.excerpt);
            e
        }));
    }
    IndicatorResult {
        code: "columns_not_updated",
        name: "栏目不更新".into(),
        scope: unit.to_string(),
        text: format!(
            "动态、要闻类栏目{}天内未更新，通知公告、政策文件类一级栏目{}天内未更新，累计{}个及以上；应更新但{}天以上未更新的栏目{}个及以上；空白栏目{}个及以上：单项否决",
            s.news_days, s.notice_days, s.stale_columns_veto, s.long_stale_days, s.long_stale_columns_veto, s.empty_columns_veto
        ),
        verdict,
        summary,
        figures,
        evidence,
        questions: unread,
        decision: None,
    }
}

/// 互动回应差: no working consultation board, or a valid message of the year before `day`
/// unanswered for more than `reply_limit_days`.
pub fn interaction(board: &BoardFacts, day: NaiveDate, s: &IndicatorSettings) -> IndicatorResult {
    let since = day - Duration::days(i64::from(s.interaction_days));
    let limit = i64::from(s.reply_limit_days);
    let working = board
        .pages
        .iter()
        .find(|(_, st, err, _)| (200..400).contains(st) && err.is_none());
    let mut evidence = Vec::new();
    let mut questions = board.problems.clone();
    let valid: Vec<&MessageFacts> = board
        .messages
        .iter()
        .filter(|m| m.submitted > since && m.submitted <= day)
        .filter(|m| {
            !s.invalid_status_words
                .iter()
                .any(|w| m.status.contains(w.as_str()))
        })
        .collect();
    let mut late = 0usize;
    let mut worst = 0i64;
    for m in &valid {
        let until = m.replied.filter(|r| *r <= day).unwrap_or(day);
        let waited = (until - m.submitted).num_days();
        worst = worst.max(waited);
        if waited > limit {
            late += 1;
            let how = match m.replied.filter(|r| *r <= day) {
                Some(r) => format!("{} 才答复", r),
                None => format!("至 {day} 未答复"),
            };
            evidence.push(ev(
                &m.url,
                format!("{}：{} 提交，{how}（{waited} 天）", m.title, m.submitted),
            ));
        }
    }
    let (verdict, summary) = match working {
        None => {
            let why = match board.pages.first() {
                None => "没有找到在线咨询（留言）渠道".to_string(),
                Some((url, st, err, _)) => {
                    let why = err.clone().unwrap_or_else(|| format!("服务器返回 {st}"));
                    evidence.insert(0, ev(url, format!("留言板无法打开：{why}")));
                    format!("留言板无法打开：{why}")
                }
            };
            (Verdict::Veto, why)
        }
        Some(_) if late > 0 => (
            Verdict::Veto,
            format!("{since} 以后的有效留言中 {late} 条超过 {limit} 天未答复"),
        ),
        Some(_) if !questions.is_empty() => (
            Verdict::Question,
            "已读留言均在时限内答复，但留言板有页面或留言未能读取".to_string(),
        ),
        Some(_) => (
            Verdict::Pass,
            format!("{} 条有效留言均在 {limit} 天内答复", valid.len()),
        ),
    };
    if verdict == Verdict::Veto {
        questions.clear();
    }
    IndicatorResult {
        code: "interaction_poor",
        name: "互动回应差".into(),
        scope: "site".into(),
        text: format!(
            "无在线咨询渠道或渠道无法使用，或{}天内有效留言超过{}天未答复，单项否决",
            s.interaction_days, s.reply_limit_days
        ),
        verdict,
        summary,
        figures: vec![
            fig("board_pages", "留言板页面", board.pages.len()),
            fig("board_working", "留言板可用", working.is_some()),
            fig("valid_messages", "有效留言", valid.len()),
            fig("late_messages", "超时未答复", late),
            fig("longest_wait_days", "最长等待（天）", worst),
            fig("limit_days", "时限（天）", limit),
        ],
        evidence,
        questions,
        decision: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::clock::day_start;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const DAY: &str = "2020-11-30";

    fn probes(total: usize, failed: usize) -> Vec<ProbeRecord> {
        // Spread over the 7 days ending with DAY, the failures first.
        let start = day_start(d(DAY) - Duration::days(6));
        let step = Duration::seconds(7 * 86_400 / total as i64);
        (0..total)
            .map(|i| ProbeRecord {
                url: "http://x.gov.cn/".into(),
                at: start + step * i as i32,
                ok: i >= failed,
                ms: 10,
                status: Some(if i >= failed { 200 } else { 503 }),
                error: None,
                items: 0,
                dated_items: 0,
                newest: None,
            })
            .collect()
    }

    #[test]
    fn availability_trips_at_five_percent_not_below() {
        let s = IndicatorSettings::default();
        let below = availability(&probes(143, 7), d(DAY), &s);
        assert_eq!(below.verdict, Verdict::Pass, "{}", below.summary);
        assert!(
            below.summary.contains("失败 7 次（4.90%）"),
            "{}",
            below.summary
        );
        let at = availability(&probes(140, 7), d(DAY), &s);
        assert_eq!(at.verdict, Verdict::Veto, "{}", at.summary);
        assert_eq!(at.evidence.len(), 7);
        // Too few probes on some day and no veto: a question, never a pass.
        let few = availability(&probes(100, 0), d(DAY), &s);
        assert_eq!(few.verdict, Verdict::Question);
        assert_eq!(availability(&[], d(DAY), &s).verdict, Verdict::Question);
    }

    fn home_probe(newest: Option<&str>, dated: i64) -> ProbeRecord {
        ProbeRecord {
            url: "http://x.gov.cn/".into(),
            at: day_start(d(DAY)),
            ok: true,
            ms: 5,
            status: Some(200),
            error: None,
            items: 3,
            dated_items: dated,
            newest: newest.map(|n| DatedItem {
                date: d(n),
                title: "<b>要闻</b>".into(),
                url: "http://x.gov.cn/a.htm".into(),
            }),
        }
    }

    #[test]
    fn home_updated_within_two_weeks_both_sides() {
        let s = IndicatorSettings::default();
        let day = d(DAY);
        let at13 = (day - Duration::days(13)).to_string();
        let at15 = (day - Duration::days(15)).to_string();
        assert_eq!(
            home_updated(&[home_probe(Some(&at13), 2)], &[], day, &s).verdict,
            Verdict::Pass
        );
        assert_eq!(
            home_updated(&[home_probe(Some(&at15), 2)], &[], day, &s).verdict,
            Verdict::Veto
        );
        // A listing home page whose items are all undated is not updated.
        let list = IndicatorSettings {
            home_kind: HomeKind::List,
            ..Default::default()
        };
        assert_eq!(
            home_updated(&[home_probe(None, 0)], &[], day, &list).verdict,
            Verdict::Veto
        );
        // Navigation only: the second-level columns decide.
        let col = |date: &str, level: usize| ColumnFacts {
            unit: "甲镇".into(),
            name: "工作动态".into(),
            path: (0..level).map(|i| format!("栏目{i}")).collect(),
            url: "http://x.gov.cn/c/".into(),
            state: "list".into(),
            documents: 1,
            newest: Some(DatedItem {
                date: d(date),
                title: "t".into(),
                url: "http://x.gov.cn/d.htm".into(),
            }),
            unread: None,
        };
        let nav = [home_probe(None, 0)];
        assert_eq!(
            home_updated(&nav, &[col(&at13, 2)], day, &s).verdict,
            Verdict::Pass
        );
        assert_eq!(
            home_updated(&nav, &[col(&at15, 2)], day, &s).verdict,
            Verdict::Veto
        );
        assert_eq!(
            home_updated(&nav, &[col(&at13, 3), col(&at15, 1)], day, &s).verdict,
            Verdict::Veto,
            "third level does not count"
        );
        assert_eq!(
            home_updated(&[], &[], day, &list).verdict,
            Verdict::Question
        );
        let none = home_updated(&nav, &[], day, &s);
        assert_eq!(none.verdict, Verdict::Question, "no columns read");
    }

    fn column(name: &str, state: &str, newest_days_ago: Option<i64>) -> ColumnFacts {
        ColumnFacts {
            unit: "甲镇".into(),
            name: name.into(),
            path: vec![name.into()],
            url: format!("http://x.gov.cn/{name}/"),
            state: state.into(),
            documents: i64::from(newest_days_ago.is_some()),
            newest: newest_days_ago.map(|n| DatedItem {
                date: d(DAY) - Duration::days(n),
                title: "t".into(),
                url: "http://x.gov.cn/d.htm".into(),
            }),
            unread: None,
        }
    }

    fn judge(cols: &[ColumnFacts]) -> IndicatorResult {
        columns_updated("甲镇", cols, d(DAY), &IndicatorSettings::default())
    }

    #[test]
    fn stale_news_and_notice_columns_four_vs_five() {
        // Three news columns 15 days old, one notice column 200 days old; fresh ones beside.
        let mut cols: Vec<_> = (0..3)
            .map(|i| column(&format!("动态{i}"), "list", Some(15)))
            .collect();
        cols.push(column("通知公告", "list", Some(200)));
        cols.push(column("要闻", "list", Some(13)));
        cols.push(column("政策文件", "list", Some(150)));
        let four = judge(&cols);
        assert_eq!(four.verdict, Verdict::Pass, "{}", four.summary);
        assert_eq!(four.figures[1].value, 4);
        cols.push(column("乡镇动态", "list", None)); // undated: not updated
        let five = judge(&cols);
        assert_eq!(five.verdict, Verdict::Veto, "{}", five.summary);
        assert_eq!(five.figures[1].value, 5);
        // A notice column below the first level is not judged by the 6-month window.
        let mut deep = column("通知公告", "list", Some(200));
        deep.path = vec!["政府信息公开".into(), "通知公告".into()];
        assert_eq!(judge(&[deep]).figures[1].value, 0);
    }

    #[test]
    fn long_stale_columns_nine_vs_ten() {
        let mut cols: Vec<_> = (0..9)
            .map(|i| column(&format!("财政资金{i}"), "list", Some(366)))
            .collect();
        cols.push(column("财政资金新", "list", Some(364)));
        cols.push(column("机构职能", "list", Some(2000))); // static: never stale
        assert_eq!(judge(&cols).verdict, Verdict::Pass);
        assert_eq!(judge(&cols).figures[2].value, 9);
        cols.push(column("财政资金旧", "list", Some(400)));
        assert_eq!(judge(&cols).verdict, Verdict::Veto);
        assert_eq!(judge(&cols).figures[2].value, 10);
    }

    #[test]
    fn empty_columns_four_vs_five_and_unread_never_counted() {
        let mut cols: Vec<_> = (0..4)
            .map(|i| column(&format!("空{i}"), "empty", None))
            .collect();
        assert_eq!(judge(&cols).verdict, Verdict::Pass);
        let mut unread = column("空未读", "empty", None);
        unread.unread = Some("第 2 页未能打开".into());
        cols.push(unread);
        let r = judge(&cols);
        assert_eq!(
            r.figures[3].value, 4,
            "an unread column is never counted empty"
        );
        assert_eq!(
            r.verdict,
            Verdict::Question,
            "it could bring the count to 5"
        );
        assert_eq!(r.questions.len(), 1);
        cols.push(column("空4", "empty", None));
        assert_eq!(judge(&cols).verdict, Verdict::Veto);
        assert_eq!(judge(&cols).figures[3].value, 5);
    }

    fn message(
        submitted_days_ago: i64,
        replied_days_ago: Option<i64>,
        status: &str,
    ) -> MessageFacts {
        let day = d(DAY);
        MessageFacts {
            url: "http://x.gov.cn/m/1.htm".into(),
            title: "留言<script>".into(),
            submitted: day - Duration::days(submitted_days_ago),
            replied: replied_days_ago.map(|r| day - Duration::days(r)),
            status: status.into(),
        }
    }

    fn board(messages: Vec<MessageFacts>) -> BoardFacts {
        BoardFacts {
            pages: vec![("http://x.gov.cn/hdjl/".into(), 200, None, Some(1))],
            messages,
            problems: vec![],
        }
    }

    #[test]
    fn interaction_unanswered_89_vs_91_days() {
        let s = IndicatorSettings::default();
        let day = d(DAY);
        assert_eq!(
            interaction(&board(vec![message(89, None, "办理中")]), day, &s).verdict,
            Verdict::Pass
        );
        let late = interaction(&board(vec![message(91, None, "办理中")]), day, &s);
        assert_eq!(late.verdict, Verdict::Veto);
        assert!(late.evidence[0].excerpt.contains("91 天"));
        // Answered after 91 days is late too; after 89 days it is not.
        assert_eq!(
            interaction(&board(vec![message(200, Some(109), "已回复")]), day, &s).verdict,
            Verdict::Veto
        );
        assert_eq!(
            interaction(&board(vec![message(200, Some(111), "已回复")]), day, &s).verdict,
            Verdict::Pass
        );
        // Invalid messages and those older than a year are not counted.
        assert_eq!(
            interaction(&board(vec![message(120, None, "不予受理")]), day, &s).verdict,
            Verdict::Pass
        );
        assert_eq!(
            interaction(&board(vec![message(400, None, "办理中")]), day, &s).verdict,
            Verdict::Pass
        );
        // No board, or a board that does not open: veto.
        assert_eq!(
            interaction(&BoardFacts::default(), day, &s).verdict,
            Verdict::Veto
        );
        let down = BoardFacts {
            pages: vec![("http://x.gov.cn/hdjl/".into(), 503, None, Some(1))],
            ..Default::default()
        };
        assert_eq!(interaction(&down, day, &s).verdict, Verdict::Veto);
        // Board pages unread and nothing late among the rest: a question.
        let mut partial = board(vec![message(10, Some(5), "已回复")]);
        partial.problems.push("第 3 页未能打开".into());
        assert_eq!(interaction(&partial, day, &s).verdict, Verdict::Question);
    }
}
