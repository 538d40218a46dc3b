//! The fixture county in every CMS family: the TRS WCM and Hanweb JCMS portals hold the units,
//! data and planted cases of the VSB one in their own markup and URL shapes, and a crawl with
//! the family's description meets the family's ground truth exactly.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use gongkai::config::PortalConfig;
use gongkai::fixture::{Behaviour, FixtureServer};
use gongkai::store::RunStatus;

use crate::support::crawl_common::{root, run_described, setup_portal};
use crate::support::pg_common::compare;

const FAMILIES: [&str; 2] = ["trs", "hanweb"];

fn portal(family: &str) -> PathBuf {
    root().join(format!("fixtures/portal-{family}"))
}

fn description(family: &str) -> String {
    format!("selectors/fixture-{family}.toml")
}

fn ground_truth(family: &str) -> PathBuf {
    match family {
        "vsb" => root().join("fixtures/ground-truth.json"),
        f => root().join(format!("fixtures/ground-truth-{f}.json")),
    }
}

/// Crawls the family's county with its description and compares the findings with its ground
/// truth; prints the requests each unit cost.
async fn family_meets_its_ground_truth(family: &str) {
    let (server, config, store, _dir) =
        setup_portal(&format!("fixtures/portal-{family}"), &description(family)).await;
    let summary = run_described(&store, &config, &description(family), false).await;
    let findings = store.findings(summary.run_id).await.unwrap();
    let problems = compare(&findings, &ground_truth(family));
    let (per_unit, elsewhere) = requests_per_unit(&server, &store, summary.run_id).await;
    println!(
        "{family}: {} requests ({} retries), {} findings",
        summary.requests,
        summary.retries,
        findings.len()
    );
    for (unit, n) in &per_unit {
        println!("  {unit}: {n}");
    }
    assert!(problems.is_empty(), "{family}:\n{}", problems.join("\n"));
    // The two planted dead links (a column, a 制度 document) make the run partial; everything
    // else was read.
    assert_eq!(summary.status, RunStatus::Partial, "{summary:?}");
    assert_eq!(summary.errors, 2, "{summary:?}");
    assert_eq!(summary.units.len(), 49);
    assert_eq!(summary.requests as usize, server.requests().len());
    // Every unit was visited; the other requests are the platform home, robots.txt and the
    // message board.
    assert_eq!(
        per_unit.keys().filter(|u| config.unit(u).is_some()).count(),
        49,
        "{per_unit:?}"
    );
    assert!(
        elsewhere
            .iter()
            .all(|p| *p == config.pages.home || p == "/robots.txt" || p.starts_with("/hdjl/")),
        "{elsewhere:?}"
    );
    assert!(server.requests().iter().all(|r| r.status != 405));
    if family == "hanweb" {
        // Lists came from the proxy, later groups too, with the fields the pages name.
        let posts: Vec<_> = server
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST")
            .collect();
        assert!(posts.iter().all(|r| r
            .form
            .as_deref()
            .is_some_and(|f| f.contains("columnid=") && f.contains("unitid="))));
        assert!(posts.iter().any(|r| !r.path.contains("startrecord=1&")));
    } else {
        assert!(server.requests().iter().all(|r| r.method == "GET"));
    }
}

