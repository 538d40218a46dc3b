//! `gongkai grade`: grades units from a table of scores by section 五 of the notice (评议办法).
//!
//! Reads 单位/类别/得分 (optionally 一票否决) and, for the three-year rule, a history table
//! 单位/年度/排名/总数. Ranks are within the unit's group: townships among townships, departments
//! within their class A or B. Prints JSON, a text table, or writes an XLSX file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use gongkai::rubric::Rubric;
use gongkai::score::table::TableError;
use gongkai::score::{self, Category, History};

/// Output format.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// JSON 数组：unit, category, score, rank, group_size, grade, reason, tie_decision
    Json,
    /// 文本表格
    Table,
    /// Excel 工作簿（需 --out）
    Xlsx,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 得分表 CSV（列：单位、类别（乡镇/A/B）、得分，可选 一票否决）
    #[arg(long, value_name = "FILE.csv")]
    scores: PathBuf,
    /// 往年排名 CSV（列：单位、年度、排名、总数），用于“连续3年排名最后3名”规则
    #[arg(long, value_name = "FILE.csv")]
    history: Option<PathBuf>,
    /// 输出格式
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// 输出文件（xlsx 格式必填；其他格式缺省输出到标准输出）
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// 将本年度排名追加到该往年排名 CSV（供以后年度判断“连续3年排名最后3名”）
    #[arg(long, value_name = "FILE.csv")]
    save_history: Option<PathBuf>,
    /// 评分规则文件（缺省为内置的昌宁县2020年度规则）
    #[arg(long, value_name = "FILE.toml")]
    rubric: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let rubric = match &args.rubric {
        Some(path) => match gongkai::config::load_rubric(path) {
            Ok(r) => r,
            Err(e) => return usage_error(&e.to_string()),
        },
        None => Rubric::bundled_2020(),
    };
    let units = match read_text(&args.scores)
        .and_then(|text| score::table::parse_scores(&text, &args.scores, rubric.cap))
    {
        Ok(u) => u,
        Err(e) => return usage_error(&e.to_string()),
    };
    let history = match &args.history {
        Some(path) => match read_text(path).and_then(|t| score::table::parse_history(&t, path)) {
            Ok(h) => h,
            Err(e) => return usage_error(&e.to_string()),
        },
        None => History::new(),
    };
    warn_class_mismatch(&rubric, &units);
    let rows = match score::grade(&rubric, &units, &history) {
        Ok(r) => r,
        Err(e) => return usage_error(&format!("{}：{e}", args.scores.display())),
    };
    let count = |c: Category| units.iter().filter(|u| u.category == c).count() as u32;
    let quotas = score::quota_table(&rubric, count(Category::DeptA), count(Category::DeptB));

    match args.format {
        Format::Xlsx => {
            let Some(out) = &args.out else {
                return usage_error("xlsx 格式需要用 --out 指定输出文件");
            };
            score::xlsx::workbook(&rows)
                .and_then(|mut book| book.save(out))
                .with_context(|| format!("无法写入 {}", out.display()))?;
            eprintln!("已写入 {}（{}个单位）", out.display(), rows.len());
        }
        Format::Json => emit(&args.out, serde_json::to_string_pretty(&rows)? + "\n")?,
        Format::Table => emit(&args.out, score::render::table(&rows, &quotas))?,
    }
    if let Some(path) = &args.save_history {
        if history.entries().iter().any(|e| e.year == rubric.year)
            || read_text(path)
                .and_then(|t| score::table::parse_history(&t, path))
                .map(|h| h.entries().iter().any(|e| e.year == rubric.year))
                .unwrap_or(false)
        {
            return usage_error(&format!(
                "{} 已有{}年度的排名，未重复追加",
                path.display(),
                rubric.year
            ));
        }
        append_history(path, &rows, rubric.year)?;
        eprintln!("已将{}年度排名追加到 {}", rubric.year, path.display());
    }
    let ties = rows.iter().filter(|r| r.tie_decision.is_some()).count();
    if ties > 0 {
        eprintln!("提示：{ties}个单位同分跨等次界线，已按默认规则评定，请审核人员确认。");
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `text` to the `--out` file, else to standard output (shared with `gongkai results`).
pub(super) fn emit(out: &Option<PathBuf>, text: String) -> anyhow::Result<()> {
    match out {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("无法写入 {}", path.display()))
        }
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

/// Reads a table file as text (UTF-8 or GB18030).
pub(super) fn read_text(path: &Path) -> Result<String, TableError> {
    std::fs::read(path)
        .map(score::table::decode_text)
        .map_err(|source| TableError::Io {
            path: path.to_path_buf(),
            source,
        })
}

/// Appends this year's results to a history file, writing the header if it is new or empty.
fn append_history(path: &Path, rows: &[score::GradeRow], year: i32) -> Result<(), TableError> {
    use std::io::Write as _;
    let io = |source| TableError::Io {
        path: path.to_path_buf(),
        source,
    };
    let existing = std::fs::read(path).unwrap_or_default();
    let addition = score::table::history_addition(&existing, rows, year);
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(addition.as_bytes()))
        .map_err(io)
}

fn usage_error(message: &str) -> anyhow::Result<ExitCode> {
    super::error::usage(message)
}

/// Warns when a department's class in the table differs from annex 1 of the notice.
fn warn_class_mismatch(rubric: &Rubric, units: &[score::ScoredUnit]) {
    for u in units {
        let listed = if rubric.departments.a.contains(&u.unit) {
            Some(Category::DeptA)
        } else if rubric.departments.b.contains(&u.unit) {
            Some(Category::DeptB)
        } else {
            None
        };
        if let Some(c) = listed.filter(|c| *c != u.category) {
            eprintln!(
                "提示：{}在得分表中为“{}”，但通知附件1列为{}。",
                u.unit,
                u.category,
                c.group_name()
            );
        }
    }
}
