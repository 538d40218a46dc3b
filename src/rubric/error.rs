//! Errors raised while loading or checking a rubric data file.

use std::path::PathBuf;

/// A rubric file that cannot be used. Every variant names the file; `Invalid` also names the key
/// and says what is wrong. Messages are in Chinese because they reach the office staff.
#[derive(Debug, thiserror::Error)]
pub enum RubricError {
    /// The file could not be read.
    #[error("无法读取评分规则文件 {path}：{source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML or does not have the expected shape (the message names the line
    /// and the key).
    #[error("评分规则文件 {path} 格式错误：{message}")]
    Parse { path: PathBuf, message: String },
    /// The file parses but breaks a rule (e.g. a table does not add up to 100).
    #[error("评分规则文件 {path} 中 {key} 有误：{message}")]
    Invalid {
        path: PathBuf,
        key: String,
        message: String,
    },
}
