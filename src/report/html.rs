//! The HTML of a unit's report and of the county summary: one self-contained page each (inline
//! CSS and SVG), rendered from `templates/report/` by [`crate::render`], which escapes every
//! crawled string and lets only http(s) URLs become links.

use minijinja::context;
use serde::Serialize;

use super::data::{CountyReport, UnitReport};
use super::svg::{bar_chart, BarChart};
use crate::model::Section;
use crate::monitor::changes::Changes;

/// The note every report carries.
pub const DRAFT_NOTE: &str =
    "本报告由 gongkai 程序根据网站抓取结果自动生成。所列扣分和问题均为机器初稿，\
尚未经考核人员审核确认，不代表最终考核结果；如有异议或已整改，请与县政务公开办联系。";

/// Renders a bundled report template. Its context is built here from typed reports, and the
/// render test of `crate::render` draws every template, so a failure is a bug in a template.
fn render(name: &str, ctx: minijinja::Value) -> String {
    crate::render::render(name, ctx)
        .unwrap_or_else(|e| panic!("the bundled template {name} failed: {e:#}"))
}

/// The points each numbered item would keep, as a chart (none when no item has points).
fn item_chart(r: &UnitReport) -> Option<BarChart> {
    let bars: Vec<(String, f64)> = r
        .items
        .iter()
        .filter(|l| l.section == Section::Item)
        .filter_map(|l| {
            let max = l.max?;
            let label = format!(
                "第{}项 {}",
                l.item,
                crate::util::truncate_chars(&l.title, 8)
            );
            Some((label, max - l.at_stake))
        })
        .collect();
    if bars.is_empty() {
        return None;
    }
    let max = r.items.iter().filter_map(|l| l.max).fold(0.0_f64, f64::max);
    Some(bar_chart("各有关项目预估保留分值", &bars, max))
}

/// A unit's report as a complete HTML page.
pub fn unit_html(r: &UnitReport) -> String {
    render(
        "report/unit.html",
        context! {
            r => r,
            note => DRAFT_NOTE,
            unchanged => r.changes.as_ref().is_some_and(Changes::is_empty),
            chart => item_chart(r),
        },
    )
}

/// A ranking group of the county summary.
#[derive(Serialize)]
struct Group<'a> {
    name: &'static str,
    size: usize,
    chart: BarChart,
    rows: Vec<Row<'a>>,
}

/// A unit's line in the county summary.
#[derive(Serialize)]
struct Row<'a> {
    rank: usize,
    /// The unit report's file name without `.html`, percent-encoded for a relative link.
    file: String,
    unchanged: bool,
    report: &'a UnitReport,
}

/// The county summary as a complete HTML page; unit names link to `{stem}.html` beside it.
pub fn county_html(c: &CountyReport) -> String {
    let mut groups: Vec<Group> = Vec::new();
    for u in &c.units {
        let r = &u.report;
        let row = Row {
            rank: u.rank,
            file: crate::util::percent_encode_segment(&super::file_stem(&r.unit)),
            unchanged: r.changes.as_ref().is_some_and(Changes::is_empty),
            report: r,
        };
        let name = r.category.group_name();
        if let Some(g) = groups.last_mut().filter(|g| g.name == name) {
            g.rows.push(row);
            continue;
        }
        let bars: Vec<(String, f64)> = c
            .units
            .iter()
            .filter(|x| x.report.category == r.category)
            .map(|x| (x.report.unit.clone(), x.report.estimated_score))
            .collect();
        groups.push(Group {
            name,
            size: bars.len(),
            chart: bar_chart(&format!("{name}预估得分"), &bars, r.max_score),
            rows: vec![row],
        });
    }
    let at_stake: f64 = c.units.iter().map(|u| u.report.at_stake).sum();
    render(
        "report/county.html",
        context! { c => c, note => DRAFT_NOTE, at_stake => at_stake, groups => groups },
    )
}
