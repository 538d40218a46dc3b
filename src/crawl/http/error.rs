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

    /// Maps a reqwest error of one attempt: its cause in Chinese (the technical chain goes to
    /// the debug log), without its URL (ours is already in the message).
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
        let err = err.without_url();
        tracing::debug!(%url, cause = %cause_chain(&err), "request failed");
        let message = network_cause(&err);
        if is_body {
            FetchError::Body { url, message }
        } else {
            FetchError::Connect { url, message }
        }
    }
}

/// What went wrong on the network, in Chinese, from an error and its sources: the I/O error's
/// kind where one is in the chain, else what its text says (name resolution, TLS, a connection
/// closed early). The technical chain is for the logs ([`cause_chain`]), not for auditors.
pub(crate) fn network_cause(err: &(dyn std::error::Error + 'static)) -> String {
    use std::io::ErrorKind;
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            let said = match io.kind() {
                ErrorKind::ConnectionRefused => Some("连接被拒绝"),
                ErrorKind::ConnectionReset => Some("连接被重置"),
                ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe => Some("连接被中断"),
                ErrorKind::TimedOut => Some("连接超时"),
                ErrorKind::UnexpectedEof => Some("连接意外关闭"),
                ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable => Some("网络不可达"),
                ErrorKind::AddrNotAvailable => Some("地址不可用"),
                _ => None,
            };
            if let Some(said) = said {
                return said.to_string();
            }
        }
        current = e.source();
    }
    let text = cause_chain(err).to_lowercase();
    let said = if text.contains("dns") || text.contains("lookup address") {
        "域名无法解析"
    } else if text.contains("certificate") || text.contains("tls") || text.contains("ssl") {
        "加密连接（TLS/证书）出错"
    } else if text.contains("incomplete")
        || text.contains("closed before")
        || text.contains("connection closed")
        || text.contains("end of file")
    {
        "连接意外关闭"
    } else if text.contains("reset") {
        "连接被重置"
    } else if text.contains("refused") {
        "连接被拒绝"
    } else if text.contains("decod") || text.contains("body") {
        "响应内容读取出错"
    } else {
        "网络错误"
    };
    said.to_string()
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

    /// An error that wraps another, as hyper and reqwest wrap the I/O error.
    #[derive(Debug)]
    struct Wrapped(&'static str, Option<std::io::Error>);

    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Wrapped {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_ref().map(|e| e as _)
        }
    }

    #[test]
    fn network_causes_are_said_in_chinese() {
        use std::io::{Error, ErrorKind};
        let io = |kind| Some(Error::new(kind, "os error"));
        let cases = [
            (
                Wrapped("client error (Connect)", io(ErrorKind::ConnectionRefused)),
                "连接被拒绝",
            ),
            (
                Wrapped("connection error", io(ErrorKind::ConnectionReset)),
                "连接被重置",
            ),
            (Wrapped("error", io(ErrorKind::TimedOut)), "连接超时"),
            (
                Wrapped("dns error: failed to lookup address information", None),
                "域名无法解析",
            ),
            (
                Wrapped("invalid peer certificate: UnknownIssuer", None),
                "加密连接（TLS/证书）出错",
            ),
            (
                Wrapped("connection closed before message completed", None),
                "连接意外关闭",
            ),
            (Wrapped("something else entirely", None), "网络错误"),
        ];
        for (err, said) in cases {
            assert_eq!(network_cause(&err), said, "{err}");
        }
    }

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
