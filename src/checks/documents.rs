//! Items read as data (`check = "documents"`): each item's parts say what the unit must have
//! published — a document whose title has a word of every group, any document of some columns,
//! a column present and not empty — in which columns and of which years; a part not found
//! deducts its points or becomes a question, as the part says. Nothing here names an item:
//! next year's notice edits the rubric file.
//!
//! A `text` part reads the documents' text as well as their titles (item 4's six systems, a
//! compilation counting for every system it names); a bonus rule's `each` parts list the
//! documents that may earn it (形象化解读), as suggestions.
//!
//! Never a wrong deduction: a part not found while the columns it is looked for in were not
//! all read, or while a document that could be it has a cut title, an unknown or doubtful
//! date or (for a `text` part) a text not read, is a question (`document_unsure`) naming them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use chrono::{Datelike, NaiveDate};

use super::text::squash;
use super::{centi, finding, url_key, Check, CheckContext};
use crate::model::{Centi, Evidence, Finding, FindingKind, Reason, RubricCheck, Section, Table};
use crate::rubric::{AdjustmentRule, Item, Look, Miss, Part, Years};
use crate::snapshot::{ColumnSnapshot, ColumnState, DocumentSnapshot, UnitSnapshot};

pub struct DocumentsCheck;

/// Documents named in a finding's evidence, at most.
const EVIDENCE_DOCS: usize = 5;

/// Documents of its own column a `text` part's finding names, at most.
const EVIDENCE_TEXT_DOCS: usize = 10;

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
        let scope = Scope::of(unit);
        let mut out: Vec<Finding> = self
            .items(ctx, unit.unit.table)
            .into_iter()
            .flat_map(|item| read_item(ctx, &scope, item))
            .collect();
        for rule in ctx.rubric.checked_bonus(RubricCheck::Documents) {
            out.extend(read_bonus(ctx, &scope, rule));
        }
        out
    }
}

/// What the parts read of a unit: its columns' documents, and each single-article column with
/// text as one document (its title the column's name, its text the article) for `text` parts.
struct Scope<'a> {
    unit: &'a UnitSnapshot,
    articles: Vec<(&'a ColumnSnapshot, DocumentSnapshot)>,
    squashed: Squashed,
}

/// Titles and texts squashed once per unit: every part reads the same documents again, and a
/// text's squashing costs far more than looking it up.
#[derive(Default)]
struct Squashed(RefCell<HashMap<String, Rc<str>>>);

impl Squashed {
    fn get(&self, s: &str) -> Rc<str> {
        if let Some(done) = self.0.borrow().get(s) {
            return done.clone();
        }
        let done: Rc<str> = squash(s).into();
        self.0.borrow_mut().insert(s.to_string(), done.clone());
        done
    }
}

impl<'a> Scope<'a> {
    fn of(unit: &'a UnitSnapshot) -> Self {
        let articles = unit
            .columns
            .iter()
            .filter(|c| c.state == ColumnState::Article)
            .filter_map(|c| {
                let text = c.article_text.as_deref().filter(|t| !t.is_empty())?;
                Some((
                    c,
                    DocumentSnapshot {
                        url: c.url.clone(),
                        title: c.name.clone(),
                        title_cut: false,
                        published: c.page_dates.first().copied(),
                        list_page: 1,
                        list_position: 1,
                        attachments: None,
                        date_doubt: None,
                        page_id: c.page_id,
                        text: Some(text.to_string()),
                        text_cut: false,
                    },
                ))
            })
            .collect();
        Scope {
            unit,
            articles,
            squashed: Squashed::default(),
        }
    }

    /// The documents of the columns `in_scope` accepts; with `articles`, the single-article
    /// columns among them as documents too.
    fn documents(
        &self,
        in_scope: impl Fn(&ColumnSnapshot) -> bool,
        articles: bool,
    ) -> Vec<Doc<'_>> {
        let mut out: Vec<Doc<'_>> = self
            .unit
            .columns
            .iter()
            .filter(|c| in_scope(c))
            .flat_map(|c| {
                c.documents.iter().map(move |d| Doc {
                    doc: d,
                    column: c,
                    article: false,
                })
            })
            .collect();
        if articles {
            out.extend(
                self.articles
                    .iter()
                    .filter(|(c, _)| in_scope(c))
                    .map(|(c, d)| Doc {
                        doc: d,
                        column: c,
                        article: true,
                    }),
            );
        }
        out
    }
}

