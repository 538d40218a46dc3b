//! The bundled 2020 rubric against the notice itself (昌政办发〔2020〕56号): every item of annex 2
//! and annex 3, the group maxima, annex 1, the bonus and penalty points and section 五, and the
//! items gongkai's checks draft with the figures of their 评分标准.

use std::path::PathBuf;

use gongkai::model::Table as TableKind;
use gongkai::rubric::{DelayStep, Grade, ItemSource, Look, Rubric, RubricCheck, Table, Years};

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
    compare(
        &rubric.township,
        &rows,
        &[
            2, 3, 4, 5, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 22, 25, 27, 28,
        ],
    );
    assert_eq!(rubric.township.annex, 2);
}

#[test]
fn department_table_matches_annex_3() {
    let rows = parse_table(&notice(), "\n附件3", "加分项目");
    assert_eq!(rows.len(), 27);
    let rubric = Rubric::bundled_2020();
    compare(
        &rubric.department,
        &rows,
        &[
            2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 18, 19, 20, 21, 24, 26, 27,
        ],
    );
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

/// The words that find, in the notice's table, the row a check reads.
fn row_marker(check: RubricCheck) -> &'static str {
    match check {
        RubricCheck::Guide => "编制政府信息公开指南",
        RubricCheck::Finance => "财政预决算、三公经费、绩效自评报告",
        RubricCheck::EmptyColumns => "存在空白栏目",
        RubricCheck::PdfMarking => "未标定文件公开属性标识",
        RubricCheck::Replies => "超过3天未答复",
        RubricCheck::Nondisclosable => unreachable!("a penalty rule, not an item"),
        RubricCheck::Documents => unreachable!("many items, each with its parts"),
    }
}

/// The figure after `pattern` (one capture group of digits) in `text`, exactly once.
fn figure(text: &str, pattern: &str) -> f64 {
    let re = regex::Regex::new(pattern).unwrap();
    let found: Vec<f64> = re
        .captures_iter(text)
        .map(|c| c[1].parse().unwrap())
        .collect();
    assert_eq!(found.len(), 1, "{pattern} in {text}");
    found[0]
}

/// Every item a check drafts, found in the notice by what it says: the rubric gives it the
/// notice's number, `source = "check"`, and the figures of its 评分标准 as `deduct`; its points
/// (the cap) are the notice's.
#[test]
fn checked_items_numbers_and_amounts_match_the_notice() {
    let text = notice();
    let rubric = Rubric::bundled_2020();
    let steps_re = regex::Regex::new(r"超过(\d+)天未答复的?扣(\d+(?:\.\d+)?)分").unwrap();
    let mut seen = Vec::new();
    for (kind, from) in [
        (TableKind::Township, "\n附件2"),
        (TableKind::Department, "\n附件3"),
    ] {
        let rows = parse_table(&text, from, "加分项目");
        let table = rubric.table(kind);
        let checked: Vec<u32> = table
            .items
            .iter()
            .filter(|i| i.check.is_some())
            .map(|i| i.number)
            .collect();
        let by_source: Vec<u32> = table
            .items
            .iter()
            .filter(|i| i.source == ItemSource::Check)
            .map(|i| i.number)
            .collect();
        assert_eq!(checked, by_source, "{kind:?}: items with a check");
        for check in RubricCheck::ALL
            .into_iter()
            .filter(|c| c.one_item_per_table() && *c != RubricCheck::Nondisclosable)
        {
            let marker = row_marker(check);
            let hits: Vec<&Row> = rows
                .iter()
                .filter(|r| r.title.contains(marker) || r.standard.contains(marker))
                .collect();
            assert_eq!(hits.len(), 1, "{kind:?}: rows saying {marker}");
            let row = hits[0];
            let item = rubric.checked_item(kind, check).unwrap();
            assert_eq!(
                item.number, row.number,
                "{kind:?}: number of the {check} item"
            );
            assert_eq!(
                item.points, row.points,
                "{kind:?}: points (cap) of item {}",
                row.number
            );
            let d = &item.deduct;
            let st = row.standard.as_str();
            match check {
                RubricCheck::Guide => {
                    assert_eq!(d.missing, figure(st, r"未按要求编制扣(\d+(?:\.\d+)?)分"));
                    assert_eq!(
                        d.element_missing,
                        figure(st, r"指南要素不齐全项?扣(\d+(?:\.\d+)?)分")
                    );
                    assert_eq!(d.outdated, figure(st, r"未按年度更新扣(\d+(?:\.\d+)?)分"));
                }
                RubricCheck::Finance => {
                    assert_eq!(
                        d.part_missing,
                        figure(st, r"每少公开一项扣(\d+(?:\.\d+)?)分")
                    );
                }
                RubricCheck::EmptyColumns => {
                    assert_eq!(
                        d.any_empty,
                        figure(st, r"存在空白栏目的扣(\d+(?:\.\d+)?)分")
                    );
                }
                RubricCheck::PdfMarking => {
                    assert_eq!(d.per_file, figure(st, r"每份扣(\d+(?:\.\d+)?)分"));
                }
                RubricCheck::Replies => {
                    let steps: Vec<DelayStep> = steps_re
                        .captures_iter(st)
                        .map(|c| DelayStep {
                            over_days: c[1].parse().unwrap(),
                            points: c[2].parse().unwrap(),
                        })
                        .collect();
                    assert_eq!(steps.len(), 3, "{st}");
                    assert_eq!(d.delay_steps, steps);
                }
                RubricCheck::Nondisclosable | RubricCheck::Documents => unreachable!(),
            }
            seen.push((kind == TableKind::Township, check, item.number));
        }
    }
    // The 2020 numbers, once more in plain sight.
    let numbers = |township: bool| -> Vec<u32> {
        seen.iter()
            .filter(|s| s.0 == township)
            .map(|s| s.2)
            .collect()
    };
    assert_eq!(numbers(true), [7, 10, 13, 17, 28]);
    assert_eq!(numbers(false), [7, 9, 12, 15, 27]);
}

