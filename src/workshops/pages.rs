//! Facilitator pages (their workshops, one workshop with its code and QR code) and the
//! participant's join page.
use super::api::*;
use super::codes;
use super::model::*;
use crate::accounts::pages::SignedInBar;
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang::Locale;
use crate::ui::{FormError, Loaded, form_error, island_form_error, query_error};
use crate::values::YesNo;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn WorkshopsPage() -> impl IntoView {
    let l = crate::lang::current();
    let create = ServerAction::<CreateWorkshop>::new();
    let error = form_error(create.value(), "error");
    let data = Resource::new(
        move || create.version().get(),
        |_| async {
            let user = crate::accounts::api::whoami()
                .await?
                .ok_or_else(AppError::sign_in)?;
            Ok::<_, AppError>((user, list_workshops().await?))
        },
    );
    view! {
        <Title text=td_string!(l, workshops.list_title) />
        <Loaded
            load=move || data
            children=move |(user, list)| {
                view! {
                    <SignedInBar user=user />
                    <h1>{td_string!(l, workshops.list_heading)}</h1>
                    {if list.workshops.is_empty() {
                        view! { <p>{td_string!(l, workshops.no_workshops)}</p> }.into_any()
                    } else {
                        view! {
                            <div
                                class="table-wrap"
                                role="region"
                                aria-label=td_string!(l, workshops.your_workshops)
                                tabindex="0"
                            >
                                <table class="data">
                                    <caption class="visually-hidden">
                                        {td_string!(l, workshops.your_workshops)}
                                    </caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">{td_string!(l, workshops.col_workshop)}</th>
                                            <th scope="col">
                                                {td_string!(l, workshops.col_join_code)}
                                            </th>
                                            <th scope="col">{td_string!(l, workshops.col_status)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list
                                            .workshops
                                            .iter()
                                            .map(|(id, title, code, status)| {
                                                view! {
                                                    <tr>
                                                        <td>
                                                            <a href=format!("/workshops/{id}")>{title.clone()}</a>
                                                        </td>
                                                        <td class="code">{codes::display(code)}</td>
                                                        <td>{status_name(l, *status)}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                            .into_any()
                    }}
                    <h2>{td_string!(l, workshops.new_heading)}</h2>
                    <FormError message=Signal::derive(error) />
                    <ActionForm action=create attr:class="admin-form">
                        <div class="field">
                            <label for="w-title">{td_string!(l, workshops.title_label)}</label>
                            <input
                                id="w-title"
                                name="title"
                                type="text"
                                required=true
                                maxlength=MAX_TITLE
                            />
                        </div>
                        <div class="field">
                            <label for="w-instrument">
                                {td_string!(l, workshops.questionnaire_label)}
                            </label>
                            <select id="w-instrument" name="instrument">
                                {list
                                    .instruments
                                    .iter()
                                    .map(|i| {
                                        view! {
                                            <option value=i.id.clone()>{i.title.clone()}</option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </div>
                        {list
                            .instruments
                            .iter()
                            .map(|i| {
                                view! {
                                    <fieldset>
                                        <legend>
                                            {td_string!(
                                                l, workshops.categories_legend, title = i.title.clone()
                                            )
                                                .to_string()}
                                        </legend>
                                        {i
                                            .categories
                                            .iter()
                                            .map(|c| {
                                                view! {
                                                    <label class="choice">
                                                        <input
                                                            type="checkbox"
                                                            name=format!("categories[{}]", c.id)
                                                            value="yes"
                                                        />
                                                        {c.title.clone()}
                                                    </label>
                                                    <details class="parts">
                                                        <summary>
                                                            {td_string!(
                                                                l, workshops.some_parts, category = c.title.clone()
                                                            )
                                                                .to_string()}
                                                        </summary>
                                                        <p class="help">{td_string!(l, workshops.parts_help)}</p>
                                                        {c
                                                            .parts
                                                            .iter()
                                                            .map(|(key, title)| {
                                                                view! {
                                                                    <label class="choice">
                                                                        <input
                                                                            type="checkbox"
                                                                            name=format!("parts[{key}]")
                                                                            value="yes"
                                                                        />
                                                                        {title.clone()}
                                                                    </label>
                                                                }
                                                            })
                                                            .collect_view()}
                                                    </details>
                                                }
                                            })
                                            .collect_view()}
                                    </fieldset>
                                }
                            })
                            .collect_view()}
                        <label class="choice">
                            <input type="checkbox" name="ask_poll" value="yes" checked=true />
                            {td_string!(l, workshops.ask_poll)}
                        </label>
                        <div class="field">
                            <label for="w-word">{td_string!(l, workshops.word_label)}</label>
                            <input
                                id="w-word"
                                name="word_prompt"
                                type="text"
                                maxlength=MAX_WORD_PROMPT
                                placeholder=td_string!(l, workshops.word_placeholder)
                            />
                        </div>
                        <button type="submit" class="primary">
                            {td_string!(l, workshops.create_button)}
                        </button>
                    </ActionForm>
                }
                    .into_any()
            }
        />
    }
}

#[component]
pub fn WorkshopPage() -> impl IntoView {
    let l = crate::lang::current();
    let params = use_params_map();
    let status = ServerAction::<SetWorkshopStatus>::new();
    let error = form_error(status.value(), "error");
    let room_error = query_error("error");
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                status.version().get(),
            )
        },
        |(id, _)| async move {
            let w = get_workshop(id.clone()).await?;
            let room = get_room(id).await?;
            Ok::<_, AppError>((w, room))
        },
    );
    view! {
        <Loaded
            load=move || data
            children=move |(w, room)| {
                let open = w.status == WorkshopStatus::Open;
                view! {
                    <Title text=td_string!(l, workshops.workshop_title, title = w.title.clone())
                        .to_string() />
                    <p>
                        <a href="/workshops">{td_string!(l, workshops.all_workshops)}</a>
                    </p>
                    <h1>{w.title.clone()}</h1>
                    <p class="lead">{w.instrument_title.clone()}</p>
                    <section class="join-panel">
                        <p>
                            {td_string!(l, workshops.join_at)} " "
                            <strong>{join_page(&w.join_url)}</strong> " "
                            {td_string!(l, workshops.with_the_code)}
                        </p>
                        <p class="join-code">{codes::display(&w.code)}</p>
                        <div class="qr" inner_html=w.qr_svg.clone()></div>
                        <p class="help">
                            {td_string!(l, workshops.qr_opens, url = w.join_url.clone())
                                .to_string()}
                        </p>
                    </section>
                    <p class=if open { "ok" } else { "withheld" } role="status">
                        {if open {
                            td_string!(l, workshops.open_status)
                        } else {
                            td_string!(l, workshops.closed_status)
                        }}
                    </p>
                    <FormError message=Signal::derive(error) />
                    <ActionForm action=status>
                        <input type="hidden" name="id" value=w.id.clone() />
                        <input
                            type="hidden"
                            name="status"
                            value=if open {
                                WorkshopStatus::Closed.as_str()
                            } else {
                                WorkshopStatus::Open.as_str()
                            }
                        />
                        <button type="submit">
                            {if open {
                                td_string!(l, workshops.close_button)
                            } else {
                                td_string!(l, workshops.reopen_button)
                            }}
                        </button>
                    </ActionForm>
                    <h2>{td_string!(l, workshops.categories_heading)}</h2>
                    <ul>
                        {w
                            .categories
                            .iter()
                            .map(|(_, t)| view! { <li>{t.clone()}</li> })
                            .collect_view()}
                    </ul>
                    {w
                        .ask_poll
                        .then(|| {
                            view! { <p>{td_string!(l, workshops.poll_line)}</p> }
                        })}
                    {w
                        .word_prompt
                        .clone()
                        .map(|p| {
                            view! {
                                <p>{td_string!(l, workshops.word_line, prompt = p).to_string()}</p>
                            }
                        })}
                    <RoomControls
                        initial=room
                        error=room_error.clone()
                        texts=RoomControlsWords::new(l)
                    />
                }
                    .into_any()
            }
        />
    }
}

/// `/join`: a participant types the code (or arrives from the QR code with it filled in).
#[component]
pub fn JoinPage() -> impl IntoView {
    let l = crate::lang::current();
    let join = ServerAction::<JoinWorkshop>::new();
    let error = form_error(join.value(), "error");
    let query = use_query_map();
    let code = move || query.read().get("code").unwrap_or_default();
    view! {
        <Title text=td_string!(l, workshops.join_title) />
        <h1>{td_string!(l, workshops.join_heading)}</h1>
        <p>{td_string!(l, workshops.join_lead)}</p>
        <FormError message=Signal::derive(error) />
        <ActionForm action=join attr:class="join-form">
            <div class="field">
                <label for="code">{td_string!(l, workshops.code_label)}</label>
                <input
                    id="code"
                    name="code"
                    type="text"
                    inputmode="numeric"
                    autocomplete="off"
                    maxlength="20"
                    required=true
                    placeholder="9161 8750"
                    value=code
                />
            </div>
            <button type="submit" class="primary">
                {td_string!(l, workshops.join_button)}
            </button>
        </ActionForm>
    }
}

/// The room as a signal: `initial` (rendered on the server), then every live update from the
/// server (server-sent events) once the page is hydrated.
fn live_room(initial: RoomView) -> RwSignal<RoomView> {
    let room = RwSignal::new(initial);
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        let id = room.with_untracked(|r| r.workshop_id.clone());
        Effect::new(move |_| {
            let url = format!("/workshops/{}/live", js_sys::encode_uri_component(&id));
            let Ok(source) = web_sys::EventSource::new(&url) else {
                leptos::logging::warn!("live updates unavailable");
                return;
            };
            let on_room = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
                move |e: web_sys::MessageEvent| {
                    if let Some(text) = e.data().as_string()
                        && let Ok(v) = serde_json::from_str::<RoomView>(&text)
                    {
                        room.set(v);
                    }
                },
            );
            let _ =
                source.add_event_listener_with_callback("room", on_room.as_ref().unchecked_ref());
            let kept = StoredValue::new_local((source, on_room));
            on_cleanup(move || {
                kept.with_value(|(source, _)| source.close());
                kept.dispose();
            });
        });
    }
    room
}

/// `/workshops/:id/present`: the room for the projector. Live when JavaScript runs; without it,
/// the page shows the room as it was when loaded.
#[component]
pub fn PresenterPage() -> impl IntoView {
    let l = crate::lang::current();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let compare = move || query.read().get("compare").is_some_and(|c| c == "1");
    let error = query_error("error");
    let data = Resource::new(
        move || (id(), compare()),
        |(id, compare)| async move {
            let room = get_room(id.clone()).await?;
            let comparison = if compare {
                Some(compare_room(id).await?)
            } else {
                None
            };
            Ok::<_, AppError>((room, comparison))
        },
    );
    // the QR code (made by the server) does not change when the results are revealed; a screen
    // without it still shows the address and the code
    let qr = Resource::new(id, |id| async move {
        get_workshop(id).await.ok().map(|w| w.qr_svg)
    });
    view! {
        <Loaded
            load=move || async move {
                let qr = qr.await;
                data.await.map(|(room, comparison)| (qr, room, comparison))
            }
            children=move |(qr, room, comparison)| {
                view! {
                    <Title text=td_string!(l, workshops.presenter_title, title = room.title.clone())
                        .to_string() />
                    <Presenter
                        initial=room
                        qr=qr
                        comparison=comparison
                        error=error.clone()
                        words=PresenterWords::new(l)
                    />
                }
                    .into_any()
            }
        />
    }
}

/// The join page of a join link (the link without its `?code=`).
fn join_page(join_url: &str) -> String {
    join_url
        .split("/join")
        .next()
        .unwrap_or_default()
        .to_string()
        + "/join"
}

/// Participants who started and have not finished: `joined` = answering + finished. (`answered`,
/// the participants with at least one answer, counts towards the minimum group size instead.)
fn answering(r: &RoomView) -> i64 {
    (r.joined - r.finished).max(0)
}

/// A workshop's status in words.
fn status_name(l: Locale, status: WorkshopStatus) -> &'static str {
    match status {
        WorkshopStatus::Open => td_string!(l, workshops.status_open),
        WorkshopStatus::Closed => td_string!(l, workshops.status_closed),
    }
}

/// The words of the [`Presenter`] island, in the page's language. The island runs in the
/// browser, where no translation is compiled in (a page there would always be English), so the
/// server puts them in; a text with a number holds `{…}` placeholders the island fills in
/// ([`fill`]). What participants typed (the words of the cloud) is never translated.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PresenterWords {
    /// "{joined} joined: {answering} answering, {done} finished"
    pub counts: String,
    pub closed_mark: String,
    pub join_at: String,
    pub code_before: String,
    /// "QR code: opens {url}"
    pub qr_label: String,
    /// "The results appear once at least {k} people have answered: {more} more to go."
    pub pending: String,
    /// "{answered} people have answered. …"
    pub waiting: String,
    pub reveal: String,
    pub hide_results: String,
    pub compare_link: String,
    pub back_link: String,
    pub noscript: String,
    pub room_per_category: String,
    /// "{more} more needed"
    pub more_needed: String,
    /// "All respondents ({n}):"
    pub all_respondents: String,
    pub compare_would_reveal: String,
    /// "All respondents: hidden until {more} more …"
    pub compare_more_needed: String,
    pub poll_heading: String,
    /// "{n} votes so far; the bars show from {k}."
    pub votes_so_far: String,
    /// "{n} words so far; the cloud shows from {k}."
    pub cloud_so_far: String,
    pub unit_vote: String,
    pub unit_votes: String,
    /// The vote beside the measured ranking: heading, column heads, how a tie reads, the note.
    pub beside_heading: String,
    pub beside_category: String,
    pub beside_votes: String,
    pub beside_rank: String,
    pub beside_mean: String,
    /// "{rank} (tie)"
    pub beside_tied: String,
    pub beside_note: String,
    /// The chart's words and how means are written.
    pub chart: super::chart::ChartWords,
}

impl PresenterWords {
    /// The words in language `l` (on the server: see the type).
    pub fn new(l: Locale) -> Self {
        Self {
            counts: td_string!(
                l,
                workshops.counts,
                joined = "{joined}",
                answering = "{answering}",
                finished = "{done}"
            )
            .to_string(),
            closed_mark: td_string!(l, workshops.closed_mark).into(),
            join_at: td_string!(l, workshops.join_at).into(),
            code_before: td_string!(l, workshops.code_before).into(),
            qr_label: td_string!(l, workshops.qr_label, url = "{url}").to_string(),
            pending: td_string!(l, workshops.results_pending, k = "{k}", more = "{more}")
                .to_string(),
            waiting: td_string!(l, workshops.waiting, answered = "{answered}").to_string(),
            reveal: td_string!(l, workshops.reveal_button).into(),
            hide_results: td_string!(l, workshops.hide_button).into(),
            compare_link: td_string!(l, workshops.compare_link).into(),
            back_link: td_string!(l, workshops.back_link).into(),
            noscript: td_string!(l, workshops.noscript).into(),
            room_per_category: td_string!(l, workshops.room_per_category).into(),
            more_needed: td_string!(l, workshops.more_needed, more = "{more}").to_string(),
            all_respondents: td_string!(l, workshops.all_respondents, n = "{n}").to_string(),
            compare_would_reveal: td_string!(l, workshops.compare_would_reveal).into(),
            compare_more_needed: td_string!(l, workshops.compare_more_needed, more = "{more}")
                .to_string(),
            poll_heading: td_string!(l, workshops.poll_heading).into(),
            votes_so_far: td_string!(l, workshops.votes_so_far, n = "{n}", k = "{k}").to_string(),
            cloud_so_far: td_string!(l, workshops.cloud_so_far, n = "{n}", k = "{k}").to_string(),
            unit_vote: td_string!(l, workshops.unit_vote).into(),
            unit_votes: td_string!(l, workshops.unit_votes).into(),
            beside_heading: td_string!(l, workshops.beside_heading).into(),
            beside_category: td_string!(l, workshops.beside_category).into(),
            beside_votes: td_string!(l, workshops.beside_votes).into(),
            beside_rank: td_string!(l, workshops.beside_rank).into(),
            beside_mean: td_string!(l, workshops.beside_mean).into(),
            beside_tied: td_string!(l, workshops.beside_tied, rank = "{rank}").to_string(),
            beside_note: td_string!(l, workshops.beside_note).into(),
            chart: super::chart::ChartWords::new(l),
        }
    }
}

/// The words of the [`RoomControls`] island, in the page's language (see [`PresenterWords`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RoomControlsWords {
    pub heading: String,
    pub open_presenter: String,
    /// "{joined} joined: {answering} answering, {done} finished; {stage}."
    pub status: String,
    /// "results hidden: {more} more need to answer"
    pub stage_pending: String,
    pub stage_waiting: String,
    pub stage_shown: String,
    pub reveal: String,
    pub hide_results: String,
    pub words_heading: String,
    /// "{n} words so far; they show from {k}."
    pub words_so_far: String,
    pub words_help: String,
    pub hidden_heading: String,
    pub hide: String,
    pub show_again: String,
    /// "Hide “{word}”"
    pub hide_word: String,
    /// "Show again “{word}”"
    pub show_word_again: String,
}

impl RoomControlsWords {
    /// The words in language `l` (on the server: see [`PresenterWords`]).
    pub fn new(l: Locale) -> Self {
        Self {
            heading: td_string!(l, workshops.room_heading).into(),
            open_presenter: td_string!(l, workshops.open_presenter).into(),
            status: td_string!(
                l,
                workshops.room_status,
                joined = "{joined}",
                answering = "{answering}",
                finished = "{done}",
                stage = "{stage}"
            )
            .to_string(),
            stage_pending: td_string!(l, workshops.stage_pending, more = "{more}").to_string(),
            stage_waiting: td_string!(l, workshops.stage_waiting).into(),
            stage_shown: td_string!(l, workshops.stage_shown).into(),
            reveal: td_string!(l, workshops.reveal_button).into(),
            hide_results: td_string!(l, workshops.hide_button).into(),
            words_heading: td_string!(l, workshops.words_heading).into(),
            words_so_far: td_string!(l, workshops.words_so_far, n = "{n}", k = "{k}").to_string(),
            words_help: td_string!(l, workshops.words_help).into(),
            hidden_heading: td_string!(l, workshops.hidden_heading).into(),
            hide: td_string!(l, workshops.hide).into(),
            show_again: td_string!(l, workshops.show_again).into(),
            hide_word: td_string!(l, workshops.hide_word, word = "{word}").to_string(),
            show_word_again: td_string!(l, workshops.show_word_again, word = "{word}").to_string(),
        }
    }
}

/// A piece of a text with `{name}` placeholders: text as it is, or a placeholder's name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Slot(String),
}

