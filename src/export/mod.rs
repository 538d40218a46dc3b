//! Evidence out of gongkai: every stored fetch of a run as WARC/1.1 records ([`write_warc`]),
//! readable by standard archive tools, so that the evidence can be archived elsewhere.
//!
//! Per fetch: a `request` record and a `response` record (status line, the kept headers, the
//! stored body); a 304 is a `revisit` (server-not-modified) holding the copy's digest; a file
//! reused from an earlier run without a request is a `revisit` (identical-payload-digest)
//! referring to the earlier run's record by its id (ids are name-based, so exports of
//! several runs refer to one another); a fetch that got no answer is a `metadata` record with
//! the error. Heads of pages stored before they were kept are rebuilt from the stored status,
//! type and validators, and the record says so (`WARC-Gongkai-Note`).

pub mod warc;

use std::io::Write;

use crate::store::{Run, Store, StoreError, StoredPage};
use warc::{record_id, sha1_label, Record};

/// What an export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WarcSummary {
    /// Stored pages of the run, one `response`, `revisit` or `metadata` record each.
    pub pages: usize,
    /// Records written, the `warcinfo` record included.
    pub records: usize,
    /// Records whose HTTP head was rebuilt (pages stored before heads were kept).
    pub reconstructed: usize,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("写入 WARC 失败：{0}")]
    Io(#[from] std::io::Error),
}

/// The note on a record whose head was rebuilt.
const REBUILT: &str = "HTTP head rebuilt from the stored status, Content-Type and validators (page stored before gongkai kept heads)";

/// The note on the answer of a failed fetch (an error status): only its status is kept.
const FAILED: &str = "failed fetch: only the status was kept, not the answer's headers or body";

/// Writes every stored page of `run_id` to `out` as gzip-compressed WARC/1.1 records, one
/// gzip member per record, after a `warcinfo` record describing the run.
pub async fn write_warc(
    store: &Store,
    run_id: i64,
    out: &mut impl Write,
) -> Result<WarcSummary, ExportError> {
    let run = store.run(run_id).await?;
    let pages = store.pages(run_id).await?;
    let mut summary = WarcSummary {
        pages: pages.len(),
        ..WarcSummary::default()
    };
    let rebuilt = pages
        .iter()
        .filter(|p| p.status != 0 && p.response_head.is_none() && p.request_head.is_none())
        .count();
    let info_id = record_id(&format!("{}/run/{run_id}/warcinfo", run.portal));
    let info = warcinfo(&run, &info_id, pages.len(), rebuilt);
    emit(out, &info, &mut summary)?;
    for listed in &pages {
        let Some(page) = store.page(listed.id).await? else {
            continue;
        };
        let original = match page.reused_from {
            Some(from) => Some(original_of(store, from).await?),
            None => None,
        };
        for record in page_records(&run.portal, &info_id, &page, original.as_ref()) {
            if record
                .fields
                .iter()
                .any(|(n, v)| *n == NOTE && v == REBUILT)
            {
                summary.reconstructed += 1;
            }
            emit(out, &record, &mut summary)?;
        }
    }
    out.flush()?;
    Ok(summary)
}

const NOTE: &str = "WARC-Gongkai-Note";

fn emit(
    out: &mut impl Write,
    record: &Record,
    summary: &mut WarcSummary,
) -> Result<(), ExportError> {
    out.write_all(&record.to_gzip_member()?)?;
    summary.records += 1;
    Ok(())
}

/// The page a reused copy was first fetched as (following reuse over several runs).
async fn original_of(store: &Store, mut id: i64) -> Result<StoredPage, ExportError> {
    loop {
        let page = store
            .page(id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("pages.reused_from = {id}")))?;
        match page.reused_from {
            Some(next) if next != id => id = next,
            _ => return Ok(page),
        }
    }
}

