//! The 公开属性 marking on the sampled PDFs (item 17 / 15 in 2020: the rubric item's `per_file`,
//! 0.5 per unmarked file, at most its points), and the question under the penalty rule named
//! `nondisclosable` (penalty 2) for published 依申请公开 / 不予公开 documents.

use super::{centi, draft, url_key, Check, CheckContext};
use crate::model::{Centi, Evidence, Finding, FindingKind, Reason, RubricCheck};
use crate::pdf::{Attribute, Verdict};
use crate::snapshot::{ColumnSnapshot, ColumnState, PdfOutcome, SampledPdf, UnitSnapshot};

pub struct PdfMarkingCheck;

impl Check for PdfMarkingCheck {
    fn name(&self) -> &'static str {
        "pdf_marking"
    }

    fn drafts(&self) -> RubricCheck {
        RubricCheck::PdfMarking
    }

    fn run(&self, ctx: &CheckContext<'_>, unit: &UnitSnapshot) -> Vec<Finding> {
        let item = ctx.item(unit.unit.table, RubricCheck::PdfMarking);
        let penalty = ctx.rule(RubricCheck::Nondisclosable);
        let mut budget = centi(item.points);
        let mut out = Vec::new();
        let n = unit.sample.len();
        // A policy column the machine could not read may hold newer documents than the
        // sample's: the sample is then not "the newest", and an empty one proves nothing.
        let policy = &ctx.config.columns.policy;
        let unread: Vec<_> = unit
            .columns
            .iter()
            .filter(|c| c.state != ColumnState::Parent)
            .filter(|c| policy.matches_in_tree(&c.name, &c.code, &c.path))
            .filter(|c| c.state.unread() || !c.problems.is_empty() || !c.ignored.is_empty())
            .collect();
        if !unread.is_empty() {
            let names: Vec<String> = unread.iter().map(|c| c.path.join(" > ")).collect();
            out.push(draft(
                ctx,
                unit,
                RubricCheck::PdfMarking,
                FindingKind::Question,
                Centi::ZERO,
                Reason::PdfSampleUnreadable,
                String::new(),
                format!(
                    "政策文件栏目{}未能完整读取，抽查样本（已抽{n}份）可能缺少其中较新的文件，请人工核查这些栏目的公开属性标识。",
                    names.join("、")
                ),
                unread.iter().map(|c| unread_evidence(c)).collect(),
            ));
        }
        if n == 0 && unread.is_empty() {
            // Nothing to check is not a pass: the auditor must know the item was not checked.
            out.push(draft(
                ctx,
                unit,
                RubricCheck::PdfMarking,
                FindingKind::Question,
                Centi::ZERO,
                Reason::PdfSampleEmpty,
                String::new(),
                format!(
                    "政策文件栏目中未找到{}年发布且带PDF附件的文件（本年度文件{}份），公开属性标识无法抽查，请人工核查。",
                    ctx.year(),
                    unit.policy_documents_in_year
                ),
                vec![Evidence {
                    url: unit.landing_url.to_string(),
                    excerpt: format!(
                        "政策文件栏目（{}）中本年度文件{}份，其中带PDF附件的0份",
                        ctx.config.columns.policy.names.join("、"),
                        unit.policy_documents_in_year
                    ),
                    page_id: None,
                }],
            ));
        }
        for (i, s) in unit.sample.iter().enumerate() {
            let key = url_key(&s.document_url);
            let head = format!(
                "抽查第{}/{}份：《{}》（{}）的附件“{}”",
                i + 1,
                n,
                s.document_title,
                s.published
                    .map(|p| p.to_text())
                    .unwrap_or_else(|| "日期不明".into()),
                s.attachment.name
            );
            let check = match &s.outcome {
                PdfOutcome::DownloadFailed(why) => {
                    out.push(draft(
                        ctx,
                        unit,
                        RubricCheck::PdfMarking,
                        FindingKind::Question,
                        Centi::ZERO,
                        Reason::PdfDownloadFailed,
                        key,
                        format!("{head}未能下载为PDF（{why}），请人工查看。"),
                        evidence(unit, s, why.to_string()),
                    ));
                    continue;
                }
                PdfOutcome::Checked(c) => c,
            };
            match check.verdict {
                // Whether the document belongs to the year's sample is not sure: the auditor
                // decides, with both dates.
                Verdict::Unmarked if s.date_doubt.is_some() => {
                    let doubt = s
                        .date_doubt
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    out.push(draft(
                        ctx,
                        unit,
                        RubricCheck::PdfMarking,
                        FindingKind::Question,
                        Centi::ZERO,
                        Reason::PdfDateUnsure,
                        key,
                        format!(
                            "{head}全文未见公开属性标识，但该文件日期存疑（{doubt}），是否属于{}年抽查范围无法确定，请人工核查。",
                            ctx.year()
                        ),
                        evidence(unit, s, doubt),
                    ));
                }
                Verdict::Unmarked if budget > Centi::ZERO => {
                    let points = centi(item.deduct.per_file).min(budget);
                    budget = budget - points;
                    out.push(draft(
                        ctx,
                        unit,
                        RubricCheck::PdfMarking,
                        FindingKind::Deduction,
                        points,
                        Reason::PdfUnmarked,
                        key,
                        format!("{head}全文未见公开属性标识。"),
                        evidence(
                            unit,
                            s,
                            format!("共{}页，全文未见“此件公开发布”等公开属性标识", check.pages),
                        ),
                    ));
                }
                Verdict::Unmarked => {}
                Verdict::Question => out.push(draft(
                    ctx,
                    unit,
                    RubricCheck::PdfMarking,
                    FindingKind::Question,
                    Centi::ZERO,
                    Reason::PdfUnreadable,
                    key,
                    format!("{head}：{}。", check.detail),
                    evidence(
                        unit,
                        s,
                        check
                            .reason
                            .map(|q| q.detail().to_string())
                            .unwrap_or_default(),
                    ),
                )),
                Verdict::Marked => {
                    if let Some(attr @ (Attribute::OnRequest | Attribute::NotDisclosed)) =
                        check.attribute
                    {
                        out.push(draft(
                            ctx,
                            unit,
                            RubricCheck::Nondisclosable,
                            FindingKind::Question,
                            centi(penalty.points_each),
                            Reason::PdfNondisclosable,
                            key,
                            format!(
                                "{head}自身标注为“{}”，属非主动公开的政府信息却在网站公开，可能适用扣分项目第{}项（每{}扣{}分），请审核人员核实公开属性是否已变更。",
                                attr.label(),
                                penalty.number,
                                if penalty.per.is_empty() { "次" } else { penalty.per.as_str() },
                                centi(penalty.points_each)
                            ),
                            evidence(
                                unit,
                                s,
                                format!(
                                    "第{}页：{}",
                                    check.page.unwrap_or(0),
                                    check.marking.clone().unwrap_or_default()
                                ),
                            ),
                        ));
                    }
                }
            }
        }
        out
    }
}

