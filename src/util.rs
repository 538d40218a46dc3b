//! Small helpers shared by several stages.

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

/// Hex SHA-256 of a body: the identity of stored evidence.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The NFKC form of `s`, normalising only the stretches between CJK unified ideographs: an
/// ideograph has no decomposition and composes with nothing on either side, so normalisation
/// never reaches across it, and ASCII alone is already normal. The same string as NFKC of the
/// whole (tested against it), for a small part of the cost on Chinese text.
pub fn nfkc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while !rest.is_empty() {
        let end = rest.find(inert_under_nfkc).unwrap_or(rest.len());
        let (stretch, tail) = rest.split_at(end);
        if stretch.is_ascii() {
            out.push_str(stretch);
        } else {
            out.extend(stretch.nfkc());
        }
        let end = tail.find(|c| !inert_under_nfkc(c)).unwrap_or(tail.len());
        out.push_str(&tail[..end]);
        rest = &tail[end..];
    }
    out
}

/// A CJK unified ideograph of the basic block: NFKC leaves it and its neighbours alone.
fn inert_under_nfkc(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Cuts a string to at most `max` characters, marking the cut with `…`.
pub fn truncate_chars(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).collect();
    if s.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

/// Percent-encodes one URL path segment (unit names are Chinese).
pub fn percent_encode_segment(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// How far into a body the `%PDF-` signature and HTML tags are looked for.
const SNIFF_BYTES: usize = 1024;

fn sniff_head(body: &[u8]) -> &[u8] {
    &body[..body.len().min(SNIFF_BYTES)]
}

/// The bytes are a PDF: `%PDF-` within the first 1024 bytes, whatever a server or a file name
/// says (portals serve PDFs as application/octet-stream or worse).
pub fn is_pdf(body: &[u8]) -> bool {
    sniff_head(body).windows(5).any(|w| w == b"%PDF-")
}

/// Starts (after a BOM and whitespace) with a tag, and has an html/head/body tag near the start.
pub fn sniff_html(body: &[u8]) -> bool {
    let head = sniff_head(body);
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace());
    if start.is_none_or(|i| head[i] != b'<') {
        return false;
    }
    let lower = head.to_ascii_lowercase();
    [
        &b"<!doctype html"[..],
        b"<html",
        b"<head",
        b"<body",
        b"<title",
    ]
    .iter()
    .any(|tag| lower.windows(tag.len()).any(|w| w == *tag))
}

/// Characters a reader cannot see or that change what surrounds them: control characters,
/// line and paragraph separators, whitespace other than the plain space, and default-ignorable
/// code points (zero-width characters, bidi controls, variation selectors, tags; the UTS #39
/// skeleton drops exactly those).
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || unicode_security::skeleton(c.encode_utf8(&mut [0; 4]))
            .next()
            .is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn nfkc_by_stretches_examples() {
        assert_eq!(
            nfkc("２０２０年度　部门预算（草案）"),
            "2020年度 部门预算(草案)"
        );
        // A compatibility ideograph (U+F900 block) becomes its unified one.
        assert_eq!(nfkc("\u{F900}县"), "\u{8C48}县");
        // A combining mark after a letter composes with it; after an ideograph it stays.
        assert_eq!(nfkc("e\u{301}县\u{301}"), "é县\u{301}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Stretch by stretch is the same as the whole string at once, for text mixing
        /// ideographs (and their block's edges) with ASCII, full-width and half-width forms,
        /// combining marks, Hangul jamo, kana with voicing marks, compatibility ideographs,
        /// punctuation and any other character.
        #[test]
        fn nfkc_by_stretches_is_nfkc_of_the_whole(
            s in proptest::collection::vec(
                prop_oneof![
                    proptest::char::range('\u{4DF0}', '\u{4E10}'),
                    proptest::char::range('\u{9FF0}', '\u{A010}'),
                    proptest::char::range(' ', '~'),
                    proptest::char::range('\u{300}', '\u{36F}'),
                    proptest::char::range('\u{1100}', '\u{11FF}'),
                    proptest::char::range('\u{AC00}', '\u{AC40}'),
                    proptest::char::range('\u{2000}', '\u{2070}'),
                    proptest::char::range('\u{3000}', '\u{3020}'),
                    proptest::char::range('\u{3099}', '\u{30FF}'),
                    proptest::char::range('\u{F900}', '\u{F910}'),
                    proptest::char::range('\u{FF00}', '\u{FFEF}'),
                    proptest::char::any(),
                ],
                0..40,
            ).prop_map(|cs| cs.into_iter().collect::<String>())
        ) {
            prop_assert_eq!(nfkc(&s), s.nfkc().collect::<String>());
        }
    }
}
