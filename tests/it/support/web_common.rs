//! Shared by the web tests: a seeded store and the real app on a free loopback port.
#![allow(dead_code)]

use std::time::Duration;

use gongkai::model::{Evidence, Finding, FindingKind, FindingStatus, Section, Table};
use gongkai::review::{hash_password, Role};
use gongkai::store::{PageKind, PageRecord, RunStats, RunStatus, Store};
use gongkai::web::{AppConfig, Application};

pub const PASSWORD: &str = "correct horse 1";
pub const UNIT: &str = "田园镇";
/// The portal name the seeded runs carry.
pub const PORTAL: &str = "changning";
pub const XSS_TITLE: &str = "<script>alert('x')</script><img src=x onerror=alert(1)>";

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub dir: tempfile::TempDir,
    pub page_id: i64,
    pub run_id: i64,
}

pub fn finding(
    unit: &str,
    item: u32,
    points: f64,
    reason: &str,
    key: &str,
    detail: &str,
    page_id: Option<i64>,
) -> Finding {
    Finding {
        unit: unit.to_string(),
        table: Table::Township,
        section: Section::Item,
        item,
        points: gongkai::model::Centi::from_points(points),
        kind: FindingKind::Deduction,
        reason: reason.parse().unwrap(),
        detail: detail.to_string(),
        evidence: vec![Evidence {
            url: format!("http://portal.example/{key}.html?t={XSS_TITLE}"),
            excerpt: "联系电话".to_string(),
            page_id,
        }],
        status: FindingStatus::Draft,
        key: key.to_string(),
        id: None,
        run_id: None,
        decision: None,
    }
}

/// The findings of a run: three for 田园镇 (items 7, 13, 17), one for 大田坝镇.
pub fn findings(page_id: i64) -> (Vec<Finding>, Vec<Finding>) {
    (
        vec![
            finding(
                UNIT,
                7,
                1.0,
                "guide_missing",
                "guide",
                &format!("公开指南缺少要素：{XSS_TITLE}"),
                Some(page_id),
            ),
            finding(
                UNIT,
                13,
                1.0,
                "empty_columns",
                "columns",
                "存在空白栏目 2 个",
                Some(page_id),
            ),
            finding(
                UNIT,
                17,
                0.5,
                "pdf_unmarked",
                "http://portal.example/a.pdf",
                "PDF 无公开属性标识",
                Some(page_id),
            ),
        ],
        vec![finding(
            "大田坝镇",
            7,
            5.0,
            "guide_missing",
            "guide",
            "没有公开指南",
            None,
        )],
    )
}

pub async fn seed_run(store: &Store, with_pdf_finding: bool) -> (i64, i64) {
    let run = store
        .create_run(
            PORTAL,
            "selectors/changning.toml",
            "http://portal.example/",
            2020,
            "2020-12-31",
        )
        .await
        .unwrap();
    let body = format!(
        "<html><head><title>{XSS_TITLE}</title><script>alert('boom')</script></head>\
         <body><h1>政府信息公开指南</h1><p>办公地址：某街1号</p><p>联系电话：0875-1234567</p>\
         <img src=x onerror=alert(3)></body></html>"
    );
    let page_id = store
        .record_page(
            run,
            &PageRecord {
                url: "http://portal.example/guide.html".into(),
                kind: Some(PageKind::Document),
                unit: Some(UNIT.into()),
                status: 200,
                content_type: Some("text/html; charset=utf-8".into()),
                encoding: Some("utf-8".into()),
                body: Some(body.into_bytes().into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let (mut a, b) = findings(page_id);
    if !with_pdf_finding {
        a.retain(|f| f.item != 17);
    }
    store.replace_findings(run, UNIT, &a).await.unwrap();
    store.replace_findings(run, "大田坝镇", &b).await.unwrap();
    store
        .finish_run(run, RunStatus::Complete, RunStats::default())
        .await
        .unwrap();
    (run, page_id)
}

pub async fn spawn_with(ttl: Duration) -> TestApp {
    spawn_configured(|c| c.session_ttl = ttl).await
}

/// The app with the test defaults (50 ms pause after a failed login), then `configure`.
pub async fn spawn_configured(configure: impl FnOnce(&mut AppConfig)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}/t.db", dir.path().display()))
        .await
        .unwrap();
    let (run_id, page_id) = seed_run(&store, true).await;
    let hash = hash_password(PASSWORD);
    for (name, role) in [
        ("审核员甲", Role::Auditor),
        ("审核员乙", Role::Auditor),
        ("观察员", Role::Viewer),
        ("admin", Role::Admin),
    ] {
        store.add_user(name, role, &hash).await.unwrap();
    }
    let mut config = AppConfig::new(store.clone());
    config.login_delay = Duration::from_millis(50);
    configure(&mut config);
    let app = Application::build(config, "127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", app.local_addr().unwrap());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        base,
        store,
        dir,
        page_id,
        run_id,
    }
}

pub async fn spawn() -> TestApp {
    spawn_with(Duration::from_secs(3600)).await
}

/// An HTTP client that follows no redirects and carries one session cookie by hand.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub cookie: String,
}

pub fn csrf_of(html: &str) -> String {
    let re = regex::Regex::new(r#"name="csrf" value="([0-9a-f]+)""#).unwrap();
    re.captures(html).expect("a form with a CSRF token")[1].to_string()
}

fn cookie_of(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(k, v)| format!("{k}={v}"))
}

impl Client {
    pub fn anonymous(base: &str) -> Client {
        Client {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: base.to_string(),
            cookie: String::new(),
        }
    }

    pub async fn login(base: &str, name: &str, password: &str) -> Client {
        let mut c = Client::anonymous(base);
        let res = c.get("/login").await;
        let login_cookie = cookie_of(&res, "gongkai_login").unwrap();
        let csrf = csrf_of(&res.text().await.unwrap());
        let res = c
            .http
            .post(format!("{base}/login"))
            .header("cookie", login_cookie)
            .form(&[("name", name), ("password", password), ("csrf", &csrf)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "login of {name}");
        c.cookie = cookie_of(&res, "gongkai_session").expect("a session cookie");
        c
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap()
    }

    pub async fn text(&self, path: &str) -> String {
        let res = self.get(path).await;
        assert_eq!(res.status(), 200, "GET {path}");
        res.text().await.unwrap()
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .form(form)
            .send()
            .await
            .unwrap()
    }
}

/// The finding ids of a unit in a run, by item.
pub async fn finding_id(store: &Store, run: i64, unit: &str, item: u32) -> i64 {
    store
        .findings(run)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.unit == unit && f.item == item)
        .and_then(|f| f.id)
        .unwrap()
}
