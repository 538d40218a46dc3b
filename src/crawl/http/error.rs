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

/// What went wrong on the network, as far as an error and its sources tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NetworkCause {
    Refused,
    Reset,
    Aborted,
    ClosedEarly,
    ConnectTimeout,
    Unreachable,
    AddressUnavailable,
    NameNotResolved,
    Tls,
    TooManyRedirects,
    NotHttp,
    BodyUnreadable,
    Other,
}

impl NetworkCause {
    /// The cause in Chinese, for auditors.
    pub(crate) fn label(self) -> &'static str {
        match self {
            NetworkCause::Refused => "连接被拒绝",
            NetworkCause::Reset => "连接被重置",
            NetworkCause::Aborted => "连接被中断",
            NetworkCause::ClosedEarly => "连接意外关闭",
            NetworkCause::ConnectTimeout => "连接超时",
            NetworkCause::Unreachable => "网络不可达",
            NetworkCause::AddressUnavailable => "地址不可用",
            NetworkCause::NameNotResolved => "域名无法解析",
            NetworkCause::Tls => "加密连接（TLS/证书）出错",
            NetworkCause::TooManyRedirects => "重定向次数过多或出现循环",
            NetworkCause::NotHttp => "服务器响应不符合 HTTP 协议",
            NetworkCause::BodyUnreadable => "内容不完整或无法解码",
            NetworkCause::Other => "网络错误",
        }
    }

    /// Whether asking again a little later may cure it: a connection refused, reset or closed
    /// early (a server restarting, a busy front end). A name that does not resolve, a
    /// certificate or a protocol error will not pass in seconds.
    pub(crate) fn may_pass(self) -> bool {
        matches!(
            self,
            NetworkCause::Refused
                | NetworkCause::Reset
                | NetworkCause::Aborted
                | NetworkCause::ClosedEarly
        )
    }

    /// The cause of `err`: the I/O error's kind where one is in the chain, else what its text
    /// says (name resolution, TLS, a connection closed early, a redirect loop).
    pub(crate) fn of(err: &(dyn std::error::Error + 'static)) -> Self {
        use std::io::ErrorKind;
        let mut current = Some(err);
        while let Some(e) = current {
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                let kind = match io.kind() {
                    ErrorKind::ConnectionRefused => Some(NetworkCause::Refused),
                    ErrorKind::ConnectionReset => Some(NetworkCause::Reset),
                    ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe => {
                        Some(NetworkCause::Aborted)
                    }
                    ErrorKind::TimedOut => Some(NetworkCause::ConnectTimeout),
                    ErrorKind::UnexpectedEof => Some(NetworkCause::ClosedEarly),
                    ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable => {
                        Some(NetworkCause::Unreachable)
                    }
                    ErrorKind::AddrNotAvailable => Some(NetworkCause::AddressUnavailable),
                    _ => None,
                };
                if let Some(kind) = kind {
                    return kind;
                }
            }
            current = e.source();
        }
        let text = cause_chain(err).to_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
        if has(&["dns", "lookup address"]) {
            NetworkCause::NameNotResolved
        } else if has(&["certificate", "tls", "ssl"]) {
            NetworkCause::Tls
        } else if has(&["redirect"]) {
            NetworkCause::TooManyRedirects
        } else if has(&[
            "incomplete",
            "closed before",
            "connection closed",
            "end of file",
        ]) {
            NetworkCause::ClosedEarly
        } else if has(&["reset"]) {
            NetworkCause::Reset
        } else if has(&["refused"]) {
            NetworkCause::Refused
        } else if has(&["parse", "invalid"]) {
            NetworkCause::NotHttp
        } else if has(&["decod", "body"]) {
            NetworkCause::BodyUnreadable
        } else {
            NetworkCause::Other
        }
    }
}

/// What went wrong on the network, in Chinese ([`NetworkCause`]). The technical chain is for
/// the logs ([`cause_chain`]), not for auditors.
pub(crate) fn network_cause(err: &(dyn std::error::Error + 'static)) -> String {
    NetworkCause::of(err).label().to_string()
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
            (
                Wrapped("error following redirect: too many redirects", None),
                "重定向次数过多或出现循环",
            ),
            (
                Wrapped("invalid HTTP version parsed", None),
                "服务器响应不符合 HTTP 协议",
            ),
            (Wrapped("something else entirely", None), "网络错误"),
        ];
        for (err, said) in cases {
            assert_eq!(network_cause(&err), said, "{err}");
        }
        let refused = Wrapped("connect", io(ErrorKind::ConnectionRefused));
        assert!(NetworkCause::of(&refused).may_pass());
        let dns = Wrapped("dns error: failed to lookup address information", None);
        assert!(!NetworkCause::of(&dns).may_pass());
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
