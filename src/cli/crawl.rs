//! `gongkai crawl`: one run over a portal, findings drafted into the store.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use gongkai::config::PortalConfig;
use gongkai::crawl::{crawl, CrawlOptions, CrawlSummary, Progress};
use gongkai::store::{RunStatus, Store, DEFAULT_DB_URL};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 门户描述文件（selectors/*.toml）
    #[arg(long)]
    pub config: PathBuf,
    /// 数据库地址（sqlite://… 或 postgres://…）
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DB_URL)]
    pub db: String,
    /// 覆盖配置中的门户地址（如测试门户）
    #[arg(long)]
    pub base_url: Option<String>,
    /// 覆盖每秒请求数
    #[arg(long)]
    pub rate: Option<f64>,
    /// 计算答复时限的截止日期（YYYY-MM-DD，默认今天）
    #[arg(long)]
    pub as_of: Option<NaiveDate>,
    /// 继续上次未完成的运行
    #[arg(long)]
    pub resume: bool,
    /// 以 JSON 输出运行摘要
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut config = match PortalConfig::load(&args.config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("错误：{e}");
            return Ok(ExitCode::from(2));
        }
    };
    if let Some(url) = &args.base_url {
        config.portal.base_url = url.clone();
    }
    if let Some(rate) = args.rate {
        if !(rate > 0.0 && rate.is_finite()) {
            eprintln!("错误：--rate 必须是大于 0 的数");
            return Ok(ExitCode::from(2));
        }
        config.crawl.rate_per_sec = rate;
    }
    let as_of = args
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let rt = tokio::runtime::Runtime::new().context("无法启动异步运行时")?;
    let summary = rt.block_on(async {
        let store = Store::connect(&args.db).await?;
        run_crawl(
            &store,
            config,
            args.config.display().to_string(),
            as_of,
            args.resume,
        )
        .await
    })?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print_summary(&summary, &args.db);
    }
    Ok(exit_code(&summary))
}

/// Runs a crawl with a progress bar on a terminal.
pub async fn run_crawl(
    store: &Store,
    config: PortalConfig,
    config_path: String,
    as_of: NaiveDate,
    resume: bool,
) -> anyhow::Result<CrawlSummary> {
    let bar = ProgressBar::new(config.units.len() as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} 个单位 {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let bar_ref = bar.clone();
    let progress = move |p: Progress| match p {
        Progress::Started {
            run_id, resumed, ..
        } => bar_ref.set_message(if resumed {
            format!("继续第 {run_id} 次运行")
        } else {
            format!("第 {run_id} 次运行")
        }),
        Progress::BoardDone { messages } => {
            bar_ref.println(format!("留言板：读取 {messages} 条本年度留言"))
        }
        Progress::UnitDone { unit } => {
            bar_ref.inc(1);
            bar_ref.set_message(unit);
        }
    };
    let opts = CrawlOptions {
        config,
        config_path,
        as_of,
        resume,
    };
    let result = crawl(store, opts, &progress).await;
    bar.finish_and_clear();
    Ok(result?)
}

pub fn print_summary(s: &CrawlSummary, db: &str) {
    println!(
        "第 {} 次运行：{}；请求 {} 次（重试 {} 次，未变化 {} 个），下载 {:.1} MB，抓取失败 {} 个页面",
        s.run_id,
        s.status.label(),
        s.requests,
        s.retries,
        s.unchanged,
        s.bytes as f64 / 1_048_576.0,
        s.errors
    );
    if s.replayed > 0 {
        println!("从数据库续用已抓取页面 {} 个", s.replayed);
    }
    for e in &s.board_errors {
        println!("留言板未能完整读取：{e}");
    }
    println!();
    println!(
        "{:<16} {:<8} {:>8} {:>8} {:>8}",
        "单位", "类别", "扣分项", "建议扣分", "待核查"
    );
    for u in &s.units {
        println!(
            "{:<16} {:<8} {:>8} {:>8.1} {:>8}",
            u.unit,
            u.table.label(),
            u.deductions,
            u.points + 0.0,
            u.questions
        );
    }
    println!();
    println!("以上均为机器初稿，须经审核人员确认后方计入得分。");
    println!("数据库：{db}（查看：gongkai findings --db {db} --format table）");
}

pub fn exit_code(s: &CrawlSummary) -> ExitCode {
    match s.status {
        RunStatus::Complete => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}
