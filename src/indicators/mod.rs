//! The national website-inspection indicators (国办秘函〔2019〕19号) beside the county rubric:
//! the thresholds as data ([`settings`]), the injectable clock the probes run on ([`clock`]),
//! the verdicts ([`judge`], pure) and one day's verdicts from the store ([`day`]). The home-page
//! probes themselves fetch, and live in [`crate::home_probe`].

pub mod clock;
pub mod day;
pub mod judge;
pub mod links;
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

/// The stable codes of the indicators.
pub const CODES: &[&str] = &[
    "site_unreachable",
    "home_not_updated",
    "columns_not_updated",
    "interaction_poor",
    "broken_links",
];

/// The static code of `code`, when it is one.
pub fn code_of(code: &str) -> Option<&'static str> {
    CODES.iter().copied().find(|c| *c == code)
}

/// An auditor's decision on a day's verdict: the machine's verdict is a draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// `pass` or `veto`.
    pub verdict: Verdict,
    pub note: String,
    pub by: String,
    /// RFC 3339.
    pub at: String,
    /// The machine's verdict the auditor decided on (a later judgement of the day may differ:
    /// the decision is then to be reviewed).
    pub machine_verdict: Verdict,
}

/// One indicator's verdict on one day, with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorResult {
    /// Stable code: `site_unreachable`, `home_not_updated`, `columns_not_updated`,
    /// `interaction_poor`, `broken_links`.
    /// (Read back from the store by [`IndicatorResult::from_json`].)
    #[serde(skip_deserializing)]
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
    /// The auditor's decision, when one was taken (`null` until then).
    #[serde(default)]
    pub decision: Option<Decision>,
}

impl IndicatorResult {
    /// A result stored as JSON (its code one of [`CODES`]).
    pub fn from_json(json: &str) -> Result<IndicatorResult, String> {
        #[derive(Deserialize)]
        struct Code {
            code: String,
        }
        let code: Code = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let mut r: IndicatorResult = serde_json::from_str(json).map_err(|e| e.to_string())?;
        r.code =
            code_of(&code.code).ok_or_else(|| format!("unknown indicator code {}", code.code))?;
        Ok(r)
    }

    /// The verdict that counts: the auditor's when decided, else the machine's draft.
    pub fn decided(&self) -> Verdict {
        self.decision.as_ref().map_or(self.verdict, |d| d.verdict)
    }

    /// The machine's verdict changed since the auditor decided.
    pub fn decision_stale(&self) -> bool {
        self.decision
            .as_ref()
            .is_some_and(|d| d.machine_verdict != self.verdict)
    }
}

/// Every indicator of a portal on one check day.
#[derive(Debug, Clone, Serialize)]
pub struct DayReport {
    pub portal: String,
    pub date: chrono::NaiveDate,
    /// The crawl the column and board indicators read (`None`: no finished run up to the day).
    pub run_id: Option<i64>,
    /// Some machine verdict is a veto.
    pub vetoed: bool,
    /// Some verdict that counts (the auditor's, else the machine's) is a veto.
    pub decided_vetoed: bool,
    /// Verdicts still to be decided by an auditor: questions and vetoes without a decision,
    /// and decisions taken on a machine verdict that has since changed.
    pub open: usize,
    /// When the day was judged (RFC 3339).
    pub computed_at: Option<String>,
    pub indicators: Vec<IndicatorResult>,
}

impl DayReport {
    /// Sets `decisions` on the indicators and recounts what they decide.
    pub fn with_decisions(mut self, decisions: Vec<(&'static str, String, Decision)>) -> Self {
        for (code, scope, d) in decisions {
            if let Some(i) = self
                .indicators
                .iter_mut()
                .find(|i| i.code == code && i.scope == scope)
            {
                i.decision = Some(d);
            }
        }
        self.recount();
        self
    }

    fn recount(&mut self) {
        self.vetoed = self.indicators.iter().any(|i| i.verdict == Verdict::Veto);
        self.decided_vetoed = self.indicators.iter().any(|i| i.decided() == Verdict::Veto);
        self.open = self
            .indicators
            .iter()
            .filter(|i| (i.decision.is_none() && i.verdict != Verdict::Pass) || i.decision_stale())
            .count();
    }
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
            if let Some(d) = &i.decision {
                out.push_str(&format!(
                    "\t\t\t审核：{}（{}，{}）{}\n",
                    d.verdict.label(),
                    d.by,
                    d.note,
                    if i.decision_stale() {
                        "；审核后机器结论已变化，请复核"
                    } else {
                        ""
                    }
                ));
            }
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
        out.push_str(if self.decided_vetoed {
            "结论：有单项否决指标被触发"
        } else {
            "结论：未触发单项否决指标"
        });
        if self.open > 0 {
            out.push_str(&format!("（{} 项待审核，结论未定）", self.open));
        }
        out.push('\n');
        out
    }
}
