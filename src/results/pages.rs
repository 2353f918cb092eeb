//! Results pages: the groups a user can open, one group's results (charts with tables), and the
//! per-country comparison. Plain GET forms for the filters, so everything works without JavaScript.
use super::api::*;
use super::chart;
use super::compute::{CategoryResult, GroupResults, ranking_text};
use super::model::*;
use super::stats::{Distribution, Estimate};
use crate::accounts::pages::SignedInBar;
use crate::i18n::td_string;
use crate::instrument::scale_span;
use crate::lang::Locale;
use crate::ui::{Charts, ErrorBox, Loaded, chart_specs};
use crate::values::INNOVATIONS;
use crate::values::{RespondentRole, RoleGroup};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use std::collections::BTreeMap;

fn height_style(px: u32) -> String {
    format!("height:{px}px")
}

/// The label of a results filter's role option (people with that role) in language `l`.
fn role_option_label(l: Locale, o: RoleOption) -> &'static str {
    match o {
        RoleOption::Group(RoleGroup::Leaders) => td_string!(l, results.role_leaders),
        RoleOption::Group(RoleGroup::Teachers) => td_string!(l, results.role_teachers),
        RoleOption::One(RespondentRole::Headteacher) => td_string!(l, results.role_headteachers),
        RoleOption::One(RespondentRole::Deputy) => td_string!(l, results.role_deputies),
        RoleOption::One(RespondentRole::MiddleLeader) => td_string!(l, results.role_middle_leaders),
        RoleOption::One(RespondentRole::Teacher) => td_string!(l, results.role_teachers),
        RoleOption::One(RespondentRole::Other) => td_string!(l, results.role_other_roles),
    }
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

/// A mean as the page's language writes it, two decimals.
fn fmt(l: Locale, v: f64) -> String {
    crate::lang::decimal(l, v, 2)
}

fn interval(l: Locale, e: &Option<Estimate>) -> String {
    e.map(|e| format!("{} – {}", fmt(l, e.low), fmt(l, e.high)))
        .unwrap_or_else(|| "–".into())
}

