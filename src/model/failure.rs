//! Why a page or file could not be read, as the snapshot carries it to the checks.
//!
//! [`FetchFailure`] is the HTTP layer's classification of a failed fetch (a WAF's 403, a
//! timeout, an off-site redirect, a 5xx, a body over the limit, …); [`PageFailure`] is what the
//! crawler could not read and why (a fetch failure, a landing page without a column list, a
//! download that is not a PDF, the board's pages, …). Their `Display` is the Chinese sentence the
//! auditor reads in a finding's detail and evidence.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A fetch that did not produce a usable response. Every kind but `Client` names its URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FetchFailure {
    /// The URL is not on the configured portal; nothing was sent.
    OffSite { url: String },
    /// The server answered with a status that is not a success (403 from a WAF, 404, 5xx, …).
    Status { url: String, status: u16 },
    /// No complete answer within the configured timeout.
    Timeout { url: String },
    /// The body is larger than the configured limit.
    TooLarge { url: String, limit: usize },
    /// Too many redirect hops, or a redirect loop.
    TooManyRedirects { url: String },
    /// A redirect pointed outside the portal; it was not followed.
    RedirectOffSite { url: String, target: String },
    /// The connection could not be made or broke before an answer arrived.
    Connect { url: String, message: String },
    /// The answer started but its body could not be read to the end.
    Body { url: String, message: String },
    /// The portal's robots.txt does not let gongkai fetch this URL; nothing was sent.
    RobotsDisallowed { url: String },
    /// The HTTP client could not be set up or the request not built.
    Client { message: String },
}

impl FetchFailure {
    /// The URL the failure is about (`None` only for `Client`).
    pub fn url(&self) -> Option<&str> {
        match self {
            FetchFailure::OffSite { url }
            | FetchFailure::Status { url, .. }
            | FetchFailure::Timeout { url }
            | FetchFailure::TooLarge { url, .. }
            | FetchFailure::TooManyRedirects { url }
            | FetchFailure::RedirectOffSite { url, .. }
            | FetchFailure::Connect { url, .. }
            | FetchFailure::Body { url, .. }
            | FetchFailure::RobotsDisallowed { url } => Some(url),
            FetchFailure::Client { .. } => None,
        }
    }

    /// The HTTP status the server answered, when it answered with one.
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchFailure::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

impl fmt::Display for FetchFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchFailure::OffSite { url } => {
                write!(f, "拒绝抓取 {url}：不在所配置的门户网站范围内")
            }
            FetchFailure::Status { url, status } => {
                write!(f, "抓取 {url} 失败：服务器返回 {status}")
            }
            FetchFailure::Timeout { url } => write!(f, "抓取 {url} 失败：请求超时"),
            FetchFailure::TooLarge { url, limit } => {
                write!(f, "抓取 {url} 失败：响应内容超过 {limit} 字节上限")
            }
            FetchFailure::TooManyRedirects { url } => {
                write!(f, "抓取 {url} 失败：重定向次数过多或出现循环")
            }
            FetchFailure::RedirectOffSite { url, target } => {
                write!(f, "抓取 {url} 失败：重定向到门户网站以外的地址 {target}")
            }
            FetchFailure::Connect { url, message } => {
                write!(f, "抓取 {url} 失败：无法连接服务器（{message}）")
            }
            FetchFailure::Body { url, message } => {
                write!(f, "抓取 {url} 失败：读取响应内容出错（{message}）")
            }
            FetchFailure::RobotsDisallowed { url } => write!(
                f,
                "网站的 robots.txt 不允许抓取 {url}，未请求（如本单位有权检查，可在门户描述中设 crawl.robots = \"ignore\"）"
            ),
            FetchFailure::Client { message } => write!(f, "无法创建 HTTP 客户端：{message}"),
        }
    }
}

