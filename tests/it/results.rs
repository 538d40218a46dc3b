//! The whole assessment end to end on the fixture county: crawl, decide every draft, import the
//! office's spreadsheet of manual items (`gongkai entries import`), then `gongkai results` —
//! 未完成 (exit 1) while anything is open, the ranked and graded table (exit 0) once nothing is,
//! and an XLSX in the annex layout.

use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::Reader;
use gongkai::model::{FindingKind, FindingStatus};
use gongkai::review::{self, Action, DecisionInput};
use gongkai::rubric::Rubric;
use gongkai::store::{Role, Store};

use super::support::crawl_common::{root, run, setup};

fn gongkai<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn sheet() -> PathBuf {
    root().join("fixtures/entries/manual-2020.csv")
}

/// Confirms every draft as the machine suggested it (questions with their suggested points).
async fn decide_all(store: &Store, rubric: &Rubric) -> usize {
    let run = store.latest_finished_run_of(None).await.unwrap().unwrap();
    let findings = review::findings_with_decisions(store, &run).await.unwrap();
    let mut n = 0;
    for f in findings.iter().filter(|f| f.status == FindingStatus::Draft) {
        let note = match f.kind {
            FindingKind::Deduction => "已核实",
            FindingKind::Question => "已人工核查",
        };
        let input = DecisionInput {
            action: Action::Confirm,
            points: None,
            note: note.into(),
            version: 0,
        };
        review::decide(store, rubric, "审核员甲", f, &input)
            .await
            .unwrap();
        n += 1;
    }
    n
}

async fn entry_count(store: &Store, portal: &str) -> usize {
    store.manual_entries(portal).await.unwrap().len()
}

