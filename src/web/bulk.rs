//! Entering one item for every unit at once (`/items/{table}/{item}`): a row per unit with what
//! is entered now, the points and the note. Blank rows are left as they are; the filled ones are
//! set together through [`review::set_values`] (one bad row and nothing is written, and the page
//! comes back with what the auditor typed and a message on each bad row).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::app::AppState;
use super::auth::CurrentUser;
use super::pages::{current, description, path_segment, run_ctx};
use super::{csrf, AppError};
use crate::labels;
use crate::model::Table;
use crate::review::{self, ItemValue, SetError, Target, UnitReview};

/// One unit's row.
#[derive(Serialize)]
struct Row {
    unit: String,
    /// The active manual entries for the target, as labels.
    current: Vec<String>,
    /// The machine's drafts and state of the item for this unit.
    state: String,
    points: String,
    note: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct Done {
    #[serde(default)]
    done: String,
}

fn table_of(s: &str) -> Result<Option<Table>, AppError> {
    match s {
        "township" => Ok(Some(Table::Township)),
        "department" => Ok(Some(Table::Department)),
        "all" => Ok(None),
        _ => Err(AppError::NotFound),
    }
}

/// What the page is about: the target and the units it applies to.
fn scope(st: &AppState, table: &str, item: &str) -> Result<(Option<Table>, Target), AppError> {
    let table = table_of(table)?;
    let target = Target::parse(&st.config.rubric, item).map_err(|_| AppError::NotFound)?;
    match (&target, table) {
        (Target::Item(n), Some(t)) if st.config.rubric.table(t).item(*n).is_some() => {}
        (Target::Bonus(_) | Target::Penalty(_), _) => {}
        _ => return Err(AppError::NotFound),
    }
    Ok((table, target))
}

fn heading(st: &AppState, table: Option<Table>, target: &Target) -> (String, String) {
    let rubric = &st.config.rubric;
    match (target, table) {
        (Target::Item(n), Some(t)) => {
            let it = rubric.table(t).item(*n);
            (
                format!(
                    "{} 第{n}项 {}（{}分）",
                    labels::table(t),
                    it.map(|i| i.short_name()).unwrap_or_default(),
                    it.map_or(String::new(), |i| review::fmt_points(i.points))
                ),
                it.map_or(String::new(), |i| {
                    format!("{} 评分标准：{}", i.title, i.standard)
                }),
            )
        }
        (Target::Bonus(id), _) => {
            let r = rubric.bonus_rule(id);
            (
                target.label(rubric),
                r.map_or(String::new(), |r| {
                    format!(
                        "{}（每{}加 {} 分）",
                        r.text,
                        r.per,
                        review::fmt_points(r.points_each)
                    )
                }),
            )
        }
        (Target::Penalty(id), _) => {
            let r = rubric.penalty_rule(id);
            (
                target.label(rubric),
                r.map_or(String::new(), |r| {
                    format!(
                        "{}（每{}扣 {} 分）",
                        r.text,
                        r.per,
                        review::fmt_points(r.points_each)
                    )
                }),
            )
        }
        (Target::Item(_), None) => (String::new(), String::new()),
    }
}

fn rows(
    st: &AppState,
    reviews: &[UnitReview],
    table: Option<Table>,
    target: &Target,
    typed: &HashMap<String, (String, String)>,
    errors: &HashMap<String, String>,
) -> Vec<Row> {
    let rubric = &st.config.rubric;
    reviews
        .iter()
        .filter(|r| table.is_none_or(|t| r.table == t))
        .map(|r| {
            let current = r
                .entries
                .iter()
                .filter(|e| !*e.withdrawn && target.matches(e))
                .map(|e| {
                    let label = review::entry_label(rubric, e.kind, e.item, &e.rule, e.amount);
                    format!("{label}（{}：{}）", e.created_by, e.note)
                })
                .collect();
            let state = match target {
                Target::Item(n) => r
                    .coverage
                    .items
                    .iter()
                    .find(|i| i.item == *n)
                    .map_or(String::new(), |i| i.state.label().to_string()),
                _ => String::new(),
            };
            let (points, note) = typed.get(&r.unit).cloned().unwrap_or_default();
            Row {
                unit: r.unit.clone(),
                current,
                state,
                points,
                note,
                error: errors.get(&r.unit).cloned(),
            }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn page(
    st: &AppState,
    me: &CurrentUser,
    run: Option<&crate::store::Run>,
    table: Option<Table>,
    target: &Target,
    rows: Vec<Row>,
    message: &str,
    error: &str,
) -> Result<Html<String>, AppError> {
    let (title, rule) = heading(st, table, target);
    st.render(
        "bulk.html",
        context! { me => me.me(), csrf => me.csrf, run => run_ctx(run), title => title,
        rule => rule, rows => rows, message => message, error => error,
        is_item => matches!(target, Target::Item(_)) },
    )
}

pub async fn form(
    State(st): State<AppState>,
    me: CurrentUser,
    Path((table, item)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Result<Html<String>, AppError> {
    me.require_decide()?;
    let (table, target) = scope(&st, &table, &item)?;
    let (run, reviews) = current(&st).await?;
    let rows = rows(
        &st,
        &reviews,
        table,
        &target,
        &HashMap::new(),
        &HashMap::new(),
    );
    page(&st, &me, run.as_ref(), table, &target, rows, &done.done, "")
}

pub async fn submit(
    State(st): State<AppState>,
    me: CurrentUser,
    Path((table_s, item)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let field = |name: &str| super::form_field(&form, name);
    csrf::check(&me.csrf, &field("csrf"))?;
    me.require_decide()?;
    let (table, target) = scope(&st, &table_s, &item)?;
    let (run, reviews) = current(&st).await?;
    let config = description(&st, run.as_ref()).await?;
    let portal = super::pages::portal_name(&st, run.as_ref());
    let named: Vec<(String, Table)> = reviews.iter().map(|r| (r.unit.clone(), r.table)).collect();
    let units = super::pages::units_of(config.as_ref(), &portal, &named);
    // Rows come as unit_K, points_K, note_K.
    let mut typed: HashMap<String, (String, String)> = HashMap::new();
    let mut values = Vec::new();
    for (k, unit) in form.iter().filter(|(k, _)| k.starts_with("unit_")) {
        let n = &k["unit_".len()..];
        let (points, note) = (field(&format!("points_{n}")), field(&format!("note_{n}")));
        typed.insert(unit.clone(), (points.clone(), note.clone()));
        if points.trim().is_empty() {
            continue;
        }
        values.push((unit.clone(), points, note));
    }
    let mut errors: HashMap<String, String> = HashMap::new();
    let mut items = Vec::new();
    for (unit, points, note) in &values {
        match points.trim().parse::<f64>() {
            Ok(p) if p.is_finite() => items.push(ItemValue {
                place: unit.clone(),
                unit: unit.clone(),
                item: item.clone(),
                points: p,
                note: note.clone(),
            }),
            _ => {
                errors.insert(unit.clone(), format!("分值“{}”不是数字", points.trim()));
            }
        }
    }
    let outcome = if errors.is_empty() {
        review::set_values(
            &st.config.store,
            &st.config.rubric,
            units,
            &me.user.name,
            &items,
        )
        .await
    } else {
        Err(SetError::Rows(Vec::new()))
    };
    match outcome {
        Ok(summary) => {
            let url = format!(
                "/items/{table_s}/{}?done={}",
                path_segment(&item),
                path_segment(&summary.sentence())
            );
            Ok(Redirect::to(&url).into_response())
        }
        Err(SetError::Rows(bad)) => {
            for e in bad {
                errors.insert(e.place, e.message);
            }
            let rows = rows(&st, &reviews, table, &target, &typed, &errors);
            let html = page(
                &st,
                &me,
                run.as_ref(),
                table,
                &target,
                rows,
                "",
                &format!(
                    "{} 行有误，未录入任何内容；请改正标出的行后再提交。",
                    errors.len()
                ),
            )?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(SetError::Changed) => Err(AppError::Conflict(
            "录入期间该项目已被他人修改，未录入任何内容；请刷新页面后重试。".into(),
        )),
        Err(SetError::Store(e)) => Err(e.into()),
    }
}
