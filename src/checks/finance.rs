//! 财政预决算, 三公经费, 绩效自评报告 (item 10 / 9 in 2020) — the rubric item's `part_missing`
//! (1 point) for each missing part, never more than the item's points.
//! Documents count wherever they stand in the unit's columns, on any page of a column.

use super::text::squash;
use super::{centi, draft, url_key, Check, CheckContext};
use crate::model::{Centi, Evidence, Finding, FindingKind, Reason, RubricCheck};
use crate::snapshot::{ColumnState, UnitSnapshot};

pub struct FinanceCheck;

/// The title without its 三公经费 phrase (三公经费预算, 三公决算, …).
fn without_sangong(title: &str) -> String {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new("三公(经费)?(财政拨款)?(预算|决算)?").expect("static regex")
    })
    .replace_all(title, "")
    .into_owned()
}

/// Title test of one kind of document.
type TitleTest<'a> = &'a dyn Fn(&str) -> bool;

/// One of the item's three parts: its reason codes (missing, and undecided), short name, what
/// is wanted, and the documents it needs (all of them).
struct Part<'a> {
    reason: Reason,
    unsure: Reason,
    short: &'static str,
    wanted: String,
    needs: Vec<TitleTest<'a>>,
}

/// A document as this check reads it: squashed full title, year of publication if known.
struct Doc<'a> {
    title: String,
    year: Option<i32>,
    cut: bool,
    url: &'a url::Url,
    /// The title as shown to the auditor.
    shown: String,
    /// Why the document's date is in doubt: it neither proves nor disproves a part.
    doubt: Option<String>,
}

/// Names of columns that may hold the finance documents as one article.
const FINANCE_WORDS: [&str; 5] = ["预算", "决算", "三公", "绩效", "财政"];

