//! Errors of the store, in Chinese, naming the database or the record.

/// A database operation that failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("不支持的数据库地址 {0}（应以 sqlite: 或 postgres:// 开头）")]
    UnsupportedUrl(String),
    #[error("无法连接数据库 {url}：{message}")]
    Connect { url: String, message: String },
    #[error("数据库迁移失败：{0}")]
    Migrate(String),
    #[error("数据库操作失败：{0}")]
    Sql(#[from] sqlx::Error),
    /// A statement of the page writer's own SQLite connection.
    #[error("数据库操作失败：{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("数据库中的记录无法解析：{0}")]
    Json(#[from] serde_json::Error),
    #[error("数据库中的记录不合法：{0}")]
    Corrupt(String),
    #[error("找不到第 {0} 次运行")]
    NoSuchRun(i64),
    /// Another crawl of the portal holds the lease (see `lease`).
    #[error(
        "{0}；同一门户在同一数据库中同时只能有一个抓取，请等它结束（若该进程已不在，其最后一次心跳 {stale} 秒后即可重新开始）",
        stale = super::CRAWL_LEASE_STALE.as_secs()
    )]
    CrawlRunning(Box<super::CrawlLease>),
    /// Workers of a distributed run are crawling the portal (a job under a live lease).
    #[error(
        "门户“{portal}”的第 {run_id} 次运行正由工作进程 {worker} 分布式抓取；同一门户在同一数据库中同时只能有一个抓取，请等它结束"
    )]
    WorkersRunning {
        portal: String,
        run_id: i64,
        worker: String,
    },
    /// The page writer is gone (the store was closed, or the runtime it ran on ended): the
    /// write was not stored.
    #[error("页面写入已停止（数据库已关闭或进程正在退出），本页未保存")]
    WriterStopped,
    #[error(
        "门户“{0}”的抓取租约已被另一个抓取接手（本进程长时间未能续约），本次抓取停止；已抓取的页面保留在数据库中"
    )]
    CrawlLeaseLost(String),
}

impl StoreError {
    pub(super) fn connect(url: &str, e: sqlx::Error) -> Self {
        StoreError::Connect {
            url: redact(url),
            message: e.to_string(),
        }
    }
}

/// Hides the password of a database URL in messages.
pub(super) fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}
