//! Text extraction: walks a page's content stream (and the Form XObjects it draws),
//! tracking fonts, the text and graphics matrices and the render mode, and collects
//! positioned text items; then rebuilds lines from the positions.

use std::collections::HashMap;
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::decode::{decode_stream, Budget};
use super::error::PdfError;
use super::fonts::{Font, GlyphCache};

/// Form XObjects nested deeper than this are not entered.
const MAX_FORM_DEPTH: usize = 12;
/// Form XObjects drawn per page at most (guards against exponential nesting).
const MAX_FORM_CALLS: usize = 2_000;
/// Graphics state stack depth at most.
const MAX_STACK: usize = 256;
/// Text items per page at most; more is no real document and would take unbounded memory.
const MAX_ITEMS_PER_PAGE: usize = 200_000;

/// One shown string, placed in device space.
#[derive(Debug, Clone)]
pub struct TextItem {
    pub x: f32,
    pub y: f32,
    pub end_x: f32,
    pub size: f32,
    pub text: String,
    pub invisible: bool,
}

/// What one page holds.
#[derive(Debug, Default)]
pub struct PageText {
    pub items: Vec<TextItem>,
    /// Images drawn (image XObjects and inline images).
    pub images: usize,
    /// Non-fatal problems (unreadable content, missing objects).
    pub errors: Vec<String>,
}

/// A line of text rebuilt from positions.
#[derive(Debug, Clone)]
pub struct Line {
    pub text: String,
    /// Pieces of the line separated by wide gaps.
    pub segments: Vec<String>,
    pub invisible: bool,
}

type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn mul(m1: &Matrix, m2: &Matrix) -> Matrix {
    [
        m1[0] * m2[0] + m1[1] * m2[2],
        m1[0] * m2[1] + m1[1] * m2[3],
        m1[2] * m2[0] + m1[3] * m2[2],
        m1[2] * m2[1] + m1[3] * m2[3],
        m1[4] * m2[0] + m1[5] * m2[2] + m2[4],
        m1[4] * m2[1] + m1[5] * m2[3] + m2[5],
    ]
}

fn translate(tx: f32, ty: f32) -> Matrix {
    [1.0, 0.0, 0.0, 1.0, tx, ty]
}

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    fs: f32,
    tc: f32,
    tw: f32,
    th: f32,
    tl: f32,
    ts: f32,
    tr: i64,
}

impl Default for GState {
    fn default() -> Self {
        GState {
            ctm: IDENTITY,
            font: None,
            fs: 0.0,
            tc: 0.0,
            tw: 0.0,
            th: 1.0,
            tl: 0.0,
            ts: 0.0,
            tr: 0,
        }
    }
}

fn num(o: &Object) -> f32 {
    match o {
        Object::Integer(i) => *i as f32,
        Object::Real(r) if r.is_finite() => *r,
        _ => 0.0,
    }
}

fn nums<const N: usize>(operands: &[Object]) -> Option<[f32; N]> {
    if operands.len() < N {
        return None;
    }
    let start = operands.len() - N;
    let mut out = [0.0; N];
    for (k, o) in operands[start..].iter().enumerate() {
        out[k] = num(o);
    }
    Some(out)
}

/// Extracts the text of pages of one document.
pub struct Extractor<'a> {
    doc: &'a Document,
    fonts: HashMap<ObjectId, Rc<Font>>,
    glyph_cache: GlyphCache,
    forms: HashMap<ObjectId, Rc<Vec<u8>>>,
    form_calls: usize,
    ops: usize,
    fallback: Rc<Font>,
}

/// Per content run: text state that is not part of the graphics state.
struct Run {
    gs: GState,
    stack: Vec<GState>,
    tm: Matrix,
    tlm: Matrix,
}

impl<'a> Extractor<'a> {
    pub fn new(doc: &'a Document) -> Self {
        Extractor {
            doc,
            fonts: HashMap::new(),
            glyph_cache: GlyphCache::new(),
            forms: HashMap::new(),
            form_calls: 0,
            ops: 0,
            fallback: Rc::new(Font::fallback()),
        }
    }

