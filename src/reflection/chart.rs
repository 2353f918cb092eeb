//! Profile charts as ECharts options built with charming. The same `Chart` is serialised on the
//! server (tests) and rendered in the browser by `charming`'s wasm renderer.
use super::scoring::Profile;
use charming::Chart;
use charming::component::{Axis, Grid};
use charming::datatype::DataPointItem;
use charming::element::{AxisLabel, AxisType, ItemStyle, Label, LabelPosition};
use charming::series::Bar;

pub const WEAKEST_COLOUR: &str = "#b3261e";
pub const BAR_COLOUR: &str = "#1f5f8b";

fn bars(names: Vec<String>, means: Vec<(Option<f64>, bool)>, max: i64) -> Chart {
    let data: Vec<DataPointItem> = means
        .into_iter()
        .map(|(m, weakest)| {
            let v = m.map(|m| (m * 100.0).round() / 100.0).unwrap_or(0.0);
            DataPointItem::new(v).item_style(ItemStyle::new().color(if weakest {
                WEAKEST_COLOUR
            } else {
                BAR_COLOUR
            }))
        })
        .collect();
    Chart::new()
        .grid(
            Grid::new()
                .left(8)
                .right("8%")
                .top(10)
                .bottom(30)
                .contain_label(true),
        )
        .x_axis(
            Axis::new()
                .type_(AxisType::Value)
                // from 0, so that a mean of 1 (the lowest answer) still shows as a bar
                .min(0)
                .max(max.max(2))
                .interval(1.0),
        )
        .y_axis(
            Axis::new()
                .type_(AxisType::Category)
                .inverse(true)
                .axis_label(AxisLabel::new().font_size(12))
                .data(names),
        )
        .series(
            Bar::new()
                .bar_width("55%")
                .label(Label::new().show(true).position(LabelPosition::Right))
                .data(data),
        )
}

/// One bar per category (mean on the item scale); the category that needs most work in red.
pub fn overview_chart(p: &Profile) -> Chart {
    bars(
        p.categories
            .iter()
            .map(|c| crate::ui::wrap_label(&c.title, 22))
            .collect(),
        p.categories
            .iter()
            .map(|c| (c.mean, p.weakest.contains(&c.id)))
            .collect(),
        p.scale_max,
    )
}

/// One bar per subcategory of one category.
pub fn category_chart(p: &Profile, category: usize) -> Option<Chart> {
    let c = p.categories.get(category)?;
    let weakest = p.weakest.contains(&c.id);
    Some(bars(
        c.subcategories
            .iter()
            .map(|s| crate::ui::wrap_label(&s.title, 22))
            .collect(),
        c.subcategories.iter().map(|s| (s.mean, weakest)).collect(),
        p.scale_max,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reflection::scoring::{CategoryScore, SubcategoryScore, Tally};

    fn cat(id: &str, sum: i64, n: i64) -> CategoryScore {
        let t = Tally { sum, n };
        CategoryScore {
            id: id.into(),
            title: id.to_uppercase(),
            tally: t,
            mean: t.mean(),
            not_applicable: 0,
            unanswered: 0,
            subcategories: vec![SubcategoryScore {
                id: format!("{id}s"),
                title: "S".into(),
                tally: t,
                mean: t.mean(),
            }],
            scale: None,
            ranked: true,
        }
    }

    #[test]
    fn overview_marks_the_weakest_category() {
        let p = Profile {
            categories: vec![cat("a", 8, 2), cat("b", 5, 2)],
            weakest: vec!["b".into()],
            scale_max: 5,
            ranking_scale: None,
        };
        let json = serde_json::to_value(overview_chart(&p)).unwrap();
        let data = &json["series"][0]["data"];
        assert_eq!(data[0]["value"], 4.0);
        assert_eq!(data[1]["value"], 2.5);
        assert_eq!(data[1]["itemStyle"]["color"], WEAKEST_COLOUR);
        assert_eq!(data[0]["itemStyle"]["color"], BAR_COLOUR);
        // one axis serialises as an object, several as an array
        let axis = |k: &str| {
            if json[k].is_array() {
                json[k][0].clone()
            } else {
                json[k].clone()
            }
        };
        assert_eq!(axis("yAxis")["data"][1], "B");
        assert_eq!(axis("xAxis")["max"], 5);
        assert_eq!(axis("xAxis")["min"], 0, "a mean of 1 is a bar, not nothing");
    }
}
