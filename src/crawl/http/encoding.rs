//! Turning an HTML body into text. County portals mix UTF-8 pages with old GBK/GB2312 pages that
//! declare their charset only in a `<meta>` tag, or not at all.

use encoding_rs::{
    Encoding, GB18030, GBK, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252, X_USER_DEFINED,
};

/// How far into the body a `<meta>` charset declaration is looked for.
const META_SCAN_BYTES: usize = 2048;

/// A decoded HTML page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedPage {
    pub text: String,
    /// Name of the encoding used (`"UTF-8"`, `"gb18030"`, …).
    pub encoding: &'static str,
    /// Some bytes were not valid in that encoding and became U+FFFD.
    pub had_errors: bool,
}

/// Decodes an HTML body. The encoding is taken from, in order: a byte-order mark (it cannot lie);
/// valid UTF-8 (a page saved as UTF-8 under an old GBK template keeps its label, while GBK text
/// is practically never valid UTF-8); the `charset` of the Content-Type header, then a
/// `<meta charset>` or `<meta http-equiv="Content-Type" content="…; charset=…">` in the first
/// 2 KB, kept when it decodes the bytes without errors; else detection with chardetng, kept when
/// it does. GBK and GB2312 are decoded as their superset GB18030.
///
/// When no candidate decodes cleanly the declared (or detected) reading is returned with
/// `had_errors`: its text holds U+FFFD and must not be judged.
pub fn decode_html(body: &[u8], content_type: Option<&str>) -> DecodedPage {
    if let Some((enc, _)) = Encoding::for_bom(body) {
        return decode_as(body, enc);
    }
    if !body.is_ascii() && std::str::from_utf8(body).is_ok() {
        return decode_as(body, UTF_8);
    }
    let declared = content_type
        .and_then(charset_of_content_type)
        .or_else(|| meta_charset(body))
        .map(normalise);
    let first = decode_as(body, declared.unwrap_or_else(|| normalise(detect(body))));
    if !first.had_errors {
        return first;
    }
    // The label (or the first guess) lies: the detector's reading, then GB18030, if clean.
    [normalise(detect(body)), GB18030]
        .into_iter()
        .filter(|enc| enc.name() != first.encoding)
        .map(|enc| decode_as(body, enc))
        .find(|page| !page.had_errors)
        .unwrap_or(first)
}

/// The name of the encoding [`decode_html`] reads `body` in, without building the text when
/// a byte-order mark or valid UTF-8 decides it (most pages): the recorder keeps the name, and
/// the page is decoded once, when it is read.
pub fn html_encoding(body: &[u8], content_type: Option<&str>) -> &'static str {
    if let Some((enc, _)) = Encoding::for_bom(body) {
        return enc.name();
    }
    if !body.is_ascii() && std::str::from_utf8(body).is_ok() {
        return UTF_8.name();
    }
    decode_html(body, content_type).encoding
}

fn decode_as(body: &[u8], encoding: &'static Encoding) -> DecodedPage {
    let (text, used, had_errors) = encoding.decode(body);
    DecodedPage {
        text: text.into_owned(),
        encoding: used.name(),
        had_errors,
    }
}

/// The encoding named by `charset=` in a Content-Type value, if encoding_rs knows the label.
pub fn charset_of_content_type(content_type: &str) -> Option<&'static Encoding> {
    let label = charset_param(content_type.as_bytes())?;
    Encoding::for_label(label)
}

/// GBK-family labels all decode as GB18030 (every GBK/GB2312 byte sequence means the same there
/// and GB18030 covers the rest); a `<meta>` or header cannot really mean UTF-16 or
/// x-user-defined for an HTML page (WHATWG rules).
fn normalise(encoding: &'static Encoding) -> &'static Encoding {
    if encoding == GBK {
        GB18030
    } else if encoding == X_USER_DEFINED {
        WINDOWS_1252
    } else {
        encoding
    }
}

/// The charset declared by the first `<meta>` tag that declares one, within the first 2 KB.
fn meta_charset(body: &[u8]) -> Option<&'static Encoding> {
    let head = &body[..body.len().min(META_SCAN_BYTES)];
    let lower = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"<meta") {
        let start = from + pos + b"<meta".len();
        let end = find(&lower[start..], b">").map_or(lower.len(), |e| start + e);
        if let Some(enc) = charset_param(&lower[start..end]).and_then(Encoding::for_label) {
            // A page cannot be read as ASCII-compatible text and declare UTF-16 at the same time.
            return Some(if enc == UTF_16LE || enc == UTF_16BE {
                UTF_8
            } else {
                enc
            });
        }
        from = end;
    }
    None
}

