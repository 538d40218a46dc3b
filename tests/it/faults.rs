//! The fault suite (issue 11): the same units crawled clean and with one fault planted per
//! unit — unreachable and unrecognised landing pages, a guide in the wrong encoding or with
//! bytes no encoding reads, a date that names no real day, list and page dates that disagree,
//! broken list markup, a page of 100,000 nested elements, a pager claiming 5,000 pages, a
//! message whose dates disagree. Every fault must give no deduction the clean run does not
//! draft, and a question on every item whose reading it touched.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use gongkai::fixture::{Fault, FixtureServer};
use gongkai::model::{Finding, FindingKind, Reason};
use gongkai::store::RunStatus;

use crate::support::crawl_common::{root, run, setup};

/// One unit per fault, and two untouched ones.
const UNITS: [&str; 15] = [
    "漭水镇",
    "翁堵镇",
    "更戛乡",
    "应急管理局",
    "水务局",
    "民政局",
    "统计局",
    "司法局",
    "发改局",
    "鸡飞镇",
    "柯街镇",
    "勐统镇",
    "大田坝镇",
    "工信局",
    "交通局",
];

/// A planted fault: the unit, what it is, and the items that must carry a question of
/// `reason` (empty: the fault must leave the unit's findings as the clean run's).
struct Planted {
    unit: &'static str,
    what: &'static str,
    items: &'static [u32],
    reason: Option<Reason>,
}

const PLANTED: [Planted; 13] = [
    Planted {
        unit: "漭水镇",
        what: "单位页面超时",
        items: &[7, 10, 13, 17],
        reason: Some(Reason::UnitUnreachable),
    },
    Planted {
        unit: "翁堵镇",
        what: "单位页面连接被重置",
        items: &[7, 10, 13, 17],
        reason: Some(Reason::UnitUnreachable),
    },
    Planted {
        unit: "更戛乡",
        what: "单位页面返回503",
        items: &[7, 10, 13, 17],
        reason: Some(Reason::UnitUnreachable),
    },
    Planted {
        unit: "应急管理局",
        what: "单位页面重定向到站外",
        items: &[7, 9, 12, 15],
        reason: Some(Reason::UnitUnreachable),
    },
    Planted {
        unit: "水务局",
        what: "单位页面结构无法识别",
        items: &[7, 9, 12, 15],
        reason: Some(Reason::UnitUnreachable),
    },
    Planted {
        unit: "民政局",
        what: "公开指南为GBK编码却标为UTF-8",
        items: &[],
        reason: None,
    },
    Planted {
        unit: "统计局",
        what: "公开指南含无法解码的字节",
        items: &[7],
        reason: Some(Reason::GuideUnreadable),
    },
    Planted {
        unit: "司法局",
        what: "公开指南更新日期为2020-02-30",
        items: &[7],
        reason: Some(Reason::GuideDateUnknown),
    },
    Planted {
        unit: "发改局",
        what: "抽查文件列表日期与文件页日期不一致",
        items: &[15],
        reason: Some(Reason::PdfDateUnsure),
    },
    Planted {
        unit: "鸡飞镇",
        what: "空白栏目列表未闭合，导航链接混入列表",
        items: &[13],
        reason: Some(Reason::ColumnUnrecognised),
    },
    Planted {
        unit: "柯街镇",
        what: "栏目页面10万层嵌套元素",
        items: &[13],
        reason: Some(Reason::ColumnUnreadable),
    },
    Planted {
        unit: "勐统镇",
        what: "分页声称5000页",
        items: &[10],
        reason: Some(Reason::SangongUnsure),
    },
    Planted {
        unit: "柯街镇",
        what: "留言列表日期与留言页日期不一致",
        items: &[28],
        reason: Some(Reason::ReplyBoardIncomplete),
    },
];

