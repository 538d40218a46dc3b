//! One unit: landing page, column tree, every leaf column, the document pages the checks need
//! (policy documents of the year, a guide published as a document, cut titles, the documents of
//! the columns whose rubric parts read text), the sample.

use futures::stream::{self, StreamExt};
use url::Url;

use super::column::crawl_column;
use super::recorder::{CrawlError, Got, Recorder};
use super::sample;
use crate::config::{PortalConfig, UnitConfig};
use crate::extract::detail::{parse_document, DocumentPage};
use crate::extract::list::parse_column_page;
use crate::extract::tree::{parse_tree, TreeColumn};
use crate::model::PageFailure;
use crate::snapshot::{ColumnSnapshot, ColumnState, DateDoubt, DocumentSnapshot, UnitSnapshot};
use crate::store::{AttachmentRow, ColumnRow, DocumentRow, Flag, PageKind};

/// Documents of one column whose text is read, at most (newest first, as listed): beyond them a
/// part not found is a question, never a deduction.
pub const TEXT_DOCUMENTS_PER_COLUMN: usize = 30;

/// Crawls one unit. `text_columns` names the columns whose documents' text is read, of any
/// year (the rubric's `text` parts: [`crate::rubric::Rubric::text_columns`]).
pub async fn crawl_unit(
    rec: &Recorder,
    config: &PortalConfig,
    base: &Url,
    unit: &UnitConfig,
    text_columns: &[String],
) -> Result<UnitSnapshot, CrawlError> {
    let configured = match &unit.code {
        Some(code) => Some(
            base.join(&config.pages.unit_landing.replace("{unit}", code))
                .map_err(|e| CrawlError::Config(format!("pages.unit_landing：{e}")))?,
        ),
        None => None,
    };
    // The platform home states each unit's link; it wins over a configured code that differs.
    let listed = rec.home_links(config, base).await?;
    let landing_url = match unit.all_names().find_map(|n| listed.get(n)) {
        Some(url) if rec.fetcher().in_scope(url) => {
            if let Some(configured) = configured.as_ref().filter(|c| *c != url) {
                tracing::warn!(unit = %unit.name, configured = %configured, listed = %url,
                    "unit code differs from the platform home; using the home's link");
            }
            Some(url.clone())
        }
        _ => configured,
    };
    // A unit without a code that the home does not link: the home is where it was looked for.
    let home = || {
        base.join(&config.pages.home)
            .unwrap_or_else(|_| base.clone())
    };
    let mut snap = UnitSnapshot {
        unit: unit.clone(),
        landing_url: landing_url.clone().unwrap_or_else(home),
        landing_error: None,
        columns: Vec::new(),
        messages: Vec::new(),
        sample: Vec::new(),
        policy_documents_in_year: 0,
        board_problems: Vec::new(),
    };
    let Some(landing_url) = landing_url else {
        rec.note_unreadable();
        snap.landing_error = Some(PageFailure::UnitNotOnHome);
        return Ok(snap);
    };
    let name = unit.name.as_str();
    let got = match rec
        .fetch(&landing_url, PageKind::Landing, Some(name), None)
        .await?
    {
        Ok(g) => g,
        Err(e) => {
            snap.landing_error = Some(e.into());
            return Ok(snap);
        }
    };
    let tree_css = config.pages.column_tree.clone();
    let page_url = got.url.clone();
    let tree = match rec
        .read(&got, move |html| {
            parse_tree(html, tree_css.selector(), &page_url)
        })
        .await
    {
        Ok(tree) => tree,
        Err(failure) => {
            snap.landing_error = Some(failure);
            return Ok(snap);
        }
    };
    if tree.is_empty() {
        rec.note_unreadable();
        snap.landing_error = Some(PageFailure::NoColumnTree);
        return Ok(snap);
    }
    let mut columns = Vec::new();
    walk(rec, config, name, &tree, &mut columns).await?;
    snap.columns = columns;
    read_guide_document(rec, config, name, &mut snap.columns).await?;
    let year = config.portal.year;
    // Document pages: policy documents of the year (for the sample), cut titles of the year,
    // and the documents of the text columns (any year, the first of each list), kept with text.
    let policy = &config.columns.policy;
    let mut wanted = Vec::new();
    for (ci, col) in snap.columns.iter().enumerate() {
        let is_policy = policy.matches_in_tree(&col.name, &col.code, &col.path);
        let read_text = !text_columns.is_empty() && col.named(text_columns);
        for (di, d) in col.documents.iter().enumerate() {
            // Undated list entries are dated by their page; cut titles completed by it.
            let undated = d.published.is_none();
            let in_year = d.published.is_some_and(|p| p.year() == year);
            let text = read_text && di < TEXT_DOCUMENTS_PER_COLUMN;
            if text || undated || (in_year && (is_policy || d.title_cut)) {
                wanted.push((ci, di, d.url.clone(), text));
            }
        }
    }
    let pages: Vec<_> = stream::iter(wanted)
        .map(|(ci, di, url, text)| async move {
            let page = match rec
                .fetch(&url, PageKind::Document, Some(name), None)
                .await?
            {
                Ok(g) => read_document(rec, config, &g)
                    .await
                    .map(|page| (page, g.page_id)),
                Err(e) => Err(e.into()),
            };
            Ok::<_, CrawlError>((ci, di, text, page))
        })
        .buffered(config.crawl.concurrency.max(1))
        .collect()
        .await;
    for r in pages {
        let (ci, di, text, page) = r?;
        let doc = &mut snap.columns[ci].documents[di];
        match page {
            Ok((page, page_id)) => {
                doc.page_id = Some(page_id);
                if text {
                    // A page without a body of the portal's shape leaves the text unread.
                    if let Some(body) = &page.text {
                        doc.keep_text(body);
                    }
                }
                let doubted = doc.date_doubt.clone();
                note_page_date(doc, &page);
                if doc.date_doubt.is_some() && doc.date_doubt != doubted {
                    rec.note_unreadable();
                }
                if let Some(t) = page.title.filter(|t| !crate::extract::list::is_cut(t)) {
                    doc.title = t;
                    doc.title_cut = false;
                }
                doc.attachments = Some(page.attachments);
            }
            Err(e) => {
                tracing::warn!(url = %doc.url, error = %e, "document page unreadable");
            }
        }
    }
    let policy_docs: Vec<_> = snap
        .columns
        .iter()
        .filter(|c| c.state != ColumnState::Parent)
        .filter(|c| policy.matches_in_tree(&c.name, &c.code, &c.path))
        .flat_map(|c| c.documents.iter())
        .collect();
    snap.policy_documents_in_year = policy_docs
        .iter()
        .filter(|d| d.published.is_some_and(|p| p.year() == year))
        .count();
    let picked = sample::pick(&policy_docs, year, config.rules.pdf_sample_size);
    snap.sample = sample::check_sample(rec, config, name, &picked).await?;
    save_records(rec, &snap).await?;
    Ok(snap)
}

