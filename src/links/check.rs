//! One link's check, politely: a `HEAD`, and a `GET` (a short prefix of its body read, then
//! dropped) when the `HEAD` fails or answers 405/501; redirects followed hop by hop under the
//! same rules; a failure that may pass asked once more. The portal's host is asked through the
//! crawl's fetcher (its rate, concurrency, the workers' shared turns, `Crawl-delay`); every
//! other host at `off_site_rate_per_sec`, one request in flight at a time. Nothing here panics
//! on what a server answers.

use std::collections::{HashMap, HashSet};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::Method;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use url::Url;

use crate::crawl::http::retry::{retry_after, MAX_RETRY_AFTER};
use crate::crawl::http::{cause_chain, FetchError, Fetcher, NetworkCause, Turn, MAX_REDIRECTS};
use crate::indicators::links::{what_failed, CheckedBy};

/// Bytes of a `GET` body read before it is dropped: enough for the server to have answered.
const GET_PREFIX_BYTES: usize = 16 * 1024;
/// The wait before a link that failed in a way that may pass is asked again.
pub const RETRY_DELAY: Duration = Duration::from_secs(2);
/// Connecting must not take the whole budget of a slow answer.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What checking a link found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub checked_by: CheckedBy,
    /// The final status; `None` when no answer came.
    pub status: Option<u16>,
    /// Where redirects led, when they did.
    pub final_url: Option<String>,
    /// Why no usable answer came, or why the link was not checked (Chinese).
    pub error: Option<String>,
    pub broken: bool,
}

impl Outcome {
    /// Not checked, and why.
    pub fn unchecked(why: impl Into<String>) -> Self {
        Outcome {
            checked_by: CheckedBy::None,
            status: None,
            final_url: None,
            error: Some(why.into()),
            broken: false,
        }
    }

    /// The status of the run's own fetch of the URL (recorded by the crawl: `status` 0 when no
    /// answer came, `error` the crawl's sentence), when it says whether the link opens: an
    /// answer, a timeout or no connection. A fetch the crawl refused or cut (off the portal,
    /// robots.txt, a body over its limit, a redirect elsewhere) says nothing of the link.
    pub fn of_crawl(status: u16, error: Option<&str>) -> Option<Self> {
        let reused = |status: Option<u16>, error: Option<String>, broken| Outcome {
            checked_by: CheckedBy::Crawl,
            status,
            final_url: None,
            error,
            broken,
        };
        match (status, error) {
            (400.., _) => Some(reused(Some(status), None, true)),
            (1.., None) => Some(reused(Some(status), None, false)),
            (_, Some(e)) => {
                let (_, detail) = e.split_once("失败：")?;
                (detail.starts_with("请求超时") || detail.starts_with("无法连接服务器"))
                    .then(|| reused(None, Some(format!("抓取时{detail}")), true))
            }
            _ => None,
        }
    }
}

/// A request's failure; its technical chain to the debug log.
fn cause_of(e: reqwest::Error) -> NetworkCause {
    let e = e.without_url();
    tracing::debug!(cause = %cause_chain(&e), "link request failed");
    NetworkCause::of(&e)
}

/// Why a request brought no status.
enum Failure {
    Timeout,
    Connect(NetworkCause),
    /// Anything else: for a `HEAD`, a reason to try a `GET`.
    Other(NetworkCause),
    /// No turn at the portal's host could be had (the workers' shared rate): not a link's fault.
    Turn(String),
}

struct Answer {
    status: u16,
    location: Option<String>,
    /// The wait a `Retry-After` asked for.
    retry_after: Option<Duration>,
}

/// A turn at some host, held while its request is out.
struct Held {
    _portal: Option<Turn>,
    _off_site: Option<OwnedSemaphorePermit>,
}

