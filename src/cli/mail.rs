//! `gongkai mail`: sends each unit its pre-assessment report (or writes `.eml` files).

use std::path::PathBuf;
use std::process::ExitCode;

use gongkai::mail::{send_reports, MailConfig, MailError, Outcome, SendOptions};

use super::args::{DbArgs, RunArgs};

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["unit", "all"])))]
pub struct Args {
    /// 只发送给该单位
    #[arg(long)]
    pub unit: Option<String>,
    /// 发送给全部配置了邮箱的单位
    #[arg(long)]
    pub all: bool,
    /// 不发送，只把邮件写成 .eml 文件
    #[arg(long)]
    pub dry_run: bool,
    /// 报告和 .eml 文件的存放目录（发送前先写入报告）
    #[arg(long, default_value = "outbox")]
    pub outbox: PathBuf,
    /// 邮件服务器配置（[mail] 段：host、port、tls、user、password、from；可被 GONGKAI_SMTP_* 覆盖）
    #[arg(long)]
    pub mail_config: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub which: RunArgs,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mail = MailConfig::load(args.mail_config.as_deref())?;
    if mail.is_none() && !args.dry_run {
        return Err(MailError::MissingConfig.into());
    }
    {
        let cx = super::report::open(&args.db, &args.which, args.unit.as_deref()).await?;
        let units: Vec<String> = match &args.unit {
            Some(u) => vec![u.clone()],
            None => cx.config.units.iter().map(|u| u.name.clone()).collect(),
        };
        let opts = SendOptions {
            outbox: args.outbox.clone(),
            dry_run: args.dry_run,
            mail,
        };
        let outcomes =
            send_reports(&cx.store, &cx.config, &cx.rubric, &cx.run, &units, &opts).await?;
        let mut failed = 0;
        for o in &outcomes {
            let what = match &o.outcome {
                Outcome::Sent { attempts } => format!("已发送（第 {attempts} 次尝试）"),
                Outcome::AlreadySent { at } => format!("此前已发送（{at}），未重复发送"),
                Outcome::Failed { error, attempts } => {
                    failed += 1;
                    format!("发送失败（已尝试 {attempts} 次，下次运行时重试）：{error}")
                }
                Outcome::DryRun { eml } => format!("已写入 {}", eml.display()),
                Outcome::NoRecipients => "未配置邮箱，未发送".to_string(),
            };
            println!("{}：{}", o.unit, what);
        }
        println!("报告文件在 {}", args.outbox.display());
        Ok(if failed > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
    }
}
