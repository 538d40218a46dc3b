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
    config
        .indicators
        .validate()
        .map_err(|(key, message)| invalid(&key, message))?;
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
    pager(pages, "pages").map_err(|(key, m)| invalid(&key, m))?;
    let board = &config.messages;
    if board.pager.is_some() || board.pager_total_regex.is_some() || board.page_url.is_some() {
        pager(&board.pager_shapes(pages), "messages").map_err(|(key, m)| invalid(&key, m))?;
    }
    for (key, labels) in [
        ("messages.label_submitted", &board.label_submitted),
        ("messages.label_unit", &board.label_unit),
        ("messages.label_status", &board.label_status),
        ("messages.label_reply_time", &board.label_reply_time),
    ] {
        words(labels, "至少要有一个标签文字").map_err(|m| invalid(key, m))?;
    }
    for (key, role) in [
        ("columns.guide", &config.columns.guide),
        ("columns.policy", &config.columns.policy),
    ] {
        if role.names.is_empty() && role.codes.is_empty() {
            return Err(invalid(
                key,
                "names 和 codes 不能都为空：找不到该栏目时每个单位都会被判为缺失".into(),
            ));
        }
        words(&role.names, "").map_err(|m| invalid(&format!("{key}.names"), m))?;
        words(&role.codes, "").map_err(|m| invalid(&format!("{key}.codes"), m))?;
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
    if config.units.is_empty() {
        return Err(invalid(
            "units",
            "没有任何单位：至少要有一个 [[units]]，或用 [units] file 指定单位名单".into(),
        ));
    }
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
        // Without a code the platform home's link for the unit's names is its landing page.
        if let Some(code) = &unit.code {
            if !is_unit_code(code) {
                return Err(invalid(
                    &format!("{key}.code"),
                    format!("单位代码“{code}”只能由字母、数字、-、_ 组成"),
                ));
            }
            if !codes.insert(code.as_str()) {
                return Err(invalid(
                    &format!("{key}.code"),
                    format!("单位代码“{code}”重复"),
                ));
            }
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

/// A unit code goes into a URL path (`pages.unit_landing`): letters, digits, `-` and `_`.
pub(super) fn is_unit_code(code: &str) -> bool {
    !code.is_empty()
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A pager's regex has the group its page count is read from, and its page URL template a
/// page variable; `place` is `pages` or `messages`, for the key named.
fn pager(shapes: &crate::config::PageShapes, place: &str) -> Result<(), (String, String)> {
    if shapes.pager_total_regex.regex().captures_len() < 2 {
        return Err((
            format!("{place}.pager_total_regex"),
            format!(
                "正则表达式“{}”没有捕获组：页数须写在第一个括号中，如 `\\d+/(\\d+)`",
                shapes.pager_total_regex.as_str()
            ),
        ));
    }
    let named: Vec<String> = shapes
        .pager_total_regex
        .regex()
        .capture_names()
        .flatten()
        .map(|n| format!("{{{n}}}"))
        .collect();
    page_url(&shapes.page_url, &named).map_err(|m| (format!("{place}.page_url"), m))
}

/// The variables of `pages.page_url` (see `extract::list::page_url_with`; besides these, the
/// named groups of `pages.pager_total_regex`), and which of them number the page: a template
/// without one would fetch the same page again and again.
const PAGE_URL_VARIABLES: [&str; 5] = ["{stem}", "{dir}", "{k}", "{k0}", "{rev}"];
const PAGE_NUMBER_VARIABLES: [&str; 3] = ["{k}", "{k0}", "{rev}"];

fn page_url(template: &str, named: &[String]) -> Result<(), String> {
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').map(|e| start + e + 1);
        let var = &rest[start..end.unwrap_or(rest.len())];
        if !PAGE_URL_VARIABLES.contains(&var) && !named.iter().any(|n| n == var) {
            let known: Vec<&str> = PAGE_URL_VARIABLES
                .iter()
                .copied()
                .chain(named.iter().map(String::as_str))
                .collect();
            return Err(format!("未知的变量“{var}”，可用：{}", known.join("、")));
        }
        rest = &rest[end.unwrap_or(rest.len())..];
    }
    if !PAGE_NUMBER_VARIABLES.iter().any(|v| template.contains(v)) {
        return Err(format!(
            "“{template}”不含页码变量（{} 之一），每一页都会是同一个网址",
            PAGE_NUMBER_VARIABLES.join("、")
        ));
    }
    Ok(())
}

/// A list of words to match by: none may be blank (a blank word matches every text), and with
/// `need_one` non-empty the list may not be empty either.
fn words(list: &[String], need_one: &str) -> Result<(), String> {
    if list.is_empty() && !need_one.is_empty() {
        return Err(need_one.to_string());
    }
    if list.iter().any(|w| w.trim().is_empty()) {
        return Err("不能含空白的项（空白会匹配任何文字）".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_url_needs_a_page_number_and_known_variables() {
        assert!(page_url("{stem}/{rev}.htm", &[]).is_ok());
        assert!(page_url("{dir}/list_{k0}.html", &[]).is_ok());
        assert!(page_url("?page={k}", &[]).is_ok());
        let err = page_url("{stem}/index.htm", &[]).unwrap_err();
        assert!(err.contains("页码变量") && err.contains("{rev}"), "{err}");
        let err = page_url("{stem}/{n}.htm", &[]).unwrap_err();
        assert!(err.contains("{n}") && err.contains("{k0}"), "{err}");
        let err = page_url("{stem}/{k", &[]).unwrap_err();
        assert!(err.contains("{k"), "{err}");
    }
}