/// A document as the parts read it, with its column.
#[derive(Clone, Copy)]
struct Doc<'a> {
    doc: &'a DocumentSnapshot,
    column: &'a ColumnSnapshot,
    /// A single-article column read as a document.
    article: bool,
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
    /// `text` parts: documents whose text was not read (or only in part).
    unread_text: Vec<Doc<'a>>,
    /// `text` parts: the documents looked at (what the evidence lists).
    seen: Vec<Doc<'a>>,
    /// Documents that match some of the words: what the auditor should look at.
    near: Vec<Doc<'a>>,
    /// Columns searched (for `within` / `columns` parts, or empty columns of a column part).
    searched: Vec<&'a ColumnSnapshot>,
}

fn read_item(ctx: &CheckContext<'_>, scope: &Scope<'_>, item: &Item) -> Vec<Finding> {
    let unit = scope.unit;
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
                // Only on bonus rules (validated).
                Look::Each => continue,
                Look::Document => {
                    let among = part.among.as_deref().and_then(|name| {
                        found
                            .iter()
                            .find(|(n, _)| *n == name)
                            .map(|(_, d)| d.clone())
                    });
                    document_part(ctx, scope, part, among)
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
                let f = missing_finding(ctx, scope, item, part, missing, points);
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

/// The suggestions of a bonus rule read by its parts: every document found, once.
fn read_bonus(ctx: &CheckContext<'_>, scope: &Scope<'_>, rule: &AdjustmentRule) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for part in &rule.parts {
        let Outcome::Found(docs) = document_part(ctx, scope, part, None) else {
            continue;
        };
        for d in docs {
            let key = url_key(&d.doc.url);
            if out.iter().any(|f| f.key == key) {
                continue;
            }
            out.push(finding(
                scope.unit,
                (Section::Bonus, rule.number),
                FindingKind::Question,
                centi(rule.points_each),
                Reason::DocumentBonus,
                key,
                format!(
                    "“{}”可能符合加分项目第{}项（{}）：{}。每{}加{}分，是否加分请人工判断。",
                    d.doc.title,
                    rule.number,
                    part.name,
                    rule_text(ctx, part),
                    if rule.per.is_empty() {
                        "篇"
                    } else {
                        &rule.per
                    },
                    centi(rule.points_each)
                ),
                vec![doc_evidence(&d)],
            ));
        }
    }
    out
}

/// A column matches a list of names when its name, or a parent's, contains one of them.
fn column_matches(col: &ColumnSnapshot, names: &[String]) -> bool {
    col.named(names)
}

/// Where a document shows a part's words.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Title,
    /// In the text (some group only there): the text around the first such word.
    Text(String),
}

/// Characters of text shown either side of a word found in it.
const EXCERPT_CHARS: usize = 24;

/// Whether the document has a word of every group: in its title, or (`text`) each group in its
/// title or its text. An attachment's name is neither (the text leaves them out).
fn words_seen(
    sq: &Squashed,
    d: &DocumentSnapshot,
    groups: &[Vec<String>],
    text: bool,
) -> Option<Seen> {
    if groups.is_empty() {
        return None;
    }
    let title = sq.get(&d.title);
    if title_matches(&title, groups) {
        return Some(Seen::Title);
    }
    let body = sq.get(d.text.as_deref().filter(|_| text)?);
    let mut excerpt = None;
    for g in groups {
        let words: Vec<String> = g.iter().map(|w| squash(w)).collect();
        if words.iter().any(|w| title.contains(w.as_str())) {
            continue;
        }
        let at = words
            .iter()
            .find_map(|w| body.find(w.as_str()).map(|i| (i, w.len())))?;
        excerpt.get_or_insert_with(|| around(&body, at));
    }
    excerpt.map(Seen::Text)
}

