//! Pre-assessment reports (预评估报告): per unit, what the machine drafted, the points at stake,
//! the evidence and what changed since the last report; and a county summary (HTML and XLSX)
//! ranking the units by their estimated score. Everything is a machine draft until confirmed.

mod data;
mod html;
mod svg;
mod text;
mod xlsx;

pub use data::{assemble, CountyReport, Reviewed};
pub use data::{county, unit, ItemLine, Ranked, UnitReport};
pub use html::{county_html, unit_html};
pub use svg::{bar_chart, Bar, BarChart};
pub use text::unit_text;
pub use xlsx::{county_workbook, write_county_xlsx};

use std::path::PathBuf;

/// A report that could not be built or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Score(#[from] crate::score::ScoreError),
    #[error("配置中没有单位“{0}”")]
    NoSuchUnit(String),
    #[error("无法写入报告 {path}：{source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("无法生成 XLSX 汇总表 {path}：{message}")]
    Xlsx { path: PathBuf, message: String },
}

/// A file name for a unit's report (unit names are Chinese; path separators are replaced).
pub fn file_stem(unit: &str) -> String {
    unit.chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' | '\0' => '_',
            c => c,
        })
        .collect()
}

/// Hex SHA-256 of a rendered report: the same report is never mailed twice.
pub fn report_hash(html: &str) -> String {
    crate::util::sha256_hex(html.as_bytes())
}
