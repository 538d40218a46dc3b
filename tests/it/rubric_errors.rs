//! Bad rubric files give errors that name the file, the key and what is wrong.

use std::path::Path;

use gongkai::rubric::{Rubric, RubricError, CHANGNING_2020_TOML};

fn load_modified(from: &str, to: &str) -> RubricError {
    assert!(CHANGNING_2020_TOML.contains(from), "{from}");
    let text = CHANGNING_2020_TOML.replacen(from, to, 1);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, text).unwrap();
    gongkai::config::load_rubric(&path).unwrap_err()
}

#[test]
fn points_not_adding_up_name_the_group() {
    let text = CHANGNING_2020_TOML.replacen("points = 4\nstandard", "points = 5\nstandard", 1);
    let err = Rubric::from_toml(&text, Path::new("x.toml")).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("x.toml"), "{msg}");
    assert!(msg.contains("township.groups[0].points"), "{msg}");
    assert!(msg.contains("组织保障"), "{msg}");
}

#[test]
fn quotas_must_add_to_100() {
    let msg = load_modified("percent = 50", "percent = 40").to_string();
    assert!(
        msg.contains("bad.toml")
            && msg.contains("grading.department_quotas")
            && msg.contains("90%"),
        "{msg}"
    );
}

#[test]
fn unknown_rounding_is_a_parse_error_naming_the_line() {
    let err = load_modified("method = \"nearest-front-first\"", "method = \"banker\"");
    let msg = err.to_string();
    assert!(matches!(err, RubricError::Parse { .. }));
    assert!(
        msg.contains("bad.toml") && msg.contains("line 68") && msg.contains("banker"),
        "{msg}"
    );
}

#[test]
fn missing_file_names_the_file() {
    let err = gongkai::config::load_rubric("/nonexistent/rubric.toml").unwrap_err();
    assert!(err.to_string().contains("/nonexistent/rubric.toml"));
}
