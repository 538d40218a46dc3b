//! The national website-inspection indicators (国办秘函〔2019〕19号) beside the county rubric:
//! the thresholds as data ([`settings`]), home-page probes on an injectable clock ([`probe`],
//! [`clock`]), the verdicts ([`judge`], pure) and one day's verdicts from the store ([`day`]).

pub mod clock;
pub mod day;
pub mod judge;
pub mod links;
pub mod probe;
pub mod settings;

use serde::{Deserialize, Serialize};

use crate::model::Evidence;

pub use clock::{Clock, ManualClock, SystemClock};
pub use settings::{ColumnType, HomeKind, IndicatorSettings};

/// How an indicator stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Not tripped, on figures the machine read completely.
    Pass,
    /// The single veto is tripped.
    Veto,
    /// The machine cannot decide: an auditor must (never counted as a pass).
    Question,
    /// A deduction indicator (链接可用性) found something to deduct for; never a veto.
    Deduct,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Veto => "veto",
            Verdict::Question => "question",
            Verdict::Deduct => "deduct",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "未触发",
            Verdict::Veto => "单项否决",
            Verdict::Question => "待人工判断",
            Verdict::Deduct => "扣分",
        }
    }
}

/// A figure that decided a verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub key: String,
    pub label: String,
    pub value: serde_json::Value,
}

/// One indicator's verdict on one day, with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorResult {
    /// Stable code: `site_unreachable`, `home_not_updated`, `columns_not_updated`,
    /// `interaction_poor`, `broken_links`.
    pub code: &'static str,
    pub name: String,
    /// `site`, or the unit's configured name for the column indicators.
    pub scope: String,
    /// The indicator's text with the thresholds in force.
    pub text: String,
    pub verdict: Verdict,
    pub summary: String,
    pub figures: Vec<Figure>,
    pub evidence: Vec<Evidence>,
    /// What the machine could not decide (listed even when the verdict stands without it).
    pub questions: Vec<String>,
}

/// Every indicator of a portal on one check day.
#[derive(Debug, Clone, Serialize)]
pub struct DayReport {
    pub portal: String,
    pub date: chrono::NaiveDate,
    /// The crawl the column and board indicators read (`None`: no finished run up to the day).
    pub run_id: Option<i64>,
    pub vetoed: bool,
    pub indicators: Vec<IndicatorResult>,
}

impl DayReport {
    /// The plain-text table of `gongkai indicators --format table`.
    pub fn table(&self) -> String {
        let mut out = format!(
            "{} 网站检查指标 {}（抓取运行 {}）\n",
            self.portal,
            self.date,
            self.run_id.map_or("无".to_string(), |r| r.to_string())
        );
        out.push_str(&format!(
            "{:<12}\t{:<10}\t{:<8}\t{}\n",
            "指标", "范围", "结论", "依据"
        ));
        for i in &self.indicators {
            let scope = if i.scope == "site" {
                "全站"
            } else {
                i.scope.as_str()
            };
            out.push_str(&format!(
                "{:<12}\t{:<10}\t{:<8}\t{}\n",
                i.name,
                scope,
                i.verdict.label(),
                i.summary
            ));
            for q in &i.questions {
                out.push_str(&format!("\t\t\t待核查：{q}\n"));
            }
            // A deduction is counted link by link: each one is listed.
            if i.verdict == Verdict::Deduct {
                for e in &i.evidence {
                    out.push_str(&format!("\t\t\t{}：{}\n", e.url, e.excerpt));
                }
            }
        }
        out.push_str(if self.vetoed {
            "结论：有单项否决指标被触发\n"
        } else {
            "结论：未触发单项否决指标\n"
        });
        out
    }
}
