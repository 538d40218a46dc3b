//! Subcommands of the `gongkai` binary. Each lives in its own file with its own `Args`.
//!
//! Exit codes: 0 success, 1 the job ran but reported failures (e.g. some pages could not be
//! fetched), 2 bad usage or configuration, 3 an internal or I/O error.

mod args;
mod changes;
mod crawl;
#[cfg(feature = "demo")]
mod demo;
mod entries;
mod error;
mod export;
mod findings;
mod grade;
mod indicators;
mod mail;
mod pdf;
mod probe;
mod report;
mod results;
mod serve;
mod user;
mod worker;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// gongkai：县级政府门户网站政务公开考核检查工具
#[derive(Debug, Parser)]
#[command(name = "gongkai", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 在内置测试门户上运行完整检查（演示）
    #[cfg(feature = "demo")]
    Demo(demo::Args),
    /// 抓取门户并生成扣分初稿
    Crawl(crawl::Args),
    /// 查看某次运行的扣分初稿和待核查问题
    Findings(findings::Args),
    /// 检查 PDF 附件的公开属性标识
    Pdf(pdf::Args),
    /// 按通知第五部分规则评定等次（读取得分表）
    Grade(grade::Args),
    /// 启动审核网页界面
    Serve(serve::Args),
    /// 管理审核网页界面的账户
    User(user::Args),
    /// 生成各单位预评估报告和全县汇总（HTML/XLSX）
    Report(report::Args),
    /// 把预评估报告发送到各单位邮箱
    Mail(mail::Args),
    /// 查看两次运行之间的变化
    Changes(changes::Args),
    /// 排入一次由多个工作进程共同完成的抓取（共用数据库）
    Enqueue(worker::EnqueueArgs),
    /// 工作进程：从共用数据库领取抓取任务（可在多台机器上同时运行）
    Worker(worker::Args),
    /// 读取门户，写出可直接用于抓取的门户描述
    Probe(probe::Args),
    /// 把某次运行保存的全部页面导出为 WARC 存档
    Export(export::Args),
    /// 人工评分项目：导入办公室的评分表
    Entries(entries::Args),
    /// 最终考核结果表（各项得分、加减分、总分、排名、等次；有未完成项目时退出码为 1）
    Results(results::Args),
    /// 国办网站检查单项否决指标（站点无法访问、首页不更新、栏目不更新、互动回应差；触发时退出码为 1）
    Indicators(indicators::Args),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    gongkai::telemetry::init(gongkai::telemetry::Sink::Stderr);
    let result = tokio::runtime::Runtime::new()
        .map_err(|e| anyhow::anyhow!("无法启动异步运行时：{e}"))
        .and_then(|rt| rt.block_on(run(cli.command)));
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("错误：{err:#}");
            ExitCode::from(error::exit_code(&err))
        }
    }
}

async fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        #[cfg(feature = "demo")]
        Command::Demo(args) => demo::run(args).await,
        Command::Crawl(args) => crawl::run(args).await,
        Command::Findings(args) => findings::run(args).await,
        Command::Pdf(args) => pdf::run(args),
        Command::Grade(args) => grade::run(args),
        Command::Serve(args) => serve::run(args).await,
        Command::User(args) => user::run(args).await,
        Command::Report(args) => report::run(args).await,
        Command::Mail(args) => mail::run(args).await,
        Command::Changes(args) => changes::run(args).await,
        Command::Enqueue(args) => worker::run_enqueue(args).await,
        Command::Worker(args) => worker::run(args).await,
        Command::Probe(args) => probe::run(args).await,
        Command::Entries(args) => entries::run(args).await,
        Command::Export(args) => export::run(args).await,
        Command::Results(args) => results::run(args).await,
        Command::Indicators(args) => indicators::run(args).await,
    }
}
