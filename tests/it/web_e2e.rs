//! End to end: a real headless Chromium, driven over WebDriver by `chromedriver`, logs in, opens
//! a unit, confirms, adjusts and rejects findings, sees the score change, logs out and finds the
//! pages closed. Saves a screenshot of the unit page to `target/test-output/web_e2e_unit.png`.
//!
//! Skips (with a message) only when `/usr/bin/chromedriver` is absent; `scripts/install-deps.sh`
//! installs it.

use crate::support::web_common;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};
use web_common::*;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A minimal W3C WebDriver client (enough for this test; no extra dependency).
struct Browser {
    http: reqwest::Client,
    session: String,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

struct Driver(Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Browser {
    async fn start() -> Browser {
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Driver(child, port);
        let http = reqwest::Client::new();
        let profile = tempfile::tempdir().unwrap();
        let mut last = String::new();
        for _ in 0..100 {
            match http
                .get(format!("http://127.0.0.1:{port}/status"))
                .send()
                .await
            {
                Ok(r) if r.status().is_success() => break,
                Ok(r) => last = r.status().to_string(),
                Err(e) => last = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1400,1600",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([format!("--user-data-dir={}", profile.path().display())])
        .collect::<Vec<_>>();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args}
        }}});
        let res = post(&http, &format!("http://127.0.0.1:{port}/session"), &caps).await;
        let session = res["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session ({last}): {res}"))
            .to_string();
        Browser {
            http,
            session,
            _driver: driver,
            _profile: profile,
        }
    }

    fn url(&self, path: &str) -> String {
        format!(
            "http://127.0.0.1:{}/session/{}{path}",
            self._driver.1, self.session
        )
    }

    async fn cmd(&self, path: &str, body: Value) -> Value {
        let v = post(&self.http, &self.url(path), &body).await;
        assert!(v["value"].get("error").is_none(), "WebDriver {path}: {v}");
        v["value"].clone()
    }

    async fn get(&self, path: &str) -> Value {
        let text = self
            .http
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        v["value"].clone()
    }

    async fn goto(&self, url: &str) {
        self.cmd("/url", json!({"url": url})).await;
    }

    async fn find(&self, css: &str) -> String {
        let v = self
            .cmd("/element", json!({"using": "css selector", "value": css}))
            .await;
        v.as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn click(&self, css: &str) {
        let id = self.find(css).await;
        self.cmd(&format!("/element/{id}/click"), json!({})).await;
    }

    /// Presses and releases one key on the page (not in a field).
    async fn press(&self, key: &str) {
        self.cmd(
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
                {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]}]}),
        )
        .await;
    }

    async fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.cmd(&format!("/element/{id}/value"), json!({"text": text}))
            .await;
    }

    async fn text_of(&self, css: &str) -> String {
        let id = self.find(css).await;
        self.get(&format!("/element/{id}/text"))
            .await
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn current_url(&self) -> String {
        self.get("/url").await.as_str().unwrap().to_string()
    }

    /// Waits (up to 10 s) for the browser to arrive at a URL that satisfies `ok`.
    async fn wait_url(&self, ok: impl Fn(&str) -> bool) -> String {
        let mut url = String::new();
        for _ in 0..100 {
            url = self.current_url().await;
            if ok(&url) {
                return url;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the browser stayed at {url}");
    }

    async fn screenshot(&self) -> Vec<u8> {
        let b64 = self.get("/screenshot").await.as_str().unwrap().to_string();
        // Tiny base64 decoder (standard alphabet) to avoid a dependency.
        let mut out = Vec::new();
        let mut buf = 0u32;
        let mut bits = 0;
        for c in b64.bytes().filter(|c| *c != b'=') {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => continue,
            };
            buf = (buf << 6) | u32::from(v);
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((buf >> bits) as u8);
            }
        }
        out
    }

    async fn quit(&self) {
        let _ = self.http.delete(self.url("")).send().await;
    }
}

async fn post(http: &reqwest::Client, url: &str, body: &Value) -> Value {
    let text = http
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("WebDriver answered {text}"))
}

fn output_dir() -> std::path::PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("test-output");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auditor_reviews_a_unit_in_a_real_browser() {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        eprintln!("SKIPPED: {CHROMEDRIVER} is absent (install chromium and chromium-driver with scripts/install-deps.sh)");
        return;
    }
    let app = spawn().await;
    let b = Browser::start().await;
    let base = &app.base;

    b.goto(&format!("{base}/")).await;
    assert!(
        b.current_url().await.ends_with("/login"),
        "pages are closed before login"
    );
    b.type_into("#name", "审核员甲").await;
    b.type_into("#password", PASSWORD).await;
    b.click("#login").await;
    b.wait_url(|u| u == format!("{base}/")).await;

    b.click("a.unit-link[href$='%E9%95%87']").await; // the first unit ending in 镇
    let unit_url = b.wait_url(|u| u.contains("/units/")).await;
    let unit_url = if unit_url.contains("%E7%94%B0%E5%9B%AD") {
        unit_url
    } else {
        // Open 田园镇 directly if the first link was another township.
        let u = format!("{base}/units/%E7%94%B0%E5%9B%AD%E9%95%87");
        b.goto(&u).await;
        u
    };
    assert_eq!(b.text_of("#score").await, "100");

    let f7 = finding_id(&app.store, app.run_id, UNIT, 7).await;
    let f13 = finding_id(&app.store, app.run_id, UNIT, 13).await;
    let f17 = finding_id(&app.store, app.run_id, UNIT, 17).await;

    b.click(&format!("a.finding-link[href='/findings/{f7}']"))
        .await;
    // The keyboard: "c" confirms (the shortcuts' script is this server's, allowed by the CSP).
    b.press("c").await;
    // After a decision the next open draft opens, saying what was saved.
    b.wait_url(|u| u.contains("/findings/") && u.contains("done="))
        .await;
    assert!(b.text_of("#message").await.contains("已确认"));
    b.goto(&unit_url).await;
    assert_eq!(b.text_of("#score").await, "99");

    b.click(&format!("a.finding-link[href='/findings/{f13}']"))
        .await;
    b.type_into("#adjust-points", "0.5").await;
    b.type_into("#adjust-note", "仅一个栏目为空").await;
    b.click("#adjust").await;
    b.wait_url(|u| u.contains("done=")).await;
    b.goto(&unit_url).await;
    assert_eq!(b.text_of("#score").await, "98.5");

    b.click(&format!("a.finding-link[href='/findings/{f17}']"))
        .await;
    b.type_into("#reject-note", "附件已有公开属性标识").await;
    b.click("#reject").await;
    b.wait_url(|u| u.contains("done=")).await;
    b.goto(&unit_url).await;
    assert_eq!(b.text_of("#score").await, "98.5");
    let status = b.text_of(&format!("#f{f17} .badge")).await;
    assert_eq!(status, "已驳回");

    let png = b.screenshot().await;
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    let shot = output_dir().join("web_e2e_unit.png");
    std::fs::write(&shot, png).unwrap();
    eprintln!("screenshot: {}", shot.display());

    b.click("#logout").await;
    b.wait_url(|u| u.ends_with("/login")).await;
    b.goto(&unit_url).await;
    assert!(
        b.current_url().await.ends_with("/login"),
        "pages are closed after logout"
    );
    b.goto(&format!("{base}/evidence/{}/raw", app.page_id))
        .await;
    assert!(
        b.current_url().await.ends_with("/login"),
        "evidence is closed after logout"
    );
    b.quit().await;
}