/// Something the crawler could not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageFailure {
    /// The page (landing page, column page, guide document, attachment) could not be fetched.
    Fetch(FetchFailure),
    /// The unit's landing page was read but shows no column list.
    NoColumnTree,
    /// List page `page` of a column could not be fetched.
    ListPage { page: usize, failure: FetchFailure },
    /// The column has `total` list pages, over the cap; only the first `read` were read.
    ColumnOverCap { total: usize, read: usize },
    /// The document page of a sampled document could not be read: its attachments are unknown.
    DocumentUnread,
    /// The attachment was downloaded but is not a PDF (`html`: it is an HTML page).
    NotPdf { bytes: usize, html: bool },
    /// The message board's first list page could not be fetched.
    BoardHome(FetchFailure),
    /// List page `page` of the message board could not be fetched.
    BoardPage { page: usize, failure: FetchFailure },
    /// The board has `total` list pages, over the cap of `read`; the rest were not read.
    BoardOverCap { total: usize, read: usize },
    /// A message's page could not be fetched.
    Message {
        title: String,
        failure: FetchFailure,
    },
    /// A message's page shows no readable submission time.
    MessageUndated { title: String, url: String },
    /// The board's job of a distributed run did not finish.
    BoardNotRead,
    /// A message's list row and its page give different submission days.
    MessageDatesDisagree {
        title: String,
        url: String,
        list: String,
        page: String,
    },
    /// A message's page gives a submission time more than a year after as-of (its list row
    /// had none): no real message of the year.
    MessageDateImplausible {
        title: String,
        url: String,
        submitted: String,
        as_of: String,
    },
    /// The page's bytes decode to text with errors in every encoding tried: its text would be
    /// mojibake, so nothing on it is judged.
    Undecodable { url: String, encoding: String },
    /// The pager claims `claimed` pages, but `missing` list pages in a row could not be read:
    /// the pages from `next` on were not requested.
    PagerStopped {
        claimed: usize,
        missing: usize,
        next: usize,
    },
    /// The column page shows documents its list reading did not find (entries that link no
    /// document page, document links elsewhere in the content pane, records the pager
    /// announces): broken markup, or a list of another shape. The sentence says which.
    ShapeMissed(String),
    /// The page's markup is over the limits of one page (tags, nesting): it was not parsed.
    TooComplex {
        url: String,
        elements: usize,
        depth: usize,
    },
    /// The unit has no code (`pages.unit_landing`) and the platform home links none of its
    /// names: its landing page is unknown.
    UnitNotOnHome,
}

impl From<FetchFailure> for PageFailure {
    fn from(f: FetchFailure) -> Self {
        PageFailure::Fetch(f)
    }
}

impl fmt::Display for PageFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PageFailure::Fetch(failure) => failure.fmt(f),
            PageFailure::NoColumnTree => {
                f.write_str("单位页面上没有找到栏目列表（页面结构无法识别）")
            }
            PageFailure::ListPage { page, failure } => write!(f, "第{page}页无法读取：{failure}"),
            PageFailure::ColumnOverCap { total, read } => {
                write!(f, "栏目共{total}页，超过上限{read}页，只读取了前{read}页")
            }
            PageFailure::DocumentUnread => f.write_str("文件页面无法读取，不知是否有PDF附件"),
            PageFailure::NotPdf { bytes, html } => write!(
                f,
                "下载得到的不是PDF文件（{bytes}字节，{}）",
                if *html {
                    "为HTML页面，可能是下载脚本的错误页"
                } else {
                    "文件头不是%PDF"
                }
            ),
            PageFailure::BoardHome(failure) => write!(f, "留言板首页无法读取：{failure}"),
            PageFailure::BoardPage { page, failure } => {
                write!(f, "留言板第{page}页无法读取：{failure}")
            }
            PageFailure::BoardOverCap { total, read } => {
                write!(f, "留言板共{total}页，超过上限{read}页，后面的页未读取")
            }
            PageFailure::Message { title, failure } => {
                write!(f, "留言《{title}》无法读取：{failure}")
            }
            PageFailure::MessageUndated { title, url } => {
                write!(f, "留言《{title}》（{url}）没有可读的提交时间")
            }
            PageFailure::BoardNotRead => f.write_str("留言板未能读取（任务未完成）"),
            PageFailure::MessageDatesDisagree {
                title,
                url,
                list,
                page,
            } => write!(
                f,
                "留言《{title}》（{url}）列表显示提交日期{list}，留言页显示{page}，二者不一致"
            ),
            PageFailure::MessageDateImplausible {
                title,
                url,
                submitted,
                as_of,
            } => write!(
                f,
                "留言《{title}》（{url}）的提交时间{submitted}晚于考核截止日{as_of}一年以上，日期不可信"
            ),
            PageFailure::Undecodable { url, encoding } => write!(
                f,
                "页面 {url} 的文字无法正确解码（按{encoding}解码出现乱码），内容未采用"
            ),
            PageFailure::PagerStopped {
                claimed,
                missing,
                next,
            } => write!(
                f,
                "分页显示共{claimed}页，但连续{missing}页无法读取，第{next}页起未再请求"
            ),
            PageFailure::ShapeMissed(why) => {
                write!(f, "{why}，页面可能残缺或列表结构与配置不符")
            }
            PageFailure::TooComplex {
                url,
                elements,
                depth,
            } => write!(
                f,
                "页面 {url} 的结构超出单页上限（{elements}个标签，嵌套{depth}层），未解析"
            ),
            PageFailure::UnitNotOnHome => f.write_str(
                "平台首页上没有该单位名称或别名的链接，又未配置单位代码，找不到单位页面",
            ),
        }
    }
}

