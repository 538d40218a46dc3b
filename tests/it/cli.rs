//! The `gongkai` binary as scripts use it: exit codes, messages, and the findings JSON.

use std::path::PathBuf;
use std::process::Command;

use gongkai::fixture::FixtureServer;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gongkai"));
    c.env_remove("DATABASE_URL").env("RUST_LOG", "error");
    c
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_bad_config_exits_2_naming_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(root().join("selectors/fixture.toml"))
        .unwrap()
        .replace("year = 2020", "year = 1900");
    std::fs::write(&bad, text).unwrap();
    let out = bin()
        .args(["crawl", "--config"])
        .arg(&bad)
        .arg("--db")
        .arg(format!("sqlite://{}", dir.path().join("x.db").display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("portal.year"),
        "{err}"
    );
    let out = bin()
        .args(["crawl", "--config", "/nonexistent/x.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("无法读取配置文件"));
}

#[test]
fn a_bad_row_of_the_units_file_exits_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("selectors/fixture.toml")).unwrap();
    let head = &text[..text.find("[[units]]").unwrap()];
    let described = dir.path().join("portal.toml");
    std::fs::write(&described, format!("{head}[units]\nfile = \"units.csv\"\n")).unwrap();
    std::fs::write(
        dir.path().join("units.csv"),
        "名称,类别,别名,邮箱\n发改局,A,,fgj@example.cn\n工信局,A,,工信局\n",
    )
    .unwrap();
    let out = bin()
        .args(["crawl", "--config"])
        .arg(&described)
        .arg("--db")
        .arg(format!("sqlite://{}", dir.path().join("x.db").display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("units.csv") && err.contains("第 3 行") && err.contains("邮箱“工信局”"),
        "{err}"
    );
}

#[test]
fn findings_without_a_run_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["findings", "--format", "json", "--db"])
        .arg(format!(
            "sqlite://{}",
            dir.path().join("empty.db").display()
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("还没有完成的运行"));
}

#[test]
fn crawl_then_findings_json_has_the_documented_fields() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt
        .block_on(FixtureServer::start(&root().join("fixtures/portal")))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("c.db").display());
    // Only a few units, to keep it quick.
    let config = dir.path().join("small.toml");
    let text = std::fs::read_to_string(root().join("selectors/fixture.toml")).unwrap();
    let (head, units) = text.split_once("[[units]]").unwrap();
    let keep: Vec<&str> = units
        .split("[[units]]")
        .filter(|u| u.contains("\"大田坝镇\"") || u.contains("\"工信局\""))
        .collect();
    std::fs::write(
        &config,
        format!("{head}[[units]]{}", keep.join("[[units]]")),
    )
    .unwrap();
    let out = bin()
        .args(["crawl", "--as-of", "2020-12-15", "--json", "--config"])
        .arg(&config)
        .args(["--db", &db, "--base-url", &server.base_url()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["status"], "complete");
    let out = bin()
        .args(["findings", "--format", "json", "--db", &db])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!findings.is_empty());
    for f in &findings {
        for field in [
            "unit", "table", "section", "item", "points", "kind", "reason", "detail", "evidence",
            "status", "key",
        ] {
            assert!(f.get(field).is_some(), "{field} missing in {f}");
        }
        assert!(f["item"].is_u64());
        assert_eq!(f["status"], "draft");
        assert!(["township", "department"].contains(&f["table"].as_str().unwrap()));
        assert!(["deduction", "question"].contains(&f["kind"].as_str().unwrap()));
        for e in f["evidence"].as_array().unwrap() {
            assert!(e["url"].as_str().unwrap().starts_with("http://127.0.0.1"));
            assert!(e.get("excerpt").is_some());
        }
    }
    let guide = findings
        .iter()
        .find(|f| f["unit"] == "大田坝镇" && f["reason"] == "guide_missing")
        .expect("大田坝镇 has no guide");
    assert_eq!(guide["item"], 7);
    assert_eq!(guide["points"], 5.0);
    assert_eq!(guide["table"], "township");
    assert!(guide.get("decision").is_none());

    // Once an auditor decides, the JSON says so (suggested points stay as drafted).
    rt.block_on(async {
        let store = gongkai::store::Store::connect(&db).await.unwrap();
        let run = store.latest_finished_run().await.unwrap().unwrap();
        let finding = store
            .findings(run.id)
            .await
            .unwrap()
            .into_iter()
            .find(|f| f.unit == "大田坝镇" && f.reason == gongkai::model::Reason::GuideMissing)
            .unwrap();
        let input = gongkai::review::DecisionInput {
            action: gongkai::review::Action::Adjust,
            points: Some(4.0),
            note: "指南在其他栏目中找到部分内容".into(),
            version: 0,
        };
        gongkai::review::decide(
            &store,
            &gongkai::rubric::Rubric::bundled_2020(),
            "审核员甲",
            &finding,
            &input,
        )
        .await
        .unwrap();
    });
    let out = bin()
        .args([
            "findings",
            "--format",
            "json",
            "--unit",
            "大田坝镇",
            "--db",
            &db,
        ])
        .output()
        .unwrap();
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let guide = findings
        .iter()
        .find(|f| f["reason"] == "guide_missing")
        .unwrap();
    assert_eq!(guide["status"], "adjusted");
    assert_eq!(guide["points"], 5.0);
    assert_eq!(guide["decision"]["points"], 4.0);
    assert_eq!(guide["decision"]["by"], "审核员甲");
    drop(server);
}

