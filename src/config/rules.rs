//! How the checks read the portal for the rubric's open rules: the guide's element wordings, the
//! sample size, the day count and its calendars. Defaults are the county office's readings
//! (`rubric-interpretation.md`); another county overrides them in its portal file. What the
//! rubric deducts (amounts, caps, item numbers) is not here: it is rubric data
//! (`rubrics/*.toml`, [`crate::rubric::Item::deduct`]).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::typed::{DateSet, Pattern};

/// How the checks read the portal.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Rules {
    /// The guide check: the guide's elements, each with the words that count for it.
    pub guide_elements: Vec<GuideElement>,
    /// The empty-columns check: this many empty columns trip the national single-veto
    /// indicator (国办秘函〔2019〕19号), said in the finding.
    pub empty_column_veto_threshold: usize,
    /// The PDF-marking check: documents sampled per unit.
    pub pdf_sample_size: usize,
    /// The replies check: calendar or working days.
    pub reply_day_count: DayCount,
    /// Official holiday calendars, one per year, for the working-day count.
    pub calendars: Vec<HolidayCalendar>,
}

/// The State Council's holiday schedule of one year.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayCalendar {
    pub year: i32,
    /// Weekdays off (法定节假日), as dates or `start..end` ranges (inclusive).
    pub days_off: DateSet,
    /// Weekend days worked (调休上班).
    pub weekend_workdays: DateSet,
}

impl HolidayCalendar {
    fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.weekend_workdays.contains(d) {
            return true;
        }
        !self.days_off.contains(d) && d.weekday().num_days_from_monday() < 5
    }
}

fn calendar_2020() -> HolidayCalendar {
    // 国办发明电〔2019〕16号 with the Spring Festival extension of 国办发明电〔2020〕1号.
    let s = |v: &[&str]| {
        let items: Vec<String> = v.iter().map(|x| x.to_string()).collect();
        DateSet::parse(&items).expect("the bundled calendar parses")
    };
    HolidayCalendar {
        year: 2020,
        days_off: s(&[
            "2020-01-01",
            "2020-01-24..2020-02-02",
            "2020-04-04..2020-04-06",
            "2020-05-01..2020-05-05",
            "2020-06-25..2020-06-27",
            "2020-10-01..2020-10-08",
        ]),
        weekend_workdays: s(&[
            "2020-01-19",
            "2020-04-26",
            "2020-05-09",
            "2020-06-28",
            "2020-09-27",
            "2020-10-10",
        ]),
    }
}

/// One element of the 公开指南 and its accepted wordings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuideElement {
    pub name: String,
    /// Words that count for this element (the name itself always counts).
    #[serde(default)]
    pub synonyms: Vec<String>,
    /// Regexes that count too (e.g. a stated time limit for 公开时限).
    #[serde(default)]
    pub patterns: Vec<Pattern>,
}

/// How delays are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayCount {
    Calendar,
    Working,
}

fn element(name: &str, synonyms: &[&str], patterns: &[&str]) -> GuideElement {
    GuideElement {
        name: name.to_string(),
        synonyms: synonyms.iter().map(|s| s.to_string()).collect(),
        patterns: patterns
            .iter()
            .map(|p| Pattern::parse(p).expect("the bundled patterns parse"))
            .collect(),
    }
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            guide_elements: vec![
                element("公开范围", &["主动公开的政府信息包括", "主动公开内容"], &[]),
                element("公开渠道", &["公开方式", "公开途径", "公开形式"], &[]),
                element("公开时限", &["公开期限"], &[r"\d+\s*个?(工作日|日|天)内"]),
                element(
                    "依申请公开受理答复",
                    &["依申请公开", "申请公开", "受理答复"],
                    &[],
                ),
                element(
                    "信息查询方式",
                    &["查询方式", "查阅方式", "查询", "查阅", "检索"],
                    &[],
                ),
                element(
                    "公开机构名称",
                    &["受理机构", "公开机构", "工作机构", "机构名称"],
                    &[],
                ),
                element("办公地址", &["地址", "地　址"], &[]),
                element("邮政编码", &["邮编"], &[]),
                element("联系电话", &["电话", "咨询电话"], &[]),
                element("传真号码", &["传真"], &[]),
                element(
                    "投诉方式",
                    &["监督方式", "投诉举报", "举报", "投诉", "监督和救济"],
                    &[],
                ),
            ],
            empty_column_veto_threshold: 5,
            pdf_sample_size: 10,
            reply_day_count: DayCount::Calendar,
            calendars: vec![calendar_2020()],
        }
    }
}

impl Rules {
    /// Working days after `from` up to and including `to`; `None` when a year in between has
    /// no calendar (an error in working-day mode, never a silent fallback).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Option<i64> {
        let mut n = 0;
        let mut d = from.succ_opt()?;
        while d <= to {
            let cal = self.calendars.iter().find(|c| c.year == d.year())?;
            if cal.is_working_day(d) {
                n += 1;
            }
            d = d.succ_opt()?;
        }
        Some(n)
    }

    /// Returns the offending key and a Chinese message.
    pub(super) fn validate(&self) -> Result<(), (String, String)> {
        if self.pdf_sample_size == 0 {
            return Err(("rules.pdf_sample_size".into(), "必须至少为 1".into()));
        }
        Ok(())
    }
}

/// `[rules]` keys of earlier versions whose figures now live in the rubric file: refused in a
/// portal file with a pointer to the rubric, dropped from descriptions recorded by older runs.
pub(super) const MOVED_TO_RUBRIC: [&str; 10] = [
    "guide_element_points",
    "guide_missing_points",
    "guide_outdated_points",
    "guide_cap",
    "finance_part_points",
    "empty_column_points",
    "pdf_unmarked_points",
    "pdf_cap",
    "nondisclosable_penalty_points",
    "reply_delay_steps",
];
