//! How much of a unit's assessment is done: which of the table's points the machine examined,
//! which are settled (every draft decided, or entered by an auditor) and which are still open.
//! A score is final only when nothing is open; until then it is an estimate (预估).

use serde::Serialize;

use crate::model::{FindingStatus, Section};
use crate::rubric::{Item, ItemSource, Table};
use crate::score::Centi;
use crate::store::{EntryKind, ManualEntry};

use super::score::ReviewedFinding;

/// Where one item of a unit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// Drafted by the machine, every draft decided (or nothing found to draft).
    Checked,
    /// Drafted by the machine, with drafts still waiting for an auditor.
    Pending,
    /// An item only auditors decide, entered (a deduction, possibly of 0 points).
    Entered,
    /// An item only auditors decide, not entered yet.
    Open,
}

impl ItemState {
    /// Settled: nothing left to do on the item.
    pub fn settled(self) -> bool {
        matches!(self, ItemState::Checked | ItemState::Entered)
    }

    /// The serialized form back (`checked`, `pending`, `entered`, `open`).
    pub fn parse(s: &str) -> Option<ItemState> {
        Some(match s {
            "checked" => ItemState::Checked,
            "pending" => ItemState::Pending,
            "entered" => ItemState::Entered,
            "open" => ItemState::Open,
            _ => return None,
        })
    }

    /// As the pages say it.
    pub fn label(self) -> &'static str {
        match self {
            ItemState::Checked => "机器已查，已审核",
            ItemState::Pending => "机器已查，待审核",
            ItemState::Entered => "已人工录入",
            ItemState::Open => "待人工录入",
        }
    }
}

/// One item of a unit's table.
#[derive(Debug, Clone, Serialize)]
pub struct ItemCoverage {
    pub item: u32,
    /// The item's short name (公开指南).
    pub short: String,
    pub points: f64,
    /// A check of gongkai reads this item from the website.
    pub machine: bool,
    pub state: ItemState,
    /// Drafts of the item not decided yet.
    pub open_drafts: usize,
}

/// The unit's table points by state; `machine + auditor = total`, `settled + pending + open = total`.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// The table's points (100).
    pub total: f64,
    /// Points of the items the machine examined (drafted from the website).
    pub machine: f64,
    /// Points of the items only auditors decide.
    pub auditor: f64,
    /// Points settled: machine items with every draft decided, auditor items entered.
    pub settled: f64,
    /// Points of machine items with drafts not decided yet.
    pub pending: f64,
    /// Points of auditor items neither drafted nor entered.
    pub open: f64,
    /// Drafts not decided yet, items and bonus/penalty questions alike.
    pub open_drafts: usize,
    /// Nothing pending or open: the score is final, not an estimate.
    pub complete: bool,
    pub items: Vec<ItemCoverage>,
    /// [`Coverage::sentence`], for templates.
    pub summary: String,
}

impl Coverage {
    /// The items still to settle, in order.
    pub fn unsettled(&self) -> impl Iterator<Item = &ItemCoverage> {
        self.items.iter().filter(|i| !i.state.settled())
    }

    /// One sentence for pages, reports and mail.
    pub fn sentence(&self) -> String {
        let p = crate::review::fmt_points;
        let mut s = format!(
            "满分 {} 分中，机器检查 {} 分，须人工评定 {} 分；已确定 {} 分",
            p(self.total),
            p(self.machine),
            p(self.auditor),
            p(self.settled)
        );
        if self.pending > 0.0 {
            s.push_str(&format!("，待审核 {} 分", p(self.pending)));
        }
        if self.open > 0.0 {
            s.push_str(&format!("，尚未录入 {} 分", p(self.open)));
        }
        if self.open_drafts > 0 {
            s.push_str(&format!("（待审核初稿 {} 条）", self.open_drafts));
        }
        s.push_str(if self.complete {
            "。得分为最终得分。"
        } else {
            "。得分为预估，尚未完成。"
        });
        s
    }
}

/// The coverage of one unit. `crawled` is false when no run read the unit: then the machine
/// examined nothing and its items are open like the auditors' ones. `open_drafts` are the
/// sections and item numbers of the unit's drafts not decided yet.
pub fn coverage(
    table: &Table,
    crawled: bool,
    open_drafts: &[(Section, u32)],
    entries: &[ManualEntry],
) -> Coverage {
    let items: Vec<ItemCoverage> = table
        .items
        .iter()
        .map(|item| item_coverage(item, crawled, open_drafts, entries))
        .collect();
    let sum = |pred: &dyn Fn(&ItemCoverage) -> bool| -> f64 {
        items
            .iter()
            .filter(|i| pred(i))
            .map(|i| Centi::from_points(i.points))
            .sum::<Centi>()
            .points()
    };
    let mut c = Coverage {
        total: sum(&|_| true),
        machine: sum(&|i| i.machine),
        auditor: sum(&|i| !i.machine),
        settled: sum(&|i| i.state.settled()),
        pending: sum(&|i| i.state == ItemState::Pending),
        open: sum(&|i| i.state == ItemState::Open),
        open_drafts: open_drafts.len(),
        complete: open_drafts.is_empty() && items.iter().all(|i| i.state.settled()),
        items,
        summary: String::new(),
    };
    c.summary = c.sentence();
    c
}

