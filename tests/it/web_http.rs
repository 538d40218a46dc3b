//! HTTP-level tests of the review web UI: sessions, CSRF, escaping, the audit log, concurrent
//! decisions, decisions kept across crawls.

use crate::support::web_common;

use std::time::Duration;

use gongkai::review::Identity;
use web_common::*;

fn unit_path() -> String {
    format!("/units/{}", gongkai_path(UNIT))
}

fn gongkai_path(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn no_page_or_file_without_a_session() {
    let app = spawn().await;
    let anon = Client::anonymous(&app.base);
    let fid = finding_id(&app.store, app.run_id, UNIT, 7).await;
    for path in [
        "/".to_string(),
        unit_path(),
        format!("/findings/{fid}"),
        format!("/evidence/{}", app.page_id),
        format!("/evidence/{}/raw", app.page_id),
        "/users".to_string(),
    ] {
        let res = anon.get(&path).await;
        assert_eq!(res.status(), 303, "{path}");
        assert_eq!(res.headers()["location"], "/login", "{path}");
    }
    let res = anon
        .post(&format!("/findings/{fid}/decide"), &[("action", "confirm")])
        .await;
    assert_eq!(res.status(), 303);
    // The login page itself is open and carries the security headers.
    let res = anon.get("/login").await;
    assert_eq!(res.status(), 200);
    let h = res.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"));
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let cookie = h["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
}

#[tokio::test]
async fn wrong_password_is_refused_after_a_delay() {
    let app = spawn().await;
    let anon = Client::anonymous(&app.base);
    let res = anon.get("/login").await;
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let csrf = csrf_of(&res.text().await.unwrap());
    let start = std::time::Instant::now();
    let res = anon
        .http
        .post(format!("{}/login", app.base))
        .header("cookie", cookie)
        .form(&[("name", "审核员甲"), ("password", "wrong"), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(start.elapsed() >= Duration::from_millis(50));
    assert!(res.text().await.unwrap().contains("用户名或密码错误"));
}

#[tokio::test]
async fn sessions_expire_and_logout_closes_them() {
    let app = spawn_with(Duration::from_secs(0)).await;
    let c = Client::login(&app.base, "审核员甲", PASSWORD).await;
    assert_eq!(
        c.get("/").await.status(),
        303,
        "an expired session opens nothing"
    );

    let app = spawn().await;
    let c = Client::login(&app.base, "审核员甲", PASSWORD).await;
    let page = c.text("/").await;
    let res = c.post("/logout", &[("csrf", &csrf_of(&page))]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        c.get("/").await.status(),
        303,
        "the old cookie no longer works"
    );
}

#[tokio::test]
async fn posts_without_the_csrf_token_are_refused() {
    let app = spawn().await;
    let c = Client::login(&app.base, "审核员甲", PASSWORD).await;
    let fid = finding_id(&app.store, app.run_id, UNIT, 7).await;
    let path = format!("/findings/{fid}/decide");
    let res = c
        .post(&path, &[("action", "confirm"), ("version", "0")])
        .await;
    assert_eq!(res.status(), 403);
    let res = c
        .post(
            &path,
            &[("action", "confirm"), ("version", "0"), ("csrf", "00ff")],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(c.post("/logout", &[]).await.status(), 403);
    assert_eq!(
        c.post(&format!("{}/entries", unit_path()), &[("kind", "bonus")])
            .await
            .status(),
        403
    );
    // Login needs its own token too.
    let res = Client::anonymous(&app.base)
        .post("/login", &[("name", "审核员甲"), ("password", PASSWORD)])
        .await;
    assert_eq!(res.status(), 403);
    let f = app.store.finding(fid).await.unwrap().unwrap();
    assert!(app
        .store
        .decision(&Identity::of(&f, PORTAL))
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn crawled_strings_come_out_escaped() {
    let app = spawn().await;
    let c = Client::login(&app.base, "观察员", PASSWORD).await;
    let fid = finding_id(&app.store, app.run_id, UNIT, 7).await;
    for path in [
        unit_path(),
        format!("/findings/{fid}"),
        format!("/evidence/{}?finding={fid}", app.page_id),
    ] {
        let body = c.text(&path).await;
        assert!(!body.contains("<script>alert"), "{path}");
        assert!(!body.contains("<img src=x onerror"), "{path}");
        assert!(body.contains("&lt;script&gt;"), "{path}");
    }
    let evidence = c
        .text(&format!("/evidence/{}?finding={fid}", app.page_id))
        .await;
    assert!(evidence.contains("<mark id=\"hit\">联系电话</mark>"));
    assert!(evidence.contains("sandbox=\"\""));
    // The page as fetched is served only under a sandbox CSP.
    let raw = c.get(&format!("/evidence/{}/raw", app.page_id)).await;
    let csp = raw.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.starts_with("sandbox;") && csp.contains("default-src 'none'"));
    assert_eq!(raw.headers()["x-content-type-options"], "nosniff");
}

async fn decide(c: &Client, fid: i64, form: &[(&str, &str)]) -> reqwest::Response {
    let page = c.text(&format!("/findings/{fid}")).await;
    let csrf = csrf_of(&page);
    let version = regex::Regex::new(r#"name="version" value="(\d+)""#)
        .unwrap()
        .captures(&page)
        .unwrap()[1]
        .to_string();
    let mut f: Vec<(&str, &str)> = form.to_vec();
    f.push(("csrf", &csrf));
    f.push(("version", &version));
    c.post(&format!("/findings/{fid}/decide"), &f).await
}

fn score_of(page: &str) -> String {
    regex::Regex::new(r#"id="score" class="score">([0-9.]+)<"#)
        .unwrap()
        .captures(page)
        .unwrap()[1]
        .to_string()
}

#[tokio::test]
async fn the_audit_log_records_each_decision_and_the_score_follows() {
    let app = spawn().await;
    let c = Client::login(&app.base, "审核员甲", PASSWORD).await;
    assert_eq!(score_of(&c.text(&unit_path()).await), "100");
    let f7 = finding_id(&app.store, app.run_id, UNIT, 7).await;
    let f13 = finding_id(&app.store, app.run_id, UNIT, 13).await;
    let f17 = finding_id(&app.store, app.run_id, UNIT, 17).await;

    assert_eq!(decide(&c, f7, &[("action", "confirm")]).await.status(), 303);
    assert_eq!(score_of(&c.text(&unit_path()).await), "99");
    // Beyond the item's 5 points: refused.
    let res = decide(
        &c,
        f13,
        &[("action", "adjust"), ("points", "6"), ("note", "多扣")],
    )
    .await;
    assert_eq!(res.status(), 400);
    let res = decide(
        &c,
        f13,
        &[
            ("action", "adjust"),
            ("points", "0.5"),
            ("note", "仅一个栏目为空"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        decide(&c, f17, &[("action", "reject")]).await.status(),
        400,
        "a reason is required"
    );
    let res = decide(&c, f17, &[("action", "reject"), ("note", "附件已有标识")]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(score_of(&c.text(&unit_path()).await), "98.5");

    for (fid, action, after) in [
        (f7, "confirm", "已确认，扣1分"),
        (f13, "adjust", "已调整，扣0.5分"),
        (f17, "reject", "已驳回"),
    ] {
        let f = app.store.finding(fid).await.unwrap().unwrap();
        let log = app
            .store
            .audit_log(PORTAL, UNIT, Some(&Identity::of(&f, PORTAL).subject()))
            .await
            .unwrap();
        assert_eq!(log.len(), 1, "{action}");
        assert_eq!(log[0].actor, "审核员甲");
        assert_eq!(log[0].action, action);
        assert!(log[0].before_state.starts_with("待审核"));
        assert_eq!(log[0].after_state, after);
        let page = c.text(&format!("/findings/{fid}")).await;
        assert!(page.contains(after), "the log is shown on the finding");
    }
    let f = app.store.finding(f13).await.unwrap().unwrap();
    let log = app
        .store
        .audit_log(PORTAL, UNIT, Some(&Identity::of(&f, PORTAL).subject()))
        .await
        .unwrap();
    assert_eq!(log[0].note, "仅一个栏目为空");

    // A penalty entered by hand (县政府办公室通报, 1 point) is logged and scored.
    let page = c.text(&unit_path()).await;
    let res = c
        .post(
            &format!("{}/entries", unit_path()),
            &[
                ("csrf", &csrf_of(&page)),
                ("kind", "penalty"),
                ("penalty_rule", "county-notice"),
                ("amount", "1"),
                ("note", "昌政办通〔2020〕3号"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let page = c.text(&unit_path()).await;
    assert_eq!(score_of(&page), "97.5");
    assert!(page.contains("昌政办通〔2020〕3号"));
    let overview = c.text("/").await;
    assert!(overview.contains("97.5"));

    // Viewers read but do not decide.
    let v = Client::login(&app.base, "观察员", PASSWORD).await;
    let page = v.text(&unit_path()).await;
    let res = v
        .post(
            &format!("/findings/{f7}/decide"),
            &[
                ("csrf", &csrf_of(&page)),
                ("action", "reject"),
                ("note", "x"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn a_concurrent_decision_is_detected() {
    let app = spawn().await;
    let a = Client::login(&app.base, "审核员甲", PASSWORD).await;
    let b = Client::login(&app.base, "审核员乙", PASSWORD).await;
    let fid = finding_id(&app.store, app.run_id, UNIT, 7).await;
    // Both open the finding (version 0).
    let pa = a.text(&format!("/findings/{fid}")).await;
    let pb = b.text(&format!("/findings/{fid}")).await;
    let res = a
        .post(
            &format!("/findings/{fid}/decide"),
            &[
                ("csrf", &csrf_of(&pa)),
                ("version", "0"),
                ("action", "confirm"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = b
        .post(
            &format!("/findings/{fid}/decide"),
            &[
                ("csrf", &csrf_of(&pb)),
                ("version", "0"),
                ("action", "reject"),
                ("note", "不同意"),
            ],
        )
        .await;
    assert_eq!(res.status(), 409);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("审核员甲"),
        "the second auditor is told who decided: {body}"
    );
    // What the second auditor typed comes back in the form, on the finding's own page.
    assert!(body.contains("id=\"conflict\""), "{body}");
    assert!(
        body.contains(
            r#"id="reject-note" required size="30" maxlength="2000" accesskey="r" value="不同意""#
        ),
        "the typed reason is kept: {body}"
    );
    let f = app.store.finding(fid).await.unwrap().unwrap();
    let d = app
        .store
        .decision(&Identity::of(&f, PORTAL))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (d.status.as_str(), d.version, d.decided_by.as_str()),
        ("confirmed", 1, "审核员甲")
    );
    assert_eq!(
        app.store
            .audit_log(PORTAL, UNIT, Some(&Identity::of(&f, PORTAL).subject()))
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn a_new_crawl_keeps_decisions_and_flags_what_is_gone() {
    let app = spawn().await;
    let c = Client::login(&app.base, "审核员甲", PASSWORD).await;
    let f7 = finding_id(&app.store, app.run_id, UNIT, 7).await;
    let f17 = finding_id(&app.store, app.run_id, UNIT, 17).await;
    assert_eq!(decide(&c, f7, &[("action", "confirm")]).await.status(), 303);
    assert_eq!(
        decide(&c, f17, &[("action", "confirm")]).await.status(),
        303
    );
    // The next run finds item 7 again but no longer the unmarked PDF.
    let (run2, _) = seed_run(&app.store, false).await;
    assert_ne!(run2, app.run_id);
    let page = c.text(&unit_path()).await;
    let new7 = finding_id(&app.store, run2, UNIT, 7).await;
    assert!(
        page.contains(&format!("id=\"f{new7}\" ")) || page.contains(&format!("id=\"f{new7}\""))
    );
    assert!(page.contains("可能已整改"));
    assert_eq!(
        score_of(&page),
        "98.5",
        "decisions still count until an auditor changes them"
    );
    let p7 = c.text(&format!("/findings/{new7}")).await;
    assert!(
        p7.contains("已确认"),
        "the decision follows the finding into the new run"
    );
    let p17 = c.text(&format!("/findings/{f17}")).await;
    assert!(p17.contains("id=\"maybe-fixed\""));
}

/// `serve` without a portal description reads the units and their classes from the description
/// the run recorded: a B-class department that annex 1 does not list is shown as B, and a unit
/// without findings is still listed.
#[tokio::test]
async fn without_a_description_the_runs_own_units_and_classes_are_shown() {
    use gongkai::config::{PortalConfig, UnitClass, UnitConfig};
    use gongkai::model::Table;
    let app = spawn().await;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut described = PortalConfig::load(&root.join("selectors/fixture.toml")).unwrap();
    described.portal.name = PORTAL.into();
    let unit = |name: &str, table, class| UnitConfig {
        name: name.into(),
        table,
        class,
        code: Some("x".into()),
        aliases: Vec::new(),
        emails: Vec::new(),
    };
    described.units = vec![
        unit(UNIT, Table::Township, None),
        unit("大田坝镇", Table::Township, None),
        unit("湾甸傣族乡", Table::Township, None),
        unit("档案馆", Table::Department, Some(UnitClass::B)),
    ];
    app.store
        .record_run_description(app.run_id, &described.recorded())
        .await
        .unwrap();
    let c = Client::login(&app.base, "审核员甲", PASSWORD).await;
    let page = c.text("/").await;
    // No findings, still listed.
    assert!(page.contains("湾甸傣族乡"), "{page}");
    // Class B as the run described it (annex 1 does not list 档案馆, which would read as A).
    let row = page
        .split("<tr")
        .find(|r| r.contains("档案馆"))
        .expect("档案馆 listed");
    assert!(row.contains("B类") && !row.contains("A类"), "{row}");
}
