//! CMaps: a parser for /ToUnicode CMaps (codespace ranges, bfchar, bfrange) and the
//! predefined Chinese CMaps used by Type0 fonts without /ToUnicode.

use std::collections::HashMap;

/// Caps that keep a hostile CMap from taking unbounded memory or time.
const MAX_ENTRIES: usize = 200_000;
const MAX_RANGE: u32 = 65_536;

/// A parsed /ToUnicode CMap.
#[derive(Debug, Default)]
pub struct ToUnicodeCMap {
    /// Codespace ranges as (byte length, low, high), byte-wise inclusive.
    codespace: Vec<(usize, Vec<u8>, Vec<u8>)>,
    /// Code (byte length, value) to text.
    map: HashMap<(u8, u32), String>,
    /// Byte lengths that occur in `map`, ascending.
    lengths: Vec<u8>,
    /// Entries this CMap may still add.
    room: usize,
}

#[derive(Debug, PartialEq)]
enum Token {
    Hex(Vec<u8>),
    Word(Vec<u8>),
    Open,
    Close,
    Other,
}

fn tokenize(data: &[u8]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let c = data[i];
        match c {
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if data.get(i + 1) == Some(&b'<') => {
                out.push(Token::Other);
                i += 2;
            }
            b'>' if data.get(i + 1) == Some(&b'>') => {
                out.push(Token::Other);
                i += 2;
            }
            b'<' => {
                let mut nibbles = Vec::new();
                i += 1;
                while i < data.len() && data[i] != b'>' {
                    if let Some(v) = (data[i] as char).to_digit(16) {
                        nibbles.push(v as u8);
                    }
                    i += 1;
                }
                i += 1;
                if nibbles.len() % 2 == 1 {
                    nibbles.push(0);
                }
                out.push(Token::Hex(
                    nibbles.chunks(2).map(|p| (p[0] << 4) | p[1]).collect(),
                ));
            }
            b'[' => {
                out.push(Token::Open);
                i += 1;
            }
            b']' => {
                out.push(Token::Close);
                i += 1;
            }
            b'(' => {
                // Literal strings are rare in ToUnicode CMaps; skip them.
                let mut depth = 0usize;
                while i < data.len() {
                    match data[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
                out.push(Token::Other);
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < data.len()
                    && !data[i].is_ascii_whitespace()
                    && !b"<>[]()%/".contains(&data[i])
                {
                    i += 1;
                }
                if i == start {
                    // A lone '/' or other delimiter: a name starts here.
                    i += 1;
                    while i < data.len()
                        && !data[i].is_ascii_whitespace()
                        && !b"<>[]()%/".contains(&data[i])
                    {
                        i += 1;
                    }
                    out.push(Token::Other);
                } else {
                    out.push(Token::Word(data[start..i].to_vec()));
                }
            }
        }
    }
    out
}

fn code_value(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |acc, &b| (acc << 8) | u32::from(b))
}

/// Decodes UTF-16BE destination bytes (lone surrogates become U+FFFD).
pub fn utf16be(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|p| {
            if p.len() == 2 {
                u16::from_be_bytes([p[0], p[1]])
            } else {
                u16::from(p[0])
            }
        })
        .collect();
    char::decode_utf16(units)
        .map(|r| r.unwrap_or('\u{FFFD}'))
        .collect()
}