/// Requests the portal answered, by the unit whose page they fetched (a POST to the list proxy
/// by the unit of the column it names; the others under 门户), and the paths of the others.
async fn requests_per_unit(
    server: &FixtureServer,
    store: &gongkai::store::Store,
    run_id: i64,
) -> (BTreeMap<String, usize>, Vec<String>) {
    let pages = store.pages(run_id).await.unwrap();
    let path_of = |url: &str| {
        let u = url::Url::parse(url).unwrap();
        match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        }
    };
    let unit_of: BTreeMap<String, String> = pages
        .iter()
        .filter_map(|p| Some((path_of(&p.url), p.unit.clone()?)))
        .collect();
    let mut out = BTreeMap::new();
    let mut elsewhere = Vec::new();
    for r in server.requests() {
        let unit = match &r.form {
            Some(form) => url::form_urlencoded::parse(form.as_bytes())
                .find(|(k, _)| k == "columnid")
                .and_then(|(_, id)| unit_of.get(&format!("/col/col{id}/index.html")).cloned()),
            None => unit_of.get(&r.path).cloned(),
        };
        if unit.is_none() {
            elsewhere.push(r.path.clone());
        }
        *out.entry(unit.unwrap_or_else(|| "门户".into()))
            .or_insert(0) += 1;
    }
    (out, elsewhere)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trs_county_meets_its_ground_truth_exactly() {
    family_meets_its_ground_truth("trs").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hanweb_county_meets_its_ground_truth_exactly() {
    family_meets_its_ground_truth("hanweb").await;
}

// ---- the generated portals

#[derive(Debug, serde::Deserialize, PartialEq, PartialOrd)]
struct Planted {
    unit: String,
    table: String,
    section: String,
    item: u32,
    points: f64,
    kind: String,
    reason: String,
    key: String,
    #[serde(default)]
    evidence_urls: Vec<String>,
}

fn planted(family: &str) -> Vec<Planted> {
    serde_json::from_str(&std::fs::read_to_string(ground_truth(family)).unwrap()).unwrap()
}

#[test]
fn every_family_plants_the_same_cases_in_its_own_paths() {
    let vsb = planted("vsb");
    for family in FAMILIES {
        let rows = planted(family);
        assert_eq!(rows.len(), vsb.len(), "{family}");
        let behaviour = Behaviour::load(&portal(family)).unwrap();
        for (v, f) in vsb.iter().zip(&rows) {
            let same = (&v.unit, &v.table, &v.section, v.item, &v.kind, &v.reason)
                == (&f.unit, &f.table, &f.section, f.item, &f.kind, &f.reason);
            assert!(same && v.points == f.points, "{family}: {f:?} vs {v:?}");
            assert_eq!(f.key.is_empty(), v.key.is_empty(), "{family}: {f:?}");
            assert_eq!(f.evidence_urls.len(), v.evidence_urls.len(), "{f:?}");
            // A key that is no path (a `documents` part's name) is the same in every family.
            if !v.key.starts_with('/') {
                assert_eq!(f.key, v.key, "{family}: {f:?}");
            }
            // Paths of the family's own shape, served by its portal (the dead column aside).
            let key = Some(&f.key).filter(|k| k.starts_with('/'));
            for path in key.into_iter().chain(&f.evidence_urls) {
                if path.is_empty() || path.starts_with("/hdjl/") {
                    continue;
                }
                assert_ne!(path, &v.key, "{family} uses VSB paths");
                let served = portal(family).join(path.trim_start_matches('/')).is_file()
                    || behaviour.dead.contains(path);
                assert!(served, "{family}: {path} is not in the portal");
            }
        }
    }
}

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            html_files(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "htm" || e == "html" || e == "shtml")
        {
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
fn every_link_of_each_family_resolves() {
    for family in FAMILIES {
        let root = portal(family);
        let behaviour = Behaviour::load(&root).unwrap();
        let dead: HashSet<&str> = behaviour.dead.iter().map(String::as_str).collect();
        let mut pages = Vec::new();
        html_files(&root, &mut pages);
        assert!(pages.len() > 1000, "{family}: {} pages", pages.len());
        let link = scraper::Selector::parse("a[href]").unwrap();
        let base = url::Url::parse("http://fixture.test/").unwrap();
        let mut problems = Vec::new();
        let mut aliases_seen = HashSet::new();
        let mut off_site = HashSet::new();
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
                    // The link check's planted off-site failure, and nothing else.
                    off_site.insert(target.to_string());
                    continue;
                }
                let path = target.path();
                let with_query = match target.query() {
                    Some(q) => format!("{path}?{q}"),
                    None => path.to_string(),
                };
                if let Some(alias) = behaviour.file_alias(path, &with_query) {
                    aliases_seen.insert(alias.path.clone());
                    let file = root.join(alias.file.as_deref().unwrap_or("missing"));
                    if !alias.fail && !file.is_file() {
                        problems.push(format!("{rel}: attachment {} missing", file.display()));
                    }
                } else if !dead.contains(path) && !root.join(path.trim_start_matches('/')).is_file()
                {
                    problems.push(format!("{rel}: {href} → {path}"));
                }
            }
        }
        assert!(
            problems.is_empty(),
            "{family}:\n{}",
            problems[..problems.len().min(20)].join("\n")
        );
        assert_eq!(aliases_seen.len(), behaviour.files.len(), "{family}");
        assert_eq!(
            off_site,
            HashSet::from(["http://127.0.0.1:1/".to_string()]),
            "{family}"
        );
        assert!(behaviour.files.iter().any(|f| f.fail), "{family}");
    }
}

