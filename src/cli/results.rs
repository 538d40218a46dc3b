//! `gongkai results`: the final table the office publishes, from the latest finished run's
//! reviewed findings and the manual entries. Exit 1 (after printing) while anything is open.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use gongkai::review::review_units;
use gongkai::score::{self, History};

use super::args::{DbArgs, RunArgs};
use super::error::usage;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// 文本表格（各组排名、总分、等次、状态）
    Table,
    /// JSON：每个单位各项得分、加分、扣分、总分、排名、等次、完成情况
    Json,
    /// Excel 工作簿（按通知附件格式，每个评分表一个工作表；需 --out）
    Xlsx,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// 输出文件（xlsx 必填；其他格式缺省输出到标准输出）
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// 往年排名 CSV（列：单位、年度、排名、总数），用于“连续3年排名最后3名”规则
    #[arg(long, value_name = "FILE.csv")]
    pub history: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub which: RunArgs,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    if matches!(args.format, Format::Xlsx) && args.out.is_none() {
        return usage("xlsx 格式需要用 --out 指定输出文件");
    }
    let history = match &args.history {
        Some(path) => read_history(path)?,
        None => History::new(),
    };
    let cx = super::report::open(&args.db, &args.which, None).await?;
    let reviews = review_units(&cx.store, &cx.rubric, Some(&cx.run), Some(&cx.config)).await?;
    let results = gongkai::results::build(
        &cx.rubric,
        &cx.run.portal,
        Some(cx.run.id),
        &reviews,
        &history,
    )?;
    match args.format {
        Format::Xlsx => {
            let out = args.out.as_deref().unwrap_or(Path::new("results.xlsx"));
            gongkai::results::workbook(&results, &cx.rubric)
                .and_then(|mut book| book.save(out))
                .with_context(|| format!("无法写入 {}", out.display()))?;
            eprintln!("已写入 {}（{}个单位）", out.display(), results.units.len());
        }
        Format::Json => {
            super::grade::emit(&args.out, serde_json::to_string_pretty(&results)? + "\n")?
        }
        Format::Table => super::grade::emit(&args.out, gongkai::results::table(&results))?,
    }
    if results.complete {
        Ok(ExitCode::SUCCESS)
    } else {
        let n = results.units.iter().filter(|u| !u.complete).count();
        eprintln!("未完成：{n} 个单位尚有未录入或未审核的项目，得分为预估。");
        Ok(ExitCode::from(1))
    }
}

fn read_history(path: &Path) -> anyhow::Result<History> {
    match super::grade::read_text(path).and_then(|t| score::table::parse_history(&t, path)) {
        Ok(h) => Ok(h),
        Err(e) => usage(e.to_string()),
    }
}
