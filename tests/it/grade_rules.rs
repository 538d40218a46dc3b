//! Scoring and grading by the rules of the rubric data: quotas, the 60-point floor, the cap, the
//! veto, the three-year rule and ties.

use gongkai::rubric::{Grade, Rounding, Rubric, TieRule};
use gongkai::score::{
    self, department_quotas, score_unit, Category, Deduction, Entry, GradeRow, History,
    HistoryEntry, ScoredUnit, UnitInput,
};

fn unit(name: &str, category: Category, score: f64) -> ScoredUnit {
    ScoredUnit {
        unit: name.to_string(),
        category,
        score,
        veto: false,
    }
}

fn row<'a>(rows: &'a [GradeRow], name: &str) -> &'a GradeRow {
    rows.iter().find(|r| r.unit == name).unwrap()
}

fn count(rows: &[GradeRow], c: Category, g: Grade) -> usize {
    rows.iter()
        .filter(|r| r.category == c && r.grade == g)
        .count()
}

/// 26 A and 10 B departments with distinct scores, plus 13 townships.
fn changning_units() -> Vec<ScoredUnit> {
    let mut units = Vec::new();
    for i in 0..13 {
        units.push(unit(
            &format!("乡镇{i:02}"),
            Category::Township,
            95.0 - i as f64,
        ));
    }
    for i in 0..26 {
        units.push(unit(&format!("A{i:02}"), Category::DeptA, 99.0 - i as f64));
    }
    for i in 0..10 {
        units.push(unit(&format!("B{i:02}"), Category::DeptB, 98.5 - i as f64));
    }
    units
}

#[test]
fn quotas_reproduce_the_notice_for_26_a_and_10_b() {
    let rubric = Rubric::bundled_2020();
    let q = score::quota_table(&rubric, 26, 10);
    let got: Vec<(Grade, u32, u32, u32)> = q.iter().map(|b| (b.grade, b.total, b.a, b.b)).collect();
    assert_eq!(
        got,
        [
            (Grade::Excellent, 7, 5, 2),
            (Grade::Good, 11, 8, 3),
            (Grade::Pass, 18, 13, 5),
        ]
    );
    println!("{}", score::render::quota_lines(&q));
    // Same figures with the other rounding setting.
    let lr = department_quotas(
        &rubric.grading.department_quotas,
        Rounding::LargestRemainder,
        26,
        10,
    );
    assert_eq!(lr, q);
}

#[test]
fn grades_apply_the_quotas_within_each_class() {
    let rubric = Rubric::bundled_2020();
    let rows = score::grade(&rubric, &changning_units(), &History::new()).unwrap();
    let figures = [
        (Category::DeptA, [5, 8, 13]),
        (Category::DeptB, [2, 3, 5]),
        (Category::Township, [4, 6, 3]),
    ];
    for (c, [e, g, p]) in figures {
        assert_eq!(count(&rows, c, Grade::Excellent), e, "{c}");
        assert_eq!(count(&rows, c, Grade::Good), g, "{c}");
        assert_eq!(count(&rows, c, Grade::Pass), p, "{c}");
    }
    assert_eq!(row(&rows, "A04").grade, Grade::Excellent);
    assert_eq!(row(&rows, "A05").grade, Grade::Good);
    assert_eq!(row(&rows, "B01").rank, 2);
    assert_eq!(row(&rows, "B02").grade, Grade::Good);
    assert!(row(&rows, "A00")
        .reason
        .contains("优秀等次20%共7个，其中A类5个"));
    assert!(row(&rows, "乡镇03").reason.contains("第1至4名"));
    assert_eq!(row(&rows, "乡镇04").grade, Grade::Good);
    assert_eq!(row(&rows, "乡镇10").grade, Grade::Pass);
}

#[test]
fn quotas_always_add_up() {
    let rubric = Rubric::bundled_2020();
    for rounding in [Rounding::NearestFrontFirst, Rounding::LargestRemainder] {
        for n_a in 0..60 {
            for n_b in 0..30 {
                let q = department_quotas(&rubric.grading.department_quotas, rounding, n_a, n_b);
                let (a, b, t): (u32, u32, u32) = q.iter().fold((0, 0, 0), |acc, x| {
                    (acc.0 + x.a, acc.1 + x.b, acc.2 + x.total)
                });
                assert_eq!((a, b, t), (n_a, n_b, n_a + n_b), "{rounding:?} {n_a}/{n_b}");
                assert!(q.iter().all(|x| x.a + x.b == x.total));
            }
        }
    }
    let q = score::quota_table(&rubric, 30, 8);
    let got: Vec<(u32, u32, u32)> = q.iter().map(|b| (b.total, b.a, b.b)).collect();
    assert_eq!(got, [(8, 6, 2), (11, 9, 2), (19, 15, 4)]);
}

