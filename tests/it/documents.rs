//! Items read as data (`check = "documents"`) on hand-made snapshots, both ways: present,
//! missing, under another title, only last year, in the wrong column, only as a cut title or
//! with a doubtful date, and columns that could not be read.

use std::path::Path;

use chrono::NaiveDate;
use gongkai::checks::{run_all, CheckContext, Publications, Standing};
use gongkai::config::PortalConfig;
use gongkai::extract::dates::find_stamp;
use gongkai::model::{FetchFailure, Finding, FindingKind, PageFailure, Reason, Section, Table};
use gongkai::rubric::{ItemSource, Look, Part, Rubric, RubricCheck};
use gongkai::snapshot::*;
use url::Url;

/// The 2020 readings of the items under test, as a rubric file writes them.
const PARTS: &str = r#"
[[item]]
number = 2
[[item.parts]]
name = "专题会议"
words = [["政务公开", "政府信息公开"], ["会议", "专题会", "推进会", "工作会"]]
miss = "deduct"
points = 3

[[item]]
number = 3
[[item.parts]]
name = "年度工作方案"
words = [["{year}"], ["政务公开"], ["工作方案", "工作计划", "实施方案", "工作要点"]]
miss = "deduct"
points = 3

[[item]]
number = 5
[[item.parts]]
name = "年度报告"
words = [["{prev_year}"], ["年度报告", "年报"]]
late_after = "01-31"
miss = "deduct"
points = 2
[[item.parts]]
name = "落实情况"
words = [["工作要点", "工作方案", "工作计划"], ["落实"]]
miss = "deduct"
points = 2

[[item]]
number = 11
[[item.parts]]
name = "领导信息"
look = "column"
columns = ["领导信息"]
miss = "deduct"
points = 1
[[item.parts]]
name = "权责清单"
look = "column"
columns = ["权责清单"]
miss = "deduct"
points = 1

[[item]]
number = 15
[[item.parts]]
name = "政策文件"
within = ["政策文件", "规范性文件"]
miss = "question"
points = 3

[[item]]
number = 16
[[item.parts]]
name = "政策解读"
columns = ["政策解读"]
words = [["解读"]]
miss = "deduct"
points = 5
[[item.parts]]
name = "六稳六保解读"
among = "政策解读"
words = [["六稳", "六保"]]
miss = "question"
points = 1

[[item]]
number = 25
[[item.parts]]
name = "信息发布量"
look = "count"
miss = "question"

[[item]]
number = 22
[[item.parts]]
name = "公共资源配置"
words = [["公共资源交易", "招标", "采购", "土地", "保障性住房"]]
miss = "question"
points = 2
[[item.parts]]
name = "重大建设项目"
words = [["重大建设项目"]]
miss = "question"
points = 2
"#;

#[derive(serde::Deserialize)]
struct Items {
    item: Vec<ItemParts>,
}

#[derive(serde::Deserialize)]
struct ItemParts {
    number: u32,
    parts: Vec<Part>,
}

/// The bundled rubric with the township items of [`PARTS`] read by the `documents` check.
fn rubric() -> Rubric {
    let mut r = Rubric::bundled_2020();
    let items: Items = toml::from_str(PARTS).unwrap();
    for it in items.item {
        let item = r
            .township
            .items
            .iter_mut()
            .find(|i| i.number == it.number)
            .unwrap();
        item.source = ItemSource::Check;
        item.check = Some(RubricCheck::Documents);
        item.parts = it.parts;
    }
    // Written back and read again: the file form loads and passes validation.
    let text = toml::to_string(&r).unwrap();
    Rubric::from_toml(&text, Path::new("documents-test.toml")).unwrap_or_else(|e| panic!("{e}"))
}

fn config() -> PortalConfig {
    PortalConfig::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("selectors/fixture.toml"))
        .unwrap()
}

fn url(path: &str) -> Url {
    Url::parse("http://portal.test")
        .unwrap()
        .join(path)
        .unwrap()
}