/// Walks the tree depth first; parents are recorded without being fetched.
async fn walk(
    rec: &Recorder,
    config: &PortalConfig,
    unit: &str,
    tree: &[TreeColumn],
    out: &mut Vec<ColumnSnapshot>,
) -> Result<(), CrawlError> {
    let mut stack: Vec<&TreeColumn> = tree.iter().rev().collect();
    while let Some(col) = stack.pop() {
        if col.is_leaf() {
            out.push(crawl_column(rec, config, unit, col).await?);
        } else {
            out.push(ColumnSnapshot::of(col, ColumnState::Parent));
            stack.extend(col.children.iter().rev());
        }
    }
    Ok(())
}

/// A guide published as a list: its newest document is the guide.
async fn read_guide_document(
    rec: &Recorder,
    config: &PortalConfig,
    unit: &str,
    columns: &mut [ColumnSnapshot],
) -> Result<(), CrawlError> {
    let role = &config.columns.guide;
    let Some(col) = columns
        .iter_mut()
        .find(|c| c.state == ColumnState::List && role.matches(&c.name, &c.code))
    else {
        return Ok(());
    };
    let Some(newest) = col
        .documents
        .iter()
        .max_by_key(|d| d.published.map(|p| p.datetime()))
        .map(|d| d.url.clone())
    else {
        return Ok(());
    };
    match rec
        .fetch(&newest, PageKind::Document, Some(unit), None)
        .await?
    {
        Ok(g) => {
            let shapes = config.pages.clone();
            let url = g.url.clone();
            let (parsed, doc) = match rec
                .read(&g, move |html| {
                    (
                        parse_column_page(html, &shapes, &url),
                        parse_document(html, &shapes, &url),
                    )
                })
                .await
            {
                Ok(read) => read,
                Err(failure) => {
                    col.problems = vec![failure];
                    col.page_id = Some(g.page_id);
                    col.url = g.url;
                    return Ok(());
                }
            };
            col.article_text = parsed.article_text.filter(|t| !t.is_empty());
            col.page_dates = parsed.page_dates;
            col.impossible_dates = parsed.impossible_dates;
            col.impossible_dates.extend(doc.impossible_date.clone());
            if let Some(p) = doc.published {
                col.page_dates.push(p);
                col.page_dates
                    .sort_by_key(|s| std::cmp::Reverse(s.datetime()));
            }
            col.page_id = Some(g.page_id);
            col.url = g.url;
        }
        // Replaces what the list pages met: the guide's own page is what the check shows.
        Err(e) => col.problems = vec![e.into()],
    }
    Ok(())
}

