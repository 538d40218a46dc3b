//! Every bundled template rendered with representative, hostile data: markup in unit names,
//! titles, excerpts and URLs must come out escaped, and only http(s) URLs may become links. A
//! template added to `TEMPLATES` without a sample here fails `every_template_renders_escaped`.

use serde_json::json;

use super::*;
use crate::model::{Finding, Section};
use crate::monitor::changes::{Changes, PageChange, PointsChange};
use crate::report::{county_html, unit_html, CountyReport, ItemLine, Ranked, UnitReport};
use crate::score::Category;
use crate::store::{Run, RunStats, RunStatus};

/// Markup, quotes and an ampersand, as a hostile portal might publish them.
const BAD: &str = "<script>alert(1)</script>\"'&";

fn bad(prefix: &str) -> String {
    format!("{prefix}{BAD}")
}

/// Checks one rendered template: nothing hostile got through, and (when `printed`) the hostile
/// strings were printed, escaped.
fn assert_escaped(name: &str, out: &str, printed: bool) {
    // The one script of the pages: the keyboard shortcuts, from this server.
    let out = &out.replace(r#"<script src="/static/keys.js" defer></script>"#, "");
    assert!(!out.contains("<script"), "{name}: raw markup\n{out}");
    assert!(!out.contains("<img"), "{name}: raw markup\n{out}");
    assert!(!out.contains(BAD), "{name}: raw hostile string\n{out}");
    assert!(!out.contains("\"'&"), "{name}: raw quotes\n{out}");
    assert!(
        !out.contains("href=\"javascript") && !out.contains("href=\"data:"),
        "{name}: a link that is not http(s)\n{out}"
    );
    if printed {
        assert!(out.contains(&escape(BAD)), "{name}: nothing printed\n{out}");
    }
}

fn me() -> serde_json::Value {
    json!({ "name": bad("审核员"), "role": bad("审核"), "can_decide": true, "is_admin": true })
}

fn log() -> serde_json::Value {
    json!([{
        "id": 1, "at": bad("2020-12-15 "), "actor": bad("审核员"), "action": "confirm",
        "unit": bad("温泉镇"), "subject": "item|7|x|", "finding_id": 3,
        "before_state": bad("待审核"), "after_state": bad("已确认"), "note": bad("理由"),
    }, {
        "id": 2, "at": "2020-12-16", "actor": "管理员", "action": bad("unknown-"),
        "unit": "（账户）", "subject": "user:x", "finding_id": null,
        "before_state": "无", "after_state": "审核", "note": "",
    }])
}

fn finding_json(id: i64) -> serde_json::Value {
    json!({
        "unit": bad("温泉镇"), "table": "township", "section": "item", "item": 7, "points": 1.5,
        "kind": "deduction", "reason": "guide_missing", "detail": bad("说明<img src=x onerror=alert(1)>"),
        "evidence": [
            { "url": "http://127.0.0.1/m.htm?a=1&b=2", "excerpt": bad("摘录"), "page_id": 5 },
            { "url": "javascript:alert(1)", "excerpt": "" },
            { "url": bad("https://x.cn/"), "excerpt": bad("\"><svg onload=alert(1)>") },
        ],
        "status": "draft", "key": bad("k"), "id": id, "run_id": 2,
    })
}

/// A finding as the store reads it back (through its JSON form, which is public).
fn finding(id: i64, section: &str, item: u32, points: f64, kind: &str, urls: &[&str]) -> Finding {
    let mut f = finding_json(id);
    f["section"] = json!(section);
    f["item"] = json!(item);
    f["points"] = json!(points);
    f["kind"] = json!(kind);
    f["evidence"] = urls
        .iter()
        .map(|u| json!({ "url": u, "excerpt": bad("摘录") }))
        .collect();
    serde_json::from_value(f).expect("a finding")
}

fn run(id: i64, status: RunStatus, finished_at: Option<&str>) -> Run {
    Run {
        id,
        portal: bad("测试县"),
        config_path: "county.toml".into(),
        base_url: "http://127.0.0.1/".into(),
        year: 2020,
        as_of: bad("2020-12-15"),
        started_at: bad("2020-12-15T08:00:00+08:00"),
        finished_at: finished_at.map(str::to_string),
        status,
        stats: RunStats::default(),
    }
}

fn page_change(url: &str, status_after: Option<u16>) -> PageChange {
    PageChange {
        url: url.into(),
        unit: None,
        kind: crate::store::PageKind::Document,
        status_after,
    }
}

/// A unit's report that takes every branch of the unit template.
fn full_report() -> UnitReport {
    let unit = bad("温泉镇");
    let http = "http://127.0.0.1/m.htm?a=1&b=2";
    let deduction = finding(
        1,
        "item",
        7,
        5.0,
        "deduction",
        &[http, "javascript:alert(1)"],
    );
    let question = finding(2, "item", 7, 0.0, "question", &[]);
    let penalty = finding(
        3,
        "penalty",
        1,
        2.25,
        "deduction",
        &["data:text/html,<b>x</b>"],
    );
    let bonus = finding(
        4,
        "bonus",
        2,
        0.0,
        "question",
        &[bad("http://x.cn/").as_str()],
    );
    let line = |section, item, title: String, max, at_stake, findings| ItemLine {
        section,
        item,
        title,
        max,
        at_stake,
        findings,
    };
    let mut disappeared: Vec<PageChange> = (0..55)
        .map(|i| page_change(&format!("http://x.cn/{i}?a&b"), (i % 2 == 0).then_some(404)))
        .collect();
    disappeared[1] = page_change("javascript:alert(1)", Some(410));
    UnitReport {
        portal: bad("测试县"),
        run: run(3, RunStatus::Partial, Some("2020-12-15T10:05:00+08:00")),
        unit,
        table: crate::model::Table::Township,
        category: Category::Township,
        items: vec![
            line(
                Section::Item,
                7,
                bad("政府信息公开指南"),
                Some(5.0),
                5.0,
                vec![deduction.clone(), question.clone()],
            ),
            line(
                Section::Penalty,
                1,
                bad("扣分项目1："),
                None,
                2.25,
                vec![penalty.clone()],
            ),
            line(
                Section::Bonus,
                2,
                bad("加分项目2："),
                None,
                0.0,
                vec![bonus],
            ),
        ],
        deductions: 2,
        questions: 2,
        at_stake: 7.25,
        max_score: 100.0,
        estimated_score: 92.75,
        since: Some(run(1, RunStatus::Complete, Some("not a time"))),
        changes: Some(Changes {
            run_a: 1,
            run_b: 3,
            new_findings: vec![deduction.clone(), penalty],
            gone_findings: vec![question],
            changed_points: vec![PointsChange {
                before: 1.0,
                after: 0.25,
                finding: deduction,
            }],
            pages_disappeared: disappeared,
            pages_changed: (0..25)
                .map(|i| page_change(&format!("https://x.cn/c{i}\"<"), Some(200)))
                .collect(),
            indicators_changed: vec![crate::monitor::changes::IndicatorChange {
                code: "columns_not_updated",
                name: bad("栏目不更新"),
                scope: bad("温泉镇"),
                before: Some(crate::indicators::Verdict::Pass),
                after: None,
                summary: bad("不更新 5 个"),
            }],
        }),
        coverage: crate::review::coverage(
            crate::rubric::Rubric::bundled_2020().table(crate::model::Table::Township),
            true,
            &[(Section::Item, 7)],
            &[],
        ),
    }
}

/// A judged day: a site veto decided by an auditor, a unit's question, a unit that passes.
fn indicator_day() -> crate::indicators::DayReport {
    use crate::indicators::{DayReport, Decision, IndicatorResult, Verdict};
    let result = |code: &'static str, scope: &str, verdict| IndicatorResult {
        code,
        name: bad("指标"),
        scope: scope.into(),
        text: bad("规则"),
        verdict,
        summary: bad("依据"),
        figures: vec![],
        evidence: vec![],
        questions: vec![],
        decision: None,
    };
    let mut site = result("site_unreachable", "site", Verdict::Veto);
    site.decision = Some(Decision {
        verdict: Verdict::Veto,
        note: bad("属实"),
        by: bad("审核员"),
        at: "2020-12-15T08:00:00Z".into(),
        machine_verdict: Verdict::Veto,
    });
    DayReport {
        portal: bad("测试县"),
        date: chrono::NaiveDate::from_ymd_opt(2020, 12, 15).unwrap(),
        run_id: Some(3),
        vetoed: false,
        decided_vetoed: false,
        open: 0,
        computed_at: None,
        indicators: vec![
            site,
            result("columns_not_updated", "工信局", Verdict::Question),
            result("columns_not_updated", "田园镇", Verdict::Pass),
        ],
    }
    .with_decisions(vec![])
}

