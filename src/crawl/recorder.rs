//! Every fetch goes through here: replayed from the store on `--resume`, made conditional when
//! an earlier run holds the page (ETag / Last-Modified), and recorded with its body.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use url::Url;

use super::http::{decode_html, html_encoding, FetchOptions, Fetcher};
use crate::model::FetchFailure;
use crate::store::{PageKind, PageRecord, Store, StoreError, StoredPage};

/// A failure that stops the run: the store is unusable. Fetch failures are not errors of the
/// run; they are recorded and returned as `Err(FetchFailure)` by [`Recorder::fetch`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CrawlError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("配置错误：{0}")]
    Config(String),
    #[error(transparent)]
    Fetch(#[from] super::http::FetchError),
}

/// A fetched (or replayed) body.
#[derive(Debug, Clone)]
pub struct Got {
    pub url: Url,
    pub body: Bytes,
    pub content_type: Option<String>,
    pub page_id: i64,
}

impl Got {
    /// The body decoded as HTML text, with whether the decoding had errors.
    pub fn decoded(&self) -> super::http::DecodedPage {
        decode_html(&self.body, self.content_type.as_deref())
    }
}

/// Fetch + store, for one run.
pub struct Recorder {
    fetcher: Fetcher,
    store: Store,
    run_id: i64,
    resume: bool,
    errors: AtomicU64,
    unreadable: AtomicU64,
    replayed: AtomicU64,
    unchanged: AtomicU64,
    reused: AtomicU64,
    home_links: tokio::sync::OnceCell<HashMap<String, Url>>,
    /// Earlier copies for conditional requests, read once ([`Store::previous_copies`]).
    previous: tokio::sync::OnceCell<(HashMap<String, StoredPage>, bool)>,
    /// The run's PDF checks, by file.
    pdf_checks: super::pdf_task::PdfChecks,
}

/// Result of one fetch: `Ok(Err(failure))` is a recorded page failure.
pub type FetchResult = Result<Result<Got, FetchFailure>, CrawlError>;

impl Recorder {
    pub fn new(fetcher: Fetcher, store: Store, run_id: i64, resume: bool) -> Self {
        Recorder {
            fetcher,
            store,
            run_id,
            resume,
            errors: AtomicU64::new(0),
            unreadable: AtomicU64::new(0),
            replayed: AtomicU64::new(0),
            unchanged: AtomicU64::new(0),
            reused: AtomicU64::new(0),
            home_links: tokio::sync::OnceCell::new(),
            pdf_checks: super::pdf_task::PdfChecks::default(),
            previous: tokio::sync::OnceCell::new(),
        }
    }

    /// The platform home's unit links (link text → landing URL), fetched once per run. Unit
    /// codes are the site's own; the home is where the site states them.
    pub async fn home_links(
        &self,
        config: &crate::config::PortalConfig,
        base: &Url,
    ) -> Result<&HashMap<String, Url>, CrawlError> {
        self.home_links
            .get_or_try_init(|| async {
                let mut links = HashMap::new();
                let Ok(home) = base.join(&config.pages.home) else {
                    return Ok(links);
                };
                // Jobs of one run share the home page: a copy this run stored already serves.
                let stored = self
                    .store
                    .cached_page(self.run_id, home.as_str())
                    .await?
                    .map(|p| Got {
                        url: home.clone(),
                        body: Bytes::from(p.body.unwrap_or_default()),
                        content_type: p.content_type,
                        page_id: p.id,
                    });
                let got = match stored {
                    Some(g) => Ok(g),
                    None => self.fetch(&home, PageKind::Home, None, None).await?,
                };
                if let Ok(got) = got {
                    let css = config.pages.home_unit_links.clone();
                    let page_url = got.url.clone();
                    let read = self
                        .read(&got, move |doc| {
                            doc.select(css.selector())
                                .filter_map(|a| {
                                    let url = crate::extract::link_url(a, &page_url)?;
                                    Some((crate::extract::element_text(a), url))
                                })
                                .collect::<Vec<_>>()
                        })
                        .await;
                    match read {
                        Ok(found) => {
                            for (name, url) in found {
                                links.entry(name).or_insert(url);
                            }
                        }
                        // Units are then found at their configured landing pages.
                        Err(failure) => tracing::warn!(%failure, "platform home unreadable"),
                    }
                }
                Ok(links)
            })
            .await
    }

