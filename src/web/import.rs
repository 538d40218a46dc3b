//! Importing the office's spreadsheet of manual items in the review UI (`/entries/import`):
//! the same reading and the same all-or-nothing entry as `gongkai entries import`.

use axum::extract::{Multipart, State};
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;

use super::app::AppState;
use super::auth::CurrentUser;
use super::pages::{current, description, portal_name, run_ctx};
use super::{csrf, AppError};
use crate::model::Table;
use crate::review::{self, read_sheet, RowError, SetError, SheetError};

pub async fn form(State(st): State<AppState>, me: CurrentUser) -> Result<Html<String>, AppError> {
    me.require_decide()?;
    let (run, _) = current(&st).await?;
    st.render(
        "import.html",
        context! { me => me.me(), csrf => me.csrf, run => run_ctx(run.as_ref()) },
    )
}

pub async fn upload(
    State(st): State<AppState>,
    me: CurrentUser,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let bad = |m: String| AppError::BadRequest(m);
    let (mut token, mut file) = (String::new(), None);
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| bad(format!("上传内容无法读取：{e}")))?
    {
        match field.name() {
            Some("csrf") => token = field.text().await.unwrap_or_default(),
            Some("file") => {
                let name = field.file_name().unwrap_or("表格").to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| bad(format!("上传的文件无法读取：{e}")))?;
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    csrf::check(&me.csrf, &token)?;
    me.require_decide()?;
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(bad("请选择要导入的表格文件。".into()));
    };
    let (run, reviews) = current(&st).await?;
    let config = description(&st, run.as_ref()).await?;
    let portal = portal_name(&st, run.as_ref());
    let named: Vec<(String, Table)> = reviews.iter().map(|r| (r.unit.clone(), r.table)).collect();
    let units = super::pages::units_of(config.as_ref(), &portal, &named);
    let outcome = match read_sheet(&name, &bytes) {
        Ok(values) => review::set_values(
            &st.config.store,
            &st.config.rubric,
            units,
            &me.user.name,
            &values,
        )
        .await
        .map(|s| (values.len(), s)),
        Err(SheetError::Rows(rows)) => Err(SetError::Rows(rows)),
        Err(e) => Err(SetError::Rows(vec![RowError {
            place: name.clone(),
            message: e.to_string(),
        }])),
    };
    let page = |message: String, errors: Vec<RowError>| {
        st.render(
            "import.html",
            context! { me => me.me(), csrf => me.csrf, run => run_ctx(run.as_ref()),
            file => name, message => message, errors => errors },
        )
    };
    match outcome {
        Ok((rows, summary)) => {
            Ok(page(format!("{rows} 行，{}", summary.sentence()), vec![])?.into_response())
        }
        Err(SetError::Rows(errors)) => Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            page(String::new(), errors)?,
        )
            .into_response()),
        Err(SetError::Changed) => Err(AppError::Conflict(
            "导入期间数据已被他人修改，未录入任何内容；请重新导入。".into(),
        )),
        Err(SetError::Store(e)) => Err(e.into()),
    }
}