impl PageFailure {
    /// Several problems as one sentence, `；`-separated (`None` when there is none).
    pub fn join(failures: &[PageFailure]) -> Option<String> {
        if failures.is_empty() {
            return None;
        }
        Some(
            failures
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("；"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16) -> FetchFailure {
        FetchFailure::Status {
            url: "http://x.gov.cn/a.htm".into(),
            status: code,
        }
    }

    /// The wording is what auditors have been reading; it must not drift.
    #[test]
    fn sentences_keep_their_wording() {
        let url = "http://x.gov.cn/a.htm".to_string();
        let cases = [
            (
                PageFailure::Fetch(status(403)),
                "抓取 http://x.gov.cn/a.htm 失败：服务器返回 403",
            ),
            (
                PageFailure::ListPage {
                    page: 2,
                    failure: FetchFailure::Timeout { url: url.clone() },
                },
                "第2页无法读取：抓取 http://x.gov.cn/a.htm 失败：请求超时",
            ),
            (
                PageFailure::ColumnOverCap { total: 9, read: 5 },
                "栏目共9页，超过上限5页，只读取了前5页",
            ),
            (
                PageFailure::NotPdf {
                    bytes: 120,
                    html: true,
                },
                "下载得到的不是PDF文件（120字节，为HTML页面，可能是下载脚本的错误页）",
            ),
            (
                PageFailure::NotPdf {
                    bytes: 4,
                    html: false,
                },
                "下载得到的不是PDF文件（4字节，文件头不是%PDF）",
            ),
            (
                PageFailure::Fetch(FetchFailure::RedirectOffSite {
                    url: url.clone(),
                    target: "http://evil.example/".into(),
                }),
                "抓取 http://x.gov.cn/a.htm 失败：重定向到门户网站以外的地址 http://evil.example/",
            ),
            (
                PageFailure::BoardHome(FetchFailure::Connect {
                    url: url.clone(),
                    message: "connection refused".into(),
                }),
                "留言板首页无法读取：抓取 http://x.gov.cn/a.htm 失败：无法连接服务器（connection refused）",
            ),
            (
                PageFailure::Undecodable {
                    url: url.clone(),
                    encoding: "UTF-8".into(),
                },
                "页面 http://x.gov.cn/a.htm 的文字无法正确解码（按UTF-8解码出现乱码），内容未采用",
            ),
            (
                PageFailure::TooComplex {
                    url: url.clone(),
                    elements: 100_001,
                    depth: 100_001,
                },
                "页面 http://x.gov.cn/a.htm 的结构超出单页上限（100001个标签，嵌套100001层），未解析",
            ),
            (
                PageFailure::BoardOverCap { total: 30, read: 20 },
                "留言板共30页，超过上限20页，后面的页未读取",
            ),
            (
                PageFailure::Message {
                    title: "路灯".into(),
                    failure: status(503),
                },
                "留言《路灯》无法读取：抓取 http://x.gov.cn/a.htm 失败：服务器返回 503",
            ),
        ];
        for (failure, text) in cases {
            assert_eq!(failure.to_string(), text);
            // The snapshot's JSON form between jobs keeps every detail.
            let json = serde_json::to_string(&failure).unwrap();
            assert_eq!(serde_json::from_str::<PageFailure>(&json).unwrap(), failure);
        }
        assert_eq!(status(403).status(), Some(403));
        assert_eq!(status(403).url(), Some(url.as_str()));
    }

    #[test]
    fn problems_join_in_order() {
        assert_eq!(PageFailure::join(&[]), None);
        let both = [
            PageFailure::ColumnOverCap { total: 9, read: 5 },
            PageFailure::ListPage {
                page: 3,
                failure: status(500),
            },
        ];
        assert_eq!(
            PageFailure::join(&both).as_deref(),
            Some("栏目共9页，超过上限5页，只读取了前5页；第3页无法读取：抓取 http://x.gov.cn/a.htm 失败：服务器返回 500")
        );
    }
}
