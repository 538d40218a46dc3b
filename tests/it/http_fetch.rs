//! The polite fetcher against real loopback HTTP servers (axum on 127.0.0.1:0).

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use gongkai::config::{CrawlSettings, RobotsPolicy};
use gongkai::crawl::http::{decode_html, FetchError, FetchOptions, Fetcher};
use url::Url;

/// Starts `router` on a free loopback port; returns the base URL.
async fn serve(router: Router) -> Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    Url::parse(&format!("http://{addr}/")).unwrap()
}

/// Fast test settings: generous rate, short timeout, tiny backoff.
fn settings() -> CrawlSettings {
    CrawlSettings {
        rate_per_sec: 1000.0,
        concurrency: 4,
        timeout_secs: 2,
        retries: 2,
        backoff_ms: 10,
        max_body_bytes: 1 << 20,
        // These tests count the requests of one fetch; robots.txt has tests of its own below.
        robots: RobotsPolicy::Ignore,
        ..CrawlSettings::default()
    }
}

fn fetcher(base: &Url, settings: &CrawlSettings) -> Fetcher {
    Fetcher::new(settings, base).unwrap()
}

/// A counter to hand to a handler.
fn counter() -> Arc<AtomicUsize> {
    Arc::new(AtomicUsize::new(0))
}

async fn fetch_decoded(page: Vec<u8>, content_type: &'static str) -> (String, &'static str) {
    let app = Router::new().route(
        "/page.htm",
        get(move || async move { ([(header::CONTENT_TYPE, content_type)], page) }),
    );
    let base = serve(app).await;
    let f = fetcher(&base, &settings());
    let got = f
        .get(&base.join("page.htm").unwrap(), &FetchOptions::default())
        .await
        .unwrap();
    assert_eq!(got.status, 200);
    assert!(got.looks_like_html());
    let page = decode_html(&got.body, got.content_type.as_deref());
    assert!(!page.had_errors);
    (page.text, page.encoding)
}

fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

#[tokio::test]
async fn gbk_page_with_meta_charset_decodes() {
    let html = "<html><head><meta charset=\"gbk\"><title>昌宁县人民政府</title></head><body>政府信息公开指南</body></html>";
    let (text, encoding) = fetch_decoded(gbk(html), "text/html").await;
    assert_eq!(encoding, "gb18030");
    assert_eq!(text, html);
}

#[tokio::test]
async fn gb2312_page_with_http_equiv_decodes() {
    let html = "<html><head><META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=gb2312\"><title>财政预决算</title></head><body>暂无信息</body></html>";
    let (text, encoding) = fetch_decoded(gbk(html), "text/html").await;
    assert_eq!(encoding, "gb18030");
    assert_eq!(text, html);
}

#[tokio::test]
async fn undeclared_gbk_page_is_detected() {
    let html = "<html><head><title>昌宁县发展和改革局</title></head><body><p>根据《中华人民共和国政府信息公开条例》规定，\
        本机关编制了政府信息公开指南，公民、法人和其他组织可以依法申请获取政府信息。</p>\
        <p>受理机构：昌宁县发展和改革局办公室，办公时间为工作日上午九时至下午五时。</p></body></html>";
    let (text, encoding) = fetch_decoded(gbk(html), "text/html").await;
    assert_eq!(encoding, "gb18030");
    assert_eq!(text, html);
}

#[tokio::test]
async fn utf8_page_with_header_decodes() {
    let html = "<html><head><title>政务公开</title></head><body>三公经费</body></html>";
    let (text, encoding) =
        fetch_decoded(html.as_bytes().to_vec(), "text/html; charset=UTF-8").await;
    assert_eq!(encoding, "UTF-8");
    assert_eq!(text, html);
}

#[tokio::test]
async fn two_503_then_200_succeeds_on_third_attempt() {
    let hits = counter();
    let h = hits.clone();
    let app = Router::new().route(
        "/flaky",
        get(move || async move {
            if h.fetch_add(1, Ordering::SeqCst) < 2 {
                (StatusCode::SERVICE_UNAVAILABLE, "busy").into_response()
            } else {
                "<html>ok</html>".into_response()
            }
        }),
    );
    let base = serve(app).await;
    let f = fetcher(&base, &settings());
    let got = f
        .get(&base.join("flaky").unwrap(), &FetchOptions::default())
        .await
        .unwrap();
    assert_eq!(got.attempts, 3);
    assert_eq!(&got.body[..], b"<html>ok</html>");
    assert_eq!(hits.load(Ordering::SeqCst), 3);
    let stats = f.stats();
    assert_eq!(stats.requests, 3);
    assert_eq!(stats.retries, 2);
}

