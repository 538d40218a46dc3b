//! Every bundled template rendered with representative, hostile data: markup in unit names,
//! titles, excerpts and URLs must come out escaped, and only http(s) URLs may become links. A
//! template added to `TEMPLATES` without a sample here fails `every_template_renders_escaped`.

use serde_json::json;

use super::*;

/// Markup, quotes and an ampersand, as a hostile portal might publish them.
const BAD: &str = "<script>alert(1)</script>\"'&";

fn bad(prefix: &str) -> String {
    format!("{prefix}{BAD}")
}

/// Checks one rendered template: nothing hostile got through, and (when `printed`) the hostile
/// strings were printed, escaped.
fn assert_escaped(name: &str, out: &str, printed: bool) {
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
            "groups": [{
                "label": "县直部门",
                "items": [{ "number": 7, "title": bad("指南"), "points": 5.0 }],
                "rows": [{
                    "url": "/units/%E5%B7%A5", "unit": bad("工信局"), "category": "A类",
                    "drafts": 2, "cells": [{ "item": 7, "drafts": 1, "deducted": 0.5 }],
                    "total": 97.5, "rank": 1, "grade": bad("优秀"),
                }],
            }],
        })),
        "unit.html" => render(json!({
            "me": me, "csrf": csrf, "run": null, "unit": bad("工信局"), "url": "/units/x",
            "category": "A类", "table": "县直部门",
            "score": { "total": 95.5, "items_total": 96, "bonus": 0.5, "penalty": 1, "veto": true },
            "grade": { "rank": 1, "group_size": 9, "grade": bad("优秀") },
            "findings": [{
                "id": 1, "item": 7, "section": "评分项目", "item_title": bad("指南"),
                "reason": bad("guide_"), "detail": bad("说明"), "points": 1.5,
                "status": "adjusted", "counted": 1, "maybe_fixed": true,
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
            "item_title": bad("指南"), "unit_url": "/units/x", "table": "乡镇",
            "status": "confirmed",
            "decision": { "status": "confirmed", "points": 1, "decided_by": bad("审核员"),
                          "decided_at": bad("2020-12-15") },
            "version": 1, "max": 5.0, "log": log(), "current_id": 10, "maybe_fixed": true,
            "run_id": 2,
        })),
        "evidence.html" => render(json!({
            "me": me, "csrf": csrf,
            "page": { "id": 5, "url": bad("http://x.cn/"), "fetched_at": bad("2020"),
                      "status": 200, "content_type": bad("text/html"), "size": 10,
                      "sha256": bad("ab") },
            "finding": { "id": 9 }, "excerpt": bad("摘录"), "before": bad("前"),
            "hit": bad("摘录"), "after": bad("后"), "is_html": true, "is_pdf": false,
        })),
        "users.html" => render(json!({
            "me": me, "csrf": csrf, "log": log(),
            "users": [{ "id": 1, "name": bad("审核员"), "role": "auditor", "disabled": false },
                      { "id": 2, "name": "乙", "role": "viewer", "disabled": true }],
        })),
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
