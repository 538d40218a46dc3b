//! Replies on the message board (item 28 / 27 in 2020) within the rubric item's `delay_steps`
//! (3 / 5 / 7 days). The worst delay of the unit's messages of the year (up to as-of) decides;
//! every late message is listed.

use chrono::NaiveDate;

use super::{centi, draft, Check, CheckContext};
use crate::config::DayCount;
use crate::model::{Centi, Evidence, Finding, FindingKind, Reason, RubricCheck};
use crate::snapshot::{MessageSnapshot, UnitSnapshot};

pub struct RepliesCheck;

/// A status that says the message was answered (已回复, 已办结, 已答复, 办结).
fn looks_answered(status: &str) -> bool {
    ["已回复", "已办结", "已答复", "办结", "已处理"]
        .iter()
        .any(|s| status.contains(s))
}

impl Check for RepliesCheck {
    fn name(&self) -> &'static str {
        "replies"
    }

    fn drafts(&self) -> RubricCheck {
        RubricCheck::Replies
    }

    fn reads_columns(&self) -> bool {
        false
    }

    fn run(&self, ctx: &CheckContext<'_>, unit: &UnitSnapshot) -> Vec<Finding> {
        let rules = &ctx.config.rules;
        let item = ctx.item(unit.unit.table, RubricCheck::Replies);
        let steps = &item.deduct.delay_steps;
        let year_start = NaiveDate::from_ymd_opt(ctx.year(), 1, 1).unwrap_or(NaiveDate::MIN);
        let threshold = steps.first().map_or(i64::MAX, |s| i64::from(s.over_days));
        let mut late = Vec::new();
        let mut uncountable = Vec::new();
        let mut unknown_reply = Vec::new();
        let mut impossible = Vec::new();
        for m in &unit.messages {
            let submitted = m.submitted.date;
            if submitted < year_start || submitted > ctx.as_of {
                continue;
            }
            // A reply after as-of did not exist yet on that day: count to as-of.
            let end = match m.replied {
                // A reply dated before its message: one of the dates is wrong, and a negative
                // delay must not pass as "on time".
                Some(r) if r.date < submitted => {
                    impossible.push(m);
                    continue;
                }
                Some(r) => r.date.min(ctx.as_of),
                // Answered, but the reply time could not be read: the machine cannot say.
                None if m.has_reply || looks_answered(&m.status) => {
                    unknown_reply.push(m);
                    continue;
                }
                None => ctx.as_of,
            };
            let days = match rules.reply_day_count {
                DayCount::Calendar => (end - submitted).num_days(),
                DayCount::Working => match ctx.config.rules.working_days_between(submitted, end) {
                    Some(d) => d,
                    None => {
                        uncountable.push(m);
                        continue;
                    }
                },
            };
            if days > threshold {
                late.push((days, m));
            }
        }
        let mut out = Vec::new();
        if !unit.board_problems.is_empty() {
            out.push(draft(
                ctx,
                unit,
                RubricCheck::Replies,
                FindingKind::Question,
                Centi::ZERO,
                Reason::ReplyBoardIncomplete,
                String::new(),
                format!(
                    "留言板有{}处未能读取，本单位的留言答复时限可能不完整，请人工核查。",
                    unit.board_problems.len()
                ),
                unit.board_problems
                    .iter()
                    .map(|p| Evidence {
                        url: unit.landing_url.to_string(),
                        excerpt: p.to_string(),
                        page_id: None,
                    })
                    .collect(),
            ));
        }
        out.extend(messages_question(
            ctx,
            unit,
            Reason::ReplyTimeUnknown,
            &unknown_reply,
            |n| format!("{n}条留言已回复，但未能读取回复时间，无法计算答复用时，请人工核查。"),
            |m| {
                format!(
                    "《{}》提交：{}；状态：{}",
                    m.title,
                    m.submitted.to_text(),
                    m.status
                )
            },
        ));
        out.extend(messages_question(
            ctx,
            unit,
            Reason::ReplyBeforeSubmission,
            &impossible,
            |n| {
                format!("{n}条留言的回复时间早于提交时间，日期有误，无法计算答复用时，请人工核查。")
            },
            |m| {
                format!(
                    "《{}》提交：{}；回复：{}",
                    m.title,
                    m.submitted.to_text(),
                    m.replied.map(|r| r.to_text()).unwrap_or_default()
                )
            },
        ));
        out.extend(messages_question(
            ctx,
            unit,
            Reason::ReplyCalendarMissing,
            &uncountable,
            |n| {
                format!(
                    "按工作日计算答复时限，但配置中缺少相应年度的节假日安排，{n}条留言无法计算，请补充配置或人工核查。"
                )
            },
            |m| m.title.clone(),
        ));
        if late.is_empty() {
            return out;
        }
        late.sort_by_key(|(d, m)| (std::cmp::Reverse(*d), m.submitted));
        let worst = late[0].0;
        let points = steps
            .iter()
            .filter(|s| worst > i64::from(s.over_days))
            .map(|s| centi(s.points))
            .fold(Centi::ZERO, Centi::max)
            .min(centi(item.points));
        let unit_word = match rules.reply_day_count {
            DayCount::Calendar => "天",
            DayCount::Working => "个工作日",
        };
        let evidence = late
            .iter()
            .map(|(days, m)| Evidence {
                url: m.url.to_string(),
                excerpt: match m.replied {
                    Some(r) => format!(
                        "《{}》受理单位：{}；提交：{}；回复：{}；用时{}{}",
                        m.title,
                        m.unit_raw,
                        m.submitted.to_text(),
                        r.to_text(),
                        days,
                        unit_word
                    ),
                    None => format!(
                        "《{}》受理单位：{}；提交：{}；{}，截至{}未回复，已{}{}",
                        m.title,
                        m.unit_raw,
                        m.submitted.to_text(),
                        m.status,
                        ctx.as_of.format("%Y-%m-%d"),
                        days,
                        unit_word
                    ),
                },
                page_id: m.page_id,
            })
            .collect();
        out.push(draft(
            ctx,
            unit,
            RubricCheck::Replies,
            FindingKind::Deduction,
            points,
            Reason::ReplyLate,
            String::new(),
            format!(
                "{}条网民留言超过{}{}未答复，最长{}{}，按最长一条扣{}分。",
                late.len(),
                threshold,
                unit_word,
                worst,
                unit_word,
                points
            ),
            evidence,
        ));
        out
    }
}

/// One question about the messages the machine could not time (none when there are none): the
/// detail says how many, each message is evidence with its own excerpt.
fn messages_question(
    ctx: &CheckContext<'_>,
    unit: &UnitSnapshot,
    reason: Reason,
    messages: &[&MessageSnapshot],
    detail: impl Fn(usize) -> String,
    excerpt: impl Fn(&MessageSnapshot) -> String,
) -> Option<Finding> {
    if messages.is_empty() {
        return None;
    }
    Some(draft(
        ctx,
        unit,
        RubricCheck::Replies,
        FindingKind::Question,
        Centi::ZERO,
        reason,
        String::new(),
        detail(messages.len()),
        messages
            .iter()
            .map(|m| Evidence {
                url: m.url.to_string(),
                excerpt: excerpt(m),
                page_id: m.page_id,
            })
            .collect(),
    ))
}
