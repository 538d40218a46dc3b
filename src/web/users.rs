//! Account management for admins: list, add, disable. Every change goes to the audit log. A new
//! name and password follow the rules of [`crate::review::check_new_name`] and
//! [`crate::review::check_password`], as `gongkai user add` does.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use minijinja::context;
use serde::Deserialize;

use super::app::AppState;
use super::auth::CurrentUser;
use super::{csrf, AppError};
use crate::review::{
    check_new_name, check_password, hash_password, Role, MAX_NAME_CHARS, PASSWORD_RULE,
};
use crate::telemetry::escaped;

/// The audit log's unit for account changes.
pub const ACCOUNTS: &str = "（账户）";

pub async fn list(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    me.require_admin()?;
    render(&st, &me, None, None, StatusCode::OK).await
}

/// The page, with a refusal and what was typed (the name and role, never the password).
async fn render(
    st: &AppState,
    me: &CurrentUser,
    error: Option<&str>,
    typed: Option<&AddForm>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let users = st.config.store.users().await?;
    let log = st.config.store.audit_log("", ACCOUNTS, None).await?;
    let page = st.render(
        "users.html",
        context! {
            me => me.me(), csrf => me.csrf, users => users, log => log, error => error,
            rule => PASSWORD_RULE, max_name => MAX_NAME_CHARS,
            typed_name => typed.map(|t| t.name.as_str()),
            typed_role => typed.map(|t| t.role.as_str()),
        },
    )?;
    Ok((status, page).into_response())
}

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

pub async fn add(
    State(st): State<AppState>,
    me: CurrentUser,
    Form(form): Form<AddForm>,
) -> Result<Response, AppError> {
    csrf::check(&me.csrf, &form.csrf)?;
    me.require_admin()?;
    let store = &st.config.store;
    let existing = store.users().await?;
    let checked = Role::parse(&form.role)
        .ok_or_else(|| "请选择角色。".to_string())
        .and_then(|role| {
            let name = check_new_name(&form.name, existing.iter().map(|u| u.name.as_str()))
                .map_err(|e| e.to_string())?;
            check_password(&name, &form.password).map_err(|e| e.to_string())?;
            Ok((name, role))
        });
    let (name, role) = match checked {
        Ok(ok) => ok,
        Err(message) => {
            tracing::info!(name = %escaped(&form.name), reason = %escaped(&message),
                "account refused");
            return render(
                &st,
                &me,
                Some(&message),
                Some(&form),
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
    };
    store
        .add_user(&name, role, &hash_password(&form.password))
        .await?;
    log_account(&st, &me, "user-add", &name, "无", role.label()).await?;
    Ok(Redirect::to("/users").into_response())
}

#[derive(Deserialize)]
pub struct DisableForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    disabled: String,
}

pub async fn disable(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<DisableForm>,
) -> Result<Redirect, AppError> {
    csrf::check(&me.csrf, &form.csrf)?;
    me.require_admin()?;
    if id == me.user.id {
        return Err(AppError::BadRequest("不能停用自己的账户。".into()));
    }
    let store = &st.config.store;
    let user = store
        .users()
        .await?
        .into_iter()
        .find(|u| u.id == id)
        .ok_or(AppError::NotFound)?;
    let disabled = form.disabled == "1";
    store.set_user_disabled(id, disabled).await?;
    let (before, after) = if disabled {
        ("启用", "停用")
    } else {
        ("停用", "启用")
    };
    log_account(&st, &me, "user-disable", &user.name, before, after).await?;
    Ok(Redirect::to("/users"))
}

async fn log_account(
    st: &AppState,
    me: &CurrentUser,
    action: &str,
    name: &str,
    before: &str,
    after: &str,
) -> Result<(), AppError> {
    st.config
        .store
        .append_log(&crate::review::LogLine {
            portal: "",
            actor: &me.user.name,
            action,
            unit: ACCOUNTS,
            subject: format!("user:{name}"),
            finding_id: None,
            before: before.into(),
            after: after.into(),
            note: "",
        })
        .await?;
    Ok(())
}
