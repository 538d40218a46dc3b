//! Every file of the portal kit gets its verdict; the CLI's output and exit codes.

use crate::support::pdf_common as common;

use gongkai::crawl::check_pdf;
use gongkai::pdf::{check_pdf_sync, extract_lines, Attribute, PdfLimits, PdfQuestion, Verdict};

/// (file prefix, expected verdict, marking page, attribute; None = question allowed).
const EXPECTED: &[(&str, Verdict, Option<u32>, Option<Attribute>)] = &[
    (
        "01",
        Verdict::Marked,
        Some(3),
        Some(Attribute::PublicRelease),
    ),
    ("02", Verdict::Unmarked, None, None),
    ("03", Verdict::Marked, Some(3), Some(Attribute::Active)),
    (
        "04",
        Verdict::Marked,
        Some(3),
        Some(Attribute::PublicRelease),
    ),
    (
        "05",
        Verdict::Marked,
        Some(3),
        Some(Attribute::PublicRelease),
    ),
    ("06", Verdict::Marked, Some(3), Some(Attribute::OnRequest)),
    ("07", Verdict::Marked, None, Some(Attribute::Active)),
    ("08", Verdict::Marked, None, Some(Attribute::NotDisclosed)),
    ("09", Verdict::Question, None, None),
    (
        "10",
        Verdict::Marked,
        Some(3),
        Some(Attribute::PublicRelease),
    ),
    (
        "11",
        Verdict::Marked,
        Some(3),
        Some(Attribute::PublicRelease),
    ),
    ("12", Verdict::Question, None, None),
    ("13", Verdict::Question, None, None),
    ("14", Verdict::Marked, None, Some(Attribute::PublicRelease)),
    (
        "16",
        Verdict::Marked,
        Some(3),
        Some(Attribute::PublicRelease),
    ),
    ("17", Verdict::Question, None, None),
    ("18", Verdict::Unmarked, None, None),
    (
        "19",
        Verdict::Marked,
        Some(3),
        Some(Attribute::PublicRelease),
    ),
    (
        "20",
        Verdict::Marked,
        Some(3),
        Some(Attribute::PublicRelease),
    ),
    (
        "21",
        Verdict::Marked,
        Some(3),
        Some(Attribute::PublicRelease),
    ),
    ("22", Verdict::Marked, None, Some(Attribute::PublicRelease)),
    (
        "23",
        Verdict::Marked,
        Some(34),
        Some(Attribute::PublicRelease),
    ),
    ("24", Verdict::Marked, None, Some(Attribute::PublicRelease)),
    // No /ToUnicode: read through the embedded TrueType font's cmap.
    (
        "25",
        Verdict::Marked,
        Some(3),
        Some(Attribute::PublicRelease),
    ),
    ("26", Verdict::Marked, None, Some(Attribute::Active)),
    (
        "27",
        Verdict::Marked,
        Some(3),
        Some(Attribute::PublicRelease),
    ),
    (
        "28",
        Verdict::Marked,
        Some(3),
        Some(Attribute::PublicRelease),
    ),
    ("29", Verdict::Question, None, None),
];

/// "marked (hard)": marked or question, never unmarked.
const HARD: &[&str] = &["15", "25"];

