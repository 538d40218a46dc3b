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
    /// 会话 Cookie 一律加 Secure 标志（本服务直接以 HTTPS 提供时使用）
    #[arg(long)]
    secure_cookie: bool,
    /// 受信任的反向代理地址（可多个，逗号分隔）：只有来自这些地址的请求，其
    /// X-Forwarded-For（取最后一跳）和 X-Forwarded-Proto 才被采信；经 HTTPS 转来的请求的会话
    /// Cookie 加 Secure 标志，并发送 Strict-Transport-Security
    #[arg(long, value_name = "IP[,IP…]", value_delimiter = ',')]
    trusted_proxy: Vec<std::net::IpAddr>,
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
        if let (Some(p), false) = (&portal, args.no_schedule) {
            spawn_probes(store.clone(), p)?;
        }
        let mut config = AppConfig::new(store);
        config.rubric = rubric;
        config.portal = portal;
        config.session_ttl = std::time::Duration::from_secs(args.session_hours * 3600);
        config.secure_cookie = args.secure_cookie;
        config.trusted_proxies = args.trusted_proxy;
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

/// The home-page probes of 站点无法访问 (`[indicators] probes_per_day`, spread over the day), each
/// day's indicator verdicts stored after its last probe.
fn spawn_probes(store: gongkai::store::Store, portal: &PortalConfig) -> anyhow::Result<()> {
    use gongkai::home_probe::{run_probes, ProbeTarget};
    let target = ProbeTarget::of(portal).context("首页探测地址无效")?;
    let settings = portal.indicators.clone();
    eprintln!("首页探测：{}，每天 {} 次", target.url, target.per_day);
    tokio::spawn(async move {
        let clock = gongkai::indicators::SystemClock;
        loop {
            if let Err(e) =
                run_probes(&store, &target, Some(&settings), &clock, None, |_, _| {}).await
            {
                tracing::error!(error = %e, "首页探测出错，一分钟后继续");
                tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            }
        }
    });
    Ok(())
}
