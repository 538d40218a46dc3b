//! The fixture server's behaviours, and the consistency of the generated fixture portal.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gongkai::config::PortalConfig;
use gongkai::fixture::{Behaviour, FixtureServer};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/portal")
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

async fn start() -> FixtureServer {
    FixtureServer::start(&root()).await.expect("server starts")
}

fn content_type(r: &reqwest::Response) -> String {
    r.headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

#[tokio::test]
async fn gbk_pages_have_no_charset_header() {
    let server = start().await;
    let c = client();
    let r = c
        .get(format!("{}/bmym/ksz/zfxxgkpt/gkzn.htm", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(content_type(&r), "text/html");
    let bytes = r.bytes().await.unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "GBK bytes are not UTF-8"
    );
    let (text, _, bad) = encoding_rs::GBK.decode(&bytes);
    assert!(!bad);
    assert!(text.contains("政府信息公开指南") && text.contains("charset=gb2312"));

    let r = c
        .get(format!("{}/zfxxgkpt.htm", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(content_type(&r), "text/html; charset=utf-8");
}

#[tokio::test]
async fn downloads_need_the_article_as_referer() {
    let server = start().await;
    let behaviour = Behaviour::load(&root()).unwrap();
    let c = client();
    let entry = behaviour
        .downloads
        .iter()
        .find(|d| d.name.ends_with(".pdf") && d.file.is_some() && !d.fail)
        .expect("a PDF attachment");
    let url = format!(
        "{}/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1&wbfileid={}",
        server.base_url(),
        entry.wbfileid
    );
    let r = c.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(content_type(&r).starts_with("text/html"));
    assert!(r.text().await.unwrap().contains("没有权限"));

    let wrong = format!("{}/info/1/1.htm", server.base_url());
    let r = c.get(&url).header("referer", wrong).send().await.unwrap();
    assert!(r.text().await.unwrap().contains("没有权限"));

    let referer = format!("{}{}", server.base_url(), entry.article);
    let r = c
        .get(&url)
        .header("referer", &referer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
    let seen = server.requests();
    assert_eq!(
        seen.last().unwrap().referer.as_deref(),
        Some(referer.as_str())
    );

    let failing = behaviour
        .downloads
        .iter()
        .find(|d| d.fail)
        .expect("a failing attachment");
    let url = format!(
        "{}/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1&wbfileid={}",
        server.base_url(),
        failing.wbfileid
    );
    let referer = format!("{}{}", server.base_url(), failing.article);
    let r = c.get(&url).header("referer", referer).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("没有权限"));
}

#[tokio::test]
async fn flaky_paths_answer_503_then_ok() {
    let server = start().await;
    let behaviour = Behaviour::load(&root()).unwrap();
    let c = client();
    for flaky in &behaviour.flaky {
        let url = format!("{}{}", server.base_url(), flaky.path);
        for _ in 0..flaky.failures {
            let r = c.get(&url).send().await.unwrap();
            assert_eq!(r.status(), 503, "{}", flaky.path);
            assert_eq!(r.headers().contains_key("retry-after"), flaky.retry_after);
        }
        let r = c.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200, "{}", flaky.path);
    }
    // Counted per server instance.
    drop(server);
    let server = start().await;
    let flaky = &behaviour.flaky[0];
    let r = c
        .get(format!("{}{}", server.base_url(), flaky.path))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
}

#[tokio::test]
async fn slow_paths_take_their_time() {
    let server = start().await;
    let behaviour = Behaviour::load(&root()).unwrap();
    let slow = behaviour.slow.first().expect("a slow path");
    let t = Instant::now();
    let r = client()
        .get(format!("{}{}", server.base_url(), slow.path))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(t.elapsed() >= Duration::from_millis(slow.delay_ms));
}

#[tokio::test]
async fn conditional_requests_get_304() {
    let server = start().await;
    let c = client();
    let url = format!("{}/zfxxgkpt.htm", server.base_url());
    let r = c.get(&url).send().await.unwrap();
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let modified = r.headers()["last-modified"].to_str().unwrap().to_string();
    let r = c
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    let r = c
        .get(&url)
        .header("if-modified-since", &modified)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    let r = c
        .get(&url)
        .header("if-none-match", "\"other\"")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let last = server.requests().pop().unwrap();
    assert_eq!(last.if_none_match.as_deref(), Some("\"other\""));
    assert!(last.bytes > 0);
}

#[tokio::test]
async fn overlay_changes_the_portal() {
    let server = start().await;
    let c = client();
    let base = server.base_url();
    let get = |p: &str| c.get(format!("{base}{p}")).send();
    assert_eq!(get("/new.htm").await.unwrap().status(), 404);
    server.set_file("/new.htm", b"<html>new</html>".to_vec());
    let r = get("/new.htm").await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "<html>new</html>");
    server.set_file("/zfxxgkpt.htm", b"changed".to_vec());
    assert_eq!(
        get("/zfxxgkpt.htm").await.unwrap().text().await.unwrap(),
        "changed"
    );
    server.remove_file("/zfxxgkpt.htm");
    assert_eq!(get("/zfxxgkpt.htm").await.unwrap().status(), 404);
}

#[tokio::test]
async fn unknown_and_dead_paths_are_404() {
    let server = start().await;
    let behaviour = Behaviour::load(&root()).unwrap();
    let c = client();
    for p in ["/nope.htm", "/_behaviour.toml", "/../Cargo.toml"]
        .into_iter()
        .chain(behaviour.dead.iter().map(String::as_str))
    {
        let r = c
            .get(format!("{}{}", server.base_url(), p))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{p}");
    }
    assert!(!behaviour.dead.is_empty());
}

#[tokio::test]
async fn bad_paths_misbehave() {
    let server = start().await;
    let c = client();
    let base = server.base_url();

    let r = c.get(format!("{base}/bad/storm.htm")).send().await.unwrap();
    assert_eq!(r.status(), 503);
    let r = c.get(format!("{base}/bad/loop1.htm")).send().await.unwrap();
    assert_eq!(r.status(), 302);
    assert_eq!(r.headers()["location"], "/bad/loop2.htm");
    let r = c.get(format!("{base}/bad/loop2.htm")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/bad/loop1.htm");
    let r = c
        .get(format!("{base}/bad/broken.htm"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(std::str::from_utf8(&r.bytes().await.unwrap()).is_err());

    let mut r = c.get(format!("{base}/bad/huge.htm")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let mut total = 0usize;
    while let Some(chunk) = r.chunk().await.unwrap() {
        total += chunk.len();
    }
    assert_eq!(total, 60 * 1024 * 1024);

    let mut r = c
        .get(format!("{base}/bad/endless.htm"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let t = Instant::now();
    let mut got = 0usize;
    while t.elapsed() < Duration::from_millis(600) {
        match tokio::time::timeout(Duration::from_millis(300), r.chunk()).await {
            Ok(Ok(Some(chunk))) => got += chunk.len(),
            Ok(other) => panic!("endless body ended: {other:?}"),
            Err(_) => {}
        }
    }
    assert!(got > 0);

    let fresh = reqwest::Client::new();
    let r = fresh.get(format!("{base}/bad/reset")).send().await;
    assert!(r.is_err(), "reset gives no answer");
}

// ---- consistency of the generated fixture

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            html_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "htm") {
            out.push(path);
        }
    }
}

fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GBK.decode(bytes).0.into_owned(),
    }
}

#[test]
fn every_link_resolves() {
    let root = root();
    let behaviour = Behaviour::load(&root).unwrap();
    let dead: HashSet<&str> = behaviour.dead.iter().map(String::as_str).collect();
    let mut pages = Vec::new();
    html_files(&root, &mut pages);
    assert!(pages.len() > 1000, "{} pages", pages.len());
    let link = scraper::Selector::parse("a[href]").unwrap();
    let base = url::Url::parse("http://fixture.test/").unwrap();
    let mut problems = Vec::new();
    let mut dead_seen = HashSet::new();
    for page in &pages {
        let rel = page
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let page_url = base.join(&rel).unwrap();
        let doc = scraper::Html::parse_document(&decode(&std::fs::read(page).unwrap()));
        for a in doc.select(&link) {
            let href = a.value().attr("href").unwrap_or("");
            let target = page_url.join(href).unwrap();
            if target.host_str() != Some("fixture.test") {
                // The link check's planted off-site failure (a closed loopback port) only.
                assert_eq!(target.as_str(), "http://127.0.0.1:1/", "{rel}");
                continue;
            }
            let path = target.path();
            if path == "/system/_content/download.jsp" {
                let id = target
                    .query_pairs()
                    .find(|(k, _)| k == "wbfileid")
                    .and_then(|(_, v)| v.parse::<u64>().ok());
                match id.and_then(|id| behaviour.download(id)) {
                    Some(d) if d.fail => {}
                    Some(d) => {
                        let file = root.join(d.file.as_deref().unwrap_or("missing"));
                        if !file.is_file() {
                            problems.push(format!("{rel}: attachment {} missing", file.display()));
                        }
                        if d.article != format!("/{rel}") {
                            problems.push(format!("{rel}: attachment owned by {}", d.article));
                        }
                    }
                    None => problems.push(format!("{rel}: unknown attachment {href}")),
                }
            } else if dead.contains(path) {
                dead_seen.insert(path.to_string());
            } else if !root.join(path.trim_start_matches('/')).is_file() {
                problems.push(format!("{rel}: {href} → {path}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{}",
        problems[..problems.len().min(20)].join("\n")
    );
    assert_eq!(dead_seen.len(), dead.len(), "every dead link is linked");
}

fn config() -> PortalConfig {
    PortalConfig::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("selectors/fixture.toml"))
        .unwrap()
}

#[test]
fn every_unit_is_on_the_platform_home() {
    let config = config();
    let home = std::fs::read_to_string(root().join("zfxxgkpt.htm")).unwrap();
    let doc = scraper::Html::parse_document(&home);
    let sel = config.pages.home_unit_links.selector();
    let links: Vec<(String, String)> = doc
        .select(sel)
        .map(|a| {
            (
                a.value().attr("href").unwrap_or("").to_string(),
                a.text().collect::<String>(),
            )
        })
        .collect();
    assert_eq!(links.len(), config.units.len());
    for unit in &config.units {
        let code = unit
            .code
            .as_deref()
            .expect("the fixture gives every unit its code");
        let href = config.pages.unit_landing.replace("{unit}", code);
        let (_, name) = links
            .iter()
            .find(|(h, _)| *h == href)
            .unwrap_or_else(|| panic!("{} not on the home page", unit.name));
        assert!(
            unit.all_names().any(|n| n == name),
            "{name} is not a name of {}",
            unit.name
        );
    }
}

#[test]
fn ground_truth_names_configured_units_and_known_reasons() {
    let config = config();
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ground-truth.json"),
    )
    .unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let reasons: BTreeSet<&str> = [
        "guide_missing",
        "guide_elements_missing",
        "guide_outdated",
        "budget_missing",
        "sangong_missing",
        "performance_missing",
        "empty_columns",
        "pdf_unmarked",
        "pdf_unreadable",
        "pdf_download_failed",
        "pdf_nondisclosable",
        "reply_late",
        "column_unreachable",
        "pdf_sample_empty",
        "document_missing",
        "document_not_seen",
        "document_unsure",
        "document_late",
        "column_part_missing",
        "publication_count",
        "document_bonus",
    ]
    .into_iter()
    .collect();
    // The `documents` items' reasons take the part's name as key.
    let documents = [
        "document_missing",
        "document_not_seen",
        "document_unsure",
        "document_late",
        "column_part_missing",
        "publication_count",
    ];
    let mut seen = BTreeSet::new();
    for row in &rows {
        let unit = row["unit"].as_str().unwrap();
        let configured = config
            .unit(unit)
            .unwrap_or_else(|| panic!("{unit} unknown"));
        assert_eq!(row["table"].as_str(), Some(configured.table.as_str()));
        let reason = row["reason"].as_str().unwrap();
        assert!(reasons.contains(reason), "{reason}");
        seen.insert(reason);
        let kind = row["kind"].as_str().unwrap();
        assert!(kind == "deduction" || kind == "question");
        let section = row["section"].as_str().unwrap();
        assert!(section == "item" || section == "penalty" || section == "bonus");
        assert!(row["points"].as_f64().is_some());
        let key = row["key"].as_str().unwrap();
        if reason == "pdf_sample_empty" {
            assert_eq!(key, "");
        } else if reason.starts_with("pdf_")
            || reason == "column_unreachable"
            || reason == "document_bonus"
        {
            assert!(
                root().join(key.trim_start_matches('/')).is_file()
                    || reason == "column_unreachable"
            );
        } else if documents.contains(&reason) {
            assert!(!key.is_empty() && !key.starts_with('/'), "{key}");
        } else {
            assert_eq!(key, "");
        }
        let item = row["item"].as_u64().unwrap();
        if section == "item" {
            let township = configured.table.as_str() == "township";
            let allowed: &[u64] = if township {
                &[
                    2, 3, 4, 5, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 22, 25, 27, 28,
                ]
            } else {
                &[
                    2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 18, 19, 20, 21, 24, 26, 27,
                ]
            };
            assert!(allowed.contains(&item), "{unit} {reason} item {item}");
        } else if section == "bonus" {
            assert_eq!((reason, item), ("document_bonus", 3), "{unit}");
        }
    }
    assert_eq!(seen, reasons, "every reason is planted");
}