/// The open drafts of reviewed findings, for [`coverage`].
pub fn open_drafts(findings: &[ReviewedFinding]) -> Vec<(Section, u32)> {
    findings
        .iter()
        .filter(|f| f.status == FindingStatus::Draft && !f.maybe_fixed)
        .map(|f| (f.finding.section, f.finding.item))
        .collect()
}

fn item_coverage(
    item: &Item,
    crawled: bool,
    open_drafts: &[(Section, u32)],
    entries: &[ManualEntry],
) -> ItemCoverage {
    let machine = crawled && item.source == ItemSource::Check;
    let open_drafts = open_drafts
        .iter()
        .filter(|(section, number)| *section == Section::Item && *number == item.number)
        .count();
    let entered = entries.iter().any(|e| {
        !*e.withdrawn && e.kind == EntryKind::Deduction && e.item == i64::from(item.number)
    });
    let state = match (machine, open_drafts > 0, entered) {
        (_, true, _) => ItemState::Pending,
        (true, false, _) => ItemState::Checked,
        (false, false, true) => ItemState::Entered,
        (false, false, false) => ItemState::Open,
    };
    ItemCoverage {
        item: item.number,
        short: item.short_name(),
        points: item.points,
        machine,
        state,
        open_drafts,
    }
}

/// The assessment-wide progress: drafts decided and auditor items entered, over every unit.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Progress {
    pub drafts: usize,
    pub drafts_decided: usize,
    pub manual_items: usize,
    pub manual_entered: usize,
    pub units: usize,
    pub units_complete: usize,
}

impl Progress {
    pub fn sentence(&self) -> String {
        format!(
            "审核进度：初稿已审核 {}/{} 条，人工项目已录入 {}/{} 项，完成评定的单位 {}/{} 个。",
            self.drafts_decided,
            self.drafts,
            self.manual_entered,
            self.manual_items,
            self.units_complete,
            self.units
        )
    }
}

/// Adds up the progress of the units reviewed.
pub fn progress<'a>(units: impl IntoIterator<Item = &'a super::UnitReview>) -> Progress {
    let mut p = Progress::default();
    for u in units {
        let current = u.findings.iter().filter(|f| !f.maybe_fixed);
        let (all, decided) = current.fold((0, 0), |(a, d), f| {
            (a + 1, d + usize::from(f.status != FindingStatus::Draft))
        });
        p.drafts += all;
        p.drafts_decided += decided;
        let manual = u.coverage.items.iter().filter(|i| !i.machine);
        for i in manual {
            p.manual_items += 1;
            p.manual_entered += usize::from(i.state == ItemState::Entered);
        }
        p.units += 1;
        p.units_complete += usize::from(u.coverage.complete);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rubric::Rubric;
    use crate::store::Flag;

    fn entry(item: i64, amount: f64, withdrawn: bool) -> ManualEntry {
        ManualEntry {
            id: 1,
            portal: "p".into(),
            unit: "田园镇".into(),
            kind: EntryKind::Deduction,
            item,
            rule: String::new(),
            amount,
            note: String::new(),
            withdrawn: Flag(withdrawn),
            created_by: "a".into(),
            created_at: String::new(),
        }
    }

    #[test]
    fn points_add_up_and_nothing_open_means_final() {
        let rubric = Rubric::bundled_2020();
        let table = rubric.table(crate::model::Table::Township);
        let machine: f64 = table
            .items
            .iter()
            .filter(|i| i.source == ItemSource::Check)
            .map(|i| i.points)
            .sum();
        let c = coverage(table, true, &[], &[]);
        assert_eq!(c.total, 100.0);
        assert_eq!(c.machine, machine);
        assert_eq!(c.machine + c.auditor, 100.0);
        assert_eq!(c.open, c.auditor, "no auditor item entered yet");
        assert!(!c.complete);

        // Every auditor item entered, one of them with 0 points (checked, nothing deducted);
        // a withdrawn entry does not count.
        let manual: Vec<i64> = table
            .items
            .iter()
            .filter(|i| i.source != ItemSource::Check)
            .map(|i| i64::from(i.number))
            .collect();
        let mut entries: Vec<ManualEntry> = manual.iter().map(|n| entry(*n, 0.0, false)).collect();
        let c = coverage(table, true, &[], &entries);
        assert!(c.complete);
        assert_eq!(c.settled, 100.0);
        assert!(c.sentence().contains("最终得分"));

        entries[0].withdrawn = Flag(true);
        let c = coverage(table, true, &[], &entries);
        assert!(!c.complete);
        assert_eq!(
            c.unsettled().map(|i| i.item).collect::<Vec<_>>(),
            [manual[0] as u32]
        );

        // An open draft on a machine item, or on a bonus, keeps the unit 预估.
        let entries: Vec<ManualEntry> = manual.iter().map(|n| entry(*n, 0.0, false)).collect();
        let c = coverage(table, true, &[(Section::Item, 7)], &entries);
        assert_eq!(c.pending, 5.0);
        assert!(!c.complete);
        assert!(c.sentence().contains("预估"));
        let c = coverage(table, true, &[(Section::Bonus, 3)], &entries);
        assert_eq!(c.pending, 0.0);
        assert!(!c.complete);

        // Not crawled: the machine examined nothing.
        let c = coverage(table, false, &[], &entries);
        assert_eq!(c.machine, 0.0);
        assert!(!c.complete);
    }
}
