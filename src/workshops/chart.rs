//! The presenter view's chart (charming → ECharts): per category the share of each answer,
//! stacked to 100%, drawn large for a projector. Each category's name sits above its bar, wrapped
//! to the chart's width, so the bars keep the chart's width on a phone as on a projector; the
//! room's mean is written at the end of the bar. The page holds the same numbers as text (for
//! screen readers, and for browsers without JavaScript); the poll is an HTML list with bars, so it
//! needs no chart.
use super::model::{RoomCategory, RoomView};
use crate::results::chart::scale_colour;
use charming::Chart;
use charming::component::{Axis, Grid, Legend};
use charming::datatype::DataPointItem;
use charming::element::font_settings::FontWeight;
use charming::element::{
    AxisLabel, AxisLine, AxisTick, AxisType, ItemStyle, Label, LabelPosition, TextStyle,
};
use charming::series::Bar;

/// The smallest type a chart uses, in pixels.
pub const MIN_FONT: f64 = 12.0;

/// Margins of the plot in type sizes: on the left half of "0%" (axis type), on the right a mean
/// like "2.7 of 5" (label type).
const LEFT: f64 = 1.5;
const MEANS: f64 = 5.0;

/// How large a chart's type is and how long its label lines may be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// Type size of the labels in pixels: 20 on a 1280-pixel projector (the page's own type size
    /// there), at most 28 on a big screen, 14 on a phone.
    pub font: f64,
    /// The chart's width in pixels.
    pub width: f64,
}

impl Fit {
    /// For a chart `width` pixels wide on a screen `screen` pixels wide.
    pub fn new(screen: f64, width: f64) -> Self {
        Self {
            font: (screen / 64.0).clamp(14.0, 28.0).round(),
            width: width.max(200.0),
        }
    }

    /// Legend and axis type, never under [`MIN_FONT`].
    fn small(self) -> f64 {
        (self.font * 0.8).round().max(MIN_FONT)
    }

    fn line(self) -> f64 {
        (self.font * 1.25).ceil()
    }

    fn bar(self) -> f64 {
        (self.font * 1.3).round()
    }

    /// Characters on a label line, which starts at the plot and may reach the chart's edge: an
    /// average character is at most half the type size wide.
    pub fn chars(self) -> usize {
        ((self.width - LEFT * self.small() - 8.0) / (self.font * 0.5)).max(12.0) as usize
    }

    /// Lines the legend of `labels` takes (each item: a 25-pixel key, its text, a 10-pixel gap).
    fn legend_lines(self, labels: &[String]) -> usize {
        let wide: f64 = labels
            .iter()
            .map(|l| 40.0 + l.chars().count() as f64 * self.small() * 0.55)
            .sum();
        (wide / (self.width - 16.0)).ceil().max(1.0) as usize
    }
}

/// The words of the room's chart and of its means, in the workshop's language: made on the server
/// with the presenter page and handed to its island, which has no translations of its own.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ChartWords {
    /// The mean's series: "Mean".
    pub mean: String,
    /// "{mean} of {points}"
    pub mean_of: String,
    /// How the language writes the decimal point: "." or ",".
    pub decimal_point: String,
    /// "{n}%"
    pub percent: String,
    /// The text alternative of an empty chart.
    pub none: String,
    /// The text alternative's first sentence.
    pub lead: String,
}

impl Default for ChartWords {
    /// English, as the tests read it.
    fn default() -> Self {
        Self {
            mean: "Mean".into(),
            mean_of: "{mean} of {points}".into(),
            decimal_point: ".".into(),
            percent: "{n}%".into(),
            none: "Share of each answer per category: none to show yet.".into(),
            lead: "Share of each answer per category.".into(),
        }
    }
}

impl ChartWords {
    /// The words in language `l` (on the server, with the presenter page).
    pub fn new(l: crate::lang::Locale) -> Self {
        use crate::i18n::td_string;
        let half = crate::lang::decimal(l, 0.5, 1);
        Self {
            mean: td_string!(l, workshops.chart_mean).into(),
            mean_of: td_string!(l, workshops.mean_of, mean = "{mean}", points = "{points}")
                .to_string(),
            decimal_point: half.chars().nth(1).map_or(".".into(), String::from),
            percent: td_string!(l, common.percent, n = "{n}").to_string(),
            none: td_string!(l, workshops.chart_none).into(),
            lead: td_string!(l, workshops.chart_lead).into(),
        }
    }
}

/// A number with one decimal as the workshop's language writes it ("2.7", "2,7").
pub fn one_decimal(w: &ChartWords, v: f64) -> String {
    format!("{v:.1}").replace('.', &w.decimal_point)
}

