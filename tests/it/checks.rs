//! The checks on hand-made snapshots: the rubric readings both ways, caps, and the cases a
//! machine must leave to the auditor.

use std::path::Path;

use chrono::NaiveDate;
use gongkai::checks::{run_all, CheckContext};
use gongkai::config::{DayCount, PortalConfig};
use gongkai::extract::dates::{find_stamp, Stamp};
use gongkai::extract::detail::AttachmentLink;
use gongkai::model::{Centi, FetchFailure, Finding, FindingKind, PageFailure, Reason, Section};
use gongkai::pdf::{Attribute, PdfCheck, PdfQuestion, Verdict};
use gongkai::rubric::{Deductions, DelayStep, Rubric, RubricCheck};
use gongkai::snapshot::*;
use url::Url;

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

fn stamp(s: &str) -> Stamp {
    find_stamp(s).unwrap()
}

fn unit(config: &PortalConfig, name: &str) -> UnitSnapshot {
    UnitSnapshot {
        unit: config.unit(name).unwrap().clone(),
        landing_url: url("/bmym/x/zfxxgkpt.htm"),
        landing_error: None,
        columns: Vec::new(),
        messages: Vec::new(),
        sample: Vec::new(),
        policy_documents_in_year: 0,
        board_problems: Vec::new(),
    }
}

fn column(name: &str, code: &str, state: ColumnState) -> ColumnSnapshot {
    ColumnSnapshot {
        name: name.into(),
        code: code.into(),
        url: url(&format!("/bmym/x/zfxxgkpt/{code}.htm")),
        path: vec![name.into()],
        state,
        documents: Vec::new(),
        article_text: None,
        page_dates: Vec::new(),
        empty_notice: None,
        pages: 1,
        page_id: None,
        problems: Vec::new(),
        impossible_dates: Vec::new(),
        ignored: Vec::new(),
        attachments: Vec::new(),
    }
}

