//! Accounts and input limits over HTTP on loopback: the login throttle (per name and per
//! address, kept in the store, with a clock the test moves), the password page, the rules for
//! names and passwords, bounded notes and bodies, Chinese pages for axum's own rejections, and
//! `Secure` cookies with HSTS only through a trusted HTTPS proxy.

use crate::support::web_common;

use std::net::IpAddr;

use gongkai::web::{AppConfig, Application, Clock};
use web_common::*;

const T0: i64 = 1_800_000_000;

/// The login page's cookie and token, then a POST of the form with `extra` headers.
async fn attempt(
    base: &str,
    name: &str,
    password: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let c = Client::anonymous(base);
    let mut get = c.http.get(format!("{base}/login"));
    for (k, v) in extra {
        get = get.header(*k, *v);
    }
    let res = get.send().await.unwrap();
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let csrf = csrf_of(&res.text().await.unwrap());
    let mut post = c
        .http
        .post(format!("{base}/login"))
        .header("cookie", cookie)
        .form(&[("name", name), ("password", password), ("csrf", &csrf)]);
    for (k, v) in extra {
        post = post.header(*k, *v);
    }
    post.send().await.unwrap()
}

async fn status_and_text(res: reqwest::Response) -> (u16, String) {
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

fn error_of(page: &str) -> String {
    regex::Regex::new(r#"id="error">([^<]*)<"#)
        .unwrap()
        .captures(page)
        .map(|c| c[1].to_string())
        .unwrap_or_default()
}

/// Five failures of `name` on a fresh server: the messages read, the app and its clock.
async fn lock_story(name: &str) -> (Vec<String>, TestApp, Clock) {
    let clock = Clock::manual(T0);
    let app = spawn_configured(|c| c.clock = clock.clone()).await;
    let base = &app.base;
    let mut seen = Vec::new();
    let (s, page) = status_and_text(attempt(base, name, "wrong", &[]).await).await;
    assert_eq!(s, 401);
    seen.push(error_of(&page));
    // Too soon after a failure: refused without looking at the password.
    let (s, page) = status_and_text(attempt(base, name, PASSWORD, &[]).await).await;
    assert_eq!(s, 429);
    seen.push(error_of(&page));
    for wait in [1, 2, 4, 8] {
        clock.advance(wait);
        let (s, page) = status_and_text(attempt(base, name, "wrong", &[]).await).await;
        assert_eq!(s, 401, "{name} after {wait} s");
        seen.push(error_of(&page));
    }
    // Five failures: locked, the right password too.
    clock.advance(60);
    let (s, page) = status_and_text(attempt(base, name, PASSWORD, &[]).await).await;
    assert_eq!(s, 429);
    seen.push(error_of(&page));
    (seen, app, clock)
}

#[tokio::test]
async fn failed_logins_wait_longer_then_lock_the_name_for_15_minutes() {
    // The same story for an account and for a name no account has: nothing tells them apart.
    let (unknown, _, _) = lock_story("nobody").await;
    let (m, app, clock) = lock_story("审核员甲").await;
    let base = &app.base;
    assert_eq!(m, unknown, "known and unknown names read alike");
    assert_eq!(m[0], "用户名或密码错误。");
    assert_eq!(m[1], "登录尝试过于频繁，请 1 秒后再试。");
    assert_eq!(
        m[5],
        "用户名或密码错误。登录失败次数过多，已暂停登录，请 15 分钟后再试。"
    );
    assert_eq!(m[6], "登录失败次数过多，已暂停登录，请 14 分钟后再试。");

    // Another account from the same address still logs in (the address allows 20).
    Client::login(base, "审核员乙", PASSWORD).await;
    // The lock is in the store: a restarted server keeps it.
    let mut config = AppConfig::new(app.store.clone());
    config.clock = clock.clone();
    let again = Application::build(config, "127.0.0.1:0").await.unwrap();
    let base2 = format!("http://{}", again.local_addr().unwrap());
    tokio::spawn(again.run_until_stopped());
    let (s, page) = status_and_text(attempt(&base2, "审核员甲", PASSWORD, &[]).await).await;
    assert_eq!(s, 429, "{page}");
    // 15 minutes after the last failure the lock is gone, and a success clears the count.
    clock.advance(15 * 60);
    Client::login(&base2, "审核员甲", PASSWORD).await;
    let (s, _) = status_and_text(attempt(&base2, "审核员甲", "wrong", &[]).await).await;
    assert_eq!(s, 401);
    clock.advance(1);
    Client::login(&base2, "审核员甲", PASSWORD).await;

    // The lock is in the audit log of accounts, with the address.
    let log = app.store.audit_log("", "（账户）", None).await.unwrap();
    let locks: Vec<_> = log.iter().filter(|l| l.action == "login-lock").collect();
    assert_eq!(locks.len(), 1, "{log:?}");
    assert_eq!(locks[0].subject, "user:审核员甲");
    assert_eq!(locks[0].note, "来自 127.0.0.1");
}

#[tokio::test]
async fn an_address_is_locked_after_20_failures_whatever_the_names() {
    let clock = Clock::manual(T0);
    let app = spawn_configured(|c| {
        c.clock = clock.clone();
        c.trusted_proxies = vec!["127.0.0.1".parse::<IpAddr>().unwrap()];
    })
    .await;
    let guesser = [("x-forwarded-for", "203.0.113.1, 198.51.100.7")];
    for i in 0..20 {
        let (s, page) =
            status_and_text(attempt(&app.base, &format!("guess{i}"), "wrong", &guesser).await)
                .await;
        assert_eq!(s, 401, "attempt {i}: {page}");
        clock.advance(30);
    }
    let (s, page) = status_and_text(attempt(&app.base, "审核员甲", PASSWORD, &guesser).await).await;
    assert_eq!(s, 429);
    assert!(error_of(&page).contains("已暂停登录"), "{page}");
    // The first hop is the client's to write and is not the address: only the last one counts.
    let spoofed = [("x-forwarded-for", "198.51.100.8, 198.51.100.7")];
    assert_eq!(
        attempt(&app.base, "审核员甲", PASSWORD, &spoofed)
            .await
            .status(),
        429
    );
    // Another address behind the same proxy is not locked.
    let colleague = [("x-forwarded-for", "198.51.100.8")];
    assert_eq!(
        attempt(&app.base, "审核员甲", PASSWORD, &colleague)
            .await
            .status(),
        303
    );
    let log = app.store.audit_log("", "（账户）", None).await.unwrap();
    assert!(log
        .iter()
        .any(|l| l.action == "login-lock" && l.subject == "address:198.51.100.7"));
}

#[tokio::test]
async fn without_a_trusted_proxy_forwarded_headers_are_ignored() {
    let clock = Clock::manual(T0);
    let app = spawn_configured(|c| c.clock = clock.clone()).await;
    // Each attempt claims another address; all count against the socket's.
    for i in 0..20 {
        let xff = format!("198.51.100.{i}");
        let res = attempt(
            &app.base,
            &format!("g{i}"),
            "wrong",
            &[("x-forwarded-for", &xff)],
        )
        .await;
        assert_eq!(res.status(), 401);
        clock.advance(30);
    }
    let res = attempt(
        &app.base,
        "审核员甲",
        PASSWORD,
        &[("x-forwarded-for", "10.1.1.1")],
    )
    .await;
    assert_eq!(res.status(), 429);
}

#[tokio::test]
async fn a_password_change_needs_the_current_one_follows_the_rules_and_ends_other_sessions() {
    let clock = Clock::manual(T0);
    let app = spawn_configured(|c| c.clock = clock.clone()).await;
    let a = Client::login(&app.base, "审核员甲", PASSWORD).await;
    let b = Client::login(&app.base, "审核员甲", PASSWORD).await;
    let other = Client::login(&app.base, "审核员乙", PASSWORD).await;
    let page = a.text("/password").await;
    assert!(
        page.contains("密码至少 10 个字符"),
        "the rule is on the page"
    );
    assert!(a.text("/").await.contains("href=\"/password\""));
    let csrf = csrf_of(&page);
    let change = |current: &'static str, new: &'static str, again: &'static str| {
        let csrf = csrf.clone();
        let a = &a;
        async move {
            let res = a
                .post(
                    "/password",
                    &[
                        ("csrf", &csrf),
                        ("current", current),
                        ("new", new),
                        ("again", again),
                    ],
                )
                .await;
            status_and_text(res).await
        }
    };
    for (current, new, again, status, says) in [
        (
            PASSWORD,
            "新的密码 2021年",
            "新的密码 2022年",
            400,
            "两次输入的新密码不一致",
        ),
        (PASSWORD, "short 1", "short 1", 400, "密码至少 10 个字符"),
        (PASSWORD, "abcdefghijkl", "abcdefghijkl", 400, "太单一"),
        (
            PASSWORD,
            "审核员甲的密码 2021",
            "审核员甲的密码 2021",
            400,
            "与用户名相同或包含用户名",
        ),
        (PASSWORD, PASSWORD, PASSWORD, 400, "不能与当前密码相同"),
        // Counted as a failed login: the next attempt waits.
        (
            "wrong",
            "新的密码 2021年",
            "新的密码 2021年",
            400,
            "当前密码不正确",
        ),
        (
            PASSWORD,
            "新的密码 2021年",
            "新的密码 2021年",
            429,
            "请 1 秒后再试",
        ),
    ] {
        let (s, page) = change(current, new, again).await;
        assert_eq!(s, status, "{new}: {page}");
        assert!(error_of(&page).contains(says), "{new}: {page}");
    }
    // Without the form's token: refused.
    let res = a
        .post(
            "/password",
            &[
                ("current", PASSWORD),
                ("new", "新的密码 2021年"),
                ("again", "新的密码 2021年"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    clock.advance(1);
    let (s, _) = change(PASSWORD, "新的密码 2021年", "新的密码 2021年").await;
    assert_eq!(s, 303);
    assert!(a.text("/password?done=1").await.contains("密码已修改"));
    assert_eq!(a.get("/").await.status(), 200, "this session stays");
    assert_eq!(b.get("/").await.status(), 303, "the other session is ended");
    assert_eq!(
        other.get("/").await.status(),
        200,
        "other accounts keep theirs"
    );
    assert_eq!(
        attempt(&app.base, "审核员甲", PASSWORD, &[]).await.status(),
        401
    );
    // The address has two failures now (the wrong current password, the old password).
    clock.advance(2);
    Client::login(&app.base, "审核员甲", "新的密码 2021年").await;
    let log = app.store.audit_log("", "（账户）", None).await.unwrap();
    assert!(log
        .iter()
        .any(|l| l.action == "password-change" && l.actor == "审核员甲"));
}

#[tokio::test]
async fn new_names_are_normalised_and_confusable_or_invisible_ones_refused() {
    let app = spawn().await;
    let admin = Client::login(&app.base, "admin", PASSWORD).await;
    let csrf = csrf_of(&admin.text("/users").await);
    let add = |name: String, password: &'static str| {
        let csrf = csrf.clone();
        let admin = &admin;
        async move {
            let res = admin
                .post(
                    "/users",
                    &[
                        ("csrf", &csrf),
                        ("name", &name),
                        ("role", "auditor"),
                        ("password", password),
                    ],
                )
                .await;
            status_and_text(res).await
        }
    };
    let good = "审核工作 2020年";
    for (name, password, says) in [
        (
            "\u{430}dmin".to_string(),
            good,
            "与已有账户“admin”看起来相同",
        ),
        (
            "ＡＤＭＩＮ".to_string(),
            good,
            "与已有账户“admin”看起来相同",
        ),
        ("ａｄｍｉｎ".to_string(), good, "用户名“admin”已被使用"),
        ("审核\u{200B}员丙".to_string(), good, "不可见字符"),
        ("审核员\u{202E}丙".to_string(), good, "不可见字符"),
        ("审核员\n丙".to_string(), good, "不可见字符"),
        ("长".repeat(33), good, "最长 32 个字符"),
        ("   ".to_string(), good, "请填写用户名"),
        ("审核员丙".to_string(), "abcdefghijkl", "太单一"),
        ("审核员丙".to_string(), "short 1", "至少 10 个字符"),
    ] {
        let (s, page) = add(name.clone(), password).await;
        assert_eq!(s, 400, "{name:?}: {page}");
        assert!(
            error_of(&page).contains(says),
            "{name:?}: {}",
            error_of(&page)
        );
    }
    // What was typed comes back escaped into the form.
    let (_, page) = add("<b>x</b>\u{200B}".to_string(), good).await;
    assert!(
        page.contains("value=\"&lt;b&gt;x&lt;&#x2f;b&gt;") || page.contains("value=\"&lt;b&gt;"),
        "{page}"
    );
    assert_eq!(app.store.users().await.unwrap().len(), 4, "nothing added");
    let (s, _) = add("ｚｈａｎｇ ｓａｎ".to_string(), good).await;
    assert_eq!(s, 303);
    assert!(app.store.user_by_name("zhang san").await.unwrap().is_some());
    // Logging in reads the name the same way.
    Client::login(&app.base, "ｚｈａｎｇ ｓａｎ", good).await;
}

#[tokio::test]
async fn decision_notes_are_bounded_at_2000_characters() {
    let app = spawn().await;
    let c = Client::login(&app.base, "审核员甲", PASSWORD).await;
    let fid = finding_id(&app.store, app.run_id, UNIT, 17).await;
    let page = c.text(&format!("/findings/{fid}")).await;
    let csrf = csrf_of(&page);
    let post = |note: String| {
        let c = &c;
        let csrf = csrf.clone();
        async move {
            let res = c
                .post(
                    &format!("/findings/{fid}/decide"),
                    &[
                        ("csrf", &csrf),
                        ("version", "0"),
                        ("action", "reject"),
                        ("note", &note),
                    ],
                )
                .await;
            status_and_text(res).await
        }
    };
    let (s, page) = post("理".repeat(2001)).await;
    assert_eq!(s, 400);
    assert!(
        page.contains("理由不能超过 2000 字（现有 2001 字）"),
        "{page}"
    );
    let (s, _) = post("理".repeat(2000)).await;
    assert_eq!(s, 303);
}

#[tokio::test]
async fn axums_own_rejections_are_chinese_pages() {
    let app = spawn().await;
    let admin = Client::login(&app.base, "admin", PASSWORD).await;
    let anon = Client::anonymous(&app.base);
    let url = |p: &str| format!("{}{p}", app.base);
    let login_cookie = anon.get("/login").await.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let cases: Vec<(u16, &str, reqwest::RequestBuilder)> = vec![
        (404, "页面不存在", admin.http.get(url("/nowhere"))),
        (405, "不接受这种请求方式", admin.http.get(url("/logout"))),
        (405, "不接受这种请求方式", admin.http.delete(url("/users"))),
        (
            413,
            "提交的内容过大（上限 1024 KB）",
            anon.http
                .post(url("/login"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("name={}", "a".repeat(1024 * 1024 + 10))),
        ),
        (
            415,
            "提交的格式不对",
            anon.http
                .post(url("/login"))
                .header("content-type", "application/json")
                .body("{}"),
        ),
        (
            422,
            "表单内容无法识别",
            anon.http
                .post(url("/login"))
                .header("cookie", &login_cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("csrf=a&csrf=b"),
        ),
        (
            400,
            "地址或表单的格式不对",
            admin
                .http
                .post(url("/users/abc/disable"))
                .header("cookie", &admin.cookie)
                .form(&[("csrf", "x")]),
        ),
    ];
    for (status, says, req) in cases {
        let res = req.header("cookie", &admin.cookie).send().await.unwrap();
        assert_eq!(res.status().as_u16(), status, "{says}");
        let h = res.headers().clone();
        assert!(
            h["content-type"].to_str().unwrap().starts_with("text/html"),
            "{status}"
        );
        assert!(h.contains_key("content-security-policy"), "{status}");
        if status == 405 {
            assert!(h.contains_key("allow"), "the Allow header stays");
        }
        let body = res.text().await.unwrap();
        assert!(body.contains(says), "{status}: {body}");
        assert!(body.contains("<html lang=\"zh-CN\">"), "{status}: {body}");
        assert!(
            !body.contains("Failed") && !body.contains("Expected"),
            "{status}: {body}"
        );
    }
}

async fn cookie_and_hsts(base: &str, headers: &[(&str, &str)]) -> (bool, Option<String>) {
    let mut req = reqwest::Client::new().get(format!("{base}/login"));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.unwrap();
    let secure = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("; Secure");
    let hsts = res
        .headers()
        .get("strict-transport-security")
        .map(|v| v.to_str().unwrap().to_string());
    (secure, hsts)
}

#[tokio::test]
async fn secure_cookies_and_hsts_only_through_a_trusted_https_proxy() {
    let https = [("x-forwarded-proto", "https")];
    let trusting = spawn_configured(|c| {
        c.trusted_proxies = vec!["127.0.0.1".parse::<IpAddr>().unwrap()];
    })
    .await;
    assert_eq!(
        cookie_and_hsts(&trusting.base, &https).await,
        (true, Some("max-age=31536000".into()))
    );
    assert_eq!(cookie_and_hsts(&trusting.base, &[]).await, (false, None));
    assert_eq!(
        cookie_and_hsts(&trusting.base, &[("x-forwarded-proto", "http")]).await,
        (false, None)
    );
    // The session cookie too, when the login came through the proxy over HTTPS.
    let res = attempt(&trusting.base, "审核员甲", PASSWORD, &https).await;
    assert_eq!(res.status(), 303);
    let session = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("gongkai_session="))
        .unwrap();
    assert!(
        session.contains("; Secure") && session.contains("HttpOnly"),
        "{session}"
    );
    // From an address that is not the trusted proxy the header means nothing.
    let other = spawn_configured(|c| {
        c.trusted_proxies = vec!["10.9.9.9".parse::<IpAddr>().unwrap()];
    })
    .await;
    assert_eq!(cookie_and_hsts(&other.base, &https).await, (false, None));
    let none = spawn().await;
    assert_eq!(cookie_and_hsts(&none.base, &https).await, (false, None));
}

#[tokio::test]
async fn a_burst_of_parallel_guesses_is_counted_one_by_one() {
    let clock = Clock::manual(T0);
    let app = spawn_configured(|c| c.clock = clock.clone()).await;
    let guesses = (0..10).map(|i| {
        let base = app.base.clone();
        async move {
            attempt(&base, "审核员甲", &format!("guess {i}"), &[])
                .await
                .status()
                .as_u16()
        }
    });
    let mut statuses = futures::future::join_all(guesses).await;
    statuses.sort();
    // One password was checked; the other nine were refused for the wait it started.
    assert_eq!(statuses, [401, 429, 429, 429, 429, 429, 429, 429, 429, 429]);
    let f = app
        .store
        .login_failures("account:审核员甲")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(f.failures, 1);
}