#[tokio::test]
async fn persistent_503_gives_up_after_all_retries() {
    let hits = counter();
    let h = hits.clone();
    let app = Router::new().route(
        "/down",
        get(move || async move {
            h.fetch_add(1, Ordering::SeqCst);
            StatusCode::SERVICE_UNAVAILABLE
        }),
    );
    let base = serve(app).await;
    let s = CrawlSettings {
        retries: 3,
        ..settings()
    };
    let url = base.join("down").unwrap();
    let err = fetcher(&base, &s)
        .get(&url, &FetchOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::Status { status: 503, .. }),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert_eq!(err.url(), Some(&url));
    assert_eq!(hits.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let times = Arc::new(Mutex::new(Vec::<Instant>::new()));
    let t = times.clone();
    let app = Router::new().route(
        "/slowdown",
        get(move || async move {
            let mut times = t.lock().unwrap();
            times.push(Instant::now());
            if times.len() == 1 {
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(header::RETRY_AFTER, "1")],
                    "wait",
                )
                    .into_response()
            } else {
                "ok".into_response()
            }
        }),
    );
    let base = serve(app).await;
    let got = fetcher(&base, &settings())
        .get(&base.join("slowdown").unwrap(), &FetchOptions::default())
        .await
        .unwrap();
    assert_eq!(got.attempts, 2);
    let times = times.lock().unwrap();
    let gap = times[1] - times[0];
    assert!(gap >= Duration::from_millis(950), "gap {gap:?}");
}

#[tokio::test]
async fn retry_after_beyond_cap_gives_up() {
    let hits = counter();
    let h = hits.clone();
    let app = Router::new().route(
        "/later",
        get(move || async move {
            h.fetch_add(1, Ordering::SeqCst);
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "3600")],
                "",
            )
        }),
    );
    let base = serve(app).await;
    let started = Instant::now();
    let err = fetcher(&base, &settings())
        .get(&base.join("later").unwrap(), &FetchOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Status { status: 503, .. }));
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    assert!(started.elapsed() < Duration::from_secs(1));
}

async fn final_status_is_not_retried(status: StatusCode) {
    let hits = counter();
    let h = hits.clone();
    let app = Router::new().route(
        "/gone",
        get(move || async move {
            h.fetch_add(1, Ordering::SeqCst);
            status
        }),
    );
    let base = serve(app).await;
    let f = fetcher(&base, &settings());
    let err = f
        .get(&base.join("gone").unwrap(), &FetchOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::Status { status: s, .. } if s == status.as_u16()),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    assert_eq!(f.stats().requests, 1);
    assert_eq!(f.stats().retries, 0);
}

