//! The school report's page (`/rounds/:id/report`), laid out for A4 when printed, and the words
//! and tables it shares with the PDF: every chart has a table of its figures beside it.
use super::api::get_round_report;
use super::model::*;
use super::stats::Estimate;
use crate::accounts::pages::SignedInBar;
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang::{Locale, decimal, integer};
use crate::ui::Loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// A figure with its 95% interval, "3.20 (2.90–3.50)"; `signed` puts a plus on positive changes.
/// Without a known interval (fewer than two units) just the figure; without a figure a dash.
pub fn estimate_text(l: Locale, e: Option<Estimate>, signed: bool) -> String {
    let Some(e) = e else {
        return "–".to_string();
    };
    let n = |x: f64| {
        let s = decimal(l, x, 2);
        if signed && x > 0.004 {
            format!("+{s}")
        } else {
            s
        }
    };
    if e.low.is_finite() && e.high.is_finite() {
        format!("{} ({}–{})", n(e.mean), n(e.low), n(e.high))
    } else {
        n(e.mean)
    }
}

/// A group that does not show, in words.
fn withheld_text(l: Locale, w: Withheld, k: i64) -> String {
    match w {
        Withheld::MoreNeeded(_) => td_string!(l, report.group_fewer, k = integer(l, k)).to_string(),
        Withheld::WouldReveal => td_string!(l, report.group_would_reveal).to_string(),
    }
}

/// What the report is about: the questionnaire, the innovation and the round's days.
pub fn about(l: Locale, r: &RoundReport) -> Vec<String> {
    let day = |d: &str| crate::lang::date(l, d);
    let mut lines = vec![
        td_string!(
            l,
            report.about_questionnaire,
            title = r.instrument_title.clone()
        )
        .to_string(),
        td_string!(
            l,
            report.about_innovation,
            innovation = r.innovation.clone()
        )
        .to_string(),
        td_string!(l, report.about_opened, date = day(&r.opened_on)).to_string(),
    ];
    if let Some(d) = &r.opens_on {
        lines.push(td_string!(l, report.about_first_day, date = day(d)).to_string());
    }
    if let Some(d) = &r.closes_on {
        lines.push(td_string!(l, report.about_last_day, date = day(d)).to_string());
    }
    lines
}

/// Why there is no report (yet).
pub fn status_text(l: Locale, s: &ReportStatus, k: i64) -> String {
    match s {
        ReportStatus::NotClosed => td_string!(l, report.not_closed).to_string(),
        ReportStatus::Withheld(Withheld::MoreNeeded(_)) => {
            td_string!(l, report.withheld_more, k = integer(l, k)).to_string()
        }
        ReportStatus::Withheld(Withheld::WouldReveal) => {
            td_string!(l, report.withheld_reveal).to_string()
        }
        ReportStatus::Ready(_) => String::new(),
    }
}

/// Who answered: everyone, leaders and teachers (each a number, or why it does not show), and
/// when the figures were released.
pub fn groups(l: Locale, b: &ReportBody, k: i64) -> Vec<String> {
    let side = |g: &Result<i64, Withheld>| match g {
        Ok(n) => integer(l, *n),
        Err(w) => withheld_text(l, *w, k),
    };
    let mut lines = vec![
        td_string!(
            l,
            report.respondents,
            n = integer(l, b.respondents),
            leaders = side(&b.leaders),
            teachers = side(&b.teachers)
        )
        .to_string(),
    ];
    if let Some(at) = &b.released_at {
        lines.push(
            td_string!(
                l,
                report.released,
                date = crate::lang::date(l, at),
                k = integer(l, k)
            )
            .to_string(),
        );
    }
    lines
}

/// How to read the means: the scale's ends.
pub fn scale_help(l: Locale, labels: &[String]) -> String {
    td_string!(
        l,
        report.scale_help,
        max = integer(l, labels.len() as i64),
        low = labels.first().cloned().unwrap_or_default(),
        high = labels.last().cloned().unwrap_or_default()
    )
    .to_string()
}

