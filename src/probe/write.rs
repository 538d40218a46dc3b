//! The description as text: every key with a comment saying what it is and how sure the probe
//! is of it, the open questions at the top, the units inline (with the aliases the platform
//! home's links use) so that `gongkai crawl --config` reads it as written.

use std::fmt::Write as _;

use super::draft::{Draft, EMPTY_NOTICES};
use super::report::{Confidence, KeyReport};
use crate::config::{ColumnMatch, CrawlSettings, Platform, UnitClass, UnitConfig};
use crate::model::Table;

/// Everything the text is made of.
pub struct Described<'a> {
    pub portal_name: &'a str,
    pub base_url: &'a url::Url,
    pub year: i32,
    pub platform: Option<Platform>,
    pub crawl: &'a CrawlSettings,
    pub draft: &'a Draft,
    pub keys: &'a [KeyReport],
    pub questions: &'a [String],
    pub guide: &'a ColumnMatch,
    pub policy: &'a ColumnMatch,
    pub units: &'a [UnitConfig],
    pub units_file: &'a str,
    pub not_on_portal: &'a [String],
    /// The key whose comment was written last.
    pub last: std::cell::Cell<Option<&'a KeyReport>>,
}

/// A TOML string.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| q(s)).collect();
    format!("[{}]", items.join(", "))
}

