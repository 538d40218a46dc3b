//! Items read as data (`check = "documents"`): each item's parts say what the unit must have
//! published — a document whose title has a word of every group, any document of some columns,
//! a column present and not empty — in which columns and of which years; a part not found
//! deducts its points or becomes a question, as the part says. Nothing here names an item:
//! next year's notice edits the rubric file.
//!
//! Never a wrong deduction: a part not found while the columns it is looked for in were not
//! all read, or while a document that could be it has a cut title or an unknown or doubtful
//! date, is a question (`document_unsure`) naming them.

use chrono::{Datelike, NaiveDate};

use super::text::squash;
use super::{centi, finding, Check, CheckContext};
use crate::model::{Centi, Evidence, Finding, FindingKind, Reason, RubricCheck, Section, Table};
use crate::rubric::{Item, Look, Miss, Part, Years};
use crate::snapshot::{ColumnSnapshot, ColumnState, DocumentSnapshot, UnitSnapshot};

pub struct DocumentsCheck;

/// Documents named in a finding's evidence, at most.
const EVIDENCE_DOCS: usize = 5;

impl Check for DocumentsCheck {
    fn name(&self) -> &'static str {
        "documents"
    }

    fn drafts(&self) -> RubricCheck {
        RubricCheck::Documents
    }

    fn items<'a>(&self, ctx: &CheckContext<'a>, table: Table) -> Vec<&'a Item> {
        ctx.rubric
            .table(table)
            .checked_items(RubricCheck::Documents)
            .collect()
    }

    fn run(&self, ctx: &CheckContext<'_>, unit: &UnitSnapshot) -> Vec<Finding> {
        self.items(ctx, unit.unit.table)
            .into_iter()
            .flat_map(|item| read_item(ctx, unit, item))
            .collect()
    }
}

/// A document as the parts read it, with its column.
#[derive(Clone, Copy)]
struct Doc<'a> {
    doc: &'a DocumentSnapshot,
    column: &'a ColumnSnapshot,
}