impl ToUnicodeCMap {
    /// Parses a ToUnicode CMap; unknown syntax is skipped, never an error. At most
    /// `*entries_left` entries are kept (and deducted).
    pub fn parse(data: &[u8], entries_left: &mut usize) -> Self {
        let tokens = tokenize(data);
        let mut cmap = ToUnicodeCMap {
            room: (*entries_left).min(MAX_ENTRIES),
            ..ToUnicodeCMap::default()
        };
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                Token::Word(w) if w == b"begincodespacerange" => {
                    i += 1;
                    while i + 1 < tokens.len() {
                        match (&tokens[i], &tokens[i + 1]) {
                            (Token::Hex(lo), Token::Hex(hi)) => {
                                if !lo.is_empty() && lo.len() == hi.len() && lo.len() <= 4 {
                                    cmap.codespace.push((lo.len(), lo.clone(), hi.clone()));
                                }
                                i += 2;
                            }
                            _ => break,
                        }
                    }
                }
                Token::Word(w) if w == b"beginbfchar" => {
                    i += 1;
                    while i + 1 < tokens.len() {
                        match (&tokens[i], &tokens[i + 1]) {
                            (Token::Hex(src), Token::Hex(dst)) => {
                                cmap.insert(src, utf16be(dst));
                                i += 2;
                            }
                            (Token::Hex(src), Token::Word(name)) => {
                                // A glyph name as destination (allowed by the spec).
                                let s = super::fonts::glyph_name_to_text(name);
                                if let Some(s) = s {
                                    cmap.insert(src, s);
                                }
                                i += 2;
                            }
                            _ => break,
                        }
                    }
                }
                Token::Word(w) if w == b"beginbfrange" => {
                    i += 1;
                    loop {
                        match (tokens.get(i), tokens.get(i + 1), tokens.get(i + 2)) {
                            (Some(Token::Hex(lo)), Some(Token::Hex(hi)), Some(Token::Hex(dst))) => {
                                cmap.insert_range(lo, hi, dst);
                                i += 3;
                            }
                            (Some(Token::Hex(lo)), Some(Token::Hex(hi)), Some(Token::Open)) => {
                                i += 3;
                                let mut code = code_value(lo);
                                let end = code_value(hi);
                                while let Some(Token::Hex(dst)) = tokens.get(i) {
                                    if code <= end && lo.len() <= 4 {
                                        cmap.insert_code(lo.len(), code, utf16be(dst));
                                    }
                                    code = code.saturating_add(1);
                                    i += 1;
                                }
                                if tokens.get(i) == Some(&Token::Close) {
                                    i += 1;
                                }
                            }
                            _ => break,
                        }
                    }
                }
                _ => i += 1,
            }
        }
        cmap.lengths.sort_unstable();
        cmap.lengths.dedup();
        *entries_left = entries_left.saturating_sub(cmap.map.len());
        cmap
    }

    fn insert(&mut self, src: &[u8], text: String) {
        if !src.is_empty() && src.len() <= 4 {
            self.insert_code(src.len(), code_value(src), text);
        }
    }

    fn insert_code(&mut self, len: usize, code: u32, text: String) {
        if self.map.len() >= self.room {
            return;
        }
        let len = len as u8;
        if !self.lengths.contains(&len) {
            self.lengths.push(len);
        }
        self.map.insert((len, code), text);
    }

    fn insert_range(&mut self, lo: &[u8], hi: &[u8], dst: &[u8]) {
        if lo.is_empty() || lo.len() > 4 || dst.is_empty() {
            return;
        }
        let start = code_value(lo);
        let end = code_value(hi).min(start.saturating_add(MAX_RANGE - 1));
        let mut units: Vec<u16> = dst
            .chunks(2)
            .map(|p| {
                if p.len() == 2 {
                    u16::from_be_bytes([p[0], p[1]])
                } else {
                    u16::from(p[0])
                }
            })
            .collect();
        for code in start..=end {
            if self.map.len() >= self.room {
                return;
            }
            let text: String = char::decode_utf16(units.iter().copied())
                .map(|r| r.unwrap_or('\u{FFFD}'))
                .collect();
            self.insert_code(lo.len(), code, text);
            if let Some(last) = units.last_mut() {
                *last = last.wrapping_add(1);
            }
        }
    }

    /// Whether the CMap maps anything.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The byte length of the code at the start of `bytes`, from the codespace ranges.
    pub fn code_len(&self, bytes: &[u8]) -> Option<usize> {
        self.codespace
            .iter()
            .filter(|(len, lo, hi)| {
                bytes.len() >= *len && (0..*len).all(|k| bytes[k] >= lo[k] && bytes[k] <= hi[k])
            })
            .map(|(len, _, _)| *len)
            .min()
    }

    /// Whether codespace ranges were declared.
    pub fn has_codespace(&self) -> bool {
        !self.codespace.is_empty()
    }

    /// Looks up one code.
    pub fn lookup(&self, len: usize, code: u32) -> Option<&str> {
        self.map.get(&(len as u8, code)).map(String::as_str)
    }

    /// Code lengths that occur in the map.
    pub fn lengths(&self) -> &[u8] {
        &self.lengths
    }
}

