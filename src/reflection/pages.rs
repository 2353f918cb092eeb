//! The respondent's pages: start, context, category pages, profile.
use super::api::*;
use super::form::{ADVANCE_SECONDS, Failure, SaveQueue, SaveState, starts_advance};
use super::model::*;
use crate::error::AppError;
use crate::instrument::{Item, ItemType, NOT_APPLICABLE, Scale};
use crate::ui::{ChartSpec, Charts, ErrorBox, FormError, Loaded, form_error, query_error};
use crate::values::Withheld;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::{use_params_map, use_query_map};
use std::collections::{BTreeMap, HashMap, HashSet};

#[component]
pub fn HomePage() -> impl IntoView {
    let instruments = Resource::new(|| (), |_| list_instruments());
    let resume = ServerAction::<OpenLink>::new();
    let resume_error = form_error(resume.value(), "resume_error");
    view! {
        <Title text="Reflect – leadership reflection" />
        <h1>"Reflect on how an innovation is led in your school"</h1>
        <p class="lead">
            "Pick one innovation in your school – such as data use or a professional learning network – "
            "and answer a few statements per leadership category. It takes 10–15 minutes. "
            "At the end you see which category needs the most work. No account needed."
        </p>
        <p class="join-entry">
            "In a workshop? " <A href="/join" attr:class="button">
                "Join a workshop"
            </A> " with the code on the screen."
        </p>
        <Loaded
            load=move || instruments
            children=|list| {
                view! {
                    <h2>"Choose a questionnaire"</h2>
                    <ul class="cards">
                        {list
                            .into_iter()
                            .map(|i| {
                                view! {
                                    <li class="card">
                                        <h3>{i.title.clone()}</h3>
                                        <p>{i.description.clone()}</p>
                                        <p class="meta">
                                            {format!(
                                                "{} categories · {} questions",
                                                i.categories.len(),
                                                i.items,
                                            )}
                                        </p>
                                        <A href=format!("/start/{}", i.id) attr:class="button">
                                            {format!("Start: {}", i.title)}
                                        </A>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }
        />
        <section class="resume">
            <h2>"Continue a reflection"</h2>
            // posted, so the private link never stands in an address or a server log
            <FormError message=Signal::derive(resume_error) />
            <ActionForm action=resume>
                <label for="link">"Your private link"</label>
                <input
                    id="link"
                    name="link"
                    type="text"
                    autocomplete="off"
                    placeholder="https://…/r/…"
                />
                <button type="submit">"Continue"</button>
            </ActionForm>
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
        <Loaded
            load=move || instrument
            children=move |i| {
                view! {
                    <Title text=format!("Start – {}", i.title) />
                    <h1>{i.title.clone()}</h1>
                    <p>{i.description.clone()}</p>
                    {i.notice.clone().map(|n| view! { <p class="notice">{n}</p> })}
                    <FormError message=Signal::derive(error) />
                    <ActionForm action=start attr:class="context-form">
                        <input type="hidden" name="instrument" value=i.id.clone() />
                        <input type="hidden" name="workshop" value=workshop />
                        {move || {
                            (!workshop().is_empty())
                                .then(|| {
                                    view! {
                                        <p class="notice">
                                            {format!(
                                                "You are joining workshop {}: you reflect on the categories the facilitator chose.",
                                                crate::workshops::codes::display(&workshop()),
                                            )}
                                        </p>
                                    }
                                })
                        }}
                        <fieldset>
                            <legend>"Your role"</legend>
                            {ROLES
                                .iter()
                                .map(|(k, l)| {
                                    view! {
                                        <label class="choice">
                                            <input type="radio" name="role" value=*k required=true />
                                            {*l}
                                        </label>
                                    }
                                })
                                .collect_view()}
                        </fieldset>
                        <fieldset>
                            <legend>"The innovation you reflect on"</legend>
                            {INNOVATIONS
                                .iter()
                                .map(|(k, l)| {
                                    view! {
                                        <label class="choice">
                                            <input
                                                type="radio"
                                                name="innovation"
                                                value=*k
                                                required=true
                                            />
                                            {*l}
                                        </label>
                                    }
                                })
                                .collect_view()}
                            <label for="innovation_detail">
                                "In a few words (needed for “Other”)"
                            </label>
                            <input
                                id="innovation_detail"
                                name="innovation_detail"
                                type="text"
                                maxlength=MAX_INNOVATION_DETAIL
                            />
                        </fieldset>
                        // in a workshop the workshop code is all they need
                        {move || {
                            workshop()
                                .is_empty()
                                .then(|| {
                                    view! {
                                        <div class="field">
                                            <label for="school_code">"School code (optional)"</label>
                                            <input
                                                id="school_code"
                                                name="school_code"
                                                type="text"
                                                maxlength="16"
                                                autocomplete="off"
                                                aria-describedby="school_code_help"
                                            />
                                            <p class="help" id="school_code_help">
                                                "If your school gave you a code, enter it; otherwise leave it empty."
                                            </p>
                                        </div>
                                    }
                                })
                        }}
                        <fieldset>
                            <legend>"May your anonymous answers be used for research?"</legend>
                            <label class="choice">
                                <input type="radio" name="consent" value="yes" required=true />
                                "Yes"
                            </label>
                            <label class="choice">
                                <input type="radio" name="consent" value="no" required=true />
                                "No"
                            </label>
                        </fieldset>
                        <button type="submit" class="primary">
                            "Start the reflection"
                        </button>
                    </ActionForm>
                }
                    .into_any()
            }
        />
    }
}

#[component]
pub fn ResumeFormPage() -> impl IntoView {
    let query = use_query_map();
    // accept a whole link or only the token (an old bookmark of the form's GET address)
    let token = move || token_in_link(&query.read().get("link").unwrap_or_default());
    view! {
        {move || match token() {
            Some(t) => view! { <Redirect path=format!("/r/{t}") /> }.into_any(),
            None => view! { <ErrorBox error=AppError::unknown_reflection() /> }.into_any(),
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
    view! { <Loaded load=move || target children=|url| view! { <Redirect path=url /> }.into_any() /> }
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
    let error = query_error("error");
    let unanswered = use_query_map()
        .read_untracked()
        .get("unanswered")
        .and_then(|n| n.parse::<usize>().ok());
    view! {
        <Loaded
            load=move || page
            children=move |view| {
                let page = CategoryFormData::from(&view);
                let (index, total, finished) = (page.index, page.total, page.finished);
                let last = index == total;
                let (token, url) = (view.token.clone(), view.resume_url.clone());
                let aside_token = token.clone();
                let category = view.category;
                let error = error.clone();
                view! {
                    <Title text=format!("{} – {}", category.title, view.instrument_title) />
                    <CategoryForm page>
                        <h1 tabindex="-1">
                            <span class="step">{format!("Category {index} of {total}")}</span>
                            {category.title.clone()}
                        </h1>
                        <p class="purpose">{category.purpose.clone()}</p>
                        {finished.then(|| view! { <FinishedNotice token=token.clone() /> })}
                        <FormError message=Signal::stored(error) />
                        <input type="hidden" name="token" value=token.clone() />
                        <input type="hidden" name="index" value=index.to_string() />
                        <Statements
                            subcategories=category.subcategories
                            answers=view.answers
                            scales=view.scales
                            disabled=finished
                        />
                        {category
                            .reflection_prompt
                            .map(|prompt| {
                                view! { <ReflectionNote prompt note=view.note disabled=finished /> }
                            })}
                        <PageButtons last finished index />
                        <UnansweredConfirm last asked=unanswered />
                    </CategoryForm>
                    <PrivateLinkAside token=aside_token url />
                }
                    .into_any()
            }
        />
    }
}

/// Whether a pointer went down on a button. Such a press does not cancel the countdown to the next
/// category at once: its click (after the pointer is released) does. Cancelling on the press
/// removed the countdown's notice, the buttons moved up, and the release landed beside the
/// button, so a tap on Next during the countdown did nothing.
fn on_button(ev: &leptos::ev::PointerEvent) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        ev.target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("button").ok().flatten())
            .is_some()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        false
    }
}

/// The words of a category page's save state.
fn save_message(state: &SaveState, hydrated: bool) -> String {
    match state {
        _ if !hydrated => "Your answers on this page are saved when you go to another page.".into(),
        SaveState::Idle => "Each answer is saved as soon as you choose it.".into(),
        SaveState::Saving => "Saving…".into(),
        SaveState::Saved => "All answers on this page are saved.".into(),
        SaveState::NotSaved(e) => format!(
            "Not saved yet: {e} Your choices stay on this page; they are sent again with your next change, or press “Next” to send the page."
        ),
        SaveState::Waiting => "Waiting for the connection – your answers are kept on this device and sent when it returns.".into(),
    }
}

/// Where a category page's form goes (Next, Back, Finish): the server function's address.
const SUBMIT_URL: &str = <SubmitCategory as server_fn::ServerFn>::PATH;

/// A category page: an island, so that each answer is saved at once and the page moves on by
/// itself. Everything that does not change while the page is open (the heading, the statements,
/// the buttons, a refused post's `?error=` message, the `?unanswered=N` question) comes from the
/// server as the island's `children`, inside its form: the island listens to the form's changes
/// and draws only the progress, the save state and the countdown, which keeps the WebAssembly
/// small. Next, Back and Finish post the form itself (a page load, as without JavaScript).
#[island]
fn CategoryForm(page: CategoryFormData, children: Children) -> impl IntoView {
    let CategoryFormData {
        token,
        resume_url,
        instrument_title,
        index,
        total,
        items,
        answers,
        answered_items,
        total_items,
        finished,
    } = page;
    let last = index == total;
    let done = RwSignal::new(answered_ids(&answers));
    let token = StoredValue::new(token);
    let order = StoredValue::new(items);
    // what the server has, or has been sent, per item: a change of the form is compared with it
    let known = StoredValue::new(answers);
    let answered = RwSignal::new(answered_items);
    let queue = RwSignal::new(SaveQueue::default());
    // true once the WebAssembly runs this page (the server's HTML says answers go with the form)
    let live = RwSignal::new(false);
    let by_pointer = StoredValue::new(false);
    let countdown = RwSignal::new(None::<u32>);
    let generation = StoredValue::new(0u64);
    let start_advance = advance_starter(generation, countdown, queue, token, index);
    let form_ref = NodeRef::<leptos::html::Form>::new();

    // every statement of the page has an answer (tracked, so the status line follows it)
    let page_complete =
        move || order.with_value(|o| done.with(|d| o.iter().all(|i| d.contains(i))));
    let cancel_advance = move || {
        generation.update_value(|g| *g += 1);
        if countdown.get_untracked().is_some() {
            countdown.set(None);
        }
    };
    on_cleanup(move || generation.update_value(|g| *g += 1));

    let pump = save_pump(queue, token, answered);
    // Next, Back or Finish pressed while answers are on their way (or wait for the connection):
    // the page goes once every answer is stored
    let going = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    let held = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let hold_submit = move |_ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(button) = _ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlButtonElement>().ok())
            else {
                return;
            };
            cancel_advance();
            if button.type_() != "submit" || queue.with_untracked(SaveQueue::is_idle) {
                return;
            }
            _ev.prevent_default();
            held.set_value(Some(button.into()));
            going.set(true);
            pump();
        }
    };
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if going.get() && queue.with(SaveQueue::is_idle) {
            going.set(false);
            if let (Some(form), Some(button)) = (form_ref.get_untracked(), held.get_value()) {
                let _ = form.request_submit_with_submitter(Some(&button));
            }
        }
    });
    // answers not yet stored are kept on the device (see `device`), and sent again every few
    // seconds and as soon as the connection returns
    #[cfg(feature = "hydrate")]
    {
        Effect::new(move |_| {
            let pending = queue.with(SaveQueue::pending);
            if live.get() {
                super::device::keep(&token.get_value(), &pending);
            }
        });
        let online = window_event_listener(leptos::ev::online, move |_| pump());
        let retry = set_interval_with_handle(
            move || {
                if queue.try_with_untracked(|q| !q.is_idle()) == Some(true) {
                    pump();
                }
            },
            std::time::Duration::from_secs(5),
        );
        on_cleanup(move || {
            online.remove();
            if let Ok(retry) = retry {
                retry.clear();
            }
        });
    }

    // every change is saved at once; the first answer to the last open statement, by pointer,
    // starts the countdown to the next category
    let on_answer = move |item: String, value: String| {
        cancel_advance();
        let given = !value.trim().is_empty();
        let was_unanswered = !done.with_untracked(|d| d.contains(&item));
        done.update(|d| {
            if given {
                d.insert(item.clone());
            } else {
                d.remove(&item);
            }
        });
        let complete = untrack(page_complete);
        known.update_value(|k| {
            k.insert(item.clone(), value.clone());
        });
        queue.update(|q| q.push(item, value));
        pump();
        if !finished
            && starts_advance(
                was_unanswered && given,
                complete,
                by_pointer.get_value(),
                last,
            )
        {
            start_advance();
        }
    };
    // what the form shows that differs from what the server has: each such answer is saved (the
    // statements are the server's HTML, so the form's own change event tells of every answer)
    let changed = move || {
        #[cfg(feature = "hydrate")]
        if let Some(form) = form_ref.get_untracked() {
            let shown = read_form(&form);
            let changes = order.with_value(|o| known.with_value(|k| shown.unsaved(o, k)));
            for (item, value) in changes {
                on_answer(item, value);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = on_answer;
    };

    // answers picked before the page was ready: read from the form and saved now
    Effect::new(move |ran: Option<bool>| {
        if ran == Some(true) {
            return true;
        }
        let Some(_form) = form_ref.get() else {
            return false;
        };
        #[cfg(feature = "hydrate")]
        if !finished {
            // answers kept on this device from before (a dropped connection, a reload) show
            // again; those of another page go straight to the queue
            let mut elsewhere = Vec::new();
            for (item, value) in super::device::load(&token.get_value()) {
                if !super::device::show(&_form, &item, &value) {
                    elsewhere.push((item, value));
                }
            }
            changed();
            for (item, value) in elsewhere {
                queue.update(|q| q.push(item, value));
            }
            pump();
        }
        live.set(true);
        // focus goes to the heading, which names the step, unless the person is already on
        // something (every category is a page load: after Next, Back or moving on by itself a
        // screen reader says where they are)
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let heading = _form
                .query_selector("h1")
                .ok()
                .flatten()
                .and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok());
            let lost = document()
                .active_element()
                .is_none_or(|a| a.tag_name() == "BODY" || !a.is_connected());
            if let Some(h) = heading.filter(|_| lost) {
                let _ = h.focus();
            }
        }
        true
    });

    view! {
        <ProgressNav title=instrument_title answered total_items />
        <KeepLink url=resume_url id="keep-top" />
        <form
            method="post"
            action=SUBMIT_URL
            node_ref=form_ref
            class="category-form"
            novalidate=true
            on:change=move |_| changed()
            on:pointerdown=move |ev| {
                by_pointer.set_value(true);
                if !on_button(&ev) {
                    cancel_advance();
                }
            }
            on:keydown=move |_| {
                by_pointer.set_value(false);
                cancel_advance();
            }
            on:click=hold_submit
        >
            {children()}
            <SaveStatus queue last live going page_complete pump />
            <AdvanceNotice countdown cancel=cancel_advance />
        </form>
    }
}

