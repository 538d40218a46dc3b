//! `gongkai user add`: the web form's rules for names and passwords, said in Chinese, exit 2.

use std::io::Write;
use std::process::{Command, Stdio};

fn user_add(db: &str, name: &str, password: &str) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "error")
        .args(["user", "add", name, "--role", "auditor", "--db", db])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // A refused name exits before reading the password: the pipe may be closed by then.
    let _ = writeln!(stdin, "{password}");
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn user_add_applies_the_name_and_password_rules() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("u.db").display());
    let good = "审核工作 2020年";
    let (code, err) = user_add(&db, "ａｄｍｉｎ", good);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("已新增账户 admin"), "NFKC: {err}");
    for (name, password, says) in [
        ("\u{430}dmin", good, "与已有账户“admin”看起来相同"),
        ("admin", good, "用户名“admin”已被使用"),
        ("ad\u{200B}min2", good, "不可见字符"),
        ("审核员乙", "abcdefghijkl", "太单一"),
        ("审核员乙", "short 1", "太短"),
        ("auditor", "auditor 2020", "与用户名相同或包含用户名"),
    ] {
        let (code, err) = user_add(&db, name, password);
        assert_eq!(code, Some(2), "{name:?}: {err}");
        assert!(err.contains(says), "{name:?}: {err}");
    }
    let long = "长".repeat(33);
    let (code, err) = user_add(&db, &long, good);
    assert_eq!(code, Some(2));
    assert!(err.contains("最长 32 个字符"), "{err}");
}
