//! Reading the score table and the history table of `gongkai grade` (CSV, as offices export
//! them from a spreadsheet: UTF-8 with or without BOM, or GBK/GB18030).
//!
//! * Scores: columns 单位, 类别 (乡镇 / A / B), 得分, and optionally 一票否决 (是/否).
//! * History: columns 单位, 年度, 排名, 总数 (rank within the unit's group that year).
//!
//! Column order is free; other columns are ignored. Errors name the file, line and column.

use std::path::{Path, PathBuf};

use super::grade::ScoredUnit;
use super::history::{History, HistoryEntry};
use super::unit::Category;

/// A table that cannot be read. Messages are in Chinese.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("无法读取文件 {path}：{source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("文件 {path} 缺少“{column}”列（表头应包含：{expected}）")]
    MissingColumn {
        path: PathBuf,
        column: &'static str,
        expected: &'static str,
    },
    #[error("文件 {path} 第{line}行：{message}")]
    Row {
        path: PathBuf,
        line: u64,
        message: String,
    },
    #[error("文件 {path} 第{line}行第{col}列（{column}）：{message}")]
    Cell {
        path: PathBuf,
        line: u64,
        col: usize,
        column: &'static str,
        message: String,
    },
}

const SCORE_COLUMNS: &str = "单位、类别、得分（可选：一票否决）";
const HISTORY_COLUMNS: &str = "单位、年度、排名、总数";

/// Parses score table text; `path` is used in messages. Scores must lie between 0 and `max`
/// (the rubric's cap).
pub fn parse_scores(text: &str, path: &Path, max: f64) -> Result<Vec<ScoredUnit>, TableError> {
    let mut sheet = Sheet::open(text, path)?;
    let unit = sheet.column("单位", SCORE_COLUMNS)?;
    let category = sheet.column("类别", SCORE_COLUMNS)?;
    let score = sheet.column("得分", SCORE_COLUMNS)?;
    let veto = sheet.optional_column("一票否决");
    let mut out = Vec::new();
    while let Some(row) = sheet.next_row()? {
        let name = row.text(unit, "单位")?;
        let cat_text = row.text(category, "类别")?;
        let cat = Category::parse(&cat_text).ok_or_else(|| {
            row.error(
                category,
                "类别",
                format!("“{cat_text}”不是有效类别，应为 乡镇、A 或 B"),
            )
        })?;
        let s = row.number(score, "得分")?;
        if s < 0.0 || s > max {
            return Err(row.error(score, "得分", format!("得分{s}超出范围（0至{max}分）")));
        }
        let v = match veto {
            Some(c) => row.yes_no(c, "一票否决")?,
            None => false,
        };
        out.push(ScoredUnit {
            unit: name,
            category: cat,
            score: s,
            veto: v,
        });
    }
    Ok(out)
}

/// Parses history table text; `path` is used in messages.
pub fn parse_history(text: &str, path: &Path) -> Result<History, TableError> {
    let mut sheet = Sheet::open(text, path)?;
    let unit = sheet.column("单位", HISTORY_COLUMNS)?;
    let year = sheet.column("年度", HISTORY_COLUMNS)?;
    let rank = sheet.column("排名", HISTORY_COLUMNS)?;
    let total = sheet.column("总数", HISTORY_COLUMNS)?;
    let mut history = History::new();
    while let Some(row) = sheet.next_row()? {
        let name = row.text(unit, "单位")?;
        let y = row.integer(year, "年度")?;
        let r = row.integer(rank, "排名")?;
        let t = row.integer(total, "总数")?;
        if t == 0 || r == 0 || r > t {
            return Err(row.error(rank, "排名", format!("排名{r}不在1至总数{t}之间")));
        }
        history.push(HistoryEntry {
            unit: name,
            year: y as i32,
            rank: r as u32,
            total: t as u32,
        });
    }
    Ok(history)
}