/// A room's mean as the presenter view writes it: "2.7 of 5", "2,7 van 5".
pub fn mean_label(w: &ChartWords, mean: f64, points: usize) -> String {
    let m = one_decimal(w, mean);
    w.mean_of
        .replace("{mean}", &m)
        .replace("{points}", &points.to_string())
}

/// The shown categories with their means.
fn shown(room: &RoomView) -> Vec<(&RoomCategory, f64)> {
    room.categories
        .iter()
        .filter(|c| !c.distribution.is_empty())
        .filter_map(|c| c.mean.map(|m| (c, m)))
        .collect()
}

/// Percentages of the category's answers per scale point: whole numbers that add up to exactly
/// 100 (the largest remainders get the missing points), so that the stack ends where the axis does
/// and the mean's label after it is not cut off.
fn shares(c: &RoomCategory, points: usize) -> Vec<i64> {
    let counts: Vec<i64> = (0..points)
        .map(|v| c.distribution.get(v).copied().unwrap_or(0).max(0))
        .collect();
    let n: i64 = counts.iter().sum();
    if n == 0 {
        return vec![0; points];
    }
    let mut shares: Vec<i64> = counts.iter().map(|k| 100 * k / n).collect();
    let missing = 100 - shares.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..points).collect();
    order.sort_by_key(|&v| std::cmp::Reverse(100 * counts[v] % n));
    for &v in order.iter().take(usize::try_from(missing).unwrap_or(0)) {
        shares[v] += 1;
    }
    shares
}

/// Per shown category the share of each answer (stacked to 100%), with the category's name above
/// its bar and the room's mean at its end, and the chart's height in pixels.
///
/// The names sit in empty bars above the answers' bar, one bar per line of text with the line as
/// its label (ECharts draws the lines of one label on top of each other); the mean is the label of
/// an empty bar at the end of the stack.
pub fn distribution_chart(room: &RoomView, fit: Fit, words: &ChartWords) -> (Chart, u32) {
    let rows = shown(room);
    let points = room.scale.len();
    let names: Vec<String> = rows.iter().map(|(c, _)| c.title.clone()).collect();
    let wrapped: Vec<Vec<String>> = names
        .iter()
        .map(|n| {
            crate::ui::wrap_label(n, fit.chars())
                .lines()
                .map(str::to_string)
                .collect()
        })
        .collect();
    // every band has room for the longest name
    let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let legend = fit.legend_lines(&room.scale) as f64 * (fit.small() * 1.3 + 6.0);
    let top = legend + fit.small() * 0.5;
    let band = lines as f64 * fit.line() + fit.bar() + fit.font * 0.5;
    let axis = fit.small() * 1.3 + 14.0;
    let height = (top + band * rows.len().max(1) as f64 + axis).ceil() as u32;

    let mut chart = Chart::new()
        .grid(
            Grid::new()
                // room for half of "0%" under the start of the axis, and for the means
                .left(LEFT * fit.small())
                .right(MEANS * fit.font)
                .top(top)
                .bottom(4)
                .contain_label(true),
        )
        .legend(
            Legend::new()
                .data(room.scale.clone())
                .top(0)
                .left(0)
                .text_style(TextStyle::new().font_size(fit.small()).color("#000")),
        )
        .x_axis(
            Axis::new()
                .type_(AxisType::Value)
                // from 0 like every chart of the product; shares end at 100%
                .min(0)
                .max(100)
                .interval(25.0)
                .axis_label(
                    AxisLabel::new()
                        .font_size(fit.small())
                        .color("#000")
                        .formatter("{value}%"),
                ),
        )
        .y_axis(
            Axis::new()
                .type_(AxisType::Category)
                .inverse(true)
                .axis_label(AxisLabel::new().show(false))
                .axis_tick(AxisTick::new().show(false))
                .axis_line(AxisLine::new().show(false))
                .data(names),
        );
    // line `k` of every name, the last line of each just above its bar
    for k in 0..lines {
        let data: Vec<DataPointItem> = wrapped
            .iter()
            .map(|name| {
                let line = (k + name.len())
                    .checked_sub(lines)
                    .and_then(|i| name.get(i))
                    .cloned()
                    .unwrap_or_default();
                DataPointItem::new(0).name(line)
            })
            .collect();
        chart = chart.series(
            Bar::new().bar_width(fit.line()).data(data).label(
                Label::new()
                    .show(true)
                    .position(LabelPosition::InsideLeft)
                    .distance(0)
                    .formatter("{b}")
                    .font_size(fit.font)
                    .color("#000"),
            ),
        );
    }
    let shares: Vec<Vec<i64>> = rows.iter().map(|(c, _)| shares(c, points)).collect();
    for (v, name) in room.scale.iter().enumerate() {
        let data: Vec<DataPointItem> = shares.iter().map(|s| DataPointItem::new(s[v])).collect();
        chart = chart.series(
            Bar::new()
                .name(name.clone())
                .stack("share")
                .bar_width(fit.bar())
                .bar_gap("0%")
                .item_style(ItemStyle::new().color(scale_colour(v)))
                .data(data),
        );
    }
    let means: Vec<DataPointItem> = rows
        .iter()
        .map(|(_, m)| DataPointItem::new(0).name(mean_label(words, *m, points)))
        .collect();
    chart = chart.series(
        Bar::new()
            .name(words.mean.clone())
            .stack("share")
            .bar_width(fit.bar())
            .bar_gap("0%")
            .data(means)
            .label(
                Label::new()
                    .show(true)
                    .position(LabelPosition::Right)
                    .formatter("{b}")
                    .font_size(fit.font)
                    .font_weight(FontWeight::Bold)
                    .color("#000"),
            ),
    );
    (chart, height)
}

