//! Text normalisation for matching Chinese titles and texts.

use unicode_normalization::UnicodeNormalization;

/// NFKC, without whitespace and quotation marks: `“三公” 经费` → `三公经费`.
pub fn squash(s: &str) -> String {
    s.nfkc()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '"' | '\'' | '“' | '”' | '‘' | '’' | '「' | '」' | '『' | '』' | '\u{3000}'
                )
        })
        .collect()
}
