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

/// The amounts and caps moved to the rubric: a portal file that still sets one is refused
/// with a pointer to the rubric file, and `[rules]` keeps only how the portal is read.
#[test]
fn an_amount_in_rules_is_refused_with_a_pointer_to_the_rubric() {
    let text = format!("{}\n", fixture_text()).replacen(
        "[[units]]",
        "[rules]\npdf_sample_size = 10\npdf_unmarked_points = 0.5\n\n[[units]]",
        1,
    );
    let msg = error_of(&text);
    assert!(
        msg.contains("rules") && msg.contains("pdf_unmarked_points") && msg.contains("rubrics/"),
        "{msg}"
    );
    let text = format!("{}\n", fixture_text()).replacen(
        "[[units]]",
        "[rules]\npdf_sample_size = 12\nreply_day_count = \"working\"\n\n[[units]]",
        1,
    );
    let c = PortalConfig::parse(&text, Path::new("selectors/ok.toml")).unwrap();
    assert_eq!(c.rules.pdf_sample_size, 12);
}

/// A description recorded by a run made before the amounts moved (its `rules` carry them)
/// still reads: the old keys are dropped, everything else is kept.
#[test]
fn a_description_recorded_with_the_old_amounts_still_reads() {
    let c = PortalConfig::parse(&fixture_text(), Path::new("selectors/fixture.toml")).unwrap();
    let mut old: serde_json::Value = serde_json::from_str(&c.recorded()).unwrap();
    let rules = old["rules"].as_object_mut().unwrap();
    rules.insert("guide_cap".into(), 5.0.into());
    rules.insert("pdf_unmarked_points".into(), 0.5.into());
    rules.insert(
        "reply_delay_steps".into(),
        serde_json::json!([[3, 1.0], [5, 2.0], [7, 3.0]]),
    );
    let back = PortalConfig::from_recorded(&old.to_string(), 7).unwrap();
    assert_eq!(back.units.len(), c.units.len());
    assert_eq!(back.rules.pdf_sample_size, c.rules.pdf_sample_size);
    // Anything else unknown is still refused.
    old["rules"]
        .as_object_mut()
        .unwrap()
        .insert("speed".into(), 3.into());
    let err = PortalConfig::from_recorded(&old.to_string(), 7).unwrap_err();
    assert!(err.to_string().contains("speed"), "{err}");
}