    fn resolve(&self, o: &'a Object) -> Option<&'a Object> {
        self.doc.dereference(o).ok().map(|(_, o)| o)
    }

    fn dict_entry(&self, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
        dict.get(key).ok().and_then(|o| self.resolve(o))
    }

    /// The /Resources of a page, following /Parent inheritance.
    fn page_resources(&self, page: &'a Dictionary) -> Option<&'a Dictionary> {
        let mut dict = page;
        for _ in 0..32 {
            if let Some(Object::Dictionary(r)) = self.dict_entry(dict, b"Resources") {
                return Some(r);
            }
            match self.dict_entry(dict, b"Parent") {
                Some(Object::Dictionary(p)) => dict = p,
                _ => return None,
            }
        }
        None
    }

    /// Extracts one page. Fatal errors (time, size) are returned; others are recorded.
    pub fn page(&mut self, page_id: ObjectId, budget: &mut Budget) -> Result<PageText, PdfError> {
        let mut out = PageText::default();
        self.form_calls = 0;
        let page = match self.doc.get_object(page_id).and_then(Object::as_dict) {
            Ok(p) => p,
            Err(e) => {
                out.errors.push(format!("page object: {e}"));
                return Ok(out);
            }
        };
        let resources = self.page_resources(page);
        let mut streams: Vec<&'a Object> = Vec::new();
        match page.get(b"Contents") {
            Ok(Object::Array(arr)) => streams.extend(arr.iter()),
            Ok(o) => match self.resolve(o) {
                Some(Object::Array(arr)) => streams.extend(arr.iter()),
                _ => streams.push(o),
            },
            Err(_) => {}
        }
        let mut data = Vec::new();
        for s in streams {
            match self.resolve(s) {
                Some(Object::Stream(stream)) => match decode_stream(stream, budget) {
                    Ok(bytes) => {
                        data.extend_from_slice(&bytes);
                        data.push(b'\n');
                    }
                    Err(PdfError::Broken(e)) => out.errors.push(format!("content stream: {e}")),
                    Err(e) => return Err(e),
                },
                Some(Object::Null) | None => out.errors.push("content stream missing".into()),
                Some(_) => out.errors.push("content is not a stream".into()),
            }
        }
        let mut run = Run {
            gs: GState::default(),
            stack: Vec::new(),
            tm: IDENTITY,
            tlm: IDENTITY,
        };
        self.run_content(&data, resources, &mut run, 0, budget, &mut out)?;
        Ok(out)
    }

    /// Runs a content stream. Each `BT`-started chunk is parsed on its own, so a syntax
    /// error costs at most the rest of its chunk (lopdf's parser stops at the first error).
    /// A text object that never reaches its `ET` is recorded as a syntax error.
    fn run_content(
        &mut self,
        data: &[u8],
        resources: Option<&'a Dictionary>,
        run: &mut Run,
        depth: usize,
        budget: &mut Budget,
        out: &mut PageText,
    ) -> Result<(), PdfError> {
        let mut failed = false;
        for chunk in bt_chunks(data) {
            let text_object = chunk.starts_with(b"BT");
            let mut closed = false;
            for op in Content::decode_iter(chunk) {
                match op {
                    Ok(op) => {
                        closed |= op.operator == "ET";
                        self.op(
                            &op.operator,
                            &op.operands,
                            resources,
                            run,
                            depth,
                            budget,
                            out,
                        )?;
                    }
                    Err(_) => {
                        failed = true;
                        break;
                    }
                }
            }
            failed |= text_object && !closed;
        }
        if failed {
            out.errors.push("content stream syntax error".into());
        }
        Ok(())
    }

    fn font(
        &mut self,
        resources: Option<&'a Dictionary>,
        name: &[u8],
        budget: &mut Budget,
    ) -> Result<Option<Rc<Font>>, PdfError> {
        let Some(fonts) = resources.and_then(|r| self.dict_entry(r, b"Font")) else {
            return Ok(None);
        };
        let Ok(fonts) = fonts.as_dict() else {
            return Ok(None);
        };
        let Ok(entry) = fonts.get(name) else {
            return Ok(None);
        };
        let id = entry.as_reference().ok();
        if let Some(id) = id {
            if let Some(f) = self.fonts.get(&id) {
                return Ok(Some(f.clone()));
            }
        }
        let Some(Object::Dictionary(dict)) = self.resolve(entry) else {
            return Ok(None);
        };
        let font = match Font::load(self.doc, dict, budget, &mut self.glyph_cache) {
            Ok(f) => Rc::new(f),
            Err(PdfError::Broken(_)) => self.fallback.clone(),
            Err(e) => return Err(e),
        };
        if let Some(id) = id {
            self.fonts.insert(id, font.clone());
        }
        Ok(Some(font))
    }

    #[allow(clippy::too_many_arguments)]
    fn op(
        &mut self,
        operator: &str,
        operands: &[Object],
        resources: Option<&'a Dictionary>,
        run: &mut Run,
        depth: usize,
        budget: &mut Budget,
        out: &mut PageText,
    ) -> Result<(), PdfError> {
        self.ops += 1;
        if self.ops % 4096 == 0 {
            budget.check_time()?;
        }
        match operator {
            "q" if run.stack.len() < MAX_STACK => run.stack.push(run.gs.clone()),
            "Q" => {
                if let Some(g) = run.stack.pop() {
                    run.gs = g;
                }
            }
            "cm" => {
                if let Some(m) = nums::<6>(operands) {
                    run.gs.ctm = mul(&m, &run.gs.ctm);
                }
            }
            "BT" => {
                run.tm = IDENTITY;
                run.tlm = IDENTITY;
            }
            "Tf" => {
                if let Some(size) = operands.get(1) {
                    run.gs.fs = num(size);
                }
                if let Some(Object::Name(name)) = operands.first() {
                    run.gs.font = self.font(resources, name, budget)?;
                }
            }
            "Tr" => {
                if let Some(Object::Integer(mode)) = operands.first() {
                    run.gs.tr = *mode;
                }
            }
            "Tc" => run.gs.tc = operands.first().map(num).unwrap_or(0.0),
            "Tw" => run.gs.tw = operands.first().map(num).unwrap_or(0.0),
            "Tz" => run.gs.th = operands.first().map(num).unwrap_or(100.0) / 100.0,
            "TL" => run.gs.tl = operands.first().map(num).unwrap_or(0.0),
            "Ts" => run.gs.ts = operands.first().map(num).unwrap_or(0.0),
            "Td" | "TD" => {
                if let Some([tx, ty]) = nums::<2>(operands) {
                    if operator == "TD" {
                        run.gs.tl = -ty;
                    }
                    run.tlm = mul(&translate(tx, ty), &run.tlm);
                    run.tm = run.tlm;
                }
            }
            "Tm" => {
                if let Some(m) = nums::<6>(operands) {
                    run.tlm = m;
                    run.tm = m;
                }
            }
            "T*" => next_line(run),
            "Tj" | "'" | "\"" => {
                if operator == "\"" {
                    if let Some([aw, ac]) = operands.get(..2).and_then(nums::<2>) {
                        run.gs.tw = aw;
                        run.gs.tc = ac;
                    }
                }
                if operator != "Tj" {
                    next_line(run);
                }
                if let Some(Object::String(bytes, _)) = operands.last() {
                    self.show(bytes, run, out)?;
                }
            }
            "TJ" => {
                if let Some(Object::Array(items)) = operands.first() {
                    for item in items {
                        match item {
                            Object::String(bytes, _) => self.show(bytes, run, out)?,
                            other => {
                                let adj = -num(other) / 1000.0 * run.gs.fs * run.gs.th;
                                run.tm = mul(&translate(adj, 0.0), &run.tm);
                            }
                        }
                    }
                }
            }
            "BI" => out.images += 1,
            "Do" => {
                if let Some(Object::Name(name)) = operands.first() {
                    self.draw_xobject(name, resources, run, depth, budget, out)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn draw_xobject(
        &mut self,
        name: &[u8],
        resources: Option<&'a Dictionary>,
        run: &mut Run,
        depth: usize,
        budget: &mut Budget,
        out: &mut PageText,
    ) -> Result<(), PdfError> {
        let Some(Object::Dictionary(xobjects)) =
            resources.and_then(|r| self.dict_entry(r, b"XObject"))
        else {
            return Ok(());
        };
        let Ok(entry) = xobjects.get(name) else {
            return Ok(());
        };
        let id = entry.as_reference().ok();
        let Some(Object::Stream(stream)) = self.resolve(entry) else {
            out.errors.push("XObject missing".into());
            return Ok(());
        };
        let subtype = self
            .dict_entry(&stream.dict, b"Subtype")
            .and_then(|o| o.as_name().ok())
            .unwrap_or(b"");
        if subtype == b"Image" {
            out.images += 1;
            return Ok(());
        }
        if subtype != b"Form" || depth >= MAX_FORM_DEPTH || self.form_calls >= MAX_FORM_CALLS {
            return Ok(());
        }
        self.form_calls += 1;
        let data = match id.and_then(|id| self.forms.get(&id)) {
            Some(d) => d.clone(),
            None => {
                let d = match decode_stream(stream, budget) {
                    Ok(d) => Rc::new(d),
                    Err(PdfError::Broken(e)) => {
                        out.errors.push(format!("form stream: {e}"));
                        return Ok(());
                    }
                    Err(e) => return Err(e),
                };
                if let Some(id) = id {
                    self.forms.insert(id, d.clone());
                }
                d
            }
        };
        let form_resources = match self.dict_entry(&stream.dict, b"Resources") {
            Some(Object::Dictionary(r)) => Some(r),
            _ => resources,
        };
        let matrix = match self.dict_entry(&stream.dict, b"Matrix") {
            Some(Object::Array(a)) if a.len() == 6 => nums::<6>(a).unwrap_or(IDENTITY),
            _ => IDENTITY,
        };
        let mut gs = run.gs.clone();
        gs.ctm = mul(&matrix, &run.gs.ctm);
        let mut inner = Run {
            gs,
            stack: Vec::new(),
            tm: IDENTITY,
            tlm: IDENTITY,
        };
        self.run_content(&data, form_resources, &mut inner, depth + 1, budget, out)
    }

    fn show(&mut self, bytes: &[u8], run: &mut Run, out: &mut PageText) -> Result<(), PdfError> {
        if out.items.len() >= MAX_ITEMS_PER_PAGE {
            return Err(PdfError::TooBig("text items on one page".into()));
        }
        let font = run.gs.font.clone().unwrap_or_else(|| self.fallback.clone());
        let (text, _) = font.decode(bytes);
        let gs = &run.gs;
        let trm = mul(
            &mul(&[gs.fs * gs.th, 0.0, 0.0, gs.fs, 0.0, gs.ts], &run.tm),
            &gs.ctm,
        );
        let size = (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
        let (x, y) = (trm[4], trm[5]);
        let mut advance = 0.0;
        for ch in text.chars() {
            let w = if is_wide(ch) { 1.0 } else { 0.5 };
            advance += (w * gs.fs + gs.tc + if ch == ' ' { gs.tw } else { 0.0 }) * gs.th;
        }
        run.tm = mul(&translate(advance, 0.0), &run.tm);
        let after = mul(
            &mul(&[gs.fs * gs.th, 0.0, 0.0, gs.fs, 0.0, gs.ts], &run.tm),
            &gs.ctm,
        );
        if text.is_empty() {
            return Ok(());
        }
        out.items.push(TextItem {
            x,
            y,
            end_x: after[4],
            size: if size.is_finite() { size } else { 0.0 },
            text,
            invisible: gs.tr == 3 || gs.tr == 7,
        });
        Ok(())
    }
}

fn next_line(run: &mut Run) {
    run.tlm = mul(&translate(0.0, -run.gs.tl), &run.tlm);
    run.tm = run.tlm;
}

/// Whether a character is drawn about one em wide (CJK and full-width forms).
pub fn is_wide(ch: char) -> bool {
    matches!(ch as u32, 0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0x20000..=0x3FFFF)
}

/// Splits content at each `BT` operator (preceded and followed by whitespace).
fn bt_chunks(data: &[u8]) -> Vec<&[u8]> {
    let mut cuts = vec![0];
    for i in 1..data.len().saturating_sub(2) {
        if data[i] == b'B'
            && data[i + 1] == b'T'
            && data[i - 1].is_ascii_whitespace()
            && data[i + 2].is_ascii_whitespace()
        {
            cuts.push(i);
        }
    }
    cuts.push(data.len());
    cuts.windows(2).map(|w| &data[w[0]..w[1]]).collect()
}

/// Rebuilds lines: items whose baselines are close belong to one line, ordered by x.
pub fn lines(items: &[TextItem]) -> Vec<Line> {
    let mut sorted: Vec<&TextItem> = items.iter().collect();
    sorted.sort_by(|a, b| b.y.total_cmp(&a.y));
    let mut groups: Vec<Vec<&TextItem>> = Vec::new();
    let mut line_y = f32::NAN;
    let mut line_size = 0.0f32;
    for item in sorted {
        let tol = (0.4 * item.size.max(line_size)).max(1.0);
        if groups.is_empty() || (item.y - line_y).abs() > tol {
            groups.push(Vec::new());
            line_y = item.y;
            line_size = item.size;
        }
        if let Some(g) = groups.last_mut() {
            g.push(item);
        }
    }
    groups
        .into_iter()
        .map(|mut g| {
            g.sort_by(|a, b| a.x.total_cmp(&b.x));
            let mut text = String::new();
            let mut segments = vec![String::new()];
            let mut prev_end: Option<f32> = None;
            for item in &g {
                if let Some(end) = prev_end {
                    if item.x - end > 3.0 * item.size.max(1.0) {
                        segments.push(String::new());
                    }
                }
                text.push_str(&item.text);
                if let Some(s) = segments.last_mut() {
                    s.push_str(&item.text);
                }
                prev_end = Some(item.end_x.max(prev_end.unwrap_or(f32::MIN)));
            }
            Line {
                text,
                segments,
                invisible: g.iter().all(|i| i.invisible),
            }
        })
        .collect()
}
