//! The site: the platform home and the units, the family, the column tree, the guide and
//! policy columns.

use regex::Regex;
use url::Url;

use super::{path_of, Walk};
use crate::config::{ColumnMatch, UnitConfig};
use crate::extract::tree::TreeColumn;
use crate::probe::draft::Draft;
use crate::probe::family::{self, FamilyGuess};
use crate::probe::report::{Confidence, UnitMatches};
use crate::probe::{css, tree, units};

impl Walk {
    /// The platform home (the page whose links name the most units), its unit links, and the
    /// units as the description writes them (aliases the home uses added, codes where the
    /// landings share one path).
    pub(super) async fn units(
        &mut self,
        mut units: Vec<UnitConfig>,
        portal_name: &str,
    ) -> (Vec<UnitConfig>, UnitMatches) {
        let names = units::Names::new(&units, portal_name);
        let wanted = units.len();
        let mut best = (units::units_named(&self.front, &names), self.front.clone());
        if best.0 * 10 < wanted * 9 {
            for url in units::home_candidates(&self.front).into_iter().take(4) {
                let Ok(page) = self.s.page(&url, "平台首页候选").await else {
                    continue;
                };
                let n = units::units_named(&page, &names);
                if n > best.0 {
                    best = (n, page);
                }
                if best.0 * 10 >= wanted * 9 {
                    break;
                }
            }
        }
        let mut matches = UnitMatches::default();
        let (named, home) = best;
        let links = if named > 0 {
            units::home_links(&home, &names)
        } else {
            None
        };
        let Some(links) = links else {
            self.key(
                "pages.home",
                &self.draft.home.clone(),
                Confidence::Unsure,
                "门户首页及其链接的页面上都没有名单中单位的链接".into(),
                vec![self.front.url.clone()],
            );
            matches.not_on_portal = units.iter().map(|u| u.name.clone()).collect();
            return (units, matches);
        };
        self.draft.home = path_of(&home.url);
        self.key(
            "pages.home",
            &self.draft.home.clone(),
            if named * 2 >= wanted {
                Confidence::Sure
            } else {
                Confidence::Likely
            },
            format!("该页链接了名单中 {named}/{wanted} 个单位"),
            vec![home.url.clone()],
        );
        self.draft.home_unit_links = links.css.clone();
        self.key(
            "pages.home_unit_links",
            &links.css,
            Confidence::Sure,
            format!(
                "读出 {} 个链接，其中 {} 个对应名单中的单位",
                links.selected,
                links.links.len()
            ),
            vec![home.url.clone()],
        );
        for (i, text, url) in &links.links {
            matches
                .matched
                .push((units[*i].name.clone(), text.clone(), url.clone()));
        }
        matches.not_on_portal = units
            .iter()
            .enumerate()
            .filter(|(i, _)| !links.links.iter().any(|(u, _, _)| u == i))
            .map(|(_, u)| u.name.clone())
            .collect();
        matches.not_in_file = links.unknown.clone();
        if !matches.not_on_portal.is_empty() {
            self.questions.push(format!(
                "名单中的单位在平台首页上没有找到：{}",
                matches.not_on_portal.join("、")
            ));
        }
        if !matches.not_in_file.is_empty() {
            self.questions.push(format!(
                "平台首页上的单位不在名单中：{}",
                matches.not_in_file.join("、")
            ));
        }
        // The crawler finds a unit's landing by the link's exact text.
        for (i, text, _) in &links.links {
            let unit = &mut units[*i];
            if !unit.all_names().any(|n| n == text) {
                unit.aliases.push(text.clone());
            }
        }
        let landings: Vec<(usize, Url)> = links
            .links
            .iter()
            .map(|(i, _, u)| (*i, u.clone()))
            .collect();
        match units::landing_pattern(&landings) {
            Some((pattern, codes)) => {
                for (i, code) in codes {
                    units[i].code = Some(code);
                }
                self.draft.unit_landing = pattern.clone();
                self.key(
                    "pages.unit_landing",
                    &pattern,
                    Confidence::Sure,
                    format!("{} 个单位首页地址同形，单位代码由此写入", landings.len()),
                    landings.iter().take(2).map(|(_, u)| u.clone()).collect(),
                );
            }
            None => self.key(
                "pages.unit_landing",
                &self.draft.unit_landing.clone(),
                Confidence::Likely,
                "单位首页地址不同形：抓取时以平台首页的链接为准，不用单位代码".into(),
                Vec::new(),
            ),
        }
        // Landing samples: the first township, the first department, the last unit matched.
        let mut picks: Vec<usize> = Vec::new();
        for table in [
            crate::model::Table::Township,
            crate::model::Table::Department,
        ] {
            if let Some((i, _, _)) = links
                .links
                .iter()
                .find(|(i, _, _)| units[*i].table == table)
            {
                picks.push(*i);
            }
        }
        if let Some((i, _, _)) = links.links.last() {
            picks.push(*i);
        }
        picks.dedup();
        for i in picks {
            let Some((_, _, url)) = links.links.iter().find(|(u, _, _)| *u == i) else {
                continue;
            };
            let what = format!("单位首页：{}", units[i].name);
            if let Ok(page) = self.s.page(url, &what).await {
                if !self.landings.iter().any(|p| p.url == page.url) {
                    self.landings.push(page);
                }
            }
        }
        self.home = Some(home);
        (units, matches)
    }