/// The statements of `answers` that have an answer (not only spaces).
fn answered_ids(answers: &HashMap<String, String>) -> HashSet<String> {
    answers
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, _)| k.clone())
        .collect()
}

/// Above the form of a finished reflection: answers can no longer change.
#[component]
fn FinishedNotice(token: String) -> impl IntoView {
    view! {
        <div class="notice" role="status">
            <p>
                "This reflection is finished; answers can no longer be changed. "
                <a href=format!("/r/{token}/profile")>"See your profile"</a>
            </p>
        </div>
    }
}

/// The category's optional question for the respondent's own reflection.
#[component]
fn ReflectionNote(prompt: String, note: Option<String>, disabled: bool) -> impl IntoView {
    view! {
        <div class="field reflection-note">
            <label for="note">{prompt}" (optional)"</label>
            <textarea id="note" name="note" rows="4" maxlength=MAX_NOTE disabled=disabled>
                {note.unwrap_or_default()}
            </textarea>
        </div>
    }
}

/// The private link below a category page's form.
#[component]
fn PrivateLinkAside(token: String, url: String) -> impl IntoView {
    view! {
        <aside class="resume-link">
            <h2>"Your private link"</h2>
            <p>
                "Keep this link to continue later on any device. Anyone who has it can see and change your answers."
            </p>
            <p>
                <a href=format!("/r/{token}") class="private-link">
                    {url}
                </a>
            </p>
        </aside>
    }
}

