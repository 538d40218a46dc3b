//! Consistency checks of a loaded rubric. Each failure is `(key, message)`, the key in TOML
//! path notation so the office can find it in the file.

use std::collections::{BTreeMap, HashSet};

use super::{AdjustmentRule, Deductions, Item, ItemSource, Look, Miss, Rubric, RubricCheck, Table};
use crate::model::Section;

type Failure = (String, String);

/// Tolerance for sums of points (points come in 0.5 and 0.2 steps).
const EPS: f64 = 1e-6;

pub(super) fn check(r: &Rubric) -> Result<(), Failure> {
    if r.cap <= 0.0 {
        return Err(("cap".into(), format!("封顶分必须大于0，实际为{}", r.cap)));
    }
    check_table("township", &r.township, r.cap)?;
    check_table("department", &r.department, r.cap)?;
    check_rules("bonus", Section::Bonus, &r.bonus)?;
    check_rules("penalty", Section::Penalty, &r.penalty)?;
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
        check_item(&k, item)?;
    }
    check_item_checks(key, t)?;
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

/// An item's `check` and `deduct`: the check belongs on an item, the item says `source =
/// "check"`, and the amounts are the check's own, positive and within the item's points.
fn check_item(k: &str, item: &Item) -> Result<(), Failure> {
    let n = item.number;
    let Some(check) = item.check else {
        if item.source == ItemSource::Check {
            return Err((
                format!("{k}.check"),
                format!("第{n}项由检查起草（source = \"check\"），须用 check 指明是哪项检查"),
            ));
        }
        if !item.deduct.is_empty() {
            return Err((
                format!("{k}.deduct"),
                format!("第{n}项没有指明检查（check），不应填写扣分分值（deduct）"),
            ));
        }
        return Ok(());
    };
    if check.section() != Section::Item {
        return Err((
            format!("{k}.check"),
            format!(
                "检查“{check}”用于{}，不能用于评分项目",
                place(check.section())
            ),
        ));
    }
    if item.source != ItemSource::Check {
        return Err((
            format!("{k}.source"),
            format!("第{n}项由检查“{check}”起草，source 应为 \"check\""),
        ));
    }
    if check == RubricCheck::Documents {
        return check_parts(k, item);
    }
    if !item.parts.is_empty() {
        return Err((
            format!("{k}.parts"),
            format!("第{n}项由检查“{check}”起草，parts 只用于 check = \"documents\""),
        ));
    }
    let wanted = Deductions::keys(check);
    for (name, amount) in item.deduct.amounts() {
        let dk = format!("{k}.deduct.{name}");
        if !wanted.contains(&name) {
            if amount != 0.0 {
                return Err((
                    dk,
                    format!(
                        "检查“{check}”不使用 deduct.{name}（它读取：{}）",
                        wanted.join("、")
                    ),
                ));
            }
            continue;
        }
        check_amount(
            &dk,
            &format!("第{n}项"),
            item.points,
            amount,
            &format!("检查“{check}”需要 deduct.{name}"),
        )?;
    }
    let steps = &item.deduct.delay_steps;
    if !wanted.contains(&"delay_steps") {
        if !steps.is_empty() {
            return Err((
                format!("{k}.deduct.delay_steps"),
                format!(
                    "检查“{check}”不使用 deduct.delay_steps（它读取：{}）",
                    wanted.join("、")
                ),
            ));
        }
        return Ok(());
    }
    if steps.is_empty() {
        return Err((
            format!("{k}.deduct.delay_steps"),
            format!("检查“{check}”需要 deduct.delay_steps，如 [[3, 1], [5, 2], [7, 3]]"),
        ));
    }
    for (j, s) in steps.iter().enumerate() {
        let sk = format!("{k}.deduct.delay_steps[{j}]");
        check_amount(&sk, &format!("第{n}项"), item.points, s.points, "每级扣分")?;
        if j > 0 && (s.over_days <= steps[j - 1].over_days || s.points < steps[j - 1].points) {
            return Err((sk, "天数须逐级递增，扣分不得递减".into()));
        }
    }
    Ok(())
}

