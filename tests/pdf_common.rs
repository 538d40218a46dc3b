//! Shared helpers for the PDF tests (included with `#[path]`, not a test target of its own).
#![allow(dead_code)]

use std::path::PathBuf;

/// The shared test-data directory: `$CARGO_MANIFEST_DIR/../shared`, else `$GONGKAI_SHARED`,
/// else `/work/shared`.
pub fn shared_dir() -> PathBuf {
    let local = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if local.join("portal-kit/pdfs").is_dir() {
        return local;
    }
    if let Ok(dir) = std::env::var("GONGKAI_SHARED") {
        return PathBuf::from(dir);
    }
    PathBuf::from("/work/shared")
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
