//! 链接可用性 end to end: a crawl of a small portal on loopback whose home and column pages carry
//! planted links (a 404, a 500, a page slower than the timeout, redirects to a 200 and to a 404,
//! pages the crawl fetched itself, duplicates, script and mail links) and links to a second
//! loopback host (a working page, a missing one, one that refuses HEAD). The run checks each
//! link once, politely, stores what it found, and the indicator reads it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use chrono::NaiveDate;
use gongkai::audit::{
    crawl, enqueue, work, CrawlOptions, CrawlSummary, EnqueueOptions, WorkerOptions,
};
use gongkai::config::PortalConfig;
use gongkai::indicators::links::CheckedBy;
use gongkai::indicators::{day, Verdict};
use gongkai::store::{RunStatus, Store};
use serde_json::json;

use crate::support::pg_common::{root, PgDb};

/// One request a test server answered.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    user_agent: Option<String>,
    at: Instant,
}

type Log = Arc<Mutex<Vec<Seen>>>;

/// A test server on a free loopback port: `answer` gives each request's response.
async fn serve<F>(answer: F) -> (String, Log)
where
    F: Fn(&Method, &str) -> Response + Clone + Send + Sync + 'static,
{
    let log: Log = Arc::default();
    let seen = Arc::clone(&log);
    let app = Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap| {
        let answer = answer.clone();
        let seen = Arc::clone(&seen);
        async move {
            seen.lock().unwrap().push(Seen {
                method: method.to_string(),
                path: uri.path().to_string(),
                user_agent: headers
                    .get(header::USER_AGENT)
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
                at: Instant::now(),
            });
            // Slower than the check's 1 s timeout.
            if uri.path() == "/slow.htm" {
                tokio::time::sleep(Duration::from_secs(3)).await;
            }
            answer(&method, uri.path())
        }
    });
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", tcp.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(tcp, app).await;
    });
    (base, log)
}

fn html(body: String) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        format!("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>页面</title></head><body>{body}</body></html>"),
    )
        .into_response()
}

fn status(code: u16) -> Response {
    (StatusCode::from_u16(code).unwrap(), "状态").into_response()
}

fn redirect(to: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, to.to_string())]).into_response()
}

/// The other host: a working page, a missing one, and one that answers HEAD with 405.
async fn off_site() -> (String, Log) {
    serve(|method: &Method, path: &str| match path {
        "/ok.htm" => html("省政府".into()),
        "/head405.htm" if method == Method::HEAD => status(405),
        "/head405.htm" => html("不支持 HEAD".into()),
        _ => status(404),
    })
    .await
}

/// The portal: a platform home, one unit with a column that lists one document and a column
/// that is gone, the site home at `/index.htm` holding `home_links` and the list column
/// holding `column_links`, and the pages those links lead to.
async fn portal(home_links: String, column_links: String) -> (String, Log) {
    serve(move |_: &Method, path: &str| match path {
        "/zfxxgkpt.htm" => html(
            r#"<ul class="unit-list"><li><a href="/bmym/tyz/zfxxgkpt.htm">田园镇</a></li></ul>"#
                .into(),
        ),
        "/index.htm" => html(home_links.clone()),
        "/bmym/tyz/zfxxgkpt.htm" => html(
            r#"<ul class="zfxxgk-tree">
                 <li><a href="/bmym/tyz/zfxxgkpt/gzdt.htm">工作动态</a></li>
                 <li><a href="/bmym/tyz/zfxxgkpt/tzgg.htm">通知公告</a></li>
               </ul><div class="zfxxgk-right"><p>田园镇</p></div>"#
                .into(),
        ),
        "/bmym/tyz/zfxxgkpt/gzdt.htm" => html(format!(
            r#"<div class="zfxxgk-right"><ul class="news-list">
                 <li><a href="/info/1/1.htm" title="田园镇召开会议">田园镇召开会议</a><span class="date">2020-11-20</span></li>
               </ul></div><div class="links">{column_links}</div>"#
        )),
        "/info/1/1.htm" => html(
            r#"<h1 class="article-title">田园镇召开会议</h1><div id="vsb_content">会议内容</div>"#
                .into(),
        ),
        "/hdjl/zxts.htm" => html(r#"<table class="msg-table"></table>"#.into()),
        "/slow.htm" | "/target.htm" | "/a1.htm" | "/a2.htm" | "/a3.htm" | "/a4.htm"
        | "/a5.htm" => html("页面".into()),
        "/error.htm" => status(500),
        "/moved-ok.htm" => redirect("/target.htm"),
        "/moved-gone.htm" => redirect("/gone2.htm"),
        _ => status(404),
    })
    .await
}

/// The fixture county's description with one unit, pointed at `base`, with `indicators`.
fn description(base: &str, indicators: &str) -> PortalConfig {
    let path = root().join("selectors/fixture.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let (head, _) = text.split_once("[[units]]").unwrap();
    // The description's own [indicators] table is replaced by the test's.
    let (before, after) = head.split_once("[indicators]").unwrap();
    let head = format!("{before}{}", &after[after.find("\n[").unwrap() + 1..]);
    let text = format!(
        "{head}[[units]]\nname = \"田园镇\"\ntable = \"township\"\ncode = \"tyz\"\n\n[indicators]\nhome_path = \"/index.htm\"\n{indicators}"
    );
    let mut config = PortalConfig::parse(&text, &path).unwrap();
    config.portal.base_url = base.parse().unwrap();
    config
}

fn check_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 12, 15).unwrap()
}

