//! Fonts: turning the bytes of a shown string into Unicode text.
//!
//! Order of preference: the font's /ToUnicode CMap; for simple fonts then /Encoding
//! (base encoding and /Differences glyph names); for Type0 fonts then a predefined CMap
//! (UCS-2, UTF-16, GBK, Big5), and for Type0 fonts with an Identity encoding and an embedded
//! TrueType font the font's own `cmap` read backwards through the CIDToGIDMap. Codes that
//! cannot be read become U+FFFD, which the garbled-text check counts.

use std::collections::HashMap;
use std::rc::Rc;

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::cmap::{Predefined, ToUnicodeCMap};
use super::decode::{decode_stream, Budget};
use super::error::PdfError;
use super::truetype::{glyph_to_unicode, GlyphMap};

/// Glyph maps of embedded TrueType fonts (FontFile2 streams) already read in this document,
/// by stream object id; `None` when the font had no usable `cmap`.
pub type GlyphCache = HashMap<ObjectId, Option<Rc<GlyphMap>>>;

/// CIDs covered by a CIDToGIDMap stream at most (CIDs are 16-bit under Identity-H).
const MAX_CIDS: usize = 0x1_0000;

/// An Identity-encoded composite font read through its embedded TrueType font.
#[derive(Debug)]
struct CidGlyphs {
    /// CID → glyph id from a CIDToGIDMap stream; `None` for /Identity (CID = GID).
    cid_to_gid: Option<Vec<u16>>,
    /// Glyph id → character, from the font's `cmap`.
    gid_map: Rc<GlyphMap>,
}

impl CidGlyphs {
    fn lookup(&self, cid: u16) -> Option<char> {
        let gid = match &self.cid_to_gid {
            None => cid,
            Some(map) => *map.get(usize::from(cid))?,
        };
        self.gid_map.get(&gid).copied()
    }
}

/// A font, ready to decode strings.
#[derive(Debug)]
pub struct Font {
    kind: FontKind,
}

#[derive(Debug)]
enum FontKind {
    /// Type0 (composite) font.
    Composite {
        to_unicode: Option<ToUnicodeCMap>,
        predefined: Option<Predefined>,
        /// Used only without a /ToUnicode, for Identity encodings.
        glyphs: Option<CidGlyphs>,
    },
    /// Simple (single byte) font: Type1, TrueType, Type3, MMType1.
    Simple {
        to_unicode: Option<ToUnicodeCMap>,
        table: Vec<Option<String>>,
    },
}

fn resolve<'a>(doc: &'a Document, obj: &'a Object) -> Option<&'a Object> {
    doc.dereference(obj).ok().map(|(_, o)| o)
}

fn name_of<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    dict.get(key)
        .ok()
        .and_then(|o| resolve(doc, o))
        .and_then(|o| o.as_name().ok())
}

impl Font {
    /// A font whose strings are read as Latin-1 (used when /Font is missing).
    pub fn fallback() -> Self {
        Font {
            kind: FontKind::Simple {
                to_unicode: None,
                table: standard_table(),
            },
        }
    }