#[component]
pub fn ResultsIndexPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| list_result_groups());
    let l = crate::lang::current();
    view! {
        <Title text=td_string!(l, results.index_title) />
        <Loaded
            load=move || data
            children=move |(user, index)| {
                view! {
                    {matches!(
                        user.role,
                        crate::accounts::model::Role::Researcher
                        | crate::accounts::model::Role::Admin
                    )
                        .then(|| {
                            view! {
                                <p class="export-link">
                                    <a href="/export">{td_string!(l, results.export_link)}</a>
                                </p>
                            }
                        })}
                    <SignedInBar user=user />
                    <h1>{td_string!(l, results.index_heading)}</h1>
                    <p>{td_string!(l, results.index_lead)}</p>
                    <ul class="group-list">
                        <li>
                            <a href="/results/all">{td_string!(l, results.all_respondents_link)}</a>
                        </li>
                        <li>
                            <a href="/results/countries">
                                {td_string!(l, results.compare_countries_link)}
                            </a>
                        </li>
                    </ul>
                    {(!index.schools.is_empty())
                        .then(|| {
                            view! {
                                <h2>{td_string!(l, results.schools_heading)}</h2>
                                <ul class="group-list">
                                    {index
                                        .schools
                                        .iter()
                                        .map(|(id, name, code)| {
                                            view! {
                                                <li>
                                                    <a href=format!("/results/school/{id}")>{name.clone()}</a>
                                                    {format!(" · {} ", td_string!(l, results.join_code))}
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
                                <h2>{td_string!(l, results.networks_heading)}</h2>
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
                                <h2>{td_string!(l, results.countries_heading)}</h2>
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
            [
                "instrument",
                "version",
                "role",
                "innovation",
                "language",
                "from",
                "to",
                "round",
            ]
            .map(|k| q.get(k)),
        )
    };
    let data = Resource::new(
        args,
        |(
            level,
            key,
            [
                instrument,
                version,
                role,
                innovation,
                language,
                from,
                to,
                round,
            ],
        )| {
            get_results(
                level, key, instrument, version, role, innovation, language, from, to, round,
            )
        },
    );
    let user = Resource::new(|| (), |_| crate::accounts::api::whoami());
    let loading = td_string!(crate::lang::current(), common.loading);
    view! {
        <Suspense fallback=move || {
            view! { <p>{loading}</p> }
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
    let l = crate::lang::current();
    view! {
        <form method="get" action=format!("/results/{}", view.path) class="filters">
            <div class="field">
                <label for="f-instrument">{td_string!(l, results.filter_questionnaire)}</label>
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
                <label for="f-version">{td_string!(l, results.filter_version)}</label>
                <select id="f-version" name="version">
                    <option value="">{td_string!(l, results.all_versions)}</option>
                    {view
                        .versions
                        .iter()
                        .map(|v| {
                            view! {
                                <option value=v.to_string() selected=q.version == Some(*v)>
                                    {td_string!(l, results.version_option, version = v).to_string()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-role">{td_string!(l, results.filter_role)}</label>
                <select id="f-role" name="role">
                    <option value="">{td_string!(l, results.everyone)}</option>
                    {RoleOption::all()
                        .into_iter()
                        .map(|o| {
                            view! {
                                <option value=o.as_str() selected=sel(&q.role, o.as_str())>
                                    {role_option_label(l, o)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-innovation">{td_string!(l, results.filter_innovation)}</label>
                <select id="f-innovation" name="innovation">
                    <option value="">{td_string!(l, results.innovation_any)}</option>
                    {INNOVATIONS
                        .iter()
                        .map(|k| {
                            view! {
                                <option value=*k selected=sel(&q.innovation, k)>
                                    {crate::values::innovation_label(l, k)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-language">{td_string!(l, results.filter_language)}</label>
                <select id="f-language" name="language">
                    <option value="">{td_string!(l, results.language_any)}</option>
                    {view
                        .languages
                        .iter()
                        .map(|&answered| {
                            let code = crate::lang::code(answered);
                            view! {
                                <option value=code selected=sel(&q.language, code) lang=code>
                                    {td_string!(answered, common.language_name)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            {(!view.rounds.is_empty())
                .then(|| {
                    view! {
                        <div class="field">
                            <label for="f-round">{td_string!(l, results.filter_round)}</label>
                            <select id="f-round" name="round">
                                <option value="">{td_string!(l, results.round_any)}</option>
                                {view
                                    .rounds
                                    .iter()
                                    .map(|(id, opened)| {
                                        view! {
                                            <option value=id.clone() selected=sel(&q.round, id)>
                                                {td_string!(
                                                    l, results.round_option, date = crate::lang::date(l, opened)
                                                )
                                                    .to_string()}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </div>
                    }
                })}
            <div class="field">
                <label for="f-from">{td_string!(l, results.filter_from)}</label>
                <input
                    id="f-from"
                    name="from"
                    type="month"
                    value=q.from.clone().unwrap_or_default()
                />
            </div>
            <div class="field">
                <label for="f-to">{td_string!(l, results.filter_to)}</label>
                <input id="f-to" name="to" type="month" value=q.to.clone().unwrap_or_default() />
            </div>
            <button type="submit">{td_string!(l, results.show_button)}</button>
        </form>
    }
}

#[component]
fn Results(view: ResultsView) -> impl IntoView {
    let l = crate::lang::current();
    let title = td_string!(l, results.page_title, group = &view.title).to_string();
    let body = match (&view.results, &view.withheld) {
        (Some(r), _) => view! { <Shown view=view.clone() results=r.clone() /> }.into_any(),
        (None, Some(Withheld::MoreNeeded(_))) if view.released_at.is_none() => view! {
            <p class="withheld" role="status">
                {td_string!(l, results.no_results_yet, count = view.k).to_string()}
            </p>
        }
        .into_any(),
        (None, Some(Withheld::MoreNeeded(m))) => view! {
            <p class="withheld" role="status">
                {td_string!(l, results.more_needed, count = *m, k = view.k).to_string()}
            </p>
        }
        .into_any(),
        (None, _) => view! {
            <p class="withheld" role="status">
                {td_string!(l, results.hidden_would_reveal, k = view.k).to_string()}
            </p>
        }
        .into_any(),
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
                        {td_string!(
                            l,
                            results.release_note,
                            count = view.k,
                            date = crate::lang::date(l, &at)
                        )
                            .to_string()}
                        {view
                            .together
                            .then(|| { format!(" {}", td_string!(l, results.release_together)) })}
                    </p>
                }
            })}
        <Filters view=view.clone() />
        {view
            .widened
            .then(|| {
                view! {
                    <p class="notice">
                        {td_string!(
                            l,
                            results.widened,
                            from = view
                                .query
                                .from
                                .as_deref()
                                .unwrap_or(td_string!(l, results.widened_start)),
                            to = view.query.to.as_deref().unwrap_or(td_string!(l, results.widened_now))
                        )
                            .to_string()}
                    </p>
                }
            })}
        {body}
    }
}

/// The column headers of a distribution table: the scale's labels, then "Not applicable".
fn scale_header(l: Locale, labels: &[String]) -> impl IntoView + use<> {
    let labels = labels.to_vec();
    view! {
        {labels.into_iter().map(|label| view! { <th scope="col">{label}</th> }).collect_view()}
        <th scope="col">{td_string!(l, results.col_not_applicable)}</th>
    }
}

fn distribution_cells(l: Locale, d: &Distribution, points: usize) -> impl IntoView + use<> {
    let cells: Vec<String> = (0..points)
        .map(|v| crate::lang::percent(l, chart::share(d, v)))
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
    let l = crate::lang::current();
    view! {
        <script src="/vendor/echarts.min.js"></script>
        <p class="respondents">
            {td_string!(l, results.respondents, count = results.respondents).to_string()}
        </p>
        <RankingSection lines=ranking_text(l, &results) />
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
    let l = crate::lang::current();
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
            chart::interval_chart(
                &overview_rows,
                max,
                [
                    td_string!(l, results.col_interval),
                    td_string!(l, results.col_mean),
                ],
            ),
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
            chart::gap_chart(
                &rows,
                max,
                [
                    td_string!(l, results.col_leaders),
                    td_string!(l, results.col_teachers),
                ],
            ),
            gap_height(&view.gap),
        ));
    }
    charts
}

/// Which category needs most work, in words (`lines`: the ranking, lowest first).
#[component]
fn RankingSection(lines: Vec<String>) -> impl IntoView {
    let l = crate::lang::current();
    view! {
        <section class="ranking">
            <h2>{td_string!(l, results.ranking_heading)}</h2>
            <ol>{lines.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ol>
            <p class="help">{td_string!(l, results.ranking_help)}</p>
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
    let l = crate::lang::current();
    let scale_caption = match scale_span(&labels) {
        span if span.is_empty() => td_string!(l, results.means_caption).to_string(),
        span => td_string!(l, results.means_caption_scale, scale = span).to_string(),
    };
    view! {
        <section>
            <h2>{td_string!(l, results.means_heading)}</h2>
            <div
                id="chart-means"
                class="chart"
                style=height_style(height)
                role="img"
                aria-label=td_string!(l, results.means_chart_label)
            ></div>
            <div
                class="table-wrap"
                role="region"
                aria-label=td_string!(l, results.means_caption)
                tabindex="0"
            >
                <table class="data">
                    <caption>{scale_caption}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{td_string!(l, results.col_category)}</th>
                            <th scope="col">{td_string!(l, results.col_mean)}</th>
                            <th scope="col">{td_string!(l, results.col_interval)}</th>
                            <th scope="col">{td_string!(l, results.col_answers)}</th>
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
                                                .map(|o| {
                                                    view! {
                                                        <span class="meta">
                                                            {format!(
                                                                " {}",
                                                                td_string!(l, results.other_scale, scale = scale_span(o)),
                                                            )}
                                                        </span>
                                                    }
                                                })}
                                        </th>
                                        <td class="num">
                                            {c
                                                .estimate
                                                .map(|e| fmt(l, e.mean))
                                                .unwrap_or_else(|| "–".into())}
                                        </td>
                                        <td class="num">{interval(l, &c.estimate)}</td>
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
    let l = crate::lang::current();
    view! {
        <section>
            <h2>{td_string!(l, results.distribution_heading)}</h2>
            <ScaleKey labels=labels.clone() />
            <div
                id="chart-distribution"
                class="chart"
                style=height_style(height)
                role="img"
                aria-label=td_string!(l, results.distribution_chart_label)
            ></div>
            <div
                class="table-wrap"
                role="region"
                aria-label=td_string!(l, results.distribution_caption)
                tabindex="0"
            >
                <table class="data">
                    <caption>{td_string!(l, results.distribution_caption)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{td_string!(l, results.col_category)}</th>
                            {scale_header(l, &labels)}
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
                                        {distribution_cells(l, &c.distribution, points)}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            {other_groups
                .into_iter()
                .map(|(scale, cs)| {
                    let caption = td_string!(
                        l, results.distribution_caption_scale, scale = scale_span(&scale)
                    )
                        .to_string();
                    let n = scale.len();
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
                                        <th scope="col">{td_string!(l, results.col_category)}</th>
                                        {scale_header(l, &scale)}
                                    </tr>
                                </thead>
                                <tbody>
                                    {cs
                                        .iter()
                                        .map(|c| {
                                            view! {
                                                <tr>
                                                    <th scope="row">{c.title.clone()}</th>
                                                    {distribution_cells(l, &c.distribution, n)}
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
    let l = crate::lang::current();
    view! {
        <section class="category-results">
            <h2>{c.title.clone()}</h2>
            <ScaleKey labels=own.clone() />
            <div
                id=format!("chart-sub-{i}")
                class="chart"
                style=height_style(height)
                role="img"
                aria-label=td_string!(l, results.sub_chart_label, category = &c.title).to_string()
            ></div>
            <div class="table-wrap" role="region" aria-label=c.title.clone() tabindex="0">
                <table class="data">
                    <thead>
                        <tr>
                            <th scope="col">{td_string!(l, results.col_subcategory)}</th>
                            <th scope="col">{td_string!(l, results.col_mean)}</th>
                            <th scope="col">{td_string!(l, results.col_interval)}</th>
                            {scale_header(l, &own)}
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
                                                .map(|e| fmt(l, e.mean))
                                                .unwrap_or_else(|| "–".into())}
                                        </td>
                                        <td class="num">{interval(l, &s.estimate)}</td>
                                        {distribution_cells(l, &s.distribution, own_points)}
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
pub(crate) fn FreeTextSection(text: FreeText) -> impl IntoView {
    let l = crate::lang::current();
    match text {
        FreeText::NoQuestions => ().into_any(),
        FreeText::Withheld(w) => view! {
            <section class="free-text">
                <h2>{td_string!(l, results.written_heading)}</h2>
                <p class="withheld">
                    {match w {
                        Withheld::MoreNeeded(m) => {
                            td_string!(
                                l, results.written_more_needed, count = m, from = FREE_TEXT_K
                            )
                                .to_string()
                        }
                        Withheld::WouldReveal => {
                            td_string!(l, results.written_would_reveal).to_string()
                        }
                    }}
                </p>
            </section>
        }
        .into_any(),
        FreeText::Shown(questions) => view! {
            <section class="free-text">
                <h2>{td_string!(l, results.written_heading)}</h2>
                <p class="help">{td_string!(l, results.written_help)}</p>
                {questions
                    .into_iter()
                    .map(|(q, answers)| {
                        view! {
                            <h3>{q}</h3>
                            {if answers.is_empty() {
                                view! { <p class="meta">{td_string!(l, results.no_answers)}</p> }
                                    .into_any()
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
        }
        .into_any(),
    }
}

#[component]
fn GapSection(gap: Gap, k: i64) -> impl IntoView {
    let height = gap_height(&gap);
    let l = crate::lang::current();
    match gap {
        Gap::NotApplicable => ().into_any(),
        Gap::Withheld => view! {
            <section class="gap">
                <h2>{td_string!(l, results.gap_heading)}</h2>
                <p class="withheld">{td_string!(l, results.gap_withheld, count = k).to_string()}</p>
            </section>
        }
        .into_any(),
        Gap::Shown(rows) => view! {
            <section class="gap">
                <h2>{td_string!(l, results.gap_heading)}</h2>
                <div
                    id="chart-gap"
                    class="chart"
                    style=height_style(height)
                    role="img"
                    aria-label=td_string!(l, results.gap_chart_label)
                ></div>
                <div
                    class="table-wrap"
                    role="region"
                    aria-label=td_string!(l, results.gap_heading)
                    tabindex="0"
                >
                    <table class="data">
                        <thead>
                            <tr>
                                <th scope="col">{td_string!(l, results.col_category)}</th>
                                <th scope="col">{td_string!(l, results.col_leaders)}</th>
                                <th scope="col">{td_string!(l, results.col_teachers)}</th>
                                <th scope="col">{td_string!(l, results.col_gap)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows
                                .into_iter()
                                .map(|r| {
                                    let gap = match (r.leaders, r.teachers) {
                                        (Some(lead), Some(t)) => crate::lang::signed(l, t - lead, 2),
                                        _ => "–".into(),
                                    };
                                    view! {
                                        <tr>
                                            <th scope="row">{r.category}</th>
                                            <td class="num">
                                                {r
                                                    .leaders
                                                    .map(|v| fmt(l, v))
                                                    .unwrap_or_else(|| "–".into())}
                                            </td>
                                            <td class="num">
                                                {r
                                                    .teachers
                                                    .map(|v| fmt(l, v))
                                                    .unwrap_or_else(|| "–".into())}
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
        }
        .into_any(),
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
        <Title text=td_string!(crate::lang::current(), results.comparison_title) />
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
    let l = crate::lang::current();
    view! {
        <script src="/vendor/echarts.min.js"></script>
        <Charts charts />
        <h1>{td_string!(l, results.comparison_heading)}</h1>
        <p class="lead">{c.instrument_title.clone()}</p>
        <form method="get" action="/results/countries" class="filters">
            <div class="field">
                <label for="c-instrument">{td_string!(l, results.filter_questionnaire)}</label>
                <select id="c-instrument" name="instrument">
                    <option
                        value="networking-baseline"
                        selected=c.instrument_id == "networking-baseline"
                    >
                        {td_string!(l, results.instrument_networking)}
                    </option>
                    <option
                        value="leadership-reflection"
                        selected=c.instrument_id == "leadership-reflection"
                    >
                        {td_string!(l, results.instrument_leadership)}
                    </option>
                </select>
            </div>
            <button type="submit">{td_string!(l, results.show_button)}</button>
        </form>
        {(c.withheld_countries > 0)
            .then(|| {
                view! {
                    <p class="notice">
                        {td_string!(
                            l, results.countries_withheld, count = c.withheld_countries, k = c.k
                        )
                            .to_string()}
                    </p>
                }
            })}
        {if columns.is_empty() {
            view! {
                <p class="withheld">
                    {td_string!(l, results.no_group_yet, count = c.k).to_string()}
                </p>
            }
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
                                aria-label=td_string!(l, results.comparison_chart_label)
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
                                            <th scope="col">{td_string!(l, results.col_answer)}</th>
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
                                                            crate::lang::percent(
                                                                l,
                                                                100.0 * col[o] as f64 / total as f64,
                                                            )
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
