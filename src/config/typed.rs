//! Values of a portal description that are parsed once, when it is loaded: CSS selectors,
//! regular expressions, dates and date ranges. A value that does not parse is refused by the
//! TOML reader with the key's place in the file; what the rest of gongkai receives is compiled
//! and cannot fail. Each serialises back to the text it was read from (runs record it).

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;
use regex::Regex;
use scraper::Selector;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A CSS selector.
#[derive(Clone)]
pub struct Css {
    source: String,
    selector: Selector,
}

impl Css {
    pub fn parse(source: &str) -> Result<Css, String> {
        Selector::parse(source)
            .map(|selector| Css {
                source: source.to_string(),
                selector,
            })
            .map_err(|_| format!("CSS 选择器“{source}”无法解析"))
    }

    pub fn selector(&self) -> &Selector {
        &self.selector
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }
}

/// A regular expression.
#[derive(Clone)]
pub struct Pattern(Regex);

impl Pattern {
    pub fn parse(source: &str) -> Result<Pattern, String> {
        Regex::new(source)
            .map(Pattern)
            .map_err(|e| format!("正则表达式“{source}”无法解析（{e}）"))
    }

    pub fn regex(&self) -> &Regex {
        &self.0
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// Days given as `YYYY-MM-DD` or inclusive ranges `YYYY-MM-DD..YYYY-MM-DD`.
#[derive(Clone, Default)]
pub struct DateSet {
    source: Vec<String>,
    days: BTreeSet<NaiveDate>,
}

impl DateSet {
    pub fn parse(items: &[String]) -> Result<DateSet, String> {
        let bad = |item: &str| format!("日期“{item}”应写作 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD");
        let mut days = BTreeSet::new();
        for item in items {
            let (a, b) = item.split_once("..").unwrap_or((item, item));
            let day = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
            let (Some(a), Some(b)) = (day(a), day(b)) else {
                return Err(bad(item));
            };
            if b < a || (b - a).num_days() > 366 {
                return Err(bad(item));
            }
            days.extend(a.iter_days().take_while(|d| *d <= b));
        }
        Ok(DateSet {
            source: items.to_vec(),
            days,
        })
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.days.contains(&day)
    }
}

impl<'de> Deserialize<'de> for Css {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Css::parse(&String::deserialize(d)?).map_err(D::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Pattern::parse(&String::deserialize(d)?).map_err(D::Error::custom)
    }
}

impl<'de> Deserialize<'de> for DateSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        DateSet::parse(&Vec::<String>::deserialize(d)?).map_err(D::Error::custom)
    }
}

impl Serialize for Css {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.source)
    }
}

impl Serialize for Pattern {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Serialize for DateSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.source.serialize(s)
    }
}

impl fmt::Debug for Css {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Css({:?})", self.source)
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", self.as_str())
    }
}

impl fmt::Debug for DateSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateSet({:?})", self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, Serialize)]
    struct Shapes {
        item: Css,
        total: Pattern,
        off: DateSet,
    }

    #[test]
    fn values_parse_once_and_round_trip() {
        let text = "item = \"ul.list > li\"\ntotal = '共(\\d+)页'\noff = [\"2020-10-01..2020-10-03\", \"2020-01-01\"]\n";
        let s: Shapes = toml::from_str(text).unwrap();
        assert_eq!(s.item.as_str(), "ul.list > li");
        assert!(s.total.regex().is_match("共12页"));
        let day = |m, d| NaiveDate::from_ymd_opt(2020, m, d).unwrap();
        assert!(s.off.contains(day(10, 2)) && s.off.contains(day(1, 1)));
        assert!(!s.off.contains(day(10, 4)));
        let back: Shapes = toml::from_str(&toml::to_string(&s).unwrap()).unwrap();
        assert_eq!(back.total.as_str(), s.total.as_str());
    }

    #[test]
    fn bad_values_name_their_key() {
        for (text, key, what) in [
            (
                "item = \"ul >> li\"\ntotal = 'x'\noff = []",
                "item",
                "CSS 选择器",
            ),
            (
                "item = \"li\"\ntotal = '(('\noff = []",
                "total",
                "正则表达式",
            ),
            (
                "item = \"li\"\ntotal = 'x'\noff = [\"2020-02-30\"]",
                "off",
                "YYYY-MM-DD",
            ),
            (
                "item = \"li\"\ntotal = 'x'\noff = [\"2020-03-02..2020-03-01\"]",
                "off",
                "YYYY-MM-DD",
            ),
        ] {
            let err = toml::from_str::<Shapes>(text).unwrap_err().to_string();
            assert!(err.contains(key) && err.contains(what), "{err}");
        }
    }
}