/// Sends the queued answers of a category page, one at a time and in order; a failure keeps the
/// answer for the next attempt. The result starts sending (call it after each change).
fn save_pump(
    queue: RwSignal<SaveQueue>,
    token: StoredValue<String>,
    answered: RwSignal<usize>,
) -> impl Fn() + Copy + Send + Sync + 'static {
    move || {
        leptos::task::spawn_local(async move {
            while let Some(Some((item, value))) = queue.try_update(|q| q.start_next()) {
                let Some(token) = token.try_get_value() else {
                    break;
                };
                match save_answer(token, item, value).await {
                    Ok(outcome) => {
                        if queue.try_update(SaveQueue::succeeded).is_none() {
                            break;
                        }
                        let _ = answered.try_set(outcome.answered_items);
                    }
                    Err(e) => {
                        let kind = match e {
                            AppError::Unreachable => Failure::Unreachable,
                            AppError::Internal
                            | AppError::BadRequest(_)
                            | AppError::TooManyRequests(_) => Failure::Retry,
                            _ => Failure::Refused,
                        };
                        queue.try_update(|q| q.failed(e.to_string(), kind));
                        break;
                    }
                }
            }
        });
    }
}

/// The countdown: a tick a second; moves on only when every answer is stored.
fn advance_tick(
    g: u64,
    generation: StoredValue<u64>,
    countdown: RwSignal<Option<u32>>,
    queue: RwSignal<SaveQueue>,
    go: impl Fn() + Clone + 'static,
) {
    set_timeout(
        move || {
            if generation.try_get_value() != Some(g) {
                return;
            }
            match countdown.try_get_untracked().flatten() {
                Some(n) if n > 1 => {
                    let _ = countdown.try_set(Some(n - 1));
                    advance_tick(g, generation, countdown, queue, go);
                }
                Some(_) => match queue.try_with_untracked(|q| q.state()) {
                    Some(SaveState::Saving | SaveState::Waiting) => {
                        advance_tick(g, generation, countdown, queue, go)
                    }
                    Some(SaveState::NotSaved(_)) | None => {
                        let _ = countdown.try_set(None);
                    }
                    Some(_) => go(),
                },
                None => {}
            }
        },
        std::time::Duration::from_secs(1),
    );
}