    /// The family from what has been read so far; its known shapes become the draft's start.
    pub(super) fn family(&mut self) {
        let guess: FamilyGuess = family::detect(self.s.texts().map(|(_, t)| t));
        self.platform = guess.platform;
        let home = self.draft.clone();
        self.draft = Draft {
            home: home.home,
            home_unit_links: home.home_unit_links,
            unit_landing: home.unit_landing,
            ..Draft::for_family(self.platform)
        };
        if let Some(shape) = self
            .platform
            .and_then(|p| Regex::new(p.document_link()).ok())
        {
            self.doc_shape = shape;
        }
        if self.platform.is_none() || guess.contested {
            self.questions.push(format!(
                "平台类型未能确定（{}）",
                if guess.evidence.is_empty() {
                    "没有发现任何已知平台的特征".to_string()
                } else {
                    guess.evidence_text()
                }
            ));
        }
    }

    pub(super) fn tree(&mut self) {
        let samples: Vec<Url> = self.landings.iter().map(|p| p.url.clone()).collect();
        match tree::choose(&self.landings, Some(&self.doc_shape)) {
            Some((css, trees)) => {
                let counts: Vec<String> =
                    trees.iter().map(|t| tree::count(t).to_string()).collect();
                self.draft.column_tree = css.clone();
                self.key(
                    "pages.column_tree",
                    &css,
                    Self::by_samples(trees.len(), self.landings.len()),
                    format!(
                        "在 {} 个单位首页上读出栏目 {} 个",
                        trees.len(),
                        counts.join("、")
                    ),
                    samples,
                );
                self.trees = trees;
            }
            None => self.key(
                "pages.column_tree",
                &self.draft.column_tree.clone(),
                Confidence::Unsure,
                "单位首页上没有找到栏目树".into(),
                samples,
            ),
        }
    }

    /// The guide and policy columns, by the names the family uses and the codes the trees show.
    pub(super) fn roles(&mut self) -> (ColumnMatch, ColumnMatch) {
        let samples: Vec<Url> = self.landings.iter().map(|p| p.url.clone()).collect();
        let mut out = Vec::new();
        for (key, names) in [
            ("columns.guide", ["政府信息公开指南", "公开指南"]),
            ("columns.policy", ["政策文件", "规范性文件"]),
        ] {
            let found: Vec<&TreeColumn> = self
                .trees
                .iter()
                .flat_map(|t| crate::extract::tree::leaves(t))
                .filter(|c| names.iter().any(|n| c.name.contains(n)))
                .collect();
            // A code names the role only if no other column has it (TRS `fg.shtml` pages
            // are all `fg`; folders' `index.html` all `index`).
            let others: Vec<String> = self
                .trees
                .iter()
                .flat_map(|t| crate::extract::tree::leaves(t))
                .filter(|c| !names.iter().any(|n| c.name.contains(n)))
                .map(|c| c.code())
                .collect();
            let codes = css::dedup(
                found
                    .iter()
                    .map(|c| c.code())
                    .filter(|c| !c.is_empty() && !others.contains(c)),
            );
            let role = ColumnMatch {
                names: names.iter().map(|s| s.to_string()).collect(),
                codes,
            };
            let (conf, note) = if found.is_empty() {
                (
                    Confidence::Likely,
                    "样本单位的栏目树中没有该栏目，按常见名称填写".to_string(),
                )
            } else {
                (
                    Confidence::Sure,
                    format!("样本单位的栏目树中有 {} 个", found.len()),
                )
            };
            let codes = if role.codes.is_empty() {
                "无（栏目地址末段不专属于该栏目）".to_string()
            } else {
                role.codes.join("、")
            };
            let value = format!("{}；代码：{codes}", role.names.join("、"));
            self.key(key, &value, conf, note, samples.clone());
            out.push(role);
        }
        let policy = out.pop().unwrap_or_default();
        let guide = out.pop().unwrap_or_default();
        (guide, policy)
    }
}
