//! `gongkai crawl`: one run over a portal, findings drafted into the store.

use std::process::ExitCode;

use chrono::NaiveDate;
use gongkai::audit::{crawl, CrawlOptions, CrawlSummary, Progress};
use gongkai::store::{RunStatus, Store};

use super::args::{DbArgs, PortalArgs, RubricArgs};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub portal: PortalArgs,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub rubric: RubricArgs,
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

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = args.portal.load(args.rate)?;
    let rubric = args.rubric.load()?;
    let as_of = args
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let store = args.db.open().await?;
    let opts = CrawlOptions {
        rubric,
        resume: args.resume,
        ..CrawlOptions::new(config, args.portal.path(), as_of)
    };
    let summary = run_crawl(&store, opts).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print_summary(&summary, &args.db.db);
    }
    Ok(exit_code(&summary))
}

/// Runs a crawl with a progress bar on a terminal.
pub async fn run_crawl(store: &Store, opts: CrawlOptions) -> anyhow::Result<CrawlSummary> {
    let bar = ProgressBar::new(opts.config.units.len() as u64);
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
        Progress::CheckingLinks => bar_ref.set_message("检查首页和栏目页面上的链接"),
    };
    let result = crawl(store, opts, &progress).await;
    bar.finish_and_clear();
    Ok(result?)
}

pub fn print_summary(s: &CrawlSummary, db: &str) {
    // A resumed run counts the requests of the processes before this one too.
    let here = if s.requests_this_process == s.requests {
        String::new()
    } else {
        format!("其中本次 {} 次，", s.requests_this_process)
    };
    println!(
        "第 {} 次运行：{}；请求 {} 次（{here}重试 {} 次，未变化 {} 个），下载 {:.1} MB，抓取或读取失败 {} 处",
        s.run_id,
        s.status.label(),
        s.requests,
        s.retries,
        s.unchanged,
        s.bytes as f64 / 1_048_576.0,
        s.errors
    );
    let misread: Vec<String> = s
        .units
        .iter()
        .filter(|u| u.mostly_unrecognised())
        .map(|u| format!("{}（{}/{}）", u.unit, u.unrecognised, u.columns))
        .collect();
    if !misread.is_empty() {
        println!(
            "注意：以下单位超过三分之一的栏目页面无法按配置识别，门户描述可能与这些单位的页面不符，请先核对：{}",
            misread.join("、")
        );
    }
    if s.replayed > 0 {
        println!("从数据库续用已抓取页面 {} 个", s.replayed);
    }
    for e in &s.board_errors {
        println!("留言板未能完整读取：{e}");
    }
    if let Some(l) = &s.links {
        println!(
            "链接检查：{} 个页面上共 {} 个链接，检查 {} 个（站外 {} 个，沿用抓取结果 {} 个），失效 {} 个，未检查 {} 个（详见 gongkai indicators）",
            l.pages, l.links, l.checked, l.off_site_checked, l.reused, l.broken, l.unchecked
        );
        for p in &l.problems {
            println!("链接检查：{p}");
        }
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
