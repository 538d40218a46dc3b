//! The indicators as data: thresholds, windows and the word lists that give columns their type,
//! with the defaults of 国办秘函〔2019〕19号. A portal description may override any of them in an
//! optional `[indicators]` section, and set a column's type by name.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How a column is judged for 栏目不更新.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// 动态、要闻 …: an item within `news_days`.
    News,
    /// 通知公告、政策文件 (first-level columns): an item within `notice_days`.
    Notice,
    /// Should be updated: an item within `long_stale_days`.
    Regular,
    /// Not expected to change (机构概况、领导信息 …): never counted stale, only empty.
    Static,
}

impl ColumnType {
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnType::News => "news",
            ColumnType::Notice => "notice",
            ColumnType::Regular => "regular",
            ColumnType::Static => "static",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ColumnType::News => "动态要闻类",
            ColumnType::Notice => "通知公告政策文件类",
            ColumnType::Regular => "应更新栏目",
            ColumnType::Static => "基本不变栏目",
        }
    }
}

/// Whether the home page lists dated items or only leads to the columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HomeKind {
    /// A home page without any dated item is taken as navigation only.
    Auto,
    /// The home page lists items: undated ones count as not updated.
    List,
    /// Navigation only: the second-level columns are judged instead.
    Navigation,
}

/// `[indicators]` of a portal description. Every key is optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IndicatorSettings {
    /// The page probed for 站点无法访问 and read for 首页不更新, relative to `portal.base_url`.
    pub home_path: String,
    pub home_kind: HomeKind,
    /// Probes per day, spread evenly over the day (Beijing time).
    pub probes_per_day: u32,
    /// A probe fails when the page has not loaded within this many seconds.
    pub probe_timeout_secs: u64,
    /// The rolling window of the availability verdict, in days ending with the check day.
    pub availability_days: u32,
    /// Failed probes at or above this share (percent) trip 站点无法访问.
    pub availability_fail_percent: f64,
    /// 首页不更新: a dated item within this many days before the check day.
    pub home_days: u32,
    /// 栏目不更新 windows per column type.
    pub news_days: u32,
    pub notice_days: u32,
    pub long_stale_days: u32,
    /// 通知公告、政策文件 columns are judged only at the first level of a unit's tree.
    pub notice_first_level_only: bool,
    /// News and notice columns out of their window, together: this many trip the veto.
    pub stale_columns_veto: u32,
    /// Columns that should be updated, none within `long_stale_days`: this many trip it.
    pub long_stale_columns_veto: u32,
    /// Empty columns: this many trip it.
    pub empty_columns_veto: u32,
    /// Word lists that give a column its type (the first list that matches wins, in the order
    /// static, notice, news; otherwise regular).
    pub news_words: Vec<String>,
    pub notice_words: Vec<String>,
    pub static_words: Vec<String>,
    /// A column's type by name: `"栏目名"` or `"单位名/栏目名"` (the unit's form wins).
    pub column_types: BTreeMap<String, ColumnType>,
    /// 互动回应差: messages of the year before the check day …
    pub interaction_days: u32,
    /// … unanswered for more than this many days.
    pub reply_limit_days: u32,
    /// Messages whose status holds one of these words are not valid (not counted).
    pub invalid_status_words: Vec<String>,
    /// 链接可用性: a link that has not answered within this many seconds is broken.
    pub link_timeout_secs: u64,
    /// Links checked by a request per run, at most (those the crawl fetched cost none); the
    /// rest are not checked and make a question.
    pub link_limit: u32,
    /// Requests per second to each host off the portal (the portal's host keeps `crawl.rate_per_sec`).
    pub off_site_rate_per_sec: f64,
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|w| w.to_string()).collect()
}

impl Default for IndicatorSettings {
    fn default() -> Self {
        IndicatorSettings {
            home_path: "/".into(),
            home_kind: HomeKind::Auto,
            probes_per_day: 20,
            probe_timeout_secs: 15,
            availability_days: 7,
            availability_fail_percent: 5.0,
            home_days: 14,
            news_days: 14,
            notice_days: 183,
            long_stale_days: 365,
            notice_first_level_only: true,
            stale_columns_veto: 5,
            long_stale_columns_veto: 10,
            empty_columns_veto: 5,
            news_words: words(&["动态", "要闻", "新闻", "资讯", "快讯"]),
            notice_words: words(&["通知公告", "政策文件", "公告公示"]),
            static_words: words(&[
                "机构", "领导", "职能", "概况", "简介", "指南", "制度", "目录", "联系",
            ]),
            column_types: BTreeMap::new(),
            interaction_days: 365,
            reply_limit_days: 90,
            invalid_status_words: words(&["不予受理", "无效", "重复", "不予公开"]),
            link_timeout_secs: 15,
            link_limit: 2000,
            off_site_rate_per_sec: 1.0,
        }
    }
}