    /// Reads a font dictionary.
    pub fn load(
        doc: &Document,
        dict: &Dictionary,
        budget: &mut Budget,
        cache: &mut GlyphCache,
    ) -> Result<Self, PdfError> {
        let to_unicode = match dict.get(b"ToUnicode").ok().and_then(|o| resolve(doc, o)) {
            Some(Object::Stream(s)) => {
                let data = decode_stream(s, budget)?;
                let cmap = ToUnicodeCMap::parse(&data, &mut budget.cmap_entries_left);
                (!cmap.is_empty()).then_some(cmap)
            }
            _ => None,
        };
        let subtype = name_of(doc, dict, b"Subtype").unwrap_or(b"");
        if subtype == b"Type0" {
            let predefined = match dict.get(b"Encoding").ok().and_then(|o| resolve(doc, o)) {
                Some(Object::Name(n)) => Predefined::from_name(n),
                Some(Object::Stream(s)) => match s.dict.get(b"CMapName") {
                    Ok(Object::Name(n)) => Predefined::from_name(n),
                    _ => None,
                },
                _ => None,
            };
            let glyphs = if to_unicode.is_none() && predefined == Some(Predefined::Identity) {
                cid_glyphs(doc, dict, budget, cache)?
            } else {
                None
            };
            return Ok(Font {
                kind: FontKind::Composite {
                    to_unicode,
                    predefined,
                    glyphs,
                },
            });
        }
        let mut table = standard_table();
        match dict.get(b"Encoding").ok().and_then(|o| resolve(doc, o)) {
            Some(Object::Name(n)) => apply_base(&mut table, n),
            Some(Object::Dictionary(enc)) => {
                if let Some(base) = name_of(doc, enc, b"BaseEncoding") {
                    apply_base(&mut table, base);
                }
                if let Some(Object::Array(diffs)) =
                    enc.get(b"Differences").ok().and_then(|o| resolve(doc, o))
                {
                    let mut code: i64 = 0;
                    for item in diffs {
                        match item {
                            Object::Integer(i) => code = *i,
                            Object::Name(name) => {
                                if (0..256).contains(&code) {
                                    table[code as usize] =
                                        glyph_name_to_text(name).or(Some("\u{FFFD}".to_string()));
                                }
                                code += 1;
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(Font {
            kind: FontKind::Simple { to_unicode, table },
        })
    }

    /// Decodes a shown string; returns the text and the number of glyphs.
    pub fn decode(&self, bytes: &[u8]) -> (String, usize) {
        match &self.kind {
            FontKind::Simple { to_unicode, table } => {
                let mut out = String::new();
                let mut i = 0;
                let mut glyphs = 0;
                while i < bytes.len() {
                    glyphs += 1;
                    if let Some(cmap) = to_unicode {
                        let len = cmap.code_len(&bytes[i..]).filter(|l| *l <= 2).unwrap_or(1);
                        let code = bytes[i..i + len]
                            .iter()
                            .fold(0u32, |a, &b| (a << 8) | u32::from(b));
                        if let Some(t) = cmap.lookup(len, code) {
                            out.push_str(&t);
                            i += len;
                            continue;
                        }
                    }
                    match &table[bytes[i] as usize] {
                        Some(t) => out.push_str(t),
                        None => out.push('\u{FFFD}'),
                    }
                    i += 1;
                }
                (out, glyphs)
            }
            FontKind::Composite {
                to_unicode,
                predefined,
                glyphs,
            } => {
                if let Some(cmap) = to_unicode {
                    return decode_with_cmap(cmap, *predefined, bytes);
                }
                if let Some(glyphs) = glyphs {
                    let out: String = bytes
                        .chunks(2)
                        .map(|c| match c {
                            [hi, lo] => glyphs
                                .lookup(u16::from_be_bytes([*hi, *lo]))
                                .unwrap_or('\u{FFFD}'),
                            _ => '\u{FFFD}',
                        })
                        .collect();
                    return (out, bytes.len().div_ceil(2));
                }
                match predefined.and_then(|p| p.decode(bytes)) {
                    Some(text) => {
                        let n = text.chars().count();
                        (text, n)
                    }
                    None => {
                        let n = bytes.len().div_ceil(2);
                        ("\u{FFFD}".repeat(n), n)
                    }
                }
            }
        }
    }
}

/// For a Type0 font's only descendant, a CIDFontType2 with an embedded TrueType font: its
/// CIDToGIDMap and its `cmap` read backwards. `None` when any part is missing or unusable.
fn cid_glyphs(
    doc: &Document,
    dict: &Dictionary,
    budget: &mut Budget,
    cache: &mut GlyphCache,
) -> Result<Option<CidGlyphs>, PdfError> {
    let descendant = match dict
        .get(b"DescendantFonts")
        .ok()
        .and_then(|o| resolve(doc, o))
    {
        Some(Object::Array(a)) => a.first().and_then(|o| resolve(doc, o)),
        _ => None,
    };
    let Some(Object::Dictionary(cid_font)) = descendant else {
        return Ok(None);
    };
    if name_of(doc, cid_font, b"Subtype") != Some(b"CIDFontType2") {
        return Ok(None);
    }
    let Some(Object::Dictionary(descriptor)) = cid_font
        .get(b"FontDescriptor")
        .ok()
        .and_then(|o| resolve(doc, o))
    else {
        return Ok(None);
    };
    let Ok(file_ref) = descriptor.get(b"FontFile2") else {
        return Ok(None);
    };
    let file_id = file_ref.as_reference().ok();
    let cached = file_id.and_then(|id| cache.get(&id).cloned());
    let gid_map = match cached {
        Some(m) => m,
        None => {
            let map = match resolve(doc, file_ref) {
                Some(Object::Stream(s)) => match decode_stream(s, budget) {
                    Ok(data) => glyph_to_unicode(&data, &mut budget.cmap_entries_left).map(Rc::new),
                    Err(PdfError::Broken(_)) => None,
                    Err(e) => return Err(e),
                },
                _ => None,
            };
            if let Some(id) = file_id {
                cache.insert(id, map.clone());
            }
            map
        }
    };
    let Some(gid_map) = gid_map else {
        return Ok(None);
    };
    let cid_to_gid = match cid_font
        .get(b"CIDToGIDMap")
        .ok()
        .and_then(|o| resolve(doc, o))
    {
        None | Some(Object::Name(_)) => None,
        Some(Object::Stream(s)) => match decode_stream(s, budget) {
            Ok(data) => Some(
                data.chunks_exact(2)
                    .take(MAX_CIDS)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect(),
            ),
            Err(PdfError::Broken(_)) => return Ok(None),
            Err(e) => return Err(e),
        },
        Some(_) => return Ok(None),
    };
    Ok(Some(CidGlyphs {
        cid_to_gid,
        gid_map,
    }))
}

/// Decodes with a ToUnicode CMap; codes it lacks fall back to the predefined CMap.
fn decode_with_cmap(
    cmap: &ToUnicodeCMap,
    predefined: Option<Predefined>,
    bytes: &[u8],
) -> (String, usize) {
    let mut out = String::new();
    let mut glyphs = 0;
    let mut i = 0;
    let default_len = if cmap.lengths().contains(&2) || cmap.lengths().is_empty() {
        2
    } else {
        cmap.lengths()[0] as usize
    };
    while i < bytes.len() {
        glyphs += 1;
        let len = if cmap.has_codespace() {
            cmap.code_len(&bytes[i..]).unwrap_or(default_len)
        } else {
            default_len
        }
        .min(bytes.len() - i)
        .max(1);
        let chunk = &bytes[i..i + len];
        let code = chunk.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b));
        match cmap.lookup(len, code) {
            Some(t) => out.push_str(&t),
            None => match predefined.and_then(|p| p.decode(chunk)) {
                Some(t) => out.push_str(&t),
                None => out.push('\u{FFFD}'),
            },
        }
        i += len;
    }
    (out, glyphs)
}

/// Printable ASCII and Latin-1 as the base for simple fonts.
fn standard_table() -> Vec<Option<String>> {
    (0u32..256)
        .map(|c| match c {
            0x20..=0x7E | 0xA0..=0xFF => char::from_u32(c).map(String::from),
            _ => None,
        })
        .collect()
}

fn apply_base(table: &mut [Option<String>], name: &[u8]) {
    if name == b"WinAnsiEncoding" {
        const SPECIAL: [(usize, char); 12] = [
            (0x80, '€'),
            (0x85, '…'),
            (0x91, '\u{2018}'),
            (0x92, '\u{2019}'),
            (0x93, '\u{201C}'),
            (0x94, '\u{201D}'),
            (0x95, '•'),
            (0x96, '–'),
            (0x97, '—'),
            (0x99, '™'),
            (0x8C, 'Œ'),
            (0x9C, 'œ'),
        ];
        for (code, ch) in SPECIAL {
            table[code] = Some(ch.to_string());
        }
    }
}

/// Maps a glyph name to text: `uniXXXX`, `uXXXX[XX]`, and the basic Adobe Glyph List names.
pub fn glyph_name_to_text(name: &[u8]) -> Option<String> {
    let name = std::str::from_utf8(name).ok()?;
    let name = name.split('.').next().unwrap_or(name);
    if let Some(hex) = name.strip_prefix("uni") {
        if hex.len() >= 4 && hex.len() % 4 == 0 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            let units: Vec<u16> = (0..hex.len() / 4)
                .filter_map(|k| u16::from_str_radix(&hex[k * 4..k * 4 + 4], 16).ok())
                .collect();
            return Some(
                char::decode_utf16(units)
                    .map(|r| r.unwrap_or('\u{FFFD}'))
                    .collect(),
            );
        }
    }
    if let Some(hex) = name.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return u32::from_str_radix(hex, 16)
                .ok()
                .and_then(char::from_u32)
                .map(String::from);
        }
    }
    if name.len() == 1 && name.chars().all(|c| c.is_ascii_alphabetic()) {
        return Some(name.to_string());
    }
    const AGL: &[(&str, char)] = &[
        ("space", ' '),
        ("exclam", '!'),
        ("quotedbl", '"'),
        ("numbersign", '#'),
        ("dollar", '$'),
        ("percent", '%'),
        ("ampersand", '&'),
        ("quotesingle", '\''),
        ("quoteright", '\u{2019}'),
        ("quoteleft", '\u{2018}'),
        ("quotedblleft", '\u{201C}'),
        ("quotedblright", '\u{201D}'),
        ("parenleft", '('),
        ("parenright", ')'),
        ("asterisk", '*'),
        ("plus", '+'),
        ("comma", ','),
        ("hyphen", '-'),
        ("period", '.'),
        ("slash", '/'),
        ("zero", '0'),
        ("one", '1'),
        ("two", '2'),
        ("three", '3'),
        ("four", '4'),
        ("five", '5'),
        ("six", '6'),
        ("seven", '7'),
        ("eight", '8'),
        ("nine", '9'),
        ("colon", ':'),
        ("semicolon", ';'),
        ("less", '<'),
        ("equal", '='),
        ("greater", '>'),
        ("question", '?'),
        ("at", '@'),
        ("bracketleft", '['),
        ("backslash", '\\'),
        ("bracketright", ']'),
        ("asciicircum", '^'),
        ("underscore", '_'),
        ("grave", '`'),
        ("braceleft", '{'),
        ("bar", '|'),
        ("braceright", '}'),
        ("asciitilde", '~'),
        ("endash", '–'),
        ("emdash", '—'),
        ("bullet", '•'),
        ("ellipsis", '…'),
        ("nbspace", '\u{A0}'),
    ];
    AGL.iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_names() {
        assert_eq!(glyph_name_to_text(b"uni6B64").as_deref(), Some("此"));
        assert_eq!(glyph_name_to_text(b"u6B64").as_deref(), Some("此"));
        assert_eq!(glyph_name_to_text(b"parenleft").as_deref(), Some("("));
        assert_eq!(glyph_name_to_text(b"A.sc").as_deref(), Some("A"));
        assert_eq!(glyph_name_to_text(b"g123"), None);
    }
}
