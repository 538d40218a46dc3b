//! Portal descriptions (`selectors/*.toml`): the platform's page shapes, the units, politeness
//! settings and the rubric-reading settings. A new county on the same CMS is a new file.

mod rules;
mod typed;
mod units;
mod validate;

pub use rules::{DayCount, GuideElement, HolidayCalendar, Rules};
pub use typed::{Css, DateSet, Pattern};
pub use units::{read_csv as read_units_csv, UnitsSource};

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::Table;
use crate::rubric::{Rubric, RubricError};

/// A whole portal description, as loaded from one `selectors/*.toml` file.
///
/// `U` is how the units are held: a loaded description has them as tables (the default); only
/// while a file is read are they a [`UnitsSource`], the tables or the office's list.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalConfig<U = Vec<UnitConfig>> {
    pub portal: Portal,
    #[serde(default)]
    pub crawl: CrawlSettings,
    pub pages: PageShapes,
    pub messages: MessageBoard,
    pub columns: ColumnRoles,
    #[serde(default)]
    pub rules: Rules,
    #[serde(default)]
    pub monitor: MonitorSettings,
    /// `[indicators]`: the national inspection indicators' thresholds (defaults of 国办秘函〔2019〕19号).
    #[serde(default)]
    pub indicators: crate::indicators::IndicatorSettings,
    /// `[[units]]`, or `[units] file = "units.csv"` in the file; the units themselves once
    /// loaded, and in the form recorded with a run.
    #[serde(default)]
    pub units: U,
}

/// Daily monitoring: when `gongkai serve` crawls the portal by itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MonitorSettings {
    /// Cron expression with seconds (`sec min hour day month weekday`); 02:00 daily by default.
    pub schedule: String,
    /// Whether `serve` runs the schedule (when it is given this configuration).
    pub enabled: bool,
}

impl Default for MonitorSettings {
    fn default() -> Self {
        MonitorSettings {
            schedule: "0 0 2 * * *".into(),
            enabled: true,
        }
    }
}

/// Identity of the portal and the assessment it serves.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Portal {
    /// Display name, e.g. 昌宁县人民政府.
    pub name: String,
    /// Root URL; every followed link must stay under its host.
    pub base_url: url::Url,
    /// Assessment year (考核年度).
    pub year: i32,
    /// CMS family (vsb, trs, hanweb); absent when the portal's CMS is not one of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
}

/// The CMS families gongkai knows. A name it does not know is refused, listing these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum Platform {
    /// VSB (博达), the platform of 昌宁县.
    Vsb,
    /// TRS (拓尔思).
    Trs,
    /// Hanweb (大汉).
    Hanweb,
}

impl Platform {
    pub const ALL: [Platform; 3] = [Platform::Vsb, Platform::Trs, Platform::Hanweb];

    /// The path (and query) of a document page on the family's sites, the default of
    /// `pages.document_link`: VSB `/info/1031/2755.htm`, TRS `/zwgk/202009/t20200903_2748784.html`,
    /// Hanweb `/art/2022/1/20/art_1621004_30332664.html`.
    pub fn document_link(self) -> &'static str {
        match self {
            Platform::Vsb => r"/info/\d+/\d+\.html?$",
            Platform::Trs => r"/t\d{8}_\d+\.s?html?$",
            Platform::Hanweb => r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Vsb => "vsb",
            Platform::Trs => "trs",
            Platform::Hanweb => "hanweb",
        }
    }
}

impl TryFrom<String> for Platform {
    type Error = String;
    fn try_from(name: String) -> Result<Self, String> {
        Platform::ALL
            .into_iter()
            .find(|p| p.as_str() == name)
            .ok_or_else(|| {
                let known: Vec<&str> = Platform::ALL.iter().map(|p| p.as_str()).collect();
                format!("未知的平台“{name}”，可选：{}", known.join("、"))
            })
    }
}

