//! The commands as an operator runs them: `gongkai enqueue`, then two `gongkai worker`
//! processes on one PostgreSQL; one is killed with SIGKILL halfway, the other finishes the run.

use crate::support::pg_common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gongkai::store::{RunStatus, Store};
use pg_common::{busiest_second, compare, fixture, ground_truth, root, PgDb};

fn gongkai() -> Command {
    // GONGKAI_BIN: a binary of this tree when a shared target dir's uplifted one is another's.
    let bin = std::env::var("GONGKAI_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_gongkai").into());
    let mut c = Command::new(bin);
    c.env_remove("DATABASE_URL").env("RUST_LOG", "error");
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enqueue_then_two_worker_processes_one_killed() {
    let Some(db) = PgDb::fresh("workers_cli").await else {
        return;
    };
    let (server, _config) = fixture().await;
    let config = root().join("selectors/fixture.toml");
    let out = gongkai()
        .args([
            "enqueue",
            "--db",
            &db.url,
            "--as-of",
            "2020-12-15",
            "--base-url",
        ])
        .arg(server.base_url())
        .arg("--config")
        .arg(&config)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("已排入第 1 次运行"), "{text}");

    let worker = |name: &str| {
        gongkai()
            .args([
                "worker",
                "--db",
                &db.url,
                "--lease-secs",
                "3",
                "--rate",
                "80",
            ])
            .args(["--name", name, "--config"])
            .arg(&config)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut a = worker("A");
    let b = worker("B");
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.requests().len() < 300 {
        assert!(Instant::now() < deadline, "no progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    a.kill().unwrap();
    a.wait().unwrap();
    let out = tokio::task::spawn_blocking(move || b.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // Exit 1: the run is partial (the planted dead link), as a single crawl would say.
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("第 1 次运行：部分完成"), "{text}");

    let store = Store::connect(&db.url).await.unwrap();
    let run = store.run(1).await.unwrap();
    assert_eq!(run.status, RunStatus::Partial);
    let problems = compare(&store.findings(1).await.unwrap(), &ground_truth());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Turns are granted at 80 a second; measured where the requests land, one delayed in flight
    // can fall into the next second's window: one request of jitter besides the burst of one.
    let busiest = busiest_second(&server.requests());
    assert!(busiest <= 82, "{busiest} requests within 1 s");
    store.close().await;
    db.drop_now().await;
}