fn doc(title: &str, date: &str) -> DocumentSnapshot {
    DocumentSnapshot {
        url: url(&format!("/info/1/{}.htm", title.len())),
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

const GOOD_GUIDE: &str = "公开范围：机构职能。公开渠道：门户网站。公开时限：20个工作日内。依申请公开受理答复。信息查询方式：检索。公开机构名称：办公室；办公地址：右甸路；邮政编码：678100；联系电话：7121234；传真号码：7121235。投诉方式：向县政府办投诉。";

/// A unit that passes every check.
fn clean(config: &PortalConfig, name: &str) -> UnitSnapshot {
    let mut u = unit(config, name);
    let mut guide = column("政府信息公开指南", "gkzn", ColumnState::Article);
    guide.article_text = Some(GOOD_GUIDE.into());
    guide.page_dates = vec![stamp("2020-02-21")];
    let mut finance = column("财政预决算", "czyjs", ColumnState::List);
    finance.documents = vec![
        doc("昌宁县X2020年部门预算公开", "2020-03-01"),
        doc("昌宁县X2019年部门决算公开", "2020-08-01"),
        doc("2020年“三公”经费预算", "2020-03-01"),
        doc("2019年度部门整体支出绩效自评报告", "2020-05-01"),
    ];
    u.columns = vec![guide, finance];
    u.columns.extend(published(name));
    u.sample = vec![sampled(
        0,
        verdict(Verdict::Marked, Some(Attribute::PublicRelease)),
    )];
    u.policy_documents_in_year = 1;
    u
}

/// What the `documents` items want of a unit (after the guide and finance columns): the
/// meeting, the plan, the 落实情况 and the topic news, the 年报, the 建议提案 replies, the
/// information columns, a policy document and a 解读 of 六稳六保.
fn published(name: &str) -> Vec<ColumnSnapshot> {
    let list = |col: &str, code: &str, docs: &[(&str, &str)]| {
        let mut c = column(col, code, ColumnState::List);
        c.documents = docs
            .iter()
            .enumerate()
            .map(|(i, (t, d))| {
                let mut d = doc(t, d);
                d.url = url(&format!("/info/{code}/{i}.htm"));
                d
            })
            .collect();
        c
    };
    let article = |col: &str, code: &str| {
        let mut c = column(col, code, ColumnState::Article);
        c.article_text = Some(format!("{name}{col}：……"));
        c.page_dates = vec![stamp("2020-04-01")];
        c
    };
    vec![
        list(
            "工作动态",
            "gzdt",
            &[
                ("召开2020年政务公开工作推进会", "2020-04-10"),
                ("印发2020年政务公开工作要点", "2020-03-10"),
                ("2019年政务公开工作要点落实情况", "2020-01-15"),
                ("2020年人民政府工作报告", "2020-03-20"),
                ("做好新冠肺炎疫情常态化防控工作", "2020-05-10"),
                ("全力做好“六稳”工作 落实“六保”任务", "2020-06-10"),
                ("全面推行行政执法三项制度", "2020-07-10"),
                ("2020年政府采购意向公开", "2020-07-20"),
                ("重大建设项目批准和实施信息公开", "2020-08-10"),
                ("开展困难群众救助帮扶工作", "2020-09-10"),
            ],
        ),
        list(
            "政府信息公开年报",
            "ndbg",
            &[("2019年政府信息公开工作年度报告", "2020-01-20")],
        ),
        list(
            "建议提案办理",
            "jyta",
            &[("关于县人大代表第12号建议办理情况的答复", "2020-07-01")],
        ),
        list(
            "政策文件",
            "zcwj",
            &[("关于印发优化营商环境工作措施的通知", "2020-06-01")],
        ),
        list(
            "政策解读",
            "zcjd",
            &[("关于“六稳”“六保”有关政策的解读", "2020-06-15")],
        ),
        article("乡镇概况", "xzgk"),
        article("领导信息", "ldxx"),
        article("机构职能", "jgzn"),
        article("权责清单", "qzqd"),
        article("公共服务事项清单", "ggfw"),
        article("政务公开事项标准目录", "bzml"),
        // Item 4 / 4: one compilation naming the six systems in its text, of an earlier year.
        {
            let mut c = list(
                "政府信息公开制度",
                "gkzd",
                &[("政府信息公开工作制度汇编", "2018-05-10")],
            );
            c.documents[0].text = Some(
                "一、政府信息主动公开制度 二、保密审查制度 三、责任追究制度 四、投诉举报制度 \
                 五、政策解读制度 六、文件公开属性标识制度"
                    .into(),
            );
            c
        },
        // Item 27 / 26: the 依申请公开 column shows how to apply.
        list(
            "依申请公开",
            "ysqgk",
            &[("政府信息依申请公开办理流程", "2019-03-01")],
        ),
    ]
}

/// The checks' findings but the 信息发布量 question every unit gets (`publication_count`).
fn run(config: &PortalConfig, u: &UnitSnapshot) -> Vec<Finding> {
    let mut f = run_with(config, &Rubric::bundled_2020(), u);
    f.retain(|f| f.reason != Reason::PublicationCount);
    f
}

fn run_with(config: &PortalConfig, rubric: &Rubric, u: &UnitSnapshot) -> Vec<Finding> {
    let ctx = CheckContext {
        config,
        rubric,
        as_of: NaiveDate::from_ymd_opt(2020, 12, 15).unwrap(),
        publications: None,
    };
    run_all(&ctx, u)
}

fn points(findings: &[Finding], reason: Reason) -> Option<f64> {
    findings
        .iter()
        .find(|f| f.reason == reason)
        .map(|f| f.points.points())
}

#[test]
fn a_clean_unit_has_no_finding() {
    let c = config();
    for name in ["发改局", "田园镇"] {
        let u = clean(&c, name);
        assert_eq!(run(&c, &u), vec![]);
        // But the 信息发布量 question, without points.
        let all = run_with(&c, &Rubric::bundled_2020(), &u);
        let reasons: Vec<_> = all.iter().map(|f| (f.reason, f.points.points())).collect();
        assert_eq!(reasons, [(Reason::PublicationCount, 0.0)], "{name}");
    }
}

#[test]
fn guide_item_is_capped_at_five() {
    let c = config();
    let mut u = clean(&c, "发改局");
    u.columns[0].article_text = Some("本机关信息由办公室负责。".into());
    u.columns[0].page_dates = vec![stamp("2019-03-01")];
    let f = run(&c, &u);
    let total: f64 = f
        .iter()
        .filter(|f| f.item == 7)
        .map(|f| f.points.points())
        .sum();
    assert_eq!(total, 5.0, "{f:#?}");
}

#[test]
fn guide_with_synonyms_only_is_complete_and_a_missing_date_is_a_question() {
    let c = config();
    let mut u = clean(&c, "发改局");
    u.columns[0].article_text = Some("主动公开的政府信息包括政策文件。公开方式：网站。自形成之日起20个工作日内公开。依申请公开的受理。可通过网站查询。受理机构：办公室。地址：某路。邮编：678100。电话：123。传真：456。监督方式：投诉举报。".into());
    u.columns[0].page_dates.clear();
    let f = run(&c, &u);
    assert_eq!(points(&f, Reason::GuideElementsMissing), None, "{f:#?}");
    let q = f
        .iter()
        .find(|f| f.reason == Reason::GuideDateUnknown)
        .unwrap();
    assert_eq!((q.kind, q.points), (FindingKind::Question, Centi::ZERO));
}

#[test]
fn finance_parts_count_only_documents_of_the_year() {
    let c = config();
    let mut u = clean(&c, "发改局");
    // The performance report moved to 2019: missing for 2020.
    u.columns[1].documents[3].published = find_stamp("2019-05-01");
    // The final accounts of 2018 are not those of 2019.
    u.columns[1].documents[1].title = "2018年部门决算公开".into();
    let f = run(&c, &u);
    assert_eq!(points(&f, Reason::PerformanceMissing), Some(1.0));
    assert_eq!(points(&f, Reason::BudgetMissing), Some(1.0));
    assert_eq!(points(&f, Reason::SangongMissing), None);
    assert_eq!(f[0].item, 9, "departments: item 9");
}

#[test]
fn a_combined_budget_and_sangong_document_counts_for_both_but_sangong_alone_does_not() {
    let c = config();
    let mut u = clean(&c, "发改局");
    u.columns[1].documents = vec![
        doc("昌宁县X2020年部门预算及“三公”经费预算公开", "2020-03-01"),
        doc("昌宁县X2019年“三公”经费决算", "2020-08-01"),
        doc("2019年度部门整体支出绩效自评报告", "2020-05-01"),
    ];
    let f = run(&c, &u);
    let budget = f
        .iter()
        .find(|f| f.reason == Reason::BudgetMissing)
        .unwrap();
    assert!(budget.detail.contains("2019年决算"), "{}", budget.detail);
    assert!(!budget.detail.contains("2020年预算"), "{}", budget.detail);
    assert_eq!(points(&f, Reason::SangongMissing), None);
}

#[test]
fn a_cut_title_or_an_unread_column_makes_finance_a_question() {
    let c = config();
    let mut u = clean(&c, "田园镇");
    u.columns[1].documents.retain(|d| !d.title.contains("三公"));
    let mut cut = doc("关于公开2020年…", "2020-04-01");
    cut.title_cut = true;
    u.columns[1].documents.push(cut);
    let f = run(&c, &u);
    let q = f
        .iter()
        .find(|f| f.reason == Reason::SangongUnsure)
        .unwrap();
    assert_eq!((q.kind, q.item), (FindingKind::Question, 10));
    assert_eq!(points(&f, Reason::SangongMissing), None);
}

#[test]
fn empty_columns_list_every_column_and_note_the_veto_at_five() {
    let c = config();
    let mut u = clean(&c, "发改局");
    for i in 0..5 {
        let mut col = column(&format!("栏目{i}"), &format!("c{i}"), ColumnState::Empty);
        col.empty_notice = Some("暂无信息".into());
        u.columns.push(col);
    }
    u.columns.push(column("父栏目", "p", ColumnState::Parent));
    u.columns
        .push(column("打不开的栏目", "dead", ColumnState::Unreachable));
    let f = run(&c, &u);
    let e = f.iter().find(|f| f.reason == Reason::EmptyColumns).unwrap();
    assert_eq!(e.points, Centi(100));
    assert_eq!(e.evidence.len(), 5);
    assert!(e.detail.contains("单项否决"));
    let q = f
        .iter()
        .find(|f| f.reason == Reason::ColumnUnreachable)
        .unwrap();
    assert_eq!(q.kind, FindingKind::Question);
    assert_eq!(q.key, "/bmym/x/zfxxgkpt/dead.htm");
}

fn sampled(i: usize, check: PdfCheck) -> SampledPdf {
    SampledPdf {
        document_url: url(&format!("/info/9/{i}.htm")),
        document_title: format!("文件{i}"),
        published: find_stamp("2020-06-01"),
        attachment: AttachmentLink {
            url: url(&format!("/download.jsp?id={i}")),
            name: format!("文件{i}.pdf"),
        },
        page_id: None,
        outcome: PdfOutcome::Checked(check),
        date_doubt: None,
    }
}

fn verdict(v: Verdict, attr: Option<Attribute>) -> PdfCheck {
    PdfCheck {
        verdict: v,
        marking: attr.map(|a| format!("（此件{}）", a.label())),
        attribute: attr,
        page: Some(1),
        reason: None,
        detail: String::new(),
        pages: 1,
    }
}

#[test]
fn pdf_marking_deducts_unmarked_asks_for_unreadable_and_flags_nondisclosable() {
    let mut c = config();
    c.rules.pdf_sample_size = 12;
    let mut u = clean(&c, "发改局");
    u.sample = (0..11)
        .map(|i| sampled(i, verdict(Verdict::Unmarked, None)))
        .collect();
    u.sample
        .push(sampled(11, PdfCheck::question(PdfQuestion::ImageOnly, 2)));
    u.sample.push(sampled(
        12,
        verdict(Verdict::Marked, Some(Attribute::OnRequest)),
    ));
    u.sample.push(sampled(
        13,
        verdict(Verdict::Marked, Some(Attribute::Active)),
    ));
    let f = run(&c, &u);
    let unmarked: f64 = f
        .iter()
        .filter(|f| f.reason == Reason::PdfUnmarked)
        .map(|f| f.points.points())
        .sum();
    assert_eq!(unmarked, 5.0, "capped at 5");
    assert!(f
        .iter()
        .all(|f| f.reason != Reason::PdfUnmarked || f.item == 15));
    let q = f
        .iter()
        .find(|f| f.reason == Reason::PdfUnreadable)
        .unwrap();
    assert_eq!((q.kind, q.points), (FindingKind::Question, Centi::ZERO));
    let p = f
        .iter()
        .find(|f| f.reason == Reason::PdfNondisclosable)
        .unwrap();
    assert_eq!(
        (p.section, p.item, p.kind, p.points),
        (Section::Penalty, 2, FindingKind::Question, Centi(500))
    );
    assert!(p.key.ends_with("/12.htm"));
}

fn message(submitted: &str, replied: Option<&str>) -> MessageSnapshot {
    MessageSnapshot {
        url: url(&format!("/hdjl/info/{submitted}.htm")),
        title: "咨询".into(),
        unit_raw: "县发改局".into(),
        submitted: stamp(submitted),
        replied: replied.map(stamp),
        status: if replied.is_some() {
            "已回复"
        } else {
            "办理中"
        }
        .into(),
        page_id: None,
        has_reply: replied.is_some(),
    }
}

#[test]
fn replies_take_the_worst_delay_not_the_sum() {
    let c = config();
    let mut u = clean(&c, "发改局");
    u.messages = vec![
        message("2020-03-01", Some("2020-03-04")), // 3 days: on time
        message("2020-04-01", Some("2020-04-05")), // 4: −1
        message("2020-05-01", Some("2020-05-07")), // 6: −2
        message("2019-12-01", Some("2019-12-30")), // last year: ignored
        message("2020-12-16", None),               // after as-of: ignored
    ];
    let f = run(&c, &u);
    let r = f.iter().find(|f| f.reason == Reason::ReplyLate).unwrap();
    assert_eq!((r.points, r.evidence.len(), r.item), (Centi(200), 2, 27));
    u.messages.push(message("2020-12-01", None)); // unanswered: 14 days to as-of
    assert_eq!(points(&run(&c, &u), Reason::ReplyLate), Some(3.0));
}

#[test]
fn an_empty_sample_is_a_question_not_a_pass() {
    let c = config();
    let mut u = clean(&c, "田园镇");
    u.policy_documents_in_year = 3;
    u.sample.clear();
    let f = run(&c, &u);
    let q = f
        .iter()
        .find(|f| f.reason == Reason::PdfSampleEmpty)
        .unwrap();
    assert_eq!(
        (q.kind, q.points, q.item),
        (FindingKind::Question, Centi::ZERO, 17)
    );
}

#[test]
fn a_reply_whose_time_cannot_be_read_is_a_question_not_a_delay() {
    let c = config();
    let mut u = clean(&c, "发改局");
    let mut m = message("2020-11-01", None);
    m.has_reply = true;
    m.status = "已回复".into();
    u.messages = vec![m];
    let f = run(&c, &u);
    assert!(f.iter().all(|f| f.reason != Reason::ReplyLate), "{f:#?}");
    let q = f
        .iter()
        .find(|f| f.reason == Reason::ReplyTimeUnknown)
        .unwrap();
    assert_eq!((q.kind, q.points), (FindingKind::Question, Centi::ZERO));
}

#[test]
fn a_reply_dated_before_its_message_is_a_question_with_both_dates() {
    let c = config();
    let mut u = clean(&c, "发改局");
    u.messages = vec![
        message("2020-06-10", Some("2020-06-01")), // impossible: never "on time"
        message("2020-07-01", Some("2020-07-03")), // fine
    ];
    let f = run(&c, &u);
    assert!(f.iter().all(|f| f.reason != Reason::ReplyLate), "{f:#?}");
    let q = f
        .iter()
        .find(|f| f.reason == Reason::ReplyBeforeSubmission)
        .unwrap();
    assert_eq!(
        (q.kind, q.points, q.item, q.evidence.len()),
        (FindingKind::Question, Centi::ZERO, 27, 1)
    );
    let excerpt = &q.evidence[0].excerpt;
    assert!(
        excerpt.contains("2020-06-10") && excerpt.contains("2020-06-01"),
        "{excerpt}"
    );
    // The other way round: a normal late reply is still a deduction, and no question.
    u.messages = vec![message("2020-06-01", Some("2020-06-10"))];
    let f = run(&c, &u);
    assert!(f.iter().any(|f| f.reason == Reason::ReplyLate));
    assert!(f.iter().all(|f| f.reason != Reason::ReplyBeforeSubmission));
}

#[test]
fn a_reply_after_as_of_counts_only_to_as_of() {
    let c = config();
    let mut u = clean(&c, "发改局");
    // Submitted 10 Dec, answered 20 Dec; as-of 15 Dec: 5 days then, 1 point, not 3.
    u.messages = vec![message("2020-12-10", Some("2020-12-20"))];
    assert_eq!(points(&run(&c, &u), Reason::ReplyLate), Some(1.0));
}

#[test]
fn an_incomplete_board_is_a_question_for_the_auditor() {
    let c = config();
    let mut u = clean(&c, "发改局");
    u.board_problems = vec![PageFailure::Message {
        title: "路灯".into(),
        failure: FetchFailure::Timeout {
            url: "http://x.gov.cn/lyb/1.htm".into(),
        },
    }];
    let f = run(&c, &u);
    let q = f
        .iter()
        .find(|f| f.reason == Reason::ReplyBoardIncomplete)
        .unwrap();
    assert_eq!((q.kind, q.item), (FindingKind::Question, 27));
    assert_eq!(
        q.evidence[0].excerpt,
        "留言《路灯》无法读取：抓取 http://x.gov.cn/lyb/1.htm 失败：请求超时"
    );
}

#[test]
fn board_names_match_without_county_prefix_and_never_guess() {
    let c = config();
    assert_eq!(c.unit_by_alias("昌宁县住建局").unwrap().name, "住建局");
    assert_eq!(c.unit_by_alias(" 县住建局 ").unwrap().name, "住建局");
    assert_eq!(c.unit_by_alias("田园镇人民政府").unwrap().name, "田园镇");
    assert!(c.unit_by_alias("县人民医院").is_none());
}

#[test]
fn working_days_skip_the_national_day_holiday_and_need_a_calendar() {
    let mut c = config();
    c.rules.reply_day_count = DayCount::Working;
    let mut u = clean(&c, "发改局");
    // Submitted Wednesday 30 Sep, answered Friday 9 Oct: 9 calendar days, 1 working day.
    u.messages = vec![message("2020-09-30", Some("2020-10-09"))];
    assert_eq!(run(&c, &u), vec![]);
    // 27 Sep (Sunday) was worked: 26 Sep (Sat) → 30 Sep (Wed) is 4 working days: −1.
    u.messages = vec![message("2020-09-26", Some("2020-09-30"))];
    assert_eq!(points(&run(&c, &u), Reason::ReplyLate), Some(1.0));
    c.rules.calendars.clear();
    let f = run(&c, &u);
    let q = f
        .iter()
        .find(|f| f.reason == Reason::ReplyCalendarMissing)
        .unwrap();
    assert_eq!(q.kind, FindingKind::Question);
    assert!(f.iter().all(|f| f.reason != Reason::ReplyLate));
}

#[test]
fn an_unreadable_unit_is_a_question_on_every_item_it_hides_and_no_deduction() {
    let c = config();
    let sentence_of = |u: &UnitSnapshot| format!("抓取 {} 失败：服务器返回 503", u.landing_url);
    for name in ["田园镇", "发改局"] {
        let mut u = unit(&c, name);
        u.landing_error = Some(PageFailure::Fetch(FetchFailure::Status {
            url: u.landing_url.to_string(),
            status: 503,
        }));
        let f = run(&c, &u);
        assert!(f.iter().all(|f| f.kind == FindingKind::Question), "{f:#?}");
        let mut items: Vec<u32> = f
            .iter()
            .filter(|f| f.reason == Reason::UnitUnreachable)
            .map(|f| f.item)
            .collect();
        items.sort_unstable();
        // Guide, finance, empty columns, PDF marking: 7, 10, 13, 17 (townships), 7, 9, 12, 15;
        // and every `documents` item, 信息发布量 (25 / 24), 制度 (4) and 依申请公开 (27 / 26)
        // included. Not the replies (28 / 27):
        // the message board is read apart from the unit.
        let want = if name == "田园镇" {
            vec![
                2, 3, 4, 5, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 22, 25, 27,
            ]
        } else {
            vec![
                2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 18, 19, 20, 21, 24, 26,
            ]
        };
        assert_eq!(items, want, "{name}: {f:#?}");
        let guide = f.iter().find(|f| f.item == 7).unwrap();
        let sentence = sentence_of(&u);
        assert_eq!(
            guide.detail,
            format!("单位页面无法读取（{sentence}），第7项（按要求编制政府信息公开指南，要素齐备，便…）未能检查，请人工核查。")
        );
        assert_eq!(guide.evidence[0].excerpt, sentence);
    }
}

#[test]
fn an_unreadable_column_is_said_unreadable_never_empty() {
    let c = config();
    let mut u = clean(&c, "田园镇");
    let mut policy = column("政策文件", "zcwj", ColumnState::Unreadable);
    policy.problems.push(PageFailure::Undecodable {
        url: policy.url.to_string(),
        encoding: "UTF-8".into(),
    });
    u.columns.push(policy);
    u.sample.clear();
    u.policy_documents_in_year = 0;
    let f = run(&c, &u);
    assert!(f.iter().all(|f| f.kind == FindingKind::Question), "{f:#?}");
    let col = f
        .iter()
        .find(|f| f.reason == Reason::ColumnUnreadable)
        .unwrap();
    assert!(col.detail.contains("政策文件") && col.detail.contains("无法读取"));
    let sample = f
        .iter()
        .find(|f| f.reason == Reason::PdfSampleUnreadable)
        .expect("the sample says the policy column was unread");
    assert!(sample.detail.contains("政策文件"), "{}", sample.detail);
    assert!(sample.evidence[0].excerpt.contains("乱码"));
    // Not the "0 documents found" question.
    assert!(f.iter().all(|f| f.reason != Reason::PdfSampleEmpty));
    // A policy list whose entries include links that are not documents: the sample says
    // which entries it left out.
    let mut u = clean(&c, "田园镇");
    let mut policy = column("政策文件", "zcwj", ColumnState::List);
    policy.ignored = vec!["公开指南（http://portal.test/bmym/x/zfxxgkpt/gkzn.htm）".into()];
    u.columns.push(policy);
    let f = run(&c, &u);
    let q = f
        .iter()
        .find(|f| f.reason == Reason::PdfSampleUnreadable)
        .unwrap();
    assert!(
        q.evidence[0]
            .excerpt
            .contains("1个条目不是文件页链接，未计入抽查范围（如 公开指南"),
        "{q:#?}"
    );
    // The same column read, and empty: the empty-sample question, no unreadable one.
    let mut u = clean(&c, "田园镇");
    u.columns
        .push(column("政策文件", "zcwj", ColumnState::List));
    u.sample.clear();
    let f = run(&c, &u);
    assert!(f.iter().any(|f| f.reason == Reason::PdfSampleEmpty));
    assert!(f.iter().all(|f| f.reason != Reason::PdfSampleUnreadable));
}

#[test]
fn a_document_date_in_doubt_proves_nothing() {
    let c = config();
    // The budget's only document: list and page disagree. A question, not found, not missing.
    let mut u = clean(&c, "发改局");
    u.columns[1].documents[0].date_doubt = Some(DateDoubt::Disagree {
        list: stamp("2020-03-01"),
        page: stamp("2019-03-01"),
    });
    let f = run(&c, &u);
    assert_eq!(points(&f, Reason::BudgetMissing), None, "{f:#?}");
    let q = f.iter().find(|f| f.reason == Reason::BudgetUnsure).unwrap();
    assert!(
        q.evidence.iter().any(|e| e
            .excerpt
            .contains("列表页日期2020-03-01与文件页日期2019-03-01不一致")),
        "{q:#?}"
    );
    // Without the doubt: nothing at all.
    assert!(run(&c, &clean(&c, "发改局")).is_empty());
}

#[test]
fn an_unmarked_sample_whose_date_is_in_doubt_is_a_question() {
    let c = config();
    let mut u = clean(&c, "田园镇");
    u.sample = vec![sampled(0, verdict(Verdict::Unmarked, None))];
    assert_eq!(points(&run(&c, &u), Reason::PdfUnmarked), Some(0.5));
    u.sample[0].date_doubt = Some(DateDoubt::Impossible {
        written: "2020-02-30".into(),
        place: "列表页".into(),
        other: Some(stamp("2020-02-28")),
    });
    let f = run(&c, &u);
    assert_eq!(points(&f, Reason::PdfUnmarked), None, "{f:#?}");
    let q = f
        .iter()
        .find(|f| f.reason == Reason::PdfDateUnsure)
        .unwrap();
    assert_eq!(q.kind, FindingKind::Question);
    assert!(q
        .detail
        .contains("列表页所写日期“2020-02-30”不存在，另处显示为2020-02-28"));
}

#[test]
fn a_guide_dated_on_a_day_that_does_not_exist_is_a_question() {
    let c = config();
    let mut u = clean(&c, "田园镇");
    u.columns[0].page_dates = vec![stamp("2018-05-01")];
    assert_eq!(points(&run(&c, &u), Reason::GuideOutdated), Some(1.0));
    u.columns[0].impossible_dates = vec!["2020-02-30".into()];
    let f = run(&c, &u);
    assert_eq!(points(&f, Reason::GuideOutdated), None, "{f:#?}");
    let q = f
        .iter()
        .find(|f| f.reason == Reason::GuideDateUnknown)
        .unwrap();
    assert!(q.detail.contains("2020-02-30") && q.detail.contains("2018-05-01"));
    // A real date of the year beside it decides: updated, no question.
    u.columns[0].page_dates = vec![stamp("2020-02-21")];
    assert!(run(&c, &u).is_empty());
}

#[test]
fn a_finance_column_published_as_one_article_counts() {
    let c = config();
    let mut u = clean(&c, "发改局");
    u.columns[1].documents.retain(|d| !d.title.contains("部门"));
    let mut art = column("部门预决算", "czyjs", ColumnState::Article);
    art.article_text = Some("本局2020年部门预算、2019年部门决算已于2020年公开，详见附件。".into());
    art.page_dates = vec![stamp("2020-09-06")];
    u.columns.push(art);
    let f = run(&c, &u);
    assert_eq!(points(&f, Reason::BudgetMissing), None, "{f:#?}");
}

#[test]
fn a_budget_execution_report_is_not_the_budget() {
    let c = config();
    let mut u = clean(&c, "发改局");
    u.columns[1].documents[0].title = "2020年上半年预算执行情况".into();
    assert_eq!(points(&run(&c, &u), Reason::BudgetMissing), Some(1.0));
}

#[test]
fn a_guide_that_points_to_an_attachment_is_a_question() {
    let c = config();
    let mut u = clean(&c, "发改局");
    u.columns[0].article_text = Some("详见附件。".into());
    u.columns[0].attachments = vec![AttachmentLink {
        url: url("/download.jsp?wbfileid=1"),
        name: "政府信息公开指南（2020年修订）.pdf".into(),
    }];
    let f = run(&c, &u);
    assert!(f.iter().all(|f| f.kind == FindingKind::Question), "{f:#?}");
    assert!(f.iter().any(|f| f.reason == Reason::GuideUnreadable));
}

/// Another year's notice in the rubric file: the checks take their item numbers, amounts and
/// caps from it, nothing from code or the portal description.
#[test]
fn item_numbers_amounts_and_caps_come_from_the_rubric() {
    let c = config();
    let mut rubric = Rubric::bundled_2020();
    let items = &mut rubric.department.items;
    let at = |items: &[gongkai::rubric::Item], check| {
        items.iter().position(|i| i.check == Some(check)).unwrap()
    };
    // Finance moves from item 9 (3 points) to item 8 (4 points) at 2 a part.
    let fin = at(items, RubricCheck::Finance);
    items[fin].check = None;
    items[fin].deduct = Deductions::default();
    items[fin - 1].check = Some(RubricCheck::Finance);
    items[fin - 1].deduct = Deductions {
        part_missing: 2.0,
        ..Deductions::default()
    };
    // The guide: 1 a missing element, an outdated guide 2.
    let guide = at(items, RubricCheck::Guide);
    items[guide].deduct.element_missing = 1.0;
    items[guide].deduct.outdated = 2.0;
    // Replies: a single step, over 1 day costs 0.5.
    let replies = at(items, RubricCheck::Replies);
    items[replies].deduct.delay_steps = vec![DelayStep {
        over_days: 1,
        points: 0.5,
    }];
    // The nondisclosable penalty: paragraph 4 at 3 a case.
    let rule = rubric
        .penalty
        .iter_mut()
        .find(|r| r.check == Some(RubricCheck::Nondisclosable))
        .unwrap();
    rule.number = 4;
    rule.points_each = 3.0;

    let mut u = clean(&c, "发改局");
    u.columns[1].documents.clear(); // no finance document at all
    u.columns[0].article_text = Some(GOOD_GUIDE.replace("邮政编码：678100；", ""));
    u.columns[0].page_dates = vec![stamp("2019-03-01")];
    u.messages = vec![message("2020-04-01", Some("2020-04-03"))]; // 2 days
    u.sample = vec![sampled(
        0,
        verdict(Verdict::Marked, Some(Attribute::NotDisclosed)),
    )];
    let f = run_with(&c, &rubric, &u);
    let of = |reason| f.iter().find(|f| f.reason == reason).unwrap();
    let finance: Vec<(u32, f64)> = f
        .iter()
        .filter(|f| {
            matches!(
                f.reason,
                Reason::BudgetMissing | Reason::SangongMissing | Reason::PerformanceMissing
            )
        })
        .map(|f| (f.item, f.points.points()))
        .collect();
    assert_eq!(finance, [(8, 2.0), (8, 2.0)], "capped at item 8's 4 points");
    assert_eq!(
        (
            of(Reason::GuideElementsMissing).item,
            of(Reason::GuideElementsMissing).points
        ),
        (7, Centi(100))
    );
    assert!(of(Reason::GuideElementsMissing)
        .detail
        .contains("每项扣1分"));
    assert_eq!(of(Reason::GuideOutdated).points, Centi(200));
    assert_eq!(
        (of(Reason::ReplyLate).item, of(Reason::ReplyLate).points),
        (27, Centi(50))
    );
    let p = of(Reason::PdfNondisclosable);
    assert_eq!(
        (p.section, p.item, p.points),
        (Section::Penalty, 4, Centi(300))
    );
    assert!(
        p.detail.contains("扣分项目第4项（每起扣3分）"),
        "{}",
        p.detail
    );
    // The bundled rubric, for comparison: the 2020 numbers and amounts.
    let f = run(&c, &u);
    assert_eq!(points(&f, Reason::BudgetMissing), Some(1.0));
    assert_eq!(of_item(&f, Reason::BudgetMissing), 9);
    assert_eq!(points(&f, Reason::PerformanceMissing), Some(1.0));
}

fn of_item(findings: &[Finding], reason: Reason) -> u32 {
    findings.iter().find(|f| f.reason == reason).unwrap().item
}
