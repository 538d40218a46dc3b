//! Why a fetch failed. Every variant names the URL it is about; messages are in Chinese because
//! they end up in the auditor's report. The snapshot carries the failure as a
//! [`FetchFailure`], whose sentence is the message of the error.

use url::Url;

use crate::model::FetchFailure;

/// A fetch that did not produce a usable response.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The URL is not on the configured portal; nothing was sent.
    OffSite { url: Url },
    /// The server answered with a status that is not a success (after any retries).
    Status { url: Url, status: u16 },
    /// No complete answer (headers and body) within the configured timeout.
    Timeout { url: Url },
    /// The body is larger than `max_body_bytes`.
    TooLarge { url: Url, limit: usize },
    /// More than the allowed number of redirect hops, or a redirect loop.
    TooManyRedirects { url: Url },
    /// A redirect pointed outside the portal; it was not followed.
    RedirectOffSite { url: Url, target: Box<Url> },
    /// The connection could not be made or broke before an answer arrived.
    Connect { url: Url, message: String },
    /// The answer started but its body could not be read to the end.
    Body { url: Url, message: String },
    /// The portal's robots.txt does not let gongkai fetch this URL; nothing was sent.
    RobotsDisallowed { url: Url },
    /// The HTTP client could not be set up (bad settings); not tied to a URL.
    Client { message: String },
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        FetchFailure::from(self).fmt(f)
    }
}

impl From<&FetchError> for FetchFailure {
    fn from(err: &FetchError) -> Self {
        let url = |u: &Url| u.to_string();
        match err {
            FetchError::OffSite { url: u } => FetchFailure::OffSite { url: url(u) },
            FetchError::Status { url: u, status } => FetchFailure::Status {
                url: url(u),
                status: *status,
            },
            FetchError::Timeout { url: u } => FetchFailure::Timeout { url: url(u) },
            FetchError::TooLarge { url: u, limit } => FetchFailure::TooLarge {
                url: url(u),
                limit: *limit,
            },
            FetchError::TooManyRedirects { url: u } => {
                FetchFailure::TooManyRedirects { url: url(u) }
            }
            FetchError::RedirectOffSite { url: u, target } => FetchFailure::RedirectOffSite {
                url: url(u),
                target: target.to_string(),
            },
            FetchError::Connect { url: u, message } => FetchFailure::Connect {
                url: url(u),
                message: message.clone(),
            },
            FetchError::Body { url: u, message } => FetchFailure::Body {
                url: url(u),
                message: message.clone(),
            },
            FetchError::RobotsDisallowed { url: u } => {
                FetchFailure::RobotsDisallowed { url: url(u) }
            }
            FetchError::Client { message } => FetchFailure::Client {
                message: message.clone(),
            },
        }
    }
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
            | FetchError::Body { url, .. }
            | FetchError::RobotsDisallowed { url } => Some(url),
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
            | FetchError::RobotsDisallowed { .. }
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
pub(crate) fn cause_chain(err: &(dyn std::error::Error + 'static)) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages auditors read (and the snapshot's failures) keep their wording.
    #[test]
    fn messages_are_the_failures_sentences() {
        let url = Url::parse("http://x.gov.cn/a.htm").unwrap();
        let cases = [
            (
                FetchError::OffSite { url: url.clone() },
                "拒绝抓取 http://x.gov.cn/a.htm：不在所配置的门户网站范围内",
            ),
            (
                FetchError::Status {
                    url: url.clone(),
                    status: 403,
                },
                "抓取 http://x.gov.cn/a.htm 失败：服务器返回 403",
            ),
            (
                FetchError::Timeout { url: url.clone() },
                "抓取 http://x.gov.cn/a.htm 失败：请求超时",
            ),
            (
                FetchError::TooLarge {
                    url: url.clone(),
                    limit: 10,
                },
                "抓取 http://x.gov.cn/a.htm 失败：响应内容超过 10 字节上限",
            ),
            (
                FetchError::TooManyRedirects { url: url.clone() },
                "抓取 http://x.gov.cn/a.htm 失败：重定向次数过多或出现循环",
            ),
            (
                FetchError::RedirectOffSite {
                    url: url.clone(),
                    target: Box::new(Url::parse("http://evil.example/x").unwrap()),
                },
                "抓取 http://x.gov.cn/a.htm 失败：重定向到门户网站以外的地址 http://evil.example/x",
            ),
            (
                FetchError::Connect {
                    url: url.clone(),
                    message: "refused".into(),
                },
                "抓取 http://x.gov.cn/a.htm 失败：无法连接服务器（refused）",
            ),
            (
                FetchError::Body {
                    url: url.clone(),
                    message: "reset".into(),
                },
                "抓取 http://x.gov.cn/a.htm 失败：读取响应内容出错（reset）",
            ),
            (
                FetchError::Client {
                    message: "bad".into(),
                },
                "无法创建 HTTP 客户端：bad",
            ),
        ];
        for (err, text) in cases {
            assert_eq!(err.to_string(), text);
            let failure = FetchFailure::from(&err);
            assert_eq!(failure.to_string(), text);
            assert_eq!(failure.url(), err.url().map(Url::as_str));
        }
    }
}