fn county(units: Vec<UnitReport>, since: Option<Run>) -> CountyReport {
    CountyReport {
        portal: bad("测试县"),
        run: run(3, RunStatus::Failed, None),
        since,
        units: units
            .into_iter()
            .map(|report| Ranked {
                rank: 1,
                group_size: 1,
                report,
            })
            .collect(),
        indicators: None,
    }
}

/// The output of each bundled template, rendered with hostile data; `false` for the pieces
/// that print nothing of their own (layouts, macros).
fn sample(name: &str) -> (String, bool) {
    let me = me();
    let csrf = bad("csrf");
    let render = |ctx: serde_json::Value| super::render(name, ctx).expect(name);
    let out = match name {
        "base.html" => render(json!({ "me": me, "csrf": csrf })),
        "login.html" => render(json!({ "csrf": csrf, "error": bad("用户名或密码错误") })),
        "log.html" => render(json!({ "log": log() })),
        "error.html" => render(json!({ "status": 403, "message": bad("只有审核人员") })),
        "overview.html" => render(json!({
            "me": me, "csrf": csrf,
            "run": { "id": 3, "portal": bad("测试县"), "year": 2020, "as_of": bad("2020-12-15"),
                     "finished_at": null, "status": bad("已完成") },
            "progress": bad("审核进度"),
            "groups": [{
                "label": "县直部门", "table": "department",
                "items": [{ "number": 7, "title": bad("指南"), "short": bad("指南"), "points": 5.0 }],
                "rows": [{
                    "url": "/units/%E5%B7%A5", "unit": bad("工信局"), "category": "A类",
                    "drafts": 2, "cells": [{ "item": 7, "drafts": 1, "deducted": 0.5, "open": true }],
                    "total": 97.5, "rank": 1, "grade": bad("优秀"), "complete": false,
                    "low": 95.0, "decided": 1, "findings": 3,
                    "bonus": { "drafts": 1, "points": 0.5, "rules": [bad("加分规则")], "short": [bad("加分")] },
                    "penalty": { "drafts": 0, "points": 0, "rules": [], "short": [] },
                }],
            }],
        })),
        "unit.html" => render(json!({
            "me": me, "csrf": csrf, "run": null, "unit": bad("工信局"), "url": "/units/x",
            "category": "A类", "table": "县直部门",
            "score": { "total": 95.5, "items_total": 96, "bonus": 0.5, "penalty": 1, "veto": true },
            "grade": { "rank": 1, "group_size": 9, "grade": bad("优秀") },
            "coverage": { "complete": false, "summary": bad("满分"), "items": [
                { "item": 7, "short": bad("指南"), "points": 5.0, "machine": true,
                  "state": "pending", "open_drafts": 1 }] },
            "findings": [{
                "id": 1, "item": 7, "section": "评分项目", "item_title": bad("指南"),
                "item_short": bad("指南"),
                "reason": bad("guide_"), "detail": bad("说明"), "points": 1.5,
                "status": "adjusted", "counted": 1, "maybe_fixed": true, "kind": "question",
                "evidence": finding_json(1)["evidence"], "decided_by": bad("审核员"),
                "note": bad("理由"),
            }],
            "entries": [{ "id": 1, "label": bad("第7项扣1分"), "note": bad("理由"),
                          "withdrawn": false, "by": bad("审核员"), "at": "2020-12-15" }],
            "log": log(),
            "items": [{ "number": 7, "title": bad("指南"), "points": 5.0 }],
            "bonus_rules": [{ "id": "b1", "text": bad("加分") }],
            "penalty_rules": [{ "id": "p1", "text": bad("扣分") }],
        })),
        "finding.html" => render(json!({
            "me": me, "csrf": csrf, "f": finding_json(9), "section": "评分项目",
            "item_title": bad("指南"), "item_short": bad("指南"), "unit_url": "/units/x", "table": "乡镇",
            "status": "confirmed",
            "decision": { "status": "confirmed", "points": 1, "decided_by": bad("审核员"),
                          "decided_at": bad("2020-12-15") },
            "version": 1, "max": 5.0, "log": log(), "current_id": 10, "maybe_fixed": true,
            "run_id": 2, "problem": bad("问题"), "done": bad("已确认"),
            "typed": { "action": "adjust", "points": bad("1"), "note": bad("理由"),
                       "conflict": bad("已由他人处理") },
        })),
        "import.html" => render(json!({
            "me": me, "csrf": csrf, "run": null, "file": bad("表.xlsx"), "message": bad("已导入"),
            "errors": [{ "place": bad("第 3 行"), "message": bad("没有单位") }],
        })),
        "indicators.html" => render(json!({
            "me": me, "csrf": csrf, "run": null, "date": bad("2020-11-30"), "threshold": 5.0,
            "chart_width": 440, "chart_height": 100,
            "bars": [{ "day": bad("11-30"), "probes": 20, "failed": 1, "percent": bad("5.0"),
                       "x": 10, "height": 25, "y": 75, "over": true }],
            "done": bad("已审核"),
            "report": { "date": bad("2020-11-30"), "run_id": 1, "vetoed": true,
                "decided_vetoed": true, "open": 1, "computed_at": "2020-11-30T08:00:00Z",
                "indicators": [{
                "code": "site_unreachable", "name": bad("站点无法访问"), "scope": bad("田园镇"),
                "text": bad("指标"), "verdict": "veto", "summary": bad("失败"),
                "figures": [{ "key": "k", "label": bad("失败"), "value": bad("7") }],
                "evidence": [{ "url": bad("http://x.cn/"), "excerpt": bad("摘录"), "page_id": 3 }],
                "questions": [bad("未能读取")],
                "decision": { "verdict": "pass", "note": bad("依据"), "by": bad("审核员"),
                              "at": "2020-11-30T09:00:00Z", "machine_verdict": "question" } }] },
            "broken_links": [{ "url": bad("http://x.cn/a"), "text": bad("链接"),
                               "page": bad("http://x.cn/"), "pages": 3, "page_id": 4,
                               "problem": bad("服务器返回 404"), "off_site": true,
                               "on_home": true }],
        })),
        "findings.html" => render(json!({
            "me": me, "csrf": csrf, "run": null,
            "filter": { "unit": bad("工信局"), "item": bad("7"), "reason": bad("x"),
                        "status": "open", "sort": "unit", "page": 1, "done": bad("已确认") },
            "units": [bad("工信局")], "reasons": [[bad("x"), bad("问题")]],
            "rows": [{ "id": 1, "unit": bad("工信局"), "item": bad("第7项"), "detail": bad("说明"),
                       "problem": bad("问题"), "question": true, "points": 1.0,
                       "status": "draft", "version": 0, "maybe_fixed": false }],
            "page": 1, "pages": 2, "shown": 1, "open": 1, "total": 2,
            "prev": null, "next": bad("/findings?page=2"), "here": bad("/findings"),
        })),
        "evidence.html" => render(json!({
            "me": me, "csrf": csrf,
            "page": { "id": 5, "url": bad("http://x.cn/"), "fetched_at": bad("2020"),
                      "status": 200, "content_type": bad("text/html"), "size": 10,
                      "sha256": bad("ab") },
            "finding": { "id": 9 }, "excerpt": bad("摘录"), "before": bad("前"),
            "hit": bad("摘录"), "after": bad("后"), "is_html": true, "is_pdf": false,
        })),
        "bulk.html" => render(json!({
            "me": me, "csrf": csrf, "run": null, "title": bad("第18项"), "rule": bad("标准"),
            "message": bad("已保存"), "error": bad("有误"), "is_item": true,
            "rows": [{ "unit": bad("工信局"), "current": [bad("第18项扣1分")],
                       "state": bad("待人工录入"), "points": bad("1"), "note": bad("备注"),
                       "error": bad("超过满分") }],
        })),
        "users.html" => render(json!({
            "me": me, "csrf": csrf, "log": log(), "error": bad("形近"), "rule": bad("至少"),
            "max_name": 32, "typed_name": bad("аdmin"), "typed_role": "auditor",
            "users": [{ "id": 1, "name": bad("审核员"), "role": "auditor", "disabled": false },
                      { "id": 2, "name": "乙", "role": "viewer", "disabled": true }],
        })),
        "password.html" => render(json!({
            "me": me, "csrf": csrf, "rule": bad("至少 10 个字符"), "error": bad("不一致"),
            "done": bad("已修改"),
        })),
        "report/page.html" => return (render(json!({})), false),
        "report/macros.html" => return (render(json!({})), false),
        "report/unit.html" => unit_html(&full_report()),
        "report/county.html" => {
            let mut other = full_report();
            other.unit = bad("工信局");
            other.category = Category::DeptA;
            other.changes = Some(Changes::default());
            let since = other.since.clone();
            county_html(&county(vec![full_report(), other], since))
        }
        _ => panic!("no sample for the template {name}: add one to render/tests.rs"),
    };
    (out, true)
}

