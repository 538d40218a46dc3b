//! The HTML of a unit's report and of the county summary: one self-contained page each, inline
//! CSS and SVG, every crawled string escaped.

use super::data::{CountyReport, ItemLine, UnitReport};
use super::escape::{link, text};
use super::svg::{bar_chart, fmt_points};
use crate::model::{Finding, FindingKind, Section};
use crate::monitor::changes::{Changes, PageChange};
use crate::store::{Run, RunStatus};

const STYLE: &str = "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;max-width:960px;\
margin:2em auto;padding:0 1em;color:#222;line-height:1.6}\
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:1.6em}\
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #ccc;padding:4px 6px;\
vertical-align:top;text-align:left}th{background:#f3f3f3}.note{background:#fff6e0;border:1px solid #e0b050;\
padding:.6em 1em}.warn{background:#fde8e8;border:1px solid #d05050;padding:.6em 1em}\
.num{text-align:right;white-space:nowrap}.excerpt{color:#555;font-size:.9em}.muted{color:#777}";

/// The note every report carries.
pub const DRAFT_NOTE: &str =
    "本报告由 gongkai 程序根据网站抓取结果自动生成。所列扣分和问题均为机器初稿，\
尚未经考核人员审核确认，不代表最终考核结果；如有异议或已整改，请与县政务公开办联系。";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        text(title)
    )
}

/// An RFC 3339 time as local 年-月-日 时:分 (unchanged when it does not parse).
fn when(t: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(t)
        .map(|d| {
            d.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| t.to_string())
}

/// A line on the run: its number, time and status, with partial or unfinished runs flagged.
fn run_line(run: &Run) -> String {
    let mut s = format!(
        "<p>检查批次：第 {} 次运行，抓取时间 {}，计算截止日期 {}，状态：{}</p>\n",
        run.id,
        text(&when(run.finished_at.as_deref().unwrap_or(&run.started_at))),
        text(&run.as_of),
        text(run.status.label())
    );
    match run.status {
        RunStatus::Complete => {}
        RunStatus::Partial => s.push_str(
            "<p class=\"warn\">本次检查部分完成：有页面未能抓取，相关栏目的结论可能不完整。</p>\n",
        ),
        _ => s.push_str("<p class=\"warn\">本次检查未正常结束，结果不能作为当前结论。</p>\n"),
    }
    s
}

fn section_name(line: &ItemLine) -> &'static str {
    match line.section {
        Section::Item => "评分项目",
        Section::Penalty => "扣分项目",
        Section::Bonus => "加分项目",
    }
}

fn kind_label(f: &Finding) -> &'static str {
    match f.kind {
        FindingKind::Deduction => "建议扣分",
        FindingKind::Question => "待核查",
    }
}

fn evidence_list(f: &Finding) -> String {
    if f.evidence.is_empty() {
        return String::new();
    }
    let mut s = String::from("<ul>");
    for e in &f.evidence {
        s.push_str("<li>");
        s.push_str(&link(&e.url, &e.url));
        if !e.excerpt.is_empty() {
            s.push_str(&format!(
                "<br><span class=\"excerpt\">{}</span>",
                text(&e.excerpt)
            ));
        }
        s.push_str("</li>");
    }
    s.push_str("</ul>");
    s
}

fn findings_table(r: &UnitReport) -> String {
    if r.items.is_empty() {
        return "<p>本次检查未发现需要扣分或核查的问题。</p>\n".to_string();
    }
    let mut s = String::from(
        "<table>\n<tr><th>项目</th><th>评分项目</th><th class=\"num\">分值</th>\
         <th class=\"num\">涉及分值</th><th>问题及证据</th></tr>\n",
    );
    for line in &r.items {
        let mut cell = String::new();
        for f in &line.findings {
            cell.push_str(&format!(
                "<p><strong>{}{}</strong>：{}</p>{}",
                kind_label(f),
                if f.points.points() > 0.0 {
                    format!(" {} 分", fmt_points(f.points.points()))
                } else {
                    String::new()
                },
                text(&f.detail),
                evidence_list(f)
            ));
        }
        s.push_str(&format!(
            "<tr><td>{}第{}项</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
            section_name(line),
            line.item,
            text(&line.title),
            line.max.map(fmt_points).unwrap_or_else(|| "—".into()),
            fmt_points(line.at_stake),
            cell
        ));
    }
    s.push_str("</table>\n");
    s
}

