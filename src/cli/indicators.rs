//! `gongkai indicators`: the national inspection indicators of one check day, with the figures
//! that decided each and the evidence; exit 1 when a single veto is tripped.

use std::path::PathBuf;
use std::process::ExitCode;

use gongkai::config::PortalConfig;
use gongkai::indicators::{clock, day};

use super::args::DbArgs;
use super::error::usage;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Json,
    Table,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    db: DbArgs,
    /// 门户描述文件（默认：最近一次完成的运行所记录的描述）；其 [indicators] 可改阈值
    #[arg(long, value_name = "selectors/X.toml")]
    config: Option<PathBuf>,
    /// 检查日（YYYY-MM-DD，默认：北京时间今天）
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<chrono::NaiveDate>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let store = args.db.open().await?;
    let config = match &args.config {
        Some(path) => PortalConfig::load(path)?,
        None => {
            let Some(run) = store.latest_finished_run().await? else {
                return usage("数据库中没有完成的运行；请用 --config 指定门户描述");
            };
            match store.run_description(run.id).await? {
                Some(json) => PortalConfig::from_recorded(&json, run.id)?,
                None => {
                    return usage(format!(
                        "第 {} 次运行没有记录门户描述；请用 --config 指定",
                        run.id
                    ))
                }
            }
        }
    };
    let date = args
        .date
        .unwrap_or_else(|| clock::beijing_day(chrono::Utc::now()));
    let report = day::judge_day(&store, &config.portal.name, date, &config.indicators).await?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Table => print!("{}", report.table()),
    }
    Ok(if report.decided_vetoed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
