//! `/password`: an account changes its own password (the current one, the new one twice). The
//! new one must meet [`crate::review::PASSWORD_RULE`]; the change ends the account's other
//! sessions and goes to the audit log. A wrong current password counts as a failed login.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use minijinja::context;
use serde::Deserialize;

use super::app::AppState;
use super::auth::{CurrentUser, Throttle};
use super::client::Client;
use super::users::ACCOUNTS;
use super::{csrf, AppError};
use crate::review::{
    check_password, hash_password, verify_password, LogLine, PasswordError, PASSWORD_RULE,
};

#[derive(Deserialize)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

pub async fn form(
    State(st): State<AppState>,
    me: CurrentUser,
    Query(q): Query<Done>,
) -> Result<Response, AppError> {
    let done = q
        .done
        .is_some()
        .then_some("密码已修改；此账户在其他地方的登录已全部退出。");
    render(&st, &me, None, done, StatusCode::OK)
}

fn render(
    st: &AppState,
    me: &CurrentUser,
    error: Option<&str>,
    done: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let page = st.render(
        "password.html",
        context! {
            me => me.me(), csrf => me.csrf, rule => PASSWORD_RULE, error => error, done => done,
        },
    )?;
    Ok((status, page).into_response())
}

#[derive(Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    again: String,
}

pub async fn change(
    State(st): State<AppState>,
    client: Client,
    me: CurrentUser,
    Form(form): Form<ChangeForm>,
) -> Result<Response, AppError> {
    csrf::check(&me.csrf, &form.csrf)?;
    let keys = Throttle::keys(&me.user.name, client);
    let turn = st.config.login_turn().await;
    if let Some(refusal) = keys.refusal(&st).await? {
        return render(
            &st,
            &me,
            Some(&refusal),
            None,
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    if !verify_password(&form.current, &me.user.password_hash) {
        keys.count_failure(&st).await?;
        drop(turn);
        tokio::time::sleep(st.config.login_delay).await;
        return render(
            &st,
            &me,
            Some("当前密码不正确。"),
            None,
            StatusCode::BAD_REQUEST,
        );
    }
    drop(turn);
    let refused = if form.new != form.again {
        Some(PasswordError::Mismatch.to_string())
    } else if form.new == form.current {
        Some("新密码不能与当前密码相同。".to_string())
    } else {
        check_password(&me.user.name, &form.new)
            .err()
            .map(|e| e.to_string())
    };
    if let Some(message) = refused {
        return render(&st, &me, Some(&message), None, StatusCode::BAD_REQUEST);
    }
    let store = &st.config.store;
    store
        .set_password(me.user.id, &hash_password(&form.new), Some(&me.token_hash))
        .await?;
    store.clear_login_failures(&keys.account).await?;
    store
        .append_log(&LogLine {
            portal: "",
            actor: &me.user.name,
            action: "password-change",
            unit: ACCOUNTS,
            subject: format!("user:{}", me.user.name),
            finding_id: None,
            before: "旧密码".into(),
            after: "新密码（其他会话已退出）".into(),
            note: "",
        })
        .await?;
    Ok(Redirect::to("/password?done=1").into_response())
}