impl<'a> Described<'a> {
    fn key(&self, key: &str) -> Option<&'a KeyReport> {
        self.keys.iter().find(|k| k.key == key)
    }

    /// `# 把握：确定。note` above a key (once for keys judged alike one after another), then
    /// `name = value`.
    fn line(&self, out: &mut String, key: &str, name: &str, value: &str) {
        let k = self.key(key);
        let same = match (k, self.last.take()) {
            (Some(k), Some(b)) => {
                b.note == k.note && b.samples == k.samples && b.confidence == k.confidence
            }
            _ => false,
        };
        self.last.set(k);
        let k = k.filter(|_| !same);
        if let Some(k) = k {
            let mut comment = format!("# 把握：{}。{}", k.confidence.label(), k.note);
            if k.confidence == Confidence::Unsure {
                comment.push_str("（需人工确认）");
            }
            let _ = writeln!(out, "{comment}");
            for s in k.samples.iter().take(3) {
                let _ = writeln!(out, "#   样本：{s}");
            }
        }
        let _ = writeln!(out, "{name} = {value}");
    }

    pub fn text(&self) -> String {
        let d = self.draft;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# {} 的门户描述，由 `gongkai probe` 读取门户后写出（{}）。",
            self.portal_name, self.base_url
        );
        let _ = writeln!(
            out,
            "# 每个选择器都在样本页上用抓取程序自己的读取代码验证过；“把握”说明验证的情况。"
        );
        if self.questions.is_empty() {
            let _ = writeln!(
                out,
                "# 未发现需人工确认的问题：可直接用于 gongkai crawl --config。"
            );
        } else {
            let _ = writeln!(out, "#\n# 需人工确认：");
            for question in self.questions {
                let _ = writeln!(out, "#   - {question}");
            }
        }
        let _ = writeln!(out, "\n[portal]");
        let _ = writeln!(out, "name = {}", q(self.portal_name));
        let base = self.base_url.as_str().trim_end_matches('/');
        let _ = writeln!(out, "base_url = {}", q(base));
        let _ = writeln!(out, "# 考核年度");
        let _ = writeln!(out, "year = {}", self.year);
        match self.platform {
            Some(p) => {
                let _ = writeln!(out, "platform = {}", q(p.as_str()));
            }
            None => {
                let _ = writeln!(out, "# 平台类型未能确定（vsb、trs、hanweb 之一）");
            }
        }
        let c = self.crawl;
        let _ = writeln!(
            out,
            "\n# 抓取礼貌设置：每秒请求数、同时请求数、超时（秒）、重试次数、首次退避（毫秒）"
        );
        let _ = writeln!(out, "[crawl]");
        let _ = writeln!(out, "rate_per_sec = {:?}", c.rate_per_sec);
        let _ = writeln!(out, "concurrency = {}", c.concurrency);
        let _ = writeln!(out, "timeout_secs = {}", c.timeout_secs);
        let _ = writeln!(out, "retries = {}", c.retries);
        let _ = writeln!(out, "backoff_ms = {}", c.backoff_ms);

        let _ = writeln!(out, "\n[pages]");
        let _ = writeln!(out, "# 平台首页（列出各单位的页面）");
        self.line(&mut out, "pages.home", "home", &q(&d.home));
        let _ = writeln!(
            out,
            "# 平台首页上各单位的链接（按链接文字对应名单中的名称或别名）"
        );
        self.line(
            &mut out,
            "pages.home_unit_links",
            "home_unit_links",
            &q(&d.home_unit_links),
        );
        let _ = writeln!(
            out,
            "# 单位首页；{{unit}} 为单位代码（各单位以平台首页的链接为准）"
        );
        self.line(
            &mut out,
            "pages.unit_landing",
            "unit_landing",
            &q(&d.unit_landing),
        );
        let _ = writeln!(out, "# 单位首页上的栏目树（嵌套的 ul/li）");
        self.line(
            &mut out,
            "pages.column_tree",
            "column_tree",
            &q(&d.column_tree),
        );
        let _ = writeln!(out, "# 栏目页的列表及其条目");
        self.line(
            &mut out,
            "pages.list_container",
            "list_container",
            &q(&d.list_container),
        );
        self.line(&mut out, "pages.list_item", "list_item", &q(&d.list_item));
        if let Some(shape) = &d.document_link {
            let _ = writeln!(out, "# 文件页链接的路径（正则）：形状不同的条目不算文件");
            self.line(&mut out, "pages.document_link", "document_link", &q(shape));
        }
        let _ = writeln!(out, "# 列表条目中的日期");
        self.line(&mut out, "pages.list_date", "list_date", &q(&d.list_date));
        let _ = writeln!(out, "# 单篇栏目（如公开指南）的正文");
        self.line(
            &mut out,
            "pages.article_body",
            "article_body",
            &q(&d.article_body),
        );
        if let Some(content) = &d.content {
            let _ = writeln!(
                out,
                "# 内容区：空栏目提示和页面自身日期只在这里读取（侧栏另有）"
            );
            self.line(&mut out, "pages.content", "content", &q(content));
        }
        let _ = writeln!(out, "# 单篇栏目的“更新日期”");
        self.line(
            &mut out,
            "pages.update_time",
            "update_time",
            &q(&d.update_time),
        );
        let notices: Vec<String> = EMPTY_NOTICES.iter().map(|s| s.to_string()).collect();
        let _ = writeln!(out, "# 表示栏目为空的提示文字");
        let _ = writeln!(out, "empty_notices = {}", list(&notices));
        if d.list_proxy == Some(crate::config::ListProxy::Jpage) {
            let _ = writeln!(
                out,
                "# 列表不在页面中，由 jpage 数据接口（dataproxy.jsp）按页面脚本给出的参数取得"
            );
            self.line(&mut out, "pages.list_proxy", "list_proxy", &q("jpage"));
        }
        let _ = writeln!(
            out,
            "# 分页：分页块、从分页文字读页数的正则（第一个括号为页数）、第 k 页的地址"
        );
        self.line(&mut out, "pages.pager", "pager", &q(&d.pager));
        self.line(
            &mut out,
            "pages.pager_total_regex",
            "pager_total_regex",
            &q(&d.pager_total_regex),
        );
        self.line(&mut out, "pages.page_url", "page_url", &q(&d.page_url));
        let _ = writeln!(
            out,
            "# 文件页：标题、目录信息表（索引号、发布机构、发布日期……）、附件链接"
        );
        self.line(
            &mut out,
            "pages.detail_title",
            "detail_title",
            &q(&d.detail_title),
        );
        self.line(
            &mut out,
            "pages.detail_meta_table",
            "detail_meta_table",
            &q(&d.detail_meta_table),
        );
        self.line(
            &mut out,
            "pages.attachments",
            "attachments",
            &q(&d.attachments),
        );

        let _ = writeln!(out, "\n# 互动交流（留言板）");
        let _ = writeln!(out, "[messages]");
        self.line(&mut out, "messages.list", "list", &q(&d.board_list));
        self.line(&mut out, "messages.row", "row", &q(&d.board_row));
        self.line(
            &mut out,
            "messages.meta_fields",
            "meta_fields",
            &q(&d.meta_fields),
        );
        self.line(&mut out, "messages.reply", "reply", &q(&d.reply));
        let _ = writeln!(out, "# 字段标签（冒号前的文字）");
        self.line(
            &mut out,
            "messages.label_submitted",
            "label_submitted",
            &list(&d.label_submitted),
        );
        let _ = writeln!(out, "label_unit = {}", list(&d.label_unit));
        let _ = writeln!(out, "label_status = {}", list(&d.label_status));
        let _ = writeln!(out, "label_reply_time = {}", list(&d.label_reply_time));

        let _ = writeln!(
            out,
            "\n# 各项检查所依据的栏目：按栏目名称或地址末段（代码）识别"
        );
        let _ = writeln!(out, "[columns]");
        for (name, role) in [("guide", self.guide), ("policy", self.policy)] {
            let _ = writeln!(
                out,
                "{name} = {{ names = {}, codes = {} }}",
                list(&role.names),
                list(&role.codes)
            );
        }

        let _ = writeln!(
            out,
            "\n# 单位：来自 {}（名称、类别、别名、邮箱）；平台首页链接所用的名称已补入别名。",
            self.units_file
        );
        if !self.not_on_portal.is_empty() {
            let _ = writeln!(
                out,
                "# 平台首页上没有找到：{}（抓取时这些单位会记为无法访问，请核对名称）",
                self.not_on_portal.join("、")
            );
        }
        for u in self.units {
            let _ = writeln!(out, "\n[[units]]");
            let _ = writeln!(out, "name = {}", q(&u.name));
            let table = match u.table {
                Table::Township => "township",
                Table::Department => "department",
            };
            let _ = writeln!(out, "table = {}", q(table));
            if let Some(class) = u.class {
                let class = match class {
                    UnitClass::A => "A",
                    UnitClass::B => "B",
                };
                let _ = writeln!(out, "class = {}", q(class));
            }
            if let Some(code) = &u.code {
                let _ = writeln!(out, "code = {}", q(code));
            }
            if !u.aliases.is_empty() {
                let _ = writeln!(out, "aliases = {}", list(&u.aliases));
            }
            if !u.emails.is_empty() {
                let _ = writeln!(out, "emails = {}", list(&u.emails));
            }
        }
        out
    }
}
