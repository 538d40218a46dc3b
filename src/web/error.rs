//! Errors of the web layer: each maps to a status and a short Chinese page (`error.html`);
//! internals are logged, not shown. axum's own rejections (an unknown method, a body over the
//! limit, a form of the wrong type or shape, a malformed path) get the same page.

use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::telemetry::escaped;

use crate::review::DecisionError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No session: go to the login page.
    #[error("请先登录")]
    LoginRequired,
    #[error("{0}")]
    Forbidden(String),
    #[error("页面不存在")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    /// Someone else changed it first.
    #[error("{0}")]
    Conflict(String),
    #[error("服务器内部错误")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl From<minijinja::Error> for AppError {
    fn from(e: minijinja::Error) -> Self {
        AppError::Internal(format!("{e:#}"))
    }
}

impl From<DecisionError> for AppError {
    fn from(e: DecisionError) -> Self {
        match e {
            DecisionError::Invalid(m) => AppError::BadRequest(m),
            e @ DecisionError::Conflict { .. } => AppError::Conflict(e.to_string()),
            DecisionError::Store(e) => e.into(),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = match &self {
            AppError::LoginRequired => return Redirect::to("/login").into_response(),
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Internal(detail) => {
                tracing::error!(detail = %escaped(detail), "web request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        error_page(status, &self.to_string())
    }
}

/// The Chinese error page with `status`.
pub fn error_page(status: StatusCode, message: &str) -> Response {
    let page = crate::render::render(
        "error.html",
        minijinja::context! { status => status.as_u16(), message => message },
    );
    match page {
        Ok(page) => (status, Html(page)).into_response(),
        Err(e) => {
            tracing::error!(error = %escaped(&format!("{e:#}")), "the error page failed");
            (status, message.to_string()).into_response()
        }
    }
}

/// Replaces an error response that is not one of our pages (axum's rejections are English
/// plain text) with the Chinese error page, keeping its status and its other headers (`Allow`).
pub async fn chinese_rejections(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    let ours = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if ours || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let detail = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    tracing::debug!(
        status = status.as_u16(),
        detail = %escaped(&String::from_utf8_lossy(&detail)),
        "request rejected"
    );
    let page = error_page(status, &rejection_message(status));
    parts.headers.remove(CONTENT_TYPE);
    parts.headers.remove(CONTENT_LENGTH);
    let (page_parts, page_body) = page.into_parts();
    parts.headers.extend(page_parts.headers);
    Response::from_parts(parts, page_body)
}

/// What the page says for a status that no handler explained.
pub fn rejection_message(status: StatusCode) -> String {
    match status.as_u16() {
        400 => "请求无法识别：地址或表单的格式不对。请从页面上的链接或按钮进入。".into(),
        404 => "页面不存在".into(),
        405 => "该地址不接受这种请求方式。请从页面上的链接或按钮进入。".into(),
        408 => "请求超时，请重试。".into(),
        413 => format!(
            "提交的内容过大（上限 {} KB），请缩短备注或分批提交。",
            super::MAX_BODY_BYTES / 1024
        ),
        415 => "提交的格式不对：请通过页面上的表单提交。".into(),
        422 => "表单内容无法识别（字段缺失或格式不对），请刷新页面后重试。".into(),
        429 => "请求过于频繁，请稍后再试。".into(),
        s if s >= 500 => "服务器内部错误".into(),
        s => format!("请求未能完成（状态码 {s}）。"),
    }
}