#[test]
fn every_template_renders_escaped() {
    for name in template_names() {
        let (out, printed) = sample(name);
        assert_escaped(name, &out, printed);
    }
}

#[test]
fn the_unit_report_takes_every_branch_escaped() {
    let html = unit_html(&full_report());
    assert_escaped("unit report", &html, true);
    for expected in [
        "<h1>温泉镇&lt;script&gt;",
        "href=\"http://127.0.0.1/m.htm?a=1&amp;b=2\" rel=\"noopener noreferrer\"",
        // Anything but http(s) is shown as text.
        "javascript:alert(1)（javascript:alert(1)）",
        "data:text/html,&lt;b&gt;x&lt;/b&gt;（data:text/html,&lt;b&gt;x&lt;/b&gt;）",
        "本次检查部分完成",
        "上次报告依据第 1 次运行（not a time）",
        "新发现的问题（2 项）",
        "本次未再发现的问题（可能已整改，1 项）",
        "第7项 说明&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;：1 分 → 0.25 分",
        "已无法访问的页面（55 个）",
        "（现返回 404）",
        "（本次未再链接）",
        "<li>……共 55 个</li>",
        "<li>……共 25 个</li>",
        "<svg",
        "<td>评分项目第7项</td>",
        "<td>扣分项目第1项</td>",
        "<td>加分项目第2项</td>",
        "<strong>建议扣分 5 分</strong>",
        "<strong>待核查</strong>",
        "<span class=\"excerpt\">摘录&lt;script&gt;",
        "92.75 / 100",
        "网站检查指标结论有变化",
        "栏目不更新&lt;script&gt;",
        "：未触发 → 未判断（不更新 5 个&lt;script&gt;",
    ] {
        assert!(html.contains(expected), "missing {expected}\n{html}");
    }
    assert_eq!(
        html.matches("<li>").count(),
        2 + 1 + 1 + 51 + 21 + 1 + 4,
        "{html}"
    );
}

