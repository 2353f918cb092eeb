//! Results charts as ECharts options built with charming: means with their 95% intervals, the
//! distribution of answers as stacked bars, and leaders beside teachers. Every chart has a table
//! beside it on the page with the same numbers.
//!
//! Made for a phone as much as a projector: category names break into short lines, text is at
//! least 12 px, and value axes of means run from 0 to the scale's maximum in steps of 1 (as the
//! respondent's own profile does), so that a mean of 1 still shows. The colours of the answers
//! are an HTML key on the page ([`scale_colour`]), which wraps where a chart's legend would not.
use super::stats::{Distribution, Estimate};
use charming::Chart;
use charming::component::{Axis, Grid, Legend};
use charming::datatype::DataPointItem;
use charming::element::{AxisLabel, AxisType, ItemStyle, Symbol, TextStyle};
use charming::series::{Bar, Scatter};

pub const HIGHLIGHT: &str = "#b3261e";
pub const MEAN: &str = "#1f5f8b";
pub const INTERVAL: &str = "#9cc3de";
/// From "strongly disagree" (red) to "strongly agree" (blue), readable in grey print.
const SCALE_COLOURS: &[&str] = &[
    "#b3261e", "#e4897b", "#d9d9d9", "#8bb5d6", "#1f5f8b", "#0b3550", "#444444",
];
/// The smallest text in a chart, in pixels.
pub const FONT_SIZE: f64 = 12.0;
/// Characters per line of a category name: on a phone (a 280 px chart) the names keep to about
/// 120 px and leave the rest to the bars.
pub const LABEL_CHARS: usize = 18;
/// Height of one line of a category name, in pixels.
const LINE_HEIGHT: u32 = 15;

/// The colour of scale point `v` (0 = the first label).
pub fn scale_colour(v: usize) -> &'static str {
    SCALE_COLOURS[v.min(SCALE_COLOURS.len() - 1)]
}

fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// `name` broken into lines of at most [`LABEL_CHARS`] characters.
pub fn wrap_label(name: &str) -> String {
    crate::ui::wrap_label(name, LABEL_CHARS)
}

/// Height in pixels of a horizontal bar chart with one row per name and `bars` bars in a row
/// (legend and axis included): room for each bar and for the name's lines.
pub fn height(names: &[String], bars: u32) -> u32 {
    let lines = names
        .iter()
        .map(|n| wrap_label(n).lines().count() as u32)
        .max()
        .unwrap_or(1);
    let row = (42 * bars).max(LINE_HEIGHT * lines + 12);
    70 + row * names.len() as u32
}

fn grid(top: i64) -> Grid {
    Grid::new()
        .left(8)
        .right("6%")
        .top(top)
        .bottom(24)
        .contain_label(true)
}

fn legend(names: Vec<&str>) -> Legend {
    Legend::new()
        .data(names)
        .top(0)
        .text_style(TextStyle::new().font_size(FONT_SIZE))
}

fn names_axis(names: Vec<String>) -> Axis {
    Axis::new()
        .type_(AxisType::Category)
        .inverse(true)
        .axis_label(AxisLabel::new().font_size(FONT_SIZE))
        .data(names.iter().map(|n| wrap_label(n)).collect())
}

/// A value axis of means: 0 to the scale's maximum, a line at each answer.
fn means_axis(max: i64) -> Axis {
    Axis::new()
        .type_(AxisType::Value)
        .min(0)
        .max(max.max(2))
        .interval(1.0)
        .axis_label(AxisLabel::new().font_size(FONT_SIZE))
}

/// Per row the mean (a dot; red for the rows that need most work) on its 95% interval (a bar,
/// kept within the scale's 1 to `max`). Rows without an estimate get no mark.
/// `series`: the names of the interval and of the mean, in the page's language.
pub fn interval_chart(
    rows: &[(String, Option<Estimate>, bool)],
    max: i64,
    series: [&str; 2],
) -> Chart {
    let names = rows.iter().map(|r| r.0.clone()).collect();
    let top = max.max(2) as f64;
    // (low, high) of each row's interval on the scale; (0, 0) without an estimate
    let spans: Vec<(f64, f64)> = rows
        .iter()
        .map(|(_, e, _)| {
            e.map(|e| {
                // max/min rather than clamp: an unknown bound (±∞, n < 2) spans the scale
                let low = e.low.max(1.0).min(top);
                (low, e.high.max(low).min(top))
            })
            .unwrap_or((0.0, 0.0))
        })
        .collect();
    // an invisible bar from 0 to the low end, the interval stacked on it
    let low: Vec<DataPointItem> = spans
        .iter()
        .map(|(low, _)| DataPointItem::new(round(*low)))
        .collect();
    let width: Vec<DataPointItem> = spans
        .iter()
        .map(|(low, high)| DataPointItem::new(round(high - low)))
        .collect();
    let mean_points: Vec<DataPointItem> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, (_, e, hi))| {
            e.map(|e| {
                DataPointItem::new(vec![round(e.mean), i as f64])
                    .item_style(ItemStyle::new().color(if *hi { HIGHLIGHT } else { MEAN }))
            })
        })
        .collect();
    Chart::new()
        .grid(grid(30))
        .legend(legend(series.to_vec()))
        .x_axis(means_axis(max))
        .y_axis(names_axis(names))
        .series(
            Bar::new()
                .stack("interval")
                .item_style(ItemStyle::new().color("rgba(0,0,0,0)"))
                .bar_width("40%")
                .data(low),
        )
        .series(
            Bar::new()
                .name(series[0])
                .stack("interval")
                .item_style(ItemStyle::new().color(INTERVAL))
                .data(width),
        )
        .series(
            Scatter::new()
                .name(series[1])
                .symbol(Symbol::Diamond)
                .symbol_size(14)
                .item_style(ItemStyle::new().color(MEAN))
                .data(mean_points),
        )
}

