//! `gongkai results --format table`: one section per group, tab-separated, with what is still
//! open on each line and, when anything is, 未完成 above and below.

use std::fmt::Write as _;

use super::Results;
use crate::score::{Category, Centi};

pub fn render(r: &Results) -> String {
    let mut out = String::new();
    let state = if r.complete {
        "已完成"
    } else {
        "未完成（得分为预估）"
    };
    let _ = writeln!(
        out,
        "{}年度政务公开考核结果（{}）—— {state}",
        r.year, r.portal
    );
    let _ = writeln!(out, "{}", r.progress.sentence());
    for cat in [Category::Township, Category::DeptA, Category::DeptB] {
        let part: Vec<_> = r.units.iter().filter(|u| u.category == cat).collect();
        if part.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n【{}】共{}个", cat.group_name(), part.len());
        let _ = writeln!(out, "排名\t单位\t项目得分\t加分\t扣分\t总分\t等次\t状态");
        for u in part {
            let _ = writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}{}\t{}\t{}",
                u.rank,
                u.unit,
                Centi::from_points(u.items_total),
                Centi::from_points(u.bonus),
                Centi::from_points(u.penalty),
                Centi::from_points(u.total),
                if u.capped { "（封顶）" } else { "" },
                if u.veto { "一票否决" } else { &u.grade },
                u.status()
            );
            if let Some(t) = &u.tie_decision {
                let _ = writeln!(out, "\t\t\t\t\t\t\t待确认：{t}");
            }
        }
    }
    if !r.complete {
        let n = r.units.iter().filter(|u| !u.complete).count();
        let _ = writeln!(
            out,
            "\n未完成：{n} 个单位尚有未录入或未审核的项目，本表得分、排名和等次均为预估。"
        );
    }
    out
}
