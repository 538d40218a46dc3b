//! `gongkai export --run N --format warc --out FILE.warc.gz`: a run's evidence as WARC/1.1.

use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use gongkai::config::ConfigError;

use super::args::DbArgs;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// WARC/1.1，每条记录单独 gzip 压缩
    Warc,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArgs,
    /// 运行编号
    #[arg(long)]
    pub run: i64,
    #[arg(long, value_enum, default_value = "warc")]
    pub format: Format,
    /// 输出文件（如 run-12.warc.gz）
    #[arg(long)]
    pub out: PathBuf,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let store = args.db.open().await?;
    if store.runs().await?.iter().all(|r| r.id != args.run) {
        return Err(ConfigError::Flag {
            flag: "--run".into(),
            message: format!("数据库中没有编号为 {} 的运行", args.run),
        }
        .into());
    }
    let Format::Warc = args.format;
    // Written beside the target and renamed at the end: no half-written archive is left
    // under the name asked for.
    let partial = args.out.with_extension("partial");
    let file = std::fs::File::create(&partial)
        .with_context(|| format!("无法创建 {}", partial.display()))?;
    let mut out = BufWriter::new(file);
    let summary = gongkai::export::write_warc(&store, args.run, &mut out).await;
    drop(out);
    let summary = match summary {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e.into());
        }
    };
    std::fs::rename(&partial, &args.out)
        .with_context(|| format!("无法写入 {}", args.out.display()))?;
    println!(
        "已导出运行 {} 的 {} 个页面，共 {} 条 WARC 记录：{}",
        args.run,
        summary.pages,
        summary.records,
        args.out.display()
    );
    if summary.reconstructed > 0 {
        println!(
            "其中 {} 条记录的 HTTP 头由已存字段重建（这些页面保存时尚未保留原始响应头），记录中已注明。",
            summary.reconstructed
        );
    }
    Ok(ExitCode::SUCCESS)
}
