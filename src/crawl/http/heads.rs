//! The request and response heads kept with every fetch, so that the evidence can be exported as
//! it went over the wire (WARC): the request line with the headers sent, and the status line with
//! the response headers that say what the body is. Hop-by-hop headers, cookies and the transfer
//! coding are not kept: the stored body is the decoded one.

use reqwest::header::HeaderMap;
use url::Url;

/// Response headers kept, lowercase. `Content-Length` is the one received; the stored body's
/// length may differ when the answer came compressed.
const KEPT: &[&str] = &[
    "content-type",
    "content-length",
    "content-disposition",
    "content-language",
    "last-modified",
    "etag",
    "date",
    "expires",
    "cache-control",
    "location",
    "server",
    "retry-after",
];

/// A header value longer than this is cut: a hostile server must not fill the store.
const MAX_VALUE: usize = 1000;

/// The request line and headers of a request as the fetcher sends it (reqwest adds `Host` and,
/// with its gzip feature, `Accept-Encoding`; they are written as sent).
pub fn request_head(method: &str, url: &Url, headers: &[(&str, &str)]) -> String {
    let mut target = url.path().to_string();
    if let Some(q) = url.query() {
        target.push('?');
        target.push_str(q);
    }
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or("")),
        None => url.host_str().unwrap_or("").to_string(),
    };
    let mut head = format!("{method} {target} HTTP/1.1\nHost: {host}\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {}\n", clean(value)));
    }
    head
}

/// The status line and the kept headers of a response.
pub fn response_head(
    version: reqwest::Version,
    status: reqwest::StatusCode,
    map: &HeaderMap,
) -> String {
    let version = match version {
        reqwest::Version::HTTP_10 => "HTTP/1.0",
        reqwest::Version::HTTP_2 => "HTTP/2",
        reqwest::Version::HTTP_3 => "HTTP/3",
        _ => "HTTP/1.1",
    };
    let mut head = format!(
        "{version} {} {}\n",
        status.as_str(),
        status.canonical_reason().unwrap_or("")
    );
    for (name, value) in map {
        if KEPT.contains(&name.as_str()) {
            let value = String::from_utf8_lossy(value.as_bytes());
            head.push_str(&format!(
                "{}: {}\n",
                canonical(name.as_str()),
                clean(&value)
            ));
        }
    }
    head
}

/// `content-type` → `Content-Type`; `etag` → `ETag`.
fn canonical(name: &str) -> String {
    if name == "etag" {
        return "ETag".into();
    }
    name.split('-')
        .map(|part| {
            let mut c = part.chars();
            match c.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// One line, bounded: no line breaks can enter a head.
fn clean(value: &str) -> String {
    let mut out: String = value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if out.len() > MAX_VALUE {
        let mut end = MAX_VALUE;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderValue, CONTENT_TYPE, ETAG, SET_COOKIE};

    #[test]
    fn heads_keep_what_describes_the_body() {
        let url = Url::parse("http://x.gov.cn:8080/a.jsp?id=1#frag").unwrap();
        assert_eq!(
            request_head("GET", &url, &[("Referer", "http://x.gov.cn/\r\nX: y")]),
            "GET /a.jsp?id=1 HTTP/1.1\nHost: x.gov.cn:8080\nReferer: http://x.gov.cn/  X: y\n"
        );
        let mut map = HeaderMap::new();
        map.insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
        map.insert(ETAG, HeaderValue::from_static("\"ab\""));
        map.insert(SET_COOKIE, HeaderValue::from_static("JSESSIONID=1"));
        assert_eq!(
            response_head(reqwest::Version::HTTP_11, reqwest::StatusCode::OK, &map),
            "HTTP/1.1 200 OK\nContent-Type: text/html\nETag: \"ab\"\n"
        );
    }
}