/// `template` cut into its text and its `{name}` placeholders, in order (an unclosed `{` is
/// text).
fn pieces(template: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        if start > 0 {
            out.push(Piece::Text(rest[..start].to_string()));
        }
        out.push(Piece::Slot(rest[start + 1..start + len].to_string()));
        rest = &rest[start + len + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest.to_string()));
    }
    out
}

/// `template` with each `{name}` replaced by its value, in one pass (a value that holds
/// braces, such as a typed word, stays as it is); a placeholder without a value stays.
fn fill(template: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    pieces(template)
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => t,
            Piece::Slot(name) => values
                .iter()
                .find(|(n, _)| *n == name)
                .map_or_else(|| format!("{{{name}}}"), |(_, v)| v.to_string()),
        })
        .collect()
}

/// The window and the chart's box as the browser measures them.
#[cfg(feature = "hydrate")]
mod measure {
    use wasm_bindgen::JsCast;

    /// The window's width in CSS pixels.
    pub fn screen_width() -> f64 {
        web_sys::window()
            .and_then(|w| w.inner_width().ok())
            .and_then(|w| w.as_f64())
            .unwrap_or(1280.0)
    }

    /// The width of box `id`, or `None` while it is not on the page.
    pub fn box_width(id: &str) -> Option<i32> {
        let element = web_sys::window()?.document()?.get_element_by_id(id)?;
        Some(element.client_width()).filter(|w| *w > 0)
    }