/// Starts the countdown from category `index` to the next one (a new `generation` ends any
/// countdown before it).
fn advance_starter(
    generation: StoredValue<u64>,
    countdown: RwSignal<Option<u32>>,
    queue: RwSignal<SaveQueue>,
    token: StoredValue<String>,
    index: usize,
) -> impl Fn() + Copy + Send + Sync + 'static {
    #[cfg(not(feature = "hydrate"))]
    let _ = (token, index);
    move || {
        generation.update_value(|g| *g += 1);
        let g = generation.get_value();
        countdown.set(Some(ADVANCE_SECONDS));
        let go = move || {
            #[cfg(feature = "hydrate")]
            if let Some(t) = token.try_get_value() {
                let _ = window()
                    .location()
                    .assign(&format!("/r/{t}/c/{}", index + 1));
            }
        };
        advance_tick(g, generation, countdown, queue, go);
    }
}

/// The progress bar above a category page: questions answered of all.
#[component]
fn ProgressNav(title: String, answered: RwSignal<usize>, total_items: usize) -> impl IntoView {
    let progress_pct = move || (answered.get() * 100).checked_div(total_items).unwrap_or(0);
    view! {
        <nav class="progress" aria-label="Progress">
            <p>
                {title} " · "
                <span>
                    {move || format!("{} of {} questions answered", answered.get(), total_items)}
                </span>
            </p>
            <div
                class="bar"
                role="progressbar"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=move || progress_pct().to_string()
                aria-label="Questions answered"
            >
                <div class="fill" style=move || format!("width: {}%", progress_pct())></div>
            </div>
        </nav>
    }
}

/// The statements of a category page, part by part (rendered on the server: the island's form
/// hears each change).
#[component]
fn Statements(
    subcategories: Vec<crate::instrument::Subcategory>,
    answers: HashMap<String, String>,
    scales: BTreeMap<String, Scale>,
    disabled: bool,
) -> impl IntoView {
    subcategories
        .iter()
        .map(|sub| {
            view! {
                <section class="subcategory">
                    <h2>{sub.title.clone()}</h2>
                    {sub
                        .items
                        .iter()
                        .map(|item| {
                            view! {
                                <ItemInput
                                    item=item.clone()
                                    value=answers.get(&item.id).cloned()
                                    scale=item.scale.as_ref().and_then(|s| scales.get(s)).cloned()
                                    disabled=disabled
                                />
                            }
                        })
                        .collect_view()}
                </section>
            }
        })
        .collect_view()
}

/// The save state of a category page's answers, with "Try again" after a failure.
#[component]
fn SaveStatus(
    queue: RwSignal<SaveQueue>,
    last: bool,
    live: RwSignal<bool>,
    going: RwSignal<bool>,
    page_complete: impl Fn() -> bool + Copy + Send + Sync + 'static,
    pump: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <p class="save-status" role="status" aria-live="polite">
            {move || {
                let state = queue.with(|q| q.state());
                if last && page_complete() && state == SaveState::Saved {
                    "All answered – press “Finish” to see your profile.".to_string()
                } else if going.get() {
                    format!(
                        "{} The page goes on once every answer is stored.",
                        save_message(&state, live.get()),
                    )
                } else {
                    save_message(&state, live.get())
                }
            }}
            {move || {
                matches!(queue.with(|q| q.state()), SaveState::NotSaved(_))
                    .then(|| {
                        view! {
                            " "
                            <button type="button" class="link" on:click=move |_| pump()>
                                "Try again"
                            </button>
                        }
                    })
            }}
        </p>
    }
}

/// The countdown to the next category, with a button to stay.
#[component]
fn AdvanceNotice(
    countdown: RwSignal<Option<u32>>,
    cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <Show when=move || countdown.get().is_some()>
            <div class="advance" role="status">
                <p>
                    {move || {
                        format!(
                            "All answered. Moving on to the next category in {} s…",
                            countdown.get().unwrap_or(0),
                        )
                    }}
                </p>
                <button type="button" on:click=move |_| cancel()>
                    "Stay on this page"
                </button>
            </div>
        </Show>
    }
}

