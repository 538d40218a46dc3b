//! Login, logout and the session behind every page. The cookie holds a random token; the store
//! keeps only its hash, with the account, the CSRF token and the expiry. Failed logins are
//! counted per account name and per client address in the store ([`LoginPolicy`]): each failure
//! makes the next attempt wait longer, and enough of them lock the name or the address for a
//! while. Failures and locks go to the log (tracing, `warn`), locks also to the audit log.

use axum::extract::{FromRequestParts, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::Form;
use minijinja::context;
use serde::Deserialize;

use super::app::AppState;
use super::client::Client;
use super::users::ACCOUNTS;
use super::{csrf, AppError};
use crate::review::{
    normalize_name, random_token, verify_password, LogLine, LoginPolicy, Role, User, Verdict,
};
use crate::telemetry::escaped;

const SESSION_COOKIE: &str = "gongkai_session";
const LOGIN_COOKIE: &str = "gongkai_login";

/// The logged-in account of a request, with its session's CSRF token.
pub struct CurrentUser {
    pub user: User,
    pub csrf: String,
    /// The session's token hash (a password change keeps this session, ends the others).
    pub token_hash: String,
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
        let hash = token_hash(&token);
        let session = state
            .config
            .store
            .session(&hash, state.config.clock.now())
            .await?
            .ok_or(AppError::LoginRequired)?;
        Ok(CurrentUser {
            user: session.user,
            csrf: session.csrf,
            token_hash: hash,
        })
    }
}

