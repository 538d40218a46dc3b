//! A column's page: its list items and pager, or the text of a single-article column.

use scraper::Html;
use url::Url;

use super::dates::{all_stamps, find_stamp, impossible_date, stamp_in_url, Stamp};
use super::{collapse_ws, element_text, first_text, link_url, meta_content, selector};
use crate::config::PageShapes;

/// One entry of a column list.
#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    pub url: Url,
    /// Title from the `title` attribute when present (the full one), else the link text.
    pub title: String,
    /// True when the title we have is cut short (`…`/`...`) and no full one was given.
    pub title_cut: bool,
    pub date: Option<Stamp>,
    /// A date the entry writes that names no real day (`2020-02-30`), when it shows no real one.
    pub impossible_date: Option<String>,
}

/// What a column's page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnPage {
    pub items: Vec<ListItem>,
    /// Page count announced by the pager (1 when there is none).
    pub total_pages: usize,
    /// Text of a single-article column (without notices), when the page is one.
    pub article_text: Option<String>,
    /// The page has the list element (possibly empty).
    pub has_list: bool,
    /// The article body holds an image, frame, embedded object or link (content without text).
    pub body_media: bool,
    /// Attachment links on the page (a guide or finance column may be a linked file).
    pub attachments: Vec<crate::extract::detail::AttachmentLink>,
    /// The empty-column notice the page shows, if any.
    pub empty_notice: Option<String>,
    /// Dates the page shows for itself (PubDate meta, 更新日期), newest first.
    pub page_dates: Vec<Stamp>,
    /// Dates the page states for itself that name no real day, as written.
    pub impossible_dates: Vec<String>,
    /// List entries whose link is not of the document shape (`pages.document_link`), as
    /// "title（URL）": not documents.
    pub ignored: Vec<String>,
    /// Links of the document shape in the content pane (only counted when the description
    /// names a content pane and a document shape: side widgets elsewhere list other columns'
    /// documents).
    pub document_links: usize,
    /// The record count the pager announces (`共113条`), when it does.
    pub pager_records: Option<usize>,
    /// The pager's own variables for `pages.page_url` ([`pager_vars`]).
    pub pager_vars: Vec<(String, String)>,
    /// The data proxy the list comes from (`pages.list_proxy`), when the page names one; `Err`
    /// says what of its script could not be read.
    pub proxy: Option<Result<super::jpage::JpageSource, String>>,
}

impl ColumnPage {
    /// No document and no text of its own.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.article_text.as_deref().is_none_or(str::is_empty)
    }

    /// The page has none of the shapes we know (no list, no article body, no notice): the
    /// machine cannot say whether the column is empty.
    pub fn is_unrecognised(&self) -> bool {
        let no_shape = !self.has_list && self.article_text.is_none() && self.empty_notice.is_none();
        // An article of images or linked files only: the machine cannot read it, a person can.
        let media_only = self.article_text.as_deref().is_some_and(str::is_empty)
            && (self.body_media || !self.attachments.is_empty());
        self.items.is_empty() && (no_shape || media_only || self.shape_missed().is_some())
    }

    /// Why the list reading must have missed documents the page shows: entries that link no
    /// document, document links in the content pane, or records the pager announces. `None`
    /// when the page is consistent with its list (or the list has items).
    pub fn shape_missed(&self) -> Option<String> {
        if !self.items.is_empty() {
            return None;
        }
        if let Some(example) = self.ignored.first() {
            return Some(format!(
                "列表中有{}个链接，但都不是文件页的链接（如 {example}）",
                self.ignored.len()
            ));
        }
        if self.document_links > 0 {
            return Some(format!(
                "页面上有{}个文件页链接，但按所配置的列表结构没有读到任何条目",
                self.document_links
            ));
        }
        match self.pager_records {
            Some(n) if n > 0 => Some(format!(
                "分页显示共{n}条，但按所配置的列表结构没有读到任何条目"
            )),
            _ => None,
        }
    }
}