/// Checks the links of one run; each link is checked once (the caller dedupes).
pub struct Checker {
    client: reqwest::Client,
    portal: Fetcher,
    off_site: DefaultKeyedRateLimiter<String>,
    in_flight: Mutex<HashMap<String, Arc<Semaphore>>>,
    timeout: Duration,
    /// The run's own fetches that say whether a URL opens, by URL.
    crawled: HashMap<String, Outcome>,
}

impl Checker {
    /// A checker asking the portal's host through `portal` and others at `off_site_rate` a
    /// second each, with the portal fetcher's `User-Agent`; `crawled` are the run's fetches.
    pub fn new(
        portal: Fetcher,
        timeout: Duration,
        off_site_rate: f64,
        crawled: HashMap<String, Outcome>,
    ) -> Result<Self, FetchError> {
        let client_error = |message: String| FetchError::Client { message };
        if !(off_site_rate.is_finite() && off_site_rate > 0.0) {
            return Err(client_error(format!(
                "indicators.off_site_rate_per_sec 必须大于 0（当前为 {off_site_rate}）"
            )));
        }
        let quota = Quota::with_period(Duration::from_secs_f64(1.0 / off_site_rate))
            .ok_or_else(|| {
                client_error(format!(
                    "indicators.off_site_rate_per_sec 过大（{off_site_rate}）"
                ))
            })?
            .allow_burst(NonZeroU32::MIN);
        let user_agent = HeaderValue::from_bytes(portal.user_agent().as_bytes())
            .map_err(|e| client_error(format!("user_agent 无效：{e}")))?;
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_static("text/html,application/xhtml+xml,*/*;q=0.8"),
        );
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("zh-CN,zh;q=0.9,en;q=0.5"),
        );
        let client = reqwest::Client::builder()
            .user_agent(user_agent)
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout.min(MAX_CONNECT_TIMEOUT))
            .build()
            .map_err(|e| client_error(e.to_string()))?;
        Ok(Checker {
            client,
            portal,
            off_site: RateLimiter::keyed(quota),
            in_flight: Mutex::new(HashMap::new()),
            timeout,
            crawled,
        })
    }

    /// The run's own fetch of `url`, when it says whether the link opens.
    pub fn reused(&self, url: &Url) -> Option<Outcome> {
        self.crawled.get(url.as_str()).cloned()
    }

    /// Whether `url` is on the portal's host.
    pub fn on_portal(&self, url: &Url) -> bool {
        self.portal.in_scope(url)
    }

    /// Whether the portal's robots.txt (when kept to) lets gongkai ask for `url`.
    pub async fn allowed(&self, url: &Url) -> bool {
        !self.portal.in_scope(url)
            || !self.portal.obeys_robots()
            || self.portal.robots().await.allowed(url)
    }

    /// Checks `url`, following its redirects (each hop to a URL the run fetched takes that
    /// fetch's status; each other hop is asked like a link). A failure that may pass (a 5xx,
    /// 408 or 429; a connection refused, reset or closed early) is asked once more after
    /// [`RETRY_DELAY`], or the longer wait a `Retry-After` asks for (a wait over the crawl's
    /// cap is not waited for). A timeout is not asked again, as it has had the whole budget;
    /// nor is a name that does not resolve or a certificate error.
    #[tracing::instrument(level = "debug", skip(self), fields(url = %url))]
    pub async fn check(&self, url: &Url) -> Outcome {
        let (first, retry) = self.check_once(url).await;
        let Some(wait) = retry.filter(|_| first.broken) else {
            return first;
        };
        if wait > MAX_RETRY_AFTER {
            tracing::debug!(%url, wait_secs = wait.as_secs(), "retry asked too late; not retried");
            return first;
        }
        tracing::debug!(%url, wait_secs = wait.as_secs(), "retrying a link that failed");
        tokio::time::sleep(wait).await;
        self.portal.note_retry();
        let (mut second, _) = self.check_once(url).await;
        if second.broken {
            let what = what_failed(second.error.as_deref(), second.status);
            second.error = Some(format!(
                "{what}（{} 秒后重试一次，仍然失败）",
                wait.as_secs()
            ));
        }
        second
    }

    /// One check of `url` and its redirects, and the wait before asking again when its failure
    /// may pass.
    async fn check_once(&self, url: &Url) -> (Outcome, Option<Duration>) {
        let mut current = url.clone();
        let mut seen = HashSet::from([url.clone()]);
        let mut by = CheckedBy::Head;
        let moved = |current: &Url| (current != url).then(|| current.to_string());
        for hop in 0..=MAX_REDIRECTS {
            if hop > 0 {
                if let Some(o) = self.crawled.get(current.as_str()) {
                    let o = Outcome {
                        checked_by: by,
                        final_url: moved(&current),
                        ..o.clone()
                    };
                    return (o, None);
                }
                if !self.allowed(&current).await {
                    let o = Outcome {
                        final_url: moved(&current),
                        ..Outcome::unchecked("重定向至 robots.txt 不允许访问的地址，未检查")
                    };
                    return (o, None);
                }
            }
            let (method, answer) = self.hop(&current).await;
            if method == CheckedBy::Get {
                by = CheckedBy::Get;
            }
            let answer = match answer {
                Ok(a) => a,
                Err(Failure::Turn(why)) => {
                    let o = Outcome::unchecked(format!("未能取得请求时机（{why}），未检查"));
                    return (o, None);
                }
                Err(f) => {
                    let retry = match &f {
                        Failure::Connect(c) | Failure::Other(c) => {
                            c.may_pass().then_some(RETRY_DELAY)
                        }
                        Failure::Timeout | Failure::Turn(_) => None,
                    };
                    let why = match f {
                        Failure::Timeout => {
                            format!("{} 秒内无响应（超时）", self.timeout.as_secs())
                        }
                        Failure::Connect(c) => format!("无法连接服务器（{}）", c.label()),
                        Failure::Other(c) => format!("请求出错（{}）", c.label()),
                        Failure::Turn(m) => format!("请求出错（{m}）"),
                    };
                    let o = Outcome {
                        checked_by: by,
                        status: None,
                        final_url: moved(&current),
                        error: Some(why),
                        broken: true,
                    };
                    return (o, retry);
                }
            };
            let status = answer.status;
            if !(300..400).contains(&status) || status == 304 {
                let o = Outcome {
                    checked_by: by,
                    status: Some(status),
                    final_url: moved(&current),
                    error: None,
                    broken: status >= 400,
                };
                let may_pass = status >= 500 || status == 408 || status == 429;
                let retry = may_pass.then(|| {
                    answer
                        .retry_after
                        .map_or(RETRY_DELAY, |a| a.max(RETRY_DELAY))
                });
                return (o, retry);
            }
            let target = answer
                .location
                .and_then(|l| current.join(&l).ok())
                .filter(|t| matches!(t.scheme(), "http" | "https") && t.host_str().is_some());
            let Some(mut target) = target else {
                let o = Outcome {
                    checked_by: by,
                    status: Some(status),
                    final_url: moved(&current),
                    error: Some(format!("服务器返回 {status}，但没有有效的重定向地址")),
                    broken: true,
                };
                return (o, None);
            };
            target.set_fragment(None);
            if !seen.insert(target.clone()) {
                break;
            }
            tracing::debug!(from = %current, to = %target, "redirect");
            current = target;
        }
        let o = Outcome {
            checked_by: by,
            status: None,
            final_url: moved(&current),
            error: Some("重定向次数过多或出现循环".into()),
            broken: true,
        };
        (o, None)
    }

    /// One hop: a `HEAD`, then a `GET` when it failed (but for a timeout or no connection,
    /// which a `GET` would only repeat) or answered 405/501.
    async fn hop(&self, url: &Url) -> (CheckedBy, Result<Answer, Failure>) {
        match self.request(Method::HEAD, url).await {
            Ok(a) if a.status != 405 && a.status != 501 => return (CheckedBy::Head, Ok(a)),
            Ok(_) | Err(Failure::Other(_)) => {}
            Err(f) => return (CheckedBy::Head, Err(f)),
        }
        (CheckedBy::Get, self.request(Method::GET, url).await)
    }

    /// Waits for `url`'s host's turn, then asks; the answer must start within the timeout.
    async fn request(&self, method: Method, url: &Url) -> Result<Answer, Failure> {
        let _held = self.turn(url).await?;
        let deadline = Instant::now() + self.timeout;
        let sent = self.client.request(method.clone(), url.clone()).send();
        let mut response = match tokio::time::timeout_at(deadline, sent).await {
            Err(_) => return Err(Failure::Timeout),
            Ok(Err(e)) if e.is_timeout() => return Err(Failure::Timeout),
            Ok(Err(e)) if e.is_connect() => return Err(Failure::Connect(cause_of(e))),
            Ok(Err(e)) => return Err(Failure::Other(cause_of(e))),
            Ok(Ok(r)) => r,
        };
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_string());
        let retry_after = retry_after(response.headers());
        if method == Method::GET {
            // A little of the body, within what is left of the timeout; the status decides.
            let mut read = 0usize;
            while read < GET_PREFIX_BYTES {
                match tokio::time::timeout_at(deadline, response.chunk()).await {
                    Ok(Ok(Some(chunk))) => read += chunk.len(),
                    _ => break,
                }
            }
            if self.portal.in_scope(url) {
                self.portal.note_bytes(read as u64);
            }
        }
        Ok(Answer {
            status,
            location,
            retry_after,
        })
    }

    /// The portal's turn from its fetcher; another host's after its previous request is in and
    /// its rate allows.
    async fn turn(&self, url: &Url) -> Result<Held, Failure> {
        if self.portal.in_scope(url) {
            return match self.portal.turn().await {
                Ok(t) => Ok(Held {
                    _portal: Some(t),
                    _off_site: None,
                }),
                Err(e) => Err(Failure::Turn(e.to_string())),
            };
        }
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let slot = {
            let mut map = self
                .in_flight
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            Arc::clone(
                map.entry(host.clone())
                    .or_insert_with(|| Arc::new(Semaphore::new(1))),
            )
        };
        let permit = slot
            .acquire_owned()
            .await
            .map_err(|e| Failure::Turn(e.to_string()))?;
        self.off_site.until_key_ready(&host).await;
        Ok(Held {
            _portal: None,
            _off_site: Some(permit),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crawls_fetches_reused_only_when_they_tell() {
        let ok = Outcome::of_crawl(200, None).unwrap();
        assert!(!ok.broken && ok.checked_by == CheckedBy::Crawl);
        assert!(Outcome::of_crawl(304, None).is_some_and(|o| !o.broken));
        let gone = Outcome::of_crawl(404, Some("抓取 http://x/a 失败：服务器返回 404")).unwrap();
        assert_eq!((gone.status, gone.broken), (Some(404), true));
        let slow = Outcome::of_crawl(0, Some("抓取 http://x/a 失败：请求超时")).unwrap();
        assert_eq!(slow.error.as_deref(), Some("抓取时请求超时"));
        assert!(slow.broken);
        assert!(
            Outcome::of_crawl(0, Some("抓取 http://x/a 失败：无法连接服务器（refused）"))
                .is_some_and(|o| o.broken)
        );
        for said_nothing in [
            "抓取 http://x/a 失败：重定向到门户网站以外的地址 http://y/",
            "抓取 http://x/a 失败：响应内容超过 10 字节上限",
            "网站的 robots.txt 不允许抓取 http://x/a，未请求",
        ] {
            assert_eq!(
                Outcome::of_crawl(0, Some(said_nothing)),
                None,
                "{said_nothing}"
            );
        }
    }
}
