//! Security headers on every response; a handler that sets its own (the sandboxed evidence
//! view) keeps them. HSTS only when a trusted proxy says the request came over HTTPS.

use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

use super::app::AppState;
use super::client;

/// Scripts, styles and frames from this server only (no inline script: the only script is the
/// keyboard shortcuts' file); nobody may frame the pages.
pub const PAGE_CSP: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
    frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Crawled HTML: a sandbox (opaque origin, no scripts, no forms), nothing loaded from anywhere,
/// framed only by our own evidence page.
pub const SANDBOX_CSP: &str = "sandbox; default-src 'none'; style-src 'unsafe-inline'; \
    img-src data:; frame-ancestors 'self'";

/// One year; subdomains are left alone (the county's other sites may not be on HTTPS).
pub const HSTS: &str = "max-age=31536000";

pub async fn security_headers(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let https = client::of_parts(&parts, &st.config.trusted_proxies).https;
    let mut res = next.run(Request::from_parts(parts, body)).await;
    let h = res.headers_mut();
    if https {
        h.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    h.entry(CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(PAGE_CSP));
    h.entry(X_FRAME_OPTIONS)
        .or_insert(HeaderValue::from_static("DENY"));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.entry(REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("no-referrer"));
    h.entry(CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    res
}