/// Reads a column page with the portal's shapes.
pub fn parse_column_page(doc: &Html, shapes: &PageShapes, page_url: &Url) -> ColumnPage {
    let (items, ignored) = read_items(doc, shapes.list_item.selector(), shapes, page_url);
    let link_sel = selector("a[href]");
    let total_pages = pager_total(doc, shapes);
    let pager_vars = pager_vars(doc, shapes);
    let notices = &shapes.empty_notices;
    let body = doc.select(shapes.article_body.selector()).next();
    let body_text = body.map(element_text);
    // Content without text (an image, a frame, a linked file) is not emptiness.
    let body_media = body.is_some_and(|b| {
        b.select(&selector("img, iframe, embed, object, video, a[href]"))
            .next()
            .is_some()
    });
    let attachments = crate::extract::detail::attachment_links(doc, shapes, page_url);
    let article_text = body_text.map(|t| {
        let mut t = t;
        for n in notices {
            t = t.replace(n.as_str(), "");
        }
        t.trim().to_string()
    });
    // Notices and dates are read in the content pane only: side widgets have their own.
    let right_text = content_text(doc, shapes);
    let empty_notice = notices
        .iter()
        .find(|n| right_text.contains(n.as_str()))
        .cloned();
    let mut page_dates: Vec<Stamp> = meta_content(doc, "PubDate")
        .and_then(|d| find_stamp(&d))
        .into_iter()
        .chain(first_text(doc, shapes.update_time.selector()).and_then(|t| find_stamp(&t)))
        .chain(labelled_dates(&right_text))
        .collect();
    page_dates.sort_by_key(|s| std::cmp::Reverse(s.datetime()));
    page_dates.dedup();
    let impossible_dates: Vec<String> = meta_content(doc, "PubDate")
        .into_iter()
        .chain(first_text(doc, shapes.update_time.selector()))
        .chain(labelled_texts(&right_text))
        .filter_map(|t| impossible_date(&t))
        .collect();
    let has_list = doc
        .select(shapes.list_container.selector())
        .next()
        .is_some();
    let document_links = match (&shapes.content, &shapes.document_link) {
        (Some(content), Some(shape)) => doc
            .select(content.selector())
            .flat_map(|pane| pane.select(&link_sel).collect::<Vec<_>>())
            .filter_map(|a| link_url(a, page_url))
            .filter(|u| is_document(shape, u))
            .count(),
        _ => 0,
    };
    let pager_records = pager_records(doc, shapes);
    let proxy = match shapes.list_proxy {
        Some(crate::config::ListProxy::Jpage) => super::jpage::find_source(doc, shapes, page_url),
        _ => None,
    };
    ColumnPage {
        items,
        total_pages,
        has_list,
        article_text,
        body_media,
        attachments,
        empty_notice,
        page_dates,
        impossible_dates,
        ignored,
        document_links,
        pager_records,
        pager_vars,
        proxy,
    }
}