#[test]
fn quotas_come_from_the_data_file() {
    let mut rubric = Rubric::bundled_2020();
    rubric.grading.department_quotas[0].percent = 10;
    rubric.grading.department_quotas[2].percent = 60;
    let q = score::quota_table(&rubric, 26, 10);
    assert_eq!((q[0].total, q[0].a, q[0].b), (4, 3, 1));
}

#[test]
fn score_under_the_floor_fails_whatever_the_band() {
    let mut units = changning_units();
    units.retain(|u| u.category == Category::Township);
    units[12].score = 59.99;
    units[11].score = 60.0;
    let rubric = Rubric::bundled_2020();
    let rows = score::grade(&rubric, &units, &History::new()).unwrap();
    assert_eq!(row(&rows, "乡镇12").grade, Grade::Fail);
    assert!(row(&rows, "乡镇12").reason.contains("低于60分"));
    assert_eq!(row(&rows, "乡镇11").grade, Grade::Pass);
    // The floor is data: raise it to 85.5 and a 良好-band township fails.
    let mut strict = rubric.clone();
    strict.grading.floor = 85.5;
    let rows = score::grade(&strict, &units, &History::new()).unwrap();
    assert_eq!(row(&rows, "乡镇09").grade, Grade::Good);
    assert_eq!(row(&rows, "乡镇10").grade, Grade::Fail);
    assert!(row(&rows, "乡镇10").reason.contains("低于85.5分"));
}

#[test]
fn veto_fails_whatever_the_score_and_ranks_last() {
    let mut units = changning_units();
    units.iter_mut().find(|u| u.unit == "A00").unwrap().veto = true;
    let rows = score::grade(&Rubric::bundled_2020(), &units, &History::new()).unwrap();
    let a0 = row(&rows, "A00");
    assert_eq!((a0.grade, a0.rank), (Grade::Fail, 26));
    assert!(a0.reason.contains("一票否决"));
    assert_eq!(row(&rows, "A05").grade, Grade::Excellent);
    assert_eq!(count(&rows, Category::DeptA, Grade::Excellent), 5);
}

#[test]
fn veto_from_penalty_entries_and_the_cap() {
    let rubric = Rubric::bundled_2020();
    let mut input = UnitInput {
        unit: "田园镇".into(),
        category: Category::Township,
        deductions: vec![
            Deduction {
                item: 17,
                points: 0.5,
            },
            Deduction {
                item: 17,
                points: 0.5,
            },
            Deduction {
                item: 2,
                points: 9.0,
            },
        ],
        bonuses: vec![
            Entry {
                rule: "public-enterprise".into(),
                count: 7,
            },
            Entry {
                rule: "policy-interpretation".into(),
                count: 3,
            },
        ],
        penalties: vec![],
        veto: false,
    };
    let s = score_unit(&rubric, &input).unwrap();
    // Item 2 is 3 points: never below 0. 100 − 1 − 3 = 96; bonus 1.4 + 1.5 = 2.9.
    assert_eq!(s.items_total, 96.0);
    assert_eq!(s.bonus, 2.9);
    assert_eq!(s.total, 98.9);
    assert!(!s.capped && !s.veto);
    assert_eq!(s.per_item[1].score, 0.0);

    input.bonuses.push(Entry {
        rule: "error-report".into(),
        count: 30,
    });
    let s = score_unit(&rubric, &input).unwrap();
    assert_eq!((s.total, s.capped), (100.0, true));

    input.penalties.push(Entry {
        rule: "province-notice".into(),
        count: 1,
    });
    let s = score_unit(&rubric, &input).unwrap();
    // Final stage cap: 96 + 8.9 − 5 = 99.9.
    assert_eq!((s.total, s.veto), (99.9, false));
    let mut after = rubric.clone();
    after.cap_stage = gongkai::rubric::CapStage::AfterBonus;
    assert_eq!(score_unit(&after, &input).unwrap().total, 95.0);

    input.penalties.push(Entry {
        rule: "province-notice".into(),
        count: 1,
    });
    assert!(
        score_unit(&rubric, &input).unwrap().veto,
        "两次省通报一票否决"
    );
    input.penalties = vec![Entry {
        rule: "state-council-notice".into(),
        count: 1,
    }];
    assert!(score_unit(&rubric, &input).unwrap().veto);

    input.penalties = vec![Entry {
        rule: "nope".into(),
        count: 1,
    }];
    assert!(score_unit(&rubric, &input).is_err());
    input.penalties.clear();
    input.deductions.push(Deduction {
        item: 29,
        points: 1.0,
    });
    assert!(score_unit(&rubric, &input).is_err(), "乡镇表只有28项");
}

