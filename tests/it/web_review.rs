//! Deciding fast in the review UI: the county-wide list of findings (filters, pages, bulk
//! decisions with one log line each), and the next open draft after each decision.

use crate::support::web_common::*;

fn ids_on(page: &str) -> Vec<String> {
    regex::Regex::new(r#"name="ids" value="(\d+)""#)
        .unwrap()
        .captures_iter(page)
        .map(|c| c[1].to_string())
        .collect()
}

fn version_of(page: &str, id: &str) -> String {
    regex::Regex::new(&format!(r#"name="v_{id}" value="(\d+)""#))
        .unwrap()
        .captures(page)
        .unwrap()[1]
        .to_string()
}

#[tokio::test]
async fn the_list_filters_and_bulk_decisions_log_each() {
    let app = spawn().await;
    let a = Client::login(&app.base, "审核员甲", PASSWORD).await;
    let all = a.text("/findings").await;
    let open = ids_on(&all);
    assert!(open.len() >= 3, "{all}");
    // No internal codes on the page: problems in Chinese.
    assert!(all.contains(">未编制公开指南<"), "{all}");
    // The page names the rubric this server scores by.
    assert!(all.contains("评分依据：昌宁县2020年度考核（") && all.contains("昌政办发〔2020〕56号"));
    let visible = regex::Regex::new(r"<[^>]*>")
        .unwrap()
        .replace_all(&all, " ");
    assert!(!visible.contains("guide_"), "{visible}");
    // Filter by unit.
    let mine = a
        .text(&format!(
            "/findings?unit={}",
            gongkai::util::percent_encode_segment("大田坝镇")
        ))
        .await;
    let theirs = ids_on(&mine);
    assert!(!theirs.is_empty() && theirs.len() < open.len(), "{mine}");
    assert!(!mine.contains("<td>田园镇</td>"), "{mine}");
    // By item.
    let seven = a.text("/findings?item=7").await;
    assert!(seven.contains("第7项"), "{seven}");
    assert!(!seven.contains("第17项"), "{seven}");

    // Bulk confirm two, while another auditor decided one of them first: one is confirmed, the
    // other reported and left as the other auditor decided it.
    let (x, y) = (&open[0], &open[1]);
    let b = Client::login(&app.base, "审核员乙", PASSWORD).await;
    let page_y = b.text(&format!("/findings/{y}")).await;
    let res = b
        .post(
            &format!("/findings/{y}/decide"),
            &[
                ("csrf", &csrf_of(&page_y)),
                ("version", "0"),
                ("action", "reject"),
                ("note", "重复"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = a
        .post(
            "/findings/bulk",
            &[
                ("csrf", &csrf_of(&all)),
                ("back", "/findings?status=open"),
                ("action", "confirm"),
                ("ids", x),
                (&format!("v_{x}"), &version_of(&all, x)),
                ("ids", y),
                (&format!("v_{y}"), &version_of(&all, y)),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/findings?status=open&done="), "{to}");
    let after = a.text(&to).await;
    assert!(
        after.contains("已确认 1 条") && after.contains("已被他人处理"),
        "{after}"
    );
    assert!(
        !ids_on(&after).contains(x),
        "decided drafts leave the open list"
    );
    let fx = app
        .store
        .finding(x.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let log = app.store.audit_log(PORTAL, &fx.unit, None).await.unwrap();
    assert_eq!(
        log.iter()
            .filter(|l| l.action == "confirm" && l.actor == "审核员甲")
            .count(),
        1
    );

    // A bulk reject needs a reason; viewers cannot decide.
    let res = a
        .post(
            "/findings/bulk",
            &[
                ("csrf", &csrf_of(&all)),
                ("action", "reject"),
                ("ids", &open[2]),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
    let v = Client::login(&app.base, "观察员", PASSWORD).await;
    let vp = v.text("/findings").await;
    assert!(ids_on(&vp).is_empty(), "no checkboxes for viewers");
    let res = v
        .post(
            "/findings/bulk",
            &[
                ("csrf", &csrf_of(&vp)),
                ("action", "confirm"),
                ("ids", &open[2]),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn after_a_decision_the_next_open_draft_opens() {
    let app = spawn().await;
    let a = Client::login(&app.base, "审核员甲", PASSWORD).await;
    let first = finding_id(&app.store, app.run_id, UNIT, 7).await;
    let page = a.text(&format!("/findings/{first}")).await;
    let res = a
        .post(
            &format!("/findings/{first}/decide"),
            &[
                ("csrf", &csrf_of(&page)),
                ("version", "0"),
                ("action", "confirm"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert!(
        to.starts_with("/findings/") && to.contains("?done="),
        "{to}"
    );
    assert!(!to.starts_with(&format!("/findings/{first}?")), "{to}");
    let next = a.text(&to).await;
    assert!(next.contains("id=\"message\""), "{next}");
    assert!(next.contains("已确认"), "{next}");
    // Deciding every open draft in turn ends on the list, saying all are decided.
    let mut to = to;
    let version_re = regex::Regex::new(r#"name="version" value="(\d+)""#).unwrap();
    for _ in 0..50 {
        let id: String = to["/findings/".len()..]
            .split('?')
            .next()
            .unwrap()
            .to_string();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
            break;
        }
        let page = a.text(&to).await;
        let version = version_re.captures(&page).unwrap()[1].to_string();
        let res = a
            .post(
                &format!("/findings/{id}/decide"),
                &[
                    ("csrf", &csrf_of(&page)),
                    ("version", &version),
                    ("action", "reject"),
                    ("note", "测试"),
                ],
            )
            .await;
        assert_eq!(res.status(), 303);
        to = res.headers()["location"].to_str().unwrap().to_string();
    }
    assert!(to.starts_with("/findings?status=all&done="), "{to}");
    let end = a.text(&to).await;
    assert!(end.contains("全部发现均已审核"), "{end}");
}

#[tokio::test]
async fn a_stored_pdf_shows_its_verdict_and_first_page_text_inline() {
    use gongkai::store::{PageKind, PageRecord};
    let app = spawn().await;
    let a = Client::login(&app.base, "审核员甲", PASSWORD).await;
    for (prefix, says) in [("01", "有公开属性标识"), ("02", "均未找到公开属性标识")]
    {
        let (_, bytes) = crate::support::pdf_common::kit_file(prefix);
        let id = app
            .store
            .record_page(
                app.run_id,
                &PageRecord {
                    url: format!("http://portal.example/download.jsp?id={prefix}"),
                    kind: Some(PageKind::Attachment),
                    unit: Some(UNIT.into()),
                    status: 200,
                    content_type: Some("application/octet-stream".into()),
                    body: Some(bytes.into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let page = a.text(&format!("/evidence/{id}")).await;
        assert!(page.contains("id=\"pdf-verdict\""), "{page}");
        assert!(page.contains(says), "{prefix}: {page}");
        assert!(
            page.contains("id=\"pdf-page-1\""),
            "first page text inline: {page}"
        );
        assert!(page.contains("id=\"pdf-link\""), "{page}");
    }
}

#[tokio::test]
async fn the_indicators_page_shows_each_verdict_and_the_days_availability() {
    use chrono::{Duration, TimeZone, Utc};
    use gongkai::indicators::judge::{DatedItem, ProbeRecord};
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = gongkai::config::PortalConfig::load(&root.join("selectors/fixture.toml")).unwrap();
    let portal = config.portal.name.clone();
    let app = spawn_configured(move |c| c.portal = Some(config)).await;
    // A week of 20 probes a day; on 11-28 two fail (10 %), else all answer. 2 of 140 = 1.4 %.
    let start = Utc.with_ymd_and_hms(2020, 11, 23, 16, 0, 0).unwrap(); // 11-24 00:00 Beijing
    for i in 0..140 {
        let at = start + Duration::minutes(72 * i);
        let failed = (80..82).contains(&i);
        let p = ProbeRecord {
            url: "http://portal.example/".into(),
            at,
            ok: !failed,
            ms: if failed { 15_000 } else { 120 },
            status: (!failed).then_some(200),
            error: failed.then(|| "<script>超时</script>".into()),
            items: 10,
            dated_items: 10,
            newest: Some(DatedItem {
                date: chrono::NaiveDate::from_ymd_opt(2020, 11, 27).unwrap(),
                title: "县政府召开常务会议".into(),
                url: "http://portal.example/info/1.htm".into(),
            }),
        };
        app.store.record_probe(&portal, &p).await.unwrap();
    }
    let a = Client::login(&app.base, "审核员甲", PASSWORD).await;
    let day = chrono::NaiveDate::from_ymd_opt(2020, 11, 30).unwrap();
    // Reading the page writes nothing: the day is not judged yet.
    let page = a.text("/indicators?date=2020-11-30").await;
    assert!(page.contains("2020-11-30 尚未判断"), "{page}");
    assert!(app.store.verdicts(&portal, day).await.unwrap().is_empty());
    // A viewer may not judge; an auditor may.
    let v = Client::login(&app.base, "观察员", PASSWORD).await;
    let vpage = v.text("/indicators?date=2020-11-30").await;
    assert!(!vpage.contains("/indicators/judge"), "{vpage}");
    let res = v
        .post(
            "/indicators/judge",
            &[("csrf", &csrf_of(&vpage)), ("date", "2020-11-30")],
        )
        .await;
    assert_eq!(res.status(), 403);
    let csrf = csrf_of(&page);
    let res = a
        .post(
            "/indicators/judge",
            &[("csrf", &csrf), ("date", "2020-11-30")],
        )
        .await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    assert!(!app.store.verdicts(&portal, day).await.unwrap().is_empty());
    let page = a.text("/indicators?date=2020-11-30").await;
    assert!(page.contains("站点无法访问"), "{page}");
    assert!(page.contains("待审核，结论未定"), "{page}");
    assert!(page.contains("<svg class=\"availability\""), "{page}");
    assert!(
        page.contains("11-28：探测 20 次，失败 2 次（10.0%）"),
        "{page}"
    );
    assert!(
        page.contains("11-27：探测 20 次，失败 0 次（0.0%）"),
        "{page}"
    );
    // The day over the threshold is red, the others green.
    assert_eq!(page.matches("fill=\"#a00\"").count(), 1, "{page}");
    assert!(!page.contains("<script>超时"), "probe errors are escaped");

    // The auditor decides: no crawl up to the day, so 互动回应差 is a question; deciding it (or
    // changing a machine verdict) needs a note.
    let res = a
        .post(
            "/indicators/decide",
            &[
                ("csrf", &csrf),
                ("date", "2020-11-30"),
                ("code", "interaction_poor"),
                ("scope", "site"),
                ("verdict", "pass"),
                ("note", "  "),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("请写明依据"));
    let res = a
        .post(
            "/indicators/decide",
            &[
                ("csrf", &csrf),
                ("date", "2020-11-30"),
                ("code", "interaction_poor"),
                ("scope", "site"),
                ("verdict", "pass"),
                ("note", "人工查看<b>留言板</b>：均已按时答复"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let page = a.text(res.headers()["location"].to_str().unwrap()).await;
    assert!(page.contains("已审核：互动回应差，未触发。"), "{page}");
    assert!(
        page.contains("审核为“未触发”：人工查看&lt;b&gt;留言板&lt;/b&gt;"),
        "{page}"
    );
    let decisions = app.store.indicator_decisions(&portal, day).await.unwrap();
    assert_eq!(decisions.len(), 1);
    assert_eq!(
        decisions[0].2.machine_verdict,
        gongkai::indicators::Verdict::Question
    );
    assert_eq!(decisions[0].2.by, "审核员甲");
    // Judged again, the decision stays.
    a.post(
        "/indicators/judge",
        &[("csrf", &csrf), ("date", "2020-11-30")],
    )
    .await;
    let report = gongkai::indicators::day::stored(&app.store, &portal, day)
        .await
        .unwrap()
        .unwrap();
    let board = report
        .indicators
        .iter()
        .find(|i| i.code == "interaction_poor")
        .unwrap();
    assert_eq!(board.decided(), gongkai::indicators::Verdict::Pass);
    let log = app.store.audit_log(&portal, "", None).await.unwrap();
    assert!(
        log.iter().any(|l| l.action == "indicator_decide"
            && l.subject == "2020-11-30 interaction_poor"
            && l.before_state == "question"
            && l.after_state == "pass"),
        "{log:?}"
    );
}

#[tokio::test]
async fn indicators_are_decided_in_bulk_each_with_its_log_line() {
    use chrono::{Duration, TimeZone, Utc};
    use gongkai::indicators::judge::{DatedItem, ProbeRecord};
    use gongkai::indicators::Verdict;
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = gongkai::config::PortalConfig::load(&root.join("selectors/fixture.toml")).unwrap();
    let portal = config.portal.name.clone();
    let app = spawn_configured(move |c| c.portal = Some(config)).await;
    let start = Utc.with_ymd_and_hms(2020, 11, 23, 16, 0, 0).unwrap();
    for i in 0..140 {
        let p = ProbeRecord {
            url: "http://portal.example/".into(),
            at: start + Duration::minutes(72 * i),
            ok: true,
            ms: 120,
            status: Some(200),
            error: None,
            items: 10,
            dated_items: 10,
            newest: Some(DatedItem {
                date: chrono::NaiveDate::from_ymd_opt(2020, 11, 27).unwrap(),
                title: "县政府召开常务会议".into(),
                url: "http://portal.example/info/1.htm".into(),
            }),
        };
        app.store.record_probe(&portal, &p).await.unwrap();
    }
    let day = chrono::NaiveDate::from_ymd_opt(2020, 11, 30).unwrap();
    let a = Client::login(&app.base, "审核员甲", PASSWORD).await;
    let page = a.text("/indicators?date=2020-11-30").await;
    let res = a
        .post(
            "/indicators/judge",
            &[("csrf", &csrf_of(&page)), ("date", "2020-11-30")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let verdict_of = |report: &gongkai::indicators::DayReport, code: &str| {
        report
            .indicators
            .iter()
            .find(|i| i.code == code && i.scope == "site")
            .unwrap()
            .verdict
    };
    let report = gongkai::indicators::day::stored(&app.store, &portal, day)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(verdict_of(&report, "site_unreachable"), Verdict::Pass);
    assert_eq!(verdict_of(&report, "interaction_poor"), Verdict::Question);

    // The list has a box per indicator for an auditor, none for a viewer.
    let page = a.text("/indicators?date=2020-11-30").await;
    assert!(
        page.contains("value=\"site_unreachable:pass:site\""),
        "{page}"
    );
    assert!(
        page.contains("value=\"interaction_poor:question:site\""),
        "{page}"
    );
    let v = Client::login(&app.base, "观察员", PASSWORD).await;
    let vpage = v.text("/indicators?date=2020-11-30").await;
    assert!(
        vpage.contains("指标一览") && !vpage.contains("name=\"pick\""),
        "{vpage}"
    );
    let res = v
        .post(
            "/indicators/bulk",
            &[
                ("csrf", &csrf_of(&vpage)),
                ("date", "2020-11-30"),
                ("action", "accept"),
                ("pick", "site_unreachable:pass:site"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    let csrf = csrf_of(&page);

    // Accepting the machine's verdicts: the pass is decided (once, though ticked twice); the question is left and
    // named, and so is one whose verdict the auditor saw differently (judged again since).
    let res = a
        .post(
            "/indicators/bulk",
            &[
                ("csrf", csrf.as_str()),
                ("date", "2020-11-30"),
                ("action", "accept"),
                ("pick", "site_unreachable:pass:site"),
                ("pick", "site_unreachable:pass:site"),
                ("pick", "interaction_poor:question:site"),
                ("pick", "broken_links:deduct:site"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let page = a.text(res.headers()["location"].to_str().unwrap()).await;
    assert!(
        page.contains("已审核 1 项（采纳机器结论）。未审核 2 项："),
        "{page}"
    );
    assert!(
        page.contains("互动回应差：待人工判断，须逐项审核"),
        "{page}"
    );
    assert!(
        page.contains("链接可用性：机器结论已变为“待人工判断”"),
        "{page}"
    );
    let decisions = app.store.indicator_decisions(&portal, day).await.unwrap();
    let decided: Vec<(&str, Verdict)> = decisions.iter().map(|(c, _, d)| (*c, d.verdict)).collect();
    assert_eq!(decided, [("site_unreachable", Verdict::Pass)]);

    // 审核为未触发 changes the question's verdict: a note is needed, then it is decided.
    let pass = |note: &'static str| {
        [
            ("csrf", csrf.clone()),
            ("date", "2020-11-30".to_string()),
            ("action", "pass".to_string()),
            ("pick", "interaction_poor:question:site".to_string()),
            ("note", note.to_string()),
        ]
    };
    let form = pass(" ");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = a.post("/indicators/bulk", &form).await;
    assert_eq!(res.status(), 400);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("互动回应差：改变机器结论或判断待核查的指标时，请写明依据。"));
    let form = pass("留言板人工查看：均已按时答复");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = a.post("/indicators/bulk", &form).await;
    assert_eq!(res.status(), 303);
    let res = a
        .post(
            "/indicators/bulk",
            &[
                ("csrf", csrf.as_str()),
                ("date", "2020-11-30"),
                ("action", "accept"),
            ],
        )
        .await;
    assert_eq!(res.status(), 400, "nothing ticked");

    // An auditor's own verdict is not replaced in bulk; a pick no longer judged is named; a
    // pick that cannot be read is refused, and so is a form without the session's token.
    let res = a
        .post(
            "/indicators/decide",
            &[
                ("csrf", csrf.as_str()),
                ("date", "2020-11-30"),
                ("code", "site_unreachable"),
                ("scope", "site"),
                ("verdict", "veto"),
                ("note", "人工复测：首页多次无法打开"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = a
        .post(
            "/indicators/bulk",
            &[
                ("csrf", csrf.as_str()),
                ("date", "2020-11-30"),
                ("action", "accept"),
                ("pick", "site_unreachable:pass:site"),
                ("pick", "columns_not_updated:pass:不存在的单位"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let page = a.text(res.headers()["location"].to_str().unwrap()).await;
    assert!(
        page.contains("已审核 0 项（采纳机器结论）。未审核 2 项："),
        "{page}"
    );
    assert!(
        page.contains("站点无法访问：已由 审核员甲 审核为“单项否决”，须逐项修改"),
        "{page}"
    );
    assert!(
        page.contains("不存在的单位：该指标在重新判断后已不存在"),
        "{page}"
    );
    for pick in ["x", "site_unreachable::", ":pass:site"] {
        let res = a
            .post(
                "/indicators/bulk",
                &[
                    ("csrf", csrf.as_str()),
                    ("date", "2020-11-30"),
                    ("action", "accept"),
                    ("pick", pick),
                ],
            )
            .await;
        assert_eq!(res.status(), 400, "{pick}");
    }
    let res = a
        .post(
            "/indicators/bulk",
            &[
                ("csrf", "forged"),
                ("date", "2020-11-30"),
                ("action", "accept"),
                ("pick", "interaction_poor:question:site"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);

    let report = gongkai::indicators::day::stored(&app.store, &portal, day)
        .await
        .unwrap()
        .unwrap();
    let board = report
        .indicators
        .iter()
        .find(|i| i.code == "interaction_poor")
        .unwrap();
    assert_eq!(board.decided(), Verdict::Pass);
    // One audit-log line per decision.
    let log = app.store.audit_log(&portal, "", None).await.unwrap();
    let lines: Vec<&str> = log
        .iter()
        .filter(|l| l.action == "indicator_decide")
        .map(|l| l.subject.as_str())
        .collect();
    assert_eq!(lines.len(), 3, "{log:?}");
    assert!(lines.contains(&"2020-11-30 interaction_poor"), "{lines:?}");
}
