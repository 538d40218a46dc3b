//! Errors of the web layer: each maps to a status and a short Chinese page (`error.html`);
//! internals are logged, not shown.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

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
                tracing::error!(%detail, "web request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let message = self.to_string();
        let page = crate::render::render(
            "error.html",
            minijinja::context! { status => status.as_u16(), message => message },
        );
        match page {
            Ok(page) => (status, Html(page)).into_response(),
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "the error page failed");
                (status, message).into_response()
            }
        }
    }
}
