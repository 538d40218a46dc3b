//! PDF reading and the 公开属性 marking check (issue 3).
//!
//! [`check_pdf_sync`] reads a PDF with lopdf, extracts the text of every page with our own
//! content walker (fonts, CMaps, Form XObjects, OCR layers: see [`text`], [`fonts`], [`cmap`];
//! Identity-encoded fonts without /ToUnicode through their embedded TrueType `cmap`, [`truetype`]),
//! and looks for the document's own 公开属性 marking ([`marking`]). Files whose text cannot be
//! read are a `question` for the auditor, never `unmarked`.
//!
//! Safety: the input size, the number of objects loaded ([`prescan`], before lopdf reads the
//! file), the pages read, every decoded stream and the total decoded bytes are capped
//! ([`decode`]), the time limit is checked while walking content, and panics are caught at the
//! boundary. [`crate::crawl::check_pdf`] runs the work on the blocking pool under a timeout,
//! a few checks at a time.

pub mod classify;
pub mod cmap;
pub mod decode;
pub mod error;
pub mod fonts;
pub mod marking;
pub mod prescan;
mod question;
pub mod text;
pub mod truetype;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use classify::{classify_page, PageKind, TextQuality};
use decode::Budget;
use error::PdfError;
pub use question::PdfQuestion;

/// Limits for reading one PDF.
#[derive(Debug, Clone)]
pub struct PdfLimits {
    /// Largest accepted file.
    pub max_file_bytes: usize,
    /// Largest decoded size of one stream.
    pub max_stream_bytes: usize,
    /// Largest decoded size of all streams of the document together.
    pub max_total_decoded_bytes: usize,
    /// Time allowed for one document.
    pub time_limit: Duration,
    /// Most objects the file may hold, counted on the raw bytes before loading: lopdf keeps
    /// every object in memory at once, about 1 KB each, so this bounds the memory of the load.
    pub max_objects: usize,
    /// Most pages read for the marking, from the first. A longer file whose first pages carry
    /// no marking is a question, never `unmarked`.
    pub max_pages: u32,
}

impl Default for PdfLimits {
    fn default() -> Self {
        PdfLimits {
            max_file_bytes: 50 * 1024 * 1024,
            max_stream_bytes: 32 * 1024 * 1024,
            max_total_decoded_bytes: 128 * 1024 * 1024,
            time_limit: Duration::from_secs(10),
            // Real documents hold three to five objects a page (the kit's 34 pages: 122), a
            // tagged export a few tens; 30,000 leaves room for hundreds of pages while keeping
            // the loaded document under 64 MB (about 2 KB an object with its page, measured by
            // tests/pdf_memory.rs).
            max_objects: 30_000,
            // The marking stands after the body's date, before any annexes (kit file 06: page 3
            // of 8); the longest documents of a 政策文件 column (plans with annexes) run to a few
            // hundred pages.
            max_pages: 2_000,
        }
    }
}

/// Largest decoded size of a stream lopdf decodes while loading: object streams and
/// cross-reference streams, which hold only numbers and small dictionaries (about 7 bytes an
/// object in a cross-reference stream, some tens in an object stream: the object cap needs well
/// under 4 MB). What they decode to is parsed into objects at once, so this bounds that memory too.
const MAX_LOAD_STREAM_BYTES: usize = 4 * 1024 * 1024;

/// The verdict on one file.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The document carries its own marking.
    Marked,
    /// The text was read and carries no marking (a deduction).
    Unmarked,
    /// The text could not be read; the auditor must look.
    Question,
}

/// The public attribute a marking states.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum Attribute {
    /// 此件公开发布
    PublicRelease,
    /// 主动公开
    Active,
    /// 依申请公开
    OnRequest,
    /// 不予公开
    NotDisclosed,
}

