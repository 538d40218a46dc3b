//! Extraction read on real saved pages of the three CMS families (`../shared/real-pages/`, see
//! its SOURCES.md), as they are: list entries, dates, pager counts and page URLs, titles,
//! publication dates and attachments, with the page shapes a description of that site names.

use std::path::Path;

use gongkai::config::{PageShapes, PortalConfig};
use gongkai::extract::detail::parse_document;
use gongkai::extract::list::{page_url, pager_total, parse_column_page};
use scraper::Html;
use url::Url;

use crate::support::pdf_common::shared_dir;

fn real(path: &str) -> Html {
    let bytes = std::fs::read(shared_dir().join("real-pages").join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    Html::parse_document(&String::from_utf8_lossy(&bytes))
}

/// The fixture description with its `[pages]` replaced by `pages` (TOML lines).
fn shapes(platform: &str, pages: &str) -> PageShapes {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("selectors/fixture.toml"),
    )
    .unwrap();
    let start = text.find("\n[pages]\n").unwrap();
    let end = start + 1 + text[start + 1..].find("\n[messages]").unwrap();
    let text = format!("{}\n[pages]\n{pages}\n{}", &text[..start], &text[end..])
        .replace("platform = \"vsb\"", &format!("platform = \"{platform}\""));
    PortalConfig::parse(&text, Path::new("real.toml"))
        .unwrap_or_else(|e| panic!("{e}"))
        .pages
}

const COMMON: &str = r#"home = "/"
home_unit_links = "a.unit"
unit_landing = "/{unit}/index.htm"
column_tree = "ul.tree"
update_time = ".update-time"
empty_notices = ["暂无信息"]
detail_meta_table = "table.gk-meta"
"#;

fn vsb() -> PageShapes {
    shapes(
        "vsb",
        &format!(
            r##"{COMMON}
list_container = "li[id^=line_u]"
list_item = "li[id^=line_u]"
list_date = "li > span"
article_body = "#vsb_content"
pager = "td[id^=fanye], .pb_sys_common"
pager_total_regex = '\d+\s*/\s*(\d+)'
page_url = "{{stem}}/{{rev}}.htm"
detail_title = "h1, .titlestyle, meta[name=ArticleTitle]"
attachments = "a[href*='download.jsp']"
"##
        ),
    )
}

#[test]
fn vsb_lists_read_dates_before_or_after_the_title_and_the_fanye_pager() {
    let shapes = vsb();
    let url = Url::parse("http://rs.henu.edu.cn/bsh/tzgg.htm").unwrap();
    let doc = real("vsb/nongov-henu-rsc-bsh-tzgg-list.htm");
    let page = parse_column_page(&doc, &shapes, &url);
    // The saved page keeps one entry; the other nineteen sit inside an HTML comment.
    assert_eq!(page.items.len(), 1, "{:#?}", page.items);
    let first = &page.items[0];
    assert_eq!(
        first.url.as_str(),
        "http://rs.henu.edu.cn/info/1031/3084.htm"
    );
    assert_eq!(first.date.unwrap().to_text(), "2022-02-10");
    assert_eq!(
        first.title,
        "关于做好2022年度博士后国（境）外交流项目申报工作的通知"
    );
    assert!(page.items.iter().all(|i| i.date.is_some()));
    // 共113条 1/6, pages counting down: page 2 is tzgg/5.htm.
    assert_eq!(pager_total(&doc, &shapes), 6);
    assert_eq!(page.pager_records, Some(113));
    assert_eq!(
        page_url("{stem}/{rev}.htm", &url, 2, 6).unwrap().as_str(),
        "http://rs.henu.edu.cn/bsh/tzgg/5.htm"
    );

    // Another template: the date after the title, written 2022年03月25日.
    let url = Url::parse("http://yjszs.cqjtu.edu.cn/zsxx1/bsyjs.htm").unwrap();
    let doc = real("vsb/nongov-cqjtu-yjszs-bsyjs-list-teleport.htm");
    let page = parse_column_page(&doc, &shapes, &url);
    assert!(!page.items.is_empty());
    let first = &page.items[0];
    assert_eq!(first.url.path(), "/info/1057/1897.htm");
    assert_eq!(first.title, "2022年博士报名缴费通知");
    assert_eq!(first.date.unwrap().to_text(), "2022-03-25");
    assert_eq!(pager_total(&doc, &shapes), 6);

    // Page 2 of a list links back and forth; its own pager still says 3 pages.
    let doc = real("vsb/nongov-henu-rsc-fwzn-list-page2.htm");
    assert_eq!(pager_total(&doc, &shapes), 3);
}

