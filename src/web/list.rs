//! The county-wide list of findings (`/findings`): filter by unit, item, kind of problem and
//! status, sort, page through, and confirm or reject the selected drafts at once (each decision
//! with its own audit-log line, guarded by the version the auditor saw).

use std::collections::BTreeSet;

use axum::extract::{Query, State};
use axum::response::{Html, Redirect};
use axum::Form;
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::app::AppState;
use super::auth::CurrentUser;
use super::pages::{current, path_segment, run_ctx};
use super::{csrf, AppError};
use crate::labels;
use crate::model::{FindingKind, FindingStatus, Reason, Section};
use crate::review::{self, Action, DecisionError, DecisionInput, ReviewedFinding};

/// Rows per page.
pub const PAGE_SIZE: usize = 50;

#[derive(Debug, Default, Deserialize, Serialize, Clone)]
#[serde(default)]
pub struct Filter {
    pub unit: String,
    /// An item number of the unit's table, `bonus` or `penalty`.
    pub item: String,
    /// A reason code (chosen from the list, shown in Chinese).
    pub reason: String,
    /// `open` (default: drafts not decided), `decided`, `all`.
    pub status: String,
    /// `unit` (default), `item`, `points`.
    pub sort: String,
    pub page: usize,
    /// What the last action did (shown once).
    pub done: String,
}

impl Filter {
    fn keeps(&self, f: &ReviewedFinding) -> bool {
        let g = &f.finding;
        (self.unit.is_empty() || g.unit == self.unit)
            && match self.item.as_str() {
                "" => true,
                "bonus" => g.section == Section::Bonus,
                "penalty" => g.section == Section::Penalty,
                n => g.section == Section::Item && n.parse() == Ok(g.item),
            }
            && (self.reason.is_empty() || g.reason.as_str() == self.reason)
            && match self.status.as_str() {
                "decided" => f.status != FindingStatus::Draft,
                "all" => true,
                _ => f.status == FindingStatus::Draft,
            }
    }

    /// The query string of this filter on another page (or sort).
    fn query(&self, page: usize) -> String {
        let mut q = Vec::new();
        for (k, v) in [
            ("unit", &self.unit),
            ("item", &self.item),
            ("reason", &self.reason),
            ("status", &self.status),
            ("sort", &self.sort),
        ] {
            if !v.is_empty() {
                q.push(format!("{k}={}", path_segment(v)));
            }
        }
        if page > 1 {
            q.push(format!("page={page}"));
        }
        q.join("&")
    }
}

#[derive(Serialize)]
struct Row {
    id: Option<i64>,
    unit: String,
    item: String,
    detail: String,
    problem: &'static str,
    question: bool,
    points: f64,
    status: FindingStatus,
    version: i64,
    maybe_fixed: bool,
}

pub async fn list(
    State(st): State<AppState>,
    me: CurrentUser,
    Query(filter): Query<Filter>,
) -> Result<Html<String>, AppError> {
    let (run, reviews) = current(&st).await?;
    let rubric = &st.config.rubric;
    let mut all: Vec<(&ReviewedFinding, crate::model::Table)> = reviews
        .iter()
        .flat_map(|r| r.findings.iter().map(move |f| (f, r.table)))
        .filter(|(f, _)| !f.maybe_fixed)
        .collect();
    let units: Vec<&str> = reviews.iter().map(|r| r.unit.as_str()).collect();
    let reasons: BTreeSet<&str> = all.iter().map(|(f, _)| f.finding.reason.as_str()).collect();
    let reasons: Vec<(&str, &str)> = reasons
        .into_iter()
        .filter_map(|code| Some((code, labels::reason(code.parse::<Reason>().ok()?))))
        .collect();
    let open = all
        .iter()
        .filter(|(f, _)| f.status == FindingStatus::Draft)
        .count();
    let total = all.len();
    all.retain(|(f, _)| filter.keeps(f));
    match filter.sort.as_str() {
        "item" => all.sort_by_key(|(f, _)| (f.finding.section as u8, f.finding.item)),
        "points" => all.sort_by_key(|(f, _)| std::cmp::Reverse(f.finding.points)),
        _ => {}
    }
    let pages = all.len().div_ceil(PAGE_SIZE).max(1);
    let page = filter.page.clamp(1, pages);
    let rows: Vec<Row> = all
        .iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|(f, table)| {
            let g = &f.finding;
            let item = match g.section {
                Section::Item => format!(
                    "第{}项 {}",
                    g.item,
                    rubric
                        .table(*table)
                        .item(g.item)
                        .map(|i| i.short_name())
                        .unwrap_or_default()
                ),
                s => format!("{}{}", labels::section(s), g.item),
            };
            Row {
                id: g.id,
                unit: g.unit.clone(),
                item,
                detail: g.detail.clone(),
                problem: labels::reason(g.reason),
                question: g.kind == FindingKind::Question,
                points: g.points.points(),
                status: f.status,
                version: f.decision.as_ref().map_or(0, |d| d.version),
                maybe_fixed: f.maybe_fixed,
            }
        })
        .collect();
    let nav = |p: usize| format!("/findings?{}", filter.query(p));
    st.render(
        "findings.html",
        context! {
            me => me.me(), csrf => me.csrf, run => run_ctx(run.as_ref()), rows => rows,
            filter => filter, units => units, reasons => reasons, page => page, pages => pages,
            shown => all.len(), open => open, total => total,
            prev => (page > 1).then(|| nav(page - 1)), next => (page < pages).then(|| nav(page + 1)),
            here => nav(page),
        },
    )
}

pub async fn bulk(
    State(st): State<AppState>,
    me: CurrentUser,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Redirect, AppError> {
    let field = |name: &str| super::form_field(&form, name);
    csrf::check(&me.csrf, &field("csrf"))?;
    me.require_decide()?;
    let action = match field("action").as_str() {
        "confirm" => Action::Confirm,
        "reject" => Action::Reject,
        _ => return Err(AppError::BadRequest("请选择“确认”或“驳回”。".into())),
    };
    let ids: Vec<i64> = form
        .iter()
        .filter(|(k, _)| k == "ids")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    if ids.is_empty() {
        return Err(AppError::BadRequest("请先勾选要处理的发现。".into()));
    }
    let note = field("note");
    if action == Action::Reject && note.trim().is_empty() {
        return Err(AppError::BadRequest("批量驳回须填写理由。".into()));
    }
    let store = &st.config.store;
    let (mut done, mut conflicts) = (0, Vec::new());
    for id in &ids {
        let Some(f) = store.finding(*id).await? else {
            continue;
        };
        let version = field(&format!("v_{id}")).parse().unwrap_or(0);
        let input = DecisionInput {
            action,
            points: None,
            note: note.clone(),
            version,
        };
        match review::decide(store, &st.config.rubric, &me.user.name, &f, &input).await {
            Ok(_) => done += 1,
            Err(DecisionError::Conflict { by, .. }) => {
                conflicts.push(format!("{}第{}项（已由{by}处理）", f.unit, f.item))
            }
            Err(e) => return Err(e.into()),
        }
    }
    let word = if action == Action::Confirm {
        "确认"
    } else {
        "驳回"
    };
    let mut message = format!("已{word} {done} 条。");
    if !conflicts.is_empty() {
        message.push_str(&format!(
            "另有 {} 条在此期间已被他人处理，未改动：{}。",
            conflicts.len(),
            conflicts.join("、")
        ));
    }
    let back = field("back");
    let back = if back.starts_with("/findings") {
        back
    } else {
        "/findings".to_string()
    };
    let sep = if back.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!(
        "{back}{sep}done={}",
        path_segment(&message)
    )))
}
