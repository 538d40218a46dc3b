//! Shared helpers for the PDF tests, and the one setting that finds `../shared` (also included
//! with `#[path]` by the PDF tests that need a process of their own: fuzz and memory).
#![allow(dead_code)]

use std::path::PathBuf;

/// The variable that points the tests at the shared test data (the notice, the portal kit).
pub const SHARED_VAR: &str = "GONGKAI_SHARED";

/// The shared test-data directory: `$GONGKAI_SHARED`, else `$CARGO_MANIFEST_DIR/../shared`.
/// Panics with a message saying how to point at it when neither holds the data: the tests that
/// read it check the product against the notice and the kit, and must not pass without them.
pub fn shared_dir() -> PathBuf {
    let dir = std::env::var_os(SHARED_VAR)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    assert!(
        dir.join("seed").is_dir(),
        "the shared test data is not at {} (set {SHARED_VAR} to the folder that holds seed/ and \
         portal-kit/)",
        dir.display()
    );
    dir
}

/// The kit's PDF directory.
pub fn kit_dir() -> PathBuf {
    shared_dir().join("portal-kit/pdfs")
}

/// Reads one kit file by its number prefix, e.g. "01".
pub fn kit_file(prefix: &str) -> (String, Vec<u8>) {
    let dir = kit_dir();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("kit dir {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "pdf")
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&format!("{prefix}_")))
        })
        .collect();
    entries.sort();
    let path = entries
        .first()
        .unwrap_or_else(|| panic!("no kit file {prefix}_*.pdf"))
        .clone();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    (name, std::fs::read(&path).unwrap())
}