    pub fn fetcher(&self) -> &Fetcher {
        &self.fetcher
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn run_id(&self) -> i64 {
        self.run_id
    }

    /// Pages that could not be fetched or read in this run, and contents that could not be
    /// read (undecodable text, markup over the limits, dates naming no real day, PDFs over
    /// their limits): any of them makes the run partial.
    pub fn errors(&self) -> u64 {
        self.errors.load(Ordering::Relaxed) + self.unreadable.load(Ordering::Relaxed)
    }

    /// Counts a content that was fetched but could not be read.
    pub fn note_unreadable(&self) {
        self.unreadable.fetch_add(1, Ordering::Relaxed);
    }

    /// Reads a fetched HTML page on the blocking pool (`read::read_html`); a page that
    /// cannot be read is counted.
    pub async fn read<T, F>(&self, got: &Got, read: F) -> Result<T, crate::model::PageFailure>
    where
        F: FnOnce(&scraper::Html) -> T + Send + 'static,
        T: Send + 'static,
    {
        let result = super::read::read_html(got, read).await;
        if result.is_err() {
            self.note_unreadable();
        }
        result
    }

    /// Reads a fetched text (not HTML) on the blocking pool (`read::read_text`); a text
    /// that cannot be read is counted.
    pub async fn read_text<T, F>(&self, got: &Got, read: F) -> Result<T, crate::model::PageFailure>
    where
        F: FnOnce(&str) -> T + Send + 'static,
        T: Send + 'static,
    {
        let result = super::read::read_text(got, read).await;
        if result.is_err() {
            self.note_unreadable();
        }
        result
    }

    /// Pages taken from the store instead of the network (resume).
    pub fn replayed(&self) -> u64 {
        self.replayed.load(Ordering::Relaxed)
    }

    /// Checks the PDF `bytes`, or answers the run's earlier check of the same file.
    pub async fn check_pdf(
        &self,
        bytes: bytes::Bytes,
        limits: crate::pdf::PdfLimits,
    ) -> crate::pdf::PdfCheck {
        self.pdf_checks.check(bytes, limits).await
    }

    /// Pages the server said were unchanged since the previous run (304).
    pub fn unchanged(&self) -> u64 {
        self.unchanged.load(Ordering::Relaxed)
    }

    /// The newest earlier copy of `key` (without its body), for a conditional request: from
    /// the previous run's copies read once, else asked of the store (a URL that run did not
    /// hold); nothing at all to ask when no earlier run stored a page.
    async fn previous_copy(&self, key: &str) -> Result<Option<StoredPage>, CrawlError> {
        let (copies, any_earlier) = self
            .previous
            .get_or_try_init(|| self.store.previous_copies(self.run_id))
            .await?;
        if let Some(copy) = copies.get(key) {
            return Ok(Some(copy.clone()));
        }
        if !*any_earlier {
            return Ok(None);
        }
        Ok(self.store.previous_page(self.run_id, key).await?)
    }

    /// Attachments taken from an earlier run's copy without a request (their document page
    /// unchanged).
    pub fn reused(&self) -> u64 {
        self.reused.load(Ordering::Relaxed)
    }

    /// The earlier finished run's stored copy of `attachment` when the page `document` that
    /// links it is unchanged since that run (304 or the same body, as this run stored it) and
    /// the copy is a PDF: recorded in this run without a request, with that run's PDF check
    /// when it kept one. `None` when the file must be fetched (also when this run already holds
    /// it: a resumed run replays its own copy).
    pub async fn reuse_attachment(
        &self,
        document: &Url,
        attachment: &Url,
        unit: Option<&str>,
    ) -> Result<Option<(Got, Option<crate::pdf::PdfCheck>)>, CrawlError> {
        let key = attachment.to_string();
        if self.resume && self.store.page_id(self.run_id, &key).await?.is_some() {
            return Ok(None);
        }
        let Some((copy, check)) = self
            .store
            .reusable_attachment(self.run_id, document.as_str(), &key)
            .await?
        else {
            return Ok(None);
        };
        let body = Bytes::from(copy.body.clone().unwrap_or_default());
        if !crate::util::is_pdf(&body) {
            return Ok(None);
        }
        let page_id = self
            .store
            .record_reused_page(self.run_id, &copy, unit)
            .await?;
        self.reused.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(url = %attachment, from = copy.id, "attachment reused from the previous run");
        // A check that does not read back (an older shape) is made again from the copy.
        let check = check.and_then(|json| serde_json::from_str(&json).ok());
        Ok(Some((
            Got {
                url: attachment.clone(),
                body,
                content_type: copy.content_type,
                page_id,
            },
            check,
        )))
    }

    /// Fetches `url` (or replays it), records it, and returns the body or a recorded failure.
    pub async fn fetch(
        &self,
        url: &Url,
        kind: PageKind,
        unit: Option<&str>,
        referer: Option<&Url>,
    ) -> FetchResult {
        let opts = FetchOptions {
            referer: referer.cloned(),
            ..FetchOptions::default()
        };
        self.fetch_with(url, opts, kind, unit, true).await
    }

    /// Like [`Recorder::fetch`], but a failure is recorded without making the run partial: for
    /// a page fetched beside the crawl (the link check's home page, whose availability is
    /// judged by the probes).
    pub async fn fetch_beside(&self, url: &Url, kind: PageKind) -> FetchResult {
        self.fetch_with(url, FetchOptions::default(), kind, None, false)
            .await
    }

    /// Like [`Recorder::fetch`] for a `POST` of `form` (a Hanweb list's data proxy). The answer
    /// is recorded under the URL with the form as its fragment (`post_key`): one key per
    /// column and group, and what was asked stays readable with the evidence.
    pub async fn fetch_form(
        &self,
        url: &Url,
        form: &[(String, String)],
        kind: PageKind,
        unit: Option<&str>,
    ) -> FetchResult {
        let opts = FetchOptions {
            form: Some(form.to_vec()),
            ..FetchOptions::default()
        };
        self.fetch_with(url, opts, kind, unit, true).await
    }

    #[tracing::instrument(skip(self, opts), fields(url = %url))]
    async fn fetch_with(
        &self,
        url: &Url,
        mut opts: FetchOptions,
        kind: PageKind,
        unit: Option<&str>,
        count_failure: bool,
    ) -> FetchResult {
        let key = match &opts.form {
            Some(form) => post_key(url, form),
            None => url.to_string(),
        };
        if self.resume {
            if let Some(page) = self.store.cached_page(self.run_id, &key).await? {
                self.replayed.fetch_add(1, Ordering::Relaxed);
                return Ok(Ok(Got {
                    url: url.clone(),
                    body: Bytes::from(page.body.unwrap_or_default()),
                    content_type: page.content_type,
                    page_id: page.id,
                }));
            }
        }
        let previous = self.previous_copy(&key).await?;
        if let Some(prev) = &previous {
            opts.if_none_match = prev.etag.clone();
            opts.if_modified_since = prev.last_modified.clone();
        }
        let mut record = PageRecord {
            url: key,
            kind: Some(kind),
            unit: unit.map(str::to_string),
            ..PageRecord::default()
        };
        match self.fetcher.get(url, &opts).await {
            Ok(fetched) => {
                let (body, content_type) = match (&previous, fetched.not_modified()) {
                    (Some(prev), true) => {
                        self.unchanged.fetch_add(1, Ordering::Relaxed);
                        // The body only now: a page that changed never needs the old one.
                        let body = self.store.page(prev.id).await?.and_then(|p| p.body);
                        record.body_stored = body.is_some();
                        (
                            Bytes::from(body.unwrap_or_default()),
                            prev.content_type.clone(),
                        )
                    }
                    _ => (fetched.body.clone(), fetched.content_type.clone()),
                };
                record.status = fetched.status;
                record.content_type = content_type.clone();
                record.etag = fetched
                    .etag
                    .clone()
                    .or(previous.as_ref().and_then(|p| p.etag.clone()));
                record.last_modified = fetched
                    .last_modified
                    .clone()
                    .or(previous.as_ref().and_then(|p| p.last_modified.clone()));
                if kind != PageKind::Attachment {
                    record.encoding =
                        Some(html_encoding(&body, content_type.as_deref()).to_string());
                }
                record.body = Some(body.clone());
                record.request_head = Some(fetched.request_head.clone());
                record.response_head = Some(fetched.response_head.clone());
                let page_id = self.store.record_page(self.run_id, &record).await?;
                Ok(Ok(Got {
                    url: fetched.url,
                    body,
                    content_type,
                    page_id,
                }))
            }
            Err(err) => {
                if count_failure {
                    self.errors.fetch_add(1, Ordering::Relaxed);
                }
                let failure = FetchFailure::from(&err);
                let message = failure.to_string();
                tracing::warn!(%url, error = %message, "fetch failed");
                record.status = match &err {
                    super::http::FetchError::Status { status, .. } => *status,
                    _ => 0,
                };
                record.error = Some(message);
                record.request_head = Some(self.fetcher.request_head(url, &opts));
                self.store.record_page(self.run_id, &record).await?;
                Ok(Err(failure))
            }
        }
    }
}

/// The key a `POST` is recorded under: the URL with the form, URL-encoded, as its fragment
/// after `post:` (a fragment is never sent, so no page of the portal has this address).
pub fn post_key(url: &Url, form: &[(String, String)]) -> String {
    let mut key = url.clone();
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    key.set_fragment(Some(&format!("post:{body}")));
    key.to_string()
}
