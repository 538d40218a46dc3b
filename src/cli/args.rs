//! Arguments several subcommands share, flattened into each.

use std::path::{Path, PathBuf};

use gongkai::config::{ConfigError, Overrides, PortalConfig};
use gongkai::rubric::Rubric;
use gongkai::store::{Store, StoreError, DEFAULT_DB_URL};

/// `--db`.
#[derive(Debug, Clone, clap::Args)]
pub struct DbArgs {
    /// 数据库地址（sqlite://… 或 postgres://…）
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DB_URL)]
    pub db: String,
}

impl DbArgs {
    /// Opens the database; an address of no supported kind is a bad flag (exit 2).
    pub async fn open(&self) -> anyhow::Result<Store> {
        match Store::connect(&self.db).await {
            Ok(store) => Ok(store),
            Err(e @ StoreError::UnsupportedUrl(_)) => Err(ConfigError::Flag {
                flag: "--db".into(),
                message: e.to_string(),
            }
            .into()),
            Err(e) => Err(e.into()),
        }
    }
}

/// `--config` and `--base-url` of the commands that crawl.
#[derive(Debug, Clone, clap::Args)]
pub struct PortalArgs {
    /// 门户描述文件（selectors/*.toml）
    #[arg(long)]
    pub config: PathBuf,
    /// 覆盖配置中的门户地址（如测试门户）
    #[arg(long)]
    pub base_url: Option<String>,
}

impl PortalArgs {
    /// The description with the overrides applied, validated once.
    pub fn load(&self, rate: Option<f64>) -> anyhow::Result<PortalConfig> {
        let overrides = Overrides {
            base_url: self.base_url.clone(),
            rate,
        };
        Ok(PortalConfig::load_with(&self.config, &overrides)?)
    }

    pub fn path(&self) -> String {
        self.config.display().to_string()
    }
}

/// Which run to read: `--run`, or the latest finished run of the `--config` portal.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// 门户描述文件（默认：该次运行记录的描述）；未给 --run 时取该门户最近一次完成的运行
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// 运行编号（默认：最近一次完成的运行）
    #[arg(long)]
    pub run: Option<i64>,
    /// 评分细则文件（默认：内置 2020 年细则）
    #[arg(long)]
    pub rubric: Option<PathBuf>,
}

impl RunArgs {
    pub fn rubric(&self) -> anyhow::Result<Rubric> {
        load_rubric(self.rubric.as_deref())
    }
}

/// `--rubric` of the commands that run the checks: item numbers, amounts and caps.
#[derive(Debug, Clone, clap::Args)]
pub struct RubricArgs {
    /// 评分规则文件（rubrics/*.toml；默认：内置昌宁县2020年度规则）
    #[arg(long, value_name = "FILE.toml")]
    pub rubric: Option<PathBuf>,
}

impl RubricArgs {
    pub fn load(&self) -> anyhow::Result<Rubric> {
        load_rubric(self.rubric.as_deref())
    }
}

/// The rubric file given, else the bundled 2020 rubric.
pub fn load_rubric(path: Option<&Path>) -> anyhow::Result<Rubric> {
    Ok(match path {
        Some(p) => gongkai::config::load_rubric(p)?,
        None => Rubric::bundled_2020(),
    })
}