/// A source of list entries outside the column page's markup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ListProxy {
    /// Hanweb JCMS's jpage data proxy.
    Jpage,
    /// None: the list is in the page (to switch the family's default off).
    None,
}

/// Politeness and safety limits of the crawler.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CrawlSettings {
    /// Requests per second to the portal's host (governor quota).
    pub rate_per_sec: f64,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Whole-request timeout in seconds.
    pub timeout_secs: u64,
    /// Attempts after the first on 5xx, 408, 429, timeouts and resets.
    pub retries: u32,
    /// First backoff in milliseconds; doubles each attempt.
    pub backoff_ms: u64,
    /// Bodies above this many bytes are cut off and recorded as too large.
    pub max_body_bytes: usize,
    /// Safety stop for runaway pagers.
    pub max_pages_per_column: usize,
    pub user_agent: String,
    /// The portal's robots.txt: `"obey"` (the default: disallowed paths are not fetched and
    /// become questions; a `Crawl-delay` slower than `rate_per_sec` is kept) or `"ignore"` (for
    /// an office checking its own portal whose robots.txt shuts out every crawler).
    pub robots: RobotsPolicy,
}

/// Whether the crawler keeps to the portal's robots.txt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RobotsPolicy {
    #[default]
    Obey,
    Ignore,
}

impl Default for CrawlSettings {
    fn default() -> Self {
        CrawlSettings {
            rate_per_sec: 2.0,
            concurrency: 2,
            timeout_secs: 30,
            retries: 3,
            backoff_ms: 500,
            max_body_bytes: 20 * 1024 * 1024,
            max_pages_per_column: 200,
            user_agent: concat!(
                "gongkai/",
                env!("CARGO_PKG_VERSION"),
                " (政务公开考核检查; polite crawler, 2 req/s)"
            )
            .to_string(),
            robots: RobotsPolicy::Obey,
        }
    }
}

/// CSS selectors and URL patterns of the CMS's pages.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageShapes {
    /// Platform home listing every unit (path relative to base_url).
    pub home: String,
    /// Links to units on the platform home.
    pub home_unit_links: Css,
    /// A unit's landing page; `{unit}` is the unit code.
    pub unit_landing: String,
    /// The column tree's root list on the landing page.
    pub column_tree: Css,
    /// The list of a column page (present, possibly empty, on list columns).
    pub list_container: Css,
    /// Items of a column list.
    pub list_item: Css,
    /// The path (and query) of a document page, as a regex (VSB `^/info/\d+/\d+\.htm$`): a
    /// list entry whose link has another shape is not a document (broken markup can pull
    /// navigation links into the list), and a page showing such links where the list reading
    /// finds none is unrecognised, not empty. Defaults to the platform family's shape
    /// ([`Platform::document_link`]); without either every linked entry counts.
    #[serde(default)]
    pub document_link: Option<Pattern>,
    /// The date inside a list item (falls back to any date in the item's text).
    pub list_date: Css,
    /// Text of a single-article column or of a document.
    pub article_body: Css,
    /// The content pane, where empty-column notices and a page's own dates are read (side
    /// widgets elsewhere on the page have their own); the whole page when absent.
    #[serde(default)]
    pub content: Option<Css>,
    /// "Last updated" element of a single-article column.
    pub update_time: Css,
    /// Notices that mean "this column is empty".
    pub empty_notices: Vec<String>,
    /// Where a column's list comes from when its page does not hold it: `"jpage"` (Hanweb
    /// JCMS: the page's jpage script names a data proxy, `dataproxy.jsp`, and its form fields;
    /// the list is read by `POST`ing them, group by group) or `"none"` (the page's markup only).
    /// Defaults to the platform family's (`jpage` on Hanweb, none elsewhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_proxy: Option<ListProxy>,
    /// The pager block of a list.
    pub pager: Css,
    /// Regex over the pager's text whose first group is the page count (e.g. `\d+/(\d+)`).
    pub pager_total_regex: Pattern,
    /// URL of page k (k ≥ 2) relative to the column URL. Variables: `{stem}` (the column URL
    /// without its extension), `{dir}` (its folder), `{k}` (1-based page), `{k0}` (k-1),
    /// `{rev}` (total-k+1, for pagers counting down).
    pub page_url: String,
    /// Title of a document page.
    pub detail_title: Css,
    /// The catalogue metadata table of a document page (th/td pairs).
    pub detail_meta_table: Css,
    /// Attachment links on a document page.
    pub attachments: Css,
}

