//! Which CMS family the portal runs, from the signatures its pages and links carry.

use crate::config::Platform;

/// Marks of each family in page text and link paths.
const SIGNATURES: [(Platform, &[&str]); 3] = [
    (
        Platform::Vsb,
        &[
            "/system/resource/",
            "vsb_content",
            "v_news_content",
            "download.jsp",
            "_jsq_",
            "pb_sys_common",
            "_simple_list_gotopage_fun",
        ],
    ),
    (
        Platform::Trs,
        &["TRS_Editor", "createPageHTML", "trs_", "/t20"],
    ),
    (
        Platform::Hanweb,
        &["/col/col", "/art/", "jcms_files", "jpage", "dataproxy.jsp"],
    ),
];

/// A family and the evidence for it.
#[derive(Debug, Clone)]
pub struct FamilyGuess {
    /// The family with the most evidence, when there is any.
    pub platform: Option<Platform>,
    /// Signature → times seen, per family (families with evidence only), most first.
    pub evidence: Vec<(Platform, Vec<(String, usize)>)>,
    /// The runner-up has at least half the winner's evidence.
    pub contested: bool,
}

impl FamilyGuess {
    fn total(signs: &[(String, usize)]) -> usize {
        signs.iter().map(|(_, n)| n).sum()
    }

    /// Evidence of the chosen family, as "sign ×n" items.
    pub fn evidence_text(&self) -> String {
        self.evidence
            .iter()
            .map(|(p, signs)| {
                let items: Vec<String> = signs.iter().map(|(s, n)| format!("{s}×{n}")).collect();
                format!("{}：{}", p.as_str(), items.join("、"))
            })
            .collect::<Vec<_>>()
            .join("；")
    }
}

/// Counts the signatures of every family in the pages' texts, plus the shapes of the links
/// (`/info/N/N.htm`, `tYYYYMMDD_N`, `/art/Y/M/D/art_`), and picks the family with the most.
pub fn detect<'a>(texts: impl Iterator<Item = &'a str>) -> FamilyGuess {
    let texts: Vec<&str> = texts.collect();
    let shapes: Vec<(Platform, regex::Regex)> = Platform::ALL
        .iter()
        .filter_map(|p| {
            // The document shape without its end anchor, inside href="…".
            let body = p
                .document_link()
                .trim_start_matches('^')
                .trim_end_matches('$');
            regex::Regex::new(&format!("href=[\"'][^\"']*{body}"))
                .ok()
                .map(|r| (*p, r))
        })
        .collect();
    let mut evidence: Vec<(Platform, Vec<(String, usize)>)> = Vec::new();
    for (platform, signs) in SIGNATURES {
        let mut found: Vec<(String, usize)> = signs
            .iter()
            .map(|s| {
                let n = texts.iter().map(|t| t.matches(s).count()).sum();
                (s.to_string(), n)
            })
            .filter(|(_, n)| *n > 0)
            .collect();
        if let Some((_, re)) = shapes.iter().find(|(p, _)| *p == platform) {
            let n: usize = texts.iter().map(|t| re.find_iter(t).count()).sum();
            if n > 0 {
                found.push(("文件页链接".to_string(), n));
            }
        }
        if !found.is_empty() {
            found.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
            evidence.push((platform, found));
        }
    }
    evidence.sort_by_key(|(_, s)| std::cmp::Reverse(FamilyGuess::total(s)));
    let platform = evidence.first().map(|(p, _)| *p);
    let contested = match (evidence.first(), evidence.get(1)) {
        (Some((_, a)), Some((_, b))) => FamilyGuess::total(b) * 2 >= FamilyGuess::total(a),
        _ => false,
    };
    FamilyGuess {
        platform,
        evidence,
        contested,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_decide() {
        let vsb = r#"<a href="/info/1031/2755.htm">x</a><div id="vsb_content"></div>"#;
        let g = detect([vsb].into_iter());
        assert_eq!(g.platform, Some(Platform::Vsb));
        assert!(!g.contested);
        let trs = r#"<div class=TRS_Editor></div><script>createPageHTML(3,0,"index","html")</script>
            <a href="./202009/t20200903_2748784.html">x</a>"#;
        assert_eq!(detect([trs].into_iter()).platform, Some(Platform::Trs));
        let hanweb = r#"<a href="/col/col1599522/index.html">c</a>
            <a href="/art/2022/1/20/art_1621004_30332664.html">d</a>"#;
        assert_eq!(
            detect([hanweb].into_iter()).platform,
            Some(Platform::Hanweb)
        );
        assert_eq!(detect(["<p>nothing</p>"].into_iter()).platform, None);
    }
}
