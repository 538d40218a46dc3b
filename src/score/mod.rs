//! Scoring and grading: turns confirmed deductions, bonus and penalty entries into a final score
//! per unit ([`score_unit`]), and final scores into ranks and grades by section 五 of the notice
//! ([`grade`]). Every rule comes from the [`crate::rubric::Rubric`] data, not from code.
//!
//! Also reads the score and history tables of the `gongkai grade` command ([`table`]) and writes
//! the results as text or XLSX ([`render`], [`xlsx`]).

mod grade;
mod history;
mod quota;
pub mod render;
pub mod table;
mod unit;
pub mod xlsx;

pub use crate::model::Centi;
pub use grade::{grade, quota_table, GradeError, GradeRow, ScoredUnit};
pub use history::{History, HistoryEntry};
pub use quota::{department_quotas, BandQuota};
pub use unit::{
    score_unit, Category, Deduction, Entry, ItemScore, ScoreError, UnitInput, UnitScore,
};

pub use crate::rubric::Grade;
