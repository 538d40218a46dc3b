//! Account management for admins: list, add, disable. Every change goes to the audit log.

use axum::extract::{Path, State};
use axum::response::{Html, Redirect};
use axum::Form;
use minijinja::context;
use serde::Deserialize;

use super::app::AppState;
use super::auth::CurrentUser;
use super::{csrf, AppError};
use crate::review::{hash_password, Role};

/// The audit log's unit for account changes.
pub const ACCOUNTS: &str = "（账户）";

pub async fn list(State(st): State<AppState>, me: CurrentUser) -> Result<Html<String>, AppError> {
    me.require_admin()?;
    let users = st.config.store.users().await?;
    let log = st.config.store.audit_log("", ACCOUNTS, None).await?;
    st.render(
        "users.html",
        context! { me => me.me(), csrf => me.csrf, users => users, log => log },
    )
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
) -> Result<Redirect, AppError> {
    csrf::check(&me.csrf, &form.csrf)?;
    me.require_admin()?;
    let name = form.name.trim();
    let role =
        Role::parse(&form.role).ok_or_else(|| AppError::BadRequest("请选择角色。".into()))?;
    if name.is_empty() || form.password.chars().count() < 8 {
        return Err(AppError::BadRequest("须填写用户名，密码至少 8 位。".into()));
    }
    let store = &st.config.store;
    if store.user_by_name(name).await?.is_some() {
        return Err(AppError::BadRequest("该用户名已存在。".into()));
    }
    store
        .add_user(name, role, &hash_password(&form.password))
        .await?;
    log_account(&st, &me, "user-add", name, "无", role.label()).await?;
    Ok(Redirect::to("/users"))
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