/// The table of the leaders-and-teachers chart: header and rows.
pub fn categories_table(l: Locale, b: &ReportBody) -> (Vec<String>, Vec<Vec<String>>) {
    let header = vec![
        td_string!(l, report.col_category).to_string(),
        td_string!(l, report.col_everyone).to_string(),
        td_string!(l, report.col_leaders).to_string(),
        td_string!(l, report.col_teachers).to_string(),
        td_string!(l, report.col_gap).to_string(),
    ];
    let rows = b
        .categories
        .iter()
        .map(|c| {
            vec![
                c.title.clone(),
                estimate_text(l, c.all, false),
                estimate_text(l, c.leaders, false),
                estimate_text(l, c.teachers, false),
                estimate_text(l, c.gap, true),
            ]
        })
        .collect();
    (header, rows)
}

/// The category that needs most work, in a sentence.
pub fn weakest_sentence(l: Locale, w: &Weakest) -> String {
    td_string!(
        l,
        report.weakest_sentence,
        category = w.title.clone(),
        mean = estimate_text(l, w.estimate, false)
    )
    .to_string()
}

/// The round beside the larger groups that may show: header, rows, and a note per group that
/// does not show.
pub fn comparison_table(l: Locale, b: &ReportBody) -> (Vec<String>, Vec<Vec<String>>, Vec<String>) {
    let shown: Vec<&ReportColumn> = b
        .comparison
        .iter()
        .filter(|c| c.withheld.is_none())
        .collect();
    let mut header = vec![
        td_string!(l, report.col_category).to_string(),
        td_string!(l, report.col_this_round, n = integer(l, b.respondents)).to_string(),
    ];
    header.extend(shown.iter().map(|c| {
        td_string!(
            l,
            report.col_group,
            name = c.name.clone(),
            n = integer(l, c.respondents)
        )
        .to_string()
    }));
    let rows = b
        .categories
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut row = vec![c.title.clone(), estimate_text(l, c.all, false)];
            row.extend(
                shown
                    .iter()
                    .map(|col| estimate_text(l, col.estimates.get(i).copied().flatten(), false)),
            );
            row
        })
        .collect();
    let notes = b
        .comparison
        .iter()
        .filter(|c| c.withheld.is_some())
        .map(|c| td_string!(l, report.column_withheld, name = c.name.clone()).to_string())
        .collect();
    (header, rows, notes)
}

/// A table of figures: its header and its rows (the first cell of each names the row).
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The change since the previous round: its explanation and table; or why there is none.
pub fn previous_table(l: Locale, b: &ReportBody) -> Result<(String, Table), String> {
    let Some(p) = &b.previous else {
        return Err(td_string!(l, report.no_previous).to_string());
    };
    let date = crate::lang::date(l, &p.opened_on);
    if p.column.withheld.is_some() {
        return Err(td_string!(l, report.previous_withheld, date = date).to_string());
    }
    let help = td_string!(l, report.previous_help, date = date.clone()).to_string();
    let header = vec![
        td_string!(l, report.col_category).to_string(),
        td_string!(
            l,
            report.col_before,
            date = date,
            n = integer(l, p.column.respondents)
        )
        .to_string(),
        td_string!(l, report.col_this_round, n = integer(l, b.respondents)).to_string(),
        td_string!(l, report.col_change).to_string(),
    ];
    let rows = b
        .categories
        .iter()
        .enumerate()
        .map(|(i, c)| {
            vec![
                c.title.clone(),
                estimate_text(l, p.column.estimates.get(i).copied().flatten(), false),
                estimate_text(l, c.all, false),
                estimate_text(l, p.change.get(i).copied().flatten(), true),
            ]
        })
        .collect();
    Ok((help, Table { header, rows }))
}