/// A predefined CMap by which a Type0 font's bytes can be read without /ToUnicode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Predefined {
    /// UCS-2 big endian (Uni*-UCS2-H/V).
    Ucs2,
    /// UTF-16 big endian (Uni*-UTF16-H/V).
    Utf16,
    /// UTF-8 (Uni*-UTF8-H/V).
    Utf8,
    /// GBK / GB 2312 EUC (GBK-EUC-H, GB-EUC-H, GBpc-EUC-H, GBK2K-H, GBKp-EUC-H).
    Gbk,
    /// Big5 (B5pc-H, ETen-B5-H, HKscs-B5-H).
    Big5,
    /// Identity-H/V: glyph ids, unreadable without /ToUnicode.
    Identity,
}

impl Predefined {
    /// Recognises a predefined CMap by name.
    pub fn from_name(name: &[u8]) -> Option<Self> {
        let name = std::str::from_utf8(name).ok()?;
        let base = name
            .strip_suffix("-H")
            .or_else(|| name.strip_suffix("-V"))
            .unwrap_or(name);
        if name.starts_with("Identity") {
            return Some(Predefined::Identity);
        }
        if base.starts_with("Uni") {
            if base.ends_with("UCS2") {
                return Some(Predefined::Ucs2);
            }
            if base.ends_with("UTF16") {
                return Some(Predefined::Utf16);
            }
            if base.ends_with("UTF8") {
                return Some(Predefined::Utf8);
            }
            return None;
        }
        if base.starts_with("GB") {
            return Some(Predefined::Gbk);
        }
        if base.contains("B5") {
            return Some(Predefined::Big5);
        }
        None
    }

    /// Decodes a whole string shown with this CMap; `None` for Identity.
    pub fn decode(self, bytes: &[u8]) -> Option<String> {
        match self {
            Predefined::Ucs2 | Predefined::Utf16 => Some(utf16be(bytes)),
            Predefined::Utf8 => Some(String::from_utf8_lossy(bytes).into_owned()),
            Predefined::Gbk => Some(
                encoding_rs::GB18030
                    .decode_without_bom_handling(bytes)
                    .0
                    .into_owned(),
            ),
            Predefined::Big5 => Some(
                encoding_rs::BIG5
                    .decode_without_bom_handling(bytes)
                    .0
                    .into_owned(),
            ),
            Predefined::Identity => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bfchar_and_bfrange() {
        let data = b"/CIDInit /ProcSet findresource begin 1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
            2 beginbfchar <0003> <0020> <0010> <6B64> endbfchar\n\
            1 beginbfrange <0020> <0022> <4EF6> endbfrange\n\
            1 beginbfrange <0030> <0031> [<516C> <5F00>] endbfrange end";
        let c = ToUnicodeCMap::parse(data, &mut 1000);
        assert_eq!(c.lookup(2, 0x10), Some("此"));
        assert_eq!(c.lookup(2, 0x21), Some("件"));
        assert_eq!(c.lookup(2, 0x31), Some("开"));
        assert_eq!(c.code_len(&[0, 0x10]), Some(2));
    }

    #[test]
    fn predefined_names() {
        assert_eq!(
            Predefined::from_name(b"UniGB-UCS2-H"),
            Some(Predefined::Ucs2)
        );
        assert_eq!(
            Predefined::from_name(b"UniGB-UTF16-H"),
            Some(Predefined::Utf16)
        );
        assert_eq!(Predefined::from_name(b"GBK-EUC-H"), Some(Predefined::Gbk));
        assert_eq!(
            Predefined::from_name(b"Identity-H"),
            Some(Predefined::Identity)
        );
        assert_eq!(
            Predefined::Gbk.decode(&[0xB4, 0xCB, 0xBC, 0xFE]).as_deref(),
            Some("此件")
        );
    }
}