/// Where the county's message board is and how its pages look.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageBoard {
    /// First list page (path relative to base_url).
    pub list: String,
    /// Rows of the list table (header rows without a link are skipped).
    pub row: Css,
    /// Label/value spans of a message's metadata block.
    pub meta_fields: Css,
    /// The reply block; absent when unanswered.
    pub reply: Css,
    /// The board's pager, when it is not the columns' (a board run by another system): the
    /// three keys of `pages` (`pager`, `pager_total_regex`, `page_url`), each falling back to
    /// the columns' own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pager: Option<Css>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pager_total_regex: Option<Pattern>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
    /// Label texts (the part before the colon) of the fields we read.
    pub label_submitted: Vec<String>,
    pub label_unit: Vec<String>,
    pub label_status: Vec<String>,
    pub label_reply_time: Vec<String>,
}

impl MessageBoard {
    /// The page shapes the board's pager is read with: the columns', with the board's own
    /// pager keys in their place where given.
    pub fn pager_shapes(&self, pages: &PageShapes) -> PageShapes {
        let mut shapes = pages.clone();
        if let Some(pager) = &self.pager {
            shapes.pager = pager.clone();
        }
        if let Some(regex) = &self.pager_total_regex {
            shapes.pager_total_regex = regex.clone();
        }
        if let Some(url) = &self.page_url {
            shapes.page_url = url.clone();
        }
        shapes
    }
}

/// Which columns play which role for the checks, by column name or code.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnRoles {
    pub guide: ColumnMatch,
    pub policy: ColumnMatch,
}

/// Matches a column by its name or by the last segment of its URL.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnMatch {
    #[serde(default)]
    pub names: Vec<String>,
    #[serde(default)]
    pub codes: Vec<String>,
}

impl ColumnMatch {
    /// True when the column's name contains one of the names, or its code is listed.
    pub fn matches(&self, name: &str, code: &str) -> bool {
        self.names.iter().any(|n| name.contains(n.as_str())) || self.codes.iter().any(|c| c == code)
    }

    /// Like [`matches`](Self::matches), or when a parent column in `path` matches by name
    /// (政策文件 > 本部门文件).
    pub fn matches_in_tree(&self, name: &str, code: &str, path: &[String]) -> bool {
        self.matches(name, code)
            || path
                .iter()
                .any(|p| self.names.iter().any(|n| p.contains(n.as_str())))
    }
}

/// Class of a county department (annex 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UnitClass {
    A,
    B,
}

/// One assessed unit (乡镇 or 县直部门).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitConfig {
    /// Name as the assessment lists it; the key everywhere.
    pub name: String,
    pub table: Table,
    /// A or B for departments; absent for townships.
    #[serde(default)]
    pub class: Option<UnitClass>,
    /// The site's own unit code (`fgj`, `tyz`, …), the `{unit}` of `pages.unit_landing`.
    /// Without it the unit's landing page is the link the platform home gives its name or an
    /// alias (the office's list has no codes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Other names (short, full) used on the message board.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Where the unit's pre-assessment reports go.
    #[serde(default)]
    pub emails: Vec<String>,
}

