//! Reading a fetched HTML page: decoded (a body that decodes only with errors is refused, never
//! judged as mojibake), measured (a page over the markup limits is refused before the parser
//! sees it), then parsed: a small page on the calling task, a large one on the blocking pool so
//! that it never stalls the other units.

use scraper::Html;

use super::recorder::Got;
use crate::extract::markup::{measure, MarkupLimits};
use crate::model::PageFailure;

/// Pages up to this size are read on the calling task: their parse takes about a millisecond,
/// less than handing them to the blocking pool and back costs. Larger ones go to the pool, so
/// that a heavy page never stalls the other units.
const INLINE_BYTES: usize = 64 * 1024;

/// Decodes, measures and parses `got`, and hands the tree to `read`: on the calling task for a
/// small page, on the blocking pool for a large one. `Err` says why the page cannot be read; the
/// caller records it where the checks see it.
pub async fn read_html<T, F>(got: &Got, read: F) -> Result<T, PageFailure>
where
    F: FnOnce(&Html) -> T + Send + 'static,
    T: Send + 'static,
{
    let url = got.url.to_string();
    let result = if got.body.len() <= INLINE_BYTES {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            read_html_sync(got, &MarkupLimits::default(), read)
        }))
        .map_err(|_| "panicked".to_string())
    } else {
        let got = got.clone();
        crate::telemetry::spawn_blocking(move || {
            read_html_sync(&got, &MarkupLimits::default(), read)
        })
        .await
        .map_err(|e| e.to_string())
    };
    result.unwrap_or_else(|error| {
        // A panic in a reader is a bug; the page stays unread rather than the run failing.
        tracing::error!(%url, %error, "page reader failed");
        Err(PageFailure::TooComplex {
            url,
            elements: 0,
            depth: 0,
        })
    })
}

/// `read_html` on the calling thread.
pub fn read_html_sync<T>(
    got: &Got,
    limits: &MarkupLimits,
    read: impl FnOnce(&Html) -> T,
) -> Result<T, PageFailure> {
    let text = readable_text(got, limits)?;
    Ok(read(&Html::parse_document(&text)))
}

/// The body as text, refused when it decodes only with errors or is over the markup limits.
fn readable_text(got: &Got, limits: &MarkupLimits) -> Result<String, PageFailure> {
    let page = got.decoded();
    if page.had_errors {
        tracing::warn!(url = %got.url, encoding = page.encoding, "page text undecodable");
        return Err(PageFailure::Undecodable {
            url: got.url.to_string(),
            encoding: page.encoding.to_string(),
        });
    }
    let shape = measure(&page.text);
    if !shape.within(limits) {
        tracing::warn!(url = %got.url, elements = shape.elements, depth = shape.depth,
            "page over the markup limits");
        return Err(PageFailure::TooComplex {
            url: got.url.to_string(),
            elements: shape.elements,
            depth: shape.depth,
        });
    }
    Ok(page.text)
}

/// Decodes and measures `got` like [`read_html`], and hands the text to `read` (a data proxy's
/// XML, which an HTML parser would not keep), on the blocking pool.
pub async fn read_text<T, F>(got: &Got, read: F) -> Result<T, PageFailure>
where
    F: FnOnce(&str) -> T + Send + 'static,
    T: Send + 'static,
{
    let got = got.clone();
    let url = got.url.to_string();
    crate::telemetry::spawn_blocking(move || {
        readable_text(&got, &MarkupLimits::default()).map(|text| read(&text))
    })
    .await
    .unwrap_or_else(|e| {
        tracing::error!(%url, error = %e, "text reader failed");
        Err(PageFailure::TooComplex {
            url,
            elements: 0,
            depth: 0,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn got(body: String) -> Got {
        Got {
            url: "http://portal.test/col/index.html".parse().unwrap(),
            body: Bytes::from(body),
            content_type: Some("text/html; charset=utf-8".into()),
            page_id: 1,
        }
    }

    /// A page of about `bytes` bytes whose title is `title`.
    fn page(title: &str, bytes: usize) -> String {
        let item = "<li><a href=\"/a.html\">一条信息</a><span>2020-12-01</span></li>";
        let items = item.repeat(bytes / item.len() + 1);
        format!("<html><head><title>{title}</title></head><body><ul>{items}</ul></body></html>")
    }

    fn title(html: &Html) -> Option<String> {
        let sel = scraper::Selector::parse("title").unwrap();
        html.select(&sel).next().map(|t| t.text().collect())
    }

    #[tokio::test]
    async fn small_and_large_pages_read_alike() {
        for size in [1_000, INLINE_BYTES * 2] {
            let g = got(page("栏目", size));
            assert_eq!(g.body.len() > INLINE_BYTES, size > INLINE_BYTES);
            let read = read_html(&g, title).await;
            assert_eq!(read, Ok(Some("栏目".to_string())), "{size} bytes");
        }
    }

    #[tokio::test]
    async fn a_reader_that_panics_leaves_the_page_unread_on_either_path() {
        for size in [1_000, INLINE_BYTES * 2] {
            let read: Result<(), _> =
                read_html(&got(page("栏目", size)), |_| panic!("reader bug")).await;
            assert!(
                matches!(read, Err(PageFailure::TooComplex { elements: 0, .. })),
                "{size} bytes: {read:?}"
            );
        }
    }
}