#[test]
fn every_kit_file_gets_its_verdict() {
    let limits = PdfLimits::default();
    let mut failures = Vec::new();
    for &(prefix, verdict, page, attr) in EXPECTED {
        let (name, bytes) = common::kit_file(prefix);
        let got = check_pdf_sync(&bytes, &limits);
        let ok = got.verdict == verdict
            && (page.is_none() || got.page == page)
            && (attr.is_none() || got.attribute == attr)
            && (verdict != Verdict::Question || got.reason.is_some())
            && (verdict != Verdict::Marked || got.marking.is_some());
        if !ok {
            failures.push(format!(
                "{name}: expected {verdict:?} {page:?} {attr:?}, got {got:?}"
            ));
        }
    }
    for &prefix in HARD {
        let (name, bytes) = common::kit_file(prefix);
        let got = check_pdf_sync(&bytes, &limits);
        if got.verdict == Verdict::Unmarked {
            failures.push(format!("{name}: a marked file came out unmarked: {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// File 25 is file 24 without /ToUnicode: reading the embedded font's cmap must give the
/// same text, page for page.
#[test]
fn truetype_cmap_reads_like_tounicode() {
    let limits = PdfLimits::default();
    let with = extract_lines(&common::kit_file("24").1, &limits);
    let without = extract_lines(&common::kit_file("25").1, &limits);
    assert!(with.len() > 10, "{with:?}");
    assert_eq!(with, without);
    let got = check_pdf_sync(&common::kit_file("25").1, &limits);
    assert_eq!(got.marking.as_deref(), Some("（此件公开发布）"), "{got:?}");
}

#[test]
fn question_reasons_are_specific() {
    let limits = PdfLimits::default();
    for (prefix, reason) in [
        ("09", PdfQuestion::ImageOnly),
        ("12", PdfQuestion::Broken),
        ("17", PdfQuestion::Garbled),
        ("29", PdfQuestion::TooBig),
    ] {
        let (name, bytes) = common::kit_file(prefix);
        let got = check_pdf_sync(&bytes, &limits);
        assert_eq!(got.reason, Some(reason), "{name}: {got:?}");
        assert!(!got.detail.is_empty());
    }
}

#[test]
fn not_pdf_and_too_big() {
    let got = check_pdf_sync(b"<html>not a pdf</html>", &PdfLimits::default());
    assert_eq!(got.reason, Some(PdfQuestion::NotPdf));
    let limits = PdfLimits {
        max_file_bytes: 1000,
        ..PdfLimits::default()
    };
    let (_, bytes) = common::kit_file("01");
    assert_eq!(
        check_pdf_sync(&bytes, &limits).reason,
        Some(PdfQuestion::TooBig)
    );
}

#[test]
fn zero_time_limit_gives_timeout_not_unmarked() {
    let limits = PdfLimits {
        time_limit: std::time::Duration::ZERO,
        ..PdfLimits::default()
    };
    let (_, bytes) = common::kit_file("23");
    let got = check_pdf_sync(&bytes, &limits);
    assert_eq!(got.verdict, Verdict::Question, "{got:?}");
    assert_eq!(got.reason, Some(PdfQuestion::Timeout));
}

#[test]
fn over_the_page_cap_a_marking_on_a_read_page_counts_and_none_is_a_question() {
    let limits = |max_pages| PdfLimits {
        max_pages,
        ..PdfLimits::default()
    };
    // Kit file 06: marked on page 3 of 8, read up to page 3.
    let got = check_pdf_sync(&common::kit_file("06").1, &limits(3));
    assert_eq!(got.verdict, Verdict::Marked, "{got:?}");
    assert_eq!(got.page, Some(3));
    // Kit file 23: marked on page 34 of 34, read up to page 10: never unmarked.
    let got = check_pdf_sync(&common::kit_file("23").1, &limits(10));
    assert_eq!(got.verdict, Verdict::Question, "{got:?}");
    assert_eq!(got.reason, Some(PdfQuestion::TooManyPages));
    assert_eq!(got.pages, 34);
    assert!(
        got.detail.contains("共34页") && got.detail.contains("前10页"),
        "{got:?}"
    );
}

#[test]
fn over_the_object_cap_is_a_question_before_loading() {
    let limits = PdfLimits {
        max_objects: 100,
        ..PdfLimits::default()
    };
    // Kit file 23 holds 122 objects.
    let got = check_pdf_sync(&common::kit_file("23").1, &limits);
    assert_eq!(got.verdict, Verdict::Question, "{got:?}");
    assert_eq!(got.reason, Some(PdfQuestion::TooManyObjects));
    assert!(got.detail.contains("对象数量"), "{got:?}");
}

#[tokio::test]
async fn async_check_matches_sync() {
    let (_, bytes) = common::kit_file("19");
    let got = check_pdf(bytes::Bytes::from(bytes.clone()), PdfLimits::default()).await;
    assert_eq!(got, check_pdf_sync(&bytes, &PdfLimits::default()));
    assert_eq!(got.verdict, Verdict::Marked);
}

#[test]
fn cli_json_and_exit_codes() {
    let exe = env!("CARGO_BIN_EXE_gongkai");
    let dir = common::kit_dir();
    let out = std::process::Command::new(exe)
        .args(["pdf", "check", "--format", "json"])
        .arg(dir.join("01_marked_last_fullwidth.pdf"))
        .arg(dir.join("09_scanned_image_only.pdf"))
        .arg(dir.join("02_unmarked.pdf"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["verdict"], "marked");
    assert_eq!(rows[0]["marking"], "（此件公开发布）");
    assert_eq!(rows[0]["page"], 3);
    assert!(rows[0]["reason"].is_null());
    assert_eq!(rows[1]["verdict"], "question");
    assert_eq!(rows[1]["reason"], "image_only");
    assert!(rows[1]["page"].is_null());
    assert_eq!(rows[2]["verdict"], "unmarked");
    assert!(rows[2]["marking"].is_null());

    let missing = std::process::Command::new(exe)
        .args(["pdf", "check", "/nonexistent/file.pdf"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(3));

    let usage = std::process::Command::new(exe)
        .args(["pdf", "check", "--format", "xml", "a.pdf"])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
    let usage = std::process::Command::new(exe)
        .args(["pdf", "check"])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));

    let table = std::process::Command::new(exe)
        .args(["pdf", "check"])
        .arg(dir.join("01_marked_last_fullwidth.pdf"))
        .output()
        .unwrap();
    assert_eq!(table.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&table.stdout).contains("有标识"));
}