/// Per row the share of each answer (stacked to 100%), one colour per scale point
/// ([`scale_colour`]). No legend: the page shows the colours as an HTML key, which wraps on a
/// phone.
pub fn distribution_chart(rows: &[(String, &Distribution)], labels: &[String]) -> Chart {
    let names = rows.iter().map(|r| r.0.clone()).collect();
    let mut chart = Chart::new()
        .grid(grid(10))
        .x_axis(
            Axis::new()
                .type_(AxisType::Value)
                .min(0)
                .max(100)
                .interval(25.0)
                .axis_label(AxisLabel::new().font_size(FONT_SIZE).formatter("{value}%")),
        )
        .y_axis(names_axis(names));
    for (v, label) in labels.iter().enumerate() {
        let data: Vec<DataPointItem> = rows
            .iter()
            .map(|(_, d)| DataPointItem::new(round(share(d, v))))
            .collect();
        chart = chart.series(
            Bar::new()
                .name(label.clone())
                .stack("share")
                .bar_width("55%")
                .item_style(ItemStyle::new().color(scale_colour(v)))
                .data(data),
        );
    }
    chart
}

/// Percentage of a distribution's answers at scale index `v` (0 = the first label).
pub fn share(d: &Distribution, v: usize) -> f64 {
    let n = d.n();
    if n == 0 {
        0.0
    } else {
        100.0 * d.counts.get(v).copied().unwrap_or(0) as f64 / n as f64
    }
}

/// A category with the leaders' and the teachers' mean.
pub type GapInput = (String, Option<f64>, Option<f64>);