#[test]
fn a_first_report_and_an_unchanged_one() {
    let mut r = full_report();
    r.items.clear();
    r.since = None;
    r.run = run(3, RunStatus::Running, None);
    let html = unit_html(&r);
    assert_escaped("first report", &html, true);
    assert!(html.contains("这是第一份报告"));
    assert!(html.contains("本次检查未正常结束"));
    assert!(html.contains("本次检查未发现需要扣分或核查的问题。"));
    assert!(!html.contains("<svg"));

    r.since = Some(run(1, RunStatus::Complete, None));
    r.changes = Some(Changes::default());
    r.run = run(3, RunStatus::Complete, None);
    let html = unit_html(&r);
    assert!(html.contains("与上次报告相比没有变化。"));
    assert!(!html.contains("class=\"warn\""));
}

#[test]
fn the_county_summary_groups_ranks_and_links() {
    let mut dept = full_report();
    dept.unit = "工信局/财政".into();
    dept.category = Category::DeptB;
    dept.changes = None;
    let mut c = county(vec![full_report(), dept], None);
    c.indicators = Some(indicator_day());
    let html = county_html(&c);
    assert_escaped("county", &html, true);
    assert_eq!(html.matches("<svg").count(), 2);
    assert!(html.contains("<h2>乡镇（1 个）</h2>"));
    assert!(html.contains("<h2>B类（1 个）</h2>"));
    assert!(html.contains("共 2 个单位，建议扣分合计 14.5 分。"));
    assert!(html.contains("新增 2 项，可能已整改 1 项，页面消失 55 个"));
    assert!(html.contains("<td>—</td>"));
    assert!(html.contains("href=\"%E5%B7%A5%E4%BF%A1%E5%B1%80_%E8%B4%A2%E6%94%BF.html\""));
    assert!(html.contains("本次检查未正常结束"));
    assert!(!html.contains("“变化”一栏"));
    // The indicators: the site's decided veto, the unit's open question; a passing unit not
    // listed.
    assert!(
        html.contains("<strong>有单项否决指标被触发</strong>，另有 1 项待审核"),
        "{html}"
    );
    assert!(
        html.contains("<td>工信局</td><td>待人工判断</td><td>待审核</td>"),
        "{html}"
    );
    assert!(!html.contains("<td>田园镇</td>"), "{html}");

    let empty = county_html(&county(vec![], Some(run(1, RunStatus::Complete, None))));
    assert!(empty.contains("“变化”一栏与第 1 次运行相比。"));
    assert!(empty.contains("共 0 个单位"));
}

