//! Item 17/15's sample: the newest documents of the year in the policy columns that have a PDF
//! attachment; of each, the first PDF is downloaded (with the article as Referer) and checked.

use std::cmp::Reverse;

use super::recorder::{CrawlError, Recorder};
use crate::config::PortalConfig;
use crate::extract::detail::AttachmentLink;
use crate::model::PageFailure;
use crate::pdf::{PdfLimits, PdfQuestion};
use crate::snapshot::{DocumentSnapshot, PdfOutcome, SampledPdf};
use crate::store::PageKind;

/// Picks the sample from documents whose pages were read. `docs` carry their column's order.
pub(super) fn pick<'a>(
    docs: &[&'a DocumentSnapshot],
    year: i32,
    size: usize,
) -> Vec<&'a DocumentSnapshot> {
    let mut candidates: Vec<(usize, &DocumentSnapshot)> = docs
        .iter()
        .enumerate()
        .filter(|(_, d)| d.published.is_some_and(|p| p.year() == year))
        // A page that could not be read (attachments unknown) keeps its place in the order:
        // it may hold a PDF, and the sample must stay "the newest ones".
        .filter(|(_, d)| {
            d.attachments
                .as_ref()
                .is_none_or(|a| a.iter().any(|l| l.looks_like_pdf()))
        })
        .map(|(i, d)| (i, *d))
        .collect();
    // Newest first by publication time; equal times keep list order.
    candidates.sort_by_key(|(i, d)| (Reverse(d.published.map(|p| p.datetime())), *i));
    candidates.into_iter().take(size).map(|(_, d)| d).collect()
}

pub(super) async fn check_sample(
    rec: &Recorder,
    config: &PortalConfig,
    unit: &str,
    sample: &[&DocumentSnapshot],
) -> Result<Vec<SampledPdf>, CrawlError> {
    let limits = PdfLimits {
        max_file_bytes: config.crawl.max_body_bytes,
        ..PdfLimits::default()
    };
    let mut out = Vec::new();
    for doc in sample {
        let Some(attachments) = &doc.attachments else {
            out.push(SampledPdf {
                document_url: doc.url.clone(),
                document_title: doc.title.clone(),
                published: doc.published,
                attachment: AttachmentLink {
                    url: doc.url.clone(),
                    name: "（文件页面无法读取，附件未知）".into(),
                },
                page_id: None,
                outcome: PdfOutcome::DownloadFailed(PageFailure::DocumentUnread),
                date_doubt: doc.date_doubt.clone(),
            });
            continue;
        };
        let Some(link) = attachments.iter().find(|l| l.looks_like_pdf()) else {
            continue;
        };
        // An unchanged document page links the file the previous run stored: no download.
        let (got, known) = match rec
            .reuse_attachment(&doc.url, &link.url, Some(unit))
            .await?
        {
            Some((got, check)) => (Ok(got), check),
            None => (
                rec.fetch(&link.url, PageKind::Attachment, Some(unit), Some(&doc.url))
                    .await?,
                None,
            ),
        };
        let (outcome, page_id) = match got {
            Err(e) => (PdfOutcome::DownloadFailed(e.into()), None),
            Ok(g) if !crate::util::is_pdf(&g.body) => (
                PdfOutcome::DownloadFailed(PageFailure::NotPdf {
                    bytes: g.body.len(),
                    html: crate::util::sniff_html(&g.body),
                }),
                Some(g.page_id),
            ),
            Ok(g) => {
                let check = match known {
                    Some(check) => check,
                    None => rec.check_pdf(g.body.clone(), limits.clone()).await,
                };
                // A file the reader had to give up on is content the run could not read.
                if matches!(
                    check.reason,
                    Some(
                        PdfQuestion::Timeout
                            | PdfQuestion::TooBig
                            | PdfQuestion::TooManyObjects
                            | PdfQuestion::TooManyPages
                            | PdfQuestion::InternalError
                    )
                ) {
                    rec.note_unreadable();
                }
                (PdfOutcome::Checked(check), Some(g.page_id))
            }
        };
        out.push(SampledPdf {
            document_url: doc.url.clone(),
            document_title: doc.title.clone(),
            published: doc.published,
            attachment: link.clone(),
            page_id,
            outcome,
            date_doubt: doc.date_doubt.clone(),
        });
    }
    Ok(out)
}
