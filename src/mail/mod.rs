//! Mailing each unit its pre-assessment report over SMTP: configuration (`[mail]` in a
//! `mail.toml`, overridden by `GONGKAI_SMTP_*`), the message (Chinese subject, HTML body with a
//! plain-text alternative), the `mail_log` that keeps a report from being sent twice and retries
//! failed sends, and `--dry-run` to `.eml` files.

mod config;
mod message;
mod send;

pub use crate::store::{MailLogEntry, MailStatus};
pub use config::{MailConfig, TlsMode, ENV_PREFIX};
pub use message::{build_message, subject};
pub use send::{send_reports, Outcome, SendOptions, UnitOutcome};

use std::path::PathBuf;

/// A mail job that could not be done.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MailError {
    #[error("无法读取邮件配置 {path}：{message}")]
    Config { path: PathBuf, message: String },
    #[error("没有邮件服务器配置：请提供 --mail-config 文件（[mail] 段）或设置 GONGKAI_SMTP_HOST 等环境变量")]
    MissingConfig,
    #[error("邮件地址 “{address}” 无效：{message}")]
    Address { address: String, message: String },
    #[error("无法生成邮件：{0}")]
    Build(String),
    #[error("无法连接邮件服务器 {host}：{message}")]
    Transport { host: String, message: String },
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("无法写入 {path}：{source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}
