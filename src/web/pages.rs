//! The review pages: overview (units × items), a unit with its findings, a finding with its
//! evidence, decision forms and log; and the POST handlers behind the forms.

use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};

use super::app::AppState;
use super::auth::CurrentUser;
use super::{csrf, AppError};
use crate::labels;
use crate::model::{Finding, Section, Table};
use crate::review::{self, Action, DecisionInput, EntryInput, EntryKind, Identity, UnitReview};
use crate::store::Run;

/// Percent-encodes a path segment (unit names are Chinese).
pub fn path_segment(s: &str) -> String {
    crate::util::percent_encode_segment(s)
}

fn unit_url(unit: &str) -> String {
    format!("/units/{}", path_segment(unit))
}

/// The newest finished run of the served portal (of any portal when none is configured).
pub(super) async fn current_run(st: &AppState) -> Result<Option<Run>, AppError> {
    let c = &st.config;
    let portal = c.portal.as_ref().map(|p| p.portal.name.as_str());
    Ok(c.store.latest_finished_run_of(portal).await?)
}

/// The portal whose decisions and entries the pages show.
pub(super) fn portal_name(st: &AppState, run: Option<&Run>) -> String {
    review::portal_of(run, st.config.portal.as_ref())
}

/// The current run and every unit's review. Units and their classes come from the served
/// description, else from the one the run recorded.
pub(super) async fn current(st: &AppState) -> Result<(Option<Run>, Vec<UnitReview>), AppError> {
    let c = &st.config;
    let run = current_run(st).await?;
    let recorded = match (&c.portal, &run) {
        (None, Some(r)) => review::recorded_description(&c.store, r).await?,
        _ => None,
    };
    let description = c.portal.as_ref().or(recorded.as_ref());
    let reviews = review::review_units(&c.store, &c.rubric, run.as_ref(), description).await?;
    Ok((run, reviews))
}

/// The portal description the pages work with: the served one, else the run's recorded one.
pub(super) async fn description(
    st: &AppState,
    run: Option<&Run>,
) -> Result<Option<crate::config::PortalConfig>, AppError> {
    if let Some(c) = &st.config.portal {
        return Ok(Some(c.clone()));
    }
    match run {
        Some(r) => Ok(review::recorded_description(&st.config.store, r).await?),
        None => Ok(None),
    }
}

/// The units values may name: the description's (names, aliases), else the reviewed units.
pub(super) fn units_of<'a>(
    config: Option<&'a crate::config::PortalConfig>,
    portal: &'a str,
    named: &'a [(String, Table)],
) -> review::Units<'a> {
    match config {
        Some(c) => review::Units::Described(c),
        None => review::Units::Named {
            portal,
            units: named,
        },
    }
}

#[derive(Serialize)]
struct ItemHead {
    number: u32,
    title: String,
    short: String,
    points: f64,
    /// Only auditors decide it (no check reads it).
    manual: bool,
}

fn item_heads(st: &AppState, kind: Table) -> Vec<ItemHead> {
    st.config
        .rubric
        .table(kind)
        .items
        .iter()
        .map(|i| ItemHead {
            number: i.number,
            title: i.title.clone(),
            short: i.short_name(),
            points: i.points,
            manual: i.source != crate::rubric::ItemSource::Check,
        })
        .collect()
}

pub(super) fn run_ctx(run: Option<&Run>) -> Value {
    run.map_or(Value::from(()), |r| {
        context! { id => r.id, portal => r.portal, year => r.year, as_of => r.as_of,
        finished_at => r.finished_at, status => labels::run_status(r.status) }
    })
}

pub async fn overview(
    State(st): State<AppState>,
    me: CurrentUser,
) -> Result<Html<String>, AppError> {
    let (run, reviews) = current(&st).await?;
    let group = |table: Table| {
        let rows: Vec<_> = reviews
            .iter()
            .filter(|r| r.table == table)
            .map(|r| {
                let s = r.summary(&st.config.rubric);
                context! { url => unit_url(&r.unit), ..Value::from_serialize(&s) }
            })
            .collect();
        context! { label => labels::table(table), table => table, items => item_heads(&st, table), rows => rows }
    };
    let groups = vec![group(Table::Township), group(Table::Department)];
    let progress = review::progress(&reviews);
    st.render(
        "overview.html",
        context! { me => me.me(), csrf => me.csrf, run => run_ctx(run.as_ref()), groups => groups,
        progress => progress.sentence() },
    )
}

/// The item's short name (公开指南), or the rule's text for a bonus or penalty finding.
fn item_short(st: &AppState, f: &Finding) -> String {
    let rubric = &st.config.rubric;
    match f.section {
        Section::Item => rubric
            .table(f.table)
            .item(f.item)
            .map_or_else(String::new, |i| i.short_name()),
        Section::Bonus => rubric
            .bonus
            .iter()
            .find(|r| r.number == f.item)
            .map_or_else(String::new, |r| r.text.clone()),
        Section::Penalty => rubric
            .penalty
            .iter()
            .find(|r| r.number == f.item)
            .map_or_else(String::new, |r| r.text.clone()),
    }
}

