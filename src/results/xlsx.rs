//! `gongkai results --format xlsx`: the annex layout, one sheet per table (附件2 乡镇, 附件3 县直
//! 部门): a title row, the 考核项目 groups over their items, one column per item titled with its
//! number, short name and points, then 项目得分, 加分, 扣分, 总分, 排名, 等次, 状态.

use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

use super::Results;
use crate::labels;
use crate::model::Table;
use crate::review::{fmt_points, ItemState};
use crate::rubric::Rubric;

pub fn workbook(r: &Results, rubric: &Rubric) -> Result<Workbook, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let title_fmt = Format::new().set_bold().set_font_size(14);
    let num = Format::new().set_num_format("0.##");
    let open_num = Format::new()
        .set_num_format("0.##")
        .set_background_color("#FFF2CC");
    for table in [Table::Township, Table::Department] {
        let rt = rubric.table(table);
        let sheet = book.add_worksheet();
        sheet.set_name(labels::table(table))?;
        let state = if r.complete {
            ""
        } else {
            "（未完成：得分为预估）"
        };
        sheet.write_string_with_format(
            0,
            0,
            format!("附件{} {}{}年度考核结果{state}", rt.annex, rt.title, r.year),
            &title_fmt,
        )?;
        let fixed = ["排名", "单位", "类别"];
        for (c, h) in fixed.iter().enumerate() {
            sheet.merge_range(1, c as u16, 2, c as u16, h, &bold)?;
        }
        sheet.set_column_width(1, 18)?;
        let first = fixed.len() as u16;
        // Groups over their items (items of a group are consecutive in the notice).
        let mut col = first;
        let mut i = 0;
        while i < rt.items.len() {
            let group = &rt.items[i].group;
            let n = rt.items[i..]
                .iter()
                .take_while(|it| &it.group == group)
                .count() as u16;
            let points: f64 = rt.items[i..i + n as usize].iter().map(|it| it.points).sum();
            let label = format!("{group}（{}分）", fmt_points(points));
            if n > 1 {
                sheet.merge_range(1, col, 1, col + n - 1, &label, &bold)?;
            } else {
                sheet.write_string_with_format(1, col, &label, &bold)?;
            }
            col += n;
            i += n as usize;
        }
        for (k, it) in rt.items.iter().enumerate() {
            let c = first + k as u16;
            let head = format!(
                "{} {}（{}分）",
                it.number,
                it.short_name(),
                fmt_points(it.points)
            );
            sheet.write_string_with_format(2, c, head, &bold)?;
            sheet.set_column_width(c, 9)?;
        }
        let tail = ["项目得分", "加分", "扣分", "总分", "等次", "状态"];
        let tail_first = first + rt.items.len() as u16;
        for (k, h) in tail.iter().enumerate() {
            sheet.merge_range(1, tail_first + k as u16, 2, tail_first + k as u16, h, &bold)?;
        }
        sheet.set_column_width(tail_first + 5, 40)?;
        sheet.set_row_height(2, 48)?;
        sheet.set_freeze_panes(3, 2)?;
        let rows = r.units.iter().filter(|u| u.table == table);
        for (k, u) in rows.enumerate() {
            let row = 3 + k as u32;
            sheet.write_number(row, 0, u.rank)?;
            sheet.write_string(row, 1, &u.unit)?;
            sheet.write_string(row, 2, u.category.group_name())?;
            for (j, it) in u.items.iter().enumerate() {
                let f = if it.state.settled() { &num } else { &open_num };
                let c = first + j as u16;
                if it.state == ItemState::Open {
                    sheet.write_string_with_format(row, c, "待录入", f)?;
                } else {
                    sheet.write_number_with_format(row, c, it.score, f)?;
                }
            }
            let c = tail_first;
            sheet.write_number_with_format(row, c, u.items_total, &num)?;
            sheet.write_number_with_format(row, c + 1, u.bonus, &num)?;
            sheet.write_number_with_format(row, c + 2, u.penalty, &num)?;
            sheet.write_number_with_format(row, c + 3, u.total, &num)?;
            sheet.write_string(row, c + 4, if u.veto { "一票否决" } else { &u.grade })?;
            sheet.write_string(row, c + 5, u.status())?;
        }
    }
    Ok(book)
}
