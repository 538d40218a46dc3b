//! Checks a parsed portal description for values that parse but cannot work.

use std::collections::HashSet;
use std::path::Path;

use super::{ConfigError, PortalConfig};
use crate::model::Table;

pub(super) fn validate(config: &PortalConfig, path: &Path) -> Result<(), ConfigError> {
    let invalid = |key: &str, message: String| ConfigError::Invalid {
        path: path.to_path_buf(),
        key: key.to_string(),
        message,
    };
    let base = &config.portal.base_url;
    if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
        return Err(invalid(
            "portal.base_url",
            "必须是带主机名的 http 或 https 网址".into(),
        ));
    }
    if !(2000..=2100).contains(&config.portal.year) {
        return Err(invalid(
            "portal.year",
            format!("年度 {} 不合理", config.portal.year),
        ));
    }
    let crawl = &config.crawl;
    if !(crawl.rate_per_sec > 0.0 && crawl.rate_per_sec.is_finite()) {
        return Err(invalid("crawl.rate_per_sec", "必须是大于 0 的数".into()));
    }
    if crawl.concurrency == 0 {
        return Err(invalid("crawl.concurrency", "必须至少为 1".into()));
    }
    if crawl.timeout_secs == 0 {
        return Err(invalid("crawl.timeout_secs", "必须至少为 1 秒".into()));
    }
    if crawl.max_body_bytes < 1024 {
        return Err(invalid("crawl.max_body_bytes", "至少 1024 字节".into()));
    }
    // Selectors, patterns and dates were parsed when the file was read (see `typed`).
    let pages = &config.pages;
    if !pages.unit_landing.contains("{unit}") {
        return Err(invalid(
            "pages.unit_landing",
            "必须包含 {unit}（单位代码）".into(),
        ));
    }
    if let Err(e) = config.monitor.schedule.parse::<cron::Schedule>() {
        return Err(invalid(
            "monitor.schedule",
            format!("定时表达式 `{}` 无法解析（{e}）", config.monitor.schedule),
        ));
    }
    config
        .rules
        .validate()
        .map_err(|(key, msg)| invalid(&key, msg))?;
    let mut names = HashSet::new();
    let mut codes = HashSet::new();
    for (i, unit) in config.units.iter().enumerate() {
        let key = format!("units[{i}]");
        if unit.name.trim().is_empty() {
            return Err(invalid(&format!("{key}.name"), "单位名称不能为空".into()));
        }
        if !names.insert(unit.name.as_str()) {
            return Err(invalid(
                &format!("{key}.name"),
                format!("单位名称“{}”重复", unit.name),
            ));
        }
        if unit.code.is_empty()
            || !unit
                .code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(invalid(
                &format!("{key}.code"),
                format!("单位代码“{}”只能由字母、数字、-、_ 组成", unit.code),
            ));
        }
        if !codes.insert(unit.code.as_str()) {
            return Err(invalid(
                &format!("{key}.code"),
                format!("单位代码“{}”重复", unit.code),
            ));
        }
        match (unit.table, unit.class) {
            (Table::Department, None) => {
                return Err(invalid(
                    &format!("{key}.class"),
                    format!("县直部门“{}”必须注明类别 A 或 B", unit.name),
                ))
            }
            (Table::Township, Some(_)) => {
                return Err(invalid(
                    &format!("{key}.class"),
                    format!("乡镇“{}”不分 A/B 类", unit.name),
                ))
            }
            _ => {}
        }
    }
    Ok(())
}