impl IndicatorSettings {
    /// Values that parse but cannot work: `(key, message)` naming the key under `indicators.`.
    pub fn validate(&self) -> Result<(), (String, String)> {
        let bad =
            |key: &str, message: &str| Err((format!("indicators.{key}"), message.to_string()));
        if !self.home_path.starts_with('/') {
            return bad("home_path", "必须以 / 开头（门户地址下的路径）");
        }
        if !(1..=1440).contains(&self.probes_per_day) {
            return bad("probes_per_day", "必须在 1 到 1440 之间");
        }
        if !(1..=120).contains(&self.probe_timeout_secs) {
            return bad("probe_timeout_secs", "必须在 1 到 120 秒之间");
        }
        if !(self.availability_fail_percent > 0.0 && self.availability_fail_percent <= 100.0) {
            return bad("availability_fail_percent", "必须大于 0 且不超过 100");
        }
        if !(1..=120).contains(&self.link_timeout_secs) {
            return bad("link_timeout_secs", "必须在 1 到 120 秒之间");
        }
        if !(1..=100_000).contains(&self.link_limit) {
            return bad("link_limit", "必须在 1 到 100000 之间");
        }
        // Politeness towards hosts that are not ours: at most 10 requests a second each.
        if !(self.off_site_rate_per_sec > 0.0 && self.off_site_rate_per_sec <= 10.0) {
            return bad(
                "off_site_rate_per_sec",
                "必须大于 0 且不超过 10（每秒请求数）",
            );
        }
        for (key, v) in [
            ("availability_days", self.availability_days),
            ("home_days", self.home_days),
            ("news_days", self.news_days),
            ("notice_days", self.notice_days),
            ("long_stale_days", self.long_stale_days),
            ("stale_columns_veto", self.stale_columns_veto),
            ("long_stale_columns_veto", self.long_stale_columns_veto),
            ("empty_columns_veto", self.empty_columns_veto),
            ("interaction_days", self.interaction_days),
            ("reply_limit_days", self.reply_limit_days),
        ] {
            if v == 0 {
                return bad(key, "必须至少为 1");
            }
        }
        for (key, list) in [
            ("news_words", &self.news_words),
            ("notice_words", &self.notice_words),
        ] {
            if list.is_empty() || list.iter().any(|w| w.trim().is_empty()) {
                return bad(key, "至少要有一个词，且不能有空词");
            }
        }
        if self.static_words.iter().any(|w| w.trim().is_empty()) {
            return bad("static_words", "不能有空词");
        }
        if let Some(k) = self.column_types.keys().find(|k| k.trim().is_empty()) {
            return bad(&format!("column_types.\"{k}\""), "栏目名不能为空");
        }
        Ok(())
    }

    /// The type of a column of `unit` named `name` (its path from the tree's root in `path`).
    pub fn column_type(&self, unit: &str, name: &str, path: &[String]) -> ColumnType {
        let full = format!("{unit}/{}", path.join("/"));
        let by_unit = format!("{unit}/{name}");
        if let Some(t) = self
            .column_types
            .get(&full)
            .or_else(|| self.column_types.get(&by_unit))
            .or_else(|| self.column_types.get(name))
        {
            return *t;
        }
        let has = |list: &[String]| list.iter().any(|w| name.contains(w.as_str()));
        if has(&self.static_words) {
            ColumnType::Static
        } else if has(&self.notice_words) {
            ColumnType::Notice
        } else if has(&self.news_words) {
            ColumnType::News
        } else {
            ColumnType::Regular
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_typed_by_words() {
        let s = IndicatorSettings::default();
        s.validate().unwrap();
        let p = |n: &str| vec![n.to_string()];
        assert_eq!(
            s.column_type("甲镇", "工作动态", &p("工作动态")),
            ColumnType::News
        );
        assert_eq!(
            s.column_type("甲镇", "通知公告", &p("通知公告")),
            ColumnType::Notice
        );
        assert_eq!(
            s.column_type("甲镇", "机构职能", &p("机构职能")),
            ColumnType::Static
        );
        assert_eq!(
            s.column_type("甲镇", "财政资金", &p("财政资金")),
            ColumnType::Regular
        );
    }

    #[test]
    fn a_column_type_set_by_name_wins_the_unit_form_first() {
        let s: IndicatorSettings = toml::from_str(
            r#"
            [column_types]
            "工作动态" = "static"
            "甲镇/工作动态" = "notice"
            "#,
        )
        .unwrap();
        let p = vec!["工作动态".to_string()];
        assert_eq!(s.column_type("甲镇", "工作动态", &p), ColumnType::Notice);
        assert_eq!(s.column_type("乙镇", "工作动态", &p), ColumnType::Static);
    }

    #[test]
    fn bad_values_name_their_key() {
        let s = IndicatorSettings {
            probes_per_day: 0,
            ..Default::default()
        };
        assert_eq!(s.validate().unwrap_err().0, "indicators.probes_per_day");
        let s = IndicatorSettings {
            news_words: vec![],
            ..Default::default()
        };
        assert_eq!(s.validate().unwrap_err().0, "indicators.news_words");
        for (s, key) in [
            (
                IndicatorSettings {
                    link_timeout_secs: 0,
                    ..Default::default()
                },
                "indicators.link_timeout_secs",
            ),
            (
                IndicatorSettings {
                    link_limit: 0,
                    ..Default::default()
                },
                "indicators.link_limit",
            ),
            (
                IndicatorSettings {
                    off_site_rate_per_sec: f64::NAN,
                    ..Default::default()
                },
                "indicators.off_site_rate_per_sec",
            ),
            (
                IndicatorSettings {
                    off_site_rate_per_sec: 50.0,
                    ..Default::default()
                },
                "indicators.off_site_rate_per_sec",
            ),
        ] {
            assert_eq!(s.validate().unwrap_err().0, key);
        }
    }
}
