//! The 公开属性 marking: normalisation and matching of a line that is the document's own
//! annotation (a line of its own, optionally in brackets), not words inside a sentence.

use std::sync::OnceLock;

use regex::Regex;

use super::Attribute;

/// Normalises text for matching: NFKC, all whitespace removed, every kind of bracket mapped
/// to ASCII parentheses, full-width colon to ASCII.
pub fn normalise(text: &str) -> String {
    crate::util::nfkc(text)
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control() && *c != '\u{200B}' && *c != '\u{FEFF}')
        .map(|c| match c {
            '〈' | '《' | '【' | '〔' | '〖' | '「' | '『' | '[' | '{' | '<' | '⟨' => '(',
            '〉' | '》' | '】' | '〕' | '〗' | '」' | '』' | ']' | '}' | '>' | '⟩' => ')',
            '︰' => ':',
            other => other,
        })
        .collect()
}

fn pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // A whole line: optional bracket, the phrase, optional bracket, optional full stop.
        Regex::new(
            r"^[(]?(?:此件(公开发布|主动公开|依申请公开|不予公开)|公开方式:(主动公开|依申请公开|不予公开))[)]?[。.]?$",
        )
        .unwrap_or_else(|_| unreachable!("constant regex"))
    })
}

/// The attribute named by a normalised phrase.
fn attribute_of(phrase: &str) -> Attribute {
    match phrase {
        "公开发布" => Attribute::PublicRelease,
        "主动公开" => Attribute::Active,
        "依申请公开" => Attribute::OnRequest,
        _ => Attribute::NotDisclosed,
    }
}

/// Whether a line (as extracted) is a marking; returns its attribute.
pub fn match_line(line: &str) -> Option<Attribute> {
    let norm = normalise(line);
    if norm.is_empty() || norm.chars().count() > 24 {
        return None;
    }
    let caps = pattern().captures(&norm)?;
    let phrase = caps.get(1).or_else(|| caps.get(2))?.as_str();
    Some(attribute_of(phrase))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_markings() {
        assert_eq!(
            match_line("（此件公开发布）"),
            Some(Attribute::PublicRelease)
        );
        assert_eq!(match_line("(此件主动公开)"), Some(Attribute::Active));
        assert_eq!(
            match_line("（ 此 件 公 开 发 布 ）"),
            Some(Attribute::PublicRelease)
        );
        assert_eq!(
            match_line("〈此件公开发布) "),
            Some(Attribute::PublicRelease)
        );
        assert_eq!(match_line("公开方式：主动公开"), Some(Attribute::Active));
        assert_eq!(
            match_line("公开方式: 依申请公开"),
            Some(Attribute::OnRequest)
        );
        assert_eq!(
            match_line("（此件不予公开）"),
            Some(Attribute::NotDisclosed)
        );
        assert_eq!(match_line("此件依申请公开"), Some(Attribute::OnRequest));
    }

    #[test]
    fn rejects_sentences() {
        assert_eq!(match_line("文件末尾应注明“（此件公开发布）”字样。"), None);
        assert_eq!(match_line("是否主动公开：□是 □否"), None);
        assert_eq!(match_line("主动公开"), None);
        assert_eq!(match_line("按照此件公开发布的要求"), None);
    }
}
