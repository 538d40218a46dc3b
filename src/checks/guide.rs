//! The 政府信息公开指南 (item 7 / 7 in 2020) — present, with its elements, updated in the year.
//! Amounts and cap from the rubric item (`check = "guide"`).

use chrono::NaiveDate;

use super::text::squash;
use super::{centi, draft, url_key, Check, CheckContext};
use crate::model::{Centi, Evidence, Finding, FindingKind, Reason, RubricCheck};
use crate::snapshot::{ColumnSnapshot, ColumnState, UnitSnapshot};
use crate::util::truncate_chars;

pub struct GuideCheck;

impl Check for GuideCheck {
    fn name(&self) -> &'static str {
        "guide"
    }

    fn drafts(&self) -> RubricCheck {
        RubricCheck::Guide
    }

    fn run(&self, ctx: &CheckContext<'_>, unit: &UnitSnapshot) -> Vec<Finding> {
        let rules = &ctx.config.rules;
        let item = ctx.item(unit.unit.table, RubricCheck::Guide);
        let cap = centi(item.points);
        let role = &ctx.config.columns.guide;
        let guide = unit
            .columns
            .iter()
            .find(|c| c.state != ColumnState::Parent && role.matches(&c.name, &c.code));
        let q = |reason: Reason, detail: String, ev: Vec<Evidence>| {
            draft(
                ctx,
                unit,
                RubricCheck::Guide,
                FindingKind::Question,
                Centi::ZERO,
                reason,
                String::new(),
                detail,
                ev,
            )
        };
        let missing = |detail: &str, ev: Evidence| {
            vec![draft(
                ctx,
                unit,
                RubricCheck::Guide,
                FindingKind::Deduction,
                centi(item.deduct.missing).min(cap),
                Reason::GuideMissing,
                String::new(),
                detail.to_string(),
                vec![ev],
            )]
        };
        let Some(col) = guide else {
            return missing(
                "未找到“政府信息公开指南”栏目，视为未编制公开指南。",
                Evidence {
                    url: unit.landing_url.to_string(),
                    excerpt: format!("栏目列表中没有名为{}的栏目", role.names.join("、")),
                    page_id: None,
                },
            );
        };
        let ev = col_evidence(col);
        match col.state {
            ColumnState::Empty => {
                return missing("“政府信息公开指南”栏目为空，视为未编制公开指南。", ev);
            }
            state if state.unread() => {
                return vec![q(
                    Reason::GuideUnreadable,
                    "公开指南栏目无法读取，请人工核查指南要素和更新时间。".into(),
                    vec![ev],
                )]
            }
            _ => {}
        }
        let Some(text) = col.article_text.as_deref().filter(|t| !t.is_empty()) else {
            return vec![q(
                Reason::GuideUnreadable,
                "公开指南栏目有内容，但未能读取指南正文，请人工核查。".into(),
                vec![ev],
            )];
        };
        // A short text that points to an attached file (详见附件): the guide is in the file.
        if !col.attachments.is_empty() && text.chars().count() < 80 {
            let mut ev = vec![col_evidence(col)];
            ev.extend(col.attachments.iter().map(|a| Evidence {
                url: a.url.to_string(),
                excerpt: format!("附件：{}", a.name),
                page_id: None,
            }));
            return vec![q(
                Reason::GuideUnreadable,
                "公开指南正文很短，内容可能在附件中，请人工核查指南要素和更新时间。".into(),
                ev,
            )];
        }
        let squashed = squash(text);
        let missing: Vec<&str> = rules
            .guide_elements
            .iter()
            .filter(|el| {
                let by_word = std::iter::once(&el.name)
                    .chain(el.synonyms.iter())
                    .any(|w| squashed.contains(&squash(w)));
                let by_pattern = el
                    .patterns
                    .iter()
                    .any(|p| p.regex().is_match(text) || p.regex().is_match(&squashed));
                !(by_word || by_pattern)
            })
            .map(|el| el.name.as_str())
            .collect();
        let mut out = Vec::new();
        let mut budget = cap;
        if !missing.is_empty() {
            let points = (centi(item.deduct.element_missing) * missing.len() as u32).min(budget);
            budget = budget - points;
            out.push(draft(
                ctx,
                unit,
                RubricCheck::Guide,
                FindingKind::Deduction,
                points,
                Reason::GuideElementsMissing,
                String::new(),
                format!(
                    "公开指南缺少{}项要素：{}（每项扣{}分）。",
                    missing.len(),
                    missing.join("、"),
                    centi(item.deduct.element_missing)
                ),
                vec![Evidence {
                    excerpt: format!(
                        "缺少：{}；指南正文：{}",
                        missing.join("、"),
                        truncate_chars(text, 120)
                    ),
                    ..col_evidence(col)
                }],
            ));
        }
        let year_start = NaiveDate::from_ymd_opt(ctx.year(), 1, 1).unwrap_or(NaiveDate::MIN);
        let in_year = col.page_dates.first().is_some_and(|d| d.date >= year_start);
        if !col.impossible_dates.is_empty() && !in_year {
            let shown = col
                .page_dates
                .first()
                .map(|d| format!("，另有日期{}", d.to_text()))
                .unwrap_or_default();
            out.push(q(
                Reason::GuideDateUnknown,
                format!(
                    "公开指南页面所写日期“{}”不存在{shown}，无法判断本年度是否更新，请人工核查。",
                    col.impossible_dates.join("”“")
                ),
                vec![Evidence {
                    excerpt: format!("页面所写日期：{}{shown}", col.impossible_dates.join("、")),
                    ..col_evidence(col)
                }],
            ));
            return out;
        }
        match col.page_dates.first() {
            None => out.push(q(
                Reason::GuideDateUnknown,
                "公开指南页面未显示发布或更新日期，无法判断本年度是否更新，请人工核查。".into(),
                vec![col_evidence(col)],
            )),
            Some(latest) if latest.date < year_start && budget > Centi::ZERO => out.push(draft(
                ctx,
                unit,
                RubricCheck::Guide,
                FindingKind::Deduction,
                centi(item.deduct.outdated).min(budget),
                Reason::GuideOutdated,
                String::new(),
                format!(
                    "公开指南最近更新日期为{}，{}年内未更新。",
                    latest.to_text(),
                    ctx.year()
                ),
                vec![Evidence {
                    excerpt: format!("页面显示的最近日期：{}", latest.to_text()),
                    ..col_evidence(col)
                }],
            )),
            Some(_) => {}
        }
        out
    }
}

fn col_evidence(col: &ColumnSnapshot) -> Evidence {
    Evidence {
        url: col.url.to_string(),
        excerpt: col
            .article_text
            .as_deref()
            .map(|t| truncate_chars(t, 120))
            .or_else(|| col.empty_notice.clone())
            .or_else(|| col.problems_text())
            .unwrap_or_else(|| format!("栏目：{}", url_key(&col.url))),
        page_id: col.page_id,
    }
}
