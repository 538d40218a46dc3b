//! The description being worked out: every key's text, starting from the family's known
//! shapes, compiled into the crawler's own types so that each guess is tried by the very
//! readers a crawl uses.

use crate::config::{Css, ListProxy, MessageBoard, PageShapes, Pattern, Platform};

/// Notices that mean "this column is empty", as the family's sites write them.
pub const EMPTY_NOTICES: [&str; 6] = [
    "暂无信息",
    "暂无内容",
    "暂无数据",
    "栏目建设中",
    "没有相关信息",
    "暂无相关信息",
];

/// Label synonyms of the message board's fields.
pub const LABEL_SUBMITTED: [&str; 6] = [
    "提交时间",
    "留言时间",
    "来信时间",
    "写信时间",
    "来信日期",
    "留言日期",
];
pub const LABEL_UNIT: [&str; 4] = ["受理单位", "办理单位", "处理单位", "承办单位"];
pub const LABEL_STATUS: [&str; 5] = ["受理状态", "办理状态", "状态", "处理状态", "办理情况"];
pub const LABEL_REPLY_TIME: [&str; 6] = [
    "回复时间",
    "答复时间",
    "办结时间",
    "回复日期",
    "答复日期",
    "处理时间",
];

/// Text of every key of `[pages]` and `[messages]`.
#[derive(Debug, Clone)]
pub struct Draft {
    pub home: String,
    pub home_unit_links: String,
    pub unit_landing: String,
    pub column_tree: String,
    pub list_container: String,
    pub list_item: String,
    pub document_link: Option<String>,
    pub list_date: String,
    pub article_body: String,
    pub content: Option<String>,
    pub update_time: String,
    /// Hanweb's jpage data proxy, where the lists are.
    pub list_proxy: Option<ListProxy>,
    pub pager: String,
    pub pager_total_regex: String,
    pub page_url: String,
    pub detail_title: String,
    pub detail_meta_table: String,
    pub attachments: String,
    pub board_list: String,
    pub board_row: String,
    pub meta_fields: String,
    pub reply: String,
    pub label_submitted: Vec<String>,
    pub label_unit: Vec<String>,
    pub label_status: Vec<String>,
    pub label_reply_time: Vec<String>,
}

/// The pager shapes a family's sites use: (pager, total regex, page URL).
pub fn pagers(platform: Option<Platform>) -> Vec<(&'static str, &'static str, &'static str)> {
    let vsb = [
        // 博达 pb_sys_common: 共14条 … 1/2; pages count down: {stem}/{N-1}.htm … {stem}/1.htm.
        (".pb_sys_common", r"\d+\s*/\s*(\d+)", "{stem}/{rev}.htm"),
        // The older fanyeNNNN table cell: 共113条&nbsp;&nbsp;1/6.
        ("[id^=fanye]", r"\d+\s*/\s*(\d+)", "{stem}/{rev}.htm"),
    ];
    let trs = [(
        "script",
        r#"createPageHTML\(\s*(?:[\x27"][^\x27"]*[\x27"]\s*,\s*)?(\d+)\s*,\s*\d+\s*,\s*[\x27"](?P<name>[^\x27"]+)[\x27"]\s*,\s*[\x27"](?P<ext>[^\x27"]+)[\x27"]"#,
        "{dir}/{name}_{k0}.{ext}",
    )];
    // A static 共N页 pager whose page k is index_k.html (Hanweb lists outside the data proxy).
    let hanweb = [(
        ".pagination, .pages, .default_pgContainer",
        r"共\s*(\d+)\s*页",
        "{dir}/index_{k}.html",
    )];
    match platform {
        Some(Platform::Trs) => trs.into_iter().chain(vsb).chain(hanweb).collect(),
        Some(Platform::Hanweb) => hanweb.into_iter().chain(vsb).chain(trs).collect(),
        _ => vsb.into_iter().chain(trs).chain(hanweb).collect(),
    }
}