/// Next (or Finish) and Back. Next (or Finish) comes first in the markup: it is the form's default
/// button, so Enter in a text field goes on rather than back; the style puts Back on the left.
#[component]
fn PageButtons(last: bool, finished: bool, index: usize) -> impl IntoView {
    view! {
        <div class="buttons">
            {if last {
                view! {
                    <button
                        type="submit"
                        name="go"
                        value="finish"
                        class="primary"
                        disabled=finished
                    >
                        "Finish and see my profile"
                    </button>
                }
                    .into_any()
            } else {
                view! {
                    <button type="submit" name="go" value="next" class="primary">
                        "Next category"
                    </button>
                }
                    .into_any()
            }}
            {(index > 1)
                .then(|| {
                    view! {
                        <button type="submit" name="go" value="back">
                            "Back"
                        </button>
                    }
                })}
        </div>
    }
}

/// The server's question after Next or Finish with statements left open (`?unanswered=N`, read
/// by the page: `asked`).
#[component]
fn UnansweredConfirm(last: bool, asked: Option<usize>) -> impl IntoView {
    let going = if last { "finish" } else { "next" };
    view! {
        {move || {
            asked
                .filter(|n| *n > 0)
                .map(|n| {
                    view! {
                        <div class="notice confirm" id="confirm" role="alert">
                            <p>
                                {if last {
                                    format!(
                                        "{n} {} of this reflection {} not answered. Finish anyway?",
                                        if n == 1 { "statement" } else { "statements" },
                                        if n == 1 { "is" } else { "are" },
                                    )
                                } else {
                                    format!(
                                        "{n} {} on this page {} not answered. Go on anyway?",
                                        if n == 1 { "statement" } else { "statements" },
                                        if n == 1 { "is" } else { "are" },
                                    )
                                }}
                            </p>
                            <input type="hidden" name="confirmed" value=going />
                            <button type="submit" name="go" value=going>
                                {if last { "Finish anyway" } else { "Go on anyway" }}
                            </button>
                        </div>
                    }
                })
        }}
    }
}

/// The private link, folded away near the top of long pages, with a copy button once the page
/// runs (the clipboard needs JavaScript; without it the link can be selected and copied).
#[component]
fn KeepLink(url: String, #[prop(into)] id: String) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let live = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| live.set(true));
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(el) = input.get_untracked() {
            el.select();
            let promise = window().navigator().clipboard().write_text(&el.value());
            leptos::task::spawn_local(async move {
                let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
                let _ = copied.try_set(Some(ok));
            });
        }
    };
    view! {
        <details class="keep-link no-print">
            <summary>"Your private link – keep it to continue later"</summary>
            <p class="help">"Anyone who has this link can see and change your answers."</p>
            <div class="keep-row">
                <label for=id.clone() class="visually-hidden">
                    "Your private link"
                </label>
                <input id=id type="text" readonly=true value=url node_ref=input />
                <Show when=move || live.get()>
                    <button type="button" on:click=copy>
                        "Copy"
                    </button>
                </Show>
            </div>
            <p role="status" class="help">
                {move || match copied.get() {
                    Some(true) => "Copied.",
                    Some(false) => "Select the link and copy it.",
                    None => "",
                }}
            </p>
        </details>
    }
}

/// [`KeepLink`] on a page with no other island (inside an island it is a plain component).
#[island(lazy)]
fn KeepLinkIsland(url: String, id: String) -> impl IntoView {
    view! { <KeepLink url id /> }
}

/// What the form's fields hold right now (answers given before the page was ready included).
#[cfg(feature = "hydrate")]
fn read_form(form: &web_sys::HtmlFormElement) -> super::form::FormState {
    use wasm_bindgen::JsCast;
    let mut state = super::form::FormState::default();
    if let Ok(list) = form.query_selector_all("input, textarea") {
        for i in 0..list.length() {
            let Some(node) = list.item(i) else { continue };
            if let Some(input) = node.dyn_ref::<web_sys::HtmlInputElement>() {
                let kind = input.type_();
                let toggle = kind == "radio" || kind == "checkbox";
                state.add_field(&input.name(), toggle, input.checked(), &input.value());
            } else if let Some(area) = node.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                state.add_field(&area.name(), false, false, &area.value());
            }
        }
    }
    state
}

