//! XLSX output of grading results: one sheet per table (乡镇, 县直部门), Chinese headers.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::grade::GradeRow;
use super::unit::Category;
use crate::labels;
use crate::model::Table;

const HEADERS: [(&str, f64); 8] = [
    ("单位", 22.0),
    ("类别", 8.0),
    ("得分", 10.0),
    ("排名", 8.0),
    ("总数", 8.0),
    ("等次", 10.0),
    ("评定理由", 70.0),
    ("同分待确认", 60.0),
];

/// Builds the workbook in memory.
pub fn workbook(rows: &[GradeRow]) -> Result<Workbook, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let score_fmt = Format::new().set_num_format("0.00");
    for (table, cats) in [
        (Table::Township, &[Category::Township][..]),
        (Table::Department, &[Category::DeptA, Category::DeptB][..]),
    ] {
        let sheet = book.add_worksheet();
        sheet.set_name(labels::table(table))?;
        for (col, (header, width)) in HEADERS.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, *header, &bold)?;
            sheet.set_column_width(col as u16, *width)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        let part = rows.iter().filter(|r| cats.contains(&r.category));
        for (i, r) in part.enumerate() {
            let row = i as u32 + 1;
            sheet.write_string(row, 0, &r.unit)?;
            sheet.write_string(row, 1, r.category.as_str())?;
            sheet.write_number_with_format(row, 2, r.score, &score_fmt)?;
            sheet.write_number(row, 3, r.rank)?;
            sheet.write_number(row, 4, r.group_size)?;
            sheet.write_string(row, 5, r.grade.as_str())?;
            sheet.write_string(row, 6, &r.reason)?;
            if let Some(t) = &r.tie_decision {
                sheet.write_string(row, 7, t)?;
            }
        }
    }
    Ok(book)
}
