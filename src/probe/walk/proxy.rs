//! Hanweb lists: the data proxy a column page's jpage script names, asked for its first group
//! of records, which the crawler's own record reader must read as dated entries.

use url::Url;

use super::Walk;
use crate::extract::jpage::{find_source, parse_datastore, read_records};
use crate::probe::report::Confidence;
use crate::probe::{css, lists};

/// Column pages whose data proxy is asked.
const MAX_PROXIES: usize = 3;

impl Walk {
    pub(super) async fn proxy_lists(&mut self) {
        if self.jpage_pages.is_empty() {
            return;
        }
        let tree_css = self.draft.column_tree.clone();
        let samples: Vec<Url> = self.jpage_pages.iter().map(|p| p.url.clone()).collect();
        let found: Vec<(String, Option<String>)> = self
            .jpage_pages
            .iter()
            .filter_map(|p| lists::jpage_container(p, &tree_css))
            .collect();
        let containers = css::dedup(found.iter().map(|(c, _)| c.clone()));
        let contents = css::dedup(found.iter().filter_map(|(_, c)| c.clone()));
        self.draft.list_container = containers.join(", ");
        self.draft.list_item = containers
            .iter()
            .map(|c| format!("{c} li"))
            .collect::<Vec<_>>()
            .join(", ");
        if !contents.is_empty() {
            self.draft.content = Some(contents.join(", "));
        }
        let Ok(shapes) = self.draft.shapes() else {
            return;
        };
        let mut answers: Vec<(Url, Vec<String>)> = Vec::new();
        let mut failed: Vec<String> = Vec::new();
        for page in self.jpage_pages.clone().iter().take(MAX_PROXIES) {
            let source = page
                .html()
                .and_then(|doc| find_source(&doc, &shapes, &page.url));
            let src = match source {
                Some(Ok(src)) => src,
                Some(Err(e)) => {
                    failed.push(format!("{}：{e}", page.url));
                    continue;
                }
                None => continue,
            };
            let url = src.group_url(1);
            match self.s.post(&url, &src.form, "列表数据接口").await {
                Ok(text) => match parse_datastore(&text) {
                    Some(store) => answers.push((page.url.clone(), store.records)),
                    None => failed.push(format!("{url} 的回答不是数据列表")),
                },
                Err(_) => failed.push(format!("{url} 无法取得")),
            }
        }
        let dates = css::dedup(answers.iter().filter_map(|(_, r)| lists::record_date(r)));
        if !dates.is_empty() {
            self.draft.list_date = dates.join(", ");
        }
        let Ok(shapes) = self.draft.shapes() else {
            return;
        };
        let (mut read, mut dated, mut pages) = (0, 0, 0);
        for (url, records) in &answers {
            let (items, _) = read_records(records, &shapes, url);
            read += items.len();
            dated += items.iter().filter(|i| i.date.is_some()).count();
            pages += usize::from(!items.is_empty());
            if let Some(first) = items.into_iter().find(|i| !i.title_cut) {
                self.proxy_items.push(first);
            }
        }
        let conf = if read > 0 && dated == read {
            Self::by_samples(pages, answers.len())
        } else {
            Confidence::Unsure
        };
        let mut note = format!(
            "数据接口对 {} 个栏目的回答中读出 {read} 条，{dated} 条有日期",
            answers.len()
        );
        if !failed.is_empty() {
            note.push_str(&format!("；未能读取：{}", failed.join("；")));
        }
        self.key(
            "pages.list_proxy",
            "jpage",
            conf,
            note.clone(),
            samples.clone(),
        );
        self.key(
            "pages.list_date",
            &self.draft.list_date.clone(),
            conf,
            note,
            samples.clone(),
        );
        let shown = "jpage 脚本所填元素的容器（页面中另有列表时也按此读取）".to_string();
        for (key, value) in [
            ("pages.list_container", self.draft.list_container.clone()),
            ("pages.list_item", self.draft.list_item.clone()),
        ] {
            self.key(
                key,
                &value,
                Confidence::Likely,
                shown.clone(),
                samples.clone(),
            );
        }
        if let Some(content) = self.draft.content.clone() {
            self.key(
                "pages.content",
                &content,
                Confidence::Likely,
                "列表容器所在、不含栏目树的区域".into(),
                samples,
            );
        }
    }
}