fn column(name: &str, state: ColumnState, docs: Vec<DocumentSnapshot>) -> ColumnSnapshot {
    ColumnSnapshot {
        name: name.into(),
        code: format!("c{}", name.len()),
        url: url(&format!("/bmym/x/{}.htm", name.len())),
        path: vec![name.into()],
        state,
        documents: docs,
        article_text: None,
        page_dates: Vec::new(),
        empty_notice: None,
        pages: 1,
        page_id: Some(7),
        problems: Vec::new(),
        impossible_dates: Vec::new(),
        ignored: Vec::new(),
        attachments: Vec::new(),
    }
}

fn doc(title: &str, date: &str) -> DocumentSnapshot {
    DocumentSnapshot {
        // One page per title.
        url: url(&format!(
            "/info/1/{}.htm",
            title
                .chars()
                .fold(7u64, |h, c| h.wrapping_mul(31).wrapping_add(c as u64))
        )),
        title: title.into(),
        title_cut: false,
        published: find_stamp(date),
        list_page: 1,
        list_position: 1,
        attachments: None,
        date_doubt: None,
        page_id: None,
        text: None,
        text_cut: false,
    }
}

/// A township that has published everything the parts want.
fn complete() -> UnitSnapshot {
    let config = config();
    let mut leaders = column("领导信息", ColumnState::Article, Vec::new());
    leaders.article_text = Some("镇长：张三，主持镇政府全面工作。".into());
    UnitSnapshot {
        unit: config.unit("田园镇").unwrap().clone(),
        landing_url: url("/bmym/tyz/zfxxgkpt.htm"),
        landing_error: None,
        columns: vec![
            leaders,
            column(
                "权责清单",
                ColumnState::List,
                vec![doc("田园镇权责清单", "2019-05-01")],
            ),
            column(
                "工作动态",
                ColumnState::List,
                vec![
                    doc("田园镇召开2020年政务公开工作推进会", "2020-04-02"),
                    doc("田园镇2020年政务公开工作要点", "2020-03-01"),
                    doc("田园镇2019年政府信息公开工作年度报告", "2020-01-20"),
                    doc("田园镇2020年政务公开工作要点落实情况", "2020-11-30"),
                    doc("田园镇公共资源交易项目招标公告", "2020-06-01"),
                    doc("田园镇重大建设项目批准信息", "2020-07-01"),
                ],
            ),
            column(
                "政策文件",
                ColumnState::List,
                vec![doc("田园镇关于印发某某办法的通知", "2020-05-05")],
            ),
            column(
                "政策解读",
                ColumnState::List,
                vec![doc("一图读懂：做好六稳工作落实六保任务", "2020-06-06")],
            ),
        ],
        messages: Vec::new(),
        sample: Vec::new(),
        policy_documents_in_year: 1,
        board_problems: Vec::new(),
    }
}

fn run(u: &UnitSnapshot) -> Vec<Finding> {
    let config = config();
    let rubric = rubric();
    let ctx = CheckContext {
        config: &config,
        rubric: &rubric,
        as_of: NaiveDate::from_ymd_opt(2020, 12, 15).unwrap(),
        publications: None,
    };
    run_all(&ctx, u)
        .into_iter()
        .filter(|f| f.section == Section::Item)
        .filter(|f| [2, 3, 5, 11, 15, 16, 22].contains(&f.item) && f.table == Table::Township)
        .filter(|f| f.reason != Reason::PublicationCount)
        .collect()
}

fn find<'a>(findings: &'a [Finding], item: u32, key: &str) -> Option<&'a Finding> {
    findings.iter().find(|f| f.item == item && f.key == key)
}

fn column_mut<'a>(u: &'a mut UnitSnapshot, name: &str) -> &'a mut ColumnSnapshot {
    u.columns.iter_mut().find(|c| c.name == name).unwrap()
}

