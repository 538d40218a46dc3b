//! Text normalisation for matching Chinese titles and texts.

/// NFKC, without whitespace and quotation marks: `“三公” 经费` → `三公经费`.
pub fn squash(s: &str) -> String {
    crate::util::nfkc(s)
        .chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '"' | '\'' | '“' | '”' | '‘' | '’' | '「' | '」' | '『' | '』' | '\u{3000}'
                )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squashes_quotes_spaces_and_full_width_forms() {
        assert_eq!(squash("“三公” 经费"), "三公经费");
        assert_eq!(
            squash("２０２０年度　部门预算（草案）"),
            "2020年度部门预算(草案)"
        );
        assert_eq!(squash("ﾃｽﾄ 纳税"), "テスト纳税");
    }
}