fn finding_items(list: &[Finding]) -> String {
    let mut s = String::from("<ul>");
    for f in list {
        s.push_str(&format!(
            "<li>第{}项 {}（{}）",
            f.item,
            text(&f.detail),
            if f.points.points() > 0.0 {
                format!("{} 分", fmt_points(f.points.points()))
            } else {
                "待核查".to_string()
            }
        ));
        if let Some(e) = f.evidence.first() {
            s.push_str(&format!("：{}", link(&e.url, &e.url)));
        }
        s.push_str("</li>");
    }
    s.push_str("</ul>\n");
    s
}

fn page_items(list: &[PageChange], limit: usize) -> String {
    let mut s = String::from("<ul>");
    for p in list.iter().take(limit) {
        let status = match p.status_after {
            Some(code) => format!("（现返回 {code}）"),
            None => "（本次未再链接）".to_string(),
        };
        s.push_str(&format!("<li>{}{}</li>", link(&p.url, &p.url), status));
    }
    if list.len() > limit {
        s.push_str(&format!("<li>……共 {} 个</li>", list.len()));
    }
    s.push_str("</ul>\n");
    s
}

/// The "since the last report" section of a unit's report.
fn changes_section(since: Option<&Run>, changes: Option<&Changes>) -> String {
    let mut s = String::from("<h2>与上次报告相比</h2>\n");
    let (Some(since), Some(c)) = (since, changes) else {
        s.push_str("<p>这是第一份报告，没有可比较的上次报告。</p>\n");
        return s;
    };
    s.push_str(&format!(
        "<p class=\"muted\">上次报告依据第 {} 次运行（{}）。</p>\n",
        since.id,
        text(&when(
            since.finished_at.as_deref().unwrap_or(&since.started_at)
        ))
    ));
    if c.is_empty() {
        s.push_str("<p>与上次报告相比没有变化。</p>\n");
        return s;
    }
    if !c.new_findings.is_empty() {
        s.push_str(&format!(
            "<h3>新发现的问题（{} 项）</h3>\n",
            c.new_findings.len()
        ));
        s.push_str(&finding_items(&c.new_findings));
    }
    if !c.gone_findings.is_empty() {
        s.push_str(&format!(
            "<h3>本次未再发现的问题（可能已整改，{} 项）</h3>\n",
            c.gone_findings.len()
        ));
        s.push_str(&finding_items(&c.gone_findings));
    }
    if !c.changed_points.is_empty() {
        s.push_str("<h3>扣分有变化的问题</h3>\n<ul>");
        for p in &c.changed_points {
            s.push_str(&format!(
                "<li>第{}项 {}：{} 分 → {} 分</li>",
                p.finding.item,
                text(&p.finding.detail),
                fmt_points(p.before),
                fmt_points(p.after)
            ));
        }
        s.push_str("</ul>\n");
    }
    if !c.pages_disappeared.is_empty() {
        s.push_str(&format!(
            "<h3>已无法访问的页面（{} 个）</h3>\n",
            c.pages_disappeared.len()
        ));
        s.push_str(&page_items(&c.pages_disappeared, 50));
    }
    if !c.pages_changed.is_empty() {
        s.push_str(&format!(
            "<h3>内容有更新的页面（{} 个）</h3>\n",
            c.pages_changed.len()
        ));
        s.push_str(&page_items(&c.pages_changed, 20));
    }
    s
}

