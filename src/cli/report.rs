//! `gongkai report`: pre-assessment reports per unit (HTML) and the county summary (HTML/XLSX).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use gongkai::config::PortalConfig;
use gongkai::monitor::previous_finished_run;
use gongkai::report::{self, county_html, file_stem, unit_html, write_county_xlsx};
use gongkai::rubric::Rubric;
use gongkai::store::{Run, RunStatus, Store, DEFAULT_DB_URL};

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
    /// 数据库地址（sqlite://… 或 postgres://…）
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DB_URL)]
    pub db: String,
    /// 门户描述文件（默认：该次运行记录的文件）
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// 运行编号（默认：最近一次完成的运行）
    #[arg(long)]
    pub run: Option<i64>,
    /// 评分细则文件（默认：内置 2020 年细则）
    #[arg(long)]
    pub rubric: Option<PathBuf>,
}

/// The run to report on, its configuration and rubric; shared with `gongkai mail`.
pub struct RunContext {
    pub store: Store,
    pub run: Run,
    pub config: PortalConfig,
    pub rubric: Rubric,
}

/// Opens the store and picks the run (the latest finished one unless given).
pub async fn open(
    db: &str,
    run: Option<i64>,
    config: Option<&PathBuf>,
    rubric: Option<&PathBuf>,
) -> anyhow::Result<RunContext> {
    let store = Store::connect(db).await?;
    let run = match run {
        Some(id) => store.run(id).await?,
        None => store
            .latest_finished_run()
            .await?
            .context("数据库中没有已完成的运行，请先运行 gongkai crawl")?,
    };
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
    let config_path = config
        .cloned()
        .unwrap_or_else(|| PathBuf::from(&run.config_path));
    let config = PortalConfig::load(&config_path)?;
    let rubric = match rubric {
        Some(p) => Rubric::load(p)?,
        None => Rubric::bundled_2020(),
    };
    Ok(RunContext {
        store,
        run,
        config,
        rubric,
    })
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Runtime::new().context("无法启动异步运行时")?;
    rt.block_on(async {
        let cx = open(
            &args.db,
            args.run,
            args.config.as_ref(),
            args.rubric.as_ref(),
        )
        .await?;
        if let Some(unit) = &args.unit {
            if cx.config.unit(unit).is_none() {
                eprintln!("错误：配置中没有单位“{unit}”");
                return Ok(ExitCode::from(2));
            }
        }
        std::fs::create_dir_all(&args.out)
            .with_context(|| format!("无法创建目录 {}", args.out.display()))?;
        let since = previous_finished_run(&cx.store, &cx.run).await?;
        let county =
            report::county(&cx.store, &cx.config, &cx.rubric, &cx.run, since.as_ref()).await?;
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
    })
}
