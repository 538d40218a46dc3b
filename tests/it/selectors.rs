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

/// A description that parses but cannot work is refused, naming the key and the problem:
/// each of these would otherwise draft wrong deductions or read nothing without a word.
#[test]
fn descriptions_that_cannot_work_are_refused() {
    let fixture = fixture_text();
    let units_at = fixture.find("[[units]]").unwrap();
    let cases: [(String, &str, &str); 11] = [
        (
            fixture.replace("platform = \"vsb\"", "platform = \"wordpress\""),
            "portal.platform",
            "vsb、trs、hanweb",
        ),
        (
            fixture.replace(
                r#"guide = { names = ["政府信息公开指南", "公开指南"], codes = ["gkzn"] }"#,
                "guide = { names = [], codes = [] }",
            ),
            "columns.guide",
            "不能都为空",
        ),
        (
            fixture.replace(
                r#"policy = { names = ["政策文件", "规范性文件"], codes = ["zcwj"] }"#,
                "policy = {}",
            ),
            "columns.policy",
            "不能都为空",
        ),
        (
            fixture.replace(
                r#"names = ["政府信息公开指南", "公开指南"]"#,
                r#"names = ["政府信息公开指南", " "]"#,
            ),
            "columns.guide.names",
            "空白",
        ),
        (
            fixture.replace(
                r#"pager_total_regex = '\d+\s*/\s*(\d+)'"#,
                r#"pager_total_regex = '\d+\s*/\s*\d+'"#,
            ),
            "pages.pager_total_regex",
            "捕获组",
        ),
        (
            fixture.replace(
                r#"page_url = "{stem}/{rev}.htm""#,
                r#"page_url = "{stem}/index.htm""#,
            ),
            "pages.page_url",
            "页码变量",
        ),
        (
            fixture.replace(
                r#"page_url = "{stem}/{rev}.htm""#,
                r#"page_url = "{stem}/{page}.htm""#,
            ),
            "pages.page_url",
            "{page}",
        ),
        (
            fixture.replace(
                r#"label_submitted = ["提交时间", "留言时间", "来信时间"]"#,
                "label_submitted = []",
            ),
            "messages.label_submitted",
            "至少",
        ),
        (
            fixture.replace(
                "[messages]\n",
                "[messages]\npager_total_regex = '共\\d+页'\n",
            ),
            "messages.pager_total_regex",
            "捕获组",
        ),
        (
            fixture.replace(
                "[messages]\n",
                "[messages]\npage_url = \"{stem}/more.htm\"\n",
            ),
            "messages.page_url",
            "页码变量",
        ),
        (fixture[..units_at].to_string(), "units", "[[units]]"),
    ];
    for (text, key, what) in cases {
        assert_ne!(text, fixture, "{key}: the case did not change the file");
        let msg = error_of(&text);
        assert!(
            msg.contains("selectors/bad.toml") && msg.contains(key) && msg.contains(what),
            "{key}: {msg}"
        );
    }
}

/// The platform is one of a closed list; it round-trips through the recorded form, and runs
/// recorded when it was free text (empty, or an unknown name) still read, without it.
#[test]
fn the_platform_is_known_and_old_records_still_read() {
    use gongkai::config::Platform;
    let c = PortalConfig::parse(&fixture_text(), Path::new("selectors/fixture.toml")).unwrap();
    assert_eq!(c.portal.platform, Some(Platform::Vsb));
    let back = PortalConfig::from_recorded(&c.recorded(), 1).unwrap();
    assert_eq!(back.portal.platform, Some(Platform::Vsb));
    let absent = PortalConfig::parse(
        &fixture_text().replace("platform = \"vsb\"\n", ""),
        Path::new("selectors/x.toml"),
    )
    .unwrap();
    assert_eq!(absent.portal.platform, None);
    let back = PortalConfig::from_recorded(&absent.recorded(), 1).unwrap();
    assert_eq!(back.portal.platform, None);
    for old in ["", "VSB 6.0"] {
        let mut v: serde_json::Value = serde_json::from_str(&c.recorded()).unwrap();
        v["portal"]["platform"] = old.into();
        let back = PortalConfig::from_recorded(&v.to_string(), 1).unwrap();
        assert_eq!(back.portal.platform, None, "{old:?}");
    }
}