/// The text around `(byte offset, byte length)` of a word in `text`.
fn around(text: &str, (at, len): (usize, usize)) -> String {
    let before: String = text[..at]
        .chars()
        .rev()
        .take(EXCERPT_CHARS)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after: String = text[at + len..].chars().take(EXCERPT_CHARS).collect();
    let lead = if before.chars().count() < text[..at].chars().count() {
        "…"
    } else {
        ""
    };
    let tail = if at + len + after.len() < text.len() {
        "…"
    } else {
        ""
    };
    format!("{lead}{before}{}{after}{tail}", &text[at..at + len])
}

/// Groups the title (or, `text`, the title or the text) matches.
fn groups_seen(sq: &Squashed, d: &DocumentSnapshot, groups: &[Vec<String>], text: bool) -> usize {
    let title = sq.get(&d.title);
    let body = d
        .text
        .as_deref()
        .filter(|_| text)
        .map_or_else(|| Rc::from(""), |t| sq.get(t));
    groups
        .iter()
        .filter(|g| {
            g.iter().any(|w| {
                let w = squash(w);
                title.contains(&w) || body.contains(&w)
            })
        })
        .count()
}

/// A `text` part could not read all of the document: its text is unknown or cut.
fn text_unread(d: &Doc<'_>) -> bool {
    d.doc.text.is_none() || d.doc.text_cut
}

/// The (squashed) title has a word of every group.
fn title_matches(title: &str, groups: &[Vec<String>]) -> bool {
    groups
        .iter()
        .all(|g| g.iter().any(|w| title.contains(&squash(w))))
}

/// A column whose content the machine did not see (or saw only in part).
fn unread(col: &ColumnSnapshot) -> bool {
    col.state.unread() || !col.problems.is_empty()
}

fn document_part<'a>(
    ctx: &CheckContext<'_>,
    scope: &'a Scope<'a>,
    part: &Part,
    among: Option<Vec<Doc<'a>>>,
) -> Outcome<'a> {
    let unit = scope.unit;
    let year = ctx.year();
    let words = part.words_for(year);
    let in_scope = |c: &ColumnSnapshot| part.within.is_empty() || column_matches(c, &part.within);
    let candidates: Vec<Doc<'a>> = match among {
        Some(docs) => docs,
        None => scope.documents(in_scope, part.text),
    };
    let by_column =
        |d: &Doc<'_>| !part.columns.is_empty() && column_matches(d.column, &part.columns);
    let by_words = |d: &Doc<'_>| words_seen(&scope.squashed, d.doc, &words, part.text).is_some();
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
    let maybe_in_window = |d: &Doc<'_>| match (d.doc.published, &d.doc.date_doubt) {
        (None, _) | (_, Some(_)) => true,
        (Some(p), None) => in_window(p.date),
    };
    let doubtful: Vec<Doc<'a>> = candidates
        .iter()
        .copied()
        .filter(|d| maybe_in_window(d) && (matches(d) || (d.doc.title_cut && !open)))
        .collect();
    // A document whose text was not read may say the words.
    let reads_text = part.text && !words.is_empty();
    let unread_text: Vec<Doc<'a>> = candidates
        .iter()
        .copied()
        .filter(|d| reads_text && maybe_in_window(d) && text_unread(d))
        .filter(|d| !doubtful.iter().any(|x| x.doc.url == d.doc.url))
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
        .filter(|d| !words.is_empty() && groups_seen(&scope.squashed, d.doc, &words, part.text) > 0)
        .collect();
    near.sort_by_key(|d| std::cmp::Reverse(groups_seen(&scope.squashed, d.doc, &words, part.text)));
    let seen: Vec<Doc<'a>> = if part.text {
        candidates
            .iter()
            .copied()
            .filter(|d| d.doc.published.is_some_and(|p| in_window(p.date)))
            .collect()
    } else {
        Vec::new()
    };
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
        unread_text,
        seen,
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
        unread_text: Vec::new(),
        seen: Vec::new(),
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
        let place = if part.text {
            "标题或正文（附件名不计）"
        } else {
            "标题"
        };
        what.push(format!(
            "{place}含{}的文件",
            words_text(&part.words_for(year))
        ));
    }
    if !part.columns.is_empty() {
        what.push(format!("栏目“{}”中的文件", part.columns.join("”或“")));
    }
    if what.is_empty() {
        what.push(if part.text {
            "任何文件或内容".to_string()
        } else {
            "任何文件".to_string()
        });
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
        page_id: d.doc.page_id,
    }
}