/// Dates a document by its page: an undated entry takes the page's date; a list date and a
/// page date of different days, or a date that names no real day, become the document's
/// [`DateDoubt`] (the list's date is kept: it ordered the list the sample is drawn from).
fn note_page_date(doc: &mut DocumentSnapshot, page: &DocumentPage) {
    if let Some(written) = &page.impossible_date {
        doc.date_doubt = Some(DateDoubt::Impossible {
            written: written.clone(),
            place: "文件页".into(),
            other: doc.published,
        });
    }
    match (doc.published, page.published) {
        (None, Some(p)) => {
            doc.published = Some(p);
            if let Some(DateDoubt::Impossible { other, .. }) = &mut doc.date_doubt {
                other.get_or_insert(p);
            }
        }
        // The same day: the page may add the time of day.
        (Some(list), Some(p)) if list.date == p.date => doc.published = Some(p),
        (Some(list), Some(p)) if page.impossible_date.is_none() => {
            doc.date_doubt = Some(DateDoubt::Disagree { list, page: p });
        }
        _ => {}
    }
}

/// A document page, read on the blocking pool.
async fn read_document(
    rec: &Recorder,
    config: &PortalConfig,
    got: &Got,
) -> Result<DocumentPage, PageFailure> {
    let shapes = config.pages.clone();
    let url = got.url.clone();
    rec.read(got, move |html| parse_document(html, &shapes, &url))
        .await
}

async fn save_records(rec: &Recorder, snap: &UnitSnapshot) -> Result<(), CrawlError> {
    let columns: Vec<ColumnRow> = snap
        .columns
        .iter()
        .map(|c| ColumnRow {
            name: c.name.clone(),
            url: c.url.to_string(),
            path: c.path.join(" > "),
            is_leaf: Flag(c.state != ColumnState::Parent),
            state: c.state.as_str().to_string(),
            documents: c.documents.len() as i64,
            pages: c.pages as i64,
        })
        .collect();
    let mut documents = Vec::new();
    let mut attachments = Vec::new();
    for c in &snap.columns {
        for d in &c.documents {
            documents.push(DocumentRow {
                column_url: c.url.to_string(),
                url: d.url.to_string(),
                title: d.title.clone(),
                published: d.published.map(|p| p.to_text()),
                list_page: d.list_page as i64,
                list_position: d.list_position as i64,
            });
            for a in d.attachments.iter().flatten() {
                let sampled = snap
                    .sample
                    .iter()
                    .find(|s| s.document_url == d.url && s.attachment.url == a.url);
                let check = sampled.and_then(|s| match &s.outcome {
                    crate::snapshot::PdfOutcome::Checked(c) => Some(c),
                    crate::snapshot::PdfOutcome::DownloadFailed(_) => None,
                });
                attachments.push(AttachmentRow {
                    document_url: d.url.to_string(),
                    url: a.url.to_string(),
                    name: a.name.clone(),
                    sampled: Flag(sampled.is_some()),
                    verdict: sampled.map(|s| match &s.outcome {
                        crate::snapshot::PdfOutcome::Checked(c) => serde_json::to_value(c.verdict)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default(),
                        crate::snapshot::PdfOutcome::DownloadFailed(_) => "download_failed".into(),
                    }),
                    pdf_check: check.and_then(|c| serde_json::to_string(c).ok()),
                    marking: check.and_then(|c| c.marking.clone()),
                    marking_page: check.and_then(|c| c.page).map(i64::from),
                    reason: sampled.and_then(|s| match &s.outcome {
                        crate::snapshot::PdfOutcome::Checked(c) => c.reason.map(|q| q.to_string()),
                        crate::snapshot::PdfOutcome::DownloadFailed(e) => Some(e.to_string()),
                    }),
                });
            }
        }
    }
    rec.store()
        .replace_unit_records(
            rec.run_id(),
            &snap.unit.name,
            &columns,
            &documents,
            &attachments,
        )
        .await?;
    Ok(())
}