/// The fixture's units as the office's list, with or without the site's codes.
fn units_csv(units: &[gongkai::config::UnitConfig], with_codes: bool) -> String {
    let mut text = String::from(if with_codes {
        "名称,类别,别名,邮箱,代码\r\n"
    } else {
        "名称,类别,别名,邮箱\r\n"
    });
    for u in units {
        let category = match u.class {
            None => "乡镇".to_string(),
            Some(c) => format!("{c:?}"),
        };
        text.push_str(&format!(
            "{},{category},\"{}\",{}",
            u.name,
            u.aliases.join(";"),
            u.emails.join("；")
        ));
        if with_codes {
            text.push_str(&format!(",{}", u.code.as_deref().unwrap_or("")));
        }
        text.push_str("\r\n");
    }
    text
}

/// fixture.toml with `[units] file = …` in place of its `[[units]]` tables.
fn fixture_with_units_file(file: &str) -> String {
    let text = fixture_text();
    let head = &text[..text.find("[[units]]").unwrap()];
    format!("{head}[units]\nfile = \"{file}\"\n")
}

#[test]
fn the_units_example_is_the_fixture_county_without_codes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let listed = PortalConfig::load(&root.join("selectors/fixture.toml")).unwrap();
    let csv = root.join("selectors/units-example.csv");
    assert!(std::fs::read(&csv).unwrap().starts_with(b"\xEF\xBB\xBF"));
    let read = gongkai::config::load_units_csv(&csv).unwrap();
    let mut expected = listed.units.clone();
    for u in &mut expected {
        u.code = None;
    }
    assert_eq!(read, expected);
}

#[test]
fn a_units_file_in_gbk_or_utf8_with_bom_loads_as_the_tables_do() {
    let listed = PortalConfig::parse(&fixture_text(), Path::new("selectors/fixture.toml")).unwrap();
    let mut units = listed.units.clone();
    units[0].emails = vec!["tyz@example.cn".into(), "gk@example.cn".into()];
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("名单")).unwrap();
    let text = units_csv(&units, true);
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    for (name, bytes) in [("gbk.csv", gbk.to_vec()), ("bom.csv", bom)] {
        std::fs::write(dir.path().join("名单").join(name), bytes).unwrap();
        let described = dir.path().join("portal.toml");
        std::fs::write(&described, fixture_with_units_file(&format!("名单/{name}"))).unwrap();
        let c = PortalConfig::load(&described).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(c.units, units, "{name}");
        // A run records the units themselves, not where they were read from.
        let recorded = c.recorded();
        assert!(!recorded.contains(name), "{recorded}");
        let back = PortalConfig::from_recorded(&recorded, 1).unwrap();
        assert_eq!(back.units, units, "{name}");
    }
    // Without codes each unit is found on the platform home by its names.
    std::fs::write(dir.path().join("plain.csv"), units_csv(&units, false)).unwrap();
    let described = dir.path().join("plain.toml");
    std::fs::write(&described, fixture_with_units_file("plain.csv")).unwrap();
    let c = PortalConfig::load(&described).unwrap();
    assert!(c.units.iter().all(|u| u.code.is_none()));
    assert!(!c.recorded().contains("\"code\""));
}

#[test]
fn a_bad_units_file_is_refused_naming_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let described = dir.path().join("portal.toml");
    std::fs::write(&described, fixture_with_units_file("units.csv")).unwrap();
    let load = |csv: &str| {
        std::fs::write(dir.path().join("units.csv"), csv).unwrap();
        PortalConfig::load(&described).unwrap_err().to_string()
    };
    let header = "名称,类别,别名,邮箱\n";
    let err = load(&format!("{header}田园镇,乡镇,,\n档案馆,C类,,\n"));
    assert!(
        err.contains("units.csv") && err.contains("第 3 行") && err.contains("类别"),
        "{err}"
    );
    let err = load(&format!("{header}田园镇,乡镇,,\n田园镇,乡镇,,\n"));
    assert!(err.contains("第 3 行") && err.contains("重复"), "{err}");
    let err = load("名称,类别,邮箱\n田园镇,乡镇,\n");
    assert!(err.contains("第 1 行") && err.contains("别名"), "{err}");
    // The file must be there, and `[units]` holds nothing but it.
    std::fs::remove_file(dir.path().join("units.csv")).unwrap();
    let err = PortalConfig::load(&described).unwrap_err().to_string();
    assert!(
        err.contains("portal.toml") && err.contains("units.file") && err.contains("units.csv"),
        "{err}"
    );
    let msg = error_of(&fixture_with_units_file("units.csv").replace("file =", "fil ="));
    assert!(msg.contains("units") && msg.contains("fil"), "{msg}");
    // A table inside `[[units]]` is still refused by its key.
    let msg = error_of(&fixture_text().replacen("code = \"tyz\"", "cod = \"tyz\"", 1));
    assert!(msg.contains("units[0]") && msg.contains("cod"), "{msg}");
}