impl UnitConfig {
    /// Every name this unit is known by, its own first.
    pub fn all_names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// A configuration file that could not be used. Always names the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("无法读取配置文件 {path}：{source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("配置文件 {path} 格式错误：{message}")]
    Parse { path: PathBuf, message: String },
    #[error("配置文件 {path} 中 `{key}` 无效：{message}")]
    Invalid {
        path: PathBuf,
        key: String,
        message: String,
    },
    #[error("命令行参数 {flag} 无效：{message}")]
    Flag { flag: String, message: String },
    /// A row (line 1: the header) of the office's unit list.
    #[error("单位名单 {path} 第 {line} 行：{message}")]
    UnitRow {
        path: PathBuf,
        line: u64,
        message: String,
    },
}

/// Values given on the command line in place of the description's.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--base-url`: the portal's address (e.g. a test portal).
    pub base_url: Option<String>,
    /// `--rate`: requests per second.
    pub rate: Option<f64>,
}

impl Overrides {
    fn apply(&self, config: &mut PortalConfig) -> Result<(), ConfigError> {
        let flag = |flag: &str, message: String| ConfigError::Flag {
            flag: flag.to_string(),
            message,
        };
        if let Some(url) = &self.base_url {
            let parsed = url::Url::parse(url)
                .map_err(|e| flag("--base-url", format!("不是有效的网址（{e}）")))?;
            if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
                return Err(flag(
                    "--base-url",
                    "必须是带主机名的 http 或 https 网址".into(),
                ));
            }
            config.portal.base_url = parsed;
        }
        if let Some(rate) = self.rate {
            if !(rate > 0.0 && rate.is_finite()) {
                return Err(flag("--rate", "必须是大于 0 的数".into()));
            }
            config.crawl.rate_per_sec = rate;
        }
        Ok(())
    }
}

/// Reads a description, naming the key of a value that does not parse (`pages.list_item`)
/// besides the place in the file.
fn parse_toml(text: &str, path: &Path) -> Result<PortalConfig<UnitsSource>, ConfigError> {
    let de = toml::Deserializer::new(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        let mut message = e.into_inner().to_string();
        if let Some(old) = rules::MOVED_TO_RUBRIC
            .iter()
            .find(|k| message.contains(&format!("unknown field `{k}`")))
        {
            message.push_str(&format!(
                "（{old} 等扣分分值已移至评分规则文件 rubrics/*.toml：写在相应评分项目的 deduct 中，上限为该项分值）"
            ));
        }
        if key.is_empty() || key == "." {
            ConfigError::Parse {
                path: path.to_path_buf(),
                message,
            }
        } else {
            ConfigError::Invalid {
                path: path.to_path_buf(),
                key,
                message,
            }
        }
    })
}

/// Reads an office's unit list (`名称,类别,别名,邮箱`, see [`UnitsSource::File`]).
pub fn load_units_csv(path: &Path) -> Result<Vec<UnitConfig>, ConfigError> {
    let bytes = std::fs::read(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    read_units_csv(&bytes, path)
}

/// Reads and checks a rubric file (the rubric itself does no I/O).
pub fn load_rubric(path: impl AsRef<Path>) -> Result<Rubric, RubricError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|source| RubricError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Rubric::from_toml(&text, path)
}

impl<U> PortalConfig<U> {
    /// The same description holding its units in another form.
    fn with_units<V>(self, units: V) -> PortalConfig<V> {
        PortalConfig {
            portal: self.portal,
            crawl: self.crawl,
            pages: self.pages,
            messages: self.messages,
            columns: self.columns,
            rules: self.rules,
            monitor: self.monitor,
            indicators: self.indicators,
            units,
        }
    }
}

