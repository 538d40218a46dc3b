//! Reading a fetched HTML page: decoded (a body that decodes only with errors is refused, never
//! judged as mojibake), measured (a page over the markup limits is refused before the parser
//! sees it), then parsed on the blocking pool so a heavy page never stalls the other units.

use scraper::Html;

use super::recorder::Got;
use crate::extract::markup::{measure, MarkupLimits};
use crate::model::PageFailure;

/// Decodes, measures and parses `got`, and hands the tree to `read`, all on the blocking pool.
/// `Err` says why the page cannot be read; the caller records it where the checks see it.
pub async fn read_html<T, F>(got: &Got, read: F) -> Result<T, PageFailure>
where
    F: FnOnce(&Html) -> T + Send + 'static,
    T: Send + 'static,
{
    let got = got.clone();
    let url = got.url.to_string();
    crate::telemetry::spawn_blocking(move || read_html_sync(&got, &MarkupLimits::default(), read))
        .await
        .unwrap_or_else(|e| {
            // A panic in a reader is a bug; the page stays unread rather than the run failing.
            tracing::error!(%url, error = %e, "page reader failed");
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
