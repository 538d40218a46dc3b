//! The router and the state every handler shares.

use std::sync::Arc;

use axum::http::header::CONTENT_TYPE;
use axum::routing::{get, post};
use axum::Router;

use super::{
    auth, bulk, error, evidence, headers, import, indicators, list, pages, password, users,
    AppConfig, AppError,
};

/// Shared, cheap to clone.
#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

pub struct Inner {
    pub config: AppConfig,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// Renders a page template (see [`crate::render`]).
    pub fn render(
        &self,
        name: &str,
        ctx: minijinja::Value,
    ) -> Result<axum::response::Html<String>, AppError> {
        // Every page names the rubric it scores by: the one this server loaded for its portal.
        let r = &self.config.rubric;
        let rubric = format!("{}{}年度考核（{}）", r.county, r.year, r.source);
        let ctx = minijinja::context! { rubric_name => rubric, ..ctx };
        Ok(axum::response::Html(crate::render::render(name, ctx)?))
    }
}

/// The whole app.
pub fn app(config: AppConfig) -> Router {
    let state = AppState(Arc::new(Inner { config }));
    Router::new()
        .route("/", get(pages::overview))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/password", get(password::form).post(password::change))
        .route("/units/{name}", get(pages::unit))
        .route("/units/{name}/entries", post(pages::add_entry))
        .route("/entries/{id}/withdraw", post(pages::withdraw_entry))
        .route("/items/{table}/{item}", get(bulk::form).post(bulk::submit))
        .route(
            "/entries/import",
            get(import::form)
                .post(import::upload)
                // A spreadsheet is larger than any form: its own limit (and some room for the
                // multipart framing).
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::review::MAX_SHEET_BYTES + 64 * 1024,
                )),
        )
        .route("/indicators", get(indicators::page))
        .route("/indicators/judge", post(indicators::judge))
        .route("/indicators/decide", post(indicators::decide))
        .route("/indicators/bulk", post(indicators::bulk))
        .route("/findings", get(list::list))
        .route("/findings/bulk", post(list::bulk))
        .route("/findings/{id}", get(pages::finding))
        .route("/findings/{id}/decide", post(pages::decide))
        .route("/evidence/{id}", get(evidence::view))
        .route("/evidence/{id}/raw", get(evidence::raw))
        .route("/users", get(users::list).post(users::add))
        .route("/users/{id}/disable", post(users::disable))
        .route("/static/app.css", get(stylesheet))
        .route("/static/keys.js", get(shortcuts))
        .fallback(|| async { AppError::NotFound })
        .layer(axum::middleware::from_fn(error::chinese_rejections))
        .layer(axum::extract::DefaultBodyLimit::max(super::MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            headers::security_headers,
        ))
        .with_state(state)
}

/// The review pages' keyboard shortcuts (the only script, loaded from this server).
async fn shortcuts() -> impl axum::response::IntoResponse {
    (
        [(CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../templates/keys.js"),
    )
}

async fn stylesheet() -> impl axum::response::IntoResponse {
    (
        [(CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../templates/app.css"),
    )
}
