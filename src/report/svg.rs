//! A horizontal bar chart as inline SVG: one bar per row, labels escaped.

use super::escape::text;

const WIDTH: f64 = 640.0;
const LABEL: f64 = 150.0;
const BAR: f64 = 400.0;
const ROW: f64 = 20.0;

/// Bars of `rows` (label, value) on a scale from 0 to `max`; `title` is the chart's accessible
/// name. Values above `max` are drawn full length.
pub fn bar_chart(title: &str, rows: &[(String, f64)], max: f64) -> String {
    let height = ROW * rows.len() as f64 + 10.0;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"{WIDTH}\" \
         height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" aria-label=\"{}\">\n<title>{}</title>\n",
        text(title),
        text(title)
    );
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = 5.0 + ROW * i as f64;
        let ratio = if max > 0.0 {
            (value / max).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let w = (BAR * ratio).max(1.0);
        out.push_str(&format!(
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" font-size=\"12\">{label}</text>\
             <rect x=\"{LABEL}\" y=\"{y}\" width=\"{w:.1}\" height=\"{h}\" fill=\"{fill}\"/>\
             <text x=\"{vx:.1}\" y=\"{ty}\" font-size=\"12\">{value}</text>\n",
            lx = LABEL - 6.0,
            ty = y + 13.0,
            label = text(label),
            h = ROW - 6.0,
            fill = if ratio >= 0.9 { "#4a7ebb" } else { "#d9822b" },
            vx = LABEL + w + 4.0,
            value = fmt_points(*value),
        ));
    }
    out.push_str("</svg>");
    out
}

/// Points as the notice writes them: 95, 94.5, 94.25.
pub fn fmt_points(p: f64) -> String {
    let s = format!("{:.2}", p + 0.0);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped() {
        let svg = bar_chart("<t>", &[("<script>".into(), 50.0)], 100.0);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert_eq!(fmt_points(94.5), "94.5");
        assert_eq!(fmt_points(95.0), "95");
    }
}