fn item_title(st: &AppState, f: &Finding) -> String {
    match f.section {
        Section::Item => st
            .config
            .rubric
            .table(f.table)
            .item(f.item)
            .map_or_else(String::new, |i| i.title.clone()),
        Section::Bonus | Section::Penalty => labels::section(f.section).into(),
    }
}

pub async fn unit(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(name): Path<String>,
) -> Result<Html<String>, AppError> {
    let (run, reviews) = current(&st).await?;
    let r = reviews
        .into_iter()
        .find(|r| r.unit == name)
        .ok_or(AppError::NotFound)?;
    let rubric = &st.config.rubric;
    let findings: Vec<Value> = r
        .findings
        .iter()
        .map(|rf| {
            let f = &rf.finding;
            context! {
                id => f.id, item => f.item, section => labels::section(f.section), kind => f.kind,
                item_title => item_title(&st, f), item_short => item_short(&st, f),
                reason => f.reason, detail => f.detail,
                points => f.points, status => rf.status, counted => rf.counted,
                maybe_fixed => rf.maybe_fixed, evidence => f.evidence,
                decided_by => rf.decision.as_ref().map(|d| d.decided_by.clone()),
                note => rf.decision.as_ref().map(|d| d.note.clone()),
            }
        })
        .collect();
    let entries: Vec<Value> = r
        .entries
        .iter()
        .map(|e| {
            context! {
                id => e.id, label => review::entry_label(rubric, e.kind, e.item, &e.rule, e.amount),
                note => e.note, withdrawn => e.withdrawn, by => e.created_by, at => e.created_at,
            }
        })
        .collect();
    let log = st
        .config
        .store
        .audit_log(&portal_name(&st, run.as_ref()), &r.unit, None)
        .await?;
    let items = item_heads(&st, r.category.table());
    st.render(
        "unit.html",
        context! {
            me => me.me(), csrf => me.csrf, run => run_ctx(run.as_ref()),
            unit => r.unit, url => unit_url(&r.unit), category => r.category.group_name(),
            table => labels::table(r.table), score => r.score, grade => r.grade,
            coverage => r.coverage,
            findings => findings, entries => entries, log => log, items => items,
            bonus_rules => rubric.bonus, penalty_rules => rubric.penalty,
        },
    )
}

#[derive(Deserialize, Default)]
pub struct FindingQuery {
    /// What the last decision did (shown once).
    #[serde(default)]
    done: String,
}

/// What the auditor typed, given back when a decision could not be taken.
#[derive(Serialize, Default)]
struct Typed {
    action: String,
    points: String,
    note: String,
    conflict: String,
}

pub async fn finding(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<FindingQuery>,
) -> Result<Html<String>, AppError> {
    finding_page(&st, &me, id, &q.done, &Typed::default()).await
}

async fn finding_page(
    st: &AppState,
    me: &CurrentUser,
    id: i64,
    done: &str,
    typed: &Typed,
) -> Result<Html<String>, AppError> {
    let store = &st.config.store;
    let f = store.finding(id).await?.ok_or(AppError::NotFound)?;
    let own_run = match f.run_id {
        Some(id) => Some(store.run(id).await?),
        None => None,
    };
    let ident = Identity::of(&f, &portal_name(st, own_run.as_ref()));
    let decision = store.decision(&ident).await?;
    let run = current_run(st).await?;
    // The same finding in the current run, if this row is from an earlier one.
    let mut current_id = None;
    let mut maybe_fixed = false;
    if let Some(run) = &run {
        if f.run_id != Some(run.id) {
            current_id = store
                .findings(run.id)
                .await?
                .into_iter()
                .find(|g| Identity::of(g, &ident.portal) == ident)
                .and_then(|g| g.id);
            maybe_fixed = current_id.is_none();
        }
    }
    let log = store
        .audit_log(&ident.portal, &f.unit, Some(&ident.subject()))
        .await?;
    let max = review::item_max(&st.config.rubric, &f);
    st.render(
        "finding.html",
        context! {
            me => me.me(), csrf => me.csrf,
            f => f, section => labels::section(f.section), item_title => item_title(st, &f),
            item_short => item_short(st, &f),
            problem => labels::reason(f.reason),
            unit_url => unit_url(&f.unit), table => labels::table(f.table),
            status => decision.as_ref().map_or("draft", |d| d.status.as_str()),
            decision => decision, version => decision.as_ref().map_or(0, |d| d.version),
            max => max, log => log, current_id => current_id, maybe_fixed => maybe_fixed,
            run_id => f.run_id, done => done, typed => typed,
        },
    )
}

