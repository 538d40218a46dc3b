//! `gongkai serve`: the auditors' review web UI.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use gongkai::config::PortalConfig;
use gongkai::monitor::schedule::{run_scheduler, CrawlJob};
use gongkai::web::{AppConfig, Application};

use super::args::DbArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    db: DbArgs,
    /// 监听地址
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: String,
    /// 门户配置（用于列出全部单位及其 A/B 类别；并按其 [monitor] 定时抓取）
    #[arg(long, value_name = "selectors/X.toml")]
    config: Option<PathBuf>,
    /// 评分规则文件（缺省为内置的昌宁县2020年度规则）；定时抓取的检查也按它起草
    #[arg(long, value_name = "FILE.toml")]
    rubric: Option<PathBuf>,
    /// 会话有效期（小时）
    #[arg(long, default_value_t = 8)]
    session_hours: u64,
    /// 会话 Cookie 加 Secure 标志（经 HTTPS 反向代理提供服务时使用）
    #[arg(long)]
    secure_cookie: bool,
    /// 不运行定时抓取（即使配置中启用了）
    #[arg(long)]
    no_schedule: bool,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let rubric = super::args::load_rubric(args.rubric.as_deref())?;
    let portal = args.config.as_deref().map(PortalConfig::load).transpose()?;
    let schedule = match (&portal, &args.config) {
        (Some(p), Some(path)) if p.monitor.enabled && !args.no_schedule => Some((
            CrawlJob {
                config: p.clone(),
                config_path: path.display().to_string(),
                rubric: rubric.clone(),
            },
            p.monitor.schedule.clone(),
        )),
        _ => None,
    };
    {
        let store = args.db.open().await?;
        let store_for_schedule = store.clone();
        let mut config = AppConfig::new(store);
        config.rubric = rubric;
        config.portal = portal;
        config.session_ttl = std::time::Duration::from_secs(args.session_hours * 3600);
        config.secure_cookie = args.secure_cookie;
        let app = Application::build(config, &args.bind)
            .await
            .with_context(|| format!("无法监听 {}", args.bind))?;
        eprintln!("审核界面：http://{}/", app.local_addr()?);
        match schedule {
            Some((job, cron)) => {
                eprintln!("定时抓取：{cron}（同一时间只运行一次抓取）");
                let scheduler =
                    run_scheduler(store_for_schedule, job, &cron, std::future::pending());
                tokio::select! {
                    served = app.run_until_stopped() => served?,
                    stopped = scheduler => {
                        stopped?;
                    }
                }
            }
            None => app.run_until_stopped().await?,
        }
        Ok(ExitCode::SUCCESS)
    }
}