#[test]
fn a_vsb_document_gives_its_title_date_and_download_attachment() {
    let shapes = vsb();
    let url = Url::parse("http://rs.henu.edu.cn/info/1014/2949.htm").unwrap();
    let page = parse_document(
        &real("vsb/nongov-henu-rsc-detail-attach.htm"),
        &shapes,
        &url,
    );
    assert_eq!(
        page.title.as_deref(),
        Some("教育部印发《关于正确认识和规范使用高校人才称号的若干意见》的通知")
    );
    assert_eq!(page.attachments.len(), 1, "{:#?}", page.attachments);
    assert!(page.attachments[0].looks_like_pdf());
    assert!(page.attachments[0]
        .url
        .as_str()
        .contains("wbfileid=5039948"));
}

fn trs() -> PageShapes {
    shapes(
        "trs",
        &format!(
            r##"{COMMON}
list_container = "dl"
list_item = "dl"
list_date = "dd + dd"
article_body = ".TRS_Editor"
pager = "script"
pager_total_regex = 'createPageHTML\(\s*(?:[\x27"][^\x27"]*[\x27"]\s*,\s*)?(\d+)\s*,\s*\d+\s*,\s*[\x27"](?P<name>[^\x27"]+)[\x27"]\s*,\s*[\x27"](?P<ext>[^\x27"]+)[\x27"]'
page_url = "{{dir}}/{{name}}_{{k0}}.{{ext}}"
detail_title = "meta[name=ArticleTitle]"
attachments = "#file_ul_fj a, a[href$='.pdf']"
"##
        ),
    )
}

#[test]
fn trs_lists_documents_by_their_month_folders() {
    let shapes = trs();
    let url = Url::parse("https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/index.htm").unwrap();
    let page = parse_column_page(&real("xxgk/pingtan-zfxxgknb-list-trs.html"), &shapes, &url);
    assert_eq!(page.items.len(), 10, "{:#?}", page.items);
    let first = &page.items[0];
    assert_eq!(
        first.url.as_str(),
        "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202603/t20260313_105587.htm"
    );
    assert_eq!(
        first.title,
        "平潭综合实验区2025年度政府信息公开工作年度报告"
    );
    assert_eq!(first.date.unwrap().to_text(), "2026-03-10");
}