/// What one part found.
enum Outcome<'a> {
    Found(Vec<Doc<'a>>),
    /// Found only a column (an article, a non-empty column part): nothing for `among`.
    FoundColumn,
    Late(Doc<'a>, NaiveDate),
    Missing(Missing<'a>),
    /// `among` a part that found nothing: not judged.
    Skipped,
}

/// Why a part was not found, for the finding.
struct Missing<'a> {
    /// Columns the part is looked for in that were not read.
    unread: Vec<&'a ColumnSnapshot>,
    /// Documents that could be it but cannot be judged (cut title, date unknown or doubtful).
    doubtful: Vec<Doc<'a>>,
    /// Documents that match some of the words: what the auditor should look at.
    near: Vec<Doc<'a>>,
    /// Columns searched (for `within` / `columns` parts, or empty columns of a column part).
    searched: Vec<&'a ColumnSnapshot>,
}

fn read_item(ctx: &CheckContext<'_>, unit: &UnitSnapshot, item: &Item) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut left = centi(item.points);
    let mut found: Vec<(&str, Vec<Doc<'_>>)> = Vec::new();
    for part in &item.parts {
        let outcome = if among_empty(&found, part) {
            Outcome::Skipped
        } else {
            match part.look {
                Look::Count => {
                    out.push(count_finding(ctx, unit, item, part));
                    continue;
                }
                Look::Column => column_part(unit, part),
                Look::Document => {
                    let among = part.among.as_deref().and_then(|name| {
                        found
                            .iter()
                            .find(|(n, _)| *n == name)
                            .map(|(_, d)| d.clone())
                    });
                    document_part(ctx, unit, part, among)
                }
            }
        };
        let points = centi(part.points).min(left);
        match outcome {
            Outcome::Found(docs) => found.push((part.name.as_str(), docs)),
            Outcome::FoundColumn | Outcome::Skipped => {}
            Outcome::Late(doc, date) => {
                out.push(late(unit, item, part, doc, date, points));
                left = left - points;
            }
            Outcome::Missing(missing) => {
                let f = missing_finding(ctx, unit, item, part, missing, points);
                left = left - points;
                out.push(f);
            }
        }
    }
    out
}

/// `among` a part that found no document.
fn among_empty(found: &[(&str, Vec<Doc<'_>>)], part: &Part) -> bool {
    part.among
        .as_deref()
        .is_some_and(|name| !found.iter().any(|(n, docs)| *n == name && !docs.is_empty()))
}

/// A column matches a list of names when its name, or a parent's, contains one of them.
fn column_matches(col: &ColumnSnapshot, names: &[String]) -> bool {
    names.iter().any(|n| {
        let n = squash(n);
        squash(&col.name).contains(&n) || col.path.iter().any(|p| squash(p).contains(&n))
    })
}

/// The title has a word of every group.
fn title_matches(title: &str, groups: &[Vec<String>]) -> bool {
    let t = squash(title);
    groups
        .iter()
        .all(|g| g.iter().any(|w| t.contains(&squash(w))))
}

/// Groups the title matches.
fn groups_matched(title: &str, groups: &[Vec<String>]) -> usize {
    let t = squash(title);
    groups
        .iter()
        .filter(|g| g.iter().any(|w| t.contains(&squash(w))))
        .count()
}

/// A column whose content the machine did not see (or saw only in part).
fn unread(col: &ColumnSnapshot) -> bool {
    col.state.unread() || !col.problems.is_empty()
}

fn document_part<'a>(
    ctx: &CheckContext<'_>,
    unit: &'a UnitSnapshot,
    part: &Part,
    among: Option<Vec<Doc<'a>>>,
) -> Outcome<'a> {
    let year = ctx.year();
    let words = part.words_for(year);
    let in_scope = |c: &ColumnSnapshot| part.within.is_empty() || column_matches(c, &part.within);
    let candidates: Vec<Doc<'a>> = match among {
        Some(docs) => docs,
        None => unit
            .columns
            .iter()
            .filter(|c| in_scope(c))
            .flat_map(|c| c.documents.iter().map(move |d| Doc { doc: d, column: c }))
            .collect(),
    };
    let by_column =
        |d: &Doc<'_>| !part.columns.is_empty() && column_matches(d.column, &part.columns);
    let by_words = |d: &Doc<'_>| !words.is_empty() && title_matches(&d.doc.title, &words);
    // A part of `within` (or `among`) only counts every document there.
    let open = words.is_empty() && part.columns.is_empty();
    let matches = |d: &Doc<'_>| open || by_column(d) || by_words(d);
    let in_window = |date: NaiveDate| match part.years {
        Years::Any => date <= ctx.as_of,
        Years::Current => date.year() == year && date <= ctx.as_of,
    };
    let mut hits: Vec<Doc<'a>> = candidates
        .iter()
        .copied()
        .filter(|d| matches(d) && d.doc.date_doubt.is_none())
        .filter(|d| d.doc.published.is_some_and(|p| in_window(p.date)))
        .collect();
    hits.sort_by_key(|d| d.doc.published.map(|p| p.datetime()));
    if let Some(first) = hits.first().copied() {
        if let (Some((m, day)), Some(p)) = (part.deadline(), first.doc.published) {
            let deadline = NaiveDate::from_ymd_opt(p.date.year(), m, day);
            if deadline.is_some_and(|dl| p.date > dl) {
                return Outcome::Late(first, p.date);
            }
        }
        return Outcome::Found(hits);
    }
    // A single-article column of the part's names counts as the document (dated by its page).
    if part.among.is_none() {
        let article = unit.columns.iter().find(|c| {
            in_scope(c)
                && !part.columns.is_empty()
                && column_matches(c, &part.columns)
                && c.state == ColumnState::Article
                && (part.years == Years::Any
                    || c.page_dates.first().is_some_and(|d| in_window(d.date)))
        });
        if article.is_some() {
            return Outcome::FoundColumn;
        }
    }
    let doubtful: Vec<Doc<'a>> = candidates
        .iter()
        .copied()
        .filter(|d| {
            let maybe_in_window = match (d.doc.published, &d.doc.date_doubt) {
                (None, _) | (_, Some(_)) => true,
                (Some(p), None) => in_window(p.date),
            };
            maybe_in_window && (matches(d) || (d.doc.title_cut && !open))
        })
        .collect();
    let unread_cols: Vec<&ColumnSnapshot> = if part.among.is_some() {
        Vec::new()
    } else {
        unit.columns
            .iter()
            .filter(|c| in_scope(c) && unread(c))
            .collect()
    };
    let mut near: Vec<Doc<'a>> = candidates
        .iter()
        .copied()
        .filter(|d| d.doc.published.is_some_and(|p| in_window(p.date)))
        .filter(|d| !words.is_empty() && groups_matched(&d.doc.title, &words) > 0)
        .collect();
    near.sort_by_key(|d| std::cmp::Reverse(groups_matched(&d.doc.title, &words)));
    let searched = unit
        .columns
        .iter()
        .filter(|c| {
            (!part.within.is_empty() && column_matches(c, &part.within))
                || (!part.columns.is_empty() && column_matches(c, &part.columns))
        })
        .collect();
    Outcome::Missing(Missing {
        unread: unread_cols,
        doubtful,
        near,
        searched,
    })
}

fn column_part<'a>(unit: &'a UnitSnapshot, part: &Part) -> Outcome<'a> {
    let named: Vec<&ColumnSnapshot> = unit
        .columns
        .iter()
        .filter(|c| {
            part.columns
                .iter()
                .any(|n| squash(&c.name).contains(&squash(n)))
        })
        .collect();
    let full = |c: &ColumnSnapshot| match c.state {
        ColumnState::List => !c.documents.is_empty(),
        ColumnState::Article => c.article_text.as_deref().is_some_and(|t| !t.is_empty()),
        // A parent is judged by its children.
        ColumnState::Parent => unit.columns.iter().any(|child| {
            child.path.contains(&c.name)
                && matches!(child.state, ColumnState::List | ColumnState::Article)
        }),
        _ => false,
    };
    if named.iter().any(|c| full(c)) {
        return Outcome::FoundColumn;
    }
    Outcome::Missing(Missing {
        unread: named.iter().copied().filter(|c| unread(c)).collect(),
        doubtful: Vec::new(),
        near: Vec::new(),
        searched: named,
    })
}

