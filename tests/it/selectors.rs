//! Every shipped portal description loads, and bad ones are refused with the file and key named.

use std::path::Path;

use gongkai::config::PortalConfig;
use gongkai::model::Table;

#[test]
fn every_shipped_selector_file_loads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("selectors");
    let mut loaded = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let config = PortalConfig::load(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(!config.units.is_empty(), "{} has no units", path.display());
        loaded += 1;
    }
    assert!(loaded >= 2, "expected changning.toml and fixture.toml");
}

#[test]
fn changning_lists_the_notices_units() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("selectors/changning.toml");
    let config = PortalConfig::load(&path).unwrap();
    let towns = config
        .units
        .iter()
        .filter(|u| u.table == Table::Township)
        .count();
    let a = config
        .units
        .iter()
        .filter(|u| u.class == Some(gongkai::config::UnitClass::A))
        .count();
    let b = config
        .units
        .iter()
        .filter(|u| u.class == Some(gongkai::config::UnitClass::B))
        .count();
    assert_eq!((towns, a, b), (13, 26, 10));
    assert_eq!(
        config.unit_by_alias("县住建局").map(|u| u.name.as_str()),
        Some("住建局")
    );
    assert_eq!(
        config
            .unit_by_alias("昌宁县住房和城乡建设局")
            .map(|u| u.name.as_str()),
        Some("住建局")
    );
}

fn fixture_text() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("selectors/fixture.toml"))
        .unwrap()
}

fn error_of(text: &str) -> String {
    PortalConfig::parse(text, Path::new("selectors/bad.toml"))
        .unwrap_err()
        .to_string()
}

#[test]
fn bad_selector_is_named_with_file_and_key() {
    let text = fixture_text().replace(
        r#"column_tree = "ul.zfxxgk-tree""#,
        r#"column_tree = "ul..[[broken""#,
    );
    let msg = error_of(&text);
    assert!(msg.contains("selectors/bad.toml"), "{msg}");
    assert!(msg.contains("pages.column_tree"), "{msg}");
}

#[test]
fn department_without_class_is_refused() {
    let text = fixture_text().replacen("class = \"A\"\n", "", 1);
    let msg = error_of(&text);
    assert!(msg.contains("class"), "{msg}");
    assert!(msg.contains("县政府办公室"), "{msg}");
}

#[test]
fn unknown_key_and_bad_toml_are_refused() {
    let msg = error_of(&fixture_text().replace("[crawl]", "[crawl]\nspeed = 3"));
    assert!(msg.contains("speed"), "{msg}");
    let msg = error_of("[portal\nname=");
    assert!(msg.contains("格式错误"), "{msg}");
    let msg = error_of(&fixture_text().replace("rate_per_sec = 50.0", "rate_per_sec = 0.0"));
    assert!(msg.contains("crawl.rate_per_sec"), "{msg}");
}

#[test]
fn duplicate_unit_code_is_refused() {
    let text = fixture_text().replace("code = \"ktz\"", "code = \"tyz\"");
    let msg = error_of(&text);
    assert!(msg.contains("tyz") && msg.contains("重复"), "{msg}");
}

#[test]
fn a_bad_monitor_schedule_is_refused() {
    let text = format!("{}\n", fixture_text()).replacen(
        "[[units]]",
        "[monitor]\nschedule = \"every night\"\n\n[[units]]",
        1,
    );
    let msg = error_of(&text);
    assert!(msg.contains("monitor.schedule"), "{msg}");
}
