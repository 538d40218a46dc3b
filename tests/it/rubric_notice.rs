//! The bundled 2020 rubric against the notice itself (昌政办发〔2020〕56号): every item of annex 2
//! and annex 3, the group maxima, annex 1, the bonus and penalty points and section 五.

use std::path::PathBuf;

use gongkai::rubric::{Grade, ItemSource, Rubric, Table};

fn notice() -> String {
    let path = crate::support::shared_dir().join("seed/changning-2020-assessment-notice.txt");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Without any whitespace (the notice's text comes from a PDF with stray spaces).
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A row of the notice's table, merged cells resolved.
#[derive(Debug)]
struct Row {
    number: u32,
    group: String,
    group_points: f64,
    title: String,
    points: f64,
    standard: String,
    method: String,
}

/// Parses the table rows from `from` up to the next `to` of the notice.
fn parse_table(text: &str, from: &str, to: &str) -> Vec<Row> {
    let start = text.find(from).expect("start marker");
    let end = start + text[start..].find(to).expect("end marker");
    let re = regex::Regex::new(r"^(.+?)\s*\((\d+)分\)$").unwrap();
    let (mut group, mut group_points, mut method) = (String::new(), 0.0, String::new());
    let mut rows = Vec::new();
    for line in text[start..end].lines() {
        let cells: Vec<&str> = line.split('\t').collect();
        let Ok(number) = cells[0].trim().parse::<u32>() else {
            continue;
        };
        assert_eq!(cells.len(), 6, "row {number}: {line}");
        if !cells[1].trim().is_empty() {
            let caps = re.captures(cells[1].trim()).expect("group cell");
            group = squash(&caps[1]);
            group_points = caps[2].parse().unwrap();
        }
        if !cells[5].trim().is_empty() {
            method = squash(cells[5]);
        }
        rows.push(Row {
            number,
            group: group.clone(),
            group_points,
            title: squash(cells[2]),
            points: cells[3].trim().parse().unwrap(),
            standard: squash(cells[4]),
            method: method.clone(),
        });
    }
    rows
}

fn compare(table: &Table, rows: &[Row], checks: &[u32]) {
    assert_eq!(table.items.len(), rows.len(), "number of items");
    for (item, row) in table.items.iter().zip(rows) {
        let n = row.number;
        assert_eq!(item.number, n);
        assert_eq!(item.points, row.points, "points of item {n}");
        assert_eq!(squash(&item.group), row.group, "group of item {n}");
        assert_eq!(squash(&item.title), row.title, "title of item {n}");
        assert_eq!(squash(&item.standard), row.standard, "standard of item {n}");
        assert_eq!(squash(&item.method), row.method, "method of item {n}");
        let group = table.groups.iter().find(|g| g.name == item.group).unwrap();
        assert_eq!(
            group.points, row.group_points,
            "maximum of group {}",
            group.name
        );
        assert_eq!(
            item.source == ItemSource::Check,
            checks.contains(&n),
            "source of item {n}"
        );
    }
    assert_eq!(table.total_points(), 100.0);
    let maxima: Vec<f64> = table.groups.iter().map(|g| g.points).collect();
    assert_eq!(maxima, [20.0, 40.0, 20.0, 10.0, 4.0, 6.0]);
}

#[test]
fn township_table_matches_annex_2() {
    let rows = parse_table(&notice(), "\n附件2", "加分项目");
    assert_eq!(rows.len(), 28);
    let rubric = Rubric::bundled_2020();
    compare(&rubric.township, &rows, &[7, 10, 13, 17, 28]);
    assert_eq!(rubric.township.annex, 2);
}

#[test]
fn department_table_matches_annex_3() {
    let rows = parse_table(&notice(), "\n附件3", "加分项目");
    assert_eq!(rows.len(), 27);
    let rubric = Rubric::bundled_2020();
    compare(&rubric.department, &rows, &[7, 9, 12, 15, 27]);
    assert_eq!(rubric.department.annex, 3);
}

#[test]
fn department_classes_match_annex_1() {
    let text = squash(&notice());
    let list = |from: &str| -> Vec<String> {
        let s = text.find(from).unwrap() + from.len();
        let e = s + text[s..].find('。').unwrap();
        text[s..e].split('、').map(str::to_string).collect()
    };
    let a = list("一、A类单位（26个）");
    let b = list("二、B类单位（10个）");
    let rubric = Rubric::bundled_2020();
    assert_eq!(rubric.departments.a, a);
    assert_eq!(rubric.departments.b, b);
    assert_eq!((a.len(), b.len()), (26, 10));
}

#[test]
fn bonus_and_penalty_points_match_the_notice() {
    let text = squash(&notice());
    let rubric = Rubric::bundled_2020();
    let bonus: Vec<(&str, f64)> = rubric
        .bonus
        .iter()
        .map(|r| (r.per.as_str(), r.points_each))
        .collect();
    assert_eq!(bonus, [("家", 0.2), ("处", 0.2), ("篇", 0.5)]);
    for phrase in ["每公开一家加0.2分", "每发现一处加0.2分", "每篇加0.5分"] {
        assert!(text.contains(phrase), "{phrase}");
    }
    let penalty: Vec<(&str, f64, Option<u32>)> = rubric
        .penalty
        .iter()
        .map(|r| (r.id.as_str(), r.points_each, r.veto_at))
        .collect();
    assert_eq!(
        penalty,
        [
            ("state-council-notice", 0.0, Some(1)),
            ("province-notice", 5.0, Some(2)),
            ("city-notice", 3.0, None),
            ("county-notice", 1.0, None),
            ("complaint-or-media", 10.0, None),
            ("ethnic-religious-opinion", 5.0, None),
            ("non-active-published", 5.0, None),
            ("fraud", 10.0, None),
        ]
    );
    for phrase in [
        "被国务院办公厅通报1次或被省政府办公厅通报2次不合格的",
        "被省政府办公厅通报1次，扣5分，被市政府办公室通报一次，扣3分，被县政府办公室通报1次，扣1分",
        "每次扣10分",
        "每发现1起扣5分",
        "每发现一次扣10分",
        "累计加分后超过100分的，按100分计算",
    ] {
        assert!(text.contains(phrase), "{phrase}");
    }
    assert_eq!(rubric.cap, 100.0);
}

#[test]
fn grading_rules_match_section_five() {
    let text = squash(&notice());
    let rubric = Rubric::bundled_2020();
    let g = &rubric.grading;
    let bands: Vec<(Grade, u32, u32)> = g
        .township_bands
        .iter()
        .map(|b| (b.grade, b.from, b.to))
        .collect();
    assert_eq!(
        bands,
        [
            (Grade::Excellent, 1, 4),
            (Grade::Good, 5, 10),
            (Grade::Pass, 11, 13)
        ]
    );
    assert!(text.contains(
        "得分前4名的乡镇初评为优秀等次，得分第5至10名的乡镇初评为良好等次，得分11至13名的乡镇初评为合格或不合格等次"
    ));
    let re = regex::Regex::new(r"(优秀|良好|合格和不合格)(\d+)%共(\d+)个单位").unwrap();
    let percents: Vec<u32> = re
        .captures_iter(&text)
        .map(|c| c[2].parse().unwrap())
        .collect();
    let ours: Vec<u32> = g.department_quotas.iter().map(|q| q.percent).collect();
    assert_eq!(percents, ours);
    assert_eq!(g.floor, 60.0);
    assert!(text.contains("连续3年考核排名最后3名及考评得分低于60分的评定为不合格"));
    assert_eq!((g.three_year.years, g.three_year.last), (3, 3));
}

#[test]
fn rubrics_folder_file_loads() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rubrics/changning-2020.toml");
    let loaded = gongkai::config::load_rubric(&path).unwrap();
    assert_eq!(loaded.year, 2020);
    assert_eq!(loaded.township.items.len(), 28);
    assert_eq!(loaded.department.items.len(), 27);
}
