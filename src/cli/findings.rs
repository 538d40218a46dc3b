//! `gongkai findings`: the findings of a run, as JSON (a stable interface) or a table.

use std::process::ExitCode;

use gongkai::model::{Finding, FindingKind};

use super::args::DbArgs;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Json,
    Table,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArgs,
    /// 运行编号（默认最近一次完成的运行）
    #[arg(long)]
    pub run: Option<i64>,
    /// 只显示此单位
    #[arg(long)]
    pub unit: Option<String>,
    /// 门户名称（一个数据库中有多个县的门户时，取该门户最近一次完成的运行）
    #[arg(long)]
    pub portal: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// 输出各单位汇总（机器检查、已确定、待审核、未录入的分值，预估得分）而非逐条发现
    #[arg(long)]
    pub summary: bool,
    #[command(flatten)]
    pub rubric: super::args::RubricArgs,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let store = args.db.open().await?;
    let run_id = match args.run {
        Some(id) => id,
        None => match store.latest_finished_run_of(args.portal.as_deref()).await? {
            Some(r) => r.id,
            None => anyhow::bail!("数据库 {} 中还没有完成的运行", args.db.db),
        },
    };
    let run = store.run(run_id).await?;
    if args.summary {
        let rubric = args.rubric.load()?;
        return summary(&store, &rubric, &run, args.unit.as_deref(), args.format).await;
    }
    let findings = gongkai::review::findings_with_decisions(&store, &run).await?;
    let findings: Vec<Finding> = findings
        .into_iter()
        .filter(|f| args.unit.as_deref().is_none_or(|u| f.unit == u))
        .collect();
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&findings)?),
        Format::Table => print_table(&findings),
    }
    Ok(ExitCode::SUCCESS)
}

fn print_table(findings: &[Finding]) {
    println!(
        "{:<14} {:>4} {:>6} {:<6} {:<24} 说明",
        "单位", "项目", "扣分", "类型", "规则代码"
    );
    for f in findings {
        let kind = match f.kind {
            FindingKind::Deduction => "扣分",
            FindingKind::Question => "待核查",
        };
        let item = match f.section {
            gongkai::model::Section::Item => format!("{}", f.item),
            gongkai::model::Section::Bonus => format!("加{}", f.item),
            gongkai::model::Section::Penalty => format!("减{}", f.item),
        };
        println!(
            "{:<14} {:>4} {:>6.1} {:<6} {:<24} {}",
            f.unit,
            item,
            f.points.points(),
            kind,
            f.reason,
            f.detail
        );
    }
    let total: f64 = findings
        .iter()
        .filter(|f| f.kind == FindingKind::Deduction)
        .map(|f| f.points.points())
        .sum();
    println!(
        "共 {} 条（建议扣分合计 {:.1} 分），均为待审核初稿。",
        findings.len(),
        total
    );
}

/// One unit's line of `--summary` (a stable interface, see docs/findings.md).
#[derive(serde::Serialize)]
struct UnitLine<'a> {
    unit: &'a str,
    table: gongkai::model::Table,
    category: gongkai::score::Category,
    /// Drafts not decided yet.
    open_drafts: usize,
    coverage: &'a gongkai::results::CoverageFigures,
    open_items: &'a [u32],
    pending_items: &'a [u32],
    /// The score so far: final only when `complete`.
    score: f64,
    complete: bool,
}

async fn summary(
    store: &gongkai::store::Store,
    rubric: &gongkai::rubric::Rubric,
    run: &gongkai::store::Run,
    unit: Option<&str>,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let config = gongkai::review::recorded_description(store, run).await?;
    let reviews = gongkai::review::review_units(store, rubric, Some(run), config.as_ref()).await?;
    let results = gongkai::results::build(
        rubric,
        &run.portal,
        Some(run.id),
        &reviews,
        &gongkai::score::History::new(),
    )?;
    let lines: Vec<UnitLine> = results
        .units
        .iter()
        .filter(|u| unit.is_none_or(|n| u.unit == n))
        .map(|u| UnitLine {
            unit: &u.unit,
            table: u.table,
            category: u.category,
            open_drafts: u.open_drafts,
            coverage: &u.coverage,
            open_items: &u.open_items,
            pending_items: &u.pending_items,
            score: u.total,
            complete: u.complete,
        })
        .collect();
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&lines)?),
        Format::Table => {
            println!("单位\t满分\t机器检查\t已确定\t待审核\t未录入\t得分");
            let p = gongkai::review::fmt_points;
            for l in &lines {
                let c = l.coverage;
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}{}",
                    l.unit,
                    p(c.total),
                    p(c.machine),
                    p(c.settled),
                    p(c.pending),
                    p(c.open),
                    p(l.score),
                    if l.complete { "" } else { "（预估）" }
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