async fn crawl_once(store: &Store, config: &PortalConfig) -> CrawlSummary {
    let mut opts = CrawlOptions::new(config.clone(), "selectors/fixture.toml", check_day());
    opts.check_links = true;
    crawl(store, opts, &|_| {}).await.expect("crawl")
}

/// The methods each path was asked with, in order.
fn by_path(log: &Log) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in log.lock().unwrap().iter() {
        out.entry(s.path.clone())
            .or_default()
            .push(s.method.clone());
    }
    out
}

/// The planted links of the home page and of the list column, `off` the other host.
fn planted(off: &str) -> (String, String) {
    let home_links = format!(
        r##"<a href="#top">回到顶部</a>
        <a href="javascript:void(0)">打印本页</a>
        <a href="mailto:zfb@example.gov.cn">来信</a>
        <a href="tel:0875-1234567">电话</a>
        <a href="/gone.htm">失效页面</a>
        <a href="/gone.htm#p2">失效页面（重复）</a>
        <a href="/error.htm">出错页面</a>
        <a href="/slow.htm">很慢的页面</a>
        <a href="/moved-ok.htm">已搬迁</a>
        <a href="/moved-gone.htm">搬迁后失效</a>
        <a href="/bmym/tyz/zfxxgkpt.htm">田园镇</a>
        <a href="/bmym/tyz/zfxxgkpt/tzgg.htm">通知公告</a>
        <a href="{off}/ok.htm">省政府网站</a>
        <a href="{off}/missing.htm">已撤销的站外页面</a>
        <a href="{off}/head405.htm">不支持HEAD的站外页面</a>
        <a href="{off}/ok.htm">省政府网站（重复）</a>"##
    );
    let column_links = format!(
        r#"<a href="/gone.htm">失效页面</a><a href="{off}/missing.htm">站外失效</a>
        <a href="/index.htm">首页</a><a href="/old/notice.htm">旧通知</a>"#
    );
    (home_links, column_links)
}

