//! Earlier years' results, kept to decide the three-year rule (连续3年考核排名最后3名).
//!
//! A unit's rank is within its group (乡镇 among townships; departments within class A or B),
//! out of `total` units of that group that year.

use serde::{Deserialize, Serialize};

/// One unit's result in one year.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct HistoryEntry {
    pub unit: String,
    pub year: i32,
    pub rank: u32,
    pub total: u32,
}

impl HistoryEntry {
    /// Whether the unit was among the last `last` of its group.
    pub fn among_last(&self, last: u32) -> bool {
        self.rank > self.total.saturating_sub(last)
    }
}

/// All known earlier results.
#[derive(Debug, Clone, Default)]
pub struct History {
    entries: Vec<HistoryEntry>,
}

impl History {
    /// No earlier results.
    pub fn new() -> History {
        History::default()
    }

    /// From a list of entries (later entries for the same unit and year win).
    pub fn from_entries(entries: Vec<HistoryEntry>) -> History {
        History { entries }
    }

    /// Adds a result.
    pub fn push(&mut self, entry: HistoryEntry) {
        self.entries.push(entry);
    }

    /// The unit's result in a year, if known.
    pub fn get(&self, unit: &str, year: i32) -> Option<&HistoryEntry> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.unit == unit && e.year == year)
    }

    /// All entries.
    pub fn entries(&self) -> &[HistoryEntry] {
        &self.entries
    }
}
