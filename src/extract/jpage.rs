//! Hanweb JCMS lists: the column page carries no list, only a jpage script naming a data proxy
//! (`/module/web/jpage/dataproxy.jsp`) and the form fields it wants; the entries come from
//! `POST {proxy}?startrecord=…&endrecord=…&perpage=…` as XML records
//! (`<datastore><totalrecord>N</totalrecord><recordset><record><![CDATA[<li>…]]></record>…`).
//! Some pages embed the first group of records in a `<script type="text/xml">` datastore.
//!
//! Everything the requests need is read from the page's own script, never assumed: the proxy's
//! address, the form fields (an object literal such as `ajaxParam: {columnid: 1229123, …}` or
//! the query of the datastore's `nextgroup` link), the page size and the group size.

use std::sync::OnceLock;

use regex::Regex;
use scraper::Html;
use url::Url;

use super::list::{read_items, ListItem};
use super::selector;
use crate::config::PageShapes;

/// The proxy's file name, the family's mark of a jpage list.
const PROXY_MARK: &str = "dataproxy.jsp";

/// Records per request when the script does not say (jpage's own defaults: 15 × 3 … 20 × 3).
const DEFAULT_PER_PAGE: usize = 20;
const DEFAULT_GROUP_SIZE: usize = 3;

/// Paging parameters, sent in the proxy's query, never in the form.
const PAGING_KEYS: [&str; 4] = ["startrecord", "endrecord", "perpage", "page"];

/// How a column page's list is fetched from its data proxy.
#[derive(Debug, Clone, PartialEq)]
pub struct JpageSource {
    /// The proxy's address, without paging parameters.
    pub proxy: Url,
    /// The form fields the page's script sends (`col`, `appid`, `webid`, `columnid`, `unitid` …).
    pub form: Vec<(String, String)>,
    /// Entries per list page (`perpage`).
    pub per_page: usize,
    /// Entries per request (`perpage` × `groupSize`).
    pub per_request: usize,
    /// The record count the page states (`totalRecord`), when it does.
    pub total: Option<usize>,
    /// Entries of the group embedded in the page, in order.
    pub embedded: Vec<ListItem>,
    /// Embedded entries whose link is not of the document shape.
    pub embedded_ignored: Vec<String>,
    /// Records embedded in the page (entries and non-entries).
    pub embedded_records: usize,
}

impl JpageSource {
    /// The proxy's URL for the records `start..start + per_request` (1-based).
    pub fn group_url(&self, start: usize) -> Url {
        let mut url = self.proxy.clone();
        url.query_pairs_mut()
            .append_pair("startrecord", &start.to_string())
            .append_pair(
                "endrecord",
                &(start + self.per_request.max(1) - 1).to_string(),
            )
            .append_pair("perpage", &self.per_page.to_string());
        url
    }
}

/// One answer of the proxy (or the datastore embedded in a page).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Datastore {
    /// `<totalrecord>`, when given.
    pub total: Option<usize>,
    /// Each `<record>`'s markup.
    pub records: Vec<String>,
}

/// The jpage list a column page names, if it names one: `None` when the page has no data
/// proxy (its list, if any, is in the markup); `Err` says what of the script could not be read.
pub fn find_source(
    doc: &Html,
    shapes: &PageShapes,
    page_url: &Url,
) -> Option<Result<JpageSource, String>> {
    let scripts: Vec<String> = doc
        .select(&selector("script"))
        .map(|s| s.text().collect::<String>())
        .collect();
    let all = scripts.join("\n");
    if !all.contains(PROXY_MARK) {
        return None;
    }
    Some(read_source(&all, shapes, page_url))
}