#[test]
fn trs_pagers_are_script_calls_and_page_files_count_up() {
    let shapes = trs();
    let html = |script: &str| {
        Html::parse_document(&format!(
            "<html><body><script>var x = 1;</script><div class=page><script>{script}</script></div></body></html>"
        ))
    };
    let old = html(r#"createPageHTML(12, 0, "index", "html");"#);
    assert_eq!(pager_total(&old, &shapes), 12);
    let vars = gongkai::extract::list::pager_vars(&old, &shapes);
    let col = Url::parse("http://x.gov.cn/zwgk/zcwj/index.html").unwrap();
    assert_eq!(
        gongkai::extract::list::page_url_with(&shapes.page_url, &col, 2, 12, &vars)
            .unwrap()
            .path(),
        "/zwgk/zcwj/index_1.html"
    );
    let newer = html("createPageHTML('page_div', 7, 1, 'fg', 'shtml', 137);");
    assert_eq!(pager_total(&newer, &shapes), 7);
    let vars = gongkai::extract::list::pager_vars(&newer, &shapes);
    assert_eq!(
        gongkai::extract::list::page_url_with(&shapes.page_url, &col, 3, 7, &vars)
            .unwrap()
            .path(),
        "/zwgk/zcwj/fg_2.shtml"
    );
    // The real page's call: one page, nothing more to read.
    assert_eq!(
        pager_total(&real("trs/shanxi-gov-news-detail.html"), &shapes),
        1
    );
}

#[test]
fn a_trs_policy_document_gives_its_title_date_and_pdf() {
    let shapes = trs();
    let url = Url::parse(
        "https://www.pingtan.gov.cn/zwgk/zfxxgk/gwhwj/hzgfxwj/201505/t20150505_80103.htm",
    )
    .unwrap();
    let page = parse_document(
        &real("xxgk/pingtan-gwhwj-policy-detail-metatable-attach-trs.html"),
        &shapes,
        &url,
    );
    assert_eq!(
        page.title.as_deref(),
        Some("平潭综合实验区管委会关于进一步加强耕地保护的紧急通知")
    );
    assert_eq!(page.published.unwrap().to_text(), "2015-05-05 17:51");
    assert_eq!(page.attachments.len(), 1, "{:#?}", page.attachments);
    assert!(page.attachments[0].looks_like_pdf());
}

/// The shipped TRS example description reads the real TRS pages.
#[test]
fn the_shipped_trs_example_reads_real_trs_pages() {
    let config = PortalConfig::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("selectors/trs-example.toml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let shapes = &config.pages;
    let url = Url::parse("https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/index.htm").unwrap();
    let page = parse_column_page(&real("xxgk/pingtan-zfxxgknb-list-trs.html"), shapes, &url);
    assert_eq!(page.items.len(), 10, "{:#?}", page.items);
    assert!(page.items.iter().all(|i| i.date.is_some()));
    let html = Html::parse_document(
        "<html><body><script>createPageHTML(12, 0, \"index\", \"html\");</script></body></html>",
    );
    assert_eq!(pager_total(&html, shapes), 12);
    let col = Url::parse("http://x.gov.cn/zwgk/zcwj/index.html").unwrap();
    let vars = gongkai::extract::list::pager_vars(&html, shapes);
    assert_eq!(
        gongkai::extract::list::page_url_with(&shapes.page_url, &col, 12, 12, &vars)
            .unwrap()
            .path(),
        "/zwgk/zcwj/index_11.html"
    );
    let doc = parse_document(
        &real("xxgk/pingtan-gwhwj-policy-detail-metatable-attach-trs.html"),
        shapes,
        &url,
    );
    assert_eq!(doc.published.unwrap().to_text(), "2015-05-05 17:51");
    assert!(doc.attachments.iter().any(|a| a.looks_like_pdf()));
}

/// A TRS metadata block written as labelled items (`索&ensp;引&ensp;号：<font>…</font>`) gives
/// the publication date when the page has no PubDate meta.
#[test]
fn a_trs_meta_list_gives_the_publication_date() {
    let config = PortalConfig::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("selectors/trs-example.toml"),
    )
    .unwrap();
    let bytes = std::fs::read(
        shared_dir().join("real-pages/xxgk/pingtan-gwhwj-policy-detail-metatable-attach-trs.html"),
    )
    .unwrap();
    let text = String::from_utf8_lossy(&bytes).replace("name=\"PubDate\"", "name=\"x-PubDate\"");
    let url = Url::parse("https://www.pingtan.gov.cn/zwgk/zfxxgk/gwhwj/hzgfxwj/").unwrap();
    let page = parse_document(&Html::parse_document(&text), &config.pages, &url);
    assert_eq!(page.published.unwrap().to_text(), "2015-05-05");
    // The labels of the block itself, padded as TRS writes them.
    let block = Html::parse_document(
        "<div class=\"index_box\"><ul><li>索&ensp;引&ensp;号： <font>PZ001</font></li>\
         <li>公开方式： <font>主动公开</font></li><li>公开日期： <font>2015-05-06</font></li></ul></div>",
    );
    let page = parse_document(&block, &config.pages, &url);
    assert_eq!(page.disclosure.as_deref(), Some("主动公开"));
    assert_eq!(page.published.unwrap().to_text(), "2015-05-06");
}

/// The shipped Hanweb example description reads the real Hanweb document page: its title, its
/// publication date (发布日期, not the page's generation time `Maketime`) and its body.
#[test]
fn the_shipped_hanweb_example_reads_a_real_hanweb_document() {
    let config = PortalConfig::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("selectors/hanweb-example.toml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let url = Url::parse("http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html").unwrap();
    assert!(config
        .pages
        .document_link
        .as_ref()
        .unwrap()
        .regex()
        .is_match(url.path()));
    let doc = parse_document(
        &real("hanweb/zjdpc-deqing-fixedinvest-detail.html"),
        &config.pages,
        &url,
    );
    assert_eq!(
        doc.title.as_deref(),
        Some("1-10月德清县固定资产投资结构趋稳趋优")
    );
    assert_eq!(doc.published.unwrap().date.to_string(), "2016-11-22");
    assert!(doc.attachments.is_empty(), "{:#?}", doc.attachments);
}