    /// Lets go of the chart drawn in box `id`, so that the next drawing starts afresh: ECharts
    /// keeps the size a chart was first drawn at.
    pub fn forget_chart(id: &str) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Some(element) = window.document().and_then(|d| d.get_element_by_id(id)) else {
            return;
        };
        let Ok(echarts) = js_sys::Reflect::get(&window, &"echarts".into()) else {
            return;
        };
        if echarts.is_undefined() {
            return;
        }
        if let Ok(dispose) = js_sys::Reflect::get(&echarts, &"dispose".into())
            && let Some(dispose) = dispose.dyn_ref::<js_sys::Function>()
        {
            let _ = dispose.call1(&echarts, &element);
        }
    }
}

/// Draws the room's chart while the results show: again whenever the room changes, and afresh
/// when its box changes size (a window moved to the projector, full screen, a new category). The
/// server makes the chart for the measured size ([`room_chart`]); an answer that arrives after a
/// newer request was sent is dropped.
fn draw_chart(room: RwSignal<RoomView>, words: super::chart::ChartWords) {
    #[cfg(not(feature = "hydrate"))]
    let _ = (room, words);
    #[cfg(feature = "hydrate")]
    {
        let resized = RwSignal::new(0u32);
        let handle =
            window_event_listener(leptos::ev::resize, move |_| resized.update(|n| *n += 1));
        on_cleanup(move || handle.remove());
        // the box's width and the chart's height when last drawn
        let drawn = StoredValue::new(None::<(i32, u32)>);
        let asked = StoredValue::new(0u64);
        Effect::new(move |_| {
            resized.track();
            let r = room.get();
            if r.stage != RoomStage::Shown || !r.categories.iter().any(|c| c.mean.is_some()) {
                return;
            }
            let screen = measure::screen_width();
            let width = measure::box_width(ROOM_CHART);
            // before the box is on the page: about its width in the layout of style/main.css
            let guess = if screen >= 960.0 {
                screen * 0.55
            } else {
                screen * 0.9
            };
            asked.update_value(|n| *n += 1);
            let this = asked.get_value();
            let words = words.clone();
            leptos::task::spawn_local(async move {
                let chart = room_chart(r, screen, width.map_or(guess, f64::from), words).await;
                if asked.try_get_value() != Some(this) {
                    return;
                }
                match chart {
                    Ok(spec) => {
                        let size = (width.unwrap_or(0), spec.height);
                        if drawn.get_value().is_some_and(|d| d != size) {
                            measure::forget_chart(ROOM_CHART);
                        }
                        drawn.set_value(Some(size));
                        crate::ui::draw_charts(vec![spec]);
                    }
                    Err(e) => leptos::logging::warn!("the room's chart: {e}"),
                }
            });
        });
    }
}