#[tokio::test]
async fn not_found_is_not_retried() {
    final_status_is_not_retried(StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn forbidden_is_not_retried() {
    final_status_is_not_retried(StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn body_that_never_ends_times_out() {
    let app = Router::new().route(
        "/endless",
        get(|| async {
            let chunks = futures::stream::unfold(0u64, |n| async move {
                tokio::time::sleep(Duration::from_millis(50)).await;
                Some((
                    Ok::<_, Infallible>(Bytes::from_static(b"<p>more</p>")),
                    n + 1,
                ))
            });
            (
                [(header::CONTENT_TYPE, "text/html")],
                Body::from_stream(chunks),
            )
        }),
    );
    let base = serve(app).await;
    let s = CrawlSettings {
        timeout_secs: 1,
        retries: 1,
        ..settings()
    };
    let started = Instant::now();
    let err = fetcher(&base, &s)
        .get(&base.join("endless").unwrap(), &FetchOptions::default())
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(err, FetchError::Timeout { .. }), "{err:?}");
    // Two tries of one second each, plus a short backoff.
    assert!(elapsed < Duration::from_millis(3500), "took {elapsed:?}");
    assert!(elapsed >= Duration::from_secs(2), "took {elapsed:?}");
}

/// 60 MB in 64 KB chunks, optionally announcing its length.
fn sixty_megabytes(announce: bool) -> Response {
    const CHUNK: usize = 64 * 1024;
    const TOTAL: usize = 60 * 1024 * 1024;
    let chunk = Bytes::from(vec![b'x'; CHUNK]);
    let chunks =
        futures::stream::iter((0..TOTAL / CHUNK).map(move |_| Ok::<_, Infallible>(chunk.clone())));
    let mut response = Body::from_stream(chunks).into_response();
    if announce {
        response
            .headers_mut()
            .insert(header::CONTENT_LENGTH, TOTAL.into());
    }
    response
}

#[tokio::test]
async fn huge_body_is_refused_quickly() {
    let app = Router::new()
        .route("/streamed.zip", get(|| async { sixty_megabytes(false) }))
        .route("/announced.zip", get(|| async { sixty_megabytes(true) }));
    let base = serve(app).await;
    let f = fetcher(&base, &settings());
    for path in ["streamed.zip", "announced.zip"] {
        let started = Instant::now();
        let err = f
            .get(&base.join(path).unwrap(), &FetchOptions::default())
            .await
            .unwrap_err();
        assert!(
            matches!(err, FetchError::TooLarge { limit, .. } if limit == 1 << 20),
            "{path}: {err:?}"
        );
        assert!(!err.is_retryable());
        assert!(started.elapsed() < Duration::from_secs(2), "{path}");
    }
    // Streaming stopped just past the limit; the announced one was not read at all.
    assert!(
        f.stats().bytes <= (1 << 20) + 64 * 1024 * 2,
        "{:?}",
        f.stats()
    );
    assert_eq!(f.stats().requests, 2);
}

fn redirect(to: String) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, to)]).into_response()
}

#[tokio::test]
async fn redirects_are_followed_inside_the_portal() {
    let app = Router::new()
        .route(
            "/old.htm",
            get(|| async { redirect("/bmym/fgj/new.htm".into()) }),
        )
        .route(
            "/bmym/fgj/new.htm",
            get(|| async { redirect("final.htm".into()) }),
        )
        .route("/bmym/fgj/final.htm", get(|| async { "<html>here</html>" }));
    let base = serve(app).await;
    let f = fetcher(&base, &settings());
    let got = f
        .get(&base.join("old.htm").unwrap(), &FetchOptions::default())
        .await
        .unwrap();
    assert_eq!(got.url, base.join("bmym/fgj/final.htm").unwrap());
    assert_eq!(got.attempts, 1);
    assert_eq!(f.stats().requests, 3);
}

#[tokio::test]
async fn redirect_loop_fails() {
    let app = Router::new()
        .route("/a", get(|| async { redirect("/b".into()) }))
        .route("/b", get(|| async { redirect("/a".into()) }));
    let base = serve(app).await;
    let url = base.join("a").unwrap();
    let f = fetcher(&base, &settings());
    let err = f.get(&url, &FetchOptions::default()).await.unwrap_err();
    assert!(
        matches!(err, FetchError::TooManyRedirects { .. }),
        "{err:?}"
    );
    assert_eq!(err.url(), Some(&url));
    assert_eq!(f.stats().requests, 2);
}

#[tokio::test]
async fn endless_redirect_chain_stops_after_ten_hops() {
    let app = Router::new().route(
        "/r/{n}",
        get(
            |axum::extract::Path(n): axum::extract::Path<u32>| async move {
                redirect(format!("/r/{}", n + 1))
            },
        ),
    );
    let base = serve(app).await;
    let f = fetcher(&base, &settings());
    let err = f
        .get(&base.join("r/0").unwrap(), &FetchOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::TooManyRedirects { .. }),
        "{err:?}"
    );
    assert_eq!(f.stats().requests, 11);
}

