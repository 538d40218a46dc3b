//! `gongkai grade` end to end: JSON, table and XLSX output, and clear errors on bad CSV.

use std::path::PathBuf;
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/grade")
        .join(name)
}

fn gongkai(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .arg("grade")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn json_output_grades_every_unit() {
    let scores = fixture("changning-2020-scores.csv");
    let history = fixture("changning-history.csv");
    let (code, stdout, stderr) = gongkai(&[
        "--scores",
        scores.to_str().unwrap(),
        "--history",
        history.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let rows: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 13 + 26 + 10);
    for r in rows {
        for key in ["unit", "category", "score", "rank", "grade", "reason"] {
            assert!(r.get(key).is_some(), "{key} missing in {r}");
        }
        let grade = r["grade"].as_str().unwrap();
        assert!(["优秀", "良好", "合格", "不合格"].contains(&grade));
    }
    let find = |name: &str| rows.iter().find(|r| r["unit"] == name).unwrap();
    assert_eq!(find("湾甸傣族乡")["grade"], "不合格"); // 58.5 < 60
    assert_eq!(find("耈街彝族苗族乡")["grade"], "不合格"); // three-year rule
    assert!(find("耈街彝族苗族乡")["reason"]
        .as_str()
        .unwrap()
        .contains("连续3年"));
    assert_eq!(find("珠街彝族乡")["grade"], "合格");
    assert_eq!(find("机关事务管理局")["grade"], "不合格");
    let count = |cat: &str, g: &str| {
        rows.iter()
            .filter(|r| r["category"] == cat && r["grade"] == g)
            .count()
    };
    assert_eq!((count("A", "优秀"), count("A", "良好")), (5, 8));
    assert_eq!((count("B", "优秀"), count("B", "良好")), (2, 3));
}

#[test]
fn table_output_shows_the_quota_table() {
    let scores = fixture("changning-2020-scores.csv");
    let (code, stdout, _) = gongkai(&["--scores", scores.to_str().unwrap(), "--format", "table"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("优秀 20%：7个（A类5个，B类2个）"),
        "{stdout}"
    );
    assert!(stdout.contains("良好 30%：11个（A类8个，B类3个）"));
    assert!(stdout.contains("合格和不合格 50%：18个（A类13个，B类5个）"));
}

#[test]
fn xlsx_output_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("grades.xlsx");
    let scores = fixture("changning-2020-scores.csv");
    let (code, _, stderr) = gongkai(&[
        "--scores",
        scores.to_str().unwrap(),
        "--format",
        "xlsx",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[..2], b"PK");
    let (code, _, stderr) = gongkai(&["--scores", scores.to_str().unwrap(), "--format", "xlsx"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--out"));
}

#[test]
fn gbk_csv_with_veto_column_is_read() {
    let scores = fixture("gbk-scores.csv");
    let (code, stdout, stderr) =
        gongkai(&["--scores", scores.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let rows: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(rows[0]["unit"], "田园镇");
    assert_eq!(rows[1]["unit"], "漭水镇");
    assert_eq!(rows[1]["grade"], "不合格");
}

#[test]
fn bad_csv_errors_name_file_line_and_column() {
    let cases = [
        ("bad-score.csv", "第3行第3列（得分）：“九十”不是有效的数字"),
        ("missing-column.csv", "缺少“类别”列"),
        ("bad-category.csv", "第2行第2列（类别）：“县”不是有效类别"),
    ];
    for (name, expected) in cases {
        let path = fixture(name);
        let (code, stdout, stderr) =
            gongkai(&["--scores", path.to_str().unwrap(), "--format", "json"]);
        assert_eq!(code, 2, "{name}");
        assert!(stdout.is_empty());
        assert!(
            stderr.contains(name) && stderr.contains(expected),
            "{name}: {stderr}"
        );
    }
}

#[test]
fn this_years_ranks_are_kept_as_history() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("history.csv");
    let scores = fixture("changning-2020-scores.csv");
    let args = [
        "--scores",
        scores.to_str().unwrap(),
        "--format",
        "json",
        "--save-history",
        saved.to_str().unwrap(),
    ];
    let (code, _, stderr) = gongkai(&args);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(&saved).unwrap();
    assert!(text.starts_with("单位,年度,排名,总数\n"));
    assert!(text.contains("湾甸傣族乡,2020,13,13\n"));
    assert!(text.contains("机关事务管理局,2020,10,10\n"));
    let h = gongkai::score::table::parse_history(&text, &saved).unwrap();
    assert_eq!(h.entries().len(), 49);
    // A second run does not add the year twice.
    let (code, _, stderr) = gongkai(&args);
    assert_eq!(code, 2);
    assert!(stderr.contains("已有2020年度的排名"), "{stderr}");
}
