//! Results charts as ECharts options built with charming: means with their 95% intervals, the
//! distribution of answers as stacked bars, and leaders beside teachers. Every chart has a table
//! beside it on the page with the same numbers.
use super::stats::{Distribution, Estimate};
use charming::Chart;
use charming::component::{Axis, Grid, Legend};
use charming::datatype::DataPointItem;
use charming::element::{AxisLabel, AxisType, ItemStyle, Symbol};
use charming::series::{Bar, Scatter};

pub const HIGHLIGHT: &str = "#b3261e";
pub const MEAN: &str = "#1f5f8b";
pub const INTERVAL: &str = "#9cc3de";
/// From "strongly disagree" (red) to "strongly agree" (blue), readable in grey print.
const SCALE_COLOURS: &[&str] = &[
    "#b3261e", "#e4897b", "#d9d9d9", "#8bb5d6", "#1f5f8b", "#0b3550", "#444444",
];

/// The colour of scale point `v` (0 = the first label).
pub fn scale_colour(v: usize) -> &'static str {
    SCALE_COLOURS[v.min(SCALE_COLOURS.len() - 1)]
}

fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn grid() -> Grid {
    Grid::new()
        .left(8)
        .right("6%")
        .top(30)
        .bottom(24)
        .contain_label(true)
}

fn names_axis(names: Vec<String>) -> Axis {
    Axis::new()
        .type_(AxisType::Category)
        .inverse(true)
        .axis_label(AxisLabel::new().font_size(12))
        .data(names)
}

/// Per row the mean (a dot; red for the rows that need most work) on its 95% interval (a bar).
/// Rows without an estimate get no mark.
pub fn interval_chart(rows: &[(String, Option<Estimate>, bool)], max: i64) -> Chart {
    let names = rows.iter().map(|r| r.0.clone()).collect();
    let low: Vec<DataPointItem> = rows
        .iter()
        .map(|(_, e, _)| DataPointItem::new(e.map(|e| round(e.low.max(0.0))).unwrap_or(0.0)))
        .collect();
    let width: Vec<DataPointItem> = rows
        .iter()
        .map(|(_, e, _)| {
            DataPointItem::new(e.map(|e| round(e.high - e.low.max(0.0))).unwrap_or(0.0))
        })
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
        .grid(grid())
        .legend(Legend::new().data(vec!["95% interval", "Mean"]).top(0))
        .x_axis(
            Axis::new()
                .type_(AxisType::Value)
                .min(1)
                .max(max.max(2))
                .interval(1.0),
        )
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
                .name("95% interval")
                .stack("interval")
                .item_style(ItemStyle::new().color(INTERVAL))
                .data(width),
        )
        .series(
            Scatter::new()
                .name("Mean")
                .symbol(Symbol::Diamond)
                .symbol_size(14)
                .item_style(ItemStyle::new().color(MEAN))
                .data(mean_points),
        )
}

/// Per row the share of each answer (stacked to 100%), one colour per scale point.
pub fn distribution_chart(rows: &[(String, &Distribution)], labels: &[String]) -> Chart {
    let names = rows.iter().map(|r| r.0.clone()).collect();
    let mut chart = Chart::new()
        .grid(grid())
        .legend(Legend::new().data(labels.to_vec()).top(0))
        .x_axis(Axis::new().type_(AxisType::Value).min(0).max(100))
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
pub fn gap_chart(rows: &[GapInput], max: i64) -> Chart {
    let names = rows.iter().map(|r| r.0.clone()).collect();
    let side = |pick: fn(&GapInput) -> Option<f64>| -> Vec<DataPointItem> {
        rows.iter()
            .map(|r| DataPointItem::new(pick(r).map(round).unwrap_or(0.0)))
            .collect()
    };
    Chart::new()
        .grid(grid())
        .legend(Legend::new().data(vec!["Leaders", "Teachers"]).top(0))
        .x_axis(
            Axis::new()
                .type_(AxisType::Value)
                .min(0)
                .max(max.max(2))
                .interval(1.0),
        )
        .y_axis(names_axis(names))
        .series(
            Bar::new()
                .name("Leaders")
                .item_style(ItemStyle::new().color(MEAN))
                .data(side(|r| r.1)),
        )
        .series(
            Bar::new()
                .name("Teachers")
                .item_style(ItemStyle::new().color(INTERVAL))
                .data(side(|r| r.2)),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_bars_float_from_low_to_high_and_mark_the_mean() {
        let e = Estimate {
            mean: 2.5,
            low: 2.0,
            high: 3.0,
            n: 6,
        };
        let chart = interval_chart(
            &[
                ("Vision".into(), Some(e), true),
                ("People".into(), None, false),
            ],
            5,
        );
        let json = serde_json::to_value(&chart).unwrap();
        let series = json["series"].as_array().unwrap();
        assert_eq!(series[0]["data"][0]["value"], 2.0);
        assert_eq!(series[1]["data"][0]["value"], 1.0);
        assert_eq!(series[2]["data"][0]["value"], serde_json::json!([2.5, 0.0]));
        assert_eq!(series[2]["data"][0]["itemStyle"]["color"], HIGHLIGHT);
        assert_eq!(
            series[2]["data"].as_array().unwrap().len(),
            1,
            "no mark without an estimate"
        );
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
    }
}
