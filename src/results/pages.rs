//! Results pages: the groups a user can open, one group's results (charts with tables), and the
//! per-country comparison. Plain GET forms for the filters, so everything works without JavaScript.
use super::api::*;
use super::chart;
use super::compute::{CategoryResult, GroupResults, ranking_text};
use super::model::*;
use super::stats::{Distribution, Estimate};
use crate::accounts::pages::SignedInBar;
use crate::instrument::scale_span;
use crate::ui::{Charts, ErrorBox, Loaded, chart_specs};
use crate::values::INNOVATIONS;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use std::collections::BTreeMap;

fn height_style(px: u32) -> String {
    format!("height:{px}px")
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The colours of a distribution chart's answers: HTML, so that the key wraps on a phone. The
/// table beside the chart says the same in words, so screen readers skip it.
#[component]
fn ScaleKey(labels: Vec<String>) -> impl IntoView {
    view! {
        <ul class="chart-key" aria-hidden="true">
            {labels
                .into_iter()
                .enumerate()
                .map(|(v, label)| {
                    view! {
                        <li>
                            <span
                                class="swatch"
                                style=format!("background:{}", chart::scale_colour(v))
                            ></span>
                            {label}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

fn fmt(v: f64) -> String {
    format!("{v:.2}")
}

fn interval(e: &Option<Estimate>) -> String {
    e.map(|e| format!("{} – {}", fmt(e.low), fmt(e.high)))
        .unwrap_or_else(|| "–".into())
}

#[component]
pub fn ResultsIndexPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| list_result_groups());
    view! {
        <Title text="Results – Reflect" />
        <Loaded
            load=move || data
            children=|(user, index)| {
                view! {
                    {matches!(
                        user.role,
                        crate::accounts::model::Role::Researcher
                        | crate::accounts::model::Role::Admin
                    )
                        .then(|| {
                            view! {
                                <p class="export-link">
                                    <a href="/export">
                                        "Research export (anonymised answers and codebook)"
                                    </a>
                                </p>
                            }
                        })}
                    <SignedInBar user=user />
                    <h1>"Results"</h1>
                    <p>
                        "Which leadership category needs most work? Results of groups of respondents, never of one person."
                    </p>
                    <ul class="group-list">
                        <li>
                            <a href="/results/all">"All respondents"</a>
                        </li>
                        <li>
                            <a href="/results/countries">
                                "Compare countries, question by question"
                            </a>
                        </li>
                    </ul>
                    {(!index.schools.is_empty())
                        .then(|| {
                            view! {
                                <h2>"Schools"</h2>
                                <ul class="group-list">
                                    {index
                                        .schools
                                        .iter()
                                        .map(|(id, name, code)| {
                                            view! {
                                                <li>
                                                    <a href=format!("/results/school/{id}")>{name.clone()}</a>
                                                    " · join code for your staff: "
                                                    <span class="code">
                                                        {crate::schools::codes::display(code)}
                                                    </span>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                        })}
                    {(!index.networks.is_empty())
                        .then(|| {
                            view! {
                                <h2>"Networks"</h2>
                                <ul class="group-list">
                                    {index
                                        .networks
                                        .iter()
                                        .map(|(id, name)| {
                                            view! {
                                                <li>
                                                    <a href=format!("/results/network/{id}")>{name.clone()}</a>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                        })}
                    {(!index.countries.is_empty())
                        .then(|| {
                            view! {
                                <h2>"Countries"</h2>
                                <ul class="group-list">
                                    {index
                                        .countries
                                        .iter()
                                        .map(|c| {
                                            view! {
                                                <li>
                                                    <a href=format!(
                                                        "/results/country/{c}",
                                                    )>{c.to_uppercase()}</a>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                        })}
                }
                    .into_any()
            }
        />
    }
}

/// `/results/all` and `/results/:level/:key`.
#[component]
pub fn ResultsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let args = move || {
        let p = params.read();
        let q = query.read();
        (
            p.get("level").unwrap_or_else(|| "all".into()),
            p.get("key"),
            ["instrument", "version", "role", "innovation", "from", "to"].map(|k| q.get(k)),
        )
    };
    let data = Resource::new(
        args,
        |(level, key, [instrument, version, role, innovation, from, to])| {
            get_results(level, key, instrument, version, role, innovation, from, to)
        },
    );
    let user = Resource::new(|| (), |_| crate::accounts::api::whoami());
    view! {
        <Suspense fallback=|| {
            view! { <p>"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                let bar = user.await.ok().flatten().map(|u| view! { <SignedInBar user=u /> });
                match data.await {
                    Err(e) => {
                        view! {
                            {bar}
                            <ErrorBox error=e />
                        }
                            .into_any()
                    }
                    Ok(v) => {
                        view! {
                            {bar}
                            <Results view=v />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn Filters(view: ResultsView) -> impl IntoView {
    let q = view.query.clone();
    let sel = |cur: &Option<String>, v: &str| cur.as_deref() == Some(v);
    view! {
        <form method="get" action=format!("/results/{}", view.path) class="filters">
            <div class="field">
                <label for="f-instrument">"Questionnaire"</label>
                <select id="f-instrument" name="instrument">
                    {view
                        .instruments
                        .iter()
                        .map(|(id, title)| {
                            view! {
                                <option value=id.clone() selected=*id == view.instrument_id>
                                    {title.clone()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-version">"Version"</label>
                <select id="f-version" name="version">
                    <option value="">"All versions"</option>
                    {view
                        .versions
                        .iter()
                        .map(|v| {
                            view! {
                                <option value=v.to_string() selected=q.version == Some(*v)>
                                    {format!("Version {v}")}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-role">"Role"</label>
                <select id="f-role" name="role">
                    <option value="">"Everyone"</option>
                    {RoleOption::all()
                        .into_iter()
                        .map(|o| {
                            view! {
                                <option value=o.as_str() selected=sel(&q.role, o.as_str())>
                                    {o.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-innovation">"Innovation"</label>
                <select id="f-innovation" name="innovation">
                    <option value="">"Any"</option>
                    {INNOVATIONS
                        .iter()
                        .map(|(k, l)| {
                            view! {
                                <option value=*k selected=sel(&q.innovation, k)>
                                    {*l}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-from">"From (month)"</label>
                <input
                    id="f-from"
                    name="from"
                    type="month"
                    value=q.from.clone().unwrap_or_default()
                />
            </div>
            <div class="field">
                <label for="f-to">"To (month)"</label>
                <input id="f-to" name="to" type="month" value=q.to.clone().unwrap_or_default() />
            </div>
            <button type="submit">"Show"</button>
        </form>
    }
}

#[component]
fn Results(view: ResultsView) -> impl IntoView {
    let title = format!("{} – results – Reflect", view.title);
    let body = match (&view.results, &view.withheld) {
        (Some(r), _) => view! { <Shown view=view.clone() results=r.clone() /> }.into_any(),
        (None, Some(Withheld::MoreNeeded(_))) if view.released_at.is_none() => view! {
            <p class="withheld" role="status">
                {format!(
                    "No results yet: a group's results are first released once at least {} of its respondents have finished.",
                    view.k,
                )}
            </p>
        }.into_any(),
        (None, Some(Withheld::MoreNeeded(m))) => view! {
            <p class="withheld" role="status">
                {format!(
                    "Not enough respondents yet: this group needs {m} more {} before its results show (minimum group size {}).",
                    if *m == 1 { "respondent" } else { "respondents" },
                    view.k,
                )}
            </p>
        }.into_any(),
        (None, _) => view! {
            <p class="withheld" role="status">
                {format!(
                    "These results are hidden: shown beside other results, they would let someone work out the answers of a group smaller than {}. Choose fewer filters or a wider period.",
                    view.k,
                )}
            </p>
        }.into_any(),
    };
    view! {
        <Title text=title />
        <h1>{view.title.clone()}</h1>
        <p class="lead">{view.instrument_title.clone()}</p>
        {view
            .released_at
            .clone()
            .map(|at| {
                view! {
                    <p class="release" role="note">
                        {format!(
                            "Figures as released on {}. They change only in releases, so that nobody can compare before and after one person answers: the next release comes once at least {} respondents of this group have finished or left since, with no part shown changing by fewer than {}.",
                            at.get(..10).unwrap_or(&at),
                            view.k,
                            view.k,
                        )}
                    </p>
                }
            })}
        <Filters view=view.clone() />
        {view
            .widened
            .then(|| {
                view! {
                    <p class="notice">
                        {format!(
                            "The months were widened to {} – {} so that no small group can be singled out by its dates.",
                            view.query.from.clone().unwrap_or_else(|| "the start".into()),
                            view.query.to.clone().unwrap_or_else(|| "now".into()),
                        )}
                    </p>
                }
            })}
        {body}
    }
}

/// The column headers of a distribution table: the scale's labels, then "Not applicable".
fn scale_header(labels: &[String]) -> impl IntoView + use<> {
    let labels = labels.to_vec();
    view! {
        {labels.into_iter().map(|l| view! { <th scope="col">{l}</th> }).collect_view()}
        <th scope="col">"Not applicable"</th>
    }
}

fn distribution_cells(d: &Distribution, points: usize) -> impl IntoView + use<> {
    let cells: Vec<String> = (0..points)
        .map(|v| format!("{:.0}%", chart::share(d, v)))
        .collect();
    let na = d.not_applicable;
    view! {
        {cells.into_iter().map(|c| view! { <td class="num">{c}</td> }).collect_view()}
        <td class="num">{na}</td>
    }
}

#[component]
fn Shown(view: ResultsView, results: GroupResults) -> impl IntoView {
    let labels = view.scale_labels.clone();
    let first: Vec<String> = results
        .ranking
        .first()
        .map(|t| t.ids.clone())
        .unwrap_or_default();
    let category_names: Vec<String> = results.categories.iter().map(|c| c.title.clone()).collect();
    let overview_height = chart::height(&category_names, 1);
    // per category, the height of its subcategories' chart
    let sub_heights: Vec<u32> = results
        .categories
        .iter()
        .map(|c| {
            let names: Vec<String> = c.subcategories.iter().map(|s| s.title.clone()).collect();
            chart::height(&names, 1)
        })
        .collect();
    let charts = chart_specs(group_charts(
        &view,
        &results,
        &first,
        overview_height,
        &sub_heights,
    ));
    let other = view.other_scales.clone();
    let labels_of = {
        let (other, labels) = (other.clone(), labels.clone());
        move |id: &str| other.get(id).cloned().unwrap_or_else(|| labels.clone())
    };
    view! {
        <script src="/vendor/echarts.min.js"></script>
        <p class="respondents">{plural(results.respondents, "respondent", "respondents")}</p>
        <RankingSection lines=ranking_text(&results) />
        <MeansSection
            categories=results.categories.clone()
            first
            labels=labels.clone()
            other=other.clone()
            height=overview_height
        />
        <DistributionSection
            categories=results.categories.clone()
            labels
            other
            height=overview_height
        />
        {results
            .categories
            .iter()
            .enumerate()
            .map(|(i, c)| {
                view! {
                    <CategorySection
                        index=i
                        category=c.clone()
                        labels=labels_of(&c.id)
                        height=sub_heights[i]
                    />
                }
            })
            .collect_view()}
        <GapSection gap=view.gap.clone() k=view.k />
        <FreeTextSection text=view.free_text.clone() />
        <Charts charts />
    }
}

/// The charts of a group's results: the means with their intervals, the share of each answer
/// per category, each category's subcategories (heights: `overview_height`, `sub_heights`), and
/// leaders beside teachers when shown.
fn group_charts(
    view: &ResultsView,
    results: &GroupResults,
    first: &[String],
    overview_height: u32,
    sub_heights: &[u32],
) -> Vec<(String, charming::Chart, u32)> {
    let labels = &view.scale_labels;
    let max = labels.len().max(2) as i64;
    let overview_rows: Vec<(String, Option<Estimate>, bool)> = results
        .categories
        .iter()
        .map(|c| (c.title.clone(), c.estimate, first.contains(&c.id)))
        .collect();
    let mut charts = vec![
        (
            "chart-means".to_string(),
            chart::interval_chart(&overview_rows, max),
            overview_height,
        ),
        (
            "chart-distribution".to_string(),
            chart::distribution_chart(
                &results
                    .categories
                    .iter()
                    .map(|c| (c.title.clone(), &c.distribution))
                    .collect::<Vec<_>>(),
                labels,
            ),
            overview_height,
        ),
    ];
    for (i, c) in results.categories.iter().enumerate() {
        charts.push((
            format!("chart-sub-{i}"),
            chart::distribution_chart(
                &c.subcategories
                    .iter()
                    .map(|s| (s.title.clone(), &s.distribution))
                    .collect::<Vec<_>>(),
                labels,
            ),
            sub_heights[i],
        ));
    }
    if let Gap::Shown(rows) = &view.gap {
        let rows: Vec<_> = rows
            .iter()
            .map(|r| (r.category.clone(), r.leaders, r.teachers))
            .collect();
        charts.push((
            "chart-gap".to_string(),
            chart::gap_chart(&rows, max),
            gap_height(&view.gap),
        ));
    }
    charts
}

/// Which category needs most work, in words (`lines`: the ranking, lowest first).
#[component]
fn RankingSection(lines: Vec<String>) -> impl IntoView {
    view! {
        <section class="ranking">
            <h2>"Which category needs most work"</h2>
            <ol>{lines.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ol>
            <p class="help">
                "Categories are ranked by their mean (lowest first). Categories whose 95% intervals overlap count as equally low: the answers cannot tell them apart."
            </p>
        </section>
    }
}

/// The means with their 95% intervals: chart and table, the `first` (lowest) categories marked;
/// `other`: the categories on another scale than `labels`.
#[component]
fn MeansSection(
    categories: Vec<CategoryResult>,
    first: Vec<String>,
    labels: Vec<String>,
    other: BTreeMap<String, Vec<String>>,
    height: u32,
) -> impl IntoView {
    let scale_caption = match scale_span(&labels) {
        span if span.is_empty() => "Mean per category".to_string(),
        span => format!("Mean per category ({span})"),
    };
    view! {
        <section>
            <h2>"Means with 95% intervals"</h2>
            <div
                id="chart-means"
                class="chart"
                style=height_style(height)
                role="img"
                aria-label="Mean per category with its 95% interval; the table below has the same numbers"
            ></div>
            <div class="table-wrap" role="region" aria-label="Mean per category" tabindex="0">
                <table class="data">
                    <caption>{scale_caption}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Category"</th>
                            <th scope="col">"Mean"</th>
                            <th scope="col">"95% interval"</th>
                            <th scope="col">"Answers"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {categories
                            .iter()
                            .map(|c| {
                                view! {
                                    <tr class:weakest=first.contains(&c.id)>
                                        <th scope="row">
                                            {c.title.clone()}
                                            {other
                                                .get(&c.id)
                                                .map(|l| {
                                                    view! {
                                                        <span class="meta">
                                                            {format!(
                                                                " (on another scale: {}; not ranked)",
                                                                scale_span(l),
                                                            )}
                                                        </span>
                                                    }
                                                })}
                                        </th>
                                        <td class="num">
                                            {c
                                                .estimate
                                                .map(|e| fmt(e.mean))
                                                .unwrap_or_else(|| "–".into())}
                                        </td>
                                        <td class="num">{interval(&c.estimate)}</td>
                                        <td class="num">{c.distribution.n()}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// How people answered: the share of each answer per category, chart and table on the scale of
/// `labels`, then a table for each other scale (`other`: category id → its scale's labels).
#[component]
fn DistributionSection(
    categories: Vec<CategoryResult>,
    labels: Vec<String>,
    other: BTreeMap<String, Vec<String>>,
    height: u32,
) -> impl IntoView {
    let points = labels.len();
    // the categories on another scale, grouped by it, each group its own table
    let mut other_groups: Vec<(Vec<String>, Vec<CategoryResult>)> = Vec::new();
    for c in categories.iter().filter(|c| other.contains_key(&c.id)) {
        let l = other[&c.id].clone();
        match other_groups.iter_mut().find(|(k, _)| *k == l) {
            Some((_, cs)) => cs.push(c.clone()),
            None => other_groups.push((l, vec![c.clone()])),
        }
    }
    view! {
        <section>
            <h2>"How people answered"</h2>
            <ScaleKey labels=labels.clone() />
            <div
                id="chart-distribution"
                class="chart"
                style=height_style(height)
                role="img"
                aria-label="Share of each answer per category; the table below has the same numbers"
            ></div>
            <div
                class="table-wrap"
                role="region"
                aria-label="Share of answers per category"
                tabindex="0"
            >
                <table class="data">
                    <caption>"Share of answers per category"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Category"</th>
                            {scale_header(&labels)}
                        </tr>
                    </thead>
                    <tbody>
                        {categories
                            .iter()
                            .filter(|c| !other.contains_key(&c.id))
                            .map(|c| {
                                view! {
                                    <tr>
                                        <th scope="row">{c.title.clone()}</th>
                                        {distribution_cells(&c.distribution, points)}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            {other_groups
                .into_iter()
                .map(|(l, cs)| {
                    let caption = format!("Share of answers per category ({})", scale_span(&l));
                    let n = l.len();
                    view! {
                        <div
                            class="table-wrap"
                            role="region"
                            aria-label=caption.clone()
                            tabindex="0"
                        >
                            <table class="data">
                                <caption>{caption.clone()}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Category"</th>
                                        {scale_header(&l)}
                                    </tr>
                                </thead>
                                <tbody>
                                    {cs
                                        .iter()
                                        .map(|c| {
                                            view! {
                                                <tr>
                                                    <th scope="row">{c.title.clone()}</th>
                                                    {distribution_cells(&c.distribution, n)}
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                })
                .collect_view()}
        </section>
    }
}

/// One category's subcategories: chart (box `chart-sub-{index}`) and table, on the category's
/// scale (`labels`).
#[component]
fn CategorySection(
    index: usize,
    category: CategoryResult,
    labels: Vec<String>,
    height: u32,
) -> impl IntoView {
    let (i, c, own) = (index, category, labels);
    let own_points = own.len();
    view! {
        <section class="category-results">
            <h2>{c.title.clone()}</h2>
            <ScaleKey labels=own.clone() />
            <div
                id=format!("chart-sub-{i}")
                class="chart"
                style=height_style(height)
                role="img"
                aria-label=format!(
                    "Share of each answer per subcategory of {}; the table below has the same numbers",
                    c.title,
                )
            ></div>
            <div class="table-wrap" role="region" aria-label=c.title.clone() tabindex="0">
                <table class="data">
                    <thead>
                        <tr>
                            <th scope="col">"Subcategory"</th>
                            <th scope="col">"Mean"</th>
                            <th scope="col">"95% interval"</th>
                            {scale_header(&own)}
                        </tr>
                    </thead>
                    <tbody>
                        {c
                            .subcategories
                            .iter()
                            .map(|s| {
                                view! {
                                    <tr>
                                        <th scope="row">{s.title.clone()}</th>
                                        <td class="num">
                                            {s
                                                .estimate
                                                .map(|e| fmt(e.mean))
                                                .unwrap_or_else(|| "–".into())}
                                        </td>
                                        <td class="num">{interval(&s.estimate)}</td>
                                        {distribution_cells(&s.distribution, own_points)}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn FreeTextSection(text: FreeText) -> impl IntoView {
    match text {
        FreeText::NoQuestions => ().into_any(),
        FreeText::Withheld(w) => view! {
            <section class="free-text">
                <h2>"Written answers"</h2>
                <p class="withheld">
                    {match w {
                        Withheld::MoreNeeded(m) => {
                            format!(
                                "Written answers show from {FREE_TEXT_K} respondents: this group needs {m} more.",
                            )
                        }
                        Withheld::WouldReveal => {
                            "Written answers are hidden: beside other results they would single out a smaller group."
                                .to_string()
                        }
                    }}
                </p>
            </section>
        }.into_any(),
        FreeText::Shown(questions) => view! {
            <section class="free-text">
                <h2>"Written answers"</h2>
                <p class="help">"In alphabetical order, without names or dates."</p>
                {questions
                    .into_iter()
                    .map(|(q, answers)| {
                        view! {
                            <h3>{q}</h3>
                            {if answers.is_empty() {
                                view! { <p class="meta">"No answers."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="answers">
                                        {answers
                                            .into_iter()
                                            .map(|a| view! { <li>{a}</li> })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }}
                        }
                    })
                    .collect_view()}
            </section>
        }.into_any(),
    }
}

#[component]
fn GapSection(gap: Gap, k: i64) -> impl IntoView {
    let height = gap_height(&gap);
    match gap {
        Gap::NotApplicable => ().into_any(),
        Gap::Withheld => view! {
            <section class="gap">
                <h2>"Leaders and teachers"</h2>
                <p class="withheld">
                    {format!(
                        "The leaders' and the teachers' views show side by side once each group, and the rest of the group too, has at least {k} respondents.",
                    )}
                </p>
            </section>
        }.into_any(),
        Gap::Shown(rows) => view! {
            <section class="gap">
                <h2>"Leaders and teachers"</h2>
                <div
                    id="chart-gap"
                    class="chart"
                    style=height_style(height)
                    role="img"
                    aria-label="Leaders' and teachers' mean per category; the table below has the same numbers"
                ></div>
                <div
                    class="table-wrap"
                    role="region"
                    aria-label="Leaders and teachers"
                    tabindex="0"
                >
                    <table class="data">
                        <thead>
                            <tr>
                                <th scope="col">"Category"</th>
                                <th scope="col">"Leaders"</th>
                                <th scope="col">"Teachers"</th>
                                <th scope="col">"Gap (teachers − leaders)"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows
                                .into_iter()
                                .map(|r| {
                                    let gap = match (r.leaders, r.teachers) {
                                        (Some(l), Some(t)) => format!("{:+.2}", t - l),
                                        _ => "–".into(),
                                    };
                                    view! {
                                        <tr>
                                            <th scope="row">{r.category}</th>
                                            <td class="num">
                                                {r.leaders.map(fmt).unwrap_or_else(|| "–".into())}
                                            </td>
                                            <td class="num">
                                                {r.teachers.map(fmt).unwrap_or_else(|| "–".into())}
                                            </td>
                                            <td class="num">{gap}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
        }.into_any(),
    }
}

/// Height of the leaders-and-teachers chart: two bars per category.
fn gap_height(gap: &Gap) -> u32 {
    match gap {
        Gap::Shown(rows) => {
            let names: Vec<String> = rows.iter().map(|r| r.category.clone()).collect();
            chart::height(&names, 2)
        }
        _ => 0,
    }
}

/// `/results/countries`: per question, answers by country and overall.
#[component]
pub fn CountryComparisonPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("instrument"), compare_countries);
    view! {
        <Title text="Countries compared – Reflect" />
        <Loaded load=move || data children=|c| view! { <Comparison c=c /> }.into_any() />
    }
}

#[component]
fn Comparison(c: CountryComparison) -> impl IntoView {
    let columns = c.columns.clone();
    let column_names: Vec<String> = columns.iter().map(|(n, _)| n.clone()).collect();
    let comparison_height = chart::height(&column_names, 1);
    // one stacked bar per country (and all) for each question
    let charts: Vec<(String, charming::Chart, u32)> = c
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let dists: Vec<Distribution> = q
                .counts
                .iter()
                .map(|col| Distribution {
                    counts: col.clone(),
                    not_applicable: 0,
                })
                .collect();
            let rows: Vec<(String, &Distribution)> = columns
                .iter()
                .map(|(n, _)| n.clone())
                .zip(dists.iter())
                .collect();
            (
                format!("chart-q-{i}"),
                chart::distribution_chart(&rows, &q.options),
                comparison_height,
            )
        })
        .collect();
    let charts = chart_specs(charts);
    view! {
        <script src="/vendor/echarts.min.js"></script>
        <Charts charts />
        <h1>"Countries compared"</h1>
        <p class="lead">{c.instrument_title.clone()}</p>
        <form method="get" action="/results/countries" class="filters">
            <div class="field">
                <label for="c-instrument">"Questionnaire"</label>
                <select id="c-instrument" name="instrument">
                    <option
                        value="networking-baseline"
                        selected=c.instrument_id == "networking-baseline"
                    >
                        "Networking baseline"
                    </option>
                    <option
                        value="leadership-reflection"
                        selected=c.instrument_id == "leadership-reflection"
                    >
                        "Leadership reflection"
                    </option>
                </select>
            </div>
            <button type="submit">"Show"</button>
        </form>
        {(c.withheld_countries > 0)
            .then(|| {
                view! {
                    <p class="notice">
                        {format!(
                            "{} {} not shown: fewer than {} respondents, or shown they would single out a smaller group.",
                            c.withheld_countries,
                            if c.withheld_countries == 1 { "country is" } else { "countries are" },
                            c.k,
                        )}
                    </p>
                }
            })}
        {if columns.is_empty() {
            view! { <p class="withheld">{format!("No group has {} respondents yet.", c.k)}</p> }
                .into_any()
        } else {
            c.questions
                .into_iter()
                .enumerate()
                .map(|(i, q)| {
                    let cols = columns.clone();
                    view! {
                        <section class="question-results">
                            <h2>{q.text.clone()}</h2>
                            <p class="help">{q.category.clone()}</p>
                            <ScaleKey labels=q.options.clone() />
                            <div
                                id=format!("chart-q-{i}")
                                class="chart"
                                style=height_style(comparison_height)
                                role="img"
                                aria-label="Share of each answer by country; the table below has the same numbers"
                            ></div>
                            <div
                                class="table-wrap"
                                role="region"
                                aria-label=q.text.clone()
                                tabindex="0"
                            >
                                <table class="data">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Answer"</th>
                                            {cols
                                                .iter()
                                                .map(|(n, size)| {
                                                    view! { <th scope="col">{format!("{n} (n = {size})")}</th> }
                                                })
                                                .collect_view()}
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {q
                                            .options
                                            .iter()
                                            .enumerate()
                                            .map(|(o, label)| {
                                                let cells: Vec<String> = q
                                                    .counts
                                                    .iter()
                                                    .map(|col| {
                                                        let total: i64 = col.iter().sum();
                                                        if total == 0 {
                                                            "–".to_string()
                                                        } else {
                                                            format!("{:.0}%", 100.0 * col[o] as f64 / total as f64)
                                                        }
                                                    })
                                                    .collect();
                                                view! {
                                                    <tr>
                                                        <th scope="row">{label.clone()}</th>
                                                        {cells
                                                            .into_iter()
                                                            .map(|c| view! { <td class="num">{c}</td> })
                                                            .collect_view()}
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        </section>
                    }
                })
                .collect_view()
                .into_any()
        }}
    }
}