/// "“政务公开/政府信息公开”和“会议/专题会”".
fn words_text(groups: &[Vec<String>]) -> String {
    groups
        .iter()
        .map(|g| format!("“{}”", g.join("/")))
        .collect::<Vec<_>>()
        .join("和")
}

/// What the part looks for, in words: "2020年内（截至12月15日）全部栏目中标题含…的文件".
fn rule_text(ctx: &CheckContext<'_>, part: &Part) -> String {
    let year = ctx.year();
    let when = match part.years {
        Years::Current => format!("{year}年内（截至{}）", ctx.as_of.format("%-m月%-d日")),
        Years::Any => String::new(),
    };
    if part.look == Look::Column {
        return format!("栏目“{}”（存在且不为空）", part.columns.join("”或“"));
    }
    let place = if part.within.is_empty() {
        "全部栏目中".to_string()
    } else {
        format!("栏目“{}”中", part.within.join("”或“"))
    };
    let mut what = Vec::new();
    if !part.words.is_empty() {
        what.push(format!("标题含{}的文件", words_text(&part.words_for(year))));
    }
    if !part.columns.is_empty() {
        what.push(format!("栏目“{}”中的文件", part.columns.join("”或“")));
    }
    if what.is_empty() {
        what.push("任何文件".to_string());
    }
    if part.among.is_some() {
        return format!(
            "已找到的{}中{}",
            part.among.as_deref().unwrap_or(""),
            what.join("或")
        );
    }
    format!("{when}{place}{}", what.join("或"))
}

fn doc_evidence(d: &Doc<'_>) -> Evidence {
    let date = d
        .doc
        .published
        .map_or_else(|| "日期不明".to_string(), |p| p.to_text());
    let mut excerpt = format!("{}（{}，栏目：{}）", d.doc.title, date, d.column.name);
    if d.doc.title_cut {
        excerpt.push_str("，标题不完整");
    }
    if let Some(doubt) = &d.doc.date_doubt {
        excerpt.push_str(&format!("，日期存疑：{doubt}"));
    }
    Evidence {
        url: d.doc.url.to_string(),
        excerpt,
        page_id: None,
    }
}

fn column_evidence(c: &ColumnSnapshot, why: &str) -> Evidence {
    Evidence {
        url: c.url.to_string(),
        excerpt: format!("栏目“{}”：{why}", c.name),
        page_id: c.page_id,
    }
}

