//! The fetcher: one per portal, cloned into every crawler task. It keeps to the portal's host,
//! waits its turn (rate and concurrency), follows redirects itself so that every hop is checked
//! and rate limited, retries what a retry can cure, and caps time and size of every answer.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Response, StatusCode};
use url::Url;

use super::limit::Politeness;
use super::retry::{self, MAX_RETRY_AFTER};
use super::robots::RobotsRules;
use super::scope::PortalScope;
use super::turns::HostTurns;
use super::{FetchError, FetchOptions, Fetched};
use crate::config::{CrawlSettings, RobotsPolicy};

/// Redirect hops followed before giving up.
pub const MAX_REDIRECTS: usize = 10;

const ACCEPT: &str = "text/html,application/xhtml+xml,*/*;q=0.8";
const ACCEPT_LANGUAGE: &str = "zh-CN,zh;q=0.9,en;q=0.5";

/// Connecting must not take the whole budget of a slow page.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Counters since the fetcher was made, shared by all clones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FetchStats {
    /// HTTP requests sent, retries and redirect hops included.
    pub requests: u64,
    /// Body bytes received (after decompression).
    pub bytes: u64,
    /// Retries made (requests beyond the first try of each `get`).
    pub retries: u64,
    /// Conditional requests answered 304.
    pub not_modified: u64,
}

/// The polite HTTP client of the crawler. Cheap to clone; clones share the rate limit,
/// the concurrency bound, the connection pool and the stats. Make one per portal.
#[derive(Clone)]
pub struct Fetcher {
    inner: Arc<Inner>,
}

struct Inner {
    client: reqwest::Client,
    scope: PortalScope,
    politeness: Politeness,
    /// Turns shared with other workers, when several crawl one portal together.
    turns: Option<Arc<dyn HostTurns>>,
    timeout: Duration,
    retries: u32,
    backoff_ms: u64,
    max_body_bytes: usize,
    /// As sent, for the request heads kept with the evidence.
    user_agent: String,
    requests: AtomicU64,
    bytes: AtomicU64,
    retried: AtomicU64,
    not_modified: AtomicU64,
    /// Whether robots.txt is kept to (`crawl.robots`).
    obey_robots: bool,
    /// The portal's robots.txt, read before the first other request.
    robots: tokio::sync::OnceCell<RobotsRules>,
    /// When the last request was sent, for a `Crawl-delay` slower than the rate.
    last_sent: tokio::sync::Mutex<Option<Instant>>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("host", &self.inner.scope.host())
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

/// A failed try, with the server's `Retry-After` when it sent one.
struct Failure {
    error: FetchError,
    retry_after: Option<Duration>,
}

impl From<FetchError> for Failure {
    fn from(error: FetchError) -> Self {
        Failure {
            error,
            retry_after: None,
        }
    }
}

/// A turn at the portal's host for a request the fetcher does not make itself (the link
/// check's `HEAD` and `GET`): held until the answer is in, like the fetcher's own slot.
#[derive(Debug)]
pub struct Turn {
    _slot: tokio::sync::OwnedSemaphorePermit,
}

/// The outcome of one HTTP request.
enum Hop {
    Done(Fetched),
    Redirect(Url),
}

impl Fetcher {
    /// A fetcher for the portal at `portal`: only its host (with its scheme and port) is fetched.
    pub fn new(settings: &CrawlSettings, portal: &Url) -> Result<Self, FetchError> {
        Self::build(settings, portal, None)
    }

    /// Like [`Fetcher::new`], and every request also waits for a turn from `turns` (the rate
    /// limit that several worker processes keep together).
    pub fn with_turns(
        settings: &CrawlSettings,
        portal: &Url,
        turns: Arc<dyn HostTurns>,
    ) -> Result<Self, FetchError> {
        Self::build(settings, portal, Some(turns))
    }