/// The penalty rule the `nondisclosable` reading suggests: paragraph 2 of 扣分项目, 5 points a
/// case, as the notice says of 非主动公开的政府信息.
#[test]
fn nondisclosable_penalty_matches_the_notice() {
    let text = squash(&notice());
    let rubric = Rubric::bundled_2020();
    let rule = rubric.checked_rule(RubricCheck::Nondisclosable).unwrap();
    assert_eq!(rule.id, "non-active-published");
    let re = regex::Regex::new(
        r"(\d)\.[^。]*?非主动公开的政府信息，因审核把关不严在互联网平台公开的，每发现1起扣(\d+)分",
    )
    .unwrap();
    let found: Vec<(u32, f64)> = re
        .captures_iter(&text)
        .map(|c| (c[1].parse().unwrap(), c[2].parse().unwrap()))
        .collect();
    assert_eq!(found.len(), 2, "annex 2 and annex 3");
    for (number, points) in found {
        assert_eq!((rule.number, rule.points_each), (number, points));
    }
}

/// Every `documents` item, by its number, with the points of its parts as the notice's 评分标准
/// states them: "每少（公开）一项扣N分" / "每项扣N分" for every part; otherwise the first part
/// deducts what "未…扣N分" says, or the item's points where the notice says 不得分 (or, for an
/// item 不涉及的不扣分, suggests them); "未解读“六稳”、“六保”…扣N分" for the part among the
/// 解读; a count part (酌情) suggests none.
#[test]
fn documents_items_parts_match_the_notice() {
    let text = notice();
    let first = |st: &str, pattern: &str| -> Option<f64> {
        regex::Regex::new(pattern)
            .unwrap()
            .captures(st)
            .map(|c| c[1].parse().unwrap())
    };
    for (kind, from, numbers) in [
        (
            TableKind::Township,
            "\n附件2",
            &[2, 3, 4, 5, 9, 11, 12, 14, 15, 16, 19, 20, 21, 22, 25, 27][..],
        ),
        (
            TableKind::Department,
            "\n附件3",
            &[2, 3, 4, 5, 8, 10, 11, 13, 14, 18, 19, 20, 21, 24, 26][..],
        ),
    ] {
        let rows = parse_table(&text, from, "加分项目");
        let rubric = Rubric::bundled_2020();
        let items: Vec<_> = rubric
            .table(kind)
            .checked_items(RubricCheck::Documents)
            .collect();
        let got: Vec<u32> = items.iter().map(|i| i.number).collect();
        assert_eq!(got, numbers, "{kind:?}: documents items");
        for item in items {
            let n = item.number;
            let row = rows.iter().find(|r| r.number == n).unwrap();
            let st = row.standard.as_str();
            assert!(!item.parts.is_empty(), "{kind:?} {n}: no parts");
            let points: Vec<f64> = item.parts.iter().map(|p| p.points).collect();
            if item.parts.iter().any(|p| p.look == Look::Count) {
                assert!(st.contains("酌情"), "{kind:?} {n}: {st}");
                assert_eq!(points, [0.0], "{kind:?} {n}");
                continue;
            }
            if let Some(each) = first(st, r"每(?:少|少公开)?一?项扣(\d+(?:\.\d+)?)分") {
                assert!(
                    points.iter().all(|p| *p == each),
                    "{kind:?} {n}: {points:?} vs {each} ({st})"
                );
                assert_eq!(
                    points.iter().sum::<f64>(),
                    item.points,
                    "{kind:?} {n}: the parts make the item"
                );
                continue;
            }
            let (main, rest) = item.parts.split_first().unwrap();
            let want = if st.contains("不得分") || st.contains("不涉及的不扣分") {
                item.points
            } else {
                first(st, r"未[^，。]*?扣(\d+(?:\.\d+)?)分")
                    .unwrap_or_else(|| panic!("{kind:?} {n}: no figure in {st}"))
            };
            assert_eq!(main.points, want, "{kind:?} {n}: {} ({st})", main.name);
            // 制度不齐的每差一项扣N分: one part per system the item's title names, among the
            // column's documents, read in their text too; together the item's points.
            if let Some(each) = first(st, r"每差一项扣(\d+(?:\.\d+)?)分") {
                assert!(main.text && main.years == Years::Any, "{kind:?} {n}");
                assert_eq!(rest.len(), 6, "{kind:?} {n}: the six systems");
                for part in rest {
                    assert_eq!(part.points, each, "{kind:?} {n}: {}", part.name);
                    assert_eq!(part.among.as_deref(), Some(main.name.as_str()));
                    assert!(part.text && part.years == Years::Any, "{}", part.name);
                    let named = part.words[0].iter().any(|w| row.title.contains(w.as_str()));
                    assert!(named, "{kind:?} {n}: {} not in the title", part.name);
                }
                assert_eq!(
                    rest.iter().map(|p| p.points).sum::<f64>(),
                    main.points,
                    "{kind:?} {n}: all systems missing is the item's points"
                );
                continue;
            }
            // 依申请公开: 未制定依申请公开制度的扣N分, the other half for the auditor.
            if st.contains("未制定依申请公开制度") {
                assert!(rest.is_empty() && main.text, "{kind:?} {n}");
                assert!(main.points < item.points, "{kind:?} {n}");
                continue;
            }
            for part in rest {
                assert!(part.among.is_some(), "{kind:?} {n}: {}", part.name);
                let want = first(st, r"未解读“六稳”、“六保”[^，。]*?扣(\d+(?:\.\d+)?)分")
                    .unwrap_or_else(|| panic!("{kind:?} {n}: no 六稳六保 figure in {st}"));
                assert_eq!(part.points, want, "{kind:?} {n}: {}", part.name);
            }
        }
    }
}

/// Bonus 3 (形象化解读, 每篇加0.5分) is suggested by the `documents` check, one question per
/// document its `each` part finds, at the rule's `points_each`.
#[test]
fn the_interpretation_bonus_is_suggested_per_document_as_the_notice_says() {
    let text = squash(&notice());
    let rubric = Rubric::bundled_2020();
    let rules: Vec<_> = rubric.checked_bonus(RubricCheck::Documents).collect();
    assert_eq!(rules.len(), 1);
    let rule = rules[0];
    assert_eq!(
        (rule.number, rule.per.as_str(), rule.points_each),
        (3, "篇", 0.5)
    );
    assert!(text.contains("开展形象化、通俗化、多元化解读"));
    assert!(text.contains(&format!("每{}加{}分", rule.per, rule.points_each)));
    assert!(rule
        .parts
        .iter()
        .all(|p| p.look == Look::Each && p.points == 0.0 && !p.within.is_empty()));
}
