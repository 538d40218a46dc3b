//! Text normalisation for matching Chinese titles and texts.

use unicode_normalization::UnicodeNormalization;

/// NFKC, without whitespace and quotation marks: `“三公” 经费` → `三公经费`.
///
/// Only the stretches between CJK unified ideographs go through NFKC: an ideograph has no
/// decomposition and composes with nothing on either side, so normalisation never reaches across
/// it, and ASCII alone is already normal. The result is the NFKC of the whole string (tested
/// against it); on Chinese text it costs a small part of normalising everything.
pub fn squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while !rest.is_empty() {
        let end = rest.find(inert).unwrap_or(rest.len());
        let (stretch, tail) = rest.split_at(end);
        if stretch.is_ascii() {
            out.extend(stretch.chars().filter(|c| kept(*c)));
        } else {
            out.extend(stretch.nfkc().filter(|c| kept(*c)));
        }
        // Ideographs are neither whitespace nor quotation marks: kept as they are.
        let end = tail.find(|c| !inert(c)).unwrap_or(tail.len());
        out.push_str(&tail[..end]);
        rest = &tail[end..];
    }
    out
}

/// A CJK unified ideograph of the basic block: NFKC leaves it and its neighbours alone.
fn inert(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

fn kept(c: char) -> bool {
    !c.is_whitespace()
        && !matches!(
            c,
            '"' | '\'' | '“' | '”' | '‘' | '’' | '「' | '」' | '『' | '』' | '\u{3000}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The definition: NFKC of the whole string, then the filter.
    fn squash_whole(s: &str) -> String {
        s.nfkc().filter(|c| kept(*c)).collect()
    }

    #[test]
    fn squashes_quotes_spaces_and_full_width_forms() {
        assert_eq!(squash("“三公” 经费"), "三公经费");
        assert_eq!(
            squash("２０２０年度　部门预算（草案）"),
            "2020年度部门预算(草案)"
        );
        assert_eq!(squash("ﾃｽﾄ 纳税"), "テスト纳税");
        // A compatibility ideograph (U+F900 block) becomes its unified one.
        assert_eq!(squash("\u{F900}"), "\u{8C48}");
        // A combining mark after ASCII composes; before an ideograph it stays.
        assert_eq!(squash("e\u{301}县\u{301}"), "é县\u{301}");
    }

    proptest! {
        /// Stretch by stretch is the same as the whole string at once, for text mixing
        /// ideographs with ASCII, full-width and half-width forms, combining marks, Hangul
        /// jamo, compatibility ideographs and quotation marks.
        #[test]
        fn squash_is_nfkc_of_the_whole(
            s in proptest::collection::vec(
                prop_oneof![
                    proptest::char::range('\u{4DF0}', '\u{4E10}'),
                    proptest::char::range('\u{9FF0}', '\u{A010}'),
                    proptest::char::range(' ', '~'),
                    proptest::char::range('\u{300}', '\u{36F}'),
                    proptest::char::range('\u{1100}', '\u{1175}'),
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
            prop_assert_eq!(squash(&s), squash_whole(&s));
        }
    }
}