impl Draft {
    /// The family's known shapes; every one is tried on the samples before it is kept.
    pub fn for_family(platform: Option<Platform>) -> Draft {
        fn label(l: &[&str]) -> Vec<String> {
            l.iter().map(|s| s.to_string()).collect()
        }
        let (pager, total, page_url) = pagers(platform)[0];
        let (article_body, detail_title, attachments) = match platform {
            Some(Platform::Trs) => (
                ".TRS_Editor",
                "meta[name=ArticleTitle]",
                "a[href*='/P0'], a[href$='.pdf'], a[href$='.doc'], a[href$='.docx']",
            ),
            Some(Platform::Hanweb) => (
                "#zoom, .bt_content, .article-content",
                "meta[name=ArticleTitle]",
                "a[href$='.pdf'], a[href$='.doc'], a[href$='.docx'], a[href*='jcms_files']",
            ),
            _ => (
                "#vsb_content, .v_news_content",
                "meta[name=ArticleTitle]",
                "a[href*='download.jsp']",
            ),
        };
        Draft {
            home: "/".into(),
            home_unit_links: "a".into(),
            unit_landing: "/{unit}".into(),
            column_tree: "ul".into(),
            list_container: "ul".into(),
            list_item: "ul > li".into(),
            document_link: platform.map(|p| p.document_link().to_string()),
            list_date: ".date, span".into(),
            article_body: article_body.into(),
            content: None,
            update_time: ".update-time".into(),
            list_proxy: (platform == Some(Platform::Hanweb)).then_some(ListProxy::Jpage),
            pager: pager.into(),
            pager_total_regex: total.into(),
            page_url: page_url.into(),
            detail_title: detail_title.into(),
            detail_meta_table: "table".into(),
            attachments: attachments.into(),
            board_list: "/".into(),
            board_row: "table tr".into(),
            meta_fields: "span".into(),
            reply: ".reply".into(),
            label_submitted: label(&LABEL_SUBMITTED),
            label_unit: label(&LABEL_UNIT),
            label_status: label(&LABEL_STATUS),
            label_reply_time: label(&LABEL_REPLY_TIME),
        }
    }

    /// The page shapes as the crawler holds them; `Err` names the key whose text does not
    /// compile.
    pub fn shapes(&self) -> Result<PageShapes, String> {
        let css = |key: &str, v: &str| Css::parse(v).map_err(|e| format!("pages.{key}：{e}"));
        let pattern =
            |key: &str, v: &str| Pattern::parse(v).map_err(|e| format!("pages.{key}：{e}"));
        Ok(PageShapes {
            home: self.home.clone(),
            home_unit_links: css("home_unit_links", &self.home_unit_links)?,
            unit_landing: self.unit_landing.clone(),
            column_tree: css("column_tree", &self.column_tree)?,
            list_container: css("list_container", &self.list_container)?,
            list_item: css("list_item", &self.list_item)?,
            document_link: self
                .document_link
                .as_deref()
                .map(|d| pattern("document_link", d))
                .transpose()?,
            list_date: css("list_date", &self.list_date)?,
            article_body: css("article_body", &self.article_body)?,
            content: self
                .content
                .as_deref()
                .map(|c| css("content", c))
                .transpose()?,
            update_time: css("update_time", &self.update_time)?,
            empty_notices: EMPTY_NOTICES.iter().map(|s| s.to_string()).collect(),
            list_proxy: self.list_proxy,
            pager: css("pager", &self.pager)?,
            pager_total_regex: pattern("pager_total_regex", &self.pager_total_regex)?,
            page_url: self.page_url.clone(),
            detail_title: css("detail_title", &self.detail_title)?,
            detail_meta_table: css("detail_meta_table", &self.detail_meta_table)?,
            attachments: css("attachments", &self.attachments)?,
        })
    }

    /// The message board as the crawler holds it.
    pub fn board(&self) -> Result<MessageBoard, String> {
        let css = |key: &str, v: &str| Css::parse(v).map_err(|e| format!("messages.{key}：{e}"));
        Ok(MessageBoard {
            list: self.board_list.clone(),
            row: css("row", &self.board_row)?,
            meta_fields: css("meta_fields", &self.meta_fields)?,
            reply: css("reply", &self.reply)?,
            label_submitted: self.label_submitted.clone(),
            label_unit: self.label_unit.clone(),
            label_status: self.label_status.clone(),
            label_reply_time: self.label_reply_time.clone(),
            // The columns' pager (tried on the board's list too).
            pager: None,
            pager_total_regex: None,
            page_url: None,
        })
    }
}