/// A document a `text` part looked at, with what the item's `text` parts saw in it (where: the
/// title, or the text around the words), so that the auditor sees which systems are there.
fn seen_evidence(ctx: &CheckContext<'_>, sq: &Squashed, item: &Item, d: &Doc<'_>) -> Evidence {
    let mut e = doc_evidence(d);
    if d.article {
        e.excerpt = e.excerpt.replacen(
            &format!("（{}", d.column.name),
            &format!("（单页栏目，{}", d.column.name),
            1,
        );
    }
    let found: Vec<String> = item
        .parts
        .iter()
        .filter(|p| p.text && !p.words.is_empty())
        .filter_map(|p| {
            let seen = words_seen(sq, d.doc, &p.words_for(ctx.year()), true)?;
            Some(match seen {
                Seen::Title => format!("{}（标题）", p.name),
                Seen::Text(x) => format!("{}（正文：“{x}”）", p.name),
            })
        })
        .collect();
    if found.is_empty() {
        e.excerpt.push_str("；未见本项所查内容");
    } else {
        e.excerpt.push_str(&format!("；可见：{}", found.join("、")));
    }
    if text_unread(d) {
        e.excerpt.push_str(if d.doc.text.is_none() {
            "；正文未能读取"
        } else {
            "；正文过长，只读了一部分"
        });
    }
    e
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
    scope: &Scope<'_>,
    item: &Item,
    part: &Part,
    m: Missing<'_>,
    points: Centi,
) -> Finding {
    let unit = scope.unit;
    let rule = rule_text(ctx, part);
    let mut evidence = Vec::new();
    let unsure = !m.unread.is_empty() || !m.doubtful.is_empty() || !m.unread_text.is_empty();
    let (kind, reason, detail) = if unsure {
        for c in &m.unread {
            let why = c
                .problems
                .first()
                .map_or_else(|| "未能读取".to_string(), ToString::to_string);
            evidence.push(column_evidence(c, &why));
        }
        evidence.extend(m.doubtful.iter().take(EVIDENCE_DOCS).map(doc_evidence));
        evidence.extend(
            m.unread_text
                .iter()
                .take(EVIDENCE_DOCS)
                .map(|d| seen_evidence(ctx, &scope.squashed, item, d)),
        );
        let text = if m.unread_text.is_empty() {
            String::new()
        } else {
            format!("、{}个文件的正文未能完整读取", m.unread_text.len())
        };
        (
            FindingKind::Question,
            Reason::DocumentUnsure,
            format!(
                "未能确认“{}”：未找到{rule}，但有{}个栏目未能完整读取、{}个文件标题不完整或日期不明{text}，可能已公开，请人工核查。",
                part.name,
                m.unread.len(),
                m.doubtful.len()
            ),
        )
    } else {
        if part.text {
            evidence.extend(
                m.seen
                    .iter()
                    .take(EVIDENCE_TEXT_DOCS)
                    .map(|d| seen_evidence(ctx, &scope.squashed, item, d)),
            );
        } else {
            evidence.extend(m.near.iter().take(EVIDENCE_DOCS).map(doc_evidence));
        }
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
            (Miss::Deduct, Look::Document | Look::Count | Look::Each) => (
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

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &str, text: Option<&str>) -> DocumentSnapshot {
        DocumentSnapshot {
            url: url::Url::parse("http://portal.test/info/1/1.htm").unwrap(),
            title: title.into(),
            title_cut: false,
            published: None,
            list_page: 1,
            list_position: 1,
            attachments: None,
            date_doubt: None,
            page_id: None,
            text: text.map(str::to_string),
            text_cut: false,
        }
    }

    fn groups(g: &[&[&str]]) -> Vec<Vec<String>> {
        g.iter()
            .map(|w| w.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn words_are_seen_in_the_title_first_then_in_the_text_when_the_part_reads_it() {
        let g = groups(&[&["保密审查"]]);
        let d = doc("田园镇政府信息公开保密审查制度", None);
        assert_eq!(
            words_seen(&Squashed::default(), &d, &g, false),
            Some(Seen::Title)
        );
        let d = doc(
            "田园镇政务公开制度汇编",
            Some("一、主动公开制度……二、保 密 审 查制度：信息发布前须经审查。"),
        );
        // Not read in the title alone; in the text, spaces ignored, with the words around.
        assert_eq!(words_seen(&Squashed::default(), &d, &g, false), None);
        let Some(Seen::Text(x)) = words_seen(&Squashed::default(), &d, &g, true) else {
            panic!("not seen in the text");
        };
        assert!(x.contains("保密审查制度"), "{x}");
        // Full width and half width alike.
        let d = doc("制度", Some("ＨＴＭＬ５ 与 H5 解读"));
        assert!(words_seen(&Squashed::default(), &d, &groups(&[&["H5"]]), true).is_some());
    }

    #[test]
    fn every_group_must_be_in_the_title_or_the_text() {
        let g = groups(&[&["申请"], &["制度", "办法", "流程", "指南"]]);
        // 申请 in the title, 流程 in the text.
        let d = doc("依申请公开", Some("办理流程：受理、审查、答复。"));
        assert!(matches!(
            words_seen(&Squashed::default(), &d, &g, true),
            Some(Seen::Text(_))
        ));
        let d = doc("依申请公开", Some("申请人可通过当面、信函等方式提出申请。"));
        assert_eq!(words_seen(&Squashed::default(), &d, &g, true), None);
        assert_eq!(groups_seen(&Squashed::default(), &d, &g, true), 1);
        // No text read: only the title.
        assert_eq!(
            words_seen(&Squashed::default(), &doc("依申请公开", None), &g, true),
            None
        );
    }

    #[test]
    fn the_excerpt_shows_the_words_around_and_marks_what_is_cut() {
        let text = format!("{}责任追究{}", "甲".repeat(40), "乙".repeat(40));
        let at = text.find("责任追究").unwrap();
        let x = around(&text, (at, "责任追究".len()));
        assert_eq!(
            x,
            format!("…{}责任追究{}…", "甲".repeat(24), "乙".repeat(24))
        );
        let x = around("责任追究制度", (0, "责任追究".len()));
        assert_eq!(x, "责任追究制度");
    }

    #[test]
    fn a_text_cut_or_not_read_is_unread() {
        let col = ColumnSnapshot {
            name: "政府信息公开制度".into(),
            code: "gkzd".into(),
            url: url::Url::parse("http://portal.test/gkzd.htm").unwrap(),
            path: vec!["政府信息公开制度".into()],
            state: ColumnState::List,
            documents: Vec::new(),
            article_text: None,
            page_dates: Vec::new(),
            empty_notice: None,
            pages: 1,
            page_id: None,
            problems: Vec::new(),
            impossible_dates: Vec::new(),
            ignored: Vec::new(),
            attachments: Vec::new(),
        };
        let read = doc("制度", Some("主动公开"));
        let mut cut = doc("制度", Some("主动公开"));
        cut.keep_text(&"字".repeat(DocumentSnapshot::TEXT_CHARS + 1));
        assert!(cut.text_cut);
        assert_eq!(
            cut.text.as_deref().unwrap().chars().count(),
            DocumentSnapshot::TEXT_CHARS
        );
        let none = doc("制度", None);
        let d = |doc| Doc {
            doc,
            column: &col,
            article: false,
        };
        assert!(!text_unread(&d(&read)));
        assert!(text_unread(&d(&cut)));
        assert!(text_unread(&d(&none)));
    }
}
