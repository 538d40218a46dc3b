//! Login, logout and the session behind every page. The cookie holds a random token; the store
//! keeps only its hash, with the account, the CSRF token and the expiry.

use axum::extract::{FromRequestParts, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::Form;
use minijinja::context;
use serde::Deserialize;

use super::app::AppState;
use super::{csrf, AppError};
use crate::review::{random_token, verify_password, Role, User};

const SESSION_COOKIE: &str = "gongkai_session";
const LOGIN_COOKIE: &str = "gongkai_login";

/// The logged-in account of a request, with its session's CSRF token.
pub struct CurrentUser {
    pub user: User,
    pub csrf: String,
}

impl CurrentUser {
    /// What the page header shows.
    pub fn me(&self) -> minijinja::Value {
        context! {
            name => self.user.name,
            role => self.user.role.label(),
            can_decide => self.user.role.can_decide(),
            is_admin => self.user.role == Role::Admin,
        }
    }

    pub fn require_decide(&self) -> Result<(), AppError> {
        if self.user.role.can_decide() {
            Ok(())
        } else {
            Err(AppError::Forbidden("只有审核人员可以作出决定。".into()))
        }
    }

    pub fn require_admin(&self) -> Result<(), AppError> {
        if self.user.role == Role::Admin {
            Ok(())
        } else {
            Err(AppError::Forbidden("只有管理员可以管理账户。".into()))
        }
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or(AppError::LoginRequired)?;
        let session = state
            .config
            .store
            .session(&token_hash(&token), now())
            .await?
            .ok_or(AppError::LoginRequired)?;
        Ok(CurrentUser {
            user: session.user,
            csrf: session.csrf,
        })
    }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn token_hash(token: &str) -> String {
    crate::util::sha256_hex(token.as_bytes())
}

/// A cookie's value from the request.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

fn set_cookie(name: &str, value: &str, path: &str, max_age: u64, secure: bool) -> String {
    format!(
        "{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

pub async fn login_form(State(st): State<AppState>) -> Result<Response, AppError> {
    render_login(&st, None, axum::http::StatusCode::OK)
}

fn render_login(
    st: &AppState,
    error: Option<&str>,
    status: axum::http::StatusCode,
) -> Result<Response, AppError> {
    let token = random_token(16);
    let page = st.render("login.html", context! { csrf => token, error => error })?;
    let cookie = set_cookie(
        LOGIN_COOKIE,
        &token,
        "/login",
        3600,
        st.config.secure_cookie,
    );
    Ok((status, [(SET_COOKIE, cookie)], page).into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

pub async fn login(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    csrf::check(
        &cookie(&headers, LOGIN_COOKIE).unwrap_or_default(),
        &form.csrf,
    )?;
    let store = &st.config.store;
    let user = store.user_by_name(form.name.trim()).await?;
    // Verify against a dummy hash for unknown names, so that timing does not tell them apart.
    let ok = match &user {
        Some(u) => verify_password(&form.password, &u.password_hash) && !*u.disabled,
        None => {
            verify_password(&form.password, DUMMY_HASH);
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        tracing::warn!(name = %form.name, "failed login");
        tokio::time::sleep(st.config.login_delay).await;
        return render_login(
            &st,
            Some("用户名或密码错误。"),
            axum::http::StatusCode::UNAUTHORIZED,
        );
    };
    let token = random_token(32);
    let ttl = st.config.session_ttl.as_secs();
    let now = now();
    store
        .create_session(
            &token_hash(&token),
            user.id,
            &random_token(32),
            now,
            now + ttl as i64,
        )
        .await?;
    let cookie = set_cookie(SESSION_COOKIE, &token, "/", ttl, st.config.secure_cookie);
    let clear_login = set_cookie(LOGIN_COOKIE, "", "/login", 0, st.config.secure_cookie);
    Ok((
        AppendHeaders([(SET_COOKIE, cookie), (SET_COOKIE, clear_login)]),
        Redirect::to("/"),
    )
        .into_response())
}

/// An argon2id hash of a random password, verified against when the name is unknown.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Vt0+7wr0v3WTrqIE0ZzWQ1tqX47kqWmA1mWjA6Y6UeQ";

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(st): State<AppState>,
    me: CurrentUser,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    csrf::check(&me.csrf, &form.csrf)?;
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        st.config.store.delete_session(&token_hash(&token)).await?;
    }
    let clear = set_cookie(SESSION_COOKIE, "", "/", 0, st.config.secure_cookie);
    Ok(([(SET_COOKIE, clear)], Redirect::to("/login")).into_response())
}
