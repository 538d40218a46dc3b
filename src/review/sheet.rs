//! The office's own spreadsheet of manual items, read into [`ItemValue`]s: XLSX (or XLS, ODS)
//! through calamine, or CSV in UTF-8 or GB18030 (what Excel on a Chinese Windows saves). Columns
//! are found by their header (单位, 项目, 扣分, 备注 and the usual variants) on any sheet; rows
//! without a unit and an item are skipped; every value keeps its place (`工作表“…”第 N 行`).

use std::io::Cursor;

use calamine::{Data, Reader};

use super::entries::{ItemValue, RowError};

/// Largest spreadsheet read, in bytes.
pub const MAX_SHEET_BYTES: usize = 20 * 1024 * 1024;

const UNIT_HEADERS: &[&str] = &["单位", "单位名称", "被考核单位", "考核单位", "unit"];
const ITEM_HEADERS: &[&str] = &[
    "项目",
    "项目序号",
    "序号",
    "考核项目",
    "评分项目",
    "考核指标",
    "指标",
    "item",
];
const POINTS_HEADERS: &[&str] = &[
    "扣分",
    "扣分分值",
    "扣减分值",
    "分值",
    "分数",
    "加减分",
    "得分调整",
    "points",
];
const NOTE_HEADERS: &[&str] = &[
    "备注",
    "说明",
    "理由",
    "扣分理由",
    "扣分原因",
    "依据",
    "note",
];

/// Why a spreadsheet could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("{file}：文件超过 {} MB", MAX_SHEET_BYTES / 1024 / 1024)]
    TooLarge { file: String },
    #[error("{file}：无法读取表格（{message}）")]
    Unreadable { file: String, message: String },
    #[error("{file}：没有找到表头（须有“单位”“项目”“扣分”列，可有“备注”列）")]
    NoHeader { file: String },
    #[error("{} 处错误，未录入任何内容：\n{}", .0.len(), .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Rows(Vec<RowError>),
}

/// Reads the values of a spreadsheet; `file` names it in messages and tells CSV from XLSX by
/// its extension (content starting `PK` is read as a workbook whatever its name).
pub fn read_sheet(file: &str, bytes: &[u8]) -> Result<Vec<ItemValue>, SheetError> {
    if bytes.len() > MAX_SHEET_BYTES {
        return Err(SheetError::TooLarge { file: file.into() });
    }
    let lower = file.to_lowercase();
    let workbook = bytes.starts_with(b"PK")
        || [".xlsx", ".xlsm", ".xls", ".ods"]
            .iter()
            .any(|e| lower.ends_with(e));
    let grids = if workbook {
        workbook_grids(file, bytes)?
    } else {
        vec![(String::new(), csv_grid(file, bytes)?)]
    };
    let mut values = Vec::new();
    let mut errors = Vec::new();
    let mut any_header = false;
    for (sheet, grid) in &grids {
        let Some((header_row, cols)) = find_header(grid) else {
            continue;
        };
        any_header = true;
        for (i, row) in grid.iter().enumerate().skip(header_row + 1) {
            let cell = |c: Option<usize>| {
                c.and_then(|c| row.get(c))
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default()
            };
            let (unit, item) = (cell(Some(cols.unit)), cell(Some(cols.item)));
            let (points, note) = (cell(Some(cols.points)), cell(cols.note));
            if unit.is_empty() && item.is_empty() && points.is_empty() {
                continue;
            }
            let place = if sheet.is_empty() {
                format!("{file} 第 {} 行", i + 1)
            } else {
                format!("{file} 工作表“{sheet}”第 {} 行", i + 1)
            };
            if item.is_empty() {
                errors.push(RowError {
                    place,
                    message: "缺少项目".into(),
                });
                continue;
            }
            let points = match parse_points(&points) {
                Ok(p) => p,
                Err(message) => {
                    errors.push(RowError { place, message });
                    continue;
                }
            };
            values.push(ItemValue {
                place,
                unit,
                item,
                points,
                note,
            });
        }
    }
    if !any_header {
        return Err(SheetError::NoHeader { file: file.into() });
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(SheetError::Rows(errors))
    }
}

/// `0.5`, `-0.5` (a deduction written negative), `0.5分`, `扣0.5分`; blank is an error (write 0
/// for 不扣分).
fn parse_points(cell: &str) -> Result<f64, String> {
    let s = cell
        .trim()
        .trim_start_matches('扣')
        .trim_start_matches('加')
        .trim_end_matches('分')
        .trim();
    if s.is_empty() {
        return Err("缺少分值（不扣分请填 0）".into());
    }
    let s = s.replace('－', "-").replace('．', ".");
    match s.parse::<f64>() {
        Ok(p) if p.is_finite() => Ok(p.abs()),
        _ => Err(format!("分值“{cell}”不是数字")),
    }
}

