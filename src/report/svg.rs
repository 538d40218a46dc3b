//! The geometry of a horizontal bar chart: one bar per row. The SVG markup is the `bar_chart`
//! macro of `templates/report/macros.html`, which escapes the labels.

use serde::Serialize;

const WIDTH: u32 = 640;
/// Where the bars start; labels end just before.
const LABEL: u32 = 150;
const BAR: f64 = 400.0;
const ROW: u32 = 20;

/// A chart as the template draws it.
#[derive(Debug, Clone, Serialize)]
pub struct BarChart {
    /// The chart's accessible name.
    pub title: String,
    pub width: u32,
    pub height: u32,
    pub label_x: u32,
    pub bar_x: u32,
    pub bar_height: u32,
    pub bars: Vec<Bar>,
}

/// One bar and its label.
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    pub label: String,
    /// The value shown after the bar (points).
    pub value: f64,
    pub y: u32,
    pub text_y: u32,
    /// Length of the bar, one decimal.
    pub width: String,
    /// Where the value is written, one decimal.
    pub value_x: String,
    pub fill: &'static str,
}

/// Bars of `rows` (label, value) on a scale from 0 to `max`; `title` is the chart's accessible
/// name. Values above `max` are drawn full length; bars at 90% or more are blue, others orange.
pub fn bar_chart(title: &str, rows: &[(String, f64)], max: f64) -> BarChart {
    let bars = rows
        .iter()
        .zip(0u32..)
        .map(|((label, value), i)| {
            let y = 5 + ROW * i;
            let ratio = if max > 0.0 {
                (value / max).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let w = (BAR * ratio).max(1.0);
            Bar {
                label: label.clone(),
                value: *value,
                y,
                text_y: y + 13,
                width: format!("{w:.1}"),
                value_x: format!("{:.1}", f64::from(LABEL) + w + 4.0),
                fill: if ratio >= 0.9 { "#4a7ebb" } else { "#d9822b" },
            }
        })
        .collect::<Vec<_>>();
    BarChart {
        title: title.to_string(),
        width: WIDTH,
        height: ROW * bars.len() as u32 + 10,
        label_x: LABEL - 6,
        bar_x: LABEL,
        bar_height: ROW - 6,
        bars,
    }
}
