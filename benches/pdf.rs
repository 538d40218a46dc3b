//! Benchmark: per-file time of our marking check against poppler's `pdftotext` (a spawned
//! process reading the whole document) on the portal kit, and the peak memory of
//! `gongkai pdf check` on the decompression bomb (kit file 29) and on hostile files built in
//! memory (100,000 pages; as many pages as the object cap lets through).
//!
//! Run with `cargo bench --bench pdf`. Prints a table; no assertions.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gongkai::pdf::{check_pdf_sync, extract_lines, PdfLimits};

#[path = "../tests/it/support/hostile_pdf.rs"]
mod hostile;

fn kit_dir() -> PathBuf {
    let local = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let shared = if local.join("portal-kit/pdfs").is_dir() {
        local
    } else if let Ok(dir) = std::env::var("GONGKAI_SHARED") {
        PathBuf::from(dir)
    } else {
        PathBuf::from("/work/shared")
    };
    shared.join("portal-kit/pdfs")
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Peak resident set of the children waited for so far, in KB (Linux reports KB).
fn children_max_rss_kb() -> i64 {
    // SAFETY: getrusage only writes into the zeroed struct we pass.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) == 0 {
            usage.ru_maxrss
        } else {
            -1
        }
    }
}

/// Runs `gongkai pdf check --format json` on `bytes` (through a temporary file) and returns
/// its verdict line and the peak resident set of that one process, in MB.
// The child is reaped by `wait4`, which also reports its own peak (not the peak of all
// children so far, as `getrusage` does).
#[allow(clippy::zombie_processes)]
fn check_rss(exe: &str, bytes: &[u8]) -> (String, f64) {
    let file = tempfile::Builder::new()
        .suffix(".pdf")
        .tempfile()
        .expect("temp file");
    std::fs::write(file.path(), bytes).expect("write");
    let mut child = Command::new(exe)
        .args(["pdf", "check", "--format", "json"])
        .arg(file.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run gongkai");
    let mut out = String::new();
    if let Some(stdout) = child.stdout.as_mut() {
        use std::io::Read;
        let _ = stdout.read_to_string(&mut out);
    }
    // SAFETY: wait4 only writes into the zeroed structs we pass, for our own child.
    let rss_kb = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        let mut status = 0;
        if libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) > 0 {
            usage.ru_maxrss
        } else {
            -1
        }
    };
    let verdict = out
        .split([',', '{', '}'])
        .filter(|f| f.contains("\"verdict\"") || f.contains("\"reason\""))
        .collect::<Vec<_>>()
        .join(",");
    (verdict, rss_kb as f64 / 1024.0)
}

fn time_process(cmd: &mut Command, runs: usize) -> Option<Duration> {
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let status = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()?;
        times.push(start.elapsed());
        let _ = status;
    }
    Some(median(times))
}

fn main() {
    let dir = kit_dir();
    let exe = env!("CARGO_BIN_EXE_gongkai");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("kit dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    files.sort();

    // Peak memory first, before any other child process is waited for.
    let bomb = files.iter().find(|p| name(p).starts_with("29_")).cloned();
    if let Some(bomb) = &bomb {
        let out = Command::new(exe)
            .args(["pdf", "check", "--format", "json"])
            .arg(bomb)
            .stderr(Stdio::null())
            .output()
            .expect("run gongkai");
        let rss = children_max_rss_kb();
        println!(
            "peak RSS of `gongkai pdf check {}`: {:.1} MB (exit {:?}, limit 100 MB)",
            name(bomb),
            rss as f64 / 1024.0,
            out.status.code()
        );
    }

    let max_objects = PdfLimits::default().max_objects;
    for (what, bytes) in [
        ("100,000 pages", hostile::many_pages(100_000)),
        (
            "pages up to the object cap",
            hostile::many_pages((max_objects - 3) / 2),
        ),
    ] {
        let (verdict, rss) = check_rss(exe, &bytes);
        println!(
            "peak RSS of `gongkai pdf check` on {what} ({:.1} MB file): {rss:.1} MB ({verdict})",
            bytes.len() as f64 / 1048576.0
        );
    }

    let has_pdftotext = Command::new("pdftotext")
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    let limits = PdfLimits::default();
    println!();
    println!(
        "{:<42} {:>10} {:>10} {:>12} {:>13} {:>8} {:>8}  verdict",
        "file", "check ms", "whole ms", "ours proc ms", "pdftotext ms", "ratio", "whole"
    );
    let mut ratios = Vec::new();
    let mut whole_ratios = Vec::new();
    let (mut sum_ours, mut sum_pt) = (0.0, 0.0);
    for path in &files {
        let bytes = std::fs::read(path).expect("read");
        let first = check_pdf_sync(&bytes, &limits);
        let runs = 15;
        let ours = median(
            (0..runs)
                .map(|_| {
                    let start = Instant::now();
                    std::hint::black_box(check_pdf_sync(std::hint::black_box(&bytes), &limits));
                    start.elapsed()
                })
                .collect(),
        );
        // Every page's text, no early stop at the marking: the like-for-like read.
        let whole = median(
            (0..runs)
                .map(|_| {
                    let start = Instant::now();
                    std::hint::black_box(extract_lines(std::hint::black_box(&bytes), &limits));
                    start.elapsed()
                })
                .collect(),
        );
        let ours_proc = time_process(Command::new(exe).args(["pdf", "check"]).arg(path), 5);
        let pt = if has_pdftotext {
            time_process(Command::new("pdftotext").args(["-q"]).arg(path).arg("-"), 7)
        } else {
            None
        };
        let ratio = pt.map(|p| ms(p) / ms(ours).max(1e-6));
        let whole_ratio = pt.map(|p| ms(p) / ms(whole).max(1e-6));
        whole_ratios.extend(whole_ratio);
        if let Some(r) = ratio {
            ratios.push(r);
            sum_pt += ms(pt.unwrap_or_default());
        }
        sum_ours += ms(ours);
        println!(
            "{:<42} {:>10.3} {:>10.3} {:>12} {:>13} {:>8} {:>8}  {:?}{}",
            name(path),
            ms(ours),
            ms(whole),
            ours_proc
                .map(|d| format!("{:.2}", ms(d)))
                .unwrap_or("-".into()),
            pt.map(|d| format!("{:.2}", ms(d))).unwrap_or("-".into()),
            ratio.map(|r| format!("{r:.1}x")).unwrap_or("-".into()),
            whole_ratio
                .map(|r| format!("{r:.1}x"))
                .unwrap_or("-".into()),
            first.verdict,
            first.reason.map(|r| format!(" ({r})")).unwrap_or_default(),
        );
    }
    if !ratios.is_empty() {
        let geo = (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp();
        let min = ratios.iter().cloned().fold(f64::INFINITY, f64::min);
        println!();
        println!(
            "total: ours {:.1} ms, pdftotext {:.1} ms; per-file ratio geometric mean {:.1}x, minimum {:.1}x (target >= 3x)",
            sum_ours, sum_pt, geo, min
        );
        let wgeo =
            (whole_ratios.iter().map(|r| r.ln()).sum::<f64>() / whole_ratios.len() as f64).exp();
        let wmin = whole_ratios.iter().cloned().fold(f64::INFINITY, f64::min);
        println!(
            "whole document read (every page, no early stop): geometric mean {wgeo:.1}x, minimum {wmin:.1}x (target >= 3x)"
        );
    } else {
        println!("pdftotext not found: install poppler-utils (scripts/install-deps.sh)");
    }
}

fn name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
