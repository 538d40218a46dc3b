//! What a successful fetch hands back, and the questions the crawler asks about a body.

use std::time::Duration;

use bytes::Bytes;
use url::Url;

/// Options of one request.
#[derive(Debug, Default, Clone)]
pub struct FetchOptions {
    /// Sent as `Referer`; attachment downloads answer an HTML error page without it.
    pub referer: Option<Url>,
    /// ETag of the copy we have; a match answers 304.
    pub if_none_match: Option<String>,
    /// Last-Modified of the copy we have; an unchanged page answers 304.
    pub if_modified_since: Option<String>,
    /// Form fields: the request is a `POST` of them (`application/x-www-form-urlencoded`), as a
    /// Hanweb list's data proxy wants. A redirect after it is followed with a `GET`.
    pub form: Option<Vec<(String, String)>>,
}

/// A successful answer (2xx, or 304 to a conditional request).
#[derive(Debug, Clone)]
pub struct Fetched {
    /// Final URL after redirects.
    pub url: Url,
    /// 200 (or another 2xx), or 304 when a conditional request matched.
    pub status: u16,
    pub content_type: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// The whole body; empty on 304.
    pub body: Bytes,
    /// The last request as sent ([`super::heads::request_head`]).
    pub request_head: String,
    /// The answer's status line and kept headers ([`super::heads::response_head`]).
    pub response_head: String,
    /// Tries of the whole request, 1 when the first one succeeded.
    pub attempts: u32,
    /// From the call to the end of the body, waits and retries included.
    pub elapsed: Duration,
}

impl Fetched {
    /// The server said our copy is still current (304); `body` is empty.
    pub fn not_modified(&self) -> bool {
        self.status == 304
    }

    /// The body is a PDF: `%PDF-` within its first 1024 bytes (whatever the Content-Type says;
    /// portals serve PDFs as application/octet-stream or worse).
    pub fn is_pdf(&self) -> bool {
        crate::util::is_pdf(&self.body)
    }

    /// The body is an HTML page: not a PDF, and either declared as HTML or starting like one.
    /// An "attachment" that looks like HTML is the download script's error page.
    pub fn looks_like_html(&self) -> bool {
        if self.body.is_empty() || self.is_pdf() {
            return false;
        }
        let declared = self
            .content_type
            .as_deref()
            .is_some_and(|ct| ct.to_ascii_lowercase().contains("html"));
        declared || crate::util::sniff_html(&self.body)
    }

    /// SHA-256 of the body, lowercase hex.
    pub fn sha256_hex(&self) -> String {
        crate::util::sha256_hex(&self.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fetched(body: &'static [u8], content_type: Option<&str>) -> Fetched {
        Fetched {
            url: Url::parse("http://example.gov.cn/a").unwrap(),
            status: 200,
            content_type: content_type.map(str::to_string),
            etag: None,
            last_modified: None,
            body: Bytes::from_static(body),
            request_head: String::new(),
            response_head: String::new(),
            attempts: 1,
            elapsed: Duration::ZERO,
        }
    }

    #[test]
    fn html_sniffing() {
        let error_page = fetched(
            b"\r\n <html><body>error</body></html>",
            Some("application/octet-stream"),
        );
        assert!(error_page.looks_like_html());
        assert!(!error_page.is_pdf());
        let pdf = fetched(b"%PDF-1.7\n...", Some("text/html"));
        assert!(pdf.is_pdf());
        assert!(!pdf.looks_like_html());
        assert!(!fetched(b"PK\x03\x04", None).looks_like_html());
    }

    #[test]
    fn sha256() {
        assert_eq!(
            fetched(b"", None).sha256_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