#[test]
fn every_unit_is_on_each_family_home_by_name() {
    for family in FAMILIES {
        let config = PortalConfig::load(&root().join(description(family))).unwrap();
        let home =
            std::fs::read_to_string(portal(family).join(config.pages.home.trim_start_matches('/')))
                .unwrap();
        let doc = scraper::Html::parse_document(&home);
        let names: Vec<String> = doc
            .select(config.pages.home_unit_links.selector())
            .map(|a| a.text().collect::<String>())
            .collect();
        assert_eq!(names.len(), config.units.len(), "{family}");
        for unit in &config.units {
            assert!(
                names.iter().any(|n| unit.all_names().any(|u| u == n)),
                "{family}: {} not on the home",
                unit.name
            );
        }
        assert_eq!(config.portal.platform.map(|p| p.as_str()), Some(family));
        if family == "hanweb" {
            assert!(config.units.iter().all(|u| u.code.is_none()));
        }
    }
}

// ---- the server's family behaviour

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

#[tokio::test]
async fn attachments_outside_the_tree_are_served_and_one_fails_with_an_html_page() {
    for family in FAMILIES {
        let root = portal(family);
        let behaviour = Behaviour::load(&root).unwrap();
        let server = FixtureServer::start(&root).await.unwrap();
        let good = behaviour
            .files
            .iter()
            .find(|f| !f.fail && f.file.as_deref().is_some_and(|f| f.ends_with(".pdf")))
            .unwrap();
        let r = client()
            .get(format!("{}{}", server.base_url(), good.path))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
        let bad = behaviour.files.iter().find(|f| f.fail).unwrap();
        let r = client()
            .get(format!("{}{}", server.base_url(), bad.path))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{family}: the error page says 200");
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert!(!r.bytes().await.unwrap().starts_with(b"%PDF"));
        // The PDFs are not copied into the tree.
        assert!(good.file.as_deref().unwrap().starts_with("../pdfs/"));
    }
}