/// Why the written reflections do not show.
pub fn free_text_withheld(l: Locale, f: &FreeText) -> String {
    match f {
        FreeText::Withheld(Withheld::MoreNeeded(m)) => td_string!(
            l,
            results.written_more_needed,
            count = *m,
            from = FREE_TEXT_K
        )
        .to_string(),
        FreeText::Withheld(Withheld::WouldReveal) => {
            td_string!(l, results.written_would_reveal).to_string()
        }
        FreeText::NoQuestions | FreeText::Shown(_) => String::new(),
    }
}

/// Per row its intervals on the scale 1..=`max` as an SVG picture (one bar per series, the
/// mean marked); the table beside it holds the same figures.
#[component]
fn IntervalPicture(
    rows: Vec<(String, Vec<Option<Estimate>>)>,
    max: i64,
    label: String,
) -> impl IntoView {
    let top = max.max(2) as f64;
    let (label_w, plot_w, bar) = (220.0, 420.0, 8.0);
    let series = rows.first().map_or(1, |r| r.1.len()).max(1);
    let row_h = (bar + 4.0) * series as f64 + 10.0;
    let height = row_h * rows.len() as f64 + 24.0;
    let at = move |v: f64| label_w + (v.clamp(1.0, top) - 1.0) / (top - 1.0) * plot_w;
    let ticks = (1..=max.max(2))
        .map(|v| {
            let x = at(v as f64);
            view! {
                <line x1=x x2=x y1=16.0 y2=height class="tick" />
                <text x=x y=12.0 text-anchor="middle">
                    {v}
                </text>
            }
        })
        .collect_view();
    let bars = rows
        .into_iter()
        .enumerate()
        .map(|(i, (name, estimates))| {
            let y0 = 20.0 + i as f64 * row_h;
            let marks = estimates
                .into_iter()
                .enumerate()
                .filter_map(|(j, e)| e.map(|e| (j, e)))
                .map(|(j, e)| {
                    let y = y0 + 4.0 + j as f64 * (bar + 4.0);
                    let (low, high) = (at(e.low.max(1.0)), at(e.high.min(top)));
                    let class = if j == 0 { "series-a" } else { "series-b" };
                    view! {
                        <rect x=low y=y width=(high - low).max(1.0) height=bar class=class />
                        <rect
                            x=at(e.mean) - 1.5
                            y=y - 2.0
                            width=3.0
                            height=bar + 4.0
                            class="mean"
                        />
                    }
                })
                .collect_view();
            view! {
                <text x=0.0 y=y0 + row_h / 2.0 + 2.0 class="row-label">
                    {name}
                </text>
                {marks}
            }
        })
        .collect_view();
    view! {
        <svg
            class="report-chart"
            viewBox=format!("0 0 {} {height}", label_w + plot_w + 10.0)
            role="img"
            aria-label=label
        >
            {ticks}
            {bars}
        </svg>
    }
}

