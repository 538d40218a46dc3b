//! Settings for the rubric's open rules. Defaults are the county office's readings
//! (`rubric-interpretation.md`); another county or year overrides them in its portal file.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::typed::{DateSet, Pattern};

/// How the checks read the rubric.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Rules {
    /// Item 7: the guide's elements, each with the words that count for it.
    pub guide_elements: Vec<GuideElement>,
    /// Item 7: deduction per missing element.
    pub guide_element_points: f64,
    /// Item 7: deduction when the guide is absent or empty.
    pub guide_missing_points: f64,
    /// Item 7: deduction when not updated in the year.
    pub guide_outdated_points: f64,
    /// Item 7: cap of the item.
    pub guide_cap: f64,
    /// Item 10/9: deduction per missing part.
    pub finance_part_points: f64,
    /// Item 13/12: deduction when any column is empty.
    pub empty_column_points: f64,
    /// Item 13/12: this many empty columns trip the national single-veto indicator.
    pub empty_column_veto_threshold: usize,
    /// Item 17/15: documents sampled per unit.
    pub pdf_sample_size: usize,
    /// Item 17/15: deduction per unmarked PDF.
    pub pdf_unmarked_points: f64,
    /// Item 17/15: cap of the item.
    pub pdf_cap: f64,
    /// Penalty item 2: suggested points for a published 依申请公开/不予公开 document.
    pub nondisclosable_penalty_points: f64,
    /// Item 28/27: (days, points) steps; a delay over `days` costs `points`. Worst one counts.
    pub reply_delay_steps: Vec<(i64, f64)>,
    /// Item 28/27: calendar or working days.
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
            guide_element_points: 0.5,
            guide_missing_points: 5.0,
            guide_outdated_points: 1.0,
            guide_cap: 5.0,
            finance_part_points: 1.0,
            empty_column_points: 1.0,
            empty_column_veto_threshold: 5,
            pdf_sample_size: 10,
            pdf_unmarked_points: 0.5,
            pdf_cap: 5.0,
            nondisclosable_penalty_points: 5.0,
            reply_delay_steps: vec![(3, 1.0), (5, 2.0), (7, 3.0)],
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
        if self
            .reply_delay_steps
            .windows(2)
            .any(|w| w[0].0 >= w[1].0 || w[0].1 > w[1].1)
        {
            return Err((
                "rules.reply_delay_steps".into(),
                "天数与扣分必须逐级递增".into(),
            ));
        }
        Ok(())
    }
}