/// The parts of a `documents` item: at least one, named once each, each able to be found
/// and worth something within the item's points.
fn check_parts(k: &str, item: &Item) -> Result<(), Failure> {
    let n = item.number;
    if !item.deduct.is_empty() {
        return Err((
            format!("{k}.deduct"),
            format!("第{n}项由检查“documents”起草，扣分写在各 parts 的 points 中，不用 deduct"),
        ));
    }
    if item.parts.is_empty() {
        return Err((
            format!("{k}.parts"),
            format!("第{n}项由检查“documents”起草，须用 [[…items.parts]] 写明要查找的内容"),
        ));
    }
    check_part_list(k, &format!("第{n}项"), Some(item.points), &item.parts)
}

/// The parts of an item (`cap` its points) or, `cap` `None`, of a bonus rule (`look = "each"`
/// only, suggesting the rule's `points_each`). `what` names the item or rule in messages.
fn check_part_list(
    k: &str,
    what: &str,
    cap: Option<f64>,
    parts: &[super::Part],
) -> Result<(), Failure> {
    let mut names: Vec<&str> = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let pk = format!("{k}.parts[{i}]");
        if part.name.trim().is_empty() || names.contains(&part.name.as_str()) {
            return Err((
                format!("{pk}.name"),
                format!("{what}的每个部分须有不重复的名称（name）"),
            ));
        }
        if let Some(other) = &part.among {
            if !names.contains(&other.as_str()) {
                return Err((
                    format!("{pk}.among"),
                    format!("among = \"{other}\" 须指向本项中排在前面的部分"),
                ));
            }
            let target = parts.iter().find(|p| &p.name == other);
            if part.text && !target.is_some_and(|p| p.text) {
                return Err((
                    format!("{pk}.text"),
                    format!(
                        "{what}“{}”读取正文（text = true），其 among 指向的“{other}”也须 text = true（正文只在其栏目中读取）",
                        part.name
                    ),
                ));
            }
        } else if part.text && part.within.is_empty() {
            return Err((
                format!("{pk}.text"),
                format!(
                    "{what}“{}”读取正文（text = true），须用 within 写明在哪些栏目中读取（或用 among 指向读取正文的部分）",
                    part.name
                ),
            ));
        }
        names.push(&part.name);
        let blank = |v: &[String]| v.iter().any(|w| w.trim().is_empty());
        if part.words.iter().any(|g| g.is_empty() || blank(g))
            || blank(&part.columns)
            || blank(&part.within)
        {
            return Err((
                format!("{pk}.words"),
                format!("{what}“{}”的词表或栏目名中有空项", part.name),
            ));
        }
        let Some(points) = cap else {
            if part.look != Look::Each {
                return Err((
                    format!("{pk}.look"),
                    format!(
                        "{what}“{}”：加分项目的部分只能是 look = \"each\"（每个找到的文件建议一次加分）",
                        part.name
                    ),
                ));
            }
            if part.points != 0.0 || part.miss != Miss::Question {
                return Err((
                    pk,
                    format!(
                        "{what}“{}”：每个找到的文件按本规则的 points_each 建议加分，只能是 miss = \"question\"、不写 points",
                        part.name
                    ),
                ));
            }
            check_findable(&pk, what, part)?;
            continue;
        };
        if part.look == Look::Each {
            return Err((
                format!("{pk}.look"),
                format!(
                    "{what}“{}”：look = \"each\" 只用于加分项目（[[bonus]]）",
                    part.name
                ),
            ));
        }
        if part.look == Look::Count {
            if part.points != 0.0 || part.miss != Miss::Question {
                return Err((
                    pk,
                    format!(
                        "{what}“{}”是发布量统计（look = \"count\"），只能是 miss = \"question\"、points = 0（由审核人员酌情评分）",
                        part.name
                    ),
                ));
            }
            continue;
        }
        check_findable(&pk, what, part)?;
        if part.late_after.is_some() && part.deadline().is_none() {
            return Err((
                format!("{pk}.late_after"),
                "须为“月-日”，如 \"01-31\"".to_string(),
            ));
        }
        check_amount(
            &format!("{pk}.points"),
            what,
            points,
            part.points,
            &format!("“{}”的分值", part.name),
        )?;
    }
    Ok(())
}

/// A part has something to look for.
fn check_findable(pk: &str, what: &str, part: &super::Part) -> Result<(), Failure> {
    let findable = match part.look {
        Look::Count => true,
        Look::Column => !part.columns.is_empty(),
        Look::Document | Look::Each => {
            !part.words.is_empty()
                || !part.columns.is_empty()
                || !part.within.is_empty()
                || part.among.is_some()
        }
    };
    if findable {
        return Ok(());
    }
    Err((
        pk.to_string(),
        format!(
            "{what}“{}”没有可查找的内容：look = \"column\" 须写 columns，文件须写 words、columns 或 within",
            part.name
        ),
    ))
}