/// The planted scenario on `store`: crawled, checked, stored, judged, asserted exactly.
async fn planted_links_are_checked_once_each(store: Store) {
    let (off, off_log) = off_site().await;
    let (home_links, column_links) = planted(&off);
    let (base, log) = portal(home_links, column_links).await;
    let config = description(&base, "link_timeout_secs = 1\noff_site_rate_per_sec = 5\n");
    let summary = crawl_once(&store, &config).await;
    // The crawl's own dead column makes the run partial; broken links do not.
    assert_eq!(summary.status, RunStatus::Partial, "{summary:?}");
    assert_eq!(summary.errors, 1, "{summary:?}");
    let links = summary.links.clone().expect("links checked");
    assert_eq!(
        (links.pages, links.links, links.checked, links.broken),
        (3, 13, 13, 7),
        "{links:?}"
    );
    assert_eq!(
        (links.unchecked, links.off_site_checked),
        (0, 3),
        "{links:?}"
    );
    assert!(links.problems.is_empty(), "{links:?}");

    // Each link was asked once, HEAD first; a GET only where the HEAD answered 405; the 500
    // once more after the retry delay (a timeout is not retried); nothing the crawl fetched was
    // asked again; script, mail and phone links were not asked at all.
    let asked = by_path(&log);
    assert_eq!(
        asked.get("/error.htm"),
        Some(&vec!["HEAD".to_string(), "HEAD".to_string()]),
        "{asked:?}"
    );
    let error_asked: Vec<_> = log
        .lock()
        .unwrap()
        .iter()
        .filter(|s| s.path == "/error.htm")
        .map(|s| s.at)
        .collect();
    assert!(
        error_asked[1].duration_since(error_asked[0]) >= gongkai::links::check::RETRY_DELAY,
        "{error_asked:?}"
    );
    for path in [
        "/gone.htm",
        "/slow.htm",
        "/moved-ok.htm",
        "/target.htm",
        "/moved-gone.htm",
        "/gone2.htm",
        "/old/notice.htm",
    ] {
        assert_eq!(
            asked.get(path),
            Some(&vec!["HEAD".to_string()]),
            "{path}: {asked:?}"
        );
    }
    for path in [
        "/index.htm",
        "/bmym/tyz/zfxxgkpt.htm",
        "/bmym/tyz/zfxxgkpt/tzgg.htm",
        "/zfxxgkpt.htm",
    ] {
        assert_eq!(
            asked.get(path),
            Some(&vec!["GET".to_string()]),
            "{path}: {asked:?}"
        );
    }
    assert_eq!(
        asked.get("/info/1/1.htm").map(Vec::len),
        Some(1),
        "{asked:?}"
    );
    let off_asked = by_path(&off_log);
    assert_eq!(
        off_asked,
        BTreeMap::from([
            ("/ok.htm".to_string(), vec!["HEAD".to_string()]),
            ("/missing.htm".to_string(), vec!["HEAD".to_string()]),
            (
                "/head405.htm".to_string(),
                vec!["HEAD".to_string(), "GET".to_string()]
            ),
        ])
    );
    // The other host hears the crawler's name, at most 5 requests a second.
    let off_seen = off_log.lock().unwrap().clone();
    assert!(off_seen
        .iter()
        .all(|s| s.user_agent.as_deref() == Some(config.crawl.user_agent.trim())));
    for pair in off_seen.windows(2) {
        let gap = pair[1].at.duration_since(pair[0].at);
        assert!(gap >= Duration::from_millis(150), "{gap:?}: {off_seen:?}");
    }
    // The run's requests to the portal count the check's too.
    assert_eq!(summary.requests as usize, log.lock().unwrap().len());

    // What was stored, link by link.
    let (run, stored) = store.link_check(summary.run_id).await.unwrap().unwrap();
    assert_eq!((run.pages, run.links, run.limit), (3, 13, 2000));
    let rows: Vec<_> = stored
        .iter()
        .map(|l| {
            (
                l.url.replace(&base, "P").replace(&off, "O"),
                l.checked_by,
                l.status,
                l.broken,
                l.error.clone(),
                l.final_url.as_ref().map(|u| u.replace(&base, "P")),
                l.source_count,
                l.off_site,
                l.on_home,
                l.sources[0].text.clone(),
            )
        })
        .collect();
    use CheckedBy::{Crawl, Get, Head};
    type Row<'a> = (
        &'a str,
        CheckedBy,
        Option<u16>,
        bool,
        Option<&'a str>,
        Option<&'a str>,
        usize,
        bool,
        bool,
        &'a str,
    );
    // url, checked by, status, broken, error, final URL, pages carrying it, off site, on a home
    // page, the first page's link text.
    #[rustfmt::skip]
    let expected: Vec<Row> = vec![
        ("P/gone.htm", Head, Some(404), true, None, None, 2, false, true, "失效页面"),
        ("P/error.htm", Head, Some(500), true, Some("服务器返回 500（2 秒后重试一次，仍然失败）"), None, 1, false, true, "出错页面"),
        ("P/slow.htm", Head, None, true, Some("1 秒内无响应（超时）"), None, 1, false, true, "很慢的页面"),
        ("P/moved-ok.htm", Head, Some(200), false, None, Some("P/target.htm"), 1, false, true, "已搬迁"),
        ("P/moved-gone.htm", Head, Some(404), true, None, Some("P/gone2.htm"), 1, false, true, "搬迁后失效"),
        ("P/bmym/tyz/zfxxgkpt.htm", Crawl, Some(200), false, None, None, 2, false, true, "田园镇"),
        ("P/bmym/tyz/zfxxgkpt/tzgg.htm", Crawl, Some(404), true, None, None, 1, false, true, "通知公告"),
        ("O/ok.htm", Head, Some(200), false, None, None, 1, true, true, "省政府网站"),
        ("O/missing.htm", Head, Some(404), true, None, None, 2, true, true, "已撤销的站外页面"),
        ("O/head405.htm", Get, Some(200), false, None, None, 1, true, true, "不支持HEAD的站外页面"),
        ("P/info/1/1.htm", Head, Some(200), false, None, None, 1, false, false, "田园镇召开会议"),
        ("P/index.htm", Crawl, Some(200), false, None, None, 1, false, false, "首页"),
        ("P/old/notice.htm", Head, Some(404), true, None, None, 1, false, false, "旧通知"),
    ];
    let rows: Vec<Row> = rows
        .iter()
        .map(|r| {
            (
                r.0.as_str(),
                r.1,
                r.2,
                r.3,
                r.4.as_deref(),
                r.5.as_deref(),
                r.6,
                r.7,
                r.8,
                r.9.as_str(),
            )
        })
        .collect();
    assert_eq!(rows, expected);

    // The indicator, exactly.
    let page = |path: &str| {
        let store = store.clone();
        let url = format!("{base}{path}");
        async move { store.page_id(summary.run_id, &url).await.unwrap().unwrap() }
    };
    let (home, column) = (
        page("/index.htm").await,
        page("/bmym/tyz/zfxxgkpt/gzdt.htm").await,
    );
    let report = day::judge_day(&store, &config.portal.name, check_day(), &config.indicators)
        .await
        .unwrap();
    assert!(!report.vetoed, "a deduction is not a veto");
    let indicator = report
        .indicators
        .iter()
        .find(|i| i.code == "broken_links")
        .unwrap();
    assert_eq!(indicator.verdict, Verdict::Deduct);
    let ev = |url: String, excerpt: String, page_id: i64| json!({ "url": url, "excerpt": excerpt, "page_id": page_id });
    let on_home = format!("{base}/index.htm");
    assert_eq!(
        serde_json::to_value(indicator).unwrap(),
        json!({
            "code": "broken_links",
            "name": "链接可用性",
            "scope": "site",
            "text": "首页和栏目页面上的链接（含站外链接）不能正常打开（返回 4xx/5xx、1秒内无响应、无法连接）的，每发现一个扣分；扣分指标，不单项否决",
            "verdict": "deduct",
            "decision": null,
            "summary": "3 个页面上共 13 个链接，检查 13 个（站外 3 个），失效 7 个（其中首页上 6 个）",
            "figures": [
                { "key": "pages", "label": "检查的页面", "value": 3 },
                { "key": "links", "label": "发现的链接", "value": 13 },
                { "key": "checked", "label": "已检查", "value": 13 },
                { "key": "broken", "label": "失效链接", "value": 7 },
                { "key": "unchecked", "label": "未检查", "value": 0 },
                { "key": "off_site_checked", "label": "已检查的站外链接", "value": 3 },
                { "key": "broken_on_home", "label": "首页上的失效链接", "value": 6 },
                { "key": "reused", "label": "沿用本次抓取结果", "value": 3 },
                { "key": "limit", "label": "每次检查上限", "value": 2000 },
            ],
            "evidence": [
                ev(format!("{base}/gone.htm"), format!("“失效页面”（所在页面 {on_home} 等 2 个页面）：服务器返回 404"), home),
                ev(format!("{base}/error.htm"), format!("“出错页面”（所在页面 {on_home}）：服务器返回 500（2 秒后重试一次，仍然失败）"), home),
                ev(format!("{base}/slow.htm"), format!("“很慢的页面”（所在页面 {on_home}）：1 秒内无响应（超时）"), home),
                ev(format!("{base}/moved-gone.htm"), format!("“搬迁后失效”（所在页面 {on_home}）：重定向至 {base}/gone2.htm 后服务器返回 404"), home),
                ev(format!("{base}/bmym/tyz/zfxxgkpt/tzgg.htm"), format!("“通知公告”（所在页面 {on_home}）：服务器返回 404"), home),
                ev(format!("{off}/missing.htm"), format!("“已撤销的站外页面”（所在页面 {on_home} 等 2 个页面）：服务器返回 404"), home),
                ev(format!("{base}/old/notice.htm"), format!("“旧通知”（所在页面 {base}/bmym/tyz/zfxxgkpt/gzdt.htm）：服务器返回 404"), column),
            ],
            "questions": [],
        })
    );
    // Stored with the day's other verdicts.
    let verdicts = store
        .verdicts(&config.portal.name, check_day())
        .await
        .unwrap();
    assert!(verdicts
        .iter()
        .any(|(code, _, v, _)| code == "broken_links" && v == "deduct"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planted_links_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("l.db").display()))
        .await
        .unwrap();
    planted_links_are_checked_once_each(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planted_links_on_postgresql() {
    let Some(pg) = PgDb::fresh("links_planted").await else {
        return;
    };
    let store = Store::connect(&pg.url).await.unwrap();
    planted_links_are_checked_once_each(store.clone()).await;
    store.close().await;
    pg.drop_now().await;
}

/// Over `link_limit`, the rest are not checked: a question naming how many, never a pass, and
/// no request for them (the home's five links come first, then the column's document link).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_over_the_limit_are_a_question() {
    let home_links = (1..=5)
        .map(|i| format!(r#"<a href="/a{i}.htm">页面{i}</a>"#))
        .collect::<String>();
    let (base, log) = portal(home_links, String::new()).await;
    let config = description(&base, "link_limit = 2\n");
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("l.db").display()))
        .await
        .unwrap();
    let summary = crawl_once(&store, &config).await;
    let asked = by_path(&log);
    let checked: Vec<&str> = ["/a1.htm", "/a2.htm", "/a3.htm", "/a4.htm", "/a5.htm"]
        .into_iter()
        .filter(|p| asked.contains_key(*p))
        .collect();
    assert_eq!(checked, ["/a1.htm", "/a2.htm"], "{asked:?}");
    let report = day::judge_day(&store, &config.portal.name, check_day(), &config.indicators)
        .await
        .unwrap();
    let indicator = report
        .indicators
        .iter()
        .find(|i| i.code == "broken_links")
        .unwrap();
    assert_eq!(indicator.verdict, Verdict::Question, "{indicator:?}");
    assert_eq!(
        indicator.questions,
        ["4 个链接超出每次检查上限（indicators.link_limit = 2），未检查"]
    );
    let figure = |key: &str| {
        indicator
            .figures
            .iter()
            .find(|f| f.key == key)
            .unwrap()
            .value
            .clone()
    };
    assert_eq!(figure("unchecked"), 4);
    assert_eq!(figure("broken"), 0);
    assert_eq!(summary.links.unwrap().unchecked, 4);
    // The table says so too.
    assert!(report.table().contains("待核查：4 个链接超出每次检查上限"));
}