fn read_source(script: &str, shapes: &PageShapes, page_url: &Url) -> Result<JpageSource, String> {
    let proxy_ref = proxy_reference(script)
        .ok_or_else(|| "页面脚本提到数据接口 dataproxy.jsp，但读不出它的地址".to_string())?;
    let mut proxy = page_url
        .join(&proxy_ref)
        .map_err(|e| format!("数据接口地址“{proxy_ref}”无效（{e}）"))?;
    // Paging parameters written into the address are the script's first request's; ours are
    // added per group.
    let kept: Vec<(String, String)> = proxy
        .query_pairs()
        .filter(|(k, _)| !PAGING_KEYS.contains(&k.to_ascii_lowercase().as_str()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    proxy.set_query(None);
    proxy.set_fragment(None);
    let mut form = form_fields(script).ok_or_else(|| {
        "页面脚本提到数据接口 dataproxy.jsp，但读不出栏目参数（columnid 等表单字段）".to_string()
    })?;
    for (k, v) in kept {
        if !form.iter().any(|(f, _)| *f == k) {
            form.push((k, v));
        }
    }
    let per_page = number_after(script, "perpage").unwrap_or(DEFAULT_PER_PAGE);
    let group = number_after(script, "groupsize").unwrap_or(DEFAULT_GROUP_SIZE);
    let embedded = embedded_datastore(script);
    let (items, ignored) = match &embedded {
        Some(store) => read_records(&store.records, shapes, page_url),
        None => (Vec::new(), Vec::new()),
    };
    let total = embedded
        .as_ref()
        .and_then(|d| d.total)
        .or_else(|| number_after(script, "totalrecord"));
    Ok(JpageSource {
        proxy,
        form,
        per_page: per_page.max(1),
        per_request: (per_page * group).clamp(1, 1000),
        total,
        embedded_records: embedded.as_ref().map_or(0, |d| d.records.len()),
        embedded: items,
        embedded_ignored: ignored,
    })
}

/// The proxy's address as the script writes it (a quoted string or an `href`).
fn proxy_reference(script: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#"["']([^"'\s<>]*dataproxy\.jsp[^"'\s<>]*)["']"#).expect("static regex")
    });
    re.captures(script).map(|c| c[1].replace("&amp;", "&"))
}

/// The form fields: the object literal that holds `columnid`, else a query string that does
/// (the `nextgroup` link, or a `data: 'col=1&…'` string). Paging keys are left out.
fn form_fields(script: &str) -> Option<Vec<(String, String)>> {
    let fields = object_with_columnid(script).or_else(|| query_with_columnid(script))?;
    let fields: Vec<(String, String)> = fields
        .into_iter()
        .filter(|(k, _)| !PAGING_KEYS.contains(&k.to_ascii_lowercase().as_str()))
        .collect();
    fields
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("columnid") && !v.is_empty())
        .then_some(fields)
}

