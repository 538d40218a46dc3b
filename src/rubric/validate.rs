//! Consistency checks of a loaded rubric. Each failure is `(key, message)`, the key in TOML
//! path notation so the office can find it in the file.

use std::collections::HashSet;

use super::{AdjustmentRule, Rubric, Table};

type Failure = (String, String);

/// Tolerance for sums of points (points come in 0.5 and 0.2 steps).
const EPS: f64 = 1e-6;

pub(super) fn check(r: &Rubric) -> Result<(), Failure> {
    if r.cap <= 0.0 {
        return Err(("cap".into(), format!("封顶分必须大于0，实际为{}", r.cap)));
    }
    check_table("township", &r.township, r.cap)?;
    check_table("department", &r.department, r.cap)?;
    check_rules("bonus", &r.bonus)?;
    check_rules("penalty", &r.penalty)?;
    check_grading(r)?;
    let mut seen = HashSet::new();
    for (key, list) in [
        ("departments.a", &r.departments.a),
        ("departments.b", &r.departments.b),
    ] {
        for name in list {
            if !seen.insert(name.as_str()) {
                return Err((key.into(), format!("单位“{name}”重复列出")));
            }
        }
    }
    Ok(())
}

fn check_table(key: &str, t: &Table, cap: f64) -> Result<(), Failure> {
    if t.items.is_empty() {
        return Err((format!("{key}.items"), "评分表没有任何评分项目".into()));
    }
    for (i, item) in t.items.iter().enumerate() {
        let k = format!("{key}.items[{i}]");
        if item.number as usize != i + 1 {
            return Err((
                format!("{k}.number"),
                format!("序号应为{}，实际为{}", i + 1, item.number),
            ));
        }
        if item.points <= 0.0 {
            return Err((
                format!("{k}.points"),
                format!("第{}项分值必须大于0", item.number),
            ));
        }
        if !t.groups.iter().any(|g| g.name == item.group) {
            return Err((
                format!("{k}.group"),
                format!(
                    "第{}项的考核项目“{}”未在 {key}.groups 中定义",
                    item.number, item.group
                ),
            ));
        }
        if item.method.trim().is_empty() {
            return Err((
                format!("{k}.method"),
                format!("第{}项缺少查验方法", item.number),
            ));
        }
    }
    for (i, g) in t.groups.iter().enumerate() {
        let sum: f64 = t
            .items
            .iter()
            .filter(|it| it.group == g.name)
            .map(|it| it.points)
            .sum();
        if (sum - g.points).abs() > EPS {
            return Err((
                format!("{key}.groups[{i}].points"),
                format!(
                    "考核项目“{}”分值为{}，但其评分项目合计{}",
                    g.name, g.points, sum
                ),
            ));
        }
    }
    let total = t.total_points();
    if (total - cap).abs() > EPS {
        return Err((
            format!("{key}.items"),
            format!("评分表合计{total}分，应为{cap}分"),
        ));
    }
    Ok(())
}

fn check_rules(key: &str, rules: &[AdjustmentRule]) -> Result<(), Failure> {
    let mut ids = HashSet::new();
    for (i, rule) in rules.iter().enumerate() {
        if !ids.insert(rule.id.as_str()) {
            return Err((
                format!("{key}[{i}].id"),
                format!("规则标识“{}”重复", rule.id),
            ));
        }
        if rule.points_each < 0.0 {
            return Err((
                format!("{key}[{i}].points_each"),
                "每次分值不能为负数".into(),
            ));
        }
        if rule.veto_at == Some(0) {
            return Err((
                format!("{key}[{i}].veto_at"),
                "一票否决次数必须至少为1".into(),
            ));
        }
    }
    Ok(())
}

fn check_grading(r: &Rubric) -> Result<(), Failure> {
    let g = &r.grading;
    let mut next = 1;
    if g.township_bands.is_empty() {
        return Err(("grading.township_bands".into(), "至少需要一个名次段".into()));
    }
    for (i, band) in g.township_bands.iter().enumerate() {
        if band.from != next || band.to < band.from {
            return Err((
                format!("grading.township_bands[{i}]"),
                format!(
                    "名次段应从第{next}名开始且首尾有序，实际为第{}至{}名",
                    band.from, band.to
                ),
            ));
        }
        next = band.to + 1;
    }
    if g.department_quotas.is_empty() {
        return Err((
            "grading.department_quotas".into(),
            "至少需要一个等次比例".into(),
        ));
    }
    let sum: u32 = g.department_quotas.iter().map(|q| q.percent).sum();
    if sum != 100 {
        return Err((
            "grading.department_quotas".into(),
            format!("各等次比例合计{sum}%，应为100%"),
        ));
    }
    if g.three_year.years == 0 || g.three_year.last == 0 {
        return Err(("grading.three_year".into(), "年数和名次数必须大于0".into()));
    }
    Ok(())
}