#[component]
fn DataTable(header: Vec<String>, rows: Vec<Vec<String>>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="data">
                <thead>
                    <tr>
                        {header
                            .into_iter()
                            .map(|h| view! { <th scope="col">{h}</th> })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| {
                            let mut cells = row.into_iter();
                            let first = cells.next().unwrap_or_default();
                            view! {
                                <tr>
                                    <th scope="row">{first}</th>
                                    {cells.map(|c| view! { <td>{c}</td> }).collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let l = crate::lang::current();
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        |id| async move {
            let user = crate::accounts::api::whoami()
                .await?
                .ok_or_else(AppError::sign_in)?;
            Ok::<_, AppError>((user, get_round_report(id).await?))
        },
    );
    view! {
        <Loaded
            load=move || data
            children=move |(user, r)| {
                let heading = td_string!(l, report.heading, school = r.school.clone()).to_string();
                let back = format!("/rounds/{}", r.round_id);
                let pdf = format!("/rounds/{}/report.pdf", r.round_id);
                let k = r.k;
                view! {
                    <Title text=heading.clone() />
                    <div class="no-print">
                        <SignedInBar user=user />
                        <p>
                            <a href=back>{td_string!(l, report.back_to_round)}</a>
                        </p>
                    </div>
                    <article class="report">
                        <h1>{heading}</h1>
                        {about(l, &r)
                            .into_iter()
                            .map(|line| view! { <p class="meta">{line}</p> })
                            .collect_view()}
                        {match r.status.clone() {
                            ReportStatus::Ready(b) => {
                                view! {
                                    <p class="no-print">
                                        <a href=pdf class="button" download="">
                                            {td_string!(l, report.download_pdf)}
                                        </a>
                                        " "
                                        <span class="help">{td_string!(l, report.print_help)}</span>
                                    </p>
                                    <ReportBodyView body=*b k=k />
                                }
                                    .into_any()
                            }
                            other => {
                                view! {
                                    <p class="withheld" role="status">
                                        {status_text(l, &other, k)}
                                    </p>
                                }
                                    .into_any()
                            }
                        }}
                    </article>
                }
                    .into_any()
            }
        />
    }
}

#[component]
fn ReportBodyView(body: ReportBody, k: i64) -> impl IntoView {
    let l = crate::lang::current();
    let max = body.scale_labels.len() as i64;
    let (cat_header, cat_rows) = categories_table(l, &body);
    let (cmp_header, cmp_rows, cmp_notes) = comparison_table(l, &body);
    let sides: Vec<(String, Vec<Option<Estimate>>)> = body
        .categories
        .iter()
        .map(|c| (c.title.clone(), vec![c.leaders, c.teachers]))
        .collect();
    let previous = previous_table(l, &body);
    let change_rows: Option<Vec<(String, Vec<Option<Estimate>>)>> =
        body.previous.as_ref().map(|p| {
            body.categories
                .iter()
                .zip(&p.column.estimates)
                .map(|(c, before)| (c.title.clone(), vec![c.all, *before]))
                .collect()
        });
    view! {
        {groups(l, &body, k).into_iter().map(|line| view! { <p>{line}</p> }).collect_view()}
        <section class="report-section" id="report-categories">
            <h2>{td_string!(l, report.categories_heading)}</h2>
            <p class="help">{scale_help(l, &body.scale_labels)}</p>
            <IntervalPicture rows=sides max=max label=td_string!(l, report.chart_key).to_string() />
            <p class="help">{td_string!(l, report.chart_key)}</p>
            <DataTable header=cat_header rows=cat_rows />
        </section>
        <section class="report-section" id="report-weakest">
            <h2>{td_string!(l, report.weakest_heading)}</h2>
            {body
                .weakest
                .iter()
                .map(|w| {
                    view! {
                        <p class="lead">{weakest_sentence(l, w)}</p>
                        <h3>{td_string!(l, report.statements_heading)}</h3>
                        <ul class="statements">
                            {w
                                .statements
                                .iter()
                                .map(|(s, m)| {
                                    view! {
                                        <li>
                                            <span class="value">{decimal(l, *m, 2)}</span>
                                            " "
                                            {s.clone()}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })
                .collect_view()}
        </section>
        <section class="report-section" id="report-comparison">
            <h2>{td_string!(l, report.comparison_heading)}</h2>
            <p class="help">{td_string!(l, report.comparison_help)}</p>
            <DataTable header=cmp_header rows=cmp_rows />
            {cmp_notes.into_iter().map(|n| view! { <p class="meta">{n}</p> }).collect_view()}
        </section>
        <section class="report-section" id="report-previous">
            <h2>{td_string!(l, report.previous_heading)}</h2>
            {match previous {
                Ok((help, Table { header, rows })) => {
                    view! {
                        <p class="help">{help}</p>
                        {change_rows
                            .map(|rows| {
                                view! {
                                    <IntervalPicture
                                        rows=rows
                                        max=max
                                        label=td_string!(l, report.change_chart_key).to_string()
                                    />
                                    <p class="help">{td_string!(l, report.change_chart_key)}</p>
                                }
                            })}
                        <DataTable header=header rows=rows />
                    }
                        .into_any()
                }
                Err(why) => view! { <p class="meta">{why}</p> }.into_any(),
            }}
        </section>
        <super::pages::FreeTextSection text=body.free_text.clone() />
    }
}