/// Two counties in one database, 县乙 crawled last: `report` and `mail` given 县甲's description
/// work on 县甲's latest run, never on 县乙's; without a description they read the units as
/// the run recorded them.
#[test]
fn report_and_mail_take_the_run_of_the_portal_they_are_given() {
    use gongkai::config::PortalConfig;
    use gongkai::store::{RunStats, RunStatus, Store};
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("two.db").display());
    let a_path = root().join("selectors/fixture.toml");
    let a = PortalConfig::load(&a_path).unwrap();
    let mut b = a.clone();
    b.portal.name = "县乙人民政府".into();
    b.units.retain(|u| u.name == "工信局");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (run_a, run_b) = rt.block_on(async {
        let store = Store::connect(&db).await.unwrap();
        let mut ids = Vec::new();
        for c in [&a, &b] {
            let id = store
                .create_run(
                    &c.portal.name,
                    "gone.toml",
                    "http://127.0.0.1/",
                    2020,
                    "2020-12-15",
                )
                .await
                .unwrap();
            store
                .record_run_description(id, &c.recorded())
                .await
                .unwrap();
            store
                .finish_run(id, RunStatus::Complete, RunStats::default())
                .await
                .unwrap();
            ids.push(id);
        }
        store.close().await;
        (ids[0], ids[1])
    });
    assert!(run_b > run_a);

    let out_dir = dir.path().join("reports");
    let out = bin()
        .args(["report", "--all", "--db", &db, "--config"])
        .arg(&a_path)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(&format!("第 {run_a} 次运行")), "{said}");
    // Every unit of 县甲 has its report, not just 县乙's one unit.
    assert_eq!(
        std::fs::read_dir(&out_dir).unwrap().count(),
        a.units.len() + 1
    );

    let outbox = dir.path().join("outbox");
    let out = bin()
        .args(["mail", "--all", "--dry-run", "--db", &db, "--config"])
        .arg(&a_path)
        .arg("--outbox")
        .arg(&outbox)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let names: Vec<String> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.is_empty());
    assert!(
        names.iter().all(|n| n.contains(&format!("第{run_a}次"))),
        "{names:?}"
    );

    // A run of another portal than the description names is refused.
    let out = bin()
        .args([
            "report",
            "--all",
            "--db",
            &db,
            "--run",
            &run_b.to_string(),
            "--config",
        ])
        .arg(&a_path)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("县乙人民政府"));

    // Without a description: 县乙's latest run, with the units it recorded (its file is gone).
    let out_b = dir.path().join("reports-b");
    let out = bin()
        .args(["report", "--all", "--db", &db, "--out"])
        .arg(&out_b)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("第 {run_b} 次运行")));
    assert_eq!(std::fs::read_dir(&out_b).unwrap().count(), 2);
}

/// A bad value on the command line is refused like a bad file value: exit 2, the flag named.
#[test]
fn a_bad_override_exits_2_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("x.db").display());
    for (flag, value) in [
        ("--base-url", "ftp://x/"),
        ("--rate", "0"),
        ("--base-url", "not a url"),
    ] {
        let out = bin()
            .args(["crawl", "--config"])
            .arg(root().join("selectors/fixture.toml"))
            .args(["--db", &db, flag, value])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(flag) && err.contains("无效"), "{err}");
    }
    // A bad selector in the file: exit 2, the file and the key named.
    let bad = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(root().join("selectors/fixture.toml"))
        .unwrap()
        .replace("column_tree = \"", "column_tree = \"ul..[[");
    std::fs::write(&bad, text).unwrap();
    for cmd in ["crawl", "enqueue"] {
        let out = bin()
            .args([cmd, "--db", &db, "--config"])
            .arg(&bad)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("bad.toml") && err.contains("pages.column_tree"),
            "{err}"
        );
    }
}