fn warcinfo(run: &Run, id: &str, pages: usize, rebuilt: usize) -> Record {
    let mut fields = format!(
        "software: gongkai/{}\r\nformat: WARC File Format 1.1\r\nconformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\nportal: {}\r\nrun: {}\r\nbase-url: {}\r\nrun-started: {}\r\nrun-status: {}\r\npages: {pages}\r\ndescription: every fetch of the run as gongkai stored it; bodies are stored decoded (no transfer or content coding)\r\n",
        env!("CARGO_PKG_VERSION"),
        run.portal,
        run.id,
        run.base_url,
        run.started_at,
        run.status.as_str(),
    );
    if rebuilt > 0 {
        fields.push_str(&format!(
            "reconstructed: {rebuilt} records' HTTP heads rebuilt from stored fields (pages stored before gongkai kept heads); they carry {NOTE}\r\n"
        ));
    }
    Record {
        kind: "warcinfo",
        id: id.to_string(),
        date: warc_date(&run.started_at),
        fields: vec![("WARC-Filename", format!("gongkai-run-{}.warc.gz", run.id))],
        content_type: Some("application/warc-fields".into()),
        block: fields.into_bytes(),
    }
}

/// The records of one stored page.
fn page_records(
    portal: &str,
    info_id: &str,
    page: &StoredPage,
    original: Option<&StoredPage>,
) -> Vec<Record> {
    let (uri, form) = split_post_key(&page.url);
    let date = warc_date(&page.fetched_at);
    let body = page.body.clone().unwrap_or_default();
    let response_id = record_id(&format!("{portal}/page/{}/response", page.id));
    let request_id = record_id(&format!("{portal}/page/{}/request", page.id));
    let common = |concurrent: Option<&str>| {
        let mut f = vec![
            ("WARC-Target-URI", uri.clone()),
            ("WARC-Warcinfo-ID", info_id.to_string()),
        ];
        if let Some(c) = concurrent {
            f.push(("WARC-Concurrent-To", c.to_string()));
        }
        f
    };
    let (head, mut rebuilt) = response_head(page, body.len());
    let failed_answer = rebuilt && page.request_head.is_some();
    rebuilt &= !failed_answer;

    if let Some(original) = original {
        // No request in this run: the stored file of an earlier run, its page unchanged.
        let mut fields = common(None);
        fields.extend([
            (
                "WARC-Profile",
                "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest".to_string(),
            ),
            (
                "WARC-Refers-To",
                record_id(&format!("{portal}/page/{}/response", original.id)),
            ),
            ("WARC-Refers-To-Target-URI", uri.clone()),
            ("WARC-Refers-To-Date", warc_date(&original.fetched_at)),
            ("WARC-Payload-Digest", sha1_label(&body)),
            (
                NOTE,
                format!(
                    "not fetched again: the document page linking it was unchanged; the copy of run {}",
                    original.run_id
                ),
            ),
        ]);
        if rebuilt {
            fields.push((NOTE, REBUILT.into()));
        }
        return vec![Record {
            kind: "revisit",
            id: response_id,
            date,
            fields,
            content_type: Some("application/http;msgtype=response".into()),
            block: with_crlf(&head, b""),
        }];
    }

    let (request, request_rebuilt) = match &page.request_head {
        Some(h) => (h.clone(), false),
        None => (rebuilt_request(&uri, form.is_some()), true),
    };
    let mut request_fields = common(Some(&response_id));
    if request_rebuilt {
        request_fields.push((NOTE, REBUILT.into()));
    }
    let request_record = Record {
        kind: "request",
        id: request_id.clone(),
        date: date.clone(),
        fields: request_fields,
        content_type: Some("application/http;msgtype=request".into()),
        block: with_crlf(&request, form.as_deref().unwrap_or("").as_bytes()),
    };

    let answer = if page.status == 0 {
        Record {
            kind: "metadata",
            id: response_id,
            date,
            fields: common(Some(&request_id)),
            content_type: Some("application/warc-fields".into()),
            block: format!(
                "fetch-error: {}\r\n",
                page.error
                    .as_deref()
                    .unwrap_or("no answer")
                    .replace(['\r', '\n'], " ")
            )
            .into_bytes(),
        }
    } else if page.status == 304 {
        let mut fields = common(Some(&request_id));
        fields.extend([
            (
                "WARC-Profile",
                "http://netpreserve.org/warc/1.1/revisit/server-not-modified".to_string(),
            ),
            ("WARC-Refers-To-Target-URI", uri.clone()),
            ("WARC-Payload-Digest", sha1_label(&body)),
            (
                NOTE,
                "304: the run kept the copy of an earlier run; its digest is the payload digest"
                    .to_string(),
            ),
        ]);
        if rebuilt {
            fields.push((NOTE, REBUILT.into()));
        }
        Record {
            kind: "revisit",
            id: response_id,
            date,
            fields,
            content_type: Some("application/http;msgtype=response".into()),
            block: with_crlf(&head, b""),
        }
    } else {
        let mut fields = common(Some(&request_id));
        fields.push(("WARC-Payload-Digest", sha1_label(&body)));
        if rebuilt {
            fields.push((NOTE, REBUILT.into()));
        }
        if failed_answer {
            fields.push((NOTE, FAILED.into()));
        }
        Record {
            kind: "response",
            id: response_id,
            date,
            fields,
            content_type: Some("application/http;msgtype=response".into()),
            block: with_crlf(&head, &body),
        }
    };
    vec![request_record, answer]
}