/// The presenter view: an island, live (server-sent events) once the page runs. `error` is the
/// page's `?error=` message (a plain form post refused).
#[island(lazy)]
fn Presenter(
    initial: RoomView,
    qr: Option<String>,
    comparison: Option<RoomComparison>,
    error: Option<String>,
    words: PresenterWords,
) -> impl IntoView {
    let reveal = ServerAction::<RevealRoom>::new();
    let error = Signal::derive(island_form_error(reveal.value(), error));
    let id = initial.workshop_id.clone();
    let code = codes::display(&initial.code);
    let join_at = join_page(&initial.join_url);
    let qr_label = fill(&words.qr_label, &[("url", &initial.join_url)]);
    let counts = pieces(&words.counts);
    let closed = format!(" {}", words.closed_mark);
    let (join_label, code_label) = (words.join_at.clone(), words.code_before.clone());
    let (compare_link, back_link) = (words.compare_link.clone(), words.back_link.clone());
    let noscript = format!(" {}", words.noscript);
    let words = StoredValue::new(words);
    let room = live_room(initial);
    let comparison = StoredValue::new(comparison);
    // hydrated: the chart shows the means, and their list stays for screen readers only
    let js = RwSignal::new(false);
    Effect::new(move |_| js.set(true));
    draw_chart(room, words.with_value(|w| w.chart.clone()));
    // memos: the parts below are rebuilt only when what they show changes, so the chart's box stays
    let stage = Memo::new(move |_| room.with(|r| r.stage));
    let compare_href = format!("/workshops/{}/present?compare=1", urlencoding::encode(&id));
    let back_href = format!("/workshops/{}", urlencoding::encode(&id));
    view! {
        <script src="/vendor/echarts.min.js"></script>
        <div
            class="presenter"
            id="presenter"
            class:js=move || js.get()
            class:shown=move || stage.get() == RoomStage::Shown
        >
            <header class="presenter-head">
                <h1>{move || room.with(|r| r.title.clone())}</h1>
                <p class="presenter-counts" role="status" aria-live="polite">
                    {counts
                        .into_iter()
                        .map(|piece| match piece {
                            Piece::Slot(s) if s == "joined" => {
                                view! {
                                    <span id="room-joined">{move || room.with(|r| r.joined)}</span>
                                }
                                    .into_any()
                            }
                            Piece::Slot(s) if s == "answering" => {
                                view! {
                                    <span id="room-answering">{move || room.with(answering)}</span>
                                }
                                    .into_any()
                            }
                            Piece::Slot(s) if s == "done" => {
                                view! {
                                    <span id="room-finished">
                                        {move || room.with(|r| r.finished)}
                                    </span>
                                }
                                    .into_any()
                            }
                            Piece::Slot(s) => format!("{{{s}}}").into_any(),
                            Piece::Text(t) => t.into_any(),
                        })
                        .collect_view()}
                    {move || (!room.with(|r| r.open)).then(|| closed.clone())}
                </p>
            </header>
            <div class="presenter-join">
                <p>{join_label} " " <strong class="join-url">{join_at}</strong></p>
                <p>{code_label} " " <strong class="join-code">{code}</strong></p>
                {qr
                    .map(|svg| {
                        view! {
                            <div class="qr" role="img" aria-label=qr_label inner_html=svg></div>
                        }
                    })}
            </div>
            <div class="presenter-main">
                {move || match stage.get() {
                    RoomStage::TooFew => {
                        view! {
                            <p class="presenter-wait" id="room-stage">
                                {move || {
                                    let (more, k) = room.with(|r| (r.more_needed(), r.k));
                                    words
                                        .with_value(|w| fill(
                                            &w.pending,
                                            &[("k", &k), ("more", &more)],
                                        ))
                                }}
                            </p>
                        }
                            .into_any()
                    }
                    RoomStage::Waiting => {
                        view! {
                            <p class="presenter-wait" id="room-stage">
                                {move || {
                                    let answered = room.with(|r| r.answered);
                                    words
                                        .with_value(|w| fill(
                                            &w.waiting,
                                            &[("answered", &answered)],
                                        ))
                                }}
                            </p>
                        }
                            .into_any()
                    }
                    RoomStage::Shown => {
                        view! { <RoomResults room=room comparison=comparison words=words /> }
                            .into_any()
                    }
                }}
            </div>
            <footer class="presenter-controls">
                <FormError message=error />
                <ActionForm action=reveal>
                    <input type="hidden" name="id" value=id.clone() />
                    <input type="hidden" name="back" value="present" />
                    <input
                        type="hidden"
                        name="reveal"
                        value=move || { YesNo::of(!room.with(|r| r.revealed)).as_str() }
                    />
                    <button type="submit" id="reveal-button">
                        {move || {
                            let revealed = room.with(|r| r.revealed);
                            words
                                .with_value(|w| {
                                    if revealed { w.hide_results.clone() } else { w.reveal.clone() }
                                })
                        }}
                    </button>
                </ActionForm>
                <a href=compare_href>{compare_link}</a>
                <a href=back_href>{back_link}</a>
                <noscript>{noscript}</noscript>
            </footer>
        </div>
    }
}