impl Attribute {
    /// The attribute in Chinese.
    pub fn label(self) -> &'static str {
        match self {
            Attribute::PublicRelease => "公开发布",
            Attribute::Active => "主动公开",
            Attribute::OnRequest => "依申请公开",
            Attribute::NotDisclosed => "不予公开",
        }
    }
}

/// The result of checking one PDF.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PdfCheck {
    pub verdict: Verdict,
    /// The marking text as found, e.g. "（此件公开发布）".
    pub marking: Option<String>,
    pub attribute: Option<Attribute>,
    /// 1-based page of the marking.
    pub page: Option<u32>,
    /// Why the text could not be judged, for questions (serialised as its stable code).
    pub reason: Option<PdfQuestion>,
    /// One sentence in Simplified Chinese for the auditor.
    pub detail: String,
    /// Page count when known, else 0.
    pub pages: u32,
}

impl PdfCheck {
    /// A question with its reason.
    pub fn question(reason: PdfQuestion, pages: u32) -> Self {
        PdfCheck {
            verdict: Verdict::Question,
            marking: None,
            attribute: None,
            page: None,
            reason: Some(reason),
            detail: reason.detail().to_string(),
            pages,
        }
    }

    fn marked(marking: String, attribute: Attribute, page: u32, pages: u32) -> Self {
        let mut detail = format!("第{page}页有公开属性标识{marking}");
        if matches!(attribute, Attribute::OnRequest | Attribute::NotDisclosed) {
            detail.push_str(&format!(
                "；标识为{}，请核查是否将非主动公开信息发布到网上（扣分项2）",
                attribute.label()
            ));
        }
        PdfCheck {
            verdict: Verdict::Marked,
            marking: Some(marking),
            attribute: Some(attribute),
            page: Some(page),
            reason: None,
            detail,
            pages,
        }
    }

    fn unmarked(pages: u32) -> Self {
        PdfCheck {
            verdict: Verdict::Unmarked,
            marking: None,
            attribute: None,
            page: None,
            reason: None,
            detail: format!("全文{pages}页均未找到公开属性标识"),
            pages,
        }
    }
}

/// Checks one PDF. Never panics; honours the limits (time is checked between operations).
pub fn check_pdf_sync(bytes: &[u8], limits: &PdfLimits) -> PdfCheck {
    match catch_unwind(AssertUnwindSafe(|| check_inner(bytes, limits))) {
        Ok(check) => check,
        Err(_) => PdfCheck::question(PdfQuestion::InternalError, 0),
    }
}

/// The text lines of every page (1-based page, line), for inspection. Empty if unreadable.
pub fn extract_lines(bytes: &[u8], limits: &PdfLimits) -> Vec<(u32, String)> {
    catch_unwind(AssertUnwindSafe(|| {
        let mut out = Vec::new();
        let _ = walk(bytes, limits, |page, lines| {
            out.extend(lines.iter().map(|l| (page, l.text.clone())));
            false
        });
        out
    }))
    .unwrap_or_default()
}

/// What walking the pages found, apart from the lines handed to the visitor.
struct Walked {
    pages: u32,
    kinds: Vec<PageKind>,
    quality: TextQuality,
    errors: usize,
    fatal: Option<PdfError>,
    /// Whether pages past `max_pages` were left unread.
    truncated: bool,
}

