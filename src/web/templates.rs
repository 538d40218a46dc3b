//! The page templates (minijinja, compiled into the binary). Templates ending in `.html` escape
//! every value, which is what keeps crawled strings inert.

use minijinja::Environment;

use crate::review::fmt_points;

pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    for (name, text) in [
        ("base.html", include_str!("../../templates/base.html")),
        ("login.html", include_str!("../../templates/login.html")),
        (
            "overview.html",
            include_str!("../../templates/overview.html"),
        ),
        ("unit.html", include_str!("../../templates/unit.html")),
        ("finding.html", include_str!("../../templates/finding.html")),
        (
            "evidence.html",
            include_str!("../../templates/evidence.html"),
        ),
        ("users.html", include_str!("../../templates/users.html")),
        ("log.html", include_str!("../../templates/log.html")),
    ] {
        env.add_template(name, text)
            .expect("the bundled templates parse");
    }
    env.add_filter("pts", |p: f64| fmt_points(p));
    env.add_filter("status_label", |s: String| status_label(&s).to_string());
    env.add_filter("action_label", |s: String| action_label(&s).to_string());
    env
}

/// An audit-log action code in Chinese (codes stay stable in the database).
pub fn action_label(action: &str) -> &str {
    match action {
        "confirm" => "确认",
        "adjust" => "调整",
        "reject" => "驳回",
        "entry-add" => "新增人工加减分",
        "entry-withdraw" => "撤回人工加减分",
        "user-add" => "新增账户",
        "user-disable" => "停用账户",
        other => other,
    }
}

/// A decision status in Chinese.
pub fn status_label(status: &str) -> &'static str {
    match status {
        "confirmed" => "已确认",
        "adjusted" => "已调整",
        "rejected" => "已驳回",
        _ => "待审核",
    }
}