#[test]
fn only_http_urls_become_links() {
    assert!(http_url("javascript:alert(1)").is_none());
    assert!(http_url("data:text/html,<b>").is_none());
    assert!(http_url(" JAVASCRIPT:alert(1)").is_none());
    assert!(http_url("/relative").is_none());
    assert_eq!(
        http_url("http://x.cn/a?b=1&c=\"2\"").as_deref(),
        Some("http://x.cn/a?b=1&c=%222%22")
    );
}

#[test]
fn escapes_markup_and_quotes() {
    assert_eq!(
        escape("<a href='x'>&\"</a>"),
        "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
    );
    let out = environment()
        .render_str(
            "{{ s }}|{{ n }}|{{ l }}",
            json!({ "s": "a/b<", "n": 1.5, "l": ["<"] }),
        )
        .unwrap();
    assert_eq!(
        out, "a/b&lt;|1.5|[&quot;&lt;&quot;]",
        "slashes stay readable"
    );
}

#[test]
fn filters() {
    let env = environment();
    let r = |t: &str| env.render_str(t, ()).unwrap();
    assert_eq!(
        r("{{ 94.5|pts }} {{ 95.0|pts }} {{ 3|pts }} {{ 0.125|pts }}"),
        "94.5 95 3 0.13"
    );
    assert_eq!(r("{{ 'not a time'|local_time }}"), "not a time");
    assert_eq!(
        r("{{ 'confirmed'|status_label }} {{ 'draft'|status_label }}"),
        "已确认 待审核"
    );
    assert_eq!(
        r("{{ 'entry-add'|action_label }} {{ 'x'|action_label }}"),
        "新增人工加减分 x"
    );
    assert_eq!(
        r("{{ 'penalty'|section_label }} {{ 'question'|kind_label }}"),
        "扣分项目 待核查"
    );
    assert_eq!(
        r("{{ 'department'|table_label }} {{ 'A'|category_label }}"),
        "县直部门 A类"
    );
    assert_eq!(
        r("{{ 'partial'|run_status_label }} {{ 'admin'|role_label }}"),
        "部分完成（有页面未能抓取） 管理员"
    );
    // A name the context lacks is an error, not an empty string.
    assert!(env.render_str("{{ missing }}", ()).is_err());
    assert!(env.render_str("{{ missing.x }}", ()).is_err());
    assert_eq!(r("{% if missing %}x{% endif %}"), "");
}

/// The reports used to format points as `format!("{:.2}")` with the zeros trimmed; the shared
/// filter (fixed-point cents) writes the same for every value with at most two decimals.
#[test]
fn points_as_the_reports_wrote_them() {
    let old = |p: f64| {
        let s = format!("{:.2}", p + 0.0);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    for cents in -1000..=20000 {
        let p = f64::from(cents) / 100.0;
        assert_eq!(crate::review::fmt_points(p), old(p), "{p}");
    }
    assert_eq!(crate::review::fmt_points(0.1 + 0.2), old(0.1 + 0.2));
}