/// The entries `item` selects: each one's first link (of the document shape, else it is
/// listed as ignored), its full title and its date.
pub(crate) fn read_items(
    doc: &Html,
    item: &scraper::Selector,
    shapes: &PageShapes,
    page_url: &Url,
) -> (Vec<ListItem>, Vec<String>) {
    let mut items = Vec::new();
    let mut ignored = Vec::new();
    let link_sel = selector("a[href]");
    let date_sel = shapes.list_date.selector();
    for li in doc.select(item) {
        let Some(a) = li.select(&link_sel).next() else {
            continue;
        };
        let Some(url) = link_url(a, page_url) else {
            continue;
        };
        let text = element_text(a);
        let attr = a
            .value()
            .attr("title")
            .map(collapse_ws)
            .filter(|t| !t.is_empty());
        let title = attr.clone().unwrap_or_else(|| text.clone());
        let title_cut = is_cut(&title);
        if let Some(shape) = &shapes.document_link {
            if !is_document(shape, &url) {
                ignored.push(format!("{title}（{url}）"));
                continue;
            }
        }
        // The item's date element; else the last date outside the link's text (a title may
        // name a date of its own); else one in the URL.
        let outside: String = li
            .text()
            .collect::<Vec<_>>()
            .join(" ")
            .replace(&a.text().collect::<Vec<_>>().join(" "), " ");
        let date_text = li.select(date_sel).next().map(element_text);
        let written = date_text
            .as_deref()
            .and_then(find_stamp)
            .or_else(|| all_stamps(&outside).last());
        let impossible_date = match written {
            Some(_) => None,
            None => date_text
                .as_deref()
                .and_then(impossible_date)
                .or_else(|| impossible_date(&outside)),
        };
        let date = written.or_else(|| stamp_in_url(url.as_str()));
        items.push(ListItem {
            url,
            title,
            title_cut,
            date,
            impossible_date,
        });
    }
    (items, ignored)
}

/// The link is of the portal's document shape (`pages.document_link`, matched on path and
/// query).
fn is_document(shape: &crate::config::Pattern, url: &Url) -> bool {
    match url.query() {
        Some(q) => shape.regex().is_match(&format!("{}?{q}", url.path())),
        None => shape.regex().is_match(url.path()),
    }
}

/// The record count a pager announces (`共113条`), when it does.
fn pager_records(doc: &Html, shapes: &PageShapes) -> Option<usize> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| regex::Regex::new(r"共\s*(\d+)\s*条").expect("static regex"));
    doc.select(shapes.pager.selector())
        .find_map(|p| re.captures(&element_text(p))?.get(1)?.as_str().parse().ok())
}

/// The page count the pager announces (1 without a pager): the first pager element (of all
/// that `pages.pager` selects, scripts included) whose text `pages.pager_total_regex` matches.
pub fn pager_total(doc: &Html, shapes: &PageShapes) -> usize {
    pager_captures(doc, shapes)
        .and_then(|caps| caps.first().and_then(|(_, v)| v.parse::<usize>().ok()))
        // A pager claiming more pages than any portal has is not believed (and cannot overflow).
        .map(|n| n.min(MAX_PAGES))
        .unwrap_or(1)
        .max(1)
}

/// The named groups of `pages.pager_total_regex` in the pager (TRS `createPageHTML(…, "index",
/// "html")` names its page files), as template variables of `pages.page_url`.
pub fn pager_vars(doc: &Html, shapes: &PageShapes) -> Vec<(String, String)> {
    pager_captures(doc, shapes)
        .map(|caps| caps.into_iter().skip(1).collect())
        .unwrap_or_default()
}

/// Group 1 (as `""`) then the named groups of the first pager element the regex matches.
fn pager_captures(doc: &Html, shapes: &PageShapes) -> Option<Vec<(String, String)>> {
    let re = shapes.pager_total_regex.regex();
    doc.select(shapes.pager.selector()).find_map(|p| {
        let text: String = p.text().collect();
        let caps = re.captures(&text)?;
        let total = caps.get(1)?.as_str().to_string();
        let mut out = vec![(String::new(), total)];
        for name in re.capture_names().flatten() {
            if let Some(m) = caps.name(name) {
                out.push((name.to_string(), m.as_str().to_string()));
            }
        }
        Some(out)
    })
}

/// The text of the page's content pane (`pages.content`), or of the whole page.
pub fn content_text(doc: &Html, shapes: &PageShapes) -> String {
    shapes
        .content
        .as_ref()
        .and_then(|css| doc.select(css.selector()).next())
        .map_or_else(
            || doc.root_element().text().collect::<String>(),
            |el| el.text().collect::<String>(),
        )
}

/// More pages than this in one pager is nonsense from the page, not a column.
const MAX_PAGES: usize = 100_000;

/// Labels after which a page states its own date.
const DATE_LABELS: [&str; 5] = ["更新日期", "更新时间", "发布时间", "发布日期", "发文日期"];