/// The value after `charset`, `=` (spaces and quotes allowed around it) in a header value or a
/// tag's attribute text.
fn charset_param(text: &[u8]) -> Option<&[u8]> {
    let mut from = 0;
    while let Some(pos) = find_ignore_case(&text[from..], b"charset") {
        let mut i = from + pos + b"charset".len();
        from = i;
        while text.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        if text.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while text
            .get(i)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'"' || *b == b'\'')
        {
            i += 1;
        }
        let start = i;
        while text
            .get(i)
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
        {
            i += 1;
        }
        if i > start {
            return Some(&text[start..i]);
        }
    }
    None
}

/// Guesses the encoding of an undeclared page; the `.cn` hint favours GBK over other legacy
/// encodings when the bytes are ambiguous.
fn detect(body: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(body, true);
    detector.guess(Some(b"cn"), true)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_charset_wins_over_meta() {
        let page = decode_html(b"<meta charset=gbk>abc", Some("text/html; charset=UTF-8"));
        assert_eq!(page.encoding, "UTF-8");
    }

    #[test]
    fn gb2312_meta_decodes_as_gb18030() {
        let (bytes, _, _) = GBK.encode("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"><p>政务公开</p>");
        let page = decode_html(&bytes, Some("text/html"));
        assert_eq!(page.encoding, "gb18030");
        assert!(page.text.contains("政务公开"));
        assert!(!page.had_errors);
    }

    #[test]
    fn charset_param_variants() {
        assert_eq!(
            charset_param(b"text/html;charset=\"gbk\""),
            Some(&b"gbk"[..])
        );
        assert_eq!(charset_param(b" charset = 'utf-8' "), Some(&b"utf-8"[..]));
        assert_eq!(charset_param(b"text/html"), None);
        assert_eq!(charset_param(b"charset="), None);
    }

    #[test]
    fn bom_wins() {
        let page = decode_html(
            b"\xEF\xBB\xBF<p>\xE6\x94\xBF</p>",
            Some("text/html; charset=gbk"),
        );
        assert_eq!(page.encoding, "UTF-8");
        assert_eq!(page.text, "<p>政</p>");
    }

    #[test]
    fn gbk_labelled_utf8_is_read_as_gbk() {
        let (bytes, _, _) = GBK.encode("<meta charset=utf-8><p>政府信息公开指南</p>");
        let page = decode_html(&bytes, Some("text/html; charset=utf-8"));
        assert!(!page.had_errors);
        assert!(page.text.contains("政府信息公开指南"), "{}", page.text);
    }

    #[test]
    fn utf8_labelled_gbk_is_read_as_utf8() {
        let body = "<meta charset=gbk><p>政府信息公开指南</p>".as_bytes();
        let page = decode_html(body, Some("text/html; charset=gbk"));
        assert_eq!(page.encoding, "UTF-8");
        assert!(page.text.contains("政府信息公开指南"));
    }

    #[test]
    fn html_encoding_names_what_decode_html_uses() {
        let (gbk, _, _) = GBK.encode("<meta charset=gb2312><p>政务公开</p>");
        let bodies: [(&[u8], Option<&str>); 7] = [
            (
                b"\xEF\xBB\xBF<p>\xE6\x94\xBF</p>",
                Some("text/html; charset=gbk"),
            ),
            (
                "<meta charset=gbk><p>政府信息公开指南</p>".as_bytes(),
                Some("text/html; charset=gbk"),
            ),
            (&gbk[..], Some("text/html")),
            (&gbk[..], None),
            (b"<p>ascii only</p>", Some("text/html; charset=gbk")),
            (b"<p>ascii only</p>", None),
            (b"<meta charset=utf-8><p>\xe6\x94 \xff\xff</p>", None),
        ];
        for (body, content_type) in bodies {
            assert_eq!(
                html_encoding(body, content_type),
                decode_html(body, content_type).encoding,
                "{body:?} {content_type:?}"
            );
        }
    }

    #[test]
    fn bytes_no_encoding_reads_are_flagged() {
        // Valid in neither UTF-8 nor GB18030 (a lone 0xFF, a UTF-8 lead cut short).
        let body = b"<meta charset=utf-8><p>\xe6\x94 \xff\xff guide</p>";
        let page = decode_html(body, Some("text/html; charset=utf-8"));
        assert!(page.had_errors, "{page:?}");
        assert!(page.text.contains('\u{FFFD}'));
    }
}