/// Leaders' and teachers' means per category, side by side.
/// `series`: the names of the leaders and of the teachers, in the page's language.
pub fn gap_chart(rows: &[GapInput], max: i64, series: [&str; 2]) -> Chart {
    let names = rows.iter().map(|r| r.0.clone()).collect();
    let side = |pick: fn(&GapInput) -> Option<f64>| -> Vec<DataPointItem> {
        rows.iter()
            .map(|r| DataPointItem::new(pick(r).map(round).unwrap_or(0.0)))
            .collect()
    };
    Chart::new()
        .grid(grid(30))
        .legend(legend(series.to_vec()))
        .x_axis(means_axis(max))
        .y_axis(names_axis(names))
        .series(
            Bar::new()
                .name(series[0])
                .item_style(ItemStyle::new().color(MEAN))
                .data(side(|r| r.1)),
        )
        .series(
            Bar::new()
                .name(series[1])
                .item_style(ItemStyle::new().color(INTERVAL))
                .data(side(|r| r.2)),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    const IM: [&str; 2] = ["95% interval", "Mean"];

    /// One axis serialises as an object, several as an array.
    fn axis(chart: &Value, key: &str) -> Value {
        if chart[key].is_array() {
            chart[key][0].clone()
        } else {
            chart[key].clone()
        }
    }

    fn estimate(mean: f64, low: f64, high: f64) -> Estimate {
        Estimate {
            mean,
            low,
            high,
            n: 6,
        }
    }

    #[test]
    fn interval_bars_float_from_low_to_high_and_mark_the_mean() {
        let chart = interval_chart(
            &[
                ("Vision".into(), Some(estimate(2.5, 2.0, 3.0)), true),
                ("People".into(), None, false),
            ],
            5,
            IM,
        );
        let json = serde_json::to_value(&chart).unwrap();
        let series = json["series"].as_array().unwrap();
        assert_eq!(series[0]["data"][0]["value"], 2.0);
        assert_eq!(series[1]["data"][0]["value"], 1.0);
        assert_eq!(series[2]["data"][0]["value"], json!([2.5, 0.0]));
        assert_eq!(series[2]["data"][0]["itemStyle"]["color"], HIGHLIGHT);
        assert_eq!(
            series[2]["data"].as_array().unwrap().len(),
            1,
            "no mark without an estimate"
        );
        assert_eq!(series[1]["data"][1]["value"], 0.0, "no interval either");
    }

    #[test]
    fn the_means_axis_runs_from_0_so_that_a_mean_of_1_shows() {
        // everyone answered 1: the interval reaches below the scale
        let chart = interval_chart(
            &[("Vision".into(), Some(estimate(1.0, 0.4, 1.6)), true)],
            5,
            IM,
        );
        let json = serde_json::to_value(&chart).unwrap();
        let x = axis(&json, "xAxis");
        assert_eq!(x["min"], 0);
        assert_eq!(x["max"], 5);
        assert_eq!(x["interval"], 1.0);
        let series = json["series"].as_array().unwrap();
        // the interval is kept on the scale: from 1 (an invisible bar from 0) to 1.6
        assert_eq!(series[0]["data"][0]["value"], 1.0);
        assert_eq!(series[1]["data"][0]["value"], 0.6);
        assert_eq!(series[2]["data"][0]["value"], json!([1.0, 0.0]));
        // and never past the top of the scale
        let chart = interval_chart(
            &[("Vision".into(), Some(estimate(4.8, 4.5, 5.3)), false)],
            5,
            IM,
        );
        let json = serde_json::to_value(&chart).unwrap();
        assert_eq!(json["series"][0]["data"][0]["value"], 4.5);
        assert_eq!(json["series"][1]["data"][0]["value"], 0.5);
        // an interval of one respondent is unknown: it spans the whole scale
        let unknown = estimate(3.0, f64::NEG_INFINITY, f64::INFINITY);
        let chart = interval_chart(&[("Vision".into(), Some(unknown), false)], 5, IM);
        let json = serde_json::to_value(&chart).unwrap();
        assert_eq!(json["series"][0]["data"][0]["value"], 1.0);
        assert_eq!(json["series"][1]["data"][0]["value"], 4.0);
    }

    #[test]
    fn gap_bars_start_at_0_on_the_scale() {
        let chart = gap_chart(
            &[("Vision".into(), Some(1.0), Some(3.456))],
            4,
            ["Leaders", "Teachers"],
        );
        let json = serde_json::to_value(&chart).unwrap();
        let x = axis(&json, "xAxis");
        assert_eq!(x["min"], 0);
        assert_eq!(x["max"], 4);
        assert_eq!(x["interval"], 1.0);
        assert_eq!(json["series"][0]["data"][0]["value"], 1.0);
        assert_eq!(json["series"][1]["data"][0]["value"], 3.46);
        assert_eq!(json["legend"]["textStyle"]["fontSize"], FONT_SIZE);
    }

    #[test]
    fn distribution_shares_add_up_to_100() {
        let d = Distribution {
            counts: vec![1, 1, 2, 0, 0],
            not_applicable: 3,
        };
        let labels: Vec<String> = (1..=5).map(|i| i.to_string()).collect();
        let chart = distribution_chart(&[("Vision".into(), &d)], &labels);
        let json = serde_json::to_value(&chart).unwrap();
        let total: f64 = json["series"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["data"][0]["value"].as_f64().unwrap())
            .sum();
        assert!((total - 100.0).abs() < 1e-9);
        assert_eq!(share(&d, 2), 50.0);
        let x = axis(&json, "xAxis");
        assert_eq!(x["min"], 0);
        assert_eq!(x["max"], 100);
        assert_eq!(x["axisLabel"]["formatter"], "{value}%");
        assert_eq!(json["series"][2]["itemStyle"]["color"], scale_colour(2));
        assert!(json["legend"].is_null(), "the page shows the key");
    }

    #[test]
    fn category_names_break_into_short_lines_in_readable_type() {
        let chart = interval_chart(
            &[(
                "Organisational structures and social-cultural interactions".into(),
                None,
                false,
            )],
            5,
            IM,
        );
        let json = serde_json::to_value(&chart).unwrap();
        let y = axis(&json, "yAxis");
        assert_eq!(
            y["data"][0],
            "Organisational\nstructures and\nsocial-cultural\ninteractions"
        );
        assert_eq!(y["axisLabel"]["fontSize"], FONT_SIZE);
        assert_eq!(axis(&json, "xAxis")["axisLabel"]["fontSize"], FONT_SIZE);
        const { assert!(FONT_SIZE >= 12.0) };
    }

    #[test]
    fn wrapping_keeps_words_and_cuts_only_longer_ones() {
        assert_eq!(wrap_label("Vision"), "Vision");
        assert_eq!(
            wrap_label("Managing the teaching and learning programme"),
            "Managing the\nteaching and\nlearning programme"
        );
        assert_eq!(wrap_label("  two   spaces "), "two spaces");
        assert_eq!(
            wrap_label("Donaudampfschifffahrtsgesellschaft"),
            "Donaudampfschifffa\nhrtsgesellschaft"
        );
        assert_eq!(wrap_label(""), "");
        for line in
            wrap_label("Important factors for professional learning networks (PLNs)").lines()
        {
            assert!(line.chars().count() <= LABEL_CHARS, "{line}");
        }
    }

    #[test]
    fn rows_are_tall_enough_for_their_bars_and_their_lines() {
        let short = vec!["A".to_string(), "B".to_string()];
        assert_eq!(height(&short, 1), 70 + 2 * 42);
        assert_eq!(height(&short, 2), 70 + 2 * 84);
        // four lines of 15 px and a margin
        let long = vec!["Organisational structures and social-cultural interactions".to_string()];
        assert_eq!(height(&long, 1), 70 + 72);
        assert_eq!(height(&[], 1), 70);
    }
}