impl Check for FinanceCheck {
    fn name(&self) -> &'static str {
        "finance"
    }

    fn drafts(&self) -> RubricCheck {
        RubricCheck::Finance
    }

    fn run(&self, ctx: &CheckContext<'_>, unit: &UnitSnapshot) -> Vec<Finding> {
        let year = ctx.year();
        let item = ctx.item(unit.unit.table, RubricCheck::Finance);
        // The item's points cap the parts' sum (never reached with the notice's figures).
        let mut left = centi(item.points);
        let mut docs: Vec<Doc<'_>> = unit
            .columns
            .iter()
            .flat_map(|c| c.documents.iter())
            .map(|d| Doc {
                title: squash(&d.title),
                year: d.published.map(|p| p.year()),
                cut: d.title_cut,
                url: &d.url,
                shown: d.title.clone(),
                doubt: d.date_doubt.as_ref().map(ToString::to_string),
            })
            .collect();
        // A finance column published as one article (text and attached files) is read as one
        // document dated by the page.
        for c in &unit.columns {
            if c.state != ColumnState::Article || !FINANCE_WORDS.iter().any(|w| c.name.contains(w))
            {
                continue;
            }
            let names: Vec<&str> = c.attachments.iter().map(|a| a.name.as_str()).collect();
            let text = format!(
                "{} {} {}",
                c.name,
                c.article_text.as_deref().unwrap_or(""),
                names.join(" ")
            );
            docs.push(Doc {
                title: squash(&text),
                year: c.page_dates.first().map(|p| p.year()),
                cut: false,
                url: &c.url,
                shown: format!("栏目“{}”正文", c.name),
                doubt: None,
            });
        }
        let unread: Vec<String> = unit
            .columns
            .iter()
            .filter(|c| c.state.unread() || !c.problems.is_empty())
            .map(|c| c.name.clone())
            .collect();
        let y = year.to_string();
        let prev = (year - 1).to_string();
        let is_sangong = |t: &str| t.contains("三公");
        // A title that is only about 三公经费 is not the budget; one that names the unit's
        // budget besides (部门预算及三公经费预算) is both.
        // 预算执行 (budget execution) reports are not the budget.
        let budget = |t: &str| {
            let t = without_sangong(t).replace("预算执行", "");
            t.contains(&y) && t.contains("预算")
        };
        let accounts = |t: &str| t.contains(&prev) && without_sangong(t).contains("决算");
        let performance = |t: &str| t.contains("绩效") && t.contains("自评");
        let parts = [
            Part {
                reason: Reason::BudgetMissing,
                unsure: Reason::BudgetUnsure,
                short: "预决算",
                wanted: format!("{year}年预算和{}年决算", year - 1),
                needs: vec![&budget, &accounts],
            },
            Part {
                reason: Reason::SangongMissing,
                unsure: Reason::SangongUnsure,
                short: "三公经费",
                wanted: "三公经费".into(),
                needs: vec![&is_sangong],
            },
            Part {
                reason: Reason::PerformanceMissing,
                unsure: Reason::PerformanceUnsure,
                short: "绩效自评",
                wanted: "绩效自评报告".into(),
                needs: vec![&performance],
            },
        ];
        let mut out = Vec::new();
        for Part {
            reason,
            unsure: unsure_reason,
            short,
            wanted,
            needs,
        } in parts
        {
            let mut missing = Vec::new();
            let mut unsure = Vec::new();
            for (i, need) in needs.iter().enumerate() {
                let found = docs
                    .iter()
                    .any(|d| d.year == Some(year) && d.doubt.is_none() && need(&d.title));
                if found {
                    continue;
                }
                let label = match (reason, i) {
                    (Reason::BudgetMissing, 0) => format!("{year}年预算"),
                    (Reason::BudgetMissing, _) => format!("{}年决算", year - 1),
                    _ => wanted.clone(),
                };
                // Undated matches and cut titles could hide the document: ask, don't deduct.
                let doubtful: Vec<&Doc<'_>> = docs
                    .iter()
                    .filter(|d| {
                        ((d.year.is_none() || d.doubt.is_some()) && need(&d.title))
                            || (d.cut && d.year == Some(year))
                    })
                    .collect();
                if doubtful.is_empty() {
                    missing.push(label);
                } else {
                    unsure.push((label, doubtful));
                }
            }
            let evidence = vec![Evidence {
                url: unit.landing_url.to_string(),
                excerpt: format!(
                    "已检查本单位全部栏目的{}份文件，{}年发布的文件中未见标题含“{}”的文件",
                    docs.len(),
                    year,
                    short
                ),
                page_id: None,
            }];
            if !missing.is_empty() && unread.is_empty() && unsure.is_empty() {
                let points = centi(item.deduct.part_missing).min(left);
                if points == Centi::ZERO {
                    continue;
                }
                left = left - points;
                out.push(draft(
                    ctx,
                    unit,
                    RubricCheck::Finance,
                    FindingKind::Deduction,
                    points,
                    reason,
                    String::new(),
                    format!("{year}年内未公开{}。", missing.join("和")),
                    evidence,
                ));
            } else if !missing.is_empty() || !unsure.is_empty() {
                let mut why = Vec::new();
                if !unread.is_empty() {
                    why.push(format!("栏目{}未能读取", unread.join("、")));
                }
                let mut ev = evidence;
                for (label, doubtful) in &unsure {
                    why.push(format!("可能的{label}文件日期不明、日期存疑或标题被截断"));
                    ev.extend(doubtful.iter().map(|d| Evidence {
                        url: d.url.to_string(),
                        excerpt: match &d.doubt {
                            Some(doubt) => format!("{}（{}）：{doubt}", d.shown, url_key(d.url)),
                            None => format!("{}（{}）", d.shown, url_key(d.url)),
                        },
                        page_id: None,
                    }));
                }
                out.push(draft(
                    ctx,
                    unit,
                    RubricCheck::Finance,
                    FindingKind::Question,
                    Centi::ZERO,
                    unsure_reason,
                    String::new(),
                    format!(
                        "未能确认是否公开{}：{}，请人工核查。",
                        wanted,
                        why.join("；")
                    ),
                    ev,
                ));
            }
        }
        out
    }
}