/// The revealed results: per category the room's mean and the share of each answer (a chart once
/// hydrated, the list of means without JavaScript); beside them the poll, one list with bars that
/// needs no JavaScript, and the word cloud.
#[component]
fn RoomResults(
    room: RwSignal<RoomView>,
    comparison: StoredValue<Option<RoomComparison>>,
    words: StoredValue<PresenterWords>,
) -> impl IntoView {
    let charted = Memo::new(move |_| room.with(|r| r.categories.iter().any(|c| c.mean.is_some())));
    let ask_poll = Memo::new(move |_| room.with(|r| r.ask_poll));
    let poll_empty = Memo::new(move |_| room.with(|r| r.poll.is_empty()));
    let prompt = Memo::new(move |_| room.with(|r| r.word_prompt.clone()));
    let words_empty = Memo::new(move |_| room.with(|r| r.words.is_empty()));
    let beside = Memo::new(move |_| ask_poll.get() || prompt.with(Option::is_some));
    view! {
        <div class="presenter-results" class:single=move || !beside.get()>
            <section class="presenter-categories" aria-labelledby="room-cat-title">
                <h2 id="room-cat-title">{words.with_value(|w| w.room_per_category.clone())}</h2>
                <ul class="room-means" id="room-means">
                    {move || {
                        room.with(|r| {
                            r.categories
                                .iter()
                                .map(|c| {
                                    let (class, text) = match c.mean {
                                        Some(m) => {
                                            (
                                                "has-mean",
                                                words
                                                    .with_value(|w| {
                                                        super::chart::mean_label(&w.chart, m, r.scale.len())
                                                    }),
                                            )
                                        }
                                        None => {
                                            (
                                                "pending",
                                                words
                                                    .with_value(|w| fill(
                                                        &w.more_needed,
                                                        &[("more", &c.more_needed)],
                                                    )),
                                            )
                                        }
                                    };
                                    view! {
                                        <li class=class>
                                            <span class="room-cat">{format!("{}: ", c.title)}</span>
                                            <span class="room-mean">{text}</span>
                                        </li>
                                    }
                                })
                                .collect_view()
                        })
                    }}
                </ul>
                {move || {
                    comparison
                        .with_value(|c| c.clone())
                        .map(|c| match c.withheld {
                            Some(why) => {
                                view! {
                                    <p class="room-compare">
                                        {words.with_value(|w| compare_withheld(why, w))}
                                    </p>
                                }
                                    .into_any()
                            }
                            None => {
                                view! {
                                    <p class="room-compare" id="room-compare">
                                        {words
                                            .with_value(|w| {
                                                fill(&w.all_respondents, &[("n", &c.respondents)]) + " "
                                            })}
                                        {room
                                            .with(|r| {
                                                r.categories
                                                    .iter()
                                                    .zip(c.means.iter())
                                                    .map(|(cat, m)| {
                                                        format!(
                                                            "{} {}",
                                                            cat.title,
                                                            m
                                                                .map(|m| {
                                                                    words.with_value(|w| super::chart::one_decimal(&w.chart, m))
                                                                })
                                                                .unwrap_or_else(|| "–".into()),
                                                        )
                                                    })
                                                    .collect::<Vec<_>>()
                                                    .join(" · ")
                                            })}
                                    </p>
                                }
                                    .into_any()
                            }
                        })
                }}
                {move || {
                    charted
                        .get()
                        .then(|| {
                            view! {
                                <div
                                    id=ROOM_CHART
                                    class="chart"
                                    role="img"
                                    aria-label=move || {
                                        words
                                            .with_value(|w| {
                                                room.with(|r| super::chart::distribution_text(r, &w.chart))
                                            })
                                    }
                                ></div>
                            }
                        })
                }}
            </section>
            {move || {
                beside
                    .get()
                    .then(|| {
                        view! {
                            <div class="presenter-beside">
                                {move || {
                                    ask_poll
                                        .get()
                                        .then(|| {
                                            view! {
                                                <section
                                                    class="presenter-poll"
                                                    id="room-poll"
                                                    aria-labelledby="room-poll-title"
                                                >
                                                    <h2 id="room-poll-title">
                                                        {words.with_value(|w| w.poll_heading.clone())}
                                                    </h2>
                                                    {move || {
                                                        if poll_empty.get() {
                                                            view! {
                                                                <p class="presenter-wait">
                                                                    {move || {
                                                                        let (n, k) = room.with(|r| (r.poll_answers, r.k));
                                                                        words
                                                                            .with_value(|w| fill(
                                                                                &w.votes_so_far,
                                                                                &[("n", &n), ("k", &k)],
                                                                            ))
                                                                    }}
                                                                </p>
                                                            }
                                                                .into_any()
                                                        } else {
                                                            view! {
                                                                <ol class="room-poll" id="room-poll-list">
                                                                    {move || {
                                                                        words.with_value(|w| room.with(|r| poll_rows(r, w)))
                                                                    }}
                                                                </ol>
                                                            }
                                                                .into_any()
                                                        }
                                                    }}
                                                </section>
                                            }
                                        })
                                }}
                                {move || {
                                    prompt
                                        .get()
                                        .map(|prompt| {
                                            view! {
                                                <section
                                                    class="presenter-words"
                                                    aria-labelledby="room-words-title"
                                                >
                                                    <h2 id="room-words-title">{prompt}</h2>
                                                    {move || {
                                                        if words_empty.get() {
                                                            view! {
                                                                <p class="presenter-wait">
                                                                    {move || {
                                                                        let (n, k) = room.with(|r| (r.word_answers, r.k));
                                                                        words
                                                                            .with_value(|w| fill(
                                                                                &w.cloud_so_far,
                                                                                &[("n", &n), ("k", &k)],
                                                                            ))
                                                                    }}
                                                                </p>
                                                            }
                                                                .into_any()
                                                        } else {
                                                            view! {
                                                                <ul class="word-cloud" id="word-cloud">
                                                                    {move || {
                                                                        room.with(|r| {
                                                                            let max = r
                                                                                .words
                                                                                .iter()
                                                                                .map(|w| w.count)
                                                                                .max()
                                                                                .unwrap_or(1);
                                                                            r.words
                                                                                .iter()
                                                                                .map(|w| {
                                                                                    view! {
                                                                                        <li
                                                                                            style=format!(
                                                                                                "font-size:{}em",
                                                                                                super::room::word_size(w.count, max),
                                                                                            )
                                                                                            title=format!("{} × {}", w.word, w.count)
                                                                                        >
                                                                                            {w.word.clone()}
                                                                                        </li>
                                                                                    }
                                                                                })
                                                                                .collect_view()
                                                                        })
                                                                    }}
                                                                </ul>
                                                            }
                                                                .into_any()
                                                        }
                                                    }}
                                                </section>
                                            }
                                        })
                                }}
                            </div>
                        }
                    })
            }}
            {move || {
                let rows = room.with(super::room::vote_beside);
                (!rows.is_empty())
                    .then(|| {
                        view! {
                            <section
                                class="presenter-beside-vote"
                                aria-labelledby="room-beside-title"
                            >
                                <h2 id="room-beside-title">
                                    {words.with_value(|w| w.beside_heading.clone())}
                                </h2>
                                {words.with_value(|w| vote_beside_table(&rows, w))}
                                <p class="help">{words.with_value(|w| w.beside_note.clone())}</p>
                            </section>
                        }
                    })
            }}
        </div>
    }
}