/// Dates written right after a label such as 更新日期： or 发布时间： anywhere on the page.
pub fn labelled_dates(text: &str) -> Vec<Stamp> {
    labelled_texts(text)
        .iter()
        .filter_map(|t| find_stamp(t))
        .collect()
}

/// The text right after each date label (a colon and spaces between), when it starts with a
/// digit: where a page states its own date.
fn labelled_texts(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for label in DATE_LABELS {
        for (i, _) in text.match_indices(label) {
            let after = &text[i + label.len()..];
            let head: String = after.chars().take(24).collect();
            let trimmed = head.trim_start_matches([':', '：', ' ', '\u{3000}', '\u{a0}']);
            if trimmed.starts_with(|c: char| c.is_ascii_digit()) {
                out.push(trimmed.to_string());
            }
        }
    }
    out
}

/// A list title cut short by the CMS.
pub fn is_cut(title: &str) -> bool {
    let t = title.trim_end();
    t.ends_with('…') || t.ends_with("...") || t.ends_with("。。。")
}

/// URL of page `k` (2 ≤ k ≤ total) of a column, from the portal's `page_url` template.
pub fn page_url(template: &str, column: &Url, k: usize, total: usize) -> Option<Url> {
    page_url_with(template, column, k, total, &[])
}

/// [`page_url`] with the pager's own variables ([`pager_vars`]): `{stem}` the column's path
/// without extension, `{dir}` its folder, `{k}` the page number, `{k0}` it minus one, `{rev}`
/// counted down from the last page (VSB), and `{name}` … as the pager names them.
pub fn page_url_with(
    template: &str,
    column: &Url,
    k: usize,
    total: usize,
    vars: &[(String, String)],
) -> Option<Url> {
    let path = column.path();
    let stem = path.rsplit_once('.').map_or(path, |(s, _)| s);
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let mut rel = template
        .replace("{stem}", stem)
        .replace("{dir}", dir)
        .replace("{k}", &k.to_string())
        .replace("{k0}", &(k - 1).to_string())
        .replace(
            "{rev}",
            &total.saturating_add(1).saturating_sub(k).to_string(),
        );
    for (name, value) in vars {
        // A page's own value must not climb out of the column's folder.
        if value.contains(['/', '\\', '?', '#']) || value.contains("..") {
            return None;
        }
        rel = rel.replace(&format!("{{{name}}}"), value);
    }
    column.join(&rel).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vsb_pages_count_down() {
        let col = Url::parse("http://x/bmym/fgj/zfxxgkpt/fdzdgknr/zcwj.htm").unwrap();
        let t = "{stem}/{rev}.htm";
        assert_eq!(
            page_url(t, &col, 2, 11).unwrap().path(),
            "/bmym/fgj/zfxxgkpt/fdzdgknr/zcwj/10.htm"
        );
        assert_eq!(
            page_url(t, &col, 11, 11).unwrap().path(),
            "/bmym/fgj/zfxxgkpt/fdzdgknr/zcwj/1.htm"
        );
    }

    fn shapes() -> PageShapes {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("selectors/fixture.toml");
        crate::config::PortalConfig::load(&path)
            .expect("fixture config")
            .pages
    }

    fn page(body: &str) -> ColumnPage {
        let html = format!(
            "<html><head><meta charset=utf-8></head><body>\
             <div class=side>最新动态 暂无数据 发布时间：2020-12-01</div>\
             <div class=zfxxgk-right>{body}</div></body></html>"
        );
        let url = Url::parse("http://x/bmym/a/zfxxgkpt/ldxx.htm").unwrap();
        parse_column_page(&Html::parse_document(&html), &shapes(), &url)
    }

    #[test]
    fn an_article_of_images_only_is_unrecognised_not_empty() {
        let p = page(r#"<div id="vsb_content"><p><img src="/ld.jpg"></p></div>"#);
        assert!(p.is_empty());
        assert!(p.is_unrecognised());
        let p = page(r#"<div id="vsb_content"></div><div class=no-data>暂无内容</div>"#);
        assert!(p.is_empty() && !p.is_unrecognised());
    }

    #[test]
    fn side_widgets_lend_neither_notices_nor_dates() {
        let p = page(r#"<div id="vsb_content"><p>机构职能正文</p></div>"#);
        assert_eq!(p.empty_notice, None);
        assert!(p.page_dates.is_empty(), "{:?}", p.page_dates);
        // A page of an unknown shape stays unrecognised despite the sidebar's notice.
        let p = page("<table><tr><td>?</td></tr></table>");
        assert!(p.is_unrecognised());
    }

    #[test]
    fn navigation_pulled_into_a_list_is_not_a_document() {
        // The list's end tags are missing: the side menu's entries land in the list.
        let p = page(
            r#"<ul class="news-list"><li><a href="/info/1/2.htm">通知</a> <em>2020-03-02</em></li>
               <li><a href="/bmym/a/zfxxgkpt/gkzn.htm">公开指南</a></li>"#,
        );
        assert_eq!(p.items.len(), 1);
        assert_eq!(p.ignored.len(), 1, "{:?}", p.ignored);
        assert!(!p.is_unrecognised());
        // Only navigation: not an empty column, an unrecognised one, saying why.
        let p = page(
            r#"<ul class="news-list"><li><a href="/bmym/a/zfxxgkpt/gkzn.htm">公开指南</a>
               <li><a href="/bmym/a/zfxxgkpt/ldxx.htm">领导信息</a>"#,
        );
        assert!(p.items.is_empty() && p.is_unrecognised(), "{p:?}");
        assert!(p.shape_missed().unwrap().contains("都不是文件页的链接"));
    }

    #[test]
    fn documents_the_list_reading_missed_are_not_an_empty_column() {
        // Another template's list: document links in the content pane, none read as items.
        let p = page(
            r#"<div class="list-b"><p><a href="/info/1031/2755.htm">通知</a> 2021-03-05</p></div>"#,
        );
        assert!(p.items.is_empty() && p.is_unrecognised(), "{p:?}");
        assert!(p.shape_missed().unwrap().contains("1个文件页链接"));
        // A pager announcing records the list reading did not find.
        let p = page(r#"<ul class="news-list"></ul><div class="pb_sys_common">共113条 1/6</div>"#);
        assert!(p.is_unrecognised());
        assert!(p.shape_missed().unwrap().contains("共113条"));
        // A truly empty column stays empty.
        let p = page(r#"<ul class="news-list"></ul><div class="no-data">暂无信息</div>"#);
        assert!(p.is_empty() && !p.is_unrecognised() && p.shape_missed().is_none());
    }

    #[test]
    fn a_list_date_is_not_taken_from_the_title() {
        let p = page(
            r#"<ul class="news-list"><li><a href="/info/1/2.htm">关于2019年12月31日前完成清理的通知</a> <em>2020-03-02</em></li></ul>"#,
        );
        assert_eq!(p.items[0].date.unwrap().to_text(), "2020-03-02");
    }

    #[test]
    fn a_page_states_its_date_after_a_label() {
        let dates =
            labelled_dates("指南正文 自2019年1月起施行。发布时间：2020-02-21 16:40 来源：办公室");
        assert_eq!(dates.len(), 1);
        assert_eq!(dates[0].to_text(), "2020-02-21 16:40");
        assert!(labelled_dates("本指南于2019年发布时间不详").is_empty());
    }

    #[test]
    fn trs_pages_count_up() {
        let col = Url::parse("http://x/zwgk/zcwj/index.html").unwrap();
        assert_eq!(
            page_url("{dir}/index_{k0}.html", &col, 2, 5)
                .unwrap()
                .path(),
            "/zwgk/zcwj/index_1.html"
        );
    }
}