/// Loads the document and hands each page's lines to `visit` until it returns true.
fn walk<F>(bytes: &[u8], limits: &PdfLimits, mut visit: F) -> Result<Walked, PdfError>
where
    F: FnMut(u32, &[text::Line]) -> bool,
{
    if bytes.len() > limits.max_file_bytes {
        return Err(PdfError::TooBig("file".into()));
    }
    if !crate::util::is_pdf(bytes) {
        return Err(PdfError::NotPdf);
    }
    let start = Instant::now();
    let objects = prescan::max_objects(bytes);
    if objects > limits.max_objects {
        return Err(PdfError::TooManyObjects(objects));
    }
    let mut budget = Budget::new(limits, start);
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(limits.max_stream_bytes.min(MAX_LOAD_STREAM_BYTES)),
        ..Default::default()
    };
    let doc = lopdf::Document::load_mem_with_options(bytes, options)?;
    budget.check_time()?;
    // The scan is an upper bound for well-formed files; a damaged one that lopdf rebuilt is
    // counted again.
    if doc.objects.len() > limits.max_objects {
        return Err(PdfError::TooManyObjects(doc.objects.len()));
    }
    if doc.trailer.get(b"Encrypt").is_ok() && doc.encryption_state.is_none() {
        return Err(PdfError::Encrypted);
    }
    let page_ids = doc.get_pages();
    if page_ids.is_empty() {
        return Err(PdfError::Broken("no pages".into()));
    }
    let mut walked = Walked {
        pages: page_ids.len() as u32,
        kinds: Vec::new(),
        quality: TextQuality::default(),
        errors: 0,
        fatal: None,
        truncated: page_ids.len() > limits.max_pages as usize,
    };
    // A page count that disagrees with the page tree's /Count means pages were lost.
    let declared = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Pages").ok())
        .and_then(|p| doc.dereference(p).ok())
        .and_then(|(_, p)| p.as_dict().ok())
        .and_then(|p| p.get(b"Count").ok())
        .and_then(|c| c.as_i64().ok());
    if let Some(n) = declared {
        if n != i64::from(walked.pages) {
            walked.errors += 1;
        }
    }
    let mut extractor = text::Extractor::new(&doc);
    for (number, id) in page_ids.into_iter().take(limits.max_pages as usize) {
        let page = match extractor.page(id, &mut budget) {
            Ok(p) => p,
            Err(e) => {
                walked.fatal = Some(e);
                break;
            }
        };
        walked.errors += page.errors.len();
        walked.kinds.push(classify_page(&page));
        for item in &page.items {
            walked.quality.add(&item.text);
        }
        let lines = text::lines(&page.items);
        if visit(number, &lines) {
            break;
        }
    }
    Ok(walked)
}

fn check_inner(bytes: &[u8], limits: &PdfLimits) -> PdfCheck {
    let mut found: Option<(u32, String, Attribute)> = None;
    let walked = walk(bytes, limits, |page, lines| {
        for line in lines {
            let candidates = std::iter::once(&line.text)
                .chain(line.segments.iter().filter(|_| line.segments.len() > 1));
            for candidate in candidates {
                if let Some(attr) = marking::match_line(candidate) {
                    found = Some((page, candidate.trim().to_string(), attr));
                    return true;
                }
            }
        }
        false
    });
    let walked = match walked {
        Ok(w) => w,
        Err(e) => return PdfCheck::question(e.reason(), 0),
    };
    if let Some((page, text, attr)) = found {
        return PdfCheck::marked(text, attr, page, walked.pages);
    }
    let pages = walked.pages;
    if let Some(fatal) = walked.fatal {
        return PdfCheck::question(fatal.reason(), pages);
    }
    if walked.truncated {
        let mut check = PdfCheck::question(PdfQuestion::TooManyPages, pages);
        check.detail = format!(
            "PDF共{pages}页，超过读取上限{}页；前{}页未找到公开属性标识，需人工查看",
            limits.max_pages, limits.max_pages
        );
        return check;
    }
    if walked.errors > 0 {
        return PdfCheck::question(PdfQuestion::Broken, pages);
    }
    if walked.quality.is_garbled() {
        return PdfCheck::question(PdfQuestion::Garbled, pages);
    }
    if walked.kinds.contains(&PageKind::ImageOnly) {
        return PdfCheck::question(PdfQuestion::ImageOnly, pages);
    }
    if walked.quality.chars < 10 {
        return PdfCheck::question(PdfQuestion::NoText, pages);
    }
    PdfCheck::unmarked(pages)
}
