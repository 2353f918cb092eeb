//! The presenter view's charts (charming → ECharts), drawn large for a projector: the room's
//! answers per category as stacked shares, and the poll's bars. The page shows the same numbers
//! as text beside them.
use super::model::RoomView;
use crate::results::chart::{HIGHLIGHT, MEAN, scale_colour};
use charming::Chart;
use charming::component::{Axis, Grid, Legend};
use charming::datatype::DataPointItem;
use charming::element::{AxisLabel, AxisType, ItemStyle, Label, LabelPosition, TextStyle};
use charming::series::Bar;

const FONT: f64 = 20.0;

fn grid() -> Grid {
    Grid::new()
        .left(8)
        .right("4%")
        .top(48)
        .bottom(16)
        .contain_label(true)
}

fn names_axis(names: Vec<String>) -> Axis {
    Axis::new()
        .type_(AxisType::Category)
        .inverse(true)
        .axis_label(AxisLabel::new().font_size(FONT).color("#000"))
        .data(names)
}

/// Per shown category the share of each answer (stacked to 100%).
pub fn distribution_chart(room: &RoomView) -> Chart {
    let rows: Vec<_> = room
        .categories
        .iter()
        .filter(|c| !c.distribution.is_empty())
        .collect();
    let mut chart = Chart::new()
        .grid(grid())
        .legend(
            Legend::new()
                .data(room.scale.clone())
                .top(0)
                .text_style(TextStyle::new().font_size(FONT).color("#000")),
        )
        .x_axis(
            Axis::new()
                .type_(AxisType::Value)
                .min(0)
                .max(100)
                .axis_label(AxisLabel::new().font_size(FONT - 4.0).formatter("{value}%")),
        )
        .y_axis(names_axis(rows.iter().map(|c| c.title.clone()).collect()));
    for (v, label) in room.scale.iter().enumerate() {
        let data: Vec<DataPointItem> = rows
            .iter()
            .map(|c| {
                let n: i64 = c.distribution.iter().sum();
                let share = if n == 0 {
                    0.0
                } else {
                    100.0 * c.distribution.get(v).copied().unwrap_or(0) as f64 / n as f64
                };
                DataPointItem::new((share * 10.0).round() / 10.0)
            })
            .collect();
        chart = chart.series(
            Bar::new()
                .name(label.clone())
                .stack("share")
                .bar_width("60%")
                .item_style(ItemStyle::new().color(scale_colour(v)))
                .data(data),
        );
    }
    chart
}

/// The poll's votes per category; the most voted in the highlight colour.
pub fn poll_chart(room: &RoomView) -> Chart {
    let max = room.poll.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let data: Vec<DataPointItem> = room
        .poll
        .iter()
        .map(|(_, n)| {
            DataPointItem::new(*n).item_style(ItemStyle::new().color(if *n == max && max > 0 {
                HIGHLIGHT
            } else {
                MEAN
            }))
        })
        .collect();
    Chart::new()
        .grid(grid())
        .x_axis(
            Axis::new()
                .type_(AxisType::Value)
                .min_interval(1)
                .axis_label(AxisLabel::new().font_size(FONT - 4.0)),
        )
        .y_axis(names_axis(
            room.poll.iter().map(|(t, _)| t.clone()).collect(),
        ))
        .series(
            Bar::new().bar_width("60%").data(data).label(
                Label::new()
                    .show(true)
                    .position(LabelPosition::Right)
                    .font_size(FONT),
            ),
        )
}

/// Chart height in pixels for `rows` bars.
pub fn height(rows: usize) -> u32 {
    90 + 64 * rows.max(1) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workshops::model::{RoomCategory, RoomStage};

    #[test]
    fn shares_and_votes_reach_the_chart() {
        let room = RoomView {
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
            categories: vec![RoomCategory {
                id: "a".into(),
                title: "Vision".into(),
                respondents: 4,
                more_needed: 0,
                mean: Some(1.25),
                distribution: vec![3, 1],
            }],
            ask_poll: true,
            poll_answers: 4,
            poll: vec![("Vision".into(), 3), ("Communication".into(), 1)],
            word_prompt: None,
            word_answers: 0,
            words: vec![],
            hidden_words: vec![],
        };
        let dist = distribution_chart(&room).to_string();
        assert!(
            dist.contains("75") && dist.contains("25") && dist.contains("Vision"),
            "{dist}"
        );
        let poll = poll_chart(&room).to_string();
        assert!(
            poll.contains(HIGHLIGHT) && poll.contains("Communication"),
            "{poll}"
        );
    }
}