#[test]
fn a_unit_that_published_every_part_gets_nothing() {
    let f = run(&complete());
    // 22's third area (社会公益事业) is not among the test's parts.
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn a_missing_document_deducts_the_parts_points_and_names_the_rule() {
    let mut u = complete();
    column_mut(&mut u, "工作动态")
        .documents
        .retain(|d| !d.title.contains("推进会"));
    let f = run(&u);
    let meeting = find(&f, 2, "专题会议").expect("item 2 drafted");
    assert_eq!(meeting.kind, FindingKind::Deduction);
    assert_eq!(meeting.reason, Reason::DocumentMissing);
    assert_eq!(meeting.points.points(), 3.0);
    assert!(
        meeting
            .detail
            .contains("“政务公开/政府信息公开”和“会议/专题会/推进会/工作会”"),
        "{}",
        meeting.detail
    );
    assert!(meeting.detail.contains("2020年内"), "{}", meeting.detail);
    // The nearest documents seen (one word group matched) are the evidence.
    assert!(
        meeting
            .evidence
            .iter()
            .any(|e| e.excerpt.contains("政务公开工作要点")),
        "{:#?}",
        meeting.evidence
    );
    assert_eq!(f.len(), 1, "{f:#?}");
}

#[test]
fn another_title_with_the_words_counts_and_last_years_does_not() {
    let mut u = complete();
    let news = column_mut(&mut u, "工作动态");
    news.documents.retain(|d| !d.title.contains("推进会"));
    // Under another title, with the words in another form (政府信息公开, 专题会).
    news.documents
        .push(doc("关于召开政府信息公开专题会的通知", "2020-02-10"));
    assert!(find(&run(&u), 2, "专题会议").is_none());
    let mut u = complete();
    let news = column_mut(&mut u, "工作动态");
    news.documents.retain(|d| !d.title.contains("推进会"));
    news.documents
        .push(doc("田园镇召开2019年政务公开工作推进会", "2019-04-02"));
    // After the as-of date does not count either.
    news.documents
        .push(doc("田园镇召开政务公开工作会", "2020-12-20"));
    let f = run(&u);
    assert_eq!(
        find(&f, 2, "专题会议").unwrap().reason,
        Reason::DocumentMissing
    );
}

#[test]
fn the_year_in_the_title_is_the_assessment_years() {
    let mut u = complete();
    let news = column_mut(&mut u, "工作动态");
    // (A 落实情况 report naming the year and 工作要点 would count too: the reading is its words.)
    news.documents
        .retain(|d| d.title != "田园镇2020年政务公开工作要点" && !d.title.contains("落实"));
    news.documents
        .push(doc("田园镇2019年政务公开工作要点", "2020-01-05"));
    let f = run(&u);
    assert_eq!(
        find(&f, 3, "年度工作方案").unwrap().reason,
        Reason::DocumentMissing
    );
}

#[test]
fn an_annual_report_after_its_deadline_is_a_question_and_a_missing_part_deducts_alone() {
    let mut u = complete();
    let news = column_mut(&mut u, "工作动态");
    for d in &mut news.documents {
        if d.title.contains("年度报告") {
            d.published = find_stamp("2020-02-03");
        }
    }
    news.documents.retain(|d| !d.title.contains("落实情况"));
    let f = run(&u);
    let late = find(&f, 5, "年度报告").unwrap();
    assert_eq!(
        (late.kind, late.reason),
        (FindingKind::Question, Reason::DocumentLate)
    );
    assert!(late.detail.contains("2020年2月3日"), "{}", late.detail);
    let missing = find(&f, 5, "落实情况").unwrap();
    assert_eq!(
        (missing.reason, missing.points.points()),
        (Reason::DocumentMissing, 2.0)
    );
    // On 31 January it is on time.
    let mut u = complete();
    for d in &mut column_mut(&mut u, "工作动态").documents {
        if d.title.contains("年度报告") {
            d.published = find_stamp("2020-01-31");
        }
    }
    assert!(find(&run(&u), 5, "年度报告").is_none());
}

#[test]
fn column_parts_are_missing_when_absent_or_empty_and_unsure_when_unread() {
    let mut u = complete();
    u.columns.retain(|c| c.name != "领导信息");
    column_mut(&mut u, "权责清单").documents.clear();
    column_mut(&mut u, "权责清单").state = ColumnState::Empty;
    let f = run(&u);
    let leaders = find(&f, 11, "领导信息").unwrap();
    assert_eq!(
        (leaders.reason, leaders.points.points()),
        (Reason::ColumnPartMissing, 1.0)
    );
    let list = find(&f, 11, "权责清单").unwrap();
    assert_eq!(list.reason, Reason::ColumnPartMissing);
    assert!(
        list.evidence.iter().any(|e| e.excerpt.contains("栏目为空")),
        "{:#?}",
        list.evidence
    );

    let mut u = complete();
    let col = column_mut(&mut u, "权责清单");
    col.documents.clear();
    col.state = ColumnState::Unreachable;
    col.problems = vec![PageFailure::Fetch(FetchFailure::Timeout {
        url: col.url.to_string(),
    })];
    let f = run(&u);
    let unsure = find(&f, 11, "权责清单").unwrap();
    assert_eq!(
        (unsure.kind, unsure.reason),
        (FindingKind::Question, Reason::DocumentUnsure)
    );
}

#[test]
fn parts_judged_in_their_own_column_ignore_documents_elsewhere() {
    let mut u = complete();
    column_mut(&mut u, "政策文件").documents.clear();
    column_mut(&mut u, "政策文件").state = ColumnState::Empty;
    // A policy-like document in another column does not count for 15.
    column_mut(&mut u, "工作动态")
        .documents
        .push(doc("田园镇关于印发另一办法的通知", "2020-05-06"));
    let f = run(&u);
    let q = find(&f, 15, "政策文件").unwrap();
    // The machine cannot know whether the unit issued any: a question, 3 suggested.
    assert_eq!(
        (q.kind, q.reason, q.points.points()),
        (FindingKind::Question, Reason::DocumentNotSeen, 3.0)
    );
}

#[test]
fn an_interpretation_outside_its_column_counts_by_title_and_the_topic_part_asks() {
    let mut u = complete();
    column_mut(&mut u, "政策解读").documents =
        vec![doc("《田园镇某某办法》政策解读", "2020-05-07")];
    let f = run(&u);
    assert!(find(&f, 16, "政策解读").is_none());
    let topic = find(&f, 16, "六稳六保解读").unwrap();
    assert_eq!(
        (topic.kind, topic.reason, topic.points.points()),
        (FindingKind::Question, Reason::DocumentNotSeen, 1.0)
    );
    // Titled 解读 in another column: found by its title; untitled so, only its column counts.
    let mut u = complete();
    column_mut(&mut u, "政策解读").documents.clear();
    column_mut(&mut u, "工作动态")
        .documents
        .push(doc("“六保”政策解读：稳就业十条措施", "2020-08-08"));
    assert!(run(&u).iter().all(|f| f.item != 16), "{:#?}", run(&u));
    let mut u = complete();
    let moved = column_mut(&mut u, "政策解读").documents.remove(0);
    column_mut(&mut u, "工作动态").documents.push(moved);
    assert_eq!(
        find(&run(&u), 16, "政策解读").unwrap().reason,
        Reason::DocumentMissing
    );
    // None at all: the 5 points, and the topic part is not asked.
    let mut u = complete();
    column_mut(&mut u, "政策解读").documents.clear();
    column_mut(&mut u, "政策解读").state = ColumnState::Empty;
    let f = run(&u);
    assert_eq!(find(&f, 16, "政策解读").unwrap().points.points(), 5.0);
    assert!(find(&f, 16, "六稳六保解读").is_none());
}

#[test]
fn unread_columns_cut_titles_and_doubtful_dates_turn_a_deduction_into_a_question() {
    // A column that could not be read may hold the meeting.
    let mut u = complete();
    column_mut(&mut u, "工作动态")
        .documents
        .retain(|d| !d.title.contains("推进会"));
    let mut broken = column("通知公告", ColumnState::Unrecognised, Vec::new());
    broken.problems = vec![PageFailure::ShapeMissed("页面上有3个文件页链接".into())];
    u.columns.push(broken);
    let q = run(&u).into_iter().find(|f| f.item == 2).unwrap();
    assert_eq!(
        (q.kind, q.reason, q.points.points()),
        (FindingKind::Question, Reason::DocumentUnsure, 3.0)
    );
    assert!(
        q.evidence.iter().any(|e| e.excerpt.contains("通知公告")),
        "{:#?}",
        q.evidence
    );

    // Its title is cut in the list and its page could not be read.
    let mut u = complete();
    let news = column_mut(&mut u, "工作动态");
    news.documents.retain(|d| !d.title.contains("推进会"));
    let mut cut = doc("田园镇召开2020年政务…", "2020-04-02");
    cut.title_cut = true;
    news.documents.push(cut);
    assert_eq!(
        run(&u).into_iter().find(|f| f.item == 2).unwrap().reason,
        Reason::DocumentUnsure
    );

    // Its date names no real day.
    let mut u = complete();
    for d in &mut column_mut(&mut u, "工作动态").documents {
        if d.title.contains("推进会") {
            d.published = None;
            d.date_doubt = Some(DateDoubt::Impossible {
                written: "2020-02-30".into(),
                place: "列表页".into(),
                other: None,
            });
        }
    }
    let q = run(&u).into_iter().find(|f| f.item == 2).unwrap();
    assert_eq!(q.reason, Reason::DocumentUnsure);
    assert!(
        q.evidence.iter().any(|e| e.excerpt.contains("2020-02-30")),
        "{:#?}",
        q.evidence
    );
}

#[test]
fn questions_by_rule_suggest_their_points_and_the_item_caps_the_sum() {
    let mut u = complete();
    column_mut(&mut u, "工作动态")
        .documents
        .retain(|d| !d.title.contains("招标") && !d.title.contains("重大建设项目"));
    let f = run(&u);
    let areas: Vec<_> = f.iter().filter(|f| f.item == 22).collect();
    assert_eq!(areas.len(), 2, "{areas:#?}");
    assert!(areas
        .iter()
        .all(|f| f.kind == FindingKind::Question && f.reason == Reason::DocumentNotSeen));
    assert_eq!(areas.iter().map(|f| f.points.points()).sum::<f64>(), 4.0);
}

#[test]
fn the_rubric_refuses_parts_that_cannot_work() {
    let bad = |edit: &dyn Fn(&mut Part)| {
        let mut r = rubric();
        let item = r.township.items.iter_mut().find(|i| i.number == 5).unwrap();
        edit(&mut item.parts[1]);
        Rubric::from_toml(&toml::to_string(&r).unwrap(), Path::new("bad.toml"))
            .unwrap_err()
            .to_string()
    };
    let e = bad(&|p| p.name = "年度报告".into());
    assert!(e.contains("township.items[4].parts[1].name"), "{e}");
    let e = bad(&|p| p.points = 9.0);
    assert!(
        e.contains("parts[1].points") && e.contains("超过第5项的分值4"),
        "{e}"
    );
    let e = bad(&|p| p.late_after = Some("1月31日".into()));
    assert!(e.contains("late_after"), "{e}");
    let e = bad(&|p| p.among = Some("落实情况".into()));
    assert!(e.contains("among"), "{e}");
    let e = bad(&|p| {
        p.words.clear();
    });
    assert!(e.contains("没有可查找的内容"), "{e}");
    // Text is read only in a part's own columns.
    let e = bad(&|p| p.text = true);
    assert!(e.contains("township.items[4].parts[1].text"), "{e}");
    let e = bad(&|p| p.look = Look::Each);
    assert!(
        e.contains("parts[1].look") && e.contains("[[bonus]]"),
        "{e}"
    );
    // item 4: a system part reading text among a part that does not.
    let mut r = rubric();
    let item = r.township.items.iter_mut().find(|i| i.number == 4).unwrap();
    item.parts[0].text = false;
    let e = Rubric::from_toml(&toml::to_string(&r).unwrap(), Path::new("bad.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("township.items[3].parts[1].text"), "{e}");
    // The bonus rule's parts suggest its points_each: no points of their own.
    let mut r = rubric();
    r.bonus[2].parts[0].points = 0.5;
    let e = Rubric::from_toml(&toml::to_string(&r).unwrap(), Path::new("bad.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("bonus[2].parts[0]") && e.contains("points_each"),
        "{e}"
    );
    let mut r = rubric();
    r.bonus[2].parts[0].look = gongkai::rubric::Look::Document;
    let e = Rubric::from_toml(&toml::to_string(&r).unwrap(), Path::new("bad.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("bonus[2].parts[0].look"), "{e}");
    let mut r = rubric();
    r.penalty[0].check = Some(RubricCheck::Documents);
    r.penalty[0].parts = r.bonus[2].parts.clone();
    let e = Rubric::from_toml(&toml::to_string(&r).unwrap(), Path::new("bad.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("penalty[0].check"), "{e}");
}

#[test]
fn the_publication_count_is_a_question_with_rank_and_median_in_the_group() {
    let a = complete();
    let mut b = complete();
    b.unit = config().unit("柯街镇").unwrap().clone();
    column_mut(&mut b, "工作动态").documents.truncate(2);
    let mut c = complete();
    c.unit = config().unit("卡斯镇").unwrap().clone();
    // The same page listed twice, last year's and after as-of do not count.
    let again = c.columns[2].documents[0].clone();
    let news = column_mut(&mut c, "工作动态");
    news.documents.push(again);
    news.documents.push(doc("旧闻", "2019-03-03"));
    news.documents.push(doc("新闻", "2020-12-31"));
    let as_of = NaiveDate::from_ymd_opt(2020, 12, 15).unwrap();
    // 田园镇: 6 in 工作动态 + 政策文件 + 政策解读 = 8 (权责清单's is of 2019); 柯街镇 4; 卡斯镇 8.
    assert_eq!(a.documents_of_year(2020, as_of), 8);
    assert_eq!(b.documents_of_year(2020, as_of), 4);
    assert_eq!(c.documents_of_year(2020, as_of), 8);
    let p = Publications::count(&[a.clone(), b.clone(), c], 2020, as_of);
    assert_eq!(
        p.standing("柯街镇"),
        Some(Standing {
            group: "乡镇".into(),
            count: 4,
            rank: 3,
            size: 3,
            median: 8.0
        })
    );
    assert_eq!(
        p.standing("田园镇").unwrap().rank,
        1,
        "equal counts share a rank"
    );
    let config = config();
    let rubric = rubric();
    let ctx = CheckContext {
        config: &config,
        rubric: &rubric,
        as_of,
        publications: Some(&p),
    };
    let f = run_all(&ctx, &b);
    let q = f.iter().find(|f| f.item == 25).unwrap();
    assert_eq!(
        (q.kind, q.reason, q.points.points()),
        (FindingKind::Question, Reason::PublicationCount, 0.0)
    );
    assert!(
        q.detail
            .contains("共发布文件4个，在乡镇（3个单位）中排第3名，中位数8个"),
        "{}",
        q.detail
    );
}

/// The findings of items 4 and 27 (township) and of the bonus rules.
fn run_text(u: &UnitSnapshot) -> Vec<Finding> {
    let config = config();
    let rubric = rubric();
    let ctx = CheckContext {
        config: &config,
        rubric: &rubric,
        as_of: NaiveDate::from_ymd_opt(2020, 12, 15).unwrap(),
        publications: None,
    };
    run_all(&ctx, u)
        .into_iter()
        .filter(|f| f.section == Section::Bonus || [4, 27].contains(&f.item))
        .collect()
}

fn with_text(mut d: DocumentSnapshot, text: &str) -> DocumentSnapshot {
    d.text = Some(text.into());
    d.page_id = Some(42);
    d
}

/// A township with the six systems in its 制度 column and a 依申请公开 办法.
fn with_systems() -> UnitSnapshot {
    let mut u = complete();
    u.columns.push(column(
        "政府信息公开制度",
        ColumnState::List,
        vec![
            with_text(doc("田园镇政府信息主动公开制度", "2018-03-01"), "第一条……"),
            with_text(
                doc("田园镇政务公开制度汇编", "2019-05-01"),
                "一、保密审查制度……二、责任 追究制度……三、群众举报处理制度……四、政策解读制度……五、文件公开属性认定制度……",
            ),
        ],
    ));
    u.columns.push(column(
        "依申请公开",
        ColumnState::List,
        vec![with_text(
            doc("田园镇政府信息依申请公开办法", "2017-01-01"),
            "第一条……",
        )],
    ));
    u
}

#[test]
fn the_six_systems_count_by_title_or_text_of_their_own_column_of_any_year() {
    let f = run_text(&with_systems());
    assert!(f.iter().all(|f| f.section == Section::Bonus), "{f:#?}");

    // Two systems not named anywhere in the column: 0.5 each, the column's documents shown
    // with what the other parts saw in them (the compilation's text around the words).
    let mut u = with_systems();
    let col = column_mut(&mut u, "政府信息公开制度");
    col.documents[1].text = Some("一、保密审查制度……二、责任追究制度……三、举报制度……".into());
    // Elsewhere does not count (judged in its own column).
    column_mut(&mut u, "工作动态")
        .documents
        .push(doc("田园镇政策解读制度", "2020-02-02"));
    let f = run_text(&u);
    let missing: Vec<_> = f.iter().filter(|f| f.item == 4).collect();
    assert_eq!(missing.len(), 2, "{missing:#?}");
    for (f, key) in missing.iter().zip(["政策解读制度", "公开属性标识制度"]) {
        assert_eq!(
            (f.kind, f.reason, f.points.points(), f.key.as_str()),
            (FindingKind::Deduction, Reason::DocumentMissing, 0.5, key)
        );
        assert!(f.detail.contains("标题或正文"), "{}", f.detail);
        let compilation = f
            .evidence
            .iter()
            .find(|e| e.excerpt.contains("制度汇编"))
            .expect("the compilation is shown");
        assert!(
            compilation.excerpt.contains("责任追究制度（正文：“")
                && compilation.excerpt.contains("2019-05-01")
                && compilation.page_id == Some(42),
            "{compilation:?}"
        );
    }

    // Its text could not be read: the systems it may name are questions, never deductions.
    let mut u = with_systems();
    column_mut(&mut u, "政府信息公开制度").documents[1].text = None;
    let f = run_text(&u);
    let items: Vec<_> = f.iter().filter(|f| f.item == 4).collect();
    assert_eq!(items.len(), 5, "{items:#?}");
    assert!(items.iter().all(|f| f.kind == FindingKind::Question
        && f.reason == Reason::DocumentUnsure
        && f.points.points() == 0.5
        && f.detail.contains("正文未能完整读取")));

    // No column, or an empty one: one deduction of 3, not six.
    for empty in [true, false] {
        let mut u = with_systems();
        if empty {
            let col = column_mut(&mut u, "政府信息公开制度");
            col.documents.clear();
            col.state = ColumnState::Empty;
        } else {
            u.columns.retain(|c| c.name != "政府信息公开制度");
        }
        let f = run_text(&u);
        let items: Vec<_> = f.iter().filter(|f| f.item == 4).collect();
        assert_eq!(items.len(), 1, "{items:#?}");
        assert_eq!(
            (
                items[0].reason,
                items[0].points.points(),
                items[0].key.as_str()
            ),
            (Reason::DocumentMissing, 3.0, "政府信息公开制度")
        );
    }

    // A single-article column is read as one document: its text names the six.
    let mut u = with_systems();
    u.columns.retain(|c| c.name != "政府信息公开制度");
    let mut article = column("政府信息公开制度", ColumnState::Article, Vec::new());
    article.article_text = Some(
        "一、主动公开。二、保密审查。三、责任追究。四、投诉举报。五、政策解读。六、公开属性标识。"
            .into(),
    );
    article.page_dates = find_stamp("2019-06-01").into_iter().collect();
    u.columns.push(article.clone());
    assert!(run_text(&u).iter().all(|f| f.item != 4));
    article.article_text = Some("一、主动公开。二、保密审查。".into());
    *column_mut(&mut u, "政府信息公开制度") = article;
    let f = run_text(&u);
    assert_eq!(f.iter().filter(|f| f.item == 4).count(), 4, "{f:#?}");
}

#[test]
fn the_application_system_shows_by_title_or_text_never_by_an_attachment_name() {
    // By text only.
    let mut u = with_systems();
    column_mut(&mut u, "依申请公开").documents = vec![with_text(
        doc("关于做好政府信息公开申请工作的通知", "2020-03-03"),
        "现将依申请公开办理流程明确如下……",
    )];
    assert!(run_text(&u).iter().all(|f| f.item != 27));
    // A 办法 only as an attachment (its name is in neither title nor text): 2 of the 4.
    let mut u = with_systems();
    let mut form = with_text(doc("政府信息公开申请表", "2020-03-03"), "请下载附件。");
    form.attachments = Some(vec![gongkai::extract::detail::AttachmentLink {
        url: url("/files/1.docx"),
        name: "依申请公开办法.docx".into(),
    }]);
    column_mut(&mut u, "依申请公开").documents = vec![form];
    let f = run_text(&u);
    let f = f.iter().find(|f| f.item == 27).unwrap();
    assert_eq!(
        (f.kind, f.reason, f.points.points(), f.key.as_str()),
        (
            FindingKind::Deduction,
            Reason::DocumentMissing,
            2.0,
            "依申请公开制度"
        )
    );
    assert!(
        f.evidence.iter().any(|e| e.excerpt.contains("申请表")),
        "{f:#?}"
    );
    // Its page could not be read: a question.
    let mut u = with_systems();
    column_mut(&mut u, "依申请公开").documents[0] = doc("政府信息公开申请须知", "2020-03-03");
    let f = run_text(&u);
    let f = f.iter().find(|f| f.item == 27).unwrap();
    assert_eq!(
        (f.kind, f.reason),
        (FindingKind::Question, Reason::DocumentUnsure)
    );
}

#[test]
fn vivid_interpretations_of_the_year_are_bonus_suggestions_one_per_document() {
    let mut u = with_systems();
    let jd = column_mut(&mut u, "政策解读");
    jd.documents
        .push(doc("图解：田园镇惠农政策解读", "2020-09-01"));
    jd.documents
        .push(doc("一图读懂：2019年危房改造政策", "2019-09-01"));
    // Not a 政策解读 document: a news of a video conference does not count.
    column_mut(&mut u, "工作动态")
        .documents
        .push(doc("田园镇召开视频会议", "2020-05-05"));
    let f = run_text(&u);
    let bonus: Vec<_> = f.iter().filter(|f| f.section == Section::Bonus).collect();
    assert_eq!(bonus.len(), 2, "{bonus:#?}");
    for b in &bonus {
        assert_eq!(
            (b.item, b.kind, b.reason, b.points.points()),
            (3, FindingKind::Question, Reason::DocumentBonus, 0.5)
        );
        assert_eq!(b.evidence.len(), 1);
        assert_eq!(b.key, url(&b.key).path());
        assert!(b.detail.contains("人工判断"), "{}", b.detail);
    }
    assert!(bonus.iter().any(|b| b.evidence[0].excerpt.contains("图解")));
}
