//! The plain-text form of a unit's report: the mail's text/plain alternative.

use std::fmt::Write;

use super::data::UnitReport;
use super::html::DRAFT_NOTE;
use crate::labels;
use crate::model::FindingKind;
use crate::review::fmt_points;
use crate::store::RunStatus;

/// A unit's report as plain text.
pub fn unit_text(r: &UnitReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}政务公开预评估报告", r.unit);
    let _ = writeln!(s, "{}（{}）", r.portal, r.category.group_name());
    let _ = writeln!(s);
    let _ = writeln!(s, "{DRAFT_NOTE}");
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "检查批次：第 {} 次运行，截止日期 {}，状态：{}",
        r.run.id,
        r.run.as_of,
        labels::run_status(r.run.status)
    );
    if r.run.status == RunStatus::Partial {
        let _ = writeln!(
            s,
            "注意：本次检查部分完成，有页面未能抓取，结论可能不完整。"
        );
    }
    let _ = writeln!(
        s,
        "预估得分（如全部确认）：{} / {}；涉及分值 {} 分；建议扣分 {} 项；待核查 {} 项。",
        fmt_points(r.estimated_score),
        fmt_points(r.max_score),
        fmt_points(r.at_stake),
        r.deductions,
        r.questions
    );
    let _ = writeln!(s, "评定进度：{}", r.coverage.summary);
    let left: Vec<String> = r
        .coverage
        .items
        .iter()
        .filter(|i| i.state == crate::review::ItemState::Open)
        .map(|i| format!("第{}项 {}（{}分）", i.item, i.short, fmt_points(i.points)))
        .collect();
    if !left.is_empty() {
        let _ = writeln!(s, "须人工评定、尚未录入的项目：{}。", left.join("、"));
    }
    let _ = writeln!(s);
    match (&r.since, &r.changes) {
        (Some(since), Some(c)) if !c.is_empty() => {
            let _ = writeln!(s, "与上次报告（第 {} 次运行）相比：", since.id);
            for f in &c.new_findings {
                let _ = writeln!(s, "  新发现：第{}项 {}", f.item, f.detail);
            }
            for f in &c.gone_findings {
                let _ = writeln!(s, "  可能已整改：第{}项 {}", f.item, f.detail);
            }
            for p in &c.changed_points {
                let _ = writeln!(
                    s,
                    "  扣分变化：第{}项 {} 分 → {} 分",
                    p.finding.item,
                    fmt_points(p.before),
                    fmt_points(p.after)
                );
            }
            for p in &c.pages_disappeared {
                let _ = writeln!(s, "  已无法访问：{}", p.url);
            }
            if !c.pages_changed.is_empty() {
                let _ = writeln!(s, "  内容有更新的页面：{} 个", c.pages_changed.len());
            }
            for i in &c.indicators_changed {
                let label =
                    |v: Option<crate::indicators::Verdict>| v.map_or("未判断", |v| v.label());
                let _ = writeln!(
                    s,
                    "  网站检查指标：{} {} → {}（{}）",
                    i.name,
                    label(i.before),
                    label(i.after),
                    i.summary
                );
            }
        }
        (Some(since), Some(_)) => {
            let _ = writeln!(s, "与上次报告（第 {} 次运行）相比没有变化。", since.id);
        }
        _ => {
            let _ = writeln!(s, "这是第一份报告，没有可比较的上次报告。");
        }
    }
    let _ = writeln!(s);
    if r.items.is_empty() {
        let _ = writeln!(s, "本次检查未发现需要扣分或核查的问题。");
    }
    for line in &r.items {
        let _ = writeln!(
            s,
            "【第{}项 {}】涉及 {} 分",
            line.item,
            line.title,
            fmt_points(line.at_stake)
        );
        for f in &line.findings {
            let kind = match f.kind {
                FindingKind::Deduction => format!("建议扣 {} 分", f.points),
                FindingKind::Question => labels::kind(f.kind).to_string(),
            };
            let _ = writeln!(s, "  - {kind}：{}", f.detail);
            for e in &f.evidence {
                let _ = writeln!(s, "    证据：{}", e.url);
            }
        }
    }
    s
}