/// `{ col: 1, appid: 1, webid: 3096, path: '/', columnid: 1229123, webname: '…' }`: the
/// innermost braces around a `columnid:` key, read as key/value pairs. A value that is a
/// variable is looked up as `var name = value` in the script; one that cannot be is not read.
fn object_with_columnid(script: &str) -> Option<Vec<(String, String)>> {
    static KEY: OnceLock<Regex> = OnceLock::new();
    static PAIR: OnceLock<Regex> = OnceLock::new();
    let key =
        KEY.get_or_init(|| Regex::new(r#"(?i)["']?columnid["']?\s*:"#).expect("static regex"));
    let pair = PAIR.get_or_init(|| {
        Regex::new(r#"["']?([A-Za-z_][\w]*)["']?\s*:\s*(?:"([^"]*)"|'([^']*)'|([^,}\s]+))"#)
            .expect("static regex")
    });
    for m in key.find_iter(script) {
        let Some(open) = script[..m.start()].rfind('{') else {
            continue;
        };
        let Some(close) = script[m.end()..].find('}').map(|i| m.end() + i) else {
            continue;
        };
        let body = &script[open + 1..close];
        let mut fields = Vec::new();
        for c in pair.captures_iter(body) {
            let name = c[1].to_string();
            let value = match (c.get(2).or(c.get(3)), c.get(4)) {
                (Some(quoted), _) => quoted.as_str().to_string(),
                (None, Some(bare)) => literal_or_variable(script, bare.as_str())?,
                _ => continue,
            };
            fields.push((name, value));
        }
        if !fields.is_empty() {
            return Some(fields);
        }
    }
    None
}

/// A bare value: a number or boolean as written, or a variable's literal value.
fn literal_or_variable(script: &str, bare: &str) -> Option<String> {
    if bare
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        || bare == "true"
        || bare == "false"
    {
        return Some(bare.to_string());
    }
    if !bare.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let re = Regex::new(&format!(
        r#"(?:var|let|const)?\s*\b{}\s*=\s*(?:"([^"]*)"|'([^']*)'|(\d+))"#,
        regex::escape(bare)
    ))
    .ok()?;
    let c = re.captures(script)?;
    c.get(1)
        .or(c.get(2))
        .or(c.get(3))
        .map(|m| m.as_str().to_string())
}

/// A query string holding `columnid=` (the `nextgroup` link's, or a string literal's).
fn query_with_columnid(script: &str) -> Option<Vec<(String, String)>> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#"(?i)["'?]((?:[\w]+=[^"'&\s<>]*&(?:amp;)?)*columnid=[^"'\s<>]*)["']"#)
            .expect("static regex")
    });
    let c = re.captures(script)?;
    let query = c[1].replace("&amp;", "&");
    let query = query.rsplit('?').next().unwrap_or(&query);
    Some(
        url::form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
    )
}