    fn build(
        settings: &CrawlSettings,
        portal: &Url,
        turns: Option<Arc<dyn HostTurns>>,
    ) -> Result<Self, FetchError> {
        let scope = PortalScope::new(portal).ok_or_else(|| FetchError::Client {
            message: format!("门户网站地址 {portal} 不是 http(s) 网址"),
        })?;
        let politeness = Politeness::new(settings.rate_per_sec, settings.concurrency)?;
        if settings.timeout_secs == 0 {
            return Err(FetchError::Client {
                message: "timeout_secs 必须至少为 1 秒".into(),
            });
        }
        let timeout = Duration::from_secs(settings.timeout_secs);
        // Raw bytes, so that an honest UA may say who we are in Chinese (obs-text is legal).
        let user_agent_bytes = settings.user_agent.trim().as_bytes();
        let user_agent =
            HeaderValue::from_bytes(user_agent_bytes).map_err(|e| FetchError::Client {
                message: format!("user_agent 无效：{e}"),
            })?;
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(ACCEPT));
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static(ACCEPT_LANGUAGE),
        );
        let client = reqwest::Client::builder()
            .user_agent(user_agent)
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout.min(MAX_CONNECT_TIMEOUT))
            .build()
            .map_err(|e| FetchError::Client {
                message: e.to_string(),
            })?;
        Ok(Fetcher {
            inner: Arc::new(Inner {
                client,
                scope,
                politeness,
                turns,
                timeout,
                retries: settings.retries,
                backoff_ms: settings.backoff_ms,
                max_body_bytes: settings.max_body_bytes,
                user_agent: String::from_utf8_lossy(user_agent_bytes).into_owned(),
                requests: AtomicU64::new(0),
                bytes: AtomicU64::new(0),
                retried: AtomicU64::new(0),
                not_modified: AtomicU64::new(0),
                obey_robots: settings.robots == RobotsPolicy::Obey,
                robots: tokio::sync::OnceCell::new(),
                last_sent: tokio::sync::Mutex::new(None),
            }),
        })
    }

    /// Whether `url` is on the portal, i.e. whether [`Fetcher::get`] would fetch it.
    pub fn in_scope(&self, url: &Url) -> bool {
        self.inner.scope.contains(url)
    }

    /// Fetches `url` politely: refuses URLs off the portal before sending anything, follows up
    /// to [`MAX_REDIRECTS`] redirects inside the portal, retries 5xx/408/429, timeouts and broken
    /// connections with exponential backoff (honouring `Retry-After`), and fails on other 4xx.
    /// A 304 to a conditional request is a success ([`Fetched::not_modified`]). With
    /// [`FetchOptions::form`] the request is a `POST` of the form.
    #[tracing::instrument(level = "debug", skip(self, opts), fields(url = %url))]
    pub async fn get(&self, url: &Url, opts: &FetchOptions) -> Result<Fetched, FetchError> {
        let inner = &*self.inner;
        if !inner.scope.contains(url) {
            tracing::debug!("off the portal, not fetched");
            return Err(FetchError::OffSite { url: url.clone() });
        }
        if inner.obey_robots && !self.robots().await.allowed(url) {
            tracing::info!("disallowed by robots.txt, not fetched");
            return Err(FetchError::RobotsDisallowed { url: url.clone() });
        }
        self.get_retrying(url, opts).await
    }

    /// The portal's robots.txt, fetched once (with retries, like any page). No robots.txt, or
    /// one that cannot be had, allows everything; the latter is logged.
    pub async fn robots(&self) -> &RobotsRules {
        self.inner
            .robots
            .get_or_init(|| async {
                let Some(url) = self.inner.scope.robots_url() else {
                    return RobotsRules::AllowAll;
                };
                match self.get_retrying(&url, &FetchOptions::default()).await {
                    Ok(f) => {
                        let rules = RobotsRules::parse(&f.body, f.content_type.as_deref());
                        tracing::info!(?rules, "robots.txt read");
                        rules
                    }
                    Err(FetchError::Status { status, .. }) if (400..500).contains(&status) => {
                        RobotsRules::AllowAll
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "robots.txt could not be fetched; crawling as if it allowed all");
                        RobotsRules::AllowAll
                    }
                }
            })
            .await
    }

    /// [`Fetcher::get`] without the robots.txt check.
    async fn get_retrying(&self, url: &Url, opts: &FetchOptions) -> Result<Fetched, FetchError> {
        let inner = &*self.inner;
        let started = Instant::now();
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            tracing::debug!(attempt = attempts, "fetching");
            let failure = match self.follow(url, opts).await {
                Ok(mut fetched) => {
                    fetched.attempts = attempts;
                    fetched.elapsed = started.elapsed();
                    tracing::debug!(
                        attempt = attempts,
                        status = fetched.status,
                        bytes = fetched.body.len(),
                        "fetched"
                    );
                    return Ok(fetched);
                }
                Err(failure) => failure,
            };
            let error = failure.error;
            if !error.is_retryable() {
                tracing::debug!(attempt = attempts, %error, "not retryable");
                return Err(error);
            }
            if attempts > inner.retries {
                tracing::warn!(attempts, %error, "giving up after retries");
                return Err(error);
            }
            let backoff = retry::backoff(inner.backoff_ms, attempts);
            let wait = match failure.retry_after {
                Some(asked) if asked > MAX_RETRY_AFTER => {
                    tracing::warn!(
                        attempts,
                        retry_after_secs = asked.as_secs(),
                        %error,
                        "server asks to come back much later; giving up"
                    );
                    return Err(error);
                }
                Some(asked) => asked.max(backoff),
                None => backoff,
            };
            tracing::debug!(attempt = attempts, %error, wait_ms = wait.as_millis() as u64, "will retry");
            inner.retried.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(wait).await;
        }
    }

    /// The head of the request [`Fetcher::get`] sends for `url` with `opts` (the first hop).
    pub fn request_head(&self, url: &Url, opts: &FetchOptions) -> String {
        let form_len;
        let mut headers: Vec<(&str, &str)> = vec![
            ("User-Agent", self.inner.user_agent.as_str()),
            ("Accept", ACCEPT),
            ("Accept-Language", ACCEPT_LANGUAGE),
            ("Accept-Encoding", "gzip"),
        ];
        if let Some(referer) = &opts.referer {
            headers.push(("Referer", referer.as_str()));
        }
        if let Some(etag) = &opts.if_none_match {
            headers.push(("If-None-Match", etag));
        }
        if let Some(date) = &opts.if_modified_since {
            headers.push(("If-Modified-Since", date));
        }
        let method = match &opts.form {
            Some(form) => {
                form_len = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(form)
                    .finish()
                    .len()
                    .to_string();
                headers.push(("Content-Type", "application/x-www-form-urlencoded"));
                headers.push(("Content-Length", &form_len));
                "POST"
            }
            None => "GET",
        };
        super::heads::request_head(method, url, &headers)
    }

    /// Waits for a turn at the portal's host as the fetcher's own requests do (a concurrency
    /// slot, the rate, the workers' shared turns, a `Crawl-delay`) and counts one request in
    /// [`Fetcher::stats`]: requests made elsewhere keep to the crawl's politeness this way.
    pub async fn turn(&self) -> Result<Turn, FetchError> {
        let inner = &*self.inner;
        let slot = inner.politeness.acquire(inner.scope.host()).await;
        if let Some(turns) = &inner.turns {
            turns
                .wait_turn(inner.scope.host())
                .await
                .map_err(|message| FetchError::Client { message })?;
        }
        self.keep_crawl_delay().await;
        inner.requests.fetch_add(1, Ordering::Relaxed);
        Ok(Turn { _slot: slot })
    }

    /// Counts a retry made under the fetcher's turns by another part of the run (the link
    /// check), so that the run's figures hold every retry.
    pub fn note_retry(&self) {
        self.inner.retried.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts body bytes received by a request made under a [`Turn`].
    pub fn note_bytes(&self, bytes: u64) {
        self.inner.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// The `User-Agent` the fetcher sends.
    pub fn user_agent(&self) -> &str {
        &self.inner.user_agent
    }

    /// Whether the portal's robots.txt is kept to (`crawl.robots = "obey"`).
    pub fn obeys_robots(&self) -> bool {
        self.inner.obey_robots
    }

    /// Counters since the fetcher was made (all clones together).
    pub fn stats(&self) -> FetchStats {
        let inner = &*self.inner;
        FetchStats {
            requests: inner.requests.load(Ordering::Relaxed),
            bytes: inner.bytes.load(Ordering::Relaxed),
            retries: inner.retried.load(Ordering::Relaxed),
            not_modified: inner.not_modified.load(Ordering::Relaxed),
        }
    }

    /// One try: the request and the redirects it leads to, each hop inside the portal.
    async fn follow(&self, url: &Url, opts: &FetchOptions) -> Result<Fetched, Failure> {
        let mut current = url.clone();
        let mut seen = HashSet::from([url.clone()]);
        // A POST redirected is fetched with a GET, as browsers do (303 and, in practice, 302).
        let mut opts = std::borrow::Cow::Borrowed(opts);
        for _ in 0..=MAX_REDIRECTS {
            let target = match self.request(&current, &opts).await? {
                Hop::Done(fetched) => return Ok(fetched),
                Hop::Redirect(target) => target,
            };
            if !self.inner.scope.contains(&target) {
                return Err(FetchError::RedirectOffSite {
                    url: url.clone(),
                    target: Box::new(target),
                }
                .into());
            }
            if !seen.insert(target.clone()) {
                tracing::debug!(%target, "redirect loop");
                break;
            }
            tracing::debug!(from = %current, to = %target, "redirect");
            current = target;
            if opts.form.is_some() {
                opts.to_mut().form = None;
            }
        }
        Err(FetchError::TooManyRedirects { url: url.clone() }.into())
    }

    /// One HTTP request, holding a concurrency slot and bounded by the timeout from sending to
    /// the last byte of the body.
    async fn request(&self, url: &Url, opts: &FetchOptions) -> Result<Hop, Failure> {
        let inner = &*self.inner;
        let _slot = inner.politeness.acquire(inner.scope.host()).await;
        if let Some(turns) = &inner.turns {
            turns
                .wait_turn(inner.scope.host())
                .await
                .map_err(|message| FetchError::Client { message })?;
        }
        self.keep_crawl_delay().await;
        inner.requests.fetch_add(1, Ordering::Relaxed);
        match tokio::time::timeout(inner.timeout, self.exchange(url, opts)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(FetchError::Timeout { url: url.clone() }.into()),
        }
    }

    async fn exchange(&self, url: &Url, opts: &FetchOptions) -> Result<Hop, Failure> {
        let inner = &*self.inner;
        let mut request = match &opts.form {
            Some(form) => inner.client.post(url.clone()).form(form),
            None => inner.client.get(url.clone()),
        };
        if let Some(referer) = &opts.referer {
            request = request.header(header::REFERER, referer.as_str());
        }
        if let Some(etag) = &opts.if_none_match {
            request = request.header(header::IF_NONE_MATCH, etag.as_str());
        }
        if let Some(date) = &opts.if_modified_since {
            request = request.header(header::IF_MODIFIED_SINCE, date.as_str());
        }
        let response = request
            .send()
            .await
            .map_err(|e| FetchError::from_reqwest(url, e))?;
        let status = response.status();
        tracing::debug!(status = status.as_u16(), "response");

        if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
            if let Some(target) = location(&response, url) {
                return Ok(Hop::Redirect(target));
            }
        }
        if !(status.is_success() || status == StatusCode::NOT_MODIFIED) {
            return Err(Failure {
                retry_after: retry::retry_after(response.headers()),
                error: FetchError::Status {
                    url: url.clone(),
                    status: status.as_u16(),
                },
            });
        }

        let text_header = |name: header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let response_head =
            super::heads::response_head(response.version(), status, response.headers());
        let content_type = text_header(header::CONTENT_TYPE);
        let etag = text_header(header::ETAG);
        let last_modified = text_header(header::LAST_MODIFIED);
        let body = if status == StatusCode::NOT_MODIFIED {
            inner.not_modified.fetch_add(1, Ordering::Relaxed);
            bytes::Bytes::new()
        } else {
            self.read_body(url, response).await?
        };
        Ok(Hop::Done(Fetched {
            url: url.clone(),
            status: status.as_u16(),
            content_type,
            etag,
            last_modified,
            body,
            request_head: self.request_head(url, opts),
            response_head,
            attempts: 1,
            elapsed: Duration::ZERO,
        }))
    }

    /// Waits out the portal's `Crawl-delay` since the last request, when it asks for one.
    async fn keep_crawl_delay(&self) {
        let inner = &*self.inner;
        let Some(delay) = inner.robots.get().and_then(RobotsRules::crawl_delay) else {
            return;
        };
        let mut last = inner.last_sent.lock().await;
        if let Some(at) = *last {
            tokio::time::sleep_until((at + delay).into()).await;
        }
        *last = Some(Instant::now());
    }

    /// Reads the body chunk by chunk, stopping as soon as it passes `max_body_bytes`.
    async fn read_body(&self, url: &Url, mut response: Response) -> Result<bytes::Bytes, Failure> {
        let inner = &*self.inner;
        let limit = inner.max_body_bytes;
        let too_large = || FetchError::TooLarge {
            url: url.clone(),
            limit,
        };
        let announced = response.content_length();
        if announced.is_some_and(|len| len > limit as u64) {
            return Err(too_large().into());
        }
        let capacity = announced.map_or(0, |len| len as usize).min(limit);
        let mut body = BytesMut::with_capacity(capacity);
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| FetchError::from_reqwest(url, e))?
        {
            inner.bytes.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            if body.len() + chunk.len() > limit {
                return Err(too_large().into());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }
}

/// The absolute target of a redirect, if the `Location` header is usable.
fn location(response: &Response, base: &Url) -> Option<Url> {
    let value = response.headers().get(header::LOCATION)?;
    // Some servers send raw UTF-8 in Location; accept it rather than failing the redirect.
    let text = String::from_utf8_lossy(value.as_bytes());
    base.join(text.trim()).ok()
}