#[component]
fn ItemInput(
    item: Item,
    value: Option<String>,
    scale: Option<Scale>,
    disabled: bool,
) -> impl IntoView {
    let id = item.id.clone();
    let name = format!("answers[{id}]");
    let help = item.help.clone().map(|h| view! { <p class="help">{h}</p> });
    match item.kind {
        ItemType::Likert | ItemType::SingleChoice => {
            let mut options: Vec<(String, String)> = match (&item.kind, &scale) {
                (ItemType::Likert, Some(s)) => s
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| ((i + 1).to_string(), l.clone()))
                    .collect(),
                _ => item
                    .options
                    .iter()
                    .map(|o| (o.value.clone(), o.label.clone()))
                    .collect(),
            };
            if let Some(na) = scale.as_ref().and_then(|s| s.not_applicable.clone()) {
                options.push((NOT_APPLICABLE.to_string(), na));
            }
            let class = if item.kind == ItemType::Likert {
                "item likert"
            } else {
                "item choice-list"
            };
            view! {
                <fieldset class=class id=format!("item-{id}")>
                    <legend>{item.text.clone()}</legend>
                    {help}
                    <div class="options">
                        {options
                            .into_iter()
                            .map(|(v, l)| {
                                let checked = value.as_deref() == Some(v.as_str());
                                let class = if v == NOT_APPLICABLE {
                                    "option na"
                                } else {
                                    "option"
                                };
                                view! {
                                    <label class=class>
                                        <input
                                            type="radio"
                                            name=name.clone()
                                            value=v
                                            checked=checked
                                            disabled=disabled
                                        />
                                        <span>{l}</span>
                                    </label>
                                }
                            })
                            .collect_view()}
                    </div>
                </fieldset>
            }
            .into_any()
        }
        ItemType::MultipleChoice => {
            let chosen: Vec<String> = value
                .unwrap_or_default()
                .split(',')
                .map(str::to_string)
                .collect();
            let hint = item
                .max_choices
                .map(|m| view! { <p class="help">{format!("Choose at most {m}.")}</p> });
            view! {
                <fieldset class="item choice-list" id=format!("item-{id}")>
                    <legend>{item.text.clone()}</legend>
                    {help}
                    {hint}
                    <div class="options">
                        {item
                            .options
                            .iter()
                            .map(|o| {
                                view! {
                                    <label class="option">
                                        <input
                                            type="checkbox"
                                            name=format!("multi[{id}][{}]", o.value)
                                            value="on"
                                            checked=chosen.contains(&o.value)
                                            disabled=disabled
                                        />
                                        <span>{o.label.clone()}</span>
                                    </label>
                                }
                            })
                            .collect_view()}
                    </div>
                </fieldset>
            }
            .into_any()
        }
        ItemType::Number => {
            let unit = item
                .unit
                .clone()
                .map(|u| view! { <span class="unit">{u}</span> });
            view! {
                <div class="item field" id=format!("item-{id}")>
                    <label for=format!("in-{id}")>{item.text.clone()}</label>
                    {help}
                    <input
                        id=format!("in-{id}")
                        type="number"
                        name=name
                        inputmode="numeric"
                        min=item.min.map(|m| m.to_string())
                        max=item.max.map(|m| m.to_string())
                        step=if item.integer.unwrap_or(true) { "1" } else { "any" }
                        value=value.unwrap_or_default()
                        disabled=disabled
                    />
                    {unit}
                </div>
            }
            .into_any()
        }
        ItemType::LongText => view! {
            <div class="item field" id=format!("item-{id}")>
                <label for=format!("in-{id}")>{item.text.clone()}</label>
                {help}
                <textarea
                    id=format!("in-{id}")
                    name=name
                    rows="4"
                    maxlength=item.text_limit()
                    disabled=disabled
                >
                    {value.unwrap_or_default()}
                </textarea>
            </div>
        }
        .into_any(),
        ItemType::ShortText | ItemType::OneWord => view! {
            <div class="item field" id=format!("item-{id}")>
                <label for=format!("in-{id}")>{item.text.clone()}</label>
                {help}
                <input
                    id=format!("in-{id}")
                    type="text"
                    name=name
                    maxlength=item.text_limit()
                    disabled=disabled
                    value=value.unwrap_or_default()
                />
            </div>
        }
        .into_any(),
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
        <Loaded
            load=move || profile
            children=|p| {
                if p.status == Status::InProgress {
                    view! {
                        <Title text="Not finished yet – Reflect" />
                        <h1>"Your reflection is not finished yet"</h1>
                        <p>
                            <A
                                href=format!("/r/{}/c/{}", p.token, p.first_open_category)
                                attr:class="button"
                            >
                                "Continue where you left off"
                            </A>
                        </p>
                    }
                        .into_any()
                } else {
                    view! { <Profile view=p /> }.into_any()
                }
            }
        />
    }
}

fn fmt_mean(m: Option<f64>) -> String {
    m.map(|m| format!("{m:.2}")).unwrap_or_else(|| "–".into())
}

#[component]
fn Profile(view: ProfileView) -> impl IntoView {
    let p = view.profile.clone();
    let weakest = crate::values::join_names(&view.weakest_titles);
    let any_scored = view.profile.categories.iter().any(|c| c.tally.n > 0);
    let verdict = match view.weakest_titles.len() {
        0 if !any_scored => "You gave no scored answers, so no category stands out.".to_string(),
        0 => "No category has enough answers to say which needs most work.".to_string(),
        1 => format!("Needs most work: {weakest}"),
        _ => format!("Need most work, equally low: {weakest}"),
    };
    let charts = profile_charts(&p);
    view! {
        <Title text=format!("Your profile – {}", view.instrument_title) />
        // ECharts, served by the app itself; loaded only on this page.
        <script src="/vendor/echarts.min.js"></script>
        <h1>"Your leadership profile"</h1>
        <p class="meta">
            {format!(
                "{} (version {}) · innovation: {}",
                view.instrument_title,
                view.instrument_version,
                view.innovation,
            )}
        </p>
        <Verdict verdict max=p.scale_max scale_labels=view.scale_labels.clone() />
        <KeepLinkIsland url=view.resume_url.clone() id="keep-top".to_string() />
        {view.room.clone().map(|q| view! { <RoomSection q=q token=view.token.clone() /> })}
        <AllCategories
            profile=p.clone()
            comparisons=view.comparisons.clone()
            other_scales=view.other_scales.clone()
        />
        <WeakestStatements weakest=weakest.clone() statements=view.weakest_statements.clone() />
        <CategoryByCategory profile=p />
        {(!view.notes.is_empty()).then(|| view! { <Reflections notes=view.notes.clone() /> })}
        <ActionPlan token=view.token.clone() weakest plan=view.action_plan.clone() />
        <section class="no-print">
            <h2>"Print or keep"</h2>
            <p>
                "Use your browser's Print command to print this page or save it as a PDF; the layout is made for paper."
            </p>
            <p>
                "Your private link: " <a href=format!("/r/{}", view.token) class="private-link">
                    {view.resume_url.clone()}
                </a>
            </p>
        </section>
        <DeleteAnswers token=view.token.clone() />
        <Charts charts />
    }
}

/// The profile's charts: all categories (`chart-overview`), then each category's parts
/// (`chart-cat-{i}`).
fn profile_charts(p: &super::scoring::Profile) -> Vec<ChartSpec> {
    std::iter::once(ChartSpec::new(
        "chart-overview",
        &super::chart::overview_chart(p),
        300,
    ))
    .chain((0..p.categories.len()).filter_map(|i| {
        super::chart::category_chart(p, i)
            .map(|c| ChartSpec::new(format!("chart-cat-{i}"), &c, 200))
    }))
    .collect()
}

