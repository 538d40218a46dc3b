//! `gongkai enqueue` and `gongkai worker`: a run shared by several crawler processes on one
//! database (PostgreSQL for several machines). `enqueue` queues the run's jobs; each `worker`
//! takes jobs of its portal until none is left, and the last job runs the checks.

use std::process::ExitCode;
use std::time::Duration;

use chrono::NaiveDate;
use gongkai::audit::{enqueue, work, EnqueueOptions, WorkerEvent, WorkerOptions};
use gongkai::store::RunStatus;

use super::args::{DbArgs, PortalArgs, RubricArgs};
use super::error::usage;

#[derive(Debug, clap::Args)]
pub struct EnqueueArgs {
    #[command(flatten)]
    pub portal: PortalArgs,
    #[command(flatten)]
    pub db: DbArgs,
    /// 计算答复时限的截止日期（YYYY-MM-DD，默认今天）
    #[arg(long)]
    pub as_of: Option<NaiveDate>,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 门户描述（--config）：只领取该门户的任务；--base-url 覆盖运行记录中的门户地址
    #[command(flatten)]
    pub portal: PortalArgs,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub rubric: RubricArgs,
    /// 没有未完成的运行时，先排入一次新运行（截止日期 YYYY-MM-DD）
    #[arg(long)]
    pub as_of: Option<NaiveDate>,
    /// 覆盖每秒请求数（所有进程合计）
    #[arg(long)]
    pub rate: Option<f64>,
    /// 本进程同时处理的任务数
    #[arg(long, default_value_t = 1)]
    pub jobs: usize,
    /// 租约秒数：进程中断后，其任务在此时间后由其他进程接手
    #[arg(long, default_value_t = 30)]
    pub lease_secs: u64,
    /// 任务做完后继续等待新的运行（否则无任务时退出）
    #[arg(long)]
    pub follow: bool,
    /// 进程名（默认 主机名-进程号）
    #[arg(long)]
    pub name: Option<String>,
}

pub async fn run_enqueue(args: EnqueueArgs) -> anyhow::Result<ExitCode> {
    let config = args.portal.load(None)?;
    let as_of = args
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let store = args.db.open().await?;
    let units = config.units.len();
    let opts = EnqueueOptions {
        config,
        config_path: args.portal.path(),
        as_of,
    };
    let run_id = enqueue(&store, &opts).await?;
    println!(
        "已排入第 {run_id} 次运行：{units} 个单位、留言板和汇总检查，共 {} 项任务",
        units + 2
    );
    println!(
        "在各台机器上启动：gongkai worker --db {} --config {}",
        args.db.db,
        args.portal.path()
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = args.portal.load(args.rate)?;
    if args.lease_secs < 3 {
        return usage("--lease-secs 至少为 3 秒");
    }
    let name = args.name.clone().unwrap_or_else(default_name);
    let mut opts = WorkerOptions::new(config.clone(), name.clone());
    opts.rubric = args.rubric.load()?;
    opts.lease = Duration::from_secs(args.lease_secs);
    opts.jobs = args.jobs.max(1);
    opts.base_url = args.portal.base_url.clone();
    opts.until_idle = !args.follow;
    let store = args.db.open().await?;
    if let Some(as_of) = args.as_of {
        if store.unfinished_run(&config.portal.name).await?.is_none() {
            let opts = EnqueueOptions {
                config: config.clone(),
                config_path: args.portal.path(),
                as_of,
            };
            let run_id = enqueue(&store, &opts).await?;
            eprintln!("已排入第 {run_id} 次运行");
        }
    }
    eprintln!("工作进程 {name} 开始领取“{}”的任务", config.portal.name);
    let report = work(&store, &opts, &print_event).await?;
    let mut failed_runs = Vec::new();
    for id in &report.runs_finished {
        let run = store.run(*id).await?;
        println!(
            "第 {id} 次运行：{}；请求 {} 次，抓取或读取失败 {} 处（查看：gongkai findings --db {} --run {id}）",
            run.status.label(),
            run.stats.requests,
            run.stats.errors,
            args.db.db
        );
        if run.status != RunStatus::Complete {
            failed_runs.push(*id);
        }
    }
    println!(
        "工作进程 {name} 结束：完成 {} 项任务，失败 {} 项",
        report.jobs_done, report.jobs_failed
    );
    Ok(if report.jobs_failed > 0 || !failed_runs.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_event(e: WorkerEvent) {
    match e {
        WorkerEvent::JobDone { run_id, kind, unit } => eprintln!(
            "第 {run_id} 次运行：完成 {}",
            unit.unwrap_or_else(|| kind_label(kind).into())
        ),
        WorkerEvent::JobFailed {
            run_id,
            kind,
            unit,
            error,
        } => eprintln!(
            "第 {run_id} 次运行：{} 失败（将重试）：{error}",
            unit.unwrap_or_else(|| kind_label(kind).into())
        ),
        WorkerEvent::LeaseLost { run_id, job_id } => {
            eprintln!("第 {run_id} 次运行：任务 {job_id} 已由其他进程接手")
        }
        WorkerEvent::RunFinished { run_id } => eprintln!("第 {run_id} 次运行：检查完成"),
    }
}

fn kind_label(kind: gongkai::store::JobKind) -> &'static str {
    match kind {
        gongkai::store::JobKind::Board => "留言板",
        gongkai::store::JobKind::Unit => "单位",
        gongkai::store::JobKind::Finalize => "汇总检查",
    }
}

fn default_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "worker".into());
    format!("{host}-{}", std::process::id())
}