fn missing_finding(
    ctx: &CheckContext<'_>,
    unit: &UnitSnapshot,
    item: &Item,
    part: &Part,
    m: Missing<'_>,
    points: Centi,
) -> Finding {
    let rule = rule_text(ctx, part);
    let mut evidence = Vec::new();
    let (kind, reason, detail) = if !m.unread.is_empty() || !m.doubtful.is_empty() {
        for c in &m.unread {
            let why = c
                .problems
                .first()
                .map_or_else(|| "未能读取".to_string(), ToString::to_string);
            evidence.push(column_evidence(c, &why));
        }
        evidence.extend(m.doubtful.iter().take(EVIDENCE_DOCS).map(doc_evidence));
        (
            FindingKind::Question,
            Reason::DocumentUnsure,
            format!(
                "未能确认“{}”：未找到{rule}，但有{}个栏目未能完整读取、{}个文件标题不完整或日期不明，可能已公开，请人工核查。",
                part.name,
                m.unread.len(),
                m.doubtful.len()
            ),
        )
    } else {
        evidence.extend(m.near.iter().take(EVIDENCE_DOCS).map(doc_evidence));
        for c in &m.searched {
            evidence.push(column_evidence(c, state_text(c)));
        }
        if evidence.is_empty() {
            let n_docs: usize = unit.columns.iter().map(|c| c.documents.len()).sum();
            evidence.push(Evidence {
                url: unit.landing_url.to_string(),
                excerpt: format!(
                    "已查看{}个栏目共{n_docs}个文件，没有符合条件的文件",
                    unit.columns.len()
                ),
                page_id: None,
            });
        }
        match (part.miss, part.look) {
            (Miss::Deduct, Look::Column) => (
                FindingKind::Deduction,
                Reason::ColumnPartMissing,
                format!("未公开“{}”：没有{rule}。", part.name),
            ),
            (Miss::Deduct, Look::Document | Look::Count) => (
                FindingKind::Deduction,
                Reason::DocumentMissing,
                format!("未公开“{}”：没有找到{rule}。", part.name),
            ),
            (Miss::Question, _) => (
                FindingKind::Question,
                Reason::DocumentNotSeen,
                format!(
                    "未找到“{}”：没有{rule}。本单位是否应公开（不涉及的不扣分）请人工判断，建议扣{}分。",
                    part.name,
                    points
                ),
            ),
        }
    };
    finding(
        unit,
        (Section::Item, item.number),
        kind,
        points,
        reason,
        part.name.clone(),
        detail,
        evidence,
    )
}

fn late(
    unit: &UnitSnapshot,
    item: &Item,
    part: &Part,
    doc: Doc<'_>,
    date: NaiveDate,
    points: Centi,
) -> Finding {
    finding(
        unit,
        (Section::Item, item.number),
        FindingKind::Question,
        points,
        Reason::DocumentLate,
        part.name.clone(),
        format!(
            "“{}”已公开，但发布于{}，晚于规定的{}（{}），是否扣分请人工判断。",
            part.name,
            date.format("%Y年%-m月%-d日"),
            part.late_after.as_deref().unwrap_or(""),
            doc.doc.title
        ),
        vec![doc_evidence(&doc)],
    )
}

/// What a searched column held, in words.
fn state_text(c: &ColumnSnapshot) -> &'static str {
    match c.state {
        ColumnState::List if c.documents.is_empty() => "列表为空",
        ColumnState::List => "已查看其中的文件，没有符合条件的",
        ColumnState::Article => "单页栏目，没有符合条件的内容",
        ColumnState::Empty => "栏目为空",
        ColumnState::Parent => "上级栏目，其子栏目均为空",
        ColumnState::Unreachable | ColumnState::Unrecognised | ColumnState::Unreadable => {
            "未能读取"
        }
    }
}

/// The unit's count of documents of the year, with where it stands in its group: a question
/// without points (信息发布量 is scored 酌情 by the auditor).
fn count_finding(ctx: &CheckContext<'_>, unit: &UnitSnapshot, item: &Item, part: &Part) -> Finding {
    let year = ctx.year();
    let count = unit.documents_of_year(year, ctx.as_of);
    let mut detail = format!(
        "{year}年内（截至{}）共发布文件{count}个",
        ctx.as_of.format("%-m月%-d日")
    );
    if let Some(s) = ctx.publications.and_then(|p| p.standing(&unit.unit.name)) {
        detail.push_str(&format!(
            "，在{}（{}个单位）中排第{}名，中位数{}个",
            s.group, s.size, s.rank, s.median
        ));
    }
    let unread: Vec<&str> = unit
        .columns
        .iter()
        .filter(|c| unread(c))
        .map(|c| c.name.as_str())
        .collect();
    if !unread.is_empty() {
        detail.push_str(&format!(
            "；另有{}个栏目未能完整读取（{}），实际数量可能更多",
            unread.len(),
            unread.join("、")
        ));
    }
    detail.push_str(&format!("。“{}”由审核人员酌情评分。", part.name));
    let evidence = unit
        .columns
        .iter()
        .filter(|c| !c.documents.is_empty())
        .map(|c| {
            let n = c
                .documents
                .iter()
                .filter(|d| {
                    d.date_doubt.is_none()
                        && d.published
                            .is_some_and(|p| p.date.year() == year && p.date <= ctx.as_of)
                })
                .count();
            column_evidence(c, &format!("{year}年文件{n}个"))
        })
        .collect();
    finding(
        unit,
        (Section::Item, item.number),
        FindingKind::Question,
        Centi::ZERO,
        Reason::PublicationCount,
        part.name.clone(),
        detail,
        evidence,
    )
}
