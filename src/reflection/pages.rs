//! The respondent's pages: start, context, category pages, profile.
use super::api::*;
use super::model::*;
use crate::app::ErrorBox;
use crate::error::AppError;
use crate::instrument::{Item, ItemType, NOT_APPLICABLE, Scale};
use crate::ui::{FormError, form_error, render_charts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use std::collections::BTreeMap;

#[component]
pub fn HomePage() -> impl IntoView {
    let instruments = Resource::new(|| (), |_| list_instruments());
    view! {
        <Title text="Reflect – leadership reflection" />
        <h1>"Reflect on how an innovation is led in your school"</h1>
        <p class="lead">
            "Pick one innovation in your school – such as data use or a professional learning network – "
            "and answer a few statements per leadership category. It takes 10–15 minutes. "
            "At the end you see which category needs the most work. No account needed."
        </p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match instruments.await {
                    Ok(list) => view! {
                        <h2>"Choose a questionnaire"</h2>
                        <ul class="cards">
                            {list.into_iter().map(|i| view! {
                                <li class="card">
                                    <h3>{i.title.clone()}</h3>
                                    <p>{i.description.clone()}</p>
                                    <p class="meta">{format!("{} categories · {} questions", i.categories.len(), i.items)}</p>
                                    <A href=format!("/start/{}", i.id) attr:class="button">{format!("Start: {}", i.title)}</A>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                }
            })}
        </Suspense>
        <section class="resume">
            <h2>"Continue a reflection"</h2>
            <form method="get" action="/resume">
                <label for="link">"Your private link"</label>
                <input id="link" name="link" type="text" autocomplete="off" placeholder="https://…/r/…" />
                <button type="submit">"Continue"</button>
            </form>
        </section>
    }
}

#[component]
pub fn StartPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("instrument").unwrap_or_default();
    let instrument = Resource::new(id, get_instrument);
    let start = ServerAction::<StartReflection>::new();
    let error = form_error(start.value(), "error");
    let query = use_query_map();
    let workshop = move || query.read().get("workshop").unwrap_or_default();
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match instrument.await {
                    Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    Ok(i) => view! {
                        <Title text=format!("Start – {}", i.title) />
                        <h1>{i.title.clone()}</h1>
                        <p>{i.description.clone()}</p>
                        {i.notice.clone().map(|n| view! { <p class="notice">{n}</p> })}
                        <FormError message=Signal::derive(error) />
                        <ActionForm action=start attr:class="context-form">
                            <input type="hidden" name="instrument" value=i.id.clone() />
                            <input type="hidden" name="workshop" value=workshop />
                            {move || (!workshop().is_empty()).then(|| view! {
                                <p class="notice">{format!(
                                    "You are joining workshop {}: you reflect on the categories the facilitator chose.",
                                    crate::workshops::codes::display(&workshop())
                                )}</p>
                            })}
                            <fieldset>
                                <legend>"Your role"</legend>
                                {ROLES.iter().map(|(k, l)| view! {
                                    <label class="choice">
                                        <input type="radio" name="role" value=*k required=true />
                                        {*l}
                                    </label>
                                }).collect_view()}
                            </fieldset>
                            <fieldset>
                                <legend>"The innovation you reflect on"</legend>
                                {INNOVATIONS.iter().map(|(k, l)| view! {
                                    <label class="choice">
                                        <input type="radio" name="innovation" value=*k required=true />
                                        {*l}
                                    </label>
                                }).collect_view()}
                                <label for="innovation_detail">"In a few words (needed for “Other”)"</label>
                                <input id="innovation_detail" name="innovation_detail" type="text" maxlength=MAX_INNOVATION_DETAIL />
                            </fieldset>
                            <div class="field">
                                <label for="school_code">"School code (optional)"</label>
                                <input id="school_code" name="school_code" type="text" maxlength="16" autocomplete="off" aria-describedby="school_code_help" />
                                <p class="help" id="school_code_help">"If your school or workshop gave you a code, enter it; otherwise leave it empty."</p>
                            </div>
                            <fieldset>
                                <legend>"May your anonymous answers be used for research?"</legend>
                                <label class="choice"><input type="radio" name="consent" value="yes" required=true />"Yes"</label>
                                <label class="choice"><input type="radio" name="consent" value="no" required=true />"No"</label>
                            </fieldset>
                            <button type="submit" class="primary">"Start the reflection"</button>
                        </ActionForm>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn ResumeFormPage() -> impl IntoView {
    let query = use_query_map();
    // accept a whole link or only the token
    let token = move || {
        let link = query.read().get("link").unwrap_or_default();
        link.trim()
            .trim_end_matches('/')
            .rsplit('/')
            .find(|p| p.len() == 48)
            .map(str::to_string)
    };
    view! {
        {move || match token() {
            Some(t) => view! { <Redirect path=format!("/r/{t}") /> }.into_any(),
            None => view! {
                <ErrorBox error=AppError::unknown_reflection() />
            }.into_any(),
        }}
    }
}

#[component]
pub fn ResumePage() -> impl IntoView {
    let params = use_params_map();
    let target = Resource::new(
        move || params.read().get("token").unwrap_or_default(),
        resume_target,
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match target.await {
                    Ok(url) => view! { <Redirect path=url /> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn CategoryPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        let p = params.read();
        (
            p.get("token").unwrap_or_default(),
            p.get("n")
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(0),
        )
    };
    let page = Resource::new(key, |(token, n)| get_category(token, n));
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(view) => view! { <CategoryForm view /> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CategoryForm(view: CategoryView) -> impl IntoView {
    let submit = ServerAction::<SubmitCategory>::new();
    let action_error = form_error(submit.value(), "error");
    let save_error = RwSignal::new(None::<String>);
    let status = RwSignal::new(String::new());
    let answered = RwSignal::new(view.answered_items);
    let item_ids: Vec<String> = view.category.items().map(|i| i.id.clone()).collect();
    let done = RwSignal::new(
        view.answers
            .keys()
            .cloned()
            .collect::<std::collections::HashSet<String>>(),
    );
    let stay = RwSignal::new(false);
    let (index, total, token) = (view.index, view.total, view.token.clone());
    let last = index == total;
    let finished = view.status == Status::Finished;
    let navigate = use_navigate();

    // Hydrated: every change is saved at once; when the page is complete, move on by itself.
    let save = {
        let token = token.clone();
        let item_ids = item_ids.clone();
        move |item: String, value: String| {
            let token = token.clone();
            let item_ids = item_ids.clone();
            let navigate = navigate.clone();
            leptos::task::spawn_local(async move {
                status.set("Saving…".into());
                match save_answer(token.clone(), item.clone(), value.clone()).await {
                    Ok(outcome) => {
                        save_error.set(None);
                        answered.set(outcome.answered_items);
                        done.update(|d| {
                            if value.trim().is_empty() {
                                d.remove(&item);
                            } else {
                                d.insert(item.clone());
                            }
                        });
                        let complete = item_ids.iter().all(|i| done.read_untracked().contains(i));
                        if complete && !last && !stay.get_untracked() {
                            status.set("All answered – moving on to the next category…".into());
                            let url = format!("/r/{token}/c/{}", index + 1);
                            set_timeout(
                                move || {
                                    if !stay.get_untracked() {
                                        navigate(&url, Default::default());
                                    }
                                },
                                std::time::Duration::from_millis(900),
                            );
                        } else if complete && last {
                            status.set("All answered – press “Finish” to see your profile.".into());
                        } else {
                            status.set("Saved.".into());
                        }
                    }
                    Err(e) => {
                        status.set(String::new());
                        save_error.set(Some(e.to_string()));
                    }
                }
            });
        }
    };
    let error = Signal::derive(move || save_error.get().or_else(action_error));
    let progress_pct = move || {
        (answered.get() * 100)
            .checked_div(view.total_items)
            .unwrap_or(0)
    };
    let category = view.category.clone();
    let answers = view.answers.clone();
    let scales = view.scales.clone();
    view! {
        <Title text=format!("{} – {}", category.title, view.instrument_title) />
        <nav class="progress" aria-label="Progress">
            <p>
                {format!("{} · category {index} of {total}", view.instrument_title)}
                " · " <span>{move || format!("{} of {} questions answered", answered.get(), view.total_items)}</span>
            </p>
            <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100"
                aria-valuenow=move || progress_pct().to_string() aria-label="Questions answered">
                <div class="fill" style=move || format!("width: {}%", progress_pct())></div>
            </div>
        </nav>
        <h1>{category.title.clone()}</h1>
        <p class="purpose">{category.purpose.clone()}</p>
        {finished.then(|| view! {
            <div class="notice" role="status">
                <p>"This reflection is finished; answers can no longer be changed. "
                <A href=format!("/r/{}/profile", view.token)>"See your profile"</A></p>
            </div>
        })}
        <FormError message=error />
        <ActionForm action=submit attr:class="category-form" attr:novalidate=true>
            <input type="hidden" name="token" value=token.clone() />
            <input type="hidden" name="index" value=index.to_string() />
            {category.subcategories.iter().map(|sub| {
                let save = save.clone();
                view! {
                    <section class="subcategory">
                        <h2>{sub.title.clone()}</h2>
                        {sub.items.iter().map(|item| view! {
                            <ItemInput item=item.clone() value=answers.get(&item.id).cloned()
                                scale=item.scale.as_ref().and_then(|s| scales.get(s)).cloned()
                                disabled=finished save=save.clone() />
                        }).collect_view()}
                    </section>
                }
            }).collect_view()}
            {category.reflection_prompt.clone().map(|prompt| view! {
                <div class="field reflection-note">
                    <label for="note">{prompt}" (optional)"</label>
                    <textarea id="note" name="note" rows="4" maxlength=MAX_NOTE disabled=finished
                        on:focus=move |_| stay.set(true)>{view.note.clone().unwrap_or_default()}</textarea>
                </div>
            })}
            <p class="save-status" role="status" aria-live="polite">{move || status.get()}</p>
            <div class="buttons">
                {(index > 1).then(|| view! { <button type="submit" name="go" value="back">"Back"</button> })}
                {if last {
                    view! { <button type="submit" name="go" value="finish" class="primary" disabled=finished>"Finish and see my profile"</button> }.into_any()
                } else {
                    view! { <button type="submit" name="go" value="next" class="primary">"Next category"</button> }.into_any()
                }}
            </div>
        </ActionForm>
        <aside class="resume-link">
            <h2>"Your private link"</h2>
            <p>"Keep this link to continue later on any device. Anyone who has it can see and change your answers."</p>
            <p><a href=format!("/r/{}", view.token) class="private-link">{view.resume_url.clone()}</a></p>
        </aside>
    }
}

#[component]
fn ItemInput(
    item: Item,
    value: Option<String>,
    scale: Option<Scale>,
    disabled: bool,
    save: impl Fn(String, String) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let id = item.id.clone();
    let name = format!("answers[{id}]");
    let help = item.help.clone().map(|h| view! { <p class="help">{h}</p> });
    let on_change = {
        let (save, id) = (save.clone(), id.clone());
        move |ev: leptos::ev::Event| save(id.clone(), event_target_value(&ev))
    };
    match item.kind {
        ItemType::Likert | ItemType::SingleChoice => {
            let mut options: Vec<(String, String)> = match (&item.kind, &scale) {
                (ItemType::Likert, Some(s)) => s.labels.iter().enumerate().map(|(i, l)| ((i + 1).to_string(), l.clone())).collect(),
                _ => item.options.iter().map(|o| (o.value.clone(), o.label.clone())).collect(),
            };
            if let Some(na) = scale.as_ref().and_then(|s| s.not_applicable.clone()) {
                options.push((NOT_APPLICABLE.to_string(), na));
            }
            let class = if item.kind == ItemType::Likert { "item likert" } else { "item choice-list" };
            view! {
                <fieldset class=class id=format!("item-{id}")>
                    <legend>{item.text.clone()}</legend>
                    {help}
                    <div class="options">
                        {options.into_iter().map(|(v, l)| {
                            let checked = value.as_deref() == Some(v.as_str());
                            view! {
                                <label class="option">
                                    <input type="radio" name=name.clone() value=v checked=checked disabled=disabled on:change=on_change.clone() />
                                    <span>{l}</span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
            }.into_any()
        }
        ItemType::MultipleChoice => {
            let chosen: Vec<String> = value.unwrap_or_default().split(',').map(str::to_string).collect();
            let boxes = StoredValue::new(Vec::<(String, NodeRef<leptos::html::Input>)>::new());
            let collect = {
                let (save, id) = (save.clone(), id.clone());
                move |_| {
                    let joined = boxes.with_value(|b| {
                        b.iter().filter(|(_, r)| r.get_untracked().is_some_and(|el| el.checked())).map(|(v, _)| v.clone()).collect::<Vec<_>>().join(",")
                    });
                    save(id.clone(), joined);
                }
            };
            let hint = item.max_choices.map(|m| view! { <p class="help">{format!("Choose at most {m}.")}</p> });
            view! {
                <fieldset class="item choice-list" id=format!("item-{id}")>
                    <legend>{item.text.clone()}</legend>
                    {help}{hint}
                    <div class="options">
                        {item.options.iter().map(|o| {
                            let node = NodeRef::<leptos::html::Input>::new();
                            boxes.update_value(|b| b.push((o.value.clone(), node)));
                            view! {
                                <label class="option">
                                    <input type="checkbox" node_ref=node name=format!("multi[{id}][{}]", o.value) value="on"
                                        checked=chosen.contains(&o.value) disabled=disabled on:change=collect.clone() />
                                    <span>{o.label.clone()}</span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
            }.into_any()
        }
        ItemType::Number => {
            let unit = item.unit.clone().map(|u| view! { <span class="unit">{u}</span> });
            view! {
                <div class="item field" id=format!("item-{id}")>
                    <label for=format!("in-{id}")>{item.text.clone()}</label>
                    {help}
                    <input id=format!("in-{id}") type="number" name=name inputmode="numeric"
                        min=item.min.map(|m| m.to_string()) max=item.max.map(|m| m.to_string())
                        step=if item.integer.unwrap_or(true) { "1" } else { "any" }
                        value=value.unwrap_or_default() disabled=disabled on:change=on_change />
                    {unit}
                </div>
            }.into_any()
        }
        ItemType::LongText => view! {
            <div class="item field" id=format!("item-{id}")>
                <label for=format!("in-{id}")>{item.text.clone()}</label>
                {help}
                <textarea id=format!("in-{id}") name=name rows="4" maxlength=item.text_limit() disabled=disabled
                    on:change=on_change>{value.unwrap_or_default()}</textarea>
            </div>
        }.into_any(),
        ItemType::ShortText | ItemType::OneWord => view! {
            <div class="item field" id=format!("item-{id}")>
                <label for=format!("in-{id}")>{item.text.clone()}</label>
                {help}
                <input id=format!("in-{id}") type="text" name=name maxlength=item.text_limit() disabled=disabled
                    value=value.unwrap_or_default() on:change=on_change />
            </div>
        }.into_any(),
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let params = use_params_map();
    let profile = Resource::new(
        move || params.read().get("token").unwrap_or_default(),
        get_profile,
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(p) if p.status == Status::InProgress => view! {
                        <Title text="Not finished yet – Reflect" />
                        <h1>"Your reflection is not finished yet"</h1>
                        <p><A href=format!("/r/{}/c/{}", p.token, p.first_open_category) attr:class="button">"Continue where you left off"</A></p>
                    }.into_any(),
                    Ok(p) => view! { <Profile view=p /> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn fmt_mean(m: Option<f64>) -> String {
    m.map(|m| format!("{m:.2}")).unwrap_or_else(|| "–".into())
}

#[component]
fn Profile(view: ProfileView) -> impl IntoView {
    let plan_action = ServerAction::<SaveActionPlan>::new();
    let plan_error = form_error(plan_action.value(), "plan_error");
    let delete_action = ServerAction::<DeleteReflection>::new();
    let delete_error = form_error(delete_action.value(), "delete_error");
    let query = use_query_map();
    let plan_value = plan_action.value();
    let saved = move || {
        plan_value.with(|v| matches!(v, Some(Ok(())))) || query.read().get("saved").is_some()
    };
    let p = view.profile.clone();
    let weakest = super::scoring::join_names(&view.weakest_titles);
    let verdict = match view.weakest_titles.len() {
        0 => "You gave no scored answers, so no category stands out.".to_string(),
        1 => format!("Needs most work: {weakest}"),
        _ => format!("Need most work, equally low: {weakest}"),
    };
    let charts = StoredValue::new(
        std::iter::once((
            "chart-overview".to_string(),
            super::chart::overview_chart(&p),
            300,
        ))
        .chain((0..p.categories.len()).filter_map(|i| {
            super::chart::category_chart(&p, i).map(|c| (format!("chart-cat-{i}"), c, 200))
        }))
        .collect::<Vec<_>>(),
    );
    Effect::new(move |_| {
        charts.with_value(|c| render_charts(c.clone()));
    });
    let (token_plan, token_delete) = (view.token.clone(), view.token.clone());
    let (shown, hidden): (Vec<Comparison>, Vec<Comparison>) = view
        .comparisons
        .iter()
        .cloned()
        .partition(|c| c.more_needed == 0 && !c.would_reveal);
    let max = p.scale_max;
    let labels: BTreeMap<usize, String> = view
        .scale_labels
        .iter()
        .enumerate()
        .map(|(i, l)| (i + 1, l.clone()))
        .collect();
    view! {
        <Title text=format!("Your profile – {}", view.instrument_title) />
        // ECharts, served by the app itself; loaded only on this page.
        <script src="/vendor/echarts.min.js"></script>
        <h1>"Your leadership profile"</h1>
        <p class="meta">{format!("{} (version {}) · innovation: {}", view.instrument_title, view.instrument_version, view.innovation)}</p>
        <div class="verdict" id="weakest">
            <p class="verdict-title">{verdict}</p>
            <p>{format!("Means are on the answer scale from 1 ({}) to {max} ({}); “don't know / not applicable” is left out.",
                labels.get(&1).cloned().unwrap_or_default(), labels.get(&(max as usize)).cloned().unwrap_or_default())}</p>
        </div>
        {view.room.clone().map(|q| view! { <RoomSection q=q token=view.token.clone() /> })}
        <section>
            <h2>"All categories"</h2>
            <div id="chart-overview" class="chart" role="img" aria-label="Bar chart of your mean per category. The table below shows the same numbers."></div>
            <table class="data">
                <caption>"Your mean per category (the lowest is marked)"</caption>
                <thead><tr>
                    <th scope="col">"Category"</th><th scope="col">"Your mean"</th><th scope="col">"Answered"</th><th scope="col">"Not applicable"</th>
                    {shown.iter().map(|c| view! { <th scope="col">{format!("{} (n = {})", c.label, c.respondents)}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {p.categories.iter().enumerate().map(|(i, c)| {
                        let low = p.weakest.contains(&c.id);
                        view! {
                            <tr class:weakest=low>
                                <th scope="row">{c.title.clone()}{low.then_some(" (needs most work)")}</th>
                                <td>{fmt_mean(c.mean)}</td>
                                <td>{c.tally.n}</td>
                                <td>{c.not_applicable}</td>
                                {shown.iter().map(|g| view! { <td>{fmt_mean(g.means.get(i).copied().flatten())}</td> }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {hidden.iter().map(|g| view! {
                <p class="meta comparison-hidden">{if g.would_reveal {
                    format!(
                        "{}: hidden for now, because beside the other results it would reveal the answers of a smaller group.",
                        g.label
                    )
                } else {
                    format!(
                        "{}: shown from {} respondents, to keep answers anonymous ({} more needed).",
                        g.label, g.respondents + g.more_needed, g.more_needed
                    )
                }}</p>
            }).collect_view()}
        </section>
        <section class="statements">
            <h2>"What lies behind it"</h2>
            {if view.weakest_statements.is_empty() {
                view! { <p>"No statements to show."</p> }.into_any()
            } else {
                view! {
                    <p>{format!("Your answers to the statements of {weakest}, lowest first:")}</p>
                    <table class="data">
                        <caption>"Statements in the category that needs most work"</caption>
                        <thead><tr><th scope="col">"Statement"</th><th scope="col">"Part"</th><th scope="col">"Your answer"</th></tr></thead>
                        <tbody>
                            {view.weakest_statements.iter().map(|s| view! {
                                <tr><td>{s.text.clone()}</td><td>{s.subcategory.clone()}</td><td>{s.answer.clone()}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
        <section class="per-category">
            <h2>"Category by category"</h2>
            {p.categories.iter().enumerate().map(|(i, c)| view! {
                <div class="category-result">
                    <h3>{c.title.clone()}{format!(" – mean {}", fmt_mean(c.mean))}</h3>
                    <div id=format!("chart-cat-{i}") class="chart small" role="img"
                        aria-label=format!("Bar chart of your means in {}. The table next to it shows the same numbers.", c.title)></div>
                    <table class="data">
                        <caption>{format!("{}: mean per part", c.title)}</caption>
                        <thead><tr><th scope="col">"Part"</th><th scope="col">"Mean"</th><th scope="col">"Answered"</th></tr></thead>
                        <tbody>
                            {c.subcategories.iter().map(|s| view! {
                                <tr><th scope="row">{s.title.clone()}</th><td>{fmt_mean(s.mean)}</td><td>{s.tally.n}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }).collect_view()}
        </section>
        {(!view.notes.is_empty()).then(|| view! {
            <section>
                <h2>"Your reflections"</h2>
                <dl>
                    {view.notes.iter().map(|(t, n)| view! { <dt>{t.clone()}</dt><dd class="note">{n.clone()}</dd> }).collect_view()}
                </dl>
            </section>
        })}
        <section id="action-plan" class="action-plan">
            <h2>"Your action plan"</h2>
            <FormError message=Signal::derive(plan_error) />
            <Show when=saved><p class="ok" role="status">"Your action plan is saved."</p></Show>
            <ActionForm action=plan_action>
                <input type="hidden" name="token" value=token_plan />
                <label for="plan">{format!("One or two concrete steps for {} in the coming months", if weakest.is_empty() { "your school".to_string() } else { weakest.clone() })}</label>
                <textarea id="plan" name="plan" rows="5" maxlength=MAX_ACTION_PLAN>{view.action_plan.clone().unwrap_or_default()}</textarea>
                <button type="submit">"Save my action plan"</button>
            </ActionForm>
        </section>
        <section class="no-print">
            <h2>"Print or keep"</h2>
            <p>"Use your browser's Print command to print this page or save it as a PDF; the layout is made for paper."</p>
            <p>"Your private link: " <a href=format!("/r/{}", view.token) class="private-link">{view.resume_url.clone()}</a></p>
        </section>
        <section class="danger no-print">
            <h2>"Delete my answers"</h2>
            <FormError message=Signal::derive(delete_error) />
            <ActionForm action=delete_action>
                <input type="hidden" name="token" value=token_delete />
                <label class="choice"><input type="checkbox" name="confirm" value="yes" />"Yes, delete all my answers and this profile for good."</label>
                <button type="submit" class="danger">"Delete all my answers"</button>
            </ActionForm>
        </section>
    }
}

/// A workshop participant's answers for the room: which category needs most work, one word.
#[component]
fn RoomSection(q: crate::workshops::model::RoomQuestions, token: String) -> impl IntoView {
    let action = ServerAction::<crate::workshops::api::AnswerRoom>::new();
    let error = form_error(action.value(), "room_error");
    let query = use_query_map();
    let value = action.value();
    let saved = move || {
        value.with(|v| matches!(v, Some(Ok(())))) || query.read().get("room_saved").is_some()
    };
    let poll_answer = q.poll_answer.clone();
    view! {
        <section id="room" class="room">
            <h2>{format!("For the room: {}", q.workshop_title)}</h2>
            {if q.open {
                view! {
                    <FormError message=Signal::derive(error) />
                    <Show when=saved><p class="ok" role="status">"Thank you: the room sees your answers together with everyone else's."</p></Show>
                    <ActionForm action=action>
                        <input type="hidden" name="token" value=token />
                        {(!q.poll_options.is_empty()).then(|| view! {
                            <fieldset>
                                <legend>"Which category needs most work in your school?"</legend>
                                {q.poll_options.iter().map(|(id, title)| view! {
                                    <label class="choice">
                                        <input type="radio" name="poll" value=id.clone() checked=poll_answer.as_deref() == Some(id.as_str()) />
                                        {title.clone()}
                                    </label>
                                }).collect_view()}
                            </fieldset>
                        })}
                        {q.word_prompt.clone().map(|p| view! {
                            <div class="field">
                                <label for="room-word">{p}</label>
                                <input id="room-word" name="word" type="text" autocomplete="off"
                                    maxlength=crate::workshops::model::MAX_WORD value=q.word_answer.clone().unwrap_or_default() />
                                <p class="help">"One word. It is shown in the room's word cloud, without your name."</p>
                            </div>
                        })}
                        <button type="submit" class="primary">"Send to the room"</button>
                    </ActionForm>
                }.into_any()
            } else {
                view! { <p class="withheld">"The workshop is closed."</p> }.into_any()
            }}
        </section>
    }
}

#[component]
pub fn DeletedPage() -> impl IntoView {
    view! {
        <Title text="Answers deleted – Reflect" />
        <h1>"Your answers are deleted"</h1>
        <p>"Your reflection, its answers and its action plan are gone from Reflect. The private link no longer works."</p>
        <p><A href="/">"Start a new reflection"</A></p>
    }
}
