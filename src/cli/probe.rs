//! `gongkai probe`: reads a live portal and writes its description; prints what it found, how
//! sure it is of each part and what a person must decide. Exit 0 when the description is
//! complete, 1 when parts need a person, 2 on bad input.

use std::path::PathBuf;
use std::process::ExitCode;

use gongkai::config::CrawlSettings;
use gongkai::probe::{probe, ProbeError, ProbeOptions, ProbeReport, DEFAULT_BUDGET};

use super::error::Usage;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 门户网址（首页或网站根目录）
    pub base_url: String,
    /// 单位名单（Excel 另存的 CSV：名称,类别,别名,邮箱）
    #[arg(long, value_name = "UNITS.csv")]
    pub units: PathBuf,
    /// 写出的门户描述文件
    #[arg(long, value_name = "PORTAL.toml")]
    pub out: PathBuf,
    /// 每秒请求数（默认与抓取相同）
    #[arg(long)]
    pub rate: Option<f64>,
    /// 最多发出的请求数（含重试）
    #[arg(long, default_value_t = DEFAULT_BUDGET)]
    pub budget: u64,
    /// 考核年度（默认今年）
    #[arg(long)]
    pub year: Option<i32>,
    /// 门户名称（默认取首页标题）
    #[arg(long)]
    pub name: Option<String>,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let defaults = CrawlSettings::default();
    let opts = ProbeOptions {
        base_url: args.base_url,
        units_csv: args.units,
        out: args.out,
        crawl: CrawlSettings {
            rate_per_sec: args.rate.unwrap_or(defaults.rate_per_sec),
            ..defaults
        },
        budget: args.budget,
        year: args
            .year
            .unwrap_or_else(|| chrono::Datelike::year(&chrono::Local::now().date_naive())),
        name: args.name,
    };
    let report = match probe(&opts).await {
        Ok(report) => report,
        // Bad input is the user's to fix (exit 2), the unit list's errors name file and line.
        Err(ProbeError::Units(e)) => return Err(e.into()),
        Err(e) if e.is_bad_input() => return Err(Usage(e.to_string()).into()),
        Err(e) => return Err(e.into()),
    };
    print!("{}", render(&report));
    Ok(if report.complete() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The report in Chinese.
pub fn render(r: &ProbeReport) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    let family = match r.family.platform {
        Some(p) => format!(
            "{}{}",
            p.as_str(),
            if r.family.contested {
                "（有争议）"
            } else {
                ""
            }
        ),
        None => "未能确定".into(),
    };
    line(format!("门户：{}", r.portal_name));
    line(format!(
        "平台类型：{family}（特征：{}）",
        if r.family.evidence.is_empty() {
            "无".to_string()
        } else {
            r.family.evidence_text()
        }
    ));
    line(format!(
        "平台首页：{}",
        r.platform_home
            .as_ref()
            .map_or("未找到".to_string(), |u| u.to_string())
    ));
    let u = &r.units;
    line(format!(
        "单位匹配：名单中 {} 个单位在平台首页上找到；门户上没有 {} 个；名单中没有 {} 个",
        u.matched.len(),
        u.not_on_portal.len(),
        u.not_in_file.len()
    ));
    if !u.not_on_portal.is_empty() {
        line(format!("  门户上没有：{}", u.not_on_portal.join("、")));
    }
    if !u.not_in_file.is_empty() {
        line(format!("  名单中没有：{}", u.not_in_file.join("、")));
    }
    line(String::new());
    line("各项取值（把握：确定 / 较确定 / 需人工确认）：".into());
    for k in &r.keys {
        line(format!(
            "  {:<26} {:<8} {}",
            k.key,
            k.confidence.label(),
            k.value
        ));
        line(format!("  {:<26} {}", "", k.note));
        for s in k.samples.iter().take(3) {
            line(format!("  {:<26} 样本：{s}", ""));
        }
    }
    line(String::new());
    if r.questions.is_empty() {
        line("未能决定的：无".into());
    } else {
        line("未能决定的（需人工确认）：".into());
        for q in &r.questions {
            line(format!("  - {q}"));
        }
    }
    line(String::new());
    line(format!("判断所依据的页面（{} 个）：", r.judged.len()));
    for (what, url) in &r.judged {
        line(format!("  {what}  {url}"));
    }
    line(String::new());
    line(format!(
        "请求 {} 次（预算 {} 次）。门户描述已写入 {}{}",
        r.requests,
        r.budget,
        r.written.display(),
        if r.complete() {
            "，可直接用于 gongkai crawl --config。"
        } else {
            "；标为“需人工确认”的部分请核对后再抓取。"
        }
    ));
    out
}
