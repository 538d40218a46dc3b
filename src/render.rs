//! One way to write HTML: a single minijinja environment, built once, renders the review pages,
//! the web error page and the reports (`templates/`, bundled into the binary).
//!
//! Every value printed into any template is HTML-escaped, whatever the template's name, so
//! crawled strings stay inert; only the output of macros and of `http_url` checks is trusted.
//! A value a template names but the context lacks is an error, not an empty string (printing
//! it or looking into it; `{% if x %}` on a missing `x` is allowed), and the test in
//! `render/tests.rs` renders every bundled template with hostile data.
//!
//! Filters shared by all templates:
//! - `pts`: points as the notice writes them (`95`, `94.5`, `94.25`);
//! - `local_time`: an RFC 3339 time in Beijing time (UTC+8) as `年-月-日 时:分`, whatever the
//!   server's own time zone;
//! - `http_url`: the URL when it is absolute http(s), else none (only those become links);
//! - labels from [`crate::labels`]: `status_label` (review status), `action_label` (audit-log
//!   action), `section_label`, `kind_label`, `table_label`, `category_label`,
//!   `run_status_label`, `role_label`.

use std::sync::LazyLock;

use minijinja::value::{ValueKind, ViaDeserialize};
use minijinja::{AutoEscape, Environment, Error, Output, State, UndefinedBehavior, Value};
use serde::Serialize;

use crate::labels;
use crate::model::{FindingKind, Section, Table};
use crate::score::Category;

/// `(name, source)` of each bundled template, read from `templates/` at compile time.
macro_rules! bundled {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../templates/", $name)))),*]
    };
}

/// Every bundled template.
const TEMPLATES: &[(&str, &str)] = bundled![
    // Review pages.
    "base.html",
    "login.html",
    "overview.html",
    "unit.html",
    "finding.html",
    "evidence.html",
    "users.html",
    "password.html",
    "log.html",
    "error.html",
    "bulk.html",
    "findings.html",
    "import.html",
    "indicators.html",
    // Reports: self-contained pages (inline CSS and SVG), mailed as they are.
    "report/page.html",
    "report/macros.html",
    "report/unit.html",
    "report/county.html",
];

static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(build);

/// The one environment (built on first use).
pub fn environment() -> &'static Environment<'static> {
    &ENVIRONMENT
}

/// Renders the bundled template `name` with `ctx`.
pub fn render<S: Serialize>(name: &str, ctx: S) -> Result<String, Error> {
    environment().get_template(name)?.render(ctx)
}

/// The names of the bundled templates.
pub fn template_names() -> impl Iterator<Item = &'static str> {
    TEMPLATES.iter().map(|(name, _)| *name)
}

fn build() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_formatter(escaping_formatter);
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_keep_trailing_newline(true);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .expect("the bundled templates parse");
    }
    env.add_filter("pts", |p: f64| crate::review::fmt_points(p));
    env.add_filter("indicator_verdict", |code: &str| match code {
        "pass" => "未触发",
        "veto" => "单项否决",
        "question" => "待人工判断",
        "deduct" => "扣分",
        _ => "未知",
    });
    env.add_filter("coverage_state", |code: &str| {
        crate::review::ItemState::parse(code).map_or(code.to_string(), |s| s.label().into())
    });
    env.add_filter("local_time", |t: &str| local_time(t));
    env.add_filter("http_url", |url: &str| {
        http_url(url).map_or(Value::from(()), Value::from)
    });
    env.add_filter("status_label", |code: &str| {
        labels::decision_status(code).to_string()
    });
    env.add_filter("action_label", |code: &str| {
        labels::action(code).to_string()
    });
    env.add_filter("section_label", |s: ViaDeserialize<Section>| {
        labels::section(s.0)
    });
    env.add_filter("kind_label", |k: ViaDeserialize<FindingKind>| {
        labels::kind(k.0)
    });
    env.add_filter("table_label", |t: ViaDeserialize<Table>| labels::table(t.0));
    env.add_filter("category_label", |c: ViaDeserialize<Category>| {
        c.0.group_name()
    });
    env.add_filter("run_status_label", |code: &str| {
        labels::run_status_code(code).unwrap_or(code).to_string()
    });
    env.add_filter("role_label", |code: &str| {
        labels::role_code(code).unwrap_or(code).to_string()
    });
    env
}

/// minijinja's own formatter, but with [`escape`] for text: minijinja's escaper also turns `/`
/// into `&#x2f;`, which makes every link in a mailed report's source unreadable.
fn escaping_formatter(out: &mut Output, state: &State, value: &Value) -> Result<(), Error> {
    let plain = matches!(
        value.kind(),
        ValueKind::Undefined | ValueKind::None | ValueKind::Bool | ValueKind::Number
    );
    if state.auto_escape() == AutoEscape::Html && !value.is_safe() && !plain {
        let text = match value.as_str() {
            Some(s) => escape(s),
            None => escape(&value.to_string()),
        };
        return out.write_str(&text).map_err(Error::from);
    }
    minijinja::escape_formatter(out, state, value)
}

/// Escapes text for HTML element content and quoted attribute values: `& < > " '`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The URL, normalised, when it is absolute http(s); `None` for anything else (`javascript:`,
/// `data:`, relative), which is then shown as text, never as a link.
pub fn http_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    match parsed.scheme() {
        "http" | "https" => Some(parsed.into()),
        _ => None,
    }
}

/// An RFC 3339 time as local `年-月-日 时:分` (unchanged when it does not parse).
pub fn local_time(t: &str) -> String {
    // China keeps one offset all year (no daylight saving): Beijing time is UTC+8.
    let beijing = chrono::FixedOffset::east_opt(8 * 3600).expect("a valid offset");
    chrono::DateTime::parse_from_rfc3339(t)
        .map(|d| {
            d.with_timezone(&beijing)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| t.to_string())
}

#[cfg(test)]
mod tests;