#[test]
fn points_add_up_without_float_artifacts() {
    let rubric = Rubric::bundled_2020();
    let input = UnitInput {
        unit: "发改局".into(),
        category: Category::DeptA,
        deductions: (0..3)
            .map(|_| Deduction {
                item: 12,
                points: 0.1,
            })
            .collect(),
        bonuses: vec![Entry {
            rule: "public-enterprise".into(),
            count: 1,
        }],
        penalties: vec![],
        veto: false,
    };
    let s = score_unit(&rubric, &input).unwrap();
    assert_eq!(s.total, 99.9);
}

#[test]
fn three_year_rule_uses_history() {
    let rubric = Rubric::bundled_2020();
    let units: Vec<ScoredUnit> = changning_units()
        .into_iter()
        .filter(|u| u.category == Category::Township)
        .collect();
    let h = |unit: &str, year, rank| HistoryEntry {
        unit: unit.into(),
        year,
        rank,
        total: 13,
    };
    let history = History::from_entries(vec![
        h("乡镇12", 2018, 13),
        h("乡镇12", 2019, 11),
        h("乡镇11", 2019, 12), // 2018 missing: not three consecutive years
        h("乡镇10", 2018, 11),
        h("乡镇10", 2019, 10), // 2019 not among the last 3
    ]);
    let rows = score::grade(&rubric, &units, &history).unwrap();
    let r12 = row(&rows, "乡镇12");
    assert_eq!(r12.grade, Grade::Fail);
    assert!(
        r12.reason
            .contains("2018年第13名/共13个、2019年第11名/共13个、2020年第13名/共13个"),
        "{}",
        r12.reason
    );
    assert_eq!(row(&rows, "乡镇11").grade, Grade::Pass);
    assert_eq!(row(&rows, "乡镇10").grade, Grade::Pass);
    // The rule is data: two years suffice with years = 2.
    let mut two = rubric.clone();
    two.grading.three_year.years = 2;
    let rows = score::grade(&two, &units, &history).unwrap();
    assert_eq!(row(&rows, "乡镇11").grade, Grade::Fail);
}

#[test]
fn ties_at_a_boundary_are_decisions_for_the_auditor() {
    let mut rubric = Rubric::bundled_2020();
    let mut units = changning_units();
    // A04 (5th, the last 优秀 place of class A) and A05 tie.
    units.iter_mut().find(|u| u.unit == "A05").unwrap().score = 95.0;
    let rows = score::grade(&rubric, &units, &History::new()).unwrap();
    let (a4, a5) = (row(&rows, "A04"), row(&rows, "A05"));
    assert_eq!((a4.rank, a5.rank), (5, 5));
    assert_eq!((a4.grade, a5.grade), (Grade::Excellent, Grade::Excellent));
    assert!(a5.tie_decision.as_ref().unwrap().contains("与A04得分相同"));
    assert!(a5
        .tie_decision
        .as_ref()
        .unwrap()
        .contains("均评定为较高等次"));
    // Better grade: the 良好 band shrinks, the total stays 26.
    assert_eq!(count(&rows, Category::DeptA, Grade::Good), 7);
    assert_eq!(row(&rows, "A06").tie_decision, None);

    rubric.grading.ties.default = TieRule::NameOrder;
    let rows = score::grade(&rubric, &units, &History::new()).unwrap();
    assert_eq!(row(&rows, "A04").grade, Grade::Excellent);
    assert_eq!(row(&rows, "A05").grade, Grade::Good);
    assert!(row(&rows, "A05")
        .tie_decision
        .as_ref()
        .unwrap()
        .contains("按单位名称排序"));
    assert_eq!(count(&rows, Category::DeptA, Grade::Excellent), 5);

    // A tie inside a band is no decision.
    let mut inside = changning_units();
    inside.iter_mut().find(|u| u.unit == "A01").unwrap().score = 99.0;
    let rows = score::grade(&Rubric::bundled_2020(), &inside, &History::new()).unwrap();
    assert!(rows.iter().all(|r| r.tie_decision.is_none()));
}

#[test]
fn duplicate_units_are_refused() {
    let units = vec![
        unit("田园镇", Category::Township, 90.0),
        unit("田园镇", Category::Township, 80.0),
    ];
    assert!(score::grade(&Rubric::bundled_2020(), &units, &History::new()).is_err());
}

#[test]
fn grade_serialises_to_chinese() {
    let rows = score::grade(&Rubric::bundled_2020(), &changning_units(), &History::new()).unwrap();
    let json = serde_json::to_value(&rows).unwrap();
    assert_eq!(json[0]["grade"], "优秀");
    assert_eq!(json[0]["category"], "乡镇");
    assert_eq!(json[13]["category"], "A");
}
