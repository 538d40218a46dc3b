//! Why a fetch failed. Every variant names the URL it is about; messages are in Chinese because
//! they end up in the auditor's report.

use url::Url;

/// A fetch that did not produce a usable response.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The URL is not on the configured portal; nothing was sent.
    #[error("拒绝抓取 {url}：不在所配置的门户网站范围内")]
    OffSite { url: Url },
    /// The server answered with a status that is not a success (after any retries).
    #[error("抓取 {url} 失败：服务器返回 {status}")]
    Status { url: Url, status: u16 },
    /// No complete answer (headers and body) within the configured timeout.
    #[error("抓取 {url} 失败：请求超时")]
    Timeout { url: Url },
    /// The body is larger than `max_body_bytes`.
    #[error("抓取 {url} 失败：响应内容超过 {limit} 字节上限")]
    TooLarge { url: Url, limit: usize },
    /// More than the allowed number of redirect hops, or a redirect loop.
    #[error("抓取 {url} 失败：重定向次数过多或出现循环")]
    TooManyRedirects { url: Url },
    /// A redirect pointed outside the portal; it was not followed.
    #[error("抓取 {url} 失败：重定向到门户网站以外的地址 {target}")]
    RedirectOffSite { url: Url, target: Box<Url> },
    /// The connection could not be made or broke before an answer arrived.
    #[error("抓取 {url} 失败：无法连接服务器（{message}）")]
    Connect { url: Url, message: String },
    /// The answer started but its body could not be read to the end.
    #[error("抓取 {url} 失败：读取响应内容出错（{message}）")]
    Body { url: Url, message: String },
    /// The HTTP client could not be set up (bad settings); not tied to a URL.
    #[error("无法创建 HTTP 客户端：{message}")]
    Client { message: String },
}

impl FetchError {
    /// The URL the error is about (`None` only for [`FetchError::Client`]).
    pub fn url(&self) -> Option<&Url> {
        match self {
            FetchError::OffSite { url }
            | FetchError::Status { url, .. }
            | FetchError::Timeout { url }
            | FetchError::TooLarge { url, .. }
            | FetchError::TooManyRedirects { url }
            | FetchError::RedirectOffSite { url, .. }
            | FetchError::Connect { url, .. }
            | FetchError::Body { url, .. } => Some(url),
            FetchError::Client { .. } => None,
        }
    }

    /// Whether trying again later may cure it: 5xx, 408, 429, timeouts and broken connections.
    /// Other 4xx (403 from the WAF, 404, 410) are final: retrying them only annoys the server.
    pub fn is_retryable(&self) -> bool {
        match self {
            FetchError::Status { status, .. } => *status >= 500 || *status == 408 || *status == 429,
            FetchError::Timeout { .. } | FetchError::Connect { .. } | FetchError::Body { .. } => {
                true
            }
            FetchError::OffSite { .. }
            | FetchError::TooLarge { .. }
            | FetchError::TooManyRedirects { .. }
            | FetchError::RedirectOffSite { .. }
            | FetchError::Client { .. } => false,
        }
    }

    /// Maps a reqwest error of one attempt, keeping its cause chain but not its URL (ours is
    /// already in the message).
    pub(crate) fn from_reqwest(url: &Url, err: reqwest::Error) -> Self {
        let url = url.clone();
        if err.is_timeout() {
            return FetchError::Timeout { url };
        }
        if err.is_builder() {
            // A header we were given (an ETag, say) cannot be sent; retrying will not help.
            return FetchError::Client {
                message: format!(
                    "无法构造对 {url} 的请求：{}",
                    cause_chain(&err.without_url())
                ),
            };
        }
        let is_body = err.is_body() || err.is_decode();
        let message = cause_chain(&err.without_url());
        if is_body {
            FetchError::Body { url, message }
        } else {
            FetchError::Connect { url, message }
        }
    }
}

/// "outer: inner: root" for an error and its sources, without repeated parts.
fn cause_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(err);
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}