/// The chart's numbers in words, for its text alternative.
pub fn distribution_text(room: &RoomView, words: &ChartWords) -> String {
    let rows = shown(room);
    if rows.is_empty() {
        return words.none.clone();
    }
    let rows: Vec<String> = rows
        .iter()
        .map(|(c, _)| {
            let shares: Vec<String> = room
                .scale
                .iter()
                .zip(shares(c, room.scale.len()))
                .map(|(name, share)| {
                    format!(
                        "{name} {}",
                        words.percent.replace("{n}", &share.to_string())
                    )
                })
                .collect();
            format!("{}: {}", c.title, shares.join(", "))
        })
        .collect();
    format!("{} {}.", words.lead, rows.join(". "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workshops::model::RoomStage;

    fn room() -> RoomView {
        RoomView {
            workshop_id: "w".into(),
            title: "T".into(),
            code: "12345678".into(),
            join_url: String::new(),
            open: true,
            joined: 4,
            finished: 0,
            answered: 4,
            answers: 4,
            k: 3,
            revealed: true,
            stage: RoomStage::Shown,
            scale: vec!["No".into(), "Yes".into()],
            categories: vec![
                RoomCategory {
                    interval: None,
                    id: "a".into(),
                    title: "Vision".into(),
                    respondents: 4,
                    more_needed: 0,
                    mean: Some(1.0),
                    distribution: vec![4, 0],
                },
                RoomCategory {
                    interval: None,
                    id: "b".into(),
                    title: "Organisational structures and social-cultural interactions".into(),
                    respondents: 4,
                    more_needed: 0,
                    mean: Some(1.25),
                    distribution: vec![3, 1],
                },
                RoomCategory {
                    interval: None,
                    id: "c".into(),
                    title: "Communication".into(),
                    respondents: 2,
                    more_needed: 1,
                    mean: None,
                    distribution: vec![],
                },
            ],
            ask_poll: true,
            poll_answers: 4,
            poll: vec![("Vision".into(), 3), ("Communication".into(), 1)],
            word_prompt: None,
            word_answers: 0,
            words: vec![],
            hidden_words: vec![],
        }
    }

    /// One axis (or legend) serialises as an object, several as an array.
    fn axis(json: &serde_json::Value, key: &str) -> serde_json::Value {
        if json[key].is_array() {
            json[key][0].clone()
        } else {
            json[key].clone()
        }
    }

    /// The series that hold the names' lines (the others have names).
    fn line_series(json: &serde_json::Value) -> Vec<serde_json::Value> {
        let series = json["series"].as_array().unwrap();
        series
            .iter()
            .filter(|s| s["name"].is_null())
            .cloned()
            .collect()
    }

    /// The lines of row `row`'s name.
    fn name_lines(json: &serde_json::Value, row: usize) -> Vec<String> {
        line_series(json)
            .iter()
            .filter_map(|s| s["data"][row]["name"].as_str().map(str::to_string))
            .filter(|l| !l.is_empty())
            .collect()
    }

    #[test]
    fn shares_and_means_reach_the_chart_from_zero() {
        let (chart, height) =
            distribution_chart(&room(), Fit::new(1280.0, 700.0), &ChartWords::default());
        let json = serde_json::to_value(&chart).unwrap();
        let x = axis(&json, "xAxis");
        assert_eq!(
            x["min"], 0,
            "a share starts at 0: a small one is still a bar"
        );
        assert_eq!(x["max"], 100);
        // the shown categories only, each name on one line on a projector
        let names = &axis(&json, "yAxis")["data"];
        assert_eq!(names.as_array().unwrap().len(), 2);
        assert_eq!(names[0], "Vision");
        assert_eq!(name_lines(&json, 0), ["Vision"]);
        assert_eq!(name_lines(&json, 1), [names[1].as_str().unwrap()]);
        // one line series, one series per scale point, the means
        let series = json["series"].as_array().unwrap();
        assert_eq!(series.len(), 1 + 2 + 1);
        assert_eq!(series[0]["label"]["formatter"], "{b}");
        assert_eq!(series[1]["name"], "No");
        assert_eq!(series[1]["data"][0]["value"], 100);
        assert_eq!(series[1]["data"][1]["value"], 75);
        assert_eq!(series[2]["data"][1]["value"], 25);
        assert_eq!(series[3]["name"], "Mean");
        assert_eq!(series[3]["data"][0]["name"], "1.0 of 2");
        assert_eq!(
            series[3]["data"][0]["value"], 0,
            "the mean adds nothing to the stack"
        );
        assert!(height > 150 && height < 400, "{height}");
    }

    #[test]
    fn labels_wrap_on_a_phone_and_type_stays_readable() {
        let phone = Fit::new(390.0, 350.0);
        assert!(phone.small() >= MIN_FONT && phone.font >= 14.0);
        assert_eq!(Fit::new(1280.0, 700.0).font, 20.0);
        let (chart, phone_height) = distribution_chart(&room(), phone, &ChartWords::default());
        let json = serde_json::to_value(&chart).unwrap();
        let long = name_lines(&json, 1);
        assert!(long.len() >= 2, "{long:?}");
        assert!(
            long.iter().all(|l| l.chars().count() <= phone.chars()),
            "{long:?}"
        );
        assert_eq!(long.join(" "), axis(&json, "yAxis")["data"][1]);
        // a shorter name sits on the line just above its bar
        let short: Vec<_> = line_series(&json)
            .iter()
            .map(|s| s["data"][0]["name"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(short.last().unwrap(), "Vision");
        for font in [
            axis(&json, "legend")["textStyle"]["fontSize"].as_f64(),
            axis(&json, "xAxis")["axisLabel"]["fontSize"].as_f64(),
            json["series"][0]["label"]["fontSize"].as_f64(),
        ] {
            assert!(font.unwrap() >= MIN_FONT, "{json}");
        }
        // wrapped names need higher bands than the same type on a wide chart
        let wide = Fit {
            width: 1200.0,
            ..phone
        };
        let (_, wide_height) = distribution_chart(&room(), wide, &ChartWords::default());
        assert!(phone_height > wide_height, "{phone_height} {wide_height}");
    }

    #[test]
    fn shares_add_up_to_exactly_100() {
        let category = |distribution: Vec<i64>| RoomCategory {
            interval: None,
            distribution,
            ..room().categories[0].clone()
        };
        assert_eq!(shares(&category(vec![1, 1, 1]), 3), [34, 33, 33]);
        assert_eq!(
            shares(&category(vec![0, 1, 2, 3, 1]), 5),
            [0, 14, 29, 43, 14]
        );
        assert_eq!(shares(&category(vec![0, 0]), 2), [0, 0]);
        assert_eq!(shares(&category(vec![2]), 3), [100, 0, 0]);
    }

    #[test]
    fn means_and_shares_speak_the_workshop_s_language() {
        use crate::lang::Locale;
        assert_eq!(ChartWords::new(Locale::en), ChartWords::default());
        let dutch = ChartWords::new(Locale::nl);
        assert_eq!(mean_label(&dutch, 2.74, 5), "2,7 van 5");
        assert_eq!(
            mean_label(&ChartWords::new(Locale::sv), 2.74, 5),
            "2,7 av 5"
        );
        let text = distribution_text(&room(), &ChartWords::new(Locale::cs));
        assert!(text.starts_with("Podíl jednotlivých odpovědí"), "{text}");
        assert!(text.contains("No 100\u{a0}%"), "{text}");
    }

    #[test]
    fn the_text_alternative_has_every_share() {
        let text = distribution_text(&room(), &ChartWords::default());
        assert!(text.contains("Vision: No 100%, Yes 0%"), "{text}");
        assert!(text.contains("No 75%, Yes 25%"), "{text}");
        assert!(!text.contains("Communication"), "{text}");
        let mut empty = room();
        empty.categories.clear();
        assert!(!distribution_text(&empty, &ChartWords::default()).is_empty());
    }
}