#[tokio::test]
async fn import_then_results_ranked_graded_and_complete() {
    let (_server, config, store, dir) = setup().await;
    run(&store, &config, false).await;
    let portal = config.portal.name.clone();
    let rubric = Rubric::bundled_2020();
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let cfg = root().join("selectors/fixture.toml");
    let cfg = cfg.to_str().unwrap();
    let base = ["--db", db.as_str(), "--config", cfg];
    let with = |extra: &[&str]| -> Vec<String> {
        extra.iter().chain(&base).map(|s| s.to_string()).collect()
    };

    // Nothing decided or entered: 未完成, exit 1, what is left named per unit.
    let (code, out, err) = gongkai(&with(&["results", "--format", "table"]));
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("未完成（得分为预估）"), "{out}");
    assert!(out.contains("第1、6、8、18、23、24、26项待录入"), "{out}");
    assert!(err.contains("未完成"), "{err}");

    let hash = review::hash_password("correct horse battery");
    store
        .add_user("审核员甲", Role::Auditor, &hash)
        .await
        .unwrap();
    store.add_user("观察员", Role::Viewer, &hash).await.unwrap();

    // A bad sheet: every bad row named, nothing written.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "单位,项目,扣分,备注\n\
         田园镇,18,1,抽查缺表\n\
         不存在乡,18,1,x\n\
         田园镇,99,1,x\n\
         田园镇,18,0.5,重复\n\
         大田坝镇,18,3,超过满分\n\
         卡斯镇,26,1,\n\
         卡斯镇,扣分项目1,5,x\n",
    )
    .unwrap();
    let bad_s = bad.to_str().unwrap();
    let (code, _, err) = gongkai(&with(&["entries", "import", bad_s, "--by", "审核员甲"]));
    assert_eq!(code, 2, "{err}");
    for (line, words) in [
        (3, "没有单位“不存在乡”"),
        (4, "没有第99项"),
        (5, "重复"),
        (6, "超过满分"),
        (7, "须填写备注"),
        (8, "province-notice"),
    ] {
        assert!(
            err.contains(&format!("bad.csv 第 {line} 行")) && err.contains(words),
            "line {line} ({words}) not named: {err}"
        );
    }
    assert!(
        !err.contains("第 2 行"),
        "the good row is not an error: {err}"
    );
    assert_eq!(
        entry_count(&store, &portal).await,
        0,
        "nothing half-imported"
    );

    // Only accounts that may decide import.
    let sheet = sheet();
    let sheet_s = sheet.to_str().unwrap();
    let (code, _, err) = gongkai(&with(&["entries", "import", sheet_s, "--by", "观察员"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("无录入权限"), "{err}");

    // The office's sheet: every row entered, each with its audit-log line.
    let (code, out, err) = gongkai(&with(&["entries", "import", sheet_s, "--by", "审核员甲"]));
    assert_eq!(code, 0, "{err}");
    let entries = store.manual_entries(&portal).await.unwrap();
    let rows = 13 * 7 + 36 * 7 + 8 + 6; // auditor items per table, bonus rows, penalty rows
    assert_eq!(entries.len(), rows, "{out}");
    assert!(out.contains(&format!("新录入 {rows} 条")), "{out}");
    let tianyuan = store.audit_log(&portal, "田园镇", None).await.unwrap();
    assert_eq!(
        tianyuan.iter().filter(|l| l.action == "entry-add").count(),
        7
    );
    assert!(tianyuan
        .iter()
        .any(|l| l.after_state == "第23项扣2分" && l.note == "标准化规范化工作未按时完成"));

    // Again: nothing changes, nothing is logged twice.
    let (code, out, _) = gongkai(&with(&["entries", "import", sheet_s, "--by", "审核员甲"]));
    assert_eq!(code, 0);
    assert!(out.contains(&format!("未变 {rows} 条")), "{out}");
    assert_eq!(entry_count(&store, &portal).await, rows);

    // Entered, but drafts still open: still 未完成.
    let (code, out, _) = gongkai(&with(&["results", "--format", "table"]));
    assert_eq!(code, 1);
    assert!(!out.contains("待录入"), "every manual item entered: {out}");
    assert!(out.contains("待审核初稿"), "{out}");

    let decided = decide_all(&store, &rubric).await;
    assert!(decided > 100, "{decided}");

    // Complete: exit 0, every unit ranked and graded, scores from confirmed drafts and entries.
    let (code, out, err) = gongkai(&with(&["results", "--format", "json"]));
    assert_eq!(code, 0, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["complete"], true);
    let units = r["units"].as_array().unwrap();
    assert_eq!(units.len(), 49);
    for u in units {
        assert_eq!(u["complete"], true, "{u}");
        assert!(u["rank"].as_u64().unwrap() >= 1);
        assert!(["优秀", "良好", "合格", "不合格"].contains(&u["grade"].as_str().unwrap()));
        let items: f64 = u["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["score"].as_f64().unwrap())
            .sum();
        let total = (items + u["bonus"].as_f64().unwrap() - u["penalty"].as_f64().unwrap())
            .clamp(0.0, 100.0);
        assert!((u["total"].as_f64().unwrap() - total).abs() < 0.005, "{u}");
        assert_eq!(u["coverage"]["settled"], 100.0, "{u}");
    }
    let unit = |name: &str| units.iter().find(|u| u["unit"] == name).unwrap();
    let item = |u: &serde_json::Value, n: u64| {
        u["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["item"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(item(unit("田园镇"), 23)["score"], 4.0); // 6 − 2 from the sheet
    assert_eq!(item(unit("田园镇"), 1)["score"], 3.0); // 4 − 1 from the sheet
    assert_eq!(item(unit("田园镇"), 23)["state"], "entered");
    assert_eq!(item(unit("田园镇"), 7)["state"], "checked");
    // Ranks run 1… within each group.
    for cat in ["乡镇", "A", "B"] {
        let mut ranks: Vec<u64> = units
            .iter()
            .filter(|u| u["category"] == cat)
            .map(|u| u["rank"].as_u64().unwrap())
            .collect();
        ranks.sort();
        assert_eq!(ranks[0], 1, "{cat}");
    }

    let (code, out, _) = gongkai(&with(&["results", "--format", "table"]));
    assert_eq!(code, 0);
    assert!(out.contains("—— 已完成"), "{out}");
    assert!(out.contains("【乡镇】共13个") && out.contains("【A类】") && out.contains("【B类】"));
    assert!(!out.contains("未完成"), "{out}");

    let xlsx = dir.path().join("结果.xlsx");
    let (code, _, err) = gongkai(&with(&[
        "results",
        "--format",
        "xlsx",
        "--out",
        xlsx.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{err}");
    check_xlsx(&xlsx, &rubric);

    // The findings summary says the same.
    let (code, out, _) = gongkai(&["findings", "--db", &db, "--summary", "--format", "json"]);
    assert_eq!(code, 0);
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(s.as_array().unwrap().iter().all(|u| u["complete"] == true));
}

fn check_xlsx(path: &Path, rubric: &Rubric) {
    let mut book = calamine::open_workbook_auto(path).unwrap();
    assert_eq!(book.sheet_names(), ["乡镇", "县直部门"]);
    for (sheet, table, units) in [
        ("乡镇", gongkai::model::Table::Township, 13),
        ("县直部门", gongkai::model::Table::Department, 36),
    ] {
        let range = book.worksheet_range(sheet).unwrap();
        let cell = |r: u32, c: u32| {
            range
                .get_value((r, c))
                .map(|d| d.to_string())
                .unwrap_or_default()
        };
        assert!(cell(0, 0).contains("考核结果"), "{}", cell(0, 0));
        assert_eq!(cell(1, 1), "单位");
        let items = &rubric.table(table).items;
        for (k, it) in items.iter().enumerate() {
            let head = cell(2, 3 + k as u32);
            assert!(
                head.starts_with(&format!("{} {}", it.number, it.short_name())),
                "{sheet} column {k}: {head}"
            );
        }
        let tail = 3 + items.len() as u32;
        assert_eq!(cell(1, tail + 3), "总分");
        assert_eq!(cell(1, tail + 4), "等次");
        assert_eq!(cell(3, 0), "1", "first row ranked first");
        assert_eq!(range.height() as u32, 3 + units);
        assert_eq!(cell(3, tail + 5), "已完成");
    }
}

#[test]
fn the_sheet_reads_the_same_as_xlsx_and_as_csv() {
    let bytes = std::fs::read(sheet()).unwrap();
    let from_csv = review::read_sheet("manual-2020.csv", &bytes).unwrap();
    // The same rows written as an XLSX, the points as numbers.
    let text = encoding_rs::GB18030.decode(&bytes).0.into_owned();
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (r, line) in text.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            match cell.parse::<f64>() {
                Ok(n) if c == 2 => ws.write_number(r as u32, c as u16, n).unwrap(),
                _ => ws.write_string(r as u32, c as u16, cell).unwrap(),
            };
        }
    }
    let xlsx = book.save_to_buffer().unwrap();
    let from_xlsx = review::read_sheet("manual-2020.xlsx", &xlsx).unwrap();
    assert_eq!(from_csv.len(), from_xlsx.len());
    for (a, b) in from_csv.iter().zip(&from_xlsx) {
        assert_eq!(
            (&a.unit, &a.item, a.points, &a.note),
            (&b.unit, &b.item, b.points, &b.note)
        );
    }
    assert!(
        from_xlsx[0].place.contains("工作表“Sheet1”第 3 行"),
        "{}",
        from_xlsx[0].place
    );
}
