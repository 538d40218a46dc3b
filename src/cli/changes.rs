//! `gongkai changes`: what changed between two runs (default: the latest finished run and the
//! finished run before it).

use std::process::ExitCode;

use gongkai::monitor::{diff, previous_finished_run, Changes};
use gongkai::store::{Run, RunStatus};
use serde::Serialize;

use super::args::DbArgs;
use super::error::usage;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Table,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArgs,
    /// 运行编号（默认：最近一次完成的运行）
    #[arg(long)]
    pub run: Option<i64>,
    /// 门户名称（一个数据库中有多个县的门户时，取该门户最近一次完成的运行）
    #[arg(long)]
    pub portal: Option<String>,
    /// 与哪次运行比较（默认：它之前最近一次完成的运行）
    #[arg(long)]
    pub since: Option<i64>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

#[derive(Serialize)]
struct Output<'a> {
    before: &'a Run,
    after: &'a Run,
    changes: &'a Changes,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    {
        let store = args.db.open().await?;
        let after = match args.run {
            Some(id) => store.run(id).await?,
            None => match store.latest_finished_run_of(args.portal.as_deref()).await? {
                Some(r) => r,
                None => return usage("数据库中没有已完成的运行。"),
            },
        };
        let before = match args.since {
            Some(id) => store.run(id).await?,
            None => match previous_finished_run(&store, &after).await? {
                Some(r) => r,
                None => {
                    return usage(format!(
                        "第 {} 次运行之前没有可比较的已完成运行。",
                        after.id
                    ))
                }
            },
        };
        let changes = diff(&store, before.id, after.id).await?;
        match args.format {
            Format::Json => println!(
                "{}",
                serde_json::to_string_pretty(&Output {
                    before: &before,
                    after: &after,
                    changes: &changes,
                })?
            ),
            Format::Table => print_table(&before, &after, &changes),
        }
        Ok(ExitCode::SUCCESS)
    }
}

fn run_label(r: &Run) -> String {
    let flag = match r.status {
        RunStatus::Complete => "",
        RunStatus::Partial => "（部分完成）",
        _ => "（未完成，不能作为当前结论）",
    };
    format!("第 {} 次运行{}", r.id, flag)
}

fn print_table(before: &Run, after: &Run, c: &Changes) {
    println!("{} → {}", run_label(before), run_label(after));
    if c.is_empty() {
        println!("没有变化。");
        return;
    }
    println!("新发现的问题：{} 项", c.new_findings.len());
    for f in &c.new_findings {
        println!(
            "  + {} 第{}项（扣{}分）{}",
            f.unit, f.item, f.points, f.detail
        );
    }
    println!("未再发现的问题（可能已整改）：{} 项", c.gone_findings.len());
    for f in &c.gone_findings {
        println!(
            "  - {} 第{}项（扣{}分）{}",
            f.unit, f.item, f.points, f.detail
        );
    }
    println!("扣分有变化：{} 项", c.changed_points.len());
    for p in &c.changed_points {
        println!(
            "  ~ {} 第{}项 {}：{} → {}",
            p.finding.unit, p.finding.item, p.finding.detail, p.before, p.after
        );
    }
    println!("已无法访问的页面：{} 个", c.pages_disappeared.len());
    for p in &c.pages_disappeared {
        let status = p
            .status_after
            .map_or("未再链接".to_string(), |s| s.to_string());
        println!(
            "  × {} [{}] {}",
            p.unit.as_deref().unwrap_or("-"),
            status,
            p.url
        );
    }
    println!("内容有更新的页面：{} 个", c.pages_changed.len());
    for p in &c.pages_changed {
        println!("  * {} {}", p.unit.as_deref().unwrap_or("-"), p.url);
    }
    println!("网站检查指标结论有变化：{} 项", c.indicators_changed.len());
    for i in &c.indicators_changed {
        let label = |v: Option<gongkai::indicators::Verdict>| v.map_or("未判断", |v| v.label());
        let scope = if i.scope == "site" {
            "全站"
        } else {
            &i.scope
        };
        println!(
            "  ~ {} {}：{} → {}（{}）",
            i.name,
            scope,
            label(i.before),
            label(i.after),
            i.summary
        );
    }
}