fn disk(path: &str) -> String {
    std::fs::read_to_string(
        root()
            .join("fixtures/portal")
            .join(path.trim_start_matches('/')),
    )
    .unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn html(bytes: Vec<u8>, content_type: &str) -> Fault {
    Fault::Body {
        bytes,
        content_type: content_type.into(),
    }
}

fn plant(server: &FixtureServer) {
    server.set_fault("/bmym/msz/zfxxgkpt.htm", Fault::Hang);
    server.set_fault("/bmym/wdz/zfxxgkpt.htm", Fault::Reset);
    server.set_fault("/bmym/gjx/zfxxgkpt.htm", Fault::Status(503));
    server.set_fault(
        "/bmym/yjglj/zfxxgkpt.htm",
        Fault::Redirect("http://example.com/yjglj.htm".into()),
    );
    let utf8 = "text/html; charset=utf-8";
    server.set_fault(
        "/bmym/swj/zfxxgkpt.htm",
        html(
            b"<html><body><p>\xe7\xbd\x91\xe7\xab\x99\xe6\x94\xb9\xe7\x89\x88\xe4\xb8\xad</p></body></html>".to_vec(),
            utf8,
        ),
    );
    // GBK bytes under a UTF-8 label (header and meta): sniffed, read as the clean page.
    let guide = disk("/bmym/mzj/zfxxgkpt/gkzn.htm");
    let (gbk, _, _) = encoding_rs::GBK.encode(&guide);
    server.set_fault("/bmym/mzj/zfxxgkpt/gkzn.htm", html(gbk.into_owned(), utf8));
    // Bytes valid in no encoding, in the guide's text.
    let mut bad = disk("/bmym/tjj/zfxxgkpt/gkzn.htm").into_bytes();
    let at = bad.len() / 2;
    let at = (at..bad.len()).find(|&i| bad[i] == b'<').unwrap();
    bad.splice(at..at, b"\xff\xfe\x80\xff".iter().copied());
    server.set_fault("/bmym/tjj/zfxxgkpt/gkzn.htm", html(bad, utf8));
    // A guide stating an update on a day that does not exist, beside an older real date.
    let guide =
        disk("/bmym/sfj/zfxxgkpt/gkzn.htm").replace("更新日期：2019-03-12", "更新日期：2020-02-30");
    server.set_fault(
        "/bmym/sfj/zfxxgkpt/gkzn.htm",
        html(guide.into_bytes(), utf8),
    );
    // The sampled document's page dates it a year earlier than its list.
    let doc = disk("/info/1227/9230176.htm").replace("2020-11-18", "2019-11-18");
    server.set_fault("/info/1227/9230176.htm", html(doc.into_bytes(), utf8));
    // An empty column whose list is left open: the side menu's links land in it.
    let empty = disk("/bmym/jfz/zfxxgkpt/fdzdgknr/zfgzbg.htm").replace(
        "<ul class=\"news-list\"></ul>\n  <div class=\"no-data\">暂无信息</div>",
        "<ul class=\"news-list\"><li><a href=\"/bmym/jfz/zfxxgkpt/gkzn.htm\">公开指南</a>\
         <li><a href=\"/bmym/jfz/zfxxgkpt/ndbg.htm\">公开年报</a>",
    );
    server.set_fault(
        "/bmym/jfz/zfxxgkpt/fdzdgknr/zfgzbg.htm",
        html(empty.into_bytes(), utf8),
    );
    // 100,000 unclosed elements.
    let nested = format!(
        "<html><body><div class=\"zfxxgk-right\">{}</div></body></html>",
        "<div><span>".repeat(50_000)
    );
    server.set_fault(
        "/bmym/ktz/zfxxgkpt/gkzd.htm",
        html(nested.into_bytes(), utf8),
    );
    // A pager that claims 5,000 pages that are not there.
    let list = disk("/bmym/mtz/zfxxgkpt/fdzdgknr/czxx/czyjs.htm").replace(
        "</body>",
        "<div class=\"pb_sys_common\">共50000条 1/5000</div></body>",
    );
    server.set_fault(
        "/bmym/mtz/zfxxgkpt/fdzdgknr/czxx/czyjs.htm",
        html(list.into_bytes(), utf8),
    );
    // The message's page gives another day than its list row.
    let message = disk("/hdjl/info/20200302001.htm").replacen("2020-03-02", "2020-03-05", 1);
    server.set_fault(
        "/hdjl/info/20200302001.htm",
        html(message.into_bytes(), utf8),
    );
}

type Key = (String, u32, &'static str, String);

fn key(f: &Finding) -> Key {
    (f.unit.clone(), f.item, f.reason.as_str(), f.key.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_is_a_question_never_a_new_deduction() {
    let configure = |config: &mut gongkai::config::PortalConfig| {
        config.units.retain(|u| UNITS.contains(&u.name.as_str()));
        config.crawl.timeout_secs = 1;
        config.crawl.retries = 1;
        config.crawl.backoff_ms = 10;
    };
    let (_clean_server, mut config, store, _dir) = setup().await;
    configure(&mut config);
    let clean = run(&store, &config, false).await;
    let clean = store.findings(clean.run_id).await.unwrap();
    let clean_deductions: BTreeSet<Key> = clean
        .iter()
        .filter(|f| f.kind == FindingKind::Deduction)
        .map(key)
        .collect();

    let (server, mut config, store, _dir) = setup().await;
    configure(&mut config);
    plant(&server);
    let started = Instant::now();
    let summary = tokio::time::timeout(Duration::from_secs(120), run(&store, &config, false))
        .await
        .expect("the faulted run must not hang");
    let wall = started.elapsed();
    // Unreadable content makes the run partial (exit 1), like a failed fetch.
    assert_eq!(summary.status, RunStatus::Partial);
    let findings = store.findings(summary.run_id).await.unwrap();

    // 1. No deduction the clean run would not draft.
    for f in findings.iter().filter(|f| f.kind == FindingKind::Deduction) {
        assert!(
            clean_deductions.contains(&key(f)),
            "a new deduction under faults: {f:#?}"
        );
    }
    // 2. A question on every item a fault touched, and nothing else said of a fault that
    //    must be read through.
    let mut table = Vec::new();
    for p in &PLANTED {
        let of_unit: Vec<&Finding> = findings.iter().filter(|f| f.unit == p.unit).collect();
        for item in p.items {
            assert!(
                of_unit.iter().any(|f| f.kind == FindingKind::Question
                    && f.item == *item
                    && Some(f.reason) == p.reason),
                "{} ({}): no {:?} question on item {item}: {of_unit:#?}",
                p.unit,
                p.what,
                p.reason
            );
        }
        if p.items.is_empty() {
            let clean_keys: BTreeSet<Key> =
                clean.iter().filter(|f| f.unit == p.unit).map(key).collect();
            let keys: BTreeSet<Key> = of_unit.iter().map(|f| key(f)).collect();
            assert_eq!(keys, clean_keys, "{} ({})", p.unit, p.what);
        }
        table.push(format!(
            "{}\t{}\t扣分{}\t待核查{}",
            p.what,
            p.unit,
            of_unit
                .iter()
                .filter(|f| f.kind == FindingKind::Deduction)
                .count(),
            of_unit
                .iter()
                .filter(|f| f.kind == FindingKind::Question)
                .count()
        ));
    }
    // 3. The faults' own figures.
    let requests = server.requests();
    let pager_pages = requests
        .iter()
        .filter(|r| {
            r.path
                .starts_with("/bmym/mtz/zfxxgkpt/fdzdgknr/czxx/czyjs/")
        })
        .count();
    assert!(
        pager_pages <= 3 * 2,
        "a pager of 5000 pages cost {pager_pages} requests"
    );
    let fgj: Vec<&Finding> = findings.iter().filter(|f| f.unit == "发改局").collect();
    assert!(
        !fgj.iter()
            .any(|f| f.reason == Reason::PdfUnmarked && f.key == "/info/1227/9230176.htm"),
        "{fgj:#?}"
    );
    let doubt = fgj
        .iter()
        .find(|f| f.reason == Reason::PdfDateUnsure)
        .unwrap();
    assert!(
        doubt.detail.contains("2020-11-18") && doubt.detail.contains("2019-11-18"),
        "{}",
        doubt.detail
    );
    eprintln!(
        "fault run: {} findings, status {:?}, {} requests, wall {:.1} s\n{}",
        findings.len(),
        summary.status,
        summary.requests,
        wall.as_secs_f64(),
        table.join("\n")
    );
}