/// Which category needs most work, and how to read the means.
#[component]
fn Verdict(verdict: String, max: i64, scale_labels: Vec<String>) -> impl IntoView {
    let labels: BTreeMap<usize, String> = scale_labels
        .iter()
        .enumerate()
        .map(|(i, l)| (i + 1, l.clone()))
        .collect();
    view! {
        <div class="verdict" id="weakest">
            <p class="verdict-title">{verdict}</p>
            <p>
                {format!(
                    "Means are on the answer scale from 1 ({}) to {max} ({}); “don't know / not applicable” is left out.",
                    labels.get(&1).cloned().unwrap_or_default(),
                    labels.get(&(max as usize)).cloned().unwrap_or_default(),
                )}
            </p>
            <p class="rule">
                "A category is compared only when at least half of its statements have an answer on the scale."
            </p>
        </div>
    }
}

/// The overview: the chart of all categories and the table of the respondent's means, with the
/// released groups' means beside them and a line for each group still withheld.
#[component]
fn AllCategories(
    profile: super::scoring::Profile,
    comparisons: Vec<Comparison>,
    other_scales: BTreeMap<String, String>,
) -> impl IntoView {
    let p = profile;
    let (shown, hidden): (Vec<Comparison>, Vec<Comparison>) = comparisons
        .iter()
        .cloned()
        .partition(|c| c.withheld.is_none());
    view! {
        <section>
            <h2>"All categories"</h2>
            <div
                id="chart-overview"
                class="chart"
                role="img"
                aria-label="Bar chart of your mean per category. The table below shows the same numbers."
            ></div>
            <div class="table-wrap" role="region" aria-label="Your mean per category" tabindex="0">
                <table class="data">
                    <caption>"Your mean per category (the lowest is marked)"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Category"</th>
                            <th scope="col">"Your mean"</th>
                            <th scope="col">"Answered on the scale"</th>
                            <th scope="col">"Not applicable"</th>
                            {shown
                                .iter()
                                .map(|c| {
                                    view! {
                                        <th scope="col">
                                            {format!("{} (n = {})", c.label, c.respondents)}
                                        </th>
                                    }
                                })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {p
                            .categories
                            .iter()
                            .enumerate()
                            .map(|(i, c)| {
                                let low = p.weakest.contains(&c.id);
                                let why = if c.scale != p.ranking_scale {
                                    other_scales
                                        .get(&c.id)
                                        .map(|labels| {
                                            format!(" (on another scale: {labels}; not compared)")
                                        })
                                } else if !c.ranked && c.tally.n > 0 {
                                    Some(" (too few answers to compare)".to_string())
                                } else {
                                    None
                                };
                                view! {
                                    <tr class:weakest=low>
                                        <th scope="row">
                                            {c.title.clone()}{low.then_some(" (needs most work)")}
                                            {why.map(|w| view! { <span class="meta">{w}</span> })}
                                        </th>
                                        <td>{fmt_mean(c.mean)}</td>
                                        <td>{format!("{} of {}", c.tally.n, c.statements())}</td>
                                        <td>{c.not_applicable}</td>
                                        {shown
                                            .iter()
                                            .map(|g| {
                                                view! {
                                                    <td>{fmt_mean(g.means.get(i).copied().flatten())}</td>
                                                }
                                            })
                                            .collect_view()}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            {hidden
                .iter()
                .map(|g| {
                    view! {
                        <p class="meta comparison-hidden">
                            {match g.withheld {
                                Some(Withheld::WouldReveal) | None => {
                                    format!(
                                        "{}: hidden for now, because beside the other results it would reveal the answers of a smaller group.",
                                        g.label,
                                    )
                                }
                                Some(Withheld::MoreNeeded(more)) if g.respondents == 0 => {
                                    format!(
                                        "{}: no figures released yet. They are first released once at least {} respondents have finished.",
                                        g.label,
                                        more,
                                    )
                                }
                                Some(Withheld::MoreNeeded(more)) => {
                                    format!(
                                        "{}: shown from {} respondents, to keep answers anonymous ({} more needed).",
                                        g.label,
                                        g.respondents + more,
                                        more,
                                    )
                                }
                            }}
                        </p>
                    }
                })
                .collect_view()}
            {(!comparisons.is_empty())
                .then(|| {
                    view! {
                        <p class="meta">
                            "Group figures change only in releases, each once enough respondents of the group have finished or left since the last one, so that nobody can compare before and after one person answers. Your own answers may not be in them yet."
                        </p>
                    }
                })}
        </section>
    }
}

/// The respondent's answers to the statements of the weakest category (`weakest`: its name or
/// names), lowest first.
#[component]
fn WeakestStatements(weakest: String, statements: Vec<StatementAnswer>) -> impl IntoView {
    view! {
        <section class="statements">
            <h2>"What lies behind it"</h2>
            {if statements.is_empty() {
                view! { <p>"No statements to show."</p> }.into_any()
            } else {
                view! {
                    <p>{format!("Your answers to the statements of {weakest}, lowest first:")}</p>
                    <div
                        class="table-wrap"
                        role="region"
                        aria-label="Statements in the category that needs most work"
                        tabindex="0"
                    >
                        <table class="data">
                            <caption>"Statements in the category that needs most work"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Statement"</th>
                                    <th scope="col">"Part"</th>
                                    <th scope="col">"Your answer"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {statements
                                    .iter()
                                    .map(|s| {
                                        view! {
                                            <tr>
                                                <td>{s.text.clone()}</td>
                                                <td>{s.subcategory.clone()}</td>
                                                <td>{s.answer.clone()}</td>
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
        </section>
    }
}

/// Each category's chart and table of its parts' means.
#[component]
fn CategoryByCategory(profile: super::scoring::Profile) -> impl IntoView {
    view! {
        <section class="per-category">
            <h2>"Category by category"</h2>
            {profile
                .categories
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    view! {
                        <div class="category-result">
                            <h3>{c.title.clone()}{format!(" – mean {}", fmt_mean(c.mean))}</h3>
                            <div
                                id=format!("chart-cat-{i}")
                                class="chart small"
                                role="img"
                                aria-label=format!(
                                    "Bar chart of your means in {}. The table next to it shows the same numbers.",
                                    c.title,
                                )
                            ></div>
                            <div
                                class="table-wrap"
                                role="region"
                                aria-label=format!("{}: mean per part", c.title)
                                tabindex="0"
                            >
                                <table class="data">
                                    <caption>{format!("{}: mean per part", c.title)}</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">"Part"</th>
                                            <th scope="col">"Mean"</th>
                                            <th scope="col">"Answered"</th>
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
                                                        <td>{fmt_mean(s.mean)}</td>
                                                        <td>{s.tally.n}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        </div>
                    }
                })
                .collect_view()}
        </section>
    }
}

/// The respondent's notes, category by category: (category title, note).
#[component]
fn Reflections(notes: Vec<(String, String)>) -> impl IntoView {
    view! {
        <section>
            <h2>"Your reflections"</h2>
            <dl>
                {notes
                    .iter()
                    .map(|(t, n)| {
                        view! {
                            <dt>{t.clone()}</dt>
                            <dd class="note">{n.clone()}</dd>
                        }
                    })
                    .collect_view()}
            </dl>
        </section>
    }
}

/// The action plan form: steps for the weakest category (`weakest`: its name or names, empty when
/// none stands out), with the saved `plan` filled in.
#[component]
fn ActionPlan(token: String, weakest: String, plan: Option<String>) -> impl IntoView {
    let plan_action = ServerAction::<SaveActionPlan>::new();
    let plan_error = form_error(plan_action.value(), "plan_error");
    let query = use_query_map();
    let plan_value = plan_action.value();
    let saved = move || {
        plan_value
            .with(|v| match v {
                Some(Ok(done)) => Some(*done),
                Some(Err(_)) => None,
                None => None,
            })
            .or_else(|| match query.read().get("saved").as_deref() {
                Some("removed") => Some(PlanSaved::Removed),
                Some(_) => Some(PlanSaved::Saved),
                None => None,
            })
    };
    view! {
        <section id="action-plan" class="action-plan">
            <h2>"Your action plan"</h2>
            <FormError message=Signal::derive(plan_error) />
            {move || {
                saved()
                    .map(|done| {
                        view! {
                            <p class="ok" role="status">
                                {match done {
                                    PlanSaved::Saved => "Your action plan is saved.",
                                    PlanSaved::Removed => "Your action plan is removed.",
                                }}
                            </p>
                        }
                    })
            }}
            <ActionForm action=plan_action>
                <input type="hidden" name="token" value=token />
                <label for="plan">
                    {format!(
                        "One or two concrete steps for {} in the coming months",
                        if weakest.is_empty() { "your school".to_string() } else { weakest.clone() },
                    )}
                </label>
                <textarea id="plan" name="plan" rows="5" maxlength=MAX_ACTION_PLAN>
                    {plan.unwrap_or_default()}
                </textarea>
                <button type="submit">"Save my action plan"</button>
            </ActionForm>
        </section>
    }
}

/// The form that deletes the reflection for good (with a tick to confirm).
#[component]
fn DeleteAnswers(token: String) -> impl IntoView {
    let delete_action = ServerAction::<DeleteReflection>::new();
    let delete_error = form_error(delete_action.value(), "delete_error");
    view! {
        <section class="danger no-print">
            <h2>"Delete my answers"</h2>
            <FormError message=Signal::derive(delete_error) />
            <ActionForm action=delete_action>
                <input type="hidden" name="token" value=token />
                <label class="choice">
                    <input type="checkbox" name="confirm" value="yes" />
                    "Yes, delete all my answers and this profile for good."
                </label>
                <button type="submit" class="danger">
                    "Delete all my answers"
                </button>
            </ActionForm>
        </section>
    }
}

/// A workshop participant's answers for the room: which category needs most work, one word.
#[component]
fn RoomSection(q: crate::workshops::model::RoomQuestions, token: String) -> impl IntoView {
    let action = ServerAction::<super::api::AnswerRoom>::new();
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
                    <Show when=saved>
                        <p class="ok" role="status">
                            "Thank you: the room sees your answers together with everyone else's."
                        </p>
                    </Show>
                    <ActionForm action=action>
                        <input type="hidden" name="token" value=token />
                        {(!q.poll_options.is_empty())
                            .then(|| {
                                view! {
                                    <fieldset>
                                        <legend>
                                            "Which category needs most work in your school?"
                                        </legend>
                                        {q
                                            .poll_options
                                            .iter()
                                            .map(|(id, title)| {
                                                view! {
                                                    <label class="choice">
                                                        <input
                                                            type="radio"
                                                            name="poll"
                                                            value=id.clone()
                                                            checked=poll_answer.as_deref() == Some(id.as_str())
                                                        />
                                                        {title.clone()}
                                                    </label>
                                                }
                                            })
                                            .collect_view()}
                                    </fieldset>
                                }
                            })}
                        {q
                            .word_prompt
                            .clone()
                            .map(|p| {
                                view! {
                                    <div class="field">
                                        <label for="room-word">{p}</label>
                                        <input
                                            id="room-word"
                                            name="word"
                                            type="text"
                                            autocomplete="off"
                                            maxlength=crate::workshops::model::MAX_WORD
                                            value=q.word_answer.clone().unwrap_or_default()
                                        />
                                        <p class="help">
                                            "One word. It is shown in the room's word cloud, without your name."
                                        </p>
                                    </div>
                                }
                            })}
                        <button type="submit" class="primary">
                            "Send to the room"
                        </button>
                    </ActionForm>
                }
                    .into_any()
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
        <p>
            "Your reflection, its answers and its action plan are gone from Reflect. The private link no longer works."
        </p>
        <p>
            <A href="/">"Start a new reflection"</A>
        </p>
    }
}
