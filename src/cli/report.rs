//! `gongkai report`: pre-assessment reports per unit (HTML) and the county summary (HTML/XLSX).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use gongkai::config::PortalConfig;
use gongkai::monitor::previous_finished_run;
use gongkai::report::{self, county_html, file_stem, unit_html, write_county_xlsx};
use gongkai::review::recorded_description;
use gongkai::rubric::Rubric;
use gongkai::store::{Run, RunStatus, Store};

use super::args::{DbArgs, RunArgs};
use super::error::usage;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Html,
    Xlsx,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["unit", "all"])))]
pub struct Args {
    /// 只为该单位生成报告
    #[arg(long)]
    pub unit: Option<String>,
    /// 为全部单位生成报告和全县汇总
    #[arg(long)]
    pub all: bool,
    /// 输出格式：html（各单位报告和汇总）或 xlsx（全县汇总表）
    #[arg(long, value_enum, default_value = "html")]
    pub format: Format,
    /// 输出目录
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub which: RunArgs,
}

/// The run to report on, its configuration and rubric; shared with `gongkai mail`.
pub struct RunContext {
    pub store: Store,
    pub run: Run,
    pub config: PortalConfig,
    pub rubric: Rubric,
}

/// Opens the store and picks the run: the given one, else the latest finished run of the portal
/// that `--config` names (of any portal only when no description is given). The units are read
/// from the given description, else from the one recorded with the run. A unit named by
/// `unit` must be one of them.
pub async fn open(db: &DbArgs, which: &RunArgs, unit: Option<&str>) -> anyhow::Result<RunContext> {
    let given = which
        .config
        .as_deref()
        .map(PortalConfig::load)
        .transpose()?;
    let rubric = which.rubric()?;
    let store = db.open().await?;
    let portal = given.as_ref().map(|c| c.portal.name.as_str());
    let run = match which.run {
        Some(id) => store.run(id).await?,
        None => match store.latest_finished_run_of(portal).await? {
            Some(run) => run,
            None => {
                return usage(match portal {
                    Some(p) => format!("数据库中没有门户“{p}”已完成的运行，请先运行 gongkai crawl"),
                    None => "数据库中没有已完成的运行，请先运行 gongkai crawl".to_string(),
                })
            }
        },
    };
    if let Some(p) = portal.filter(|p| *p != run.portal) {
        return usage(format!(
            "第 {} 次运行属于门户“{}”，与 --config 所述门户“{p}”不符",
            run.id, run.portal
        ));
    }
    match run.status {
        RunStatus::Complete => {}
        RunStatus::Partial => eprintln!(
            "注意：第 {} 次运行部分完成（有页面未能抓取），报告中已注明。",
            run.id
        ),
        _ => eprintln!(
            "注意：第 {} 次运行{}，结果不能作为当前结论。",
            run.id,
            run.status.label()
        ),
    }
    let config = match given {
        Some(c) => c,
        None => match recorded_description(&store, &run).await? {
            Some(c) => c,
            // Runs made before descriptions were recorded: their file.
            None => PortalConfig::load(std::path::Path::new(&run.config_path))?,
        },
    };
    if let Some(u) = unit.filter(|u| config.unit(u).is_none()) {
        return usage(format!("配置中没有单位“{u}”"));
    }
    Ok(RunContext {
        store,
        run,
        config,
        rubric,
    })
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let cx = open(&args.db, &args.which, args.unit.as_deref()).await?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("无法创建目录 {}", args.out.display()))?;
    let since = previous_finished_run(&cx.store, &cx.run).await?;
    let county = report::county(&cx.store, &cx.config, &cx.rubric, &cx.run, since.as_ref()).await?;
    let mut written = Vec::new();
    match args.format {
        Format::Html => {
            for u in &county.units {
                if args.unit.as_ref().is_some_and(|n| *n != u.report.unit) {
                    continue;
                }
                let path = args.out.join(format!("{}.html", file_stem(&u.report.unit)));
                std::fs::write(&path, unit_html(&u.report))
                    .with_context(|| format!("无法写入 {}", path.display()))?;
                written.push(path);
            }
            if args.all {
                let path = args.out.join("汇总.html");
                std::fs::write(&path, county_html(&county))
                    .with_context(|| format!("无法写入 {}", path.display()))?;
                written.push(path);
            }
        }
        Format::Xlsx => {
            let path = args.out.join("汇总.xlsx");
            write_county_xlsx(&county, &path)?;
            written.push(path);
        }
    }
    println!(
        "第 {} 次运行（{}）的预评估报告已写入 {} 个文件：",
        cx.run.id,
        cx.run.status.label(),
        written.len()
    );
    for p in &written {
        println!("  {}", p.display());
    }
    println!("报告内容均为机器初稿，须经审核人员确认。");
    Ok(ExitCode::SUCCESS)
}