/// The stored copy of the sampled document's own page, when the crawl read it.
fn document_page_id(unit: &UnitSnapshot, url: &url::Url) -> Option<i64> {
    unit.columns
        .iter()
        .flat_map(|c| &c.documents)
        .find(|d| &d.url == url)
        .and_then(|d| d.page_id)
}

fn evidence(unit: &UnitSnapshot, s: &SampledPdf, excerpt: String) -> Vec<Evidence> {
    vec![
        Evidence {
            url: s.attachment.url.to_string(),
            excerpt,
            page_id: s.page_id,
        },
        Evidence {
            url: s.document_url.to_string(),
            excerpt: format!("文件页面：《{}》", s.document_title),
            page_id: document_page_id(unit, &s.document_url),
        },
    ]
}

/// Why a policy column was not read completely: its problems, and the list entries not
/// counted as documents.
fn unread_evidence(c: &ColumnSnapshot) -> Evidence {
    let mut why = Vec::new();
    why.extend(c.problems_text());
    if let Some(example) = c.ignored.first() {
        why.push(format!(
            "列表中{}个条目不是文件页链接，未计入抽查范围（如 {example}）",
            c.ignored.len()
        ));
    }
    if why.is_empty() {
        why.push("页面无法读取".into());
    }
    Evidence {
        url: c.url.to_string(),
        excerpt: format!("{}：{}", c.path.join(" > "), why.join("；")),
        page_id: c.page_id,
    }
}