/// A table file's bytes as text: UTF-8 (BOM stripped) or, failing that, GB18030.
pub fn decode_text(bytes: Vec<u8>) -> String {
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => encoding_rs::GB18030.decode(e.as_bytes()).0.into_owned(),
    };
    text.trim_start_matches('\u{feff}').to_string()
}

struct Sheet<'a> {
    path: &'a Path,
    headers: Vec<String>,
    records: csv::StringRecordsIntoIter<&'a [u8]>,
}

struct Row<'a> {
    path: &'a Path,
    line: u64,
    record: csv::StringRecord,
}

impl<'a> Sheet<'a> {
    fn open(text: &'a str, path: &'a Path) -> Result<Sheet<'a>, TableError> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| TableError::Row {
                path: path.to_path_buf(),
                line: 1,
                message: format!("表头无法读取：{e}"),
            })?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        Ok(Sheet {
            path,
            headers,
            records: reader.into_records(),
        })
    }

    fn optional_column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    fn column(&self, name: &'static str, expected: &'static str) -> Result<usize, TableError> {
        self.optional_column(name).ok_or(TableError::MissingColumn {
            path: self.path.to_path_buf(),
            column: name,
            expected,
        })
    }

    /// The next non-empty row.
    fn next_row(&mut self) -> Result<Option<Row<'a>>, TableError> {
        for record in self.records.by_ref() {
            let record = record.map_err(|e| TableError::Row {
                path: self.path.to_path_buf(),
                line: e.position().map_or(0, |p| p.line()),
                message: format!("无法读取：{e}"),
            })?;
            if record.iter().all(|f| f.is_empty()) {
                continue;
            }
            let line = record.position().map_or(0, |p| p.line());
            return Ok(Some(Row {
                path: self.path,
                line,
                record,
            }));
        }
        Ok(None)
    }
}

impl Row<'_> {
    fn error(&self, col: usize, column: &'static str, message: String) -> TableError {
        TableError::Cell {
            path: self.path.to_path_buf(),
            line: self.line,
            col: col + 1,
            column,
            message,
        }
    }

    fn text(&self, col: usize, column: &'static str) -> Result<String, TableError> {
        match self.record.get(col) {
            Some(s) if !s.is_empty() => Ok(s.to_string()),
            _ => Err(self.error(col, column, "不能为空".into())),
        }
    }

    fn number(&self, col: usize, column: &'static str) -> Result<f64, TableError> {
        let s = self.text(col, column)?;
        let t = s.trim_end_matches('分').trim();
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(self.error(col, column, format!("“{s}”不是有效的数字"))),
        }
    }

    fn integer(&self, col: usize, column: &'static str) -> Result<u64, TableError> {
        let s = self.text(col, column)?;
        let t = s.trim_end_matches(['年', '名', '个']).trim();
        t.parse::<u64>()
            .map_err(|_| self.error(col, column, format!("“{s}”不是有效的整数")))
    }

    fn yes_no(&self, col: usize, column: &'static str) -> Result<bool, TableError> {
        match self.record.get(col).unwrap_or("") {
            "" | "否" | "N" | "n" | "0" | "false" | "FALSE" => Ok(false),
            "是" | "Y" | "y" | "1" | "true" | "TRUE" => Ok(true),
            other => Err(self.error(col, column, format!("“{other}”应为“是”或“否”"))),
        }
    }
}

/// This year's results as history rows (单位,年度,排名,总数), without a header.
pub fn history_rows(rows: &[super::grade::GradeRow], year: i32) -> String {
    let mut out = String::new();
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{}\n",
            csv_field(&r.unit),
            year,
            r.rank,
            r.group_size
        ));
    }
    out
}

/// What to append to a history file holding `existing` for this year's results: the header
/// when the file is new or empty, a line break when its last line has none.
pub fn history_addition(existing: &[u8], rows: &[super::grade::GradeRow], year: i32) -> String {
    let mut text = String::new();
    if existing.is_empty() {
        text.push_str("单位,年度,排名,总数\n");
    } else if !existing.ends_with(b"\n") {
        text.push('\n');
    }
    text.push_str(&history_rows(rows, year));
    text
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
