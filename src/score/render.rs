//! Plain-text rendering of grading results (the `--format table` output).

use std::fmt::Write as _;

use super::grade::GradeRow;
use super::quota::BandQuota;
use super::unit::Category;
use super::Centi;
use crate::labels;
use crate::model::Table;

/// The quota table as one line per band, e.g. `优秀 20%：7个（A类5个，B类2个）`.
pub fn quota_lines(quotas: &[BandQuota]) -> String {
    let mut out = String::new();
    for (i, q) in quotas.iter().enumerate() {
        let word = if i + 1 == quotas.len() && q.grade == crate::rubric::Grade::Pass {
            "合格和不合格".to_string()
        } else {
            q.grade.to_string()
        };
        let _ = writeln!(
            out,
            "{word} {}%：{}个（A类{}个，B类{}个）",
            q.percent, q.total, q.a, q.b
        );
    }
    out
}

/// Results as a text table, one section per group (乡镇, A类, B类), tab-separated columns.
pub fn table(rows: &[GradeRow], quotas: &[BandQuota]) -> String {
    let mut out = String::new();
    for (table, cats) in [
        (Table::Township, &[Category::Township][..]),
        (Table::Department, &[Category::DeptA, Category::DeptB][..]),
    ] {
        let part: Vec<&GradeRow> = rows.iter().filter(|r| cats.contains(&r.category)).collect();
        if part.is_empty() {
            continue;
        }
        let _ = writeln!(out, "【{}】共{}个", labels::table(table), part.len());
        if table == Table::Department {
            out.push_str(&quota_lines(quotas));
        }
        let _ = writeln!(out, "类别\t排名\t单位\t得分\t等次\t评定理由");
        for r in part {
            let _ = writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}",
                r.category,
                r.rank,
                r.unit,
                Centi::from_points(r.score),
                r.grade,
                r.reason
            );
            if let Some(t) = &r.tie_decision {
                let _ = writeln!(out, "\t\t\t\t\t待确认：{t}");
            }
        }
        out.push('\n');
    }
    out
}
