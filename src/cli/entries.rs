//! `gongkai entries import FILE`: the office's spreadsheet of manual items (unit, item, points,
//! note), checked row by row and entered all at once, each entry with its audit-log line.

use std::path::PathBuf;
use std::process::ExitCode;

use gongkai::review::{read_sheet, set_values, SetError, SheetError, Units, MAX_SHEET_BYTES};

use super::args::{DbArgs, RunArgs};
use super::error::usage;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// 导入人工评分表（XLSX 或 CSV；列：单位、项目、扣分、备注），全部通过检查才录入
    Import(ImportArgs),
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// 表格文件（.xlsx/.xls/.ods 或 .csv，CSV 可为 UTF-8 或 GBK）
    pub file: PathBuf,
    /// 录入人（审核网页界面中已有的审核员或管理员账户），记入审核日志
    #[arg(long, value_name = "NAME")]
    pub by: String,
    /// 只检查，不录入
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub which: RunArgs,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::Import(a) => import(a).await,
    }
}

async fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let name = args.file.display().to_string();
    let size = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or(0);
    if size > MAX_SHEET_BYTES as u64 {
        return usage(format!(
            "{name}：文件超过 {} MB",
            MAX_SHEET_BYTES / 1024 / 1024
        ));
    }
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => return usage(format!("无法读取 {name}：{e}")),
    };
    let values = match read_sheet(&name, &bytes) {
        Ok(v) => v,
        Err(e @ SheetError::Rows(_)) => {
            eprintln!("{e}");
            return Ok(ExitCode::from(2));
        }
        Err(e) => return usage(e.to_string()),
    };
    let cx = super::report::open(&args.db, &args.which, None).await?;
    let actor = match cx.store.user_by_name(&args.by).await? {
        Some(u) if !*u.disabled && u.role.can_decide() => u.name,
        Some(_) => return usage(format!("账户“{}”已停用或无录入权限", args.by)),
        None => {
            return usage(format!(
                "没有账户“{}”（先用 gongkai user add 建立审核员账户）",
                args.by
            ))
        }
    };
    if args.dry_run {
        return match gongkai::review::check_values_only(
            &cx.rubric,
            Units::Described(&cx.config),
            &values,
        ) {
            Ok(()) => {
                println!("{name}：{} 行均可录入（未录入）。", values.len());
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("{e}");
                Ok(ExitCode::from(2))
            }
        };
    }
    match set_values(
        &cx.store,
        &cx.rubric,
        Units::Described(&cx.config),
        &actor,
        &values,
    )
    .await
    {
        Ok(summary) => {
            println!("{name}：{} 行，{}", values.len(), summary.sentence());
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ (SetError::Rows(_) | SetError::Changed)) => {
            eprintln!("{e}");
            Ok(ExitCode::from(2))
        }
        Err(SetError::Store(e)) => Err(e.into()),
    }
}