/// `/indicators` lists the broken links with the pages that carry them, escaped.
#[tokio::test]
async fn the_indicators_page_lists_broken_links_escaped() {
    use crate::support::web_common::{spawn_configured, Client, PASSWORD};
    use gongkai::indicators::links::{LinkRecord, LinkRun, LinkSource};
    let config = PortalConfig::load(&root().join("selectors/fixture.toml")).unwrap();
    let portal = config.portal.name.clone();
    let app = spawn_configured(move |c| c.portal = Some(config)).await;
    let run = app
        .store
        .create_run(
            &portal,
            "selectors/fixture.toml",
            "http://portal.example/",
            2020,
            "2020-11-30",
        )
        .await
        .unwrap();
    app.store
        .finish_run(run, RunStatus::Complete, Default::default())
        .await
        .unwrap();
    let hostile = "<script>alert(1)</script>";
    let now = chrono::Utc::now();
    let link = LinkRecord {
        url: format!("http://other.example/x?a=1&b={hostile}"),
        off_site: true,
        on_home: true,
        sources: vec![LinkSource {
            url: "http://portal.example/index.htm".into(),
            text: format!("友情链接{hostile}"),
            page_id: Some(app.page_id),
        }],
        source_count: 3,
        checked_by: CheckedBy::Head,
        status: Some(404),
        final_url: None,
        error: None,
        broken: true,
        checked_at: now,
    };
    let fine = LinkRecord {
        url: "http://portal.example/ok.htm".into(),
        broken: false,
        status: Some(200),
        ..link.clone()
    };
    app.store
        .save_link_check(
            &LinkRun {
                run_id: run,
                pages: 1,
                links: 2,
                limit: 2000,
                problems: vec![],
                started_at: now,
                finished_at: now,
            },
            &[link, fine],
        )
        .await
        .unwrap();
    let a = Client::login(&app.base, "审核员甲", PASSWORD).await;
    // The page reads the stored judgement of the day: judge it first.
    let page = a.text("/indicators?date=2020-11-30").await;
    let res = a
        .post(
            "/indicators/judge",
            &[
                ("csrf", &crate::support::web_common::csrf_of(&page)),
                ("date", "2020-11-30"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let page = a.text("/indicators?date=2020-11-30").await;
    assert!(page.contains("失效链接（链接可用性，1 个）"), "{page}");
    assert!(page.contains("友情链接&lt;script&gt;"), "{page}");
    assert!(page.contains("（等 3 个页面）"), "{page}");
    assert!(
        page.contains(&format!("href=\"/evidence/{}\"", app.page_id)),
        "{page}"
    );
    assert!(
        page.contains("<span class=\"badge\">机器：扣分</span>"),
        "{page}"
    );
    assert!(!page.contains("<script>alert(1)"), "{page}");
    assert!(
        !page.contains("portal.example/ok.htm"),
        "only broken links are listed"
    );
}

/// A distributed run checks the links in its finalize job, the same way, each link once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_finalize_job_of_workers_checks_the_links() {
    let (off, off_log) = off_site().await;
    let (home_links, column_links) = planted(&off);
    let (base, log) = portal(home_links, column_links).await;
    let config = description(&base, "link_timeout_secs = 1\noff_site_rate_per_sec = 5\n");
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("w.db").display()))
        .await
        .unwrap();
    let run = enqueue(
        &store,
        &EnqueueOptions {
            config: config.clone(),
            config_path: "selectors/fixture.toml".into(),
            as_of: check_day(),
        },
    )
    .await
    .unwrap();
    let mut opts = WorkerOptions::new(config.clone(), "w");
    opts.poll = Duration::from_millis(50);
    let report = work(&store, &opts, &|_| {}).await.unwrap();
    assert_eq!(report.runs_finished, [run]);
    let (checked, links) = store.link_check(run).await.unwrap().unwrap();
    assert_eq!((checked.pages, checked.links), (3, 13));
    let broken: Vec<&str> = links
        .iter()
        .filter(|l| l.broken)
        .map(|l| l.url.as_str())
        .collect();
    assert_eq!(broken.len(), 7, "{broken:?}");
    // Every page asked once (each job reads robots.txt for itself); HEAD then GET only where
    // the HEAD answered 405.
    for (path, methods) in by_path(&log) {
        if path != "/robots.txt" && path != "/error.htm" {
            assert_eq!(methods.len(), 1, "{path}: {methods:?}");
        }
    }
    assert_eq!(by_path(&off_log).values().flatten().count(), 4);
    // The run's requests count the check's requests to the portal too.
    assert_eq!(
        store.run(run).await.unwrap().stats.requests as usize,
        log.lock().unwrap().len()
    );
}