/// The vote beside the measured ranking as a table (ordered by the ranking).
fn vote_beside_table(
    rows: &[super::room::VoteBeside],
    w: &PresenterWords,
) -> impl IntoView + use<> {
    let cells: Vec<(String, i64, String, String)> = rows
        .iter()
        .map(|r| {
            let rank = if r.tied {
                w.beside_tied.replace("{rank}", &r.rank.to_string())
            } else {
                r.rank.to_string()
            };
            let mean = match r.interval {
                Some((low, high)) => format!(
                    "{} ({}–{})",
                    super::chart::one_decimal(&w.chart, r.mean),
                    super::chart::one_decimal(&w.chart, low),
                    super::chart::one_decimal(&w.chart, high)
                ),
                None => super::chart::one_decimal(&w.chart, r.mean),
            };
            (r.title.clone(), r.votes, rank, mean)
        })
        .collect();
    view! {
        <table class="data" id="room-beside">
            <thead>
                <tr>
                    <th scope="col">{w.beside_category.clone()}</th>
                    <th scope="col">{w.beside_votes.clone()}</th>
                    <th scope="col">{w.beside_rank.clone()}</th>
                    <th scope="col">{w.beside_mean.clone()}</th>
                </tr>
            </thead>
            <tbody>
                {cells
                    .into_iter()
                    .map(|(title, votes, rank, mean)| {
                        view! {
                            <tr>
                                <th scope="row">{title}</th>
                                <td>{votes}</td>
                                <td>{rank}</td>
                                <td>{mean}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// The poll's rows: each category's name above a bar of its share of the votes (from 0, so one
/// vote is a bar too) and the number of votes; the most voted in the highlight colour.
fn poll_rows(r: &RoomView, w: &PresenterWords) -> impl IntoView + use<> {
    let total: i64 = r.poll.iter().map(|(_, n)| n).sum();
    let top = r.poll.iter().map(|(_, n)| *n).max().unwrap_or(0);
    r.poll
        .iter()
        .map(|(title, n)| {
            let share = if total > 0 {
                100.0 * *n as f64 / total as f64
            } else {
                0.0
            };
            let unit = format!(" {}", if *n == 1 { &w.unit_vote } else { &w.unit_votes });
            let class = if *n == top && top > 0 { "top" } else { "" };
            view! {
                <li class=class>
                    <span class="room-cat">{format!("{title}: ")}</span>
                    <span class="poll-bar" aria-hidden="true">
                        <span style=format!("width:{share:.1}%")></span>
                    </span>
                    <span class="room-mean">
                        {n.to_string()}<span class="sr-only">{unit}</span>
                    </span>
                </li>
            }
        })
        .collect_view()
}

/// The facilitator's controls on the workshop page: where the room stands, reveal, and the words
/// to moderate (hidden words vanish from every presenter screen at once). An island, live once
/// the page runs; `error` is the page's `?error=` message.
#[island(lazy)]
fn RoomControls(
    initial: RoomView,
    error: Option<String>,
    texts: RoomControlsWords,
) -> impl IntoView {
    let id = initial.workshop_id.clone();
    let room = live_room(initial);
    let reveal = ServerAction::<RevealRoom>::new();
    let moderate = ServerAction::<ModerateWord>::new();
    let reveal_error = island_form_error(reveal.value(), error.clone());
    let moderate_error = island_form_error(moderate.value(), error);
    let present_href = format!("/workshops/{}/present", urlencoding::encode(&id));
    let asks_word = Memo::new(move |_| room.with(|r| r.word_prompt.is_some()));
    let (heading, open_presenter) = (texts.heading.clone(), texts.open_presenter.clone());
    let texts = StoredValue::new(texts);
    let word_row = move |w: WordCount, hidden: bool| {
        let id = room.with_untracked(|r| r.workshop_id.clone());
        let (label, button) = texts.with_value(|t| {
            if hidden {
                (
                    fill(&t.show_word_again, &[("word", &w.word)]),
                    t.show_again.clone(),
                )
            } else {
                (fill(&t.hide_word, &[("word", &w.word)]), t.hide.clone())
            }
        });
        view! {
            <li>
                <span class="word">{w.word.clone()}</span>
                {format!(" × {}", w.count)}
                <ActionForm action=moderate attr:class="inline-form">
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="word" value=w.word.clone() />
                    <input type="hidden" name="hidden" value=YesNo::of(!hidden).as_str() />
                    <button type="submit" aria-label=label>
                        {button}
                    </button>
                </ActionForm>
            </li>
        }
    };
    view! {
        <section class="room-controls" id="room">
            <h2>{heading}</h2>
            <p>
                <a href=present_href class="button primary">
                    {open_presenter}
                </a>
            </p>
            <p role="status" id="room-status">
                {move || {
                    room.with(|r| {
                        texts
                            .with_value(|t| {
                                let stage = match r.stage {
                                    RoomStage::TooFew => {
                                        fill(&t.stage_pending, &[("more", &r.more_needed())])
                                    }
                                    RoomStage::Waiting => t.stage_waiting.clone(),
                                    RoomStage::Shown => t.stage_shown.clone(),
                                };
                                fill(
                                    &t.status,
                                    &[
                                        ("joined", &r.joined),
                                        ("answering", &answering(r)),
                                        ("done", &r.finished),
                                        ("stage", &stage),
                                    ],
                                )
                            })
                    })
                }}
            </p>
            <FormError message=Signal::derive(move || reveal_error().or_else(moderate_error)) />
            <ActionForm action=reveal>
                <input type="hidden" name="id" value=id.clone() />
                <input
                    type="hidden"
                    name="reveal"
                    value=move || { YesNo::of(!room.with(|r| r.revealed)).as_str() }
                />
                <button type="submit">
                    {move || {
                        let revealed = room.with(|r| r.revealed);
                        texts
                            .with_value(|t| {
                                if revealed { t.hide_results.clone() } else { t.reveal.clone() }
                            })
                    }}
                </button>
            </ActionForm>
            {move || {
                asks_word
                    .get()
                    .then(|| {
                        view! {
                            <h3>{texts.with_value(|t| t.words_heading.clone())}</h3>
                            {move || {
                                let (words, hidden, n, k) = room
                                    .with(|r| (
                                        r.words.clone(),
                                        r.hidden_words.clone(),
                                        r.word_answers,
                                        r.k,
                                    ));
                                if n < k {
                                    view! {
                                        <p>
                                            {texts
                                                .with_value(|t| fill(
                                                    &t.words_so_far,
                                                    &[("n", &n), ("k", &k)],
                                                ))}
                                        </p>
                                    }
                                        .into_any()
                                } else {
                                    view! {
                                        <p class="help">
                                            {texts.with_value(|t| t.words_help.clone())}
                                        </p>
                                        <ul class="word-list" id="word-list">
                                            {words
                                                .into_iter()
                                                .map(|w| word_row(w, false))
                                                .collect_view()}
                                        </ul>
                                        {(!hidden.is_empty())
                                            .then(|| {
                                                view! {
                                                    <h4>{texts.with_value(|t| t.hidden_heading.clone())}</h4>
                                                    <ul class="word-list" id="hidden-word-list">
                                                        {hidden
                                                            .into_iter()
                                                            .map(|w| word_row(w, true))
                                                            .collect_view()}
                                                    </ul>
                                                }
                                            })}
                                    }
                                        .into_any()
                                }
                            }}
                        }
                    })
            }}
        </section>
    }
}

/// Why everyone's means do not show beside the room, in words.
fn compare_withheld(why: crate::values::Withheld, w: &PresenterWords) -> String {
    match why {
        crate::values::Withheld::WouldReveal => w.compare_would_reveal.clone(),
        crate::values::Withheld::MoreNeeded(more) => {
            fill(&w.compare_more_needed, &[("more", &more)])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_cut_a_template_at_its_placeholders() {
        assert_eq!(
            pieces("{joined} joined: {answering} answering"),
            [
                Piece::Slot("joined".into()),
                Piece::Text(" joined: ".into()),
                Piece::Slot("answering".into()),
                Piece::Text(" answering".into()),
            ]
        );
        assert_eq!(pieces("no { end"), [Piece::Text("no { end".into())]);
        assert!(pieces("").is_empty());
    }

    #[test]
    fn fill_replaces_each_placeholder_once_and_leaves_typed_braces() {
        assert_eq!(
            fill("Hide “{word}”", &[("word", &"{word}")]),
            "Hide “{word}”"
        );
        assert_eq!(
            fill(
                "{n} words so far; they show from {k}.",
                &[("n", &2), ("k", &5)]
            ),
            "2 words so far; they show from 5."
        );
        assert_eq!(fill("{x} left", &[]), "{x} left");
    }

    #[test]
    fn every_language_fills_the_island_templates() {
        for l in crate::lang::all() {
            let w = PresenterWords::new(*l);
            let slots = |t: &str| {
                pieces(t)
                    .into_iter()
                    .filter_map(|p| match p {
                        Piece::Slot(s) => Some(s),
                        Piece::Text(_) => None,
                    })
                    .collect::<std::collections::BTreeSet<_>>()
            };
            assert_eq!(
                slots(&w.counts),
                ["answering", "done", "joined"].map(String::from).into(),
                "{l:?}"
            );
            assert_eq!(
                slots(&w.pending),
                ["k", "more"].map(String::from).into(),
                "{l:?}"
            );
            let c = RoomControlsWords::new(*l);
            assert_eq!(
                slots(&c.status),
                ["answering", "done", "joined", "stage"]
                    .map(String::from)
                    .into(),
                "{l:?}"
            );
            assert_eq!(
                slots(&c.hide_word),
                ["word"].map(String::from).into(),
                "{l:?}"
            );
        }
    }
}
