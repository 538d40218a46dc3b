//! The county summary as XLSX: a ranking sheet (汇总) and every finding (问题明细).

use std::path::Path;

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::data::CountyReport;
use super::ReportError;
use crate::labels;

/// Builds the workbook in memory.
pub fn county_workbook(c: &CountyReport) -> Result<Workbook, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let points = Format::new().set_num_format("0.00");
    let sheet = book.add_worksheet();
    sheet.set_name("汇总")?;
    let headers = [
        ("类别", 8.0),
        ("排名", 6.0),
        ("单位", 22.0),
        ("预估得分", 10.0),
        ("涉及分值", 10.0),
        ("建议扣分项", 10.0),
        ("待核查", 8.0),
        ("新增问题", 10.0),
        ("可能已整改", 10.0),
        ("运行状态", 24.0),
    ];
    for (col, (h, w)) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *h, &bold)?;
        sheet.set_column_width(col as u16, *w)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (i, u) in c.units.iter().enumerate() {
        let row = i as u32 + 1;
        let r = &u.report;
        sheet.write_string(row, 0, r.category.group_name())?;
        sheet.write_number(row, 1, u.rank as f64)?;
        sheet.write_string(row, 2, &r.unit)?;
        sheet.write_number_with_format(row, 3, r.estimated_score, &points)?;
        sheet.write_number_with_format(row, 4, r.at_stake, &points)?;
        sheet.write_number(row, 5, r.deductions as f64)?;
        sheet.write_number(row, 6, r.questions as f64)?;
        if let Some(ch) = &r.changes {
            sheet.write_number(row, 7, ch.new_findings.len() as f64)?;
            sheet.write_number(row, 8, ch.gone_findings.len() as f64)?;
        }
        sheet.write_string(row, 9, labels::run_status(r.run.status))?;
    }

    let sheet = book.add_worksheet();
    sheet.set_name("问题明细")?;
    let headers = [
        ("单位", 22.0),
        ("项目", 8.0),
        ("评分项目", 30.0),
        ("类型", 8.0),
        ("建议扣分", 10.0),
        ("说明", 60.0),
        ("证据", 60.0),
    ];
    for (col, (h, w)) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *h, &bold)?;
        sheet.set_column_width(col as u16, *w)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let mut row = 1u32;
    for u in &c.units {
        for line in &u.report.items {
            for f in &line.findings {
                sheet.write_string(row, 0, &f.unit)?;
                sheet.write_number(row, 1, f64::from(f.item))?;
                sheet.write_string(row, 2, &line.title)?;
                sheet.write_string(row, 3, labels::kind(f.kind))?;
                sheet.write_number_with_format(row, 4, f.points.points(), &points)?;
                sheet.write_string(row, 5, &f.detail)?;
                let urls: Vec<&str> = f.evidence.iter().map(|e| e.url.as_str()).collect();
                sheet.write_string(row, 6, urls.join("\n"))?;
                row += 1;
            }
        }
    }
    Ok(book)
}

/// Writes the county workbook to `path`.
pub fn write_county_xlsx(c: &CountyReport, path: &Path) -> Result<(), ReportError> {
    county_workbook(c)
        .and_then(|mut b| b.save(path))
        .map_err(|e| ReportError::Xlsx {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
}