/// A head (lines ending in `\n`) with CRLF line ends, the empty line, then `body`.
fn with_crlf(head: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(head.len() + body.len() + 4);
    for line in head.lines().filter(|l| !l.is_empty()) {
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// The response head as kept, with `Content-Length` made the stored body's (the body is stored
/// decoded); or rebuilt from the stored fields for pages stored before heads were kept.
fn response_head(page: &StoredPage, len: usize) -> (String, bool) {
    if let Some(head) = &page.response_head {
        let lines: Vec<String> = head
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| match l.split_once(':') {
                Some((name, _))
                    if name.eq_ignore_ascii_case("content-length") && page.status != 304 =>
                {
                    format!("Content-Length: {len}")
                }
                _ => l.to_string(),
            })
            .collect();
        return (lines.join("\n") + "\n", false);
    }
    let status = reqwest::StatusCode::from_u16(page.status).ok();
    let mut head = format!(
        "HTTP/1.1 {} {}\n",
        page.status,
        status.and_then(|s| s.canonical_reason()).unwrap_or("")
    );
    if let Some(ct) = &page.content_type {
        head.push_str(&format!("Content-Type: {ct}\n"));
    }
    if let Some(etag) = &page.etag {
        head.push_str(&format!("ETag: {etag}\n"));
    }
    if let Some(lm) = &page.last_modified {
        head.push_str(&format!("Last-Modified: {lm}\n"));
    }
    if page.status != 304 {
        head.push_str(&format!("Content-Length: {len}\n"));
    }
    (head, true)
}

fn rebuilt_request(uri: &str, post: bool) -> String {
    let Ok(url) = url::Url::parse(uri) else {
        return format!("GET {uri} HTTP/1.1\n");
    };
    let method = if post { "POST" } else { "GET" };
    let mut target = url.path().to_string();
    if let Some(q) = url.query() {
        target.push('?');
        target.push_str(q);
    }
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or("")),
        None => url.host_str().unwrap_or("").to_string(),
    };
    format!("{method} {target} HTTP/1.1\nHost: {host}\n")
}

/// A stored key and its POST form: `URL#post:FORM` (see `crawl::recorder::post_key`) is a POST
/// of `FORM` to `URL`.
pub fn split_post_key(key: &str) -> (String, Option<String>) {
    match key.split_once("#post:") {
        Some((url, form)) => (url.to_string(), Some(form.to_string())),
        None => (key.to_string(), None),
    }
}

/// `WARC-Date` from a stored RFC 3339 time: UTC, to the second.
fn warc_date(stored: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(stored) {
        Ok(t) => t
            .with_timezone(&chrono::Utc)
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string(),
        Err(_) => "1970-01-01T00:00:00Z".into(),
    }
}
