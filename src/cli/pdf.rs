//! `gongkai pdf check FILE...`: the 公开属性 marking check of PDF attachments.
//!
//! Exit codes: 0 all files were checked (whatever the verdicts), 2 bad usage, 3 a file could
//! not be read from disk (the other files are still checked and reported).

use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use gongkai::pdf::{
    check_pdf_sync, extract_lines, Attribute, PdfCheck, PdfLimits, PdfQuestion, Verdict,
};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: PdfCommand,
}

#[derive(Debug, clap::Subcommand)]
enum PdfCommand {
    /// 检查 PDF 文件是否有公开属性标识（此件公开发布、主动公开、依申请公开、不予公开）
    Check {
        /// 要检查的 PDF 文件
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// 同时输出提取的文字（按页、按行），便于人工核对
        #[arg(long)]
        text: bool,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Json,
    Table,
}

/// One row of the JSON output.
#[derive(Debug, Serialize)]
struct Row {
    file: String,
    verdict: Verdict,
    marking: Option<String>,
    page: Option<u32>,
    reason: Option<PdfQuestion>,
    attribute: Option<Attribute>,
    pages: u32,
    detail: String,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let PdfCommand::Check {
        files,
        format,
        text,
    } = args.command;
    let limits = PdfLimits::default();
    let mut rows = Vec::new();
    let mut unreadable = false;
    for path in &files {
        let bytes = match read_capped(path, limits.max_file_bytes) {
            Ok(b) => b,
            Err(err) => {
                eprintln!("错误：无法读取文件 {}：{err}", path.display());
                unreadable = true;
                continue;
            }
        };
        let check: PdfCheck = check_pdf_sync(&bytes, &limits);
        if text {
            eprintln!("==== {} ====", path.display());
            for (page, line) in extract_lines(&bytes, &limits) {
                eprintln!("[第{page}页] {line}");
            }
        }
        rows.push(Row {
            file: path.display().to_string(),
            verdict: check.verdict,
            marking: check.marking,
            page: check.page,
            reason: check.reason,
            attribute: check.attribute,
            pages: check.pages,
            detail: check.detail,
        });
    }
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&rows)?),
        Format::Table => print_table(&rows),
    }
    Ok(if unreadable {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

/// Reads a file, but no more than one byte over `cap` (an oversized file is judged too big).
fn read_capped(path: &PathBuf, cap: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut out = Vec::new();
    file.take(cap as u64 + 1).read_to_end(&mut out)?;
    Ok(out)
}

fn verdict_label(v: Verdict) -> &'static str {
    match v {
        Verdict::Marked => "有标识",
        Verdict::Unmarked => "无标识",
        Verdict::Question => "待人工核查",
    }
}

fn print_table(rows: &[Row]) {
    println!("文件\t结论\t标识\t页码\t说明");
    for r in rows {
        println!(
            "{}\t{}\t{}\t{}\t{}",
            r.file,
            verdict_label(r.verdict),
            r.marking.as_deref().unwrap_or("-"),
            r.page.map(|p| p.to_string()).unwrap_or_else(|| "-".into()),
            r.detail
        );
    }
    let count = |v| rows.iter().filter(|r| r.verdict == v).count();
    println!(
        "共{}个文件：有标识{}个，无标识{}个，待人工核查{}个",
        rows.len(),
        count(Verdict::Marked),
        count(Verdict::Unmarked),
        count(Verdict::Question)
    );
}