/// A unit's report as a complete HTML page.
pub fn unit_html(r: &UnitReport) -> String {
    let title = format!("{}政务公开预评估报告", r.unit);
    let mut b = format!(
        "<h1>{}</h1>\n<p>{} · {}（{}）</p>\n",
        text(&title),
        text(&r.portal),
        text(&r.unit),
        text(r.category.group_name())
    );
    b.push_str(&format!("<p class=\"note\">{}</p>\n", text(DRAFT_NOTE)));
    b.push_str(&run_line(&r.run));
    b.push_str(&format!(
        "<h2>概况</h2>\n<table><tr><th>预估得分（如全部确认）</th><th>涉及分值</th>\
         <th>建议扣分</th><th>待核查问题</th></tr>\n<tr><td class=\"num\">{} / {}</td>\
         <td class=\"num\">{} 分</td><td class=\"num\">{} 项</td><td class=\"num\">{} 项</td></tr></table>\n",
        fmt_points(r.estimated_score),
        fmt_points(r.max_score),
        fmt_points(r.at_stake),
        r.deductions,
        r.questions
    ));
    let bars: Vec<(String, f64)> = r
        .items
        .iter()
        .filter(|l| l.section == Section::Item && l.max.is_some())
        .map(|l| {
            let max = l.max.unwrap_or(0.0);
            (
                format!(
                    "第{}项 {}",
                    l.item,
                    crate::util::truncate_chars(&l.title, 8)
                ),
                max - l.at_stake,
            )
        })
        .collect();
    b.push_str(&changes_section(r.since.as_ref(), r.changes.as_ref()));
    b.push_str("<h2>按评分项目列出的问题</h2>\n");
    if !bars.is_empty() {
        let max = r.items.iter().filter_map(|l| l.max).fold(0.0_f64, f64::max);
        b.push_str("<p class=\"muted\">各有关项目预估保留分值：</p>\n");
        b.push_str(&bar_chart("各有关项目预估保留分值", &bars, max));
    }
    b.push_str(&findings_table(r));
    b.push_str(&format!(
        "<p class=\"muted\">涉及分值按《{}》评分标准计算，仅供整改参考。</p>\n",
        text(&r.portal)
    ));
    page(&title, &b)
}

/// The county summary as a complete HTML page; unit names link to `{stem}.html` beside it.
pub fn county_html(c: &CountyReport) -> String {
    let title = format!("{}政务公开预评估汇总", c.portal);
    let mut b = format!("<h1>{}</h1>\n", text(&title));
    b.push_str(&format!("<p class=\"note\">{}</p>\n", text(DRAFT_NOTE)));
    b.push_str(&run_line(&c.run));
    if let Some(s) = &c.since {
        b.push_str(&format!(
            "<p class=\"muted\">“变化”一栏与第 {} 次运行相比。</p>\n",
            s.id
        ));
    }
    let total_at_stake: f64 = c.units.iter().map(|u| u.report.at_stake).sum();
    b.push_str(&format!(
        "<p>共 {} 个单位，建议扣分合计 {} 分。</p>\n",
        c.units.len(),
        fmt_points(total_at_stake)
    ));
    let mut group = None;
    for u in &c.units {
        let r = &u.report;
        if group != Some(r.category) {
            if group.is_some() {
                b.push_str("</table>\n");
            }
            group = Some(r.category);
            let rows: Vec<(String, f64)> = c
                .units
                .iter()
                .filter(|x| x.report.category == r.category)
                .map(|x| (x.report.unit.clone(), x.report.estimated_score))
                .collect();
            b.push_str(&format!(
                "<h2>{}（{} 个）</h2>\n",
                r.category.group_name(),
                rows.len()
            ));
            b.push_str(&bar_chart(
                &format!("{}预估得分", r.category.group_name()),
                &rows,
                r.max_score,
            ));
            b.push_str(
                "<table>\n<tr><th class=\"num\">排名</th><th>单位</th><th class=\"num\">预估得分</th>\
                 <th class=\"num\">涉及分值</th><th class=\"num\">建议扣分</th>\
                 <th class=\"num\">待核查</th><th>变化</th></tr>\n",
            );
        }
        let change = match &r.changes {
            Some(ch) if ch.is_empty() => "无变化".to_string(),
            Some(ch) => format!(
                "新增 {} 项，可能已整改 {} 项，页面消失 {} 个",
                ch.new_findings.len(),
                ch.gone_findings.len(),
                ch.pages_disappeared.len()
            ),
            None => "—".to_string(),
        };
        b.push_str(&format!(
            "<tr><td class=\"num\">{}</td><td><a href=\"{}.html\">{}</a></td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
            u.rank,
            text(&url_path_segment(&super::file_stem(&r.unit))),
            text(&r.unit),
            fmt_points(r.estimated_score),
            fmt_points(r.at_stake),
            r.deductions,
            r.questions,
            text(&change)
        ));
    }
    if group.is_some() {
        b.push_str("</table>\n");
    }
    page(&title, &b)
}

/// Percent-encodes a file name for a relative link.
fn url_path_segment(s: &str) -> String {
    crate::util::percent_encode_segment(s)
}
