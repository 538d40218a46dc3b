//! Dates as the portal writes them: `2020-11-18`, `2020-11-18 10:23`, `2020.11.18`,
//! `2020/11/18`, `2020年11月18日`, `[2020-11-18]`, or only inside a URL (`t20200903_…`).

use std::sync::OnceLock;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use regex::Regex;

/// A publication or submission time; the time of day is optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
}

impl Stamp {
    pub fn year(&self) -> i32 {
        chrono::Datelike::year(&self.date)
    }

    /// Sort key: a missing time sorts as the start of the day.
    pub fn datetime(&self) -> NaiveDateTime {
        self.date.and_time(self.time.unwrap_or(NaiveTime::MIN))
    }

    /// `YYYY-MM-DD` or `YYYY-MM-DD HH:MM`.
    pub fn to_text(&self) -> String {
        match self.time {
            Some(t) => format!("{} {}", self.date.format("%Y-%m-%d"), t.format("%H:%M")),
            None => self.date.format("%Y-%m-%d").to_string(),
        }
    }
}

fn date_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?(?:\s*(\d{1,2})\s*[:：]\s*(\d{2}))?",
        )
        .expect("static regex")
    })
}

fn url_date_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // TRS `t20200903_…`, VSB-style `/20200903/`; Hanweb `/art/2022/1/20/art_…`.
        Regex::new(
            r"(?:^|[^\d])(20\d{2})(\d{2})(\d{2})(?:[^\d]|$)|/art/(20\d{2})/(\d{1,2})/(\d{1,2})/",
        )
        .expect("static regex")
    })
}

/// The first date (with its time, when written) found in `text`.
pub fn find_stamp(text: &str) -> Option<Stamp> {
    all_stamps(text).next()
}

/// Every date found in `text`, in order.
pub fn all_stamps(text: &str) -> impl Iterator<Item = Stamp> + '_ {
    date_regex().captures_iter(text).filter_map(|c| {
        let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
        let year = i32::try_from(num(1)?).ok()?;
        let date = NaiveDate::from_ymd_opt(year, num(2)?, num(3)?)?;
        let time = match (num(4), num(5)) {
            (Some(h), Some(m)) => NaiveTime::from_hms_opt(h, m, 0),
            _ => None,
        };
        Some(Stamp { date, time })
    })
}

/// The first date-shaped text in `text` that names no real day (`2020-02-30`, `2020-13-45`):
/// such a date is never read as another day, nor silently dropped by the callers that must say
/// so.
pub fn impossible_date(text: &str) -> Option<String> {
    date_regex().captures_iter(text).find_map(|c| {
        let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
        let real = match (num(1), num(2), num(3)) {
            (Some(y), Some(m), Some(d)) => i32::try_from(y)
                .ok()
                .and_then(|y| NaiveDate::from_ymd_opt(y, m, d))
                .is_some(),
            _ => false,
        };
        (!real).then(|| c[0].trim().to_string())
    })
}

/// A date written as `YYYYMMDD` inside a URL (TRS `t20200903_…`), or as Hanweb's document
/// folders (`/art/2022/1/20/art_…`).
pub fn stamp_in_url(url: &str) -> Option<Stamp> {
    let c = url_date_regex().captures(url)?;
    let num = |i: usize| c.get(i).or(c.get(i + 3))?.as_str().parse::<u32>().ok();
    let date = NaiveDate::from_ymd_opt(num(1)? as i32, num(2)?, num(3)?)?;
    Some(Stamp { date, time: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_format_of_the_kit() {
        for (text, want) in [
            ("2020-11-18", "2020-11-18"),
            ("发布时间：2020-11-18 10:23　来源", "2020-11-18 10:23"),
            ("2020.11.18", "2020-11-18"),
            ("2020/11/18", "2020-11-18"),
            ("2020年11月18日", "2020-11-18"),
            ("[2020-11-18]", "2020-11-18"),
            ("2020年1月8日 9:05", "2020-01-08 09:05"),
        ] {
            assert_eq!(find_stamp(text).unwrap().to_text(), want, "{text}");
        }
        assert!(find_stamp("2020-13-45").is_none());
        assert_eq!(
            impossible_date("发布 2020-02-30").as_deref(),
            Some("2020-02-30")
        );
        assert_eq!(
            impossible_date("2020年13月45日").as_deref(),
            Some("2020年13月45日")
        );
        assert_eq!(
            impossible_date("2020-02-29 2021-02-29").as_deref(),
            Some("2021-02-29")
        );
        assert!(impossible_date("2020-02-29").is_none());
        assert!(find_stamp("无日期").is_none());
        assert_eq!(
            stamp_in_url("./202009/t20200903_2748784.html")
                .unwrap()
                .to_text(),
            "2020-09-03"
        );
    }
}
