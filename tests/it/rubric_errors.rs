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

/// The message of a rubric changed by `from` → `to` (first occurrence), loaded from a file.
/// The 1-based line of the bundled rubric where `text` first appears (the line the parser names).
fn line_of(text: &str) -> usize {
    let at = CHANGNING_2020_TOML.find(text).expect("text in the rubric");
    let at = at + usize::from(text.starts_with('\n'));
    CHANGNING_2020_TOML[..at].matches('\n').count() + 1
}

fn invalid(from: &str, to: &str) -> String {
    let err = load_modified(from, to);
    assert!(matches!(err, RubricError::Invalid { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("bad.toml"), "{msg}");
    msg
}

#[test]
fn unknown_check_name_is_a_parse_error_naming_the_line_and_the_name() {
    let err = load_modified("\ncheck = \"guide\"\n", "\ncheck = \"guid\"\n");
    let msg = err.to_string();
    assert!(matches!(err, RubricError::Parse { .. }), "{msg}");
    let line = line_of("\ncheck = \"guide\"\n");
    assert!(
        msg.contains("bad.toml") && msg.contains(&format!("line {line}")) && msg.contains("guid"),
        "{msg}"
    );
}

#[test]
fn unknown_deduct_key_is_a_parse_error_naming_the_key() {
    let err = load_modified("part_missing = 1", "part_mising = 1");
    let msg = err.to_string();
    assert!(matches!(err, RubricError::Parse { .. }), "{msg}");
    let line = line_of("part_missing = 1");
    assert!(
        msg.contains("part_mising") && msg.contains(&format!("line {line}")),
        "{msg}"
    );
}

#[test]
fn a_check_named_twice_in_a_table_is_refused() {
    let msg = invalid(
        "check = \"finance\"\ndeduct = { part_missing = 1 }",
        "check = \"guide\"\ndeduct = { missing = 3, element_missing = 0.5, outdated = 1 }",
    );
    assert!(
        msg.contains("township.items[9].check") && msg.contains("guide") && msg.contains("第7项"),
        "{msg}"
    );
}

#[test]
fn a_check_on_no_item_is_refused() {
    let msg = invalid(
        "source = \"check\"\ncheck = \"replies\"\ndeduct = { delay_steps = [[3, 1], [5, 2], [7, 3]] }",
        "source = \"auditor\"",
    );
    assert!(
        msg.contains("township.items") && msg.contains("replies"),
        "{msg}"
    );
}

#[test]
fn a_checked_item_must_name_its_check() {
    let msg = invalid(
        "source = \"check\"\ncheck = \"guide\"\n",
        "source = \"check\"\n",
    );
    assert!(msg.contains("township.items[6]"), "{msg}");
}

#[test]
fn an_amount_above_the_items_points_is_refused() {
    let msg = invalid("per_file = 0.5", "per_file = 6");
    assert!(
        msg.contains("township.items[16].deduct.per_file") && msg.contains("超过第17项的分值5"),
        "{msg}"
    );
}

#[test]
fn a_missing_or_zero_amount_is_refused() {
    let msg = invalid("part_missing = 1", "part_missing = 0");
    assert!(
        msg.contains("township.items[9].deduct.part_missing") && msg.contains("大于0"),
        "{msg}"
    );
    let msg = invalid(
        "missing = 5, element_missing = 0.5, outdated = 1",
        "missing = 5, outdated = 1",
    );
    assert!(
        msg.contains("township.items[6].deduct.element_missing"),
        "{msg}"
    );
}

#[test]
fn an_amount_the_check_does_not_read_is_refused() {
    let msg = invalid("part_missing = 1", "part_missing = 1, per_file = 0.5");
    assert!(
        msg.contains("township.items[9].deduct.per_file") && msg.contains("part_missing"),
        "{msg}"
    );
}

#[test]
fn deductions_on_an_item_without_a_check_are_refused() {
    let msg = invalid(
        "source = \"auditor\"\n",
        "source = \"auditor\"\ndeduct = { missing = 1 }\n",
    );
    assert!(msg.contains("township.items[0].deduct"), "{msg}");
}

#[test]
fn delay_steps_must_rise() {
    let msg = invalid("[[3, 1], [5, 2], [7, 3]]", "[[3, 1], [3, 2], [7, 3]]");
    assert!(
        msg.contains("township.items[27].deduct.delay_steps[1]") && msg.contains("递增"),
        "{msg}"
    );
    let msg = invalid("[[3, 1], [5, 2], [7, 3]]", "[[3, 1], [5, 2], [7, 7]]");
    assert!(
        msg.contains("township.items[27].deduct.delay_steps[2]") && msg.contains("超过"),
        "{msg}"
    );
}

#[test]
fn the_nondisclosable_penalty_must_be_named_once_and_only_on_a_penalty() {
    let msg = invalid("check = \"nondisclosable\"\n", "");
    assert!(
        msg.contains("penalty") && msg.contains("nondisclosable"),
        "{msg}"
    );
    let msg = invalid("check = \"nondisclosable\"\n", "check = \"guide\"\n");
    assert!(
        msg.contains("penalty[6].check") && msg.contains("guide"),
        "{msg}"
    );
    let msg = invalid("\ncheck = \"guide\"\n", "\ncheck = \"nondisclosable\"\n");
    assert!(
        msg.contains("township.items[6].check") && msg.contains("扣分项目"),
        "{msg}"
    );
}
