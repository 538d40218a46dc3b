//! 空白栏目 (item 13 / 12 in 2020) — the rubric item's `any_empty` (1 point) once when any leaf
//! column is empty; five or more trip the national single-veto indicator. Columns that could
//! not be read are questions, not deductions.

use super::{centi, draft, url_key, Check, CheckContext};
use crate::model::{Centi, Evidence, Finding, FindingKind, Reason, RubricCheck};
use crate::snapshot::{ColumnState, UnitSnapshot};

pub struct EmptyColumnsCheck;

impl Check for EmptyColumnsCheck {
    fn name(&self) -> &'static str {
        "empty_columns"
    }

    fn drafts(&self) -> RubricCheck {
        RubricCheck::EmptyColumns
    }

    fn run(&self, ctx: &CheckContext<'_>, unit: &UnitSnapshot) -> Vec<Finding> {
        let rules = &ctx.config.rules;
        let item = ctx.item(unit.unit.table, RubricCheck::EmptyColumns);
        let mut out = Vec::new();
        let empty: Vec<_> = unit
            .columns
            .iter()
            .filter(|c| c.state == ColumnState::Empty)
            .collect();
        if !empty.is_empty() {
            let names: Vec<String> = empty.iter().map(|c| c.path.join(" > ")).collect();
            let mut detail = format!("存在{}个空白栏目：{}。", empty.len(), names.join("、"));
            if empty.len() >= rules.empty_column_veto_threshold {
                detail.push_str(&format!(
                    "空白栏目达到{}个及以上，触及国办秘函〔2019〕19号单项否决指标，请审核人员注意。",
                    rules.empty_column_veto_threshold
                ));
            }
            out.push(draft(
                ctx,
                unit,
                RubricCheck::EmptyColumns,
                FindingKind::Deduction,
                centi(item.deduct.any_empty).min(centi(item.points)),
                Reason::EmptyColumns,
                String::new(),
                detail,
                empty
                    .iter()
                    .map(|c| Evidence {
                        url: c.url.to_string(),
                        excerpt: format!(
                            "{}：{}",
                            c.path.join(" > "),
                            c.empty_notice
                                .clone()
                                .unwrap_or_else(|| "栏目无任何信息".into())
                        ),
                        page_id: c.page_id,
                    })
                    .collect(),
            ));
        }
        for c in &unit.columns {
            let (reason, what) = match c.state {
                ColumnState::Unreachable => (Reason::ColumnUnreachable, "无法访问"),
                ColumnState::Unrecognised => (Reason::ColumnUnrecognised, "页面结构无法识别"),
                ColumnState::Unreadable => (Reason::ColumnUnreadable, "页面内容无法读取"),
                _ => continue,
            };
            out.push(draft(
                ctx,
                unit,
                RubricCheck::EmptyColumns,
                FindingKind::Question,
                Centi::ZERO,
                reason,
                url_key(&c.url),
                format!(
                    "栏目“{}”{}，无法判断是否为空白栏目，请人工核查。",
                    c.path.join(" > "),
                    what
                ),
                vec![Evidence {
                    url: c.url.to_string(),
                    excerpt: c.problems_text().unwrap_or_else(|| what.to_string()),
                    page_id: c.page_id,
                }],
            ));
        }
        out
    }
}
