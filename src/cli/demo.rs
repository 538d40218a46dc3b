//! `gongkai demo`: the main job on the bundled fixture portal, served on loopback.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use gongkai::audit::CrawlOptions;
use gongkai::config::{Overrides, PortalConfig};
use gongkai::fixture::FixtureServer;
use gongkai::store::Store;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 数据库地址（默认 ./gongkai-demo.db，每次演示前清空）
    #[arg(long)]
    pub db: Option<String>,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config_path = root.join("selectors/fixture.toml");
    let db = match args.db {
        Some(db) => db,
        None => {
            let file = std::env::current_dir()?.join("gongkai-demo.db");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
            format!("sqlite://{}", file.display())
        }
    };
    let as_of = NaiveDate::from_ymd_opt(2020, 12, 15).context("日期")?;
    let summary = {
        let server = FixtureServer::start(&root.join("fixtures/portal"))
            .await
            .context("无法启动测试门户")?;
        let overrides = Overrides {
            base_url: Some(server.base_url()),
            rate: None,
        };
        let config = PortalConfig::load_with(&config_path, &overrides)?;
        println!(
            "测试门户已在 {} 启动（截止日期 {as_of}）",
            server.base_url()
        );
        let store = Store::connect(&db).await?;
        let opts = CrawlOptions::new(config, config_path.display().to_string(), as_of);
        let summary = super::crawl::run_crawl(&store, opts).await?;
        server.stop().await;
        summary
    };
    super::crawl::print_summary(&summary, &db);
    // The fixture plants a dead link on purpose, so its run is partial by design: the demo
    // succeeds when the run finished at all.
    if summary.status == gongkai::store::RunStatus::Partial {
        println!("（测试门户故意设置了失效链接，因此本次运行为“部分完成”。）");
    }
    Ok(match summary.status {
        gongkai::store::RunStatus::Complete | gongkai::store::RunStatus::Partial => {
            ExitCode::SUCCESS
        }
        _ => ExitCode::from(1),
    })
}
