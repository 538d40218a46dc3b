//! Small helpers shared by several stages.

use sha2::{Digest, Sha256};

/// Hex SHA-256 of a body: the identity of stored evidence.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
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