struct Columns {
    unit: usize,
    item: usize,
    points: usize,
    note: Option<usize>,
}

/// The first row (of the first 20) naming a unit, an item and a points column.
fn find_header(grid: &[Vec<String>]) -> Option<(usize, Columns)> {
    grid.iter().take(20).enumerate().find_map(|(i, row)| {
        let find = |names: &[&str]| {
            row.iter().position(|c| {
                let c: String = c.split_whitespace().collect();
                names.iter().any(|n| c.eq_ignore_ascii_case(n))
            })
        };
        Some((
            i,
            Columns {
                unit: find(UNIT_HEADERS)?,
                item: find(ITEM_HEADERS)?,
                points: find(POINTS_HEADERS)?,
                note: find(NOTE_HEADERS),
            },
        ))
    })
}

fn csv_grid(file: &str, bytes: &[u8]) -> Result<Vec<Vec<String>>, SheetError> {
    let text = crate::score::table::decode_text(bytes.to_vec());
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut grid = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| SheetError::Unreadable {
            file: file.into(),
            message: e.to_string(),
        })?;
        grid.push(record.iter().map(str::to_string).collect());
    }
    Ok(grid)
}

/// A sheet's name and its cells as text, row by row.
type Grid = (String, Vec<Vec<String>>);

fn workbook_grids(file: &str, bytes: &[u8]) -> Result<Vec<Grid>, SheetError> {
    let unreadable = |e: &dyn std::fmt::Display| SheetError::Unreadable {
        file: file.into(),
        message: e.to_string(),
    };
    let mut book =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let mut grids = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| unreadable(&e))?;
        // Rows keep their sheet row numbers: the range may start below row 1.
        let first = range.start().map_or(0, |(r, _)| r as usize);
        let mut grid = vec![Vec::new(); first];
        grid.extend(range.rows().map(|row| row.iter().map(cell_text).collect()));
        grids.push((name, grid));
    }
    Ok(grids)
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => {
            let c = crate::score::Centi::from_points(*f);
            if (c.points() - f).abs() < 1e-9 {
                c.points().to_string()
            } else {
                f.to_string()
            }
        }
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_gb18030_with_a_title_row_above_the_header() {
        let text = "2020年度政务公开考核人工评分\n单位,项目,扣分,备注\n田园镇,18,1,新媒体未备案\n,,,\n县公安局,加分项目1,0.2,省通报表扬\n";
        let (bytes, _, _) = encoding_rs::GB18030.encode(text);
        let v = read_sheet("人工评分.csv", &bytes).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].place, "人工评分.csv 第 3 行");
        assert_eq!((v[0].unit.as_str(), v[0].item.as_str()), ("田园镇", "18"));
        assert_eq!(v[0].points, 1.0);
        assert_eq!(v[1].note, "省通报表扬");
    }

    #[test]
    fn bad_rows_are_all_named() {
        let text = "单位,项目,扣分,备注\n田园镇,18,,\n田园镇,,1,x\n田园镇,19,一分,x\n";
        let Err(SheetError::Rows(errors)) = read_sheet("a.csv", text.as_bytes()) else {
            panic!("rows accepted");
        };
        let places: Vec<&str> = errors.iter().map(|e| e.place.as_str()).collect();
        assert_eq!(places, ["a.csv 第 2 行", "a.csv 第 3 行", "a.csv 第 4 行"]);
        assert!(errors[0].message.contains("不扣分请填 0"));
    }

    #[test]
    fn no_header_and_garbage_are_errors_not_panics() {
        assert!(matches!(
            read_sheet("a.csv", "甲,乙\n1,2\n".as_bytes()),
            Err(SheetError::NoHeader { .. })
        ));
        assert!(matches!(
            read_sheet("a.xlsx", b"PK\x03\x04garbage"),
            Err(SheetError::Unreadable { .. })
        ));
    }

    #[test]
    fn points_cells() {
        assert_eq!(parse_points("0.5"), Ok(0.5));
        assert_eq!(parse_points("-1"), Ok(1.0));
        assert_eq!(parse_points("扣1.5分"), Ok(1.5));
        assert!(parse_points("").is_err());
    }
}