/// Where a check is named, for messages.
fn place(section: Section) -> &'static str {
    match section {
        Section::Item => "评分项目",
        Section::Bonus => "加分项目（[[bonus]]）",
        Section::Penalty => "扣分项目（[[penalty]]）",
    }
}

/// One amount: positive and not above the item's points.
fn check_amount(
    key: &str,
    item: &str,
    points: f64,
    amount: f64,
    what: &str,
) -> Result<(), Failure> {
    if amount.is_nan() || amount <= 0.0 {
        return Err((key.into(), format!("{what}，且必须大于0，实际为{amount}")));
    }
    if amount > points + EPS {
        return Err((key.into(), format!("扣分{amount}超过{item}的分值{points}")));
    }
    Ok(())
}

/// Every item check is named on exactly one item of the table.
fn check_item_checks(key: &str, t: &Table) -> Result<(), Failure> {
    let mut seen: BTreeMap<RubricCheck, u32> = BTreeMap::new();
    for (i, item) in t.items.iter().enumerate() {
        let Some(check) = item.check.filter(|c| c.one_item_per_table()) else {
            continue;
        };
        if let Some(first) = seen.insert(check, item.number) {
            return Err((
                format!("{key}.items[{i}].check"),
                format!(
                    "检查“{check}”已用于第{first}项，同一评分表中每项检查只能用于一个评分项目（第{}项重复）",
                    item.number
                ),
            ));
        }
    }
    for check in RubricCheck::ALL {
        if check.section() == Section::Item
            && check.one_item_per_table()
            && !seen.contains_key(&check)
        {
            return Err((
                format!("{key}.items"),
                format!(
                    "没有评分项目由检查“{check}”起草：请在相应评分项目上写 check = \"{check}\" 及其 deduct"
                ),
            ));
        }
    }
    Ok(())
}

fn check_rules(key: &str, section: Section, rules: &[AdjustmentRule]) -> Result<(), Failure> {
    let mut ids = HashSet::new();
    let mut checks: BTreeMap<RubricCheck, &str> = BTreeMap::new();
    for (i, rule) in rules.iter().enumerate() {
        let rk = format!("{key}[{i}]");
        if rule.check == Some(RubricCheck::Documents) {
            if section != Section::Bonus {
                return Err((
                    format!("{rk}.check"),
                    format!(
                        "检查“documents”只能用于评分项目或加分项目（[[bonus]]），不能用于{}",
                        place(section)
                    ),
                ));
            }
            if rule.parts.is_empty() {
                return Err((
                    format!("{rk}.parts"),
                    format!(
                        "加分规则“{}”由检查“documents”建议，须用 [[bonus.parts]] 写明要查找的文件",
                        rule.id
                    ),
                ));
            }
            if rule.points_each.is_nan() || rule.points_each <= 0.0 {
                return Err((
                    format!("{rk}.points_each"),
                    "由检查“documents”建议的规则，每次分值必须大于0".into(),
                ));
            }
            check_part_list(&rk, &format!("加分规则“{}”", rule.id), None, &rule.parts)?;
        } else if !rule.parts.is_empty() {
            return Err((
                format!("{rk}.parts"),
                "parts 只用于 check = \"documents\" 的加分规则".into(),
            ));
        } else if let Some(check) = rule.check {
            let ck = format!("{key}[{i}].check");
            if check.section() != section {
                return Err((
                    ck,
                    format!(
                        "检查“{check}”用于{}，不能用于{}",
                        place(check.section()),
                        place(section)
                    ),
                ));
            }
            if let Some(first) = checks.insert(check, rule.id.as_str()) {
                return Err((
                    ck,
                    format!("检查“{check}”已用于规则“{first}”，只能用于一条规则"),
                ));
            }
            if rule.points_each.is_nan() || rule.points_each <= 0.0 {
                return Err((
                    format!("{key}[{i}].points_each"),
                    format!("由检查“{check}”建议的规则，每次分值必须大于0"),
                ));
            }
        }
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
    for check in RubricCheck::ALL {
        if check.section() == section && !checks.contains_key(&check) {
            return Err((
                key.into(),
                format!(
                    "没有{}由检查“{check}”建议：请在相应规则上写 check = \"{check}\"",
                    place(section)
                ),
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
