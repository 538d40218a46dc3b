//! The evidence as the crawler stored it. Crawled HTML is untrusted: the viewer shows its text,
//! escaped, with the finding's excerpt highlighted, and the page itself only inside a sandboxed
//! frame (no scripts, opaque origin, nothing loaded from outside). PDFs are served as stored.

use axum::extract::{Path, Query, State};
use axum::http::header::{
    CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, X_FRAME_OPTIONS,
};
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use serde::Deserialize;

use super::app::AppState;
use super::auth::CurrentUser;
use super::headers::SANDBOX_CSP;
use super::AppError;
use crate::store::StoredPage;

/// Text beyond this is cut from the viewer (the sandboxed frame still has all).
const MAX_TEXT: usize = 300_000;

#[derive(Deserialize)]
pub struct ViewQuery {
    finding: Option<i64>,
}

fn is_html(p: &StoredPage) -> bool {
    p.content_type
        .as_deref()
        .is_some_and(|c| c.contains("html"))
}

fn is_pdf(p: &StoredPage) -> bool {
    // By its bytes: portals serve PDFs as application/octet-stream through download.jsp.
    p.body.as_deref().is_some_and(crate::util::is_pdf)
        || p.content_type.as_deref().is_some_and(|c| c.contains("pdf"))
}

/// The body as text, decoded as the crawler decoded it.
fn decoded(p: &StoredPage) -> String {
    let body = p.body.as_deref().unwrap_or_default();
    let enc = p
        .encoding
        .as_deref()
        .and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    enc.decode(body).0.into_owned()
}

/// The visible text of an HTML page, one line per text block.
fn html_text(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let mut out = String::new();
    for node in doc.tree.nodes() {
        let Some(text) = node.value().as_text() else {
            continue;
        };
        let hidden = node
            .parent()
            .and_then(|p| p.value().as_element().map(|e| e.name()))
            .is_some_and(|n| matches!(n, "script" | "style" | "noscript" | "template"));
        let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !hidden && !t.is_empty() {
            out.push_str(&t);
            out.push('\n');
        }
    }
    out
}

/// Splits `text` around the first occurrence of `excerpt` (before, match, after).
fn highlight(text: &str, excerpt: &str) -> (String, String, String) {
    let needle = excerpt.trim();
    match (!needle.is_empty()).then(|| text.find(needle)).flatten() {
        Some(i) => (
            text[..i].to_string(),
            needle.to_string(),
            text[i + needle.len()..].to_string(),
        ),
        None => (text.to_string(), String::new(), String::new()),
    }
}

fn cut(mut s: String) -> String {
    if s.len() > MAX_TEXT {
        let mut end = MAX_TEXT;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push_str("\n……（以下省略）");
    }
    s
}

pub async fn view(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ViewQuery>,
) -> Result<Html<String>, AppError> {
    let store = &st.config.store;
    let page = store.page(id).await?.ok_or(AppError::NotFound)?;
    let finding = match q.finding {
        Some(fid) => store.finding(fid).await?,
        None => None,
    };
    let excerpt = finding
        .as_ref()
        .and_then(|f| f.evidence.iter().find(|e| e.page_id == Some(id)))
        .map(|e| e.excerpt.clone())
        .unwrap_or_default();
    let pdf = if is_pdf(&page) {
        let bytes = page.body.clone().unwrap_or_default();
        Some(
            tokio::task::spawn_blocking(move || pdf_view(&bytes))
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?,
        )
    } else {
        None
    };
    let (before, hit, after) = if is_html(&page) {
        highlight(&cut(html_text(&decoded(&page))), &excerpt)
    } else if is_pdf(&page) {
        (String::new(), String::new(), String::new())
    } else {
        highlight(&cut(decoded(&page)), &excerpt)
    };
    st.render(
        "evidence.html",
        context! {
            me => me.me(), csrf => me.csrf, page => page, finding => finding,
            excerpt => excerpt, before => before, hit => hit, after => after,
            is_html => is_html(&page), is_pdf => is_pdf(&page), pdf => pdf,
        },
    )
}

/// A stored PDF read for the auditor: the verdict, and the text of its first pages (where the
/// 公开属性 marking belongs: the first page, above the title or below the 发文字号).
#[derive(serde::Serialize)]
struct PdfView {
    verdict: String,
    marking_page: Option<u32>,
    pages: u32,
    /// `(page, text)` of the first pages read, page 1 first.
    text: Vec<(u32, String)>,
    cut: bool,
}

/// Pages of text shown inline.
const PDF_PAGES_SHOWN: u32 = 3;

fn pdf_view(bytes: &[u8]) -> PdfView {
    let limits = crate::pdf::PdfLimits::default();
    let check = crate::pdf::check_pdf_sync(bytes, &limits);
    let lines = crate::pdf::extract_lines(bytes, &limits);
    let mut text: Vec<(u32, String)> = Vec::new();
    let mut cut = false;
    for (page, line) in lines {
        if page > PDF_PAGES_SHOWN {
            cut = true;
            break;
        }
        match text.last_mut() {
            Some((p, t)) if *p == page => {
                t.push('\n');
                t.push_str(&line);
            }
            _ => text.push((page, line)),
        }
    }
    PdfView {
        verdict: check.detail,
        marking_page: check.page,
        pages: check.pages,
        text,
        cut,
    }
}

pub async fn raw(
    State(st): State<AppState>,
    _me: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let page = st.config.store.page(id).await?.ok_or(AppError::NotFound)?;
    if is_html(&page) {
        let html = decoded(&page);
        return Ok((
            [
                (CONTENT_TYPE, "text/html; charset=utf-8"),
                (CONTENT_SECURITY_POLICY, SANDBOX_CSP),
                (X_FRAME_OPTIONS, "SAMEORIGIN"),
            ],
            html,
        )
            .into_response());
    }
    let body = page.body.clone().unwrap_or_default();
    if is_pdf(&page) {
        return Ok((
            [
                (CONTENT_TYPE, "application/pdf"),
                (CONTENT_DISPOSITION, "inline; filename=\"evidence.pdf\""),
                (
                    CONTENT_SECURITY_POLICY,
                    "default-src 'none'; frame-ancestors 'self'",
                ),
                (X_FRAME_OPTIONS, "SAMEORIGIN"),
            ],
            body,
        )
            .into_response());
    }
    Ok((
        [
            (CONTENT_TYPE, "application/octet-stream"),
            (CONTENT_DISPOSITION, "attachment; filename=\"evidence.bin\""),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_skips_scripts_and_highlights() {
        let t = html_text("<p>公开指南</p><script>alert(1)</script><p>联系电话 123</p>");
        assert_eq!(t, "公开指南\n联系电话 123\n");
        let (a, b, c) = highlight(&t, "联系电话");
        assert_eq!(
            (a.as_str(), b.as_str(), c.as_str()),
            ("公开指南\n", "联系电话", " 123\n")
        );
        assert_eq!(highlight("abc", "x").1, "");
    }
}