/// The next draft to decide after `f`: the unit's next one, else the first of the units after
/// it (in the overview's order), else any left before it.
async fn next_open(st: &AppState, f: &Finding) -> Result<Option<i64>, AppError> {
    let (_, reviews) = current(st).await?;
    let unit_at = reviews.iter().position(|r| r.unit == f.unit).unwrap_or(0);
    let open: Vec<(usize, Option<i64>)> = reviews
        .iter()
        .enumerate()
        .flat_map(|(i, r)| {
            r.findings
                .iter()
                .filter(|g| g.status == crate::model::FindingStatus::Draft && !g.maybe_fixed)
                .map(move |g| (i, g.finding.id))
        })
        .collect();
    // `f` is decided by now: start at its unit's first open draft (or the next unit's), wrap.
    let start = open.iter().position(|(u, _)| *u >= unit_at).unwrap_or(0);
    Ok(open[start..]
        .iter()
        .chain(&open[..start])
        .find(|(_, id)| *id != f.id)
        .and_then(|(_, id)| *id))
}

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    points: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    version: String,
}

pub async fn decide(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<DecideForm>,
) -> Result<Response, AppError> {
    csrf::check(&me.csrf, &form.csrf)?;
    me.require_decide()?;
    let store = &st.config.store;
    let f = store.finding(id).await?.ok_or(AppError::NotFound)?;
    let action =
        Action::parse(&form.action).ok_or_else(|| AppError::BadRequest("未知的操作。".into()))?;
    let points = match form.points.trim() {
        "" => None,
        p => Some(
            p.parse::<f64>()
                .map_err(|_| AppError::BadRequest("分值须为数字，如 0.5。".into()))?,
        ),
    };
    let version = form
        .version
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::BadRequest("表单缺少版本号，请刷新页面。".into()))?;
    let input = DecisionInput {
        action,
        points,
        note: form.note.clone(),
        version,
    };
    match review::decide(store, &st.config.rubric, &me.user.name, &f, &input).await {
        Ok(d) => {
            let word = labels::decision_status(d.status.as_str());
            let message = format!("{}第{}项：{word}。", f.unit, f.item);
            let to = match next_open(&st, &f).await? {
                Some(next) => format!("/findings/{next}?done={}", path_segment(&message)),
                None => format!(
                    "/findings?status=all&done={}",
                    path_segment(&format!("{message}全部发现均已审核。"))
                ),
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ review::DecisionError::Conflict { .. }) => {
            // Keep what the auditor typed: the page comes back with it and the other decision.
            let typed = Typed {
                action: form.action,
                points: form.points,
                note: form.note,
                conflict: e.to_string(),
            };
            let html = finding_page(&st, &me, id, "", &typed).await?;
            Ok((axum::http::StatusCode::CONFLICT, html).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    bonus_rule: String,
    #[serde(default)]
    penalty_rule: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    note: String,
}

pub async fn add_entry(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(name): Path<String>,
    Form(form): Form<EntryForm>,
) -> Result<Redirect, AppError> {
    csrf::check(&me.csrf, &form.csrf)?;
    me.require_decide()?;
    let (run, reviews) = current(&st).await?;
    let portal = portal_name(&st, run.as_ref());
    let r = reviews
        .iter()
        .find(|r| r.unit == name)
        .ok_or(AppError::NotFound)?;
    let kind =
        EntryKind::parse(&form.kind).ok_or_else(|| AppError::BadRequest("请选择类型。".into()))?;
    let bad = |m: &str| AppError::BadRequest(m.to_string());
    let input = EntryInput {
        kind,
        item: match kind {
            EntryKind::Deduction => form
                .item
                .trim()
                .parse()
                .map_err(|_| bad("请选择评分项。"))?,
            _ => 0,
        },
        rule: match kind {
            EntryKind::Bonus => form.bonus_rule,
            EntryKind::Penalty => form.penalty_rule,
            EntryKind::Deduction => String::new(),
        },
        amount: form
            .amount
            .trim()
            .parse()
            .map_err(|_| bad("分值或数量须为数字。"))?,
        note: form.note,
    };
    review::add_entry(
        &st.config.store,
        &st.config.rubric,
        &me.user.name,
        &portal,
        &r.unit,
        r.table,
        &input,
    )
    .await?;
    Ok(Redirect::to(&format!("{}#entries", unit_url(&r.unit))))
}

#[derive(Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    note: String,
}

pub async fn withdraw_entry(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<WithdrawForm>,
) -> Result<Redirect, AppError> {
    csrf::check(&me.csrf, &form.csrf)?;
    me.require_decide()?;
    let store = &st.config.store;
    let e = store.manual_entry(id).await?.ok_or(AppError::NotFound)?;
    review::withdraw_entry(store, &st.config.rubric, &me.user.name, &e, &form.note).await?;
    Ok(Redirect::to(&format!("{}#entries", unit_url(&e.unit))))
}