#[tokio::test]
async fn redirect_to_another_host_is_not_followed() {
    let hits = counter();
    let h = hits.clone();
    let app = Router::new()
        .route(
            "/away",
            get(|headers: HeaderMap| async move {
                let port = headers[header::HOST]
                    .to_str()
                    .unwrap()
                    .rsplit(':')
                    .next()
                    .unwrap()
                    .to_string();
                redirect(format!("http://localhost:{port}/target"))
            }),
        )
        .route(
            "/target",
            get(move || async move {
                h.fetch_add(1, Ordering::SeqCst);
                "elsewhere"
            }),
        );
    let base = serve(app).await;
    let err = fetcher(&base, &settings())
        .get(&base.join("away").unwrap(), &FetchOptions::default())
        .await
        .unwrap_err();
    match &err {
        FetchError::RedirectOffSite { target, .. } => {
            assert_eq!(target.host_str(), Some("localhost"))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn off_site_url_is_refused_without_a_request() {
    let hits = counter();
    let h = hits.clone();
    let other = serve(Router::new().fallback(move || async move {
        h.fetch_add(1, Ordering::SeqCst);
        "x"
    }))
    .await;
    let portal = Url::parse("http://127.0.0.1:9/").unwrap();
    let f = fetcher(&portal, &settings());
    for url in [
        other.join("page.htm").unwrap(),
        Url::parse("http://www.example.gov.cn/").unwrap(),
        Url::parse("mailto:office@example.gov.cn").unwrap(),
    ] {
        let err = f.get(&url, &FetchOptions::default()).await.unwrap_err();
        assert!(matches!(err, FetchError::OffSite { .. }), "{err:?}");
        assert!(!f.in_scope(&url));
    }
    assert_eq!(hits.load(Ordering::SeqCst), 0);
    assert_eq!(f.stats().requests, 0);
}

#[tokio::test]
async fn connection_refused_is_a_retryable_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    drop(listener);
    let f = fetcher(&base, &settings());
    let err = f.get(&base, &FetchOptions::default()).await.unwrap_err();
    assert!(matches!(err, FetchError::Connect { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(f.stats().requests, 3);
}

#[tokio::test]
async fn rate_limit_spaces_requests_across_clones() {
    let times = Arc::new(Mutex::new(Vec::<Instant>::new()));
    let t = times.clone();
    let app = Router::new().route(
        "/p/{n}",
        get(move || async move {
            t.lock().unwrap().push(Instant::now());
            "ok"
        }),
    );
    let base = serve(app).await;
    let s = CrawlSettings {
        rate_per_sec: 5.0,
        concurrency: 10,
        ..settings()
    };
    let f = fetcher(&base, &s);
    let started = Instant::now();
    let tasks: Vec<_> = (0..10)
        .map(|n| {
            let f = f.clone();
            let url = base.join(&format!("p/{n}")).unwrap();
            tokio::spawn(async move { f.get(&url, &FetchOptions::default()).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(1600), "took {elapsed:?}");
    let mut times = times.lock().unwrap().clone();
    times.sort();
    assert_eq!(times.len(), 10);
    // Burst of 1: the i-th request (0-based) comes no earlier than i periods after the first,
    // less a little scheduling slack.
    for (i, t) in times.iter().enumerate() {
        let since_first = *t - times[0];
        let floor = Duration::from_millis(200 * i as u64).saturating_sub(Duration::from_millis(60));
        assert!(since_first >= floor, "request {i} after {since_first:?}");
    }
}

#[tokio::test]
async fn fractional_rate_is_accepted() {
    let s = CrawlSettings {
        rate_per_sec: 0.5,
        ..settings()
    };
    assert!(Fetcher::new(&s, &Url::parse("http://www.yncn.gov.cn/").unwrap()).is_ok());
    let bad = CrawlSettings {
        rate_per_sec: 0.0,
        ..settings()
    };
    let err = Fetcher::new(&bad, &Url::parse("http://www.yncn.gov.cn/").unwrap()).unwrap_err();
    assert!(matches!(err, FetchError::Client { .. }));
    assert_eq!(err.url(), None);
}

#[tokio::test]
async fn concurrency_limit_is_respected() {
    let in_flight = counter();
    let max_seen = counter();
    let (i, m) = (in_flight.clone(), max_seen.clone());
    let app = Router::new().route(
        "/slow/{n}",
        get(move || async move {
            let now = i.fetch_add(1, Ordering::SeqCst) + 1;
            m.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(150)).await;
            i.fetch_sub(1, Ordering::SeqCst);
            "ok"
        }),
    );
    let base = serve(app).await;
    let s = CrawlSettings {
        concurrency: 2,
        ..settings()
    };
    let f = fetcher(&base, &s);
    let tasks: Vec<_> = (0..8)
        .map(|n| {
            let f = f.clone();
            let url = base.join(&format!("slow/{n}")).unwrap();
            tokio::spawn(async move { f.get(&url, &FetchOptions::default()).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(max_seen.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn referer_and_user_agent_are_sent() {
    let app = Router::new().route(
        "/system/_content/download.jsp",
        get(|headers: HeaderMap| async move {
            let referer = headers
                .get(header::REFERER)
                .map(|v| v.to_str().unwrap().to_string());
            let ua = String::from_utf8_lossy(headers[header::USER_AGENT].as_bytes()).into_owned();
            match referer {
                Some(r) => format!("{r}\n{ua}").into_response(),
                None => "<html><body>非法下载</body></html>".into_response(),
            }
        }),
    );
    let base = serve(app).await;
    let s = settings();
    let f = fetcher(&base, &s);
    let url = base
        .join("system/_content/download.jsp?wbfileid=1")
        .unwrap();
    let article = base.join("info/1/2.htm").unwrap();
    let got = f
        .get(
            &url,
            &FetchOptions {
                referer: Some(article.clone()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&got.body),
        format!("{article}\n{}", s.user_agent)
    );
    let without = f.get(&url, &FetchOptions::default()).await.unwrap();
    assert!(without.looks_like_html());
}

#[tokio::test]
async fn if_none_match_gives_not_modified() {
    let app = Router::new().route(
        "/list.htm",
        get(|headers: HeaderMap| async move {
            if headers
                .get(header::IF_NONE_MATCH)
                .is_some_and(|v| v == "\"v1\"")
            {
                StatusCode::NOT_MODIFIED.into_response()
            } else {
                (
                    [
                        (header::ETAG, "\"v1\""),
                        (header::LAST_MODIFIED, "Wed, 18 Nov 2020 02:23:00 GMT"),
                    ],
                    "<html>list</html>",
                )
                    .into_response()
            }
        }),
    );
    let base = serve(app).await;
    let f = fetcher(&base, &settings());
    let url = base.join("list.htm").unwrap();
    let first = f.get(&url, &FetchOptions::default()).await.unwrap();
    assert!(!first.not_modified());
    assert_eq!(first.etag.as_deref(), Some("\"v1\""));
    assert_eq!(
        first.last_modified.as_deref(),
        Some("Wed, 18 Nov 2020 02:23:00 GMT")
    );
    let again = f
        .get(
            &url,
            &FetchOptions {
                if_none_match: first.etag.clone(),
                if_modified_since: first.last_modified.clone(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(again.not_modified());
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(f.stats().not_modified, 1);
}

#[tokio::test]
async fn pdf_sniffing() {
    let app = Router::new()
        .route(
            "/a.pdf",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "application/octet-stream")],
                    "%PDF-1.4\n%\u{e2}\u{e3}\n1 0 obj",
                )
            }),
        )
        .route(
            "/b.pdf",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "application/pdf")],
                    "<html>error</html>",
                )
            }),
        );
    let base = serve(app).await;
    let f = fetcher(&base, &settings());
    let pdf = f
        .get(&base.join("a.pdf").unwrap(), &FetchOptions::default())
        .await
        .unwrap();
    assert!(pdf.is_pdf());
    assert!(!pdf.looks_like_html());
    assert_eq!(pdf.sha256_hex().len(), 64);
    let fake = f
        .get(&base.join("b.pdf").unwrap(), &FetchOptions::default())
        .await
        .unwrap();
    assert!(!fake.is_pdf());
    assert!(fake.looks_like_html());
}

#[tokio::test]
async fn errors_read_in_chinese_and_name_the_url() {
    let app = Router::new();
    let base = serve(app).await;
    let url = base.join("bmym/fgj/zfxxgkpt.htm").unwrap();
    let err = fetcher(&base, &settings())
        .get(&url, &FetchOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), format!("抓取 {url} 失败：服务器返回 404"));
    let errors = [
        FetchError::OffSite { url: url.clone() },
        FetchError::Timeout { url: url.clone() },
        FetchError::TooLarge {
            url: url.clone(),
            limit: 10,
        },
        FetchError::TooManyRedirects { url: url.clone() },
        FetchError::RedirectOffSite {
            url: url.clone(),
            target: Box::new(Url::parse("http://example.com/").unwrap()),
        },
        FetchError::Connect {
            url: url.clone(),
            message: "reset".into(),
        },
        FetchError::Body {
            url: url.clone(),
            message: "reset".into(),
        },
    ];
    for err in errors {
        let text = err.to_string();
        assert!(text.contains(url.as_str()), "{text}");
        assert!(text.contains("抓取"), "{text}");
    }
}

#[tokio::test]
async fn connection_cut_mid_body_is_retried() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    let accepted = counter();
    let a = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            a.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n<html>cut")
                .await;
            // Dropping the socket cuts the body short.
        }
    });
    let f = fetcher(&base, &settings());
    let err = f.get(&base, &FetchOptions::default()).await.unwrap_err();
    assert!(matches!(err, FetchError::Body { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
}

/// A portal with a robots.txt: its rules for `*` (or for gongkai) are kept, it is read once,
/// and its Crawl-delay spaces the requests when slower than the rate.
type Seen = Arc<Mutex<Vec<(String, Instant)>>>;

fn robots_portal(robots: &'static str) -> (Router, Seen) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let app = Router::new().fallback(move |uri: axum::http::Uri| {
        let s = s.clone();
        async move {
            s.lock()
                .unwrap()
                .push((uri.path().to_string(), Instant::now()));
            if uri.path() == "/robots.txt" {
                if robots.is_empty() {
                    return (StatusCode::NOT_FOUND, "no robots").into_response();
                }
                return ([(header::CONTENT_TYPE, "text/plain")], robots).into_response();
            }
            "ok".into_response()
        }
    });
    (app, seen)
}

fn obeying() -> CrawlSettings {
    CrawlSettings {
        robots: RobotsPolicy::Obey,
        ..settings()
    }
}

#[tokio::test]
async fn robots_txt_is_read_once_and_its_disallowed_paths_are_never_requested() {
    let (app, seen) = robots_portal(
        "User-agent: *\nDisallow: /hdjl/\n\nUser-agent: gongkai\nDisallow: /module/download/\n",
    );
    let base = serve(app).await;
    let f = fetcher(&base, &obeying());
    for path in ["a.htm", "hdjl/zxts.htm", "b.htm"] {
        f.get(&base.join(path).unwrap(), &FetchOptions::default())
            .await
            .unwrap();
    }
    let err = f
        .get(
            &base.join("module/download/downfile.jsp?classid=0").unwrap(),
            &FetchOptions::default(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::RobotsDisallowed { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("robots.txt"), "{err}");
    assert!(!err.is_retryable());
    let paths: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(p, _)| p.clone())
        .collect();
    // gongkai's own group replaces the * group: /hdjl/ is allowed to it.
    assert_eq!(paths, ["/robots.txt", "/a.htm", "/hdjl/zxts.htm", "/b.htm"]);
    assert_eq!(f.stats().requests, 4);
}

#[tokio::test]
async fn a_crawl_delay_slower_than_the_rate_spaces_every_request() {
    let (app, seen) = robots_portal("User-agent: *\nCrawl-delay: 0.3\n");
    let base = serve(app).await;
    let f = fetcher(&base, &obeying());
    let tasks: Vec<_> = (0..4)
        .map(|n| {
            let f = f.clone();
            let url = base.join(&format!("p{n}.htm")).unwrap();
            tokio::spawn(async move { f.get(&url, &FetchOptions::default()).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let times: Vec<Instant> = seen
        .lock()
        .unwrap()
        .iter()
        .skip(1)
        .map(|(_, t)| *t)
        .collect();
    assert_eq!(times.len(), 4);
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= Duration::from_millis(280), "requests {gap:?} apart");
    }
}

#[tokio::test]
async fn no_robots_txt_allows_everything_and_ignore_skips_it() {
    let (app, seen) = robots_portal("");
    let base = serve(app).await;
    let f = fetcher(&base, &obeying());
    f.get(&base.join("x/y.htm").unwrap(), &FetchOptions::default())
        .await
        .unwrap();
    assert_eq!(seen.lock().unwrap().len(), 2);

    let (app, seen) = robots_portal("User-agent: *\nDisallow: /\n");
    let base = serve(app).await;
    let f = fetcher(&base, &settings());
    f.get(&base.join("x/y.htm").unwrap(), &FetchOptions::default())
        .await
        .unwrap();
    let paths: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(p, _)| p.clone())
        .collect();
    assert_eq!(
        paths,
        ["/x/y.htm"],
        "robots = \"ignore\" never reads robots.txt"
    );
}