/// The number after a key (`perPage: 15`, `perpage=15`, `"totalRecord":"47"`), any case.
fn number_after(script: &str, key: &str) -> Option<usize> {
    let re = Regex::new(&format!(r#"(?i)\b{key}["']?\s*[:=]\s*["']?(\d+)"#)).ok()?;
    re.captures(script)?[1].parse().ok()
}

/// The datastore a page embeds in a script, if it does.
fn embedded_datastore(script: &str) -> Option<Datastore> {
    script
        .contains("<datastore")
        .then(|| parse_datastore(script))?
}

/// Reads a proxy answer: `None` when it is not a datastore at all (an error page).
pub fn parse_datastore(xml: &str) -> Option<Datastore> {
    static TOTAL: OnceLock<Regex> = OnceLock::new();
    static RECORD: OnceLock<Regex> = OnceLock::new();
    if !xml.contains("<datastore") && !xml.contains("<recordset") {
        return None;
    }
    let total = TOTAL.get_or_init(|| {
        Regex::new(r"(?i)<totalrecord>\s*(\d+)\s*</totalrecord>").expect("static regex")
    });
    let record =
        RECORD.get_or_init(|| Regex::new(r"(?is)<record>(.*?)</record>").expect("static regex"));
    let records = record
        .captures_iter(xml)
        .map(|c| {
            let inner = c[1].trim();
            match inner
                .strip_prefix("<![CDATA[")
                .and_then(|r| r.strip_suffix("]]>"))
            {
                Some(cdata) => cdata.to_string(),
                None => unescape(inner),
            }
        })
        .collect();
    Some(Datastore {
        total: total.captures(xml).and_then(|c| c[1].parse().ok()),
        records,
    })
}

/// Markup written with entities instead of CDATA.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The entries of records: each record is one entry, read like a list item of the page (its
/// first link, the date element or the last date outside the link), links resolved against
/// the column page where the script shows them.
pub fn read_records(
    records: &[String],
    shapes: &PageShapes,
    page_url: &Url,
) -> (Vec<ListItem>, Vec<String>) {
    let item = selector("div.gk-jpage-record");
    let mut items = Vec::new();
    let mut ignored = Vec::new();
    // Each record alone: a record's unclosed tag cannot swallow the next one.
    for r in records {
        let doc = Html::parse_document(&format!("<div class=\"gk-jpage-record\">{r}</div>"));
        let (i, n) = read_items(&doc, &item, shapes, page_url);
        items.extend(i);
        ignored.extend(n);
    }
    (items, ignored)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shapes() -> PageShapes {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("selectors/hanweb-example.toml");
        crate::config::PortalConfig::load(&path)
            .expect("hanweb example")
            .pages
    }

    fn source(body: &str) -> Option<Result<JpageSource, String>> {
        let html = format!("<html><head><meta charset=utf-8></head><body>{body}</body></html>");
        let url = Url::parse("http://x.gov.cn/col/col1229123/index.html").unwrap();
        find_source(&Html::parse_document(&html), &shapes(), &url)
    }

    fn field<'a>(s: &'a JpageSource, key: &str) -> Option<&'a str> {
        s.form
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn the_form_is_read_from_the_scripts_object_literal() {
        let s = source(
            r#"<div id="4567"></div>
            <script type="text/javascript" src="/module/web/jpage/jpage.js"></script>
            <script>$(function(){ $('#4567').jpage({ proxyUrl: '/module/web/jpage/dataproxy.jsp',
              perPage: 15, groupSize: 3, totalRecord: 47,
              ajaxParam: { col: 1, appid: 1, webid: 3096, path: '/', columnid: 1229123,
                sourceContentType: 1, unitid: 4735233, webname: '昌宁县人民政府', permissiontype: 0 } }); });
            </script>"#,
        )
        .expect("a jpage list")
        .expect("readable");
        assert_eq!(
            s.proxy.as_str(),
            "http://x.gov.cn/module/web/jpage/dataproxy.jsp"
        );
        assert_eq!(field(&s, "columnid"), Some("1229123"));
        assert_eq!(field(&s, "unitid"), Some("4735233"));
        assert_eq!(field(&s, "webid"), Some("3096"));
        assert_eq!(field(&s, "webname"), Some("昌宁县人民政府"));
        assert_eq!(field(&s, "path"), Some("/"));
        assert_eq!((s.per_page, s.per_request, s.total), (15, 45, Some(47)));
        assert!(s.embedded.is_empty());
        assert_eq!(
            s.group_url(46).as_str(),
            "http://x.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15"
        );
    }

    #[test]
    fn an_embedded_first_group_is_read_and_the_nextgroup_link_gives_the_form() {
        let s = source(
            r#"<div id="4567"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=3096&path=/&columnid=1229123&unitid=4735233&webname=%E6%98%8C%E5%AE%81&permissiontype=0"></a>]]></nextgroup><recordset>
            <record><![CDATA[<li><a href="/art/2020/3/1/art_1229123_58916.html" title="关于印发某某办法的通知" target="_blank">关于印发某某…</a><span>2020-03-01</span></li>]]></record>
            <record><![CDATA[<li><a href="/art/2020/2/30/art_1229123_58915.html" target="_blank">二月三十日的通知</a><b>2020-02-30</b></li>]]></record>
            <record><![CDATA[<li><a href="/col/col1229124/index.html">更多</a></li>]]></record>
            </recordset></datastore></script></div>
            <script>var total = 47; $('#4567').jpage({ totalRecord: 47, perPage: 20, proxyUrl: "/module/web/jpage/dataproxy.jsp" });</script>"#,
        )
        .expect("a jpage list")
        .expect("readable");
        assert_eq!(field(&s, "columnid"), Some("1229123"));
        assert_eq!(field(&s, "webname"), Some("昌宁"));
        assert_eq!(field(&s, "page"), None, "paging keys are not form fields");
        assert_eq!(s.embedded_records, 3);
        assert_eq!(s.embedded.len(), 2);
        assert_eq!(s.embedded[0].title, "关于印发某某办法的通知");
        assert_eq!(
            s.embedded[0].date.map(|d| d.date.to_string()).as_deref(),
            Some("2020-03-01")
        );
        assert_eq!(s.embedded[1].impossible_date.as_deref(), Some("2020-02-30"));
        assert_eq!(s.embedded_ignored.len(), 1, "{:?}", s.embedded_ignored);
        assert_eq!((s.per_page, s.per_request, s.total), (20, 60, Some(47)));
    }

    #[test]
    fn ajax_data_with_a_variable_and_paging_in_the_address() {
        let s = source(
            r#"<script>var colid = '1229555'; var uid = "88";
            $.ajax({ type: "POST", url: "/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=60&perpage=20",
              data: { col: 1, appid: 1, webid: 12, columnid: colid, unitid: uid }, success: function(x){} });</script>"#,
        )
        .expect("a jpage list")
        .expect("readable");
        assert_eq!(field(&s, "columnid"), Some("1229555"));
        assert_eq!(field(&s, "unitid"), Some("88"));
        assert_eq!(s.proxy.query(), None);
        assert_eq!((s.per_page, s.per_request), (20, 60));
    }

    #[test]
    fn a_proxy_without_readable_fields_is_said_never_guessed() {
        let why = source(
            r#"<script>$('#1').jpage({ proxyUrl: '/module/web/jpage/dataproxy.jsp', ajaxParam: params() });</script>"#,
        )
        .expect("a jpage list")
        .expect_err("no columnid");
        assert!(why.contains("columnid"), "{why}");
        // A field given as an expression the page does not define leaves the form unread.
        assert!(source(
            r#"<script>$('#1').jpage({ proxyUrl: '/module/web/jpage/dataproxy.jsp', ajaxParam: { columnid: cfg.id } });</script>"#
        )
        .expect("a jpage list")
        .is_err());
        // No proxy at all: the list is the page's.
        assert!(source("<ul class=xxgk-list><li>x</li></ul><script>var a = 1;</script>").is_none());
    }

    #[test]
    fn datastore_answers_are_read_with_cdata_or_entities_and_error_pages_are_not() {
        let d = parse_datastore(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><datastore><totalrecord>940</totalrecord><totalpage>47</totalpage><recordset>\
             <record><![CDATA[<li><a href=\"/art/2022/1/20/art_1_2.html\">甲</a><b>2022-01-20</b></li>]]></record>\
             <record>&lt;li&gt;&lt;a href=&quot;/art/2022/1/19/art_1_3.html&quot;&gt;乙&lt;/a&gt;&lt;/li&gt;</record>\
             </recordset></datastore>",
        )
        .unwrap();
        assert_eq!(d.total, Some(940));
        assert_eq!(d.records.len(), 2);
        assert!(
            d.records[1].starts_with("<li><a href=\"/art/"),
            "{:?}",
            d.records[1]
        );
        let base = Url::parse("http://x.gov.cn/col/col1/index.html").unwrap();
        let (items, ignored) = read_records(&d.records, &shapes(), &base);
        assert!(ignored.is_empty());
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[1].url.as_str(),
            "http://x.gov.cn/art/2022/1/19/art_1_3.html"
        );
        // The record's date, else the document address's.
        assert_eq!(
            items[1].date.map(|d| d.date.to_string()).as_deref(),
            Some("2022-01-19")
        );
        assert_eq!(parse_datastore("<html><body>系统繁忙</body></html>"), None);
        let empty = parse_datastore(
            "<datastore><totalrecord>0</totalrecord><recordset></recordset></datastore>",
        )
        .unwrap();
        assert_eq!((empty.total, empty.records.len()), (Some(0), 0));
    }

    #[test]
    fn an_unclosed_record_does_not_swallow_the_next() {
        let records = vec![
            r#"<li><a href="/art/2020/3/1/art_1_1.html">一</a><span>2020-03-01<div>"#.to_string(),
            r#"<li><a href="/art/2020/3/2/art_1_2.html">二</a><span>2020-03-02</span></li>"#
                .to_string(),
        ];
        let base = Url::parse("http://x.gov.cn/col/col1/index.html").unwrap();
        let (items, _) = read_records(&records, &shapes(), &base);
        let titles: Vec<_> = items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(titles, ["一", "二"]);
    }
}