impl PortalConfig {
    /// Loads and validates one portal description.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// The description as recorded with a run ([`PortalConfig::recorded`]). Runs recorded
    /// before the amounts moved to the rubric carry them in `rules`; they are dropped.
    pub fn from_recorded(json: &str, run_id: i64) -> Result<Self, ConfigError> {
        let err = |e: serde_json::Error| ConfigError::Parse {
            path: PathBuf::from(format!("第 {run_id} 次运行记录的门户描述")),
            message: e.to_string(),
        };
        let mut value: serde_json::Value = serde_json::from_str(json).map_err(err)?;
        // Before platforms were a closed list any text was kept (empty when absent): a name
        // that is not one of them reads as absent.
        if let Some(portal) = value.get_mut("portal").and_then(|p| p.as_object_mut()) {
            let known = portal
                .get("platform")
                .and_then(|p| p.as_str())
                .is_some_and(|p| Platform::try_from(p.to_string()).is_ok());
            if !known {
                portal.remove("platform");
            }
        }
        if let Some(rules) = value.get_mut("rules").and_then(|r| r.as_object_mut()) {
            for key in rules::MOVED_TO_RUBRIC {
                rules.remove(key);
            }
        }
        serde_json::from_value(value).map_err(err)
    }

    /// The form recorded with each run, so that later readers see the units as the run did.
    pub fn recorded(&self) -> String {
        serde_json::to_string(self).expect("a portal description serialises to JSON")
    }

    /// Parses and validates a description; `path` is used in messages, and locates a units
    /// file (`[units] file`) given relative to the description.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        Self::parse_with(text, path, &Overrides::default())
    }

    /// Loads a description with the command line's overrides applied before it is validated,
    /// so that a bad override is refused like a bad file value, naming the flag.
    pub fn load_with(path: &Path, overrides: &Overrides) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse_with(&text, path, overrides)
    }

    fn parse_with(text: &str, path: &Path, overrides: &Overrides) -> Result<Self, ConfigError> {
        let mut written = parse_toml(text, path)?;
        let units = std::mem::take(&mut written.units).resolve(path)?;
        let mut config = written.with_units(units);
        config.apply_platform_defaults();
        overrides.apply(&mut config)?;
        validate::validate(&config, path)?;
        Ok(config)
    }

    /// What the family reads the same on every site, where the description does not say.
    fn apply_platform_defaults(&mut self) {
        if let (None, Some(platform)) = (&self.pages.document_link, self.portal.platform) {
            self.pages.document_link = Pattern::parse(platform.document_link()).ok();
        }
        if self.pages.list_proxy.is_none() && self.portal.platform == Some(Platform::Hanweb) {
            self.pages.list_proxy = Some(ListProxy::Jpage);
        }
    }

    /// The unit with this configured name.
    pub fn unit(&self, name: &str) -> Option<&UnitConfig> {
        self.units.iter().find(|u| u.name == name)
    }

    /// The unit a message-board name (short or full) refers to: an exact name or alias first,
    /// then the same name without the county prefix, 县 or 人民政府 (昌宁县住建局 → 住建局).
    pub fn unit_by_alias(&self, name: &str) -> Option<&UnitConfig> {
        let name = name.trim();
        if let Some(u) = self.units.iter().find(|u| u.all_names().any(|n| n == name)) {
            return Some(u);
        }
        let wanted = self.unit_name_core(name);
        if wanted.is_empty() {
            return None;
        }
        let mut hits = self
            .units
            .iter()
            .filter(|u| u.all_names().any(|n| self.unit_name_core(n) == wanted));
        match (hits.next(), hits.next()) {
            (Some(u), None) => Some(u),
            _ => None, // ambiguous or unknown: never guess
        }
    }

    /// A unit name without spaces, the county's name, a leading 县 and a trailing 人民政府.
    fn unit_name_core(&self, name: &str) -> String {
        let mut n: String = name.chars().filter(|c| !c.is_whitespace()).collect();
        // The county is the portal's name up to its first 县 (昌宁县人民政府 → 昌宁县).
        if let Some(i) = self.portal.name.find('县') {
            let county = &self.portal.name[..i + '县'.len_utf8()];
            if let Some(rest) = n.strip_prefix(county) {
                n = rest.to_string();
            }
        }
        if let Some(rest) = n.strip_prefix('县') {
            n = rest.to_string();
        }
        if let Some(rest) = n.strip_suffix("人民政府") {
            n = rest.to_string();
        }
        n
    }
}
