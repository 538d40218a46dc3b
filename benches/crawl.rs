//! Crawls the whole fixture county with the rate limit lifted and reports pages/s, requests,
//! CPU time and peak memory, plus what a full run costs at the real portal's 2 requests/s.
//!
//! The fixture server runs on a runtime of its own, on threads named `fixture`, so that the
//! crawler's CPU is reported apart from the server's (a real portal's CPU is not ours).
//!
//! `cargo bench --bench crawl`

use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use gongkai::audit::{crawl, CrawlOptions, Progress};
use gongkai::config::PortalConfig;
use gongkai::fixture::FixtureServer;
use gongkai::store::Store;

fn rusage() -> (f64, f64) {
    // SAFETY: getrusage writes into the struct we pass; it is plain data.
    let mut r: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut r) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (
        secs(r.ru_utime) + secs(r.ru_stime),
        r.ru_maxrss as f64 / 1024.0,
    )
}

fn no_progress(_: Progress) {}

/// CPU seconds (user + system) of this process's threads whose name starts with `prefix`, read
/// from `/proc/self/task/*/stat` (clock ticks, 100 a second).
fn threads_cpu(prefix: &str) -> f64 {
    // SAFETY: sysconf reads a constant of the system; it takes no pointers.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let mut total = 0u64;
    for task in std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .flatten()
    {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue;
        };
        // "tid (comm) state ..." — the name may hold spaces; the fields follow the last ')'.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        if !stat[open + 1..close].starts_with(prefix) {
            continue;
        }
        let fields: Vec<&str> = stat[close + 2..].split(' ').collect();
        // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
        let field = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<u64>().ok())
                .unwrap_or(0)
        };
        total += field(11) + field(12);
    }
    total as f64 / ticks
}

/// The fixture server on its own runtime and threads; answers its base URL, and on `stop`
/// the number of requests it saw.
struct ServerThread {
    base_url: String,
    stop: tokio::sync::oneshot::Sender<()>,
    join: std::thread::JoinHandle<usize>,
}

fn start_server(root: PathBuf) -> ServerThread {
    let (tx, rx) = std::sync::mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let join = std::thread::Builder::new()
        .name("fixture".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .thread_name("fixture-blocking")
                // Blocking threads (file reads) live to the end, so their CPU is still counted.
                .thread_keep_alive(std::time::Duration::from_secs(3600))
                .build()
                .expect("fixture runtime");
            rt.block_on(async move {
                let server = FixtureServer::start(&root.join("fixtures/portal"))
                    .await
                    .expect("fixture server");
                tx.send(server.base_url()).expect("bench waits");
                let _ = stopped.await;
                server.requests().len()
            })
        })
        .expect("fixture thread");
    ServerThread {
        base_url: rx.recv().expect("fixture server started"),
        stop,
        join,
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    rt.block_on(async {
        let server = start_server(root.clone());
        let mut config =
            PortalConfig::load(&root.join("selectors/fixture.toml")).expect("fixture config");
        config.portal.base_url = server.base_url.parse().unwrap();
        config.crawl.rate_per_sec = 100_000.0;
        config.crawl.concurrency = 8;
        config.crawl.backoff_ms = 10;
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::connect(&format!("sqlite://{}", dir.path().join("b.db").display()))
            .await
            .expect("store");
        let (cpu0, _) = rusage();
        let server_cpu0 = threads_cpu("fixture");
        let t0 = Instant::now();
        let opts = CrawlOptions {
            config: config.clone(),
            config_path: "selectors/fixture.toml".into(),
            rubric: gongkai::rubric::Rubric::bundled_2020(),
            as_of: NaiveDate::from_ymd_opt(2020, 12, 15).expect("date"),
            resume: false,
            // The crawl's own cost is measured; the link check is its own step.
            check_links: false,
        };
        let summary = crawl(&store, opts, &no_progress).await.expect("crawl");
        let wall = t0.elapsed().as_secs_f64();
        let (cpu1, peak_mb) = rusage();
        let server_cpu = threads_cpu("fixture") - server_cpu0;
        let pages = store.pages(summary.run_id).await.expect("pages").len();
        let _ = server.stop.send(());
        let served = server.join.join().expect("fixture thread");
        println!("fixture county: {} units", config.units.len());
        println!("wall time        {wall:>10.2} s");
        println!("pages stored     {pages:>10}");
        println!(
            "requests made    {:>10} (server saw {served}; retries {})",
            summary.requests, summary.retries
        );
        println!(
            "bytes received   {:>10.1} MB",
            summary.bytes as f64 / 1_048_576.0
        );
        println!("pages/s          {:>10.1}", pages as f64 / wall);
        println!("requests/s       {:>10.1}", summary.requests as f64 / wall);
        let crawler_cpu = cpu1 - cpu0 - server_cpu;
        println!(
            "CPU time         {:>10.2} s (user+sys: crawler {crawler_cpu:.2} s, fixture server {server_cpu:.2} s)",
            cpu1 - cpu0
        );
        println!(
            "crawler CPU      {:>10.3} s per 1,000 requests",
            crawler_cpu * 1000.0 / summary.requests as f64
        );
        println!("peak memory      {peak_mb:>10.1} MB (max RSS of the process)");
        let per_unit = summary.requests as f64 / config.units.len() as f64;
        let at_rate = summary.requests as f64 / 2.0;
        println!(
            "at 2 requests/s this county takes {:.0} requests = {:.1} min ({per_unit:.1} per unit)",
            summary.requests,
            at_rate / 60.0
        );
    });
}