#[tokio::test]
async fn the_hanweb_data_proxy_answers_records_of_the_column_its_fields_name() {
    let root = portal("hanweb");
    let server = FixtureServer::start(&root).await.unwrap();
    let jpage: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(root.join("_jpage.json")).unwrap()).unwrap();
    let col = jpage
        .iter()
        .find(|c| c["records"].as_array().unwrap().len() > 10)
        .unwrap();
    let (columnid, unitid) = (&col["columnid"], &col["unitid"]);
    let post = |query: &str, form: String| {
        client()
            .post(format!(
                "{}/module/web/jpage/dataproxy.jsp?{query}",
                server.base_url()
            ))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
    };
    let form = format!("col=1&appid=1&webid=3096&path=/&columnid={columnid}&unitid={unitid}");
    let r = post("startrecord=11&endrecord=20&perpage=5", form.clone())
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/xml; charset=UTF-8");
    let xml = r.text().await.unwrap();
    let total = col["records"].as_array().unwrap().len();
    assert!(
        xml.contains(&format!("<totalrecord>{total}</totalrecord>")),
        "{xml}"
    );
    assert_eq!(xml.matches("<record>").count(), (total - 10).min(10));
    assert!(xml.contains(col["records"][10].as_str().unwrap()));
    assert!(!xml.contains(col["records"][9].as_str().unwrap()));
    // A field misread: an empty column, exactly what a real proxy answers.
    let wrong = format!("col=1&appid=1&webid=3096&columnid={columnid}&unitid=1");
    let xml = post("startrecord=1&endrecord=45&perpage=15", wrong)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(xml.contains("<totalrecord>0</totalrecord>") && !xml.contains("<record>"));
    // The lists file is not served; other POSTs are refused.
    let r = client()
        .get(format!("{}/_jpage.json", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = client()
        .post(format!("{}/col/col1227000/index.html", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    // Injected faults apply to the proxy too.
    server.set_fault(
        "/module/web/jpage/dataproxy.jsp",
        gongkai::fixture::Fault::Status(503),
    );
    let r = post("startrecord=1&endrecord=45&perpage=15", form)
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    // The form is in the request log.
    let logged: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(logged.len(), 4);
    assert!(logged[0]
        .form
        .as_deref()
        .unwrap()
        .contains(&format!("columnid={columnid}")));
}

/// The path of the column `name` of the unit `unit` in a family's portal, from the platform
/// home and the unit's landing page.
fn column_path(family: &str, unit: &str, name: &str) -> String {
    let config = PortalConfig::load(&root().join(description(family))).unwrap();
    let link = |file: &str, text: &str, within: &scraper::Selector| -> String {
        let html =
            std::fs::read_to_string(portal(family).join(file.trim_start_matches('/'))).unwrap();
        let doc = scraper::Html::parse_document(&html);
        let a = doc
            .select(within)
            .find(|a| a.text().collect::<String>() == text)
            .unwrap_or_else(|| panic!("{family}: no link {text} in {file}"));
        a.value().attr("href").unwrap().to_string()
    };
    let landing = link(
        &config.pages.home,
        unit,
        config.pages.home_unit_links.selector(),
    );
    let tree_links = scraper::Selector::parse("div.xxgk-tree a").unwrap();
    link(&landing, name, &tree_links)
}

/// A misread form field gets the proxy's answer for no column: `totalrecord` 0. The page says
/// the column has entries, so it must not be drafted as empty.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_answering_nothing_for_a_listed_column_is_not_an_empty_column() {
    let family = "hanweb";
    let (server, config, store, _dir) =
        setup_portal(&format!("fixtures/portal-{family}"), &description(family)).await;
    // 勐统镇 asks the proxy for its lists (nothing embedded); 工作动态 has 9 entries.
    let path = column_path(family, "勐统镇", "工作动态");
    let page = std::fs::read_to_string(portal(family).join(path.trim_start_matches('/'))).unwrap();
    assert!(page.contains("totalRecord: 9,") && !page.contains("text/xml"));
    let misread = regex::Regex::new(r"unitid: \d+")
        .unwrap()
        .replace(&page, "unitid: 1")
        .into_owned();
    assert_ne!(misread, page);
    server.set_file(&path, misread.into_bytes());
    let summary = run_described(&store, &config, &description(family), false).await;
    let findings = store.findings(summary.run_id).await.unwrap();
    let posts_for_it: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.form.as_deref().is_some_and(|f| f.contains("unitid=1&")))
        .collect();
    assert_eq!(
        posts_for_it.len(),
        1,
        "the proxy was asked with the misread field"
    );
    let of_unit: Vec<_> = findings.iter().filter(|f| f.unit == "勐统镇").collect();
    assert!(
        !of_unit
            .iter()
            .any(|f| f.reason.to_string() == "empty_columns"),
        "{of_unit:#?}"
    );
    // The column's entries are unknown: a question for the auditor, naming the column.
    assert!(
        of_unit
            .iter()
            .any(|f| f.kind == gongkai::model::FindingKind::Question
                && f.evidence.iter().any(|e| e.url.ends_with(&path))),
        "{of_unit:#?}"
    );
}