/// An address of a database kind gongkai does not speak is a bad flag: exit 2, `--db` named,
/// its password not shown.
#[test]
fn an_unsupported_db_exits_2_naming_the_flag() {
    for cmd in ["crawl", "enqueue"] {
        let out = bin()
            .args([
                cmd,
                "--db",
                "mysql://audit:secret@db.example/gk",
                "--config",
            ])
            .arg(root().join("selectors/fixture.toml"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd} {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--db") && err.contains("不支持的数据库地址") && !err.contains("secret"),
            "{err}"
        );
    }
    let out = bin()
        .args(["findings", "--format", "json", "--db", "gongkai.db"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

/// The fixture description cut to its first `keep` units.
fn small_config(dir: &std::path::Path, keep: &[&str]) -> PathBuf {
    let config = dir.join("small.toml");
    let text = std::fs::read_to_string(root().join("selectors/fixture.toml")).unwrap();
    let (head, units) = text.split_once("[[units]]").unwrap();
    let kept: Vec<&str> = units
        .split("[[units]]")
        .filter(|u| keep.iter().any(|k| u.contains(&format!("\"{k}\""))))
        .collect();
    std::fs::write(
        &config,
        format!("{head}[[units]]{}", kept.join("[[units]]")),
    )
    .unwrap();
    config
}

/// One crawl per portal and database: while a (slow) crawl runs, a second `crawl`, a
/// `crawl --resume` and an `enqueue` of the same portal are refused with exit 2, naming the
/// running one (its run, host and process); the portal sees no request of theirs.
#[test]
fn a_second_crawl_of_a_running_portal_is_refused() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt
        .block_on(FixtureServer::start(&root().join("fixtures/portal")))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("lease.db").display());
    let config = small_config(dir.path(), &["大田坝镇", "工信局"]);
    let crawl = |extra: &[&str]| {
        let mut c = bin();
        c.args(["crawl", "--as-of", "2020-12-15", "--config"])
            .arg(&config)
            .args(["--db", &db, "--base-url", &server.base_url()])
            .args(extra);
        c
    };
    // Migrated before the first crawl starts (two processes would both migrate at once).
    let store = rt.block_on(gongkai::store::Store::connect(&db)).unwrap();
    // Two requests a second: the first crawl runs for far longer than this test.
    let mut first = crawl(&["--rate", "2"])
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(dir.path().join("first.err")).unwrap())
        .spawn()
        .unwrap();
    let pid = i64::from(first.id());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let held = loop {
        let lease = rt
            .block_on(store.crawl_lease("昌宁县人民政府（测试门户）", None))
            .unwrap();
        if let Some(l) = lease.as_ref().filter(|l| l.run_id.is_some()) {
            break l.clone();
        }
        assert!(
            std::time::Instant::now() < deadline && first.try_wait().unwrap().is_none(),
            "the first crawl never took its lease: {lease:?} {}",
            std::fs::read_to_string(dir.path().join("first.err")).unwrap_or_default()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(held.pid, pid);
    let run_id = held.run_id.unwrap();
    for extra in [&[][..], &["--resume"][..]] {
        let out = crawl(extra).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{extra:?} {out:?}");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr);
        for part in [
            "已有抓取在进行".to_string(),
            format!("第 {run_id} 次运行"),
            format!("进程 {pid}"),
            held.host.clone(),
        ] {
            assert!(err.contains(&part), "{part} missing in {err}");
        }
    }
    let out = bin()
        .args(["enqueue", "--as-of", "2020-12-15", "--db", &db, "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("已有抓取在进行"));
    // The refused ones created no run and left the first one's lease as it was.
    let runs = rt.block_on(store.runs()).unwrap();
    assert_eq!(runs.len(), 1, "{runs:?}");
    let still = rt
        .block_on(store.crawl_lease("昌宁县人民政府（测试门户）", None))
        .unwrap();
    assert_eq!(still.map(|l| l.holder), Some(held.holder));
    let _ = first.kill();
    let _ = first.wait();
}