pub fn token_hash(token: &str) -> String {
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

pub async fn login_form(State(st): State<AppState>, client: Client) -> Result<Response, AppError> {
    render_login(&st, client, None, StatusCode::OK)
}

fn render_login(
    st: &AppState,
    client: Client,
    error: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let token = random_token(16);
    let page = st.render("login.html", context! { csrf => token, error => error })?;
    let cookie = set_cookie(LOGIN_COOKIE, &token, "/login", 3600, secure(st, client));
    Ok((status, [(SET_COOKIE, cookie)], page).into_response())
}

/// Whether cookies get `Secure`: always when configured, else when a trusted proxy says HTTPS.
pub fn secure(st: &AppState, client: Client) -> bool {
    st.config.secure_cookie || client.https
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
    client: Client,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    csrf::check(
        &cookie(&headers, LOGIN_COOKIE).unwrap_or_default(),
        &form.csrf,
    )?;
    let store = &st.config.store;
    // A name that cannot be an account's is still counted, under what was typed.
    let name = normalize_name(&form.name).unwrap_or_else(|_| form.name.trim().to_string());
    let keys = Throttle::keys(&name, client);
    let turn = st.config.login_turn().await;
    if let Some(refusal) = keys.refusal(&st).await? {
        tracing::warn!(name = %escaped(&name), address = %escaped(&client.addr_label()),
            "login refused by the throttle");
        return render_login(&st, client, Some(&refusal), StatusCode::TOO_MANY_REQUESTS);
    }
    let user = store.user_by_name(&name).await?;
    // Verify against a dummy hash for unknown names, so that timing does not tell them apart.
    let ok = match &user {
        Some(u) => verify_password(&form.password, &u.password_hash) && !*u.disabled,
        None => {
            verify_password(&form.password, DUMMY_HASH);
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        let locked = keys.count_failure(&st).await?;
        drop(turn);
        tokio::time::sleep(st.config.login_delay).await;
        let message = if locked {
            format!(
                "用户名或密码错误。{}",
                lock_message(LoginPolicy::ACCOUNT.lock_secs)
            )
        } else {
            "用户名或密码错误。".to_string()
        };
        return render_login(&st, client, Some(&message), StatusCode::UNAUTHORIZED);
    };
    store.clear_login_failures(&keys.account).await?;
    drop(turn);
    let token = random_token(32);
    let ttl = st.config.session_ttl.as_secs();
    let now = st.config.clock.now();
    store
        .create_session(
            &token_hash(&token),
            user.id,
            &random_token(32),
            now,
            now + ttl as i64,
        )
        .await?;
    let secure = secure(&st, client);
    let cookie = set_cookie(SESSION_COOKIE, &token, "/", ttl, secure);
    let clear_login = set_cookie(LOGIN_COOKIE, "", "/login", 0, secure);
    Ok((
        AppendHeaders([(SET_COOKIE, cookie), (SET_COOKIE, clear_login)]),
        Redirect::to("/"),
    )
        .into_response())
}

/// The lock as the user reads it: the same whether the name is an account or not.
fn lock_message(secs: i64) -> String {
    let minutes = (secs + 59) / 60;
    format!("登录失败次数过多，已暂停登录，请 {minutes} 分钟后再试。")
}

/// The throttle's keys of one attempt: the account name and the client address.
pub struct Throttle {
    pub account: String,
    pub address: Option<String>,
    name: String,
    addr_label: String,
}

impl Throttle {
    pub fn keys(name: &str, client: Client) -> Throttle {
        // Bounded, whatever was typed (the body limit bounds it too).
        let name = crate::util::truncate_chars(name, 64);
        Throttle {
            account: format!("account:{name}"),
            address: client.addr.map(|a| format!("address:{a}")),
            name,
            addr_label: client.addr_label(),
        }
    }

    fn policies(&self) -> impl Iterator<Item = (&str, LoginPolicy)> {
        std::iter::once((self.account.as_str(), LoginPolicy::ACCOUNT))
            .chain(self.address.as_deref().map(|a| (a, LoginPolicy::ADDRESS)))
    }

    /// Why an attempt may not be made now (a lock or a wait, in Chinese), if so.
    pub async fn refusal(&self, st: &AppState) -> Result<Option<String>, AppError> {
        let now = st.config.clock.now();
        let mut wait = 0;
        for (key, policy) in self.policies() {
            let Some(f) = st.config.store.login_failures(key).await? else {
                continue;
            };
            match policy.verdict(f.failures, f.last_failure, now) {
                Verdict::Open => {}
                Verdict::Locked(secs) => return Ok(Some(lock_message(secs))),
                Verdict::Wait(secs) => wait = wait.max(secs),
            }
        }
        Ok((wait > 0).then(|| format!("登录尝试过于频繁，请 {wait} 秒后再试。")))
    }

    /// Counts a failure under every key; `true` when that locked the account name.
    pub async fn count_failure(&self, st: &AppState) -> Result<bool, AppError> {
        let now = st.config.clock.now();
        let mut account_locked = false;
        for (key, policy) in self.policies() {
            let f = st
                .config
                .store
                .record_login_failure(key, now, policy.forget_before(now))
                .await?;
            tracing::warn!(name = %escaped(&self.name), address = %escaped(&self.addr_label),
                key = %escaped(key), failures = f.failures, "failed login");
            if f.failures == policy.lock_after {
                account_locked |= key == self.account;
                tracing::warn!(key = %escaped(key), address = %escaped(&self.addr_label),
                    minutes = policy.lock_secs / 60, "login locked");
                st.config
                    .store
                    .append_log(&LogLine {
                        portal: "",
                        actor: "（登录）",
                        action: "login-lock",
                        unit: ACCOUNTS,
                        subject: key.replacen("account:", "user:", 1),
                        finding_id: None,
                        before: format!("连续失败 {} 次", f.failures),
                        after: format!("暂停登录 {} 分钟", policy.lock_secs / 60),
                        note: &format!("来自 {}", self.addr_label),
                    })
                    .await?;
            }
        }
        Ok(account_locked)
    }
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
    client: Client,
    me: CurrentUser,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    csrf::check(&me.csrf, &form.csrf)?;
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        st.config.store.delete_session(&token_hash(&token)).await?;
    }
    let clear = set_cookie(SESSION_COOKIE, "", "/", 0, secure(&st, client));
    Ok(([(SET_COOKIE, clear)], Redirect::to("/login")).into_response())
}
