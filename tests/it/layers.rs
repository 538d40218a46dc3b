//! The house rules, read from the source: which layer may import which. A change that breaks
//! one fails here with the file and the import, before it settles in.
//!
//! - the crawler only crawls: it never reaches the checks, the audit that composes it, nor the
//!   review, reports, mail, web or monitoring above it;
//! - only the store speaks SQL (`sqlx`);
//! - the pure layers (model, snapshot, extract, pdf, checks, score, rubric) do no I/O: no
//!   database, network, runtime or file system, and no layer that does;
//! - test scaffolding (`fixture`) is used by no product module.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use regex::Regex;

/// A source file of the library with the top-level module it belongs to.
struct Source {
    path: PathBuf,
    module: String,
    /// The code without comments.
    code: String,
}

fn sources() -> Vec<Source> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap();
            let first = rel.components().next().unwrap().as_os_str();
            let module = first.to_string_lossy().trim_end_matches(".rs").to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            out.push(Source {
                path: rel.to_path_buf(),
                module,
                code: strip_comments(&text),
            });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Drops `//` comments (doc comments included) so that prose naming a layer is not an import.
fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            // A `//` inside a string (a URL) is rare in imports; keep lines with quotes whole.
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The crate modules a file refers to (`crate::x`), and the outside crates or std parts from
/// the watched list that it uses.
fn uses(code: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let internal = Regex::new(r"\bcrate::([a-z_]+)").unwrap();
    let external =
        Regex::new(r"\b(sqlx|tokio|reqwest|axum|lettre|std::fs|std::net|std::process)\b").unwrap();
    let modules = internal
        .captures_iter(code)
        .map(|c| c[1].to_string())
        .collect();
    let crates = external
        .captures_iter(code)
        .map(|c| c[1].to_string())
        .collect();
    (modules, crates)
}

const PURE: &[&str] = &[
    "model", "snapshot", "extract", "pdf", "checks", "score", "rubric",
];
const IO_LAYERS: &[&str] = &[
    "store", "crawl", "audit", "review", "report", "mail", "web", "monitor", "fixture", "cli",
];

fn violations(sources: &[Source]) -> Vec<String> {
    let mut out = Vec::new();
    for s in sources {
        let (modules, crates) = uses(&s.code);
        let mut deny = |what: &str, rule: &str| {
            out.push(format!("{}: uses {what} ({rule})", s.path.display()));
        };
        let m = s.module.as_str();
        if m == "crawl" {
            for bad in [
                "checks", "audit", "review", "report", "mail", "web", "monitor", "score",
            ] {
                if modules.contains(bad) {
                    deny(&format!("crate::{bad}"), "the crawler only crawls");
                }
            }
        }
        if crates.contains("sqlx") && m != "store" {
            deny("sqlx", "only the store speaks SQL");
        }
        if PURE.contains(&m) {
            for bad in IO_LAYERS {
                if modules.contains(*bad) {
                    deny(&format!("crate::{bad}"), "a pure layer does no I/O");
                }
            }
            for c in &crates {
                deny(c, "a pure layer does no I/O");
            }
        }
        if m != "fixture" && modules.contains("fixture") {
            deny(
                "crate::fixture",
                "test scaffolding stays out of the product",
            );
        }
    }
    out
}

#[test]
fn every_layer_keeps_to_its_imports() {
    let found = violations(&sources());
    assert!(
        found.is_empty(),
        "import rules broken:\n{}",
        found.join("\n")
    );
}

/// The rules can fail: a planted file of each kind is caught, and prose is not an import.
#[test]
fn the_rules_catch_planted_imports() {
    let plant = |module: &str, code: &str| Source {
        path: PathBuf::from(format!("{module}/planted.rs")),
        module: module.to_string(),
        code: strip_comments(code),
    };
    let planted = [
        plant("crawl", "use crate::checks::run_all;"),
        plant("crawl", "use crate::audit::crawl;"),
        plant("checks", "let x = sqlx::query(\"\");"),
        plant("pdf", "tokio::task::spawn_blocking(f);"),
        plant("score", "let b = std::fs::read(path);"),
        plant("extract", "use crate::store::Store;"),
        plant("review", "use crate::fixture::FixtureServer;"),
        plant("web", "use sqlx::Row;"),
    ];
    for p in &planted {
        assert!(
            !violations(std::slice::from_ref(p)).is_empty(),
            "{}: {}",
            p.module,
            p.code
        );
    }
    let fine = [
        plant(
            "crawl",
            "/// the checks (crate::checks) read what we store; sqlx too",
        ),
        plant("store", "use sqlx::Row;"),
        plant(
            "audit",
            "use crate::checks::run_all; use crate::crawl::Recorder;",
        ),
        plant("checks", "use crate::config::PortalConfig;"),
        plant("pdf", "let t = std::thread::spawn(f);"),
    ];
    assert!(violations(&fine).is_empty(), "{:?}", violations(&fine));
}
