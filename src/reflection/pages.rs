//! The respondent's pages: start, context, category pages, profile.
use super::api::*;
use super::form::{ADVANCE_SECONDS, Failure, SaveQueue, SaveState, starts_advance};
use super::model::*;
use crate::error::AppError;
use crate::i18n::td_string;
use crate::instrument::{Item, ItemType, NOT_APPLICABLE, Scale};
use crate::lang::{Locale, join_names};
use crate::ui::{
    ChartSpec, Charts, ErrorBox, FormError, InnovationChoices, Loaded, form_error, query_error,
};
use crate::values::{RespondentRole, RoleGroup, Withheld};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::{use_params_map, use_query_map};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The language instrument texts are written in: a text a translation lacks shows in it.
const SOURCE_LANGUAGE: &str = "en";

/// The `lang` of an instrument text on a page in language `l`: the source language's when the
/// translation lacks the text (`untranslated`), else none (the page's own).
fn text_lang(l: Locale, untranslated: bool) -> Option<&'static str> {
    (untranslated && crate::lang::code(l) != SOURCE_LANGUAGE).then_some(SOURCE_LANGUAGE)
}

/// An instrument text (a title, a statement) on a page in language `l`: as it is, or, when the
/// translation lacks it, marked as English with a visible "(not yet translated)" after it.
fn instrument_text(l: Locale, text: String, untranslated: bool) -> AnyView {
    match text_lang(l, untranslated) {
        Some(lang) => view! {
            <span lang=lang>{text}</span>
            " "
            <span class="untranslated">{td_string!(l, reflection.not_yet_translated)}</span>
        }
        .into_any(),
        None => text.into_any(),
    }
}

/// The profile's innovation in language `l`: its name, and the respondent's own words after it.
fn innovation_in(l: Locale, id: &str, detail: Option<&str>) -> String {
    let name = crate::values::innovation_label(l, id).unwrap_or(id);
    match detail {
        Some(d) => format!("{name}: {d}"),
        None => name.to_string(),
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let l = crate::lang::current();
    let instruments = Resource::new(|| (), |_| list_instruments());
    let resume = ServerAction::<OpenLink>::new();
    let resume_error = form_error(resume.value(), "resume_error");
    view! {
        <Title text=td_string!(l, common.site_title) />
        <h1>{td_string!(l, reflection.home_heading)}</h1>
        <p class="lead">{td_string!(l, reflection.home_lead)}</p>
        <p class="join-entry">
            {td_string!(l, reflection.home_join_before)} " " <A href="/join" attr:class="button">
                {td_string!(l, reflection.home_join_link)}
            </A> " " {td_string!(l, reflection.home_join_after)}
        </p>
        <Loaded
            load=move || instruments
            children=move |list| {
                view! {
                    <h2>{td_string!(l, reflection.choose_questionnaire)}</h2>
                    <ul class="cards">
                        {list
                            .into_iter()
                            .map(|i| {
                                view! {
                                    <li class="card">
                                        <h3>
                                            {instrument_text(l, i.title.clone(), i.untranslated)}
                                        </h3>
                                        <p>{i.description.clone()}</p>
                                        <p class="meta">
                                            {format!(
                                                "{} · {}",
                                                td_string!(
                                                    l, reflection.category_count, count = i.categories.len()
                                                ),
                                                td_string!(l, reflection.question_count, count = i.items),
                                            )}
                                        </p>
                                        <A href=format!("/start/{}", i.id) attr:class="button">
                                            {td_string!(
                                                l, reflection.start_button, title = i.title.clone()
                                            )
                                                .to_string()}
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
            <h2>{td_string!(l, reflection.resume_heading)}</h2>
            // posted, so the private link never stands in an address or a server log
            <FormError message=Signal::derive(resume_error) />
            <ActionForm action=resume>
                <label for="link">{td_string!(l, reflection.private_link)}</label>
                <input
                    id="link"
                    name="link"
                    type="text"
                    autocomplete="off"
                    placeholder="https://…/r/…"
                />
                <button type="submit">{td_string!(l, reflection.continue_button)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn StartPage() -> impl IntoView {
    let l = crate::lang::current();
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
                    <Title text=td_string!(l, reflection.start_title, title = i.title.clone())
                        .to_string() />
                    <h1>{instrument_text(l, i.title.clone(), i.untranslated)}</h1>
                    <p>{i.description.clone()}</p>
                    {i.notice.clone().map(|n| view! { <p class="notice">{n}</p> })}
                    {i
                        .translation_note
                        .clone()
                        .map(|n| view! { <p class="notice translation-note">{n}</p> })}
                    <FormError message=Signal::derive(error) />
                    <ActionForm action=start attr:class="context-form">
                        <input type="hidden" name="instrument" value=i.id.clone() />
                        <input type="hidden" name="workshop" value=workshop />
                        // the reflection keeps speaking the language it was started in
                        <input type="hidden" name="language" value=crate::lang::code(l) />
                        {move || {
                            (!workshop().is_empty())
                                .then(|| {
                                    view! {
                                        <p class="notice">
                                            {td_string!(
                                                l,
                                                reflection.joining_workshop,
                                                code = crate::workshops::codes::display(&workshop())
                                            )
                                                .to_string()}
                                        </p>
                                    }
                                })
                        }}
                        <RoleChoices roles=&RespondentRole::ALL />
                        <InnovationChoices
                            legend=td_string!(l, reflection.innovation_legend)
                            detail_label=td_string!(l, reflection.innovation_detail_label)
                            detail_id="innovation_detail"
                        />
                        // in a workshop the workshop code is all they need
                        {move || {
                            workshop()
                                .is_empty()
                                .then(|| {
                                    view! {
                                        <div class="field">
                                            <label for="school_code">
                                                {td_string!(l, reflection.school_code_label)}
                                            </label>
                                            <input
                                                id="school_code"
                                                name="school_code"
                                                type="text"
                                                maxlength="16"
                                                autocomplete="off"
                                                aria-describedby="school_code_help"
                                            />
                                            <p class="help" id="school_code_help">
                                                {td_string!(l, reflection.school_code_help)}
                                            </p>
                                        </div>
                                    }
                                })
                        }}
                        <ConsentChoices />
                        <button type="submit" class="primary">
                            {td_string!(l, reflection.start_submit)}
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
    let l = crate::lang::current();
    view! {
        <Loaded
            load=move || page
            children=move |view| {
                let page = CategoryFormData::from(&view);
                let words = CategoryFormWords::new(l);
                let (index, total, finished) = (page.index, page.total, page.finished);
                let last = index == total;
                let (token, url) = (view.token.clone(), view.resume_url.clone());
                let aside_token = token.clone();
                let category = view.category;
                let error = error.clone();
                view! {
                    <Title text=format!("{} – {}", category.title, view.instrument_title) />
                    <CategoryForm page words>
                        <h1 tabindex="-1">
                            <span class="step">
                                {td_string!(
                                    l, reflection.category_step, index = index, total = total
                                )
                                    .to_string()}
                            </span>
                            {instrument_text(l, category.title.clone(), category.untranslated)}
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

/// The words a category page's island shows, in the page's language. The island runs in the
/// browser, where no translation is compiled in (a page there would always be English), so the
/// server puts them in; a text with a number holds a `{…}` placeholder the island fills in.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CategoryFormWords {
    pub progress: String,
    /// "{answered} of {total} questions answered"
    pub progress_answered: String,
    pub progress_bar: String,
    pub save_on_leave: String,
    pub save_idle: String,
    pub save_saving: String,
    pub save_saved: String,
    /// "Not saved yet: {error} …"
    pub save_not_saved: String,
    pub save_waiting: String,
    /// "{message} The page goes on once every answer is stored."
    pub save_going: String,
    pub all_answered_finish: String,
    pub try_again: String,
    /// "All answered. Moving on to the next category in {seconds} s…"
    pub advance: String,
    pub stay: String,
    pub keep_link: KeepLinkWords,
}

impl CategoryFormWords {
    /// The words in language `l` (on the server: see the type).
    pub fn new(l: Locale) -> Self {
        Self {
            progress: td_string!(l, reflection.progress).into(),
            progress_answered: td_string!(
                l,
                reflection.progress_answered,
                answered = "{answered}",
                total = "{total}"
            )
            .to_string(),
            progress_bar: td_string!(l, reflection.progress_bar).into(),
            save_on_leave: td_string!(l, reflection.save_on_leave).into(),
            save_idle: td_string!(l, reflection.save_idle).into(),
            save_saving: td_string!(l, reflection.save_saving).into(),
            save_saved: td_string!(l, reflection.save_saved).into(),
            save_not_saved: td_string!(l, reflection.save_not_saved, error = "{error}").to_string(),
            save_waiting: td_string!(l, reflection.save_waiting).into(),
            save_going: td_string!(l, reflection.save_going, message = "{message}").to_string(),
            all_answered_finish: td_string!(l, reflection.all_answered_finish).into(),
            try_again: td_string!(l, reflection.try_again).into(),
            advance: td_string!(l, reflection.advance_countdown, seconds = "{seconds}").to_string(),
            stay: td_string!(l, reflection.stay_on_page).into(),
            keep_link: KeepLinkWords::new(l),
        }
    }
}

/// The words of [`KeepLink`], in the page's language (see [`CategoryFormWords`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct KeepLinkWords {
    pub summary: String,
    pub help: String,
    pub label: String,
    pub copy: String,
    pub copied: String,
    pub copy_failed: String,
}

impl KeepLinkWords {
    pub fn new(l: Locale) -> Self {
        Self {
            summary: td_string!(l, reflection.keep_link_summary).into(),
            help: td_string!(l, reflection.keep_link_help).into(),
            label: td_string!(l, reflection.private_link).into(),
            copy: td_string!(l, reflection.copy).into(),
            copied: td_string!(l, reflection.copied).into(),
            copy_failed: td_string!(l, reflection.copy_failed).into(),
        }
    }
}

/// The words of a category page's save state.
fn save_message(state: &SaveState, hydrated: bool, w: &CategoryFormWords) -> String {
    match state {
        _ if !hydrated => w.save_on_leave.clone(),
        SaveState::Idle => w.save_idle.clone(),
        SaveState::Saving => w.save_saving.clone(),
        SaveState::Saved => w.save_saved.clone(),
        SaveState::NotSaved(e) => w.save_not_saved.replace("{error}", e),
        SaveState::Waiting => w.save_waiting.clone(),
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
fn CategoryForm(
    page: CategoryFormData,
    words: CategoryFormWords,
    children: Children,
) -> impl IntoView {
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
    let keep_words = words.keep_link.clone();
    let (progress_label, progress_answered, progress_bar) = (
        words.progress.clone(),
        words.progress_answered.clone(),
        words.progress_bar.clone(),
    );
    let words = StoredValue::new(words);
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
        <ProgressNav
            title=instrument_title
            answered
            total_items
            label=progress_label
            answered_template=progress_answered
            bar_label=progress_bar
        />
        <KeepLink url=resume_url id="keep-top" words=keep_words />
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
            <SaveStatus queue last live going page_complete pump words />
            <AdvanceNotice countdown cancel=cancel_advance words />
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
    let l = crate::lang::current();
    view! {
        <div class="notice" role="status">
            <p>
                {td_string!(l, reflection.finished_notice)} " "
                <a href=format!("/r/{token}/profile")>{td_string!(l, reflection.see_profile)}</a>
            </p>
        </div>
    }
}

/// The category's optional question for the respondent's own reflection.
#[component]
fn ReflectionNote(prompt: String, note: Option<String>, disabled: bool) -> impl IntoView {
    let l = crate::lang::current();
    view! {
        <div class="field reflection-note">
            <label for="note">
                {td_string!(l, reflection.note_label, prompt = prompt).to_string()}
            </label>
            <textarea id="note" name="note" rows="4" maxlength=MAX_NOTE disabled=disabled>
                {note.unwrap_or_default()}
            </textarea>
        </div>
    }
}

/// The private link below a category page's form.
#[component]
fn PrivateLinkAside(token: String, url: String) -> impl IntoView {
    let l = crate::lang::current();
    view! {
        <aside class="resume-link">
            <h2>{td_string!(l, reflection.private_link)}</h2>
            <p>{td_string!(l, reflection.private_link_keep)}</p>
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

/// The progress bar above a category page: questions answered of all. `answered_template` holds
/// `{answered}` and `{total}` (words of the page's language, from the server).
#[component]
fn ProgressNav(
    title: String,
    answered: RwSignal<usize>,
    total_items: usize,
    label: String,
    answered_template: String,
    bar_label: String,
) -> impl IntoView {
    let progress_pct = move || (answered.get() * 100).checked_div(total_items).unwrap_or(0);
    let total = total_items.to_string();
    view! {
        <nav class="progress" aria-label=label>
            <p>
                {title} " · "
                <span>
                    {move || {
                        answered_template
                            .replace("{answered}", &answered.get().to_string())
                            .replace("{total}", &total)
                    }}
                </span>
            </p>
            <div
                class="bar"
                role="progressbar"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=move || progress_pct().to_string()
                aria-label=bar_label
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
    let l = crate::lang::current();
    subcategories
        .iter()
        .map(|sub| {
            view! {
                <section class="subcategory">
                    <h2>{instrument_text(l, sub.title.clone(), sub.untranslated)}</h2>
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
    words: StoredValue<CategoryFormWords>,
) -> impl IntoView {
    view! {
        <p class="save-status" role="status" aria-live="polite">
            {move || {
                let state = queue.with(|q| q.state());
                words
                    .with_value(|w| {
                        if last && page_complete() && state == SaveState::Saved {
                            w.all_answered_finish.clone()
                        } else if going.get() {
                            w.save_going.replace("{message}", &save_message(&state, live.get(), w))
                        } else {
                            save_message(&state, live.get(), w)
                        }
                    })
            }}
            {move || {
                matches!(queue.with(|q| q.state()), SaveState::NotSaved(_))
                    .then(|| {
                        view! {
                            " "
                            <button type="button" class="link" on:click=move |_| pump()>
                                {words.with_value(|w| w.try_again.clone())}
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
    words: StoredValue<CategoryFormWords>,
) -> impl IntoView {
    view! {
        <Show when=move || countdown.get().is_some()>
            <div class="advance" role="status">
                <p>
                    {move || {
                        let seconds = countdown.get().unwrap_or(0).to_string();
                        words.with_value(|w| w.advance.replace("{seconds}", &seconds))
                    }}
                </p>
                <button type="button" on:click=move |_| cancel()>
                    {words.with_value(|w| w.stay.clone())}
                </button>
            </div>
        </Show>
    }
}

/// Next (or Finish) and Back. Next (or Finish) comes first in the markup: it is the form's default
/// button, so Enter in a text field goes on rather than back; the style puts Back on the left.
#[component]
fn PageButtons(last: bool, finished: bool, index: usize) -> impl IntoView {
    let l = crate::lang::current();
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
                        {td_string!(l, reflection.finish_button)}
                    </button>
                }
                    .into_any()
            } else {
                view! {
                    <button type="submit" name="go" value="next" class="primary">
                        {td_string!(l, reflection.next_button)}
                    </button>
                }
                    .into_any()
            }}
            {(index > 1)
                .then(|| {
                    view! {
                        <button type="submit" name="go" value="back">
                            {td_string!(l, reflection.back_button)}
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
    let l = crate::lang::current();
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
                                    td_string!(l, reflection.unanswered_finish, count = n)
                                        .to_string()
                                } else {
                                    td_string!(l, reflection.unanswered_next, count = n).to_string()
                                }}
                            </p>
                            <input type="hidden" name="confirmed" value=going />
                            <button type="submit" name="go" value=going>
                                {if last {
                                    td_string!(l, reflection.finish_anyway)
                                } else {
                                    td_string!(l, reflection.go_on_anyway)
                                }}
                            </button>
                        </div>
                    }
                })
        }}
    }
}

/// The private link, folded away near the top of long pages, with a copy button once the page
/// runs (the clipboard needs JavaScript; without it the link can be selected and copied). It
/// runs in islands, so its `words` come from the server.
#[component]
fn KeepLink(url: String, #[prop(into)] id: String, words: KeepLinkWords) -> impl IntoView {
    let KeepLinkWords {
        summary,
        help,
        label,
        copy: copy_text,
        copied: copied_text,
        copy_failed,
    } = words;
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
            <summary>{summary}</summary>
            <p class="help">{help}</p>
            <div class="keep-row">
                <label for=id.clone() class="visually-hidden">
                    {label}
                </label>
                <input id=id type="text" readonly=true value=url node_ref=input />
                <Show when=move || live.get()>
                    <button type="button" on:click=copy>
                        {copy_text.clone()}
                    </button>
                </Show>
            </div>
            <p role="status" class="help">
                {move || match copied.get() {
                    Some(true) => copied_text.clone(),
                    Some(false) => copy_failed.clone(),
                    None => String::new(),
                }}
            </p>
        </details>
    }
}

/// [`KeepLink`] on a page with no other island (inside an island it is a plain component).
#[island(lazy)]
fn KeepLinkIsland(url: String, id: String, words: KeepLinkWords) -> impl IntoView {
    view! { <KeepLink url id words /> }
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
    let l = crate::lang::current();
    let id = item.id.clone();
    let name = format!("answers[{id}]");
    // a statement the translation lacks is shown in English, marked
    let lang = text_lang(l, item.untranslated);
    let text = instrument_text(l, item.text.clone(), item.untranslated);
    let help = item.help.clone().map(|h| {
        view! {
            <p class="help" lang=lang>
                {h}
            </p>
        }
    });
    match item.kind {
        ItemType::Likert | ItemType::SingleChoice => {
            // the scale's labels are the scale's (translated with it), the options the item's
            let (mut options, options_lang): (Vec<(String, String)>, _) = match (&item.kind, &scale)
            {
                (ItemType::Likert, Some(s)) => (
                    s.labels
                        .iter()
                        .enumerate()
                        .map(|(i, label)| ((i + 1).to_string(), label.clone()))
                        .collect(),
                    None,
                ),
                _ => (
                    item.options
                        .iter()
                        .map(|o| (o.value.clone(), o.label.clone()))
                        .collect(),
                    lang,
                ),
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
                    <legend>{text}</legend>
                    {help}
                    <div class="options">
                        {options
                            .into_iter()
                            .map(|(v, label)| {
                                let checked = value.as_deref() == Some(v.as_str());
                                let (class, lang) = if v == NOT_APPLICABLE {
                                    ("option na", None)
                                } else {
                                    ("option", options_lang)
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
                                        <span lang=lang>{label}</span>
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
            let hint = item.max_choices.map(|m| {
                view! { <p class="help">{td_string!(l, reflection.choose_at_most, max = m).to_string()}</p> }
            });
            view! {
                <fieldset class="item choice-list" id=format!("item-{id}")>
                    <legend>{text}</legend>
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
                                        <span lang=lang>{o.label.clone()}</span>
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
            let unit = item.unit.clone().map(|u| {
                view! {
                    <span class="unit" lang=lang>
                        {u}
                    </span>
                }
            });
            view! {
                <div class="item field" id=format!("item-{id}")>
                    <label for=format!("in-{id}")>{text}</label>
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
                <label for=format!("in-{id}")>{text}</label>
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
                <label for=format!("in-{id}")>{text}</label>
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
    let l = crate::lang::current();
    view! {
        <Loaded
            load=move || profile
            children=move |p| {
                if p.status == Status::InProgress {
                    view! {
                        <Title text=td_string!(l, reflection.not_finished_title) />
                        <h1>{td_string!(l, reflection.not_finished_heading)}</h1>
                        <p>
                            <A
                                href=format!("/r/{}/c/{}", p.token, p.first_open_category)
                                attr:class="button"
                            >
                                {td_string!(l, reflection.continue_where_left)}
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

/// A mean as language `l` writes it, two decimals ("3.25", "3,25"); "–" for none.
fn fmt_mean(l: Locale, m: Option<f64>) -> String {
    m.map(|m| crate::lang::decimal(l, m, 2))
        .unwrap_or_else(|| "–".into())
}

#[component]
fn Profile(view: ProfileView) -> impl IntoView {
    let l = crate::lang::current();
    let p = view.profile.clone();
    let weakest = join_names(l, &view.weakest_titles);
    let any_scored = view.profile.categories.iter().any(|c| c.tally.n > 0);
    let verdict = match view.weakest_titles.len() {
        0 if !any_scored => td_string!(l, reflection.verdict_no_scored).to_string(),
        0 => td_string!(l, reflection.verdict_insufficient).to_string(),
        1 => td_string!(l, reflection.verdict_single, names = &weakest).to_string(),
        _ => td_string!(l, reflection.verdict_tie, names = &weakest).to_string(),
    };
    let charts = profile_charts(&p);
    view! {
        <Title text=td_string!(l, reflection.profile_title, title = &view.instrument_title)
            .to_string() />
        // ECharts, served by the app itself; loaded only on this page.
        <script src="/vendor/echarts.min.js"></script>
        <h1>{td_string!(l, reflection.profile_heading)}</h1>
        <p class="meta">
            {td_string!(
                l,
                reflection.profile_meta,
                title = &view.instrument_title,
                version = view.instrument_version,
                innovation = innovation_in(l, &view.innovation, view.innovation_detail.as_deref())
            )
                .to_string()}
        </p>
        <Verdict verdict max=p.scale_max scale_labels=view.scale_labels.clone() />
        <KeepLinkIsland
            url=view.resume_url.clone()
            id="keep-top".to_string()
            words=KeepLinkWords::new(l)
        />
        {view.room.clone().map(|q| view! { <RoomSection q=q token=view.token.clone() /> })}
        <AllCategories
            profile=p.clone()
            comparisons=view.comparisons.clone()
            other_scales=view.other_scales.clone()
        />
        {(!view.earlier.is_empty())
            .then(|| view! { <Growth profile=p.clone() earlier=view.earlier.clone() /> })}
        <WeakestStatements weakest=weakest.clone() statements=view.weakest_statements.clone() />
        <CategoryByCategory profile=p />
        {(!view.notes.is_empty()).then(|| view! { <Reflections notes=view.notes.clone() /> })}
        <ActionPlan token=view.token.clone() weakest plan=view.action_plan.clone() />
        <section class="no-print">
            <h2>{td_string!(l, reflection.print_heading)}</h2>
            <p>{td_string!(l, reflection.print_text)}</p>
            <p>
                {td_string!(l, reflection.private_link_lead)} " "
                <a href=format!("/r/{}", view.token) class="private-link">
                    {view.resume_url.clone()}
                </a>
            </p>
        </section>
        <ReflectAgain token=view.token.clone() />
        <DeleteAnswers token=view.token.clone() earlier=view.earlier.len() />
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
    let l = crate::lang::current();
    let labels: BTreeMap<usize, String> = scale_labels
        .iter()
        .enumerate()
        .map(|(i, l)| (i + 1, l.clone()))
        .collect();
    view! {
        <div class="verdict" id="weakest">
            <p class="verdict-title">{verdict}</p>
            <p>
                {td_string!(
                    l,
                    reflection.means_scale,
                    low = labels.get(&1).cloned().unwrap_or_default(),
                    max = max,
                    high = labels.get(&(max as usize)).cloned().unwrap_or_default()
                )
                    .to_string()}
            </p>
            <p class="rule">{td_string!(l, reflection.compared_rule)}</p>
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
    let l = crate::lang::current();
    let p = profile;
    let (shown, hidden): (Vec<Comparison>, Vec<Comparison>) = comparisons
        .iter()
        .cloned()
        .partition(|c| c.withheld.is_none());
    view! {
        <section>
            <h2>{td_string!(l, reflection.all_categories)}</h2>
            <div
                id="chart-overview"
                class="chart"
                role="img"
                aria-label=td_string!(l, reflection.overview_chart_label)
            ></div>
            <div
                class="table-wrap"
                role="region"
                aria-label=td_string!(l, reflection.overview_table_label)
                tabindex="0"
            >
                <table class="data">
                    <caption>{td_string!(l, reflection.overview_caption)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{td_string!(l, reflection.col_category)}</th>
                            <th scope="col">{td_string!(l, reflection.col_your_mean)}</th>
                            <th scope="col">{td_string!(l, reflection.col_answered_on_scale)}</th>
                            <th scope="col">{td_string!(l, reflection.col_not_applicable)}</th>
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
                                            format!(
                                                " {}",
                                                td_string!(l, reflection.on_other_scale, labels = labels),
                                            )
                                        })
                                } else if !c.ranked && c.tally.n > 0 {
                                    Some(
                                        format!(" {}", td_string!(l, reflection.too_few_to_compare)),
                                    )
                                } else {
                                    None
                                };
                                let low_mark = low
                                    .then(|| {
                                        format!(
                                            " {}",
                                            td_string!(l, reflection.needs_most_work_mark),
                                        )
                                    });
                                view! {
                                    <tr class:weakest=low>
                                        <th scope="row">
                                            {c.title.clone()}{low_mark}
                                            {why.map(|w| view! { <span class="meta">{w}</span> })}
                                        </th>
                                        <td>{fmt_mean(l, c.mean)}</td>
                                        <td>
                                            {td_string!(
                                                l,
                                                reflection.answered_of,
                                                n = c.tally.n,
                                                total = c.statements()
                                            )
                                                .to_string()}
                                        </td>
                                        <td>{c.not_applicable}</td>
                                        {shown
                                            .iter()
                                            .map(|g| {
                                                view! {
                                                    <td>{fmt_mean(l, g.means.get(i).copied().flatten())}</td>
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
                                    td_string!(l, reflection.group_would_reveal, group = &g.label)
                                        .to_string()
                                }
                                Some(Withheld::MoreNeeded(more)) if g.respondents == 0 => {
                                    td_string!(
                                        l,
                                        reflection.group_none_released,
                                        count = more,
                                        group = &g.label
                                    )
                                        .to_string()
                                }
                                Some(Withheld::MoreNeeded(more)) => {
                                    td_string!(
                                        l,
                                        reflection.group_more_needed,
                                        count = more,
                                        group = &g.label,
                                        from = g.respondents + more
                                    )
                                        .to_string()
                                }
                            }}
                        </p>
                    }
                })
                .collect_view()}
            {(!comparisons.is_empty())
                .then(|| {
                    view! { <p class="meta">{td_string!(l, reflection.group_figures_note)}</p> }
                })}
        </section>
    }
}

/// The respondent's answers to the statements of the weakest category (`weakest`: its name or
/// names), lowest first.
#[component]
fn WeakestStatements(weakest: String, statements: Vec<StatementAnswer>) -> impl IntoView {
    let l = crate::lang::current();
    view! {
        <section class="statements">
            <h2>{td_string!(l, reflection.weakest_heading)}</h2>
            {if statements.is_empty() {
                view! { <p>{td_string!(l, reflection.no_statements)}</p> }.into_any()
            } else {
                view! {
                    <p>{td_string!(l, reflection.weakest_intro, names = weakest).to_string()}</p>
                    <div
                        class="table-wrap"
                        role="region"
                        aria-label=td_string!(l, reflection.weakest_table_label)
                        tabindex="0"
                    >
                        <table class="data">
                            <caption>{td_string!(l, reflection.weakest_table_label)}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{td_string!(l, reflection.col_statement)}</th>
                                    <th scope="col">{td_string!(l, reflection.col_part)}</th>
                                    <th scope="col">{td_string!(l, reflection.col_your_answer)}</th>
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
    let l = crate::lang::current();
    view! {
        <section class="per-category">
            <h2>{td_string!(l, reflection.by_category_heading)}</h2>
            {profile
                .categories
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let per_part = td_string!(l, reflection.mean_per_part, category = &c.title)
                        .to_string();
                    view! {
                        <div class="category-result">
                            <h3>
                                {c.title.clone()} " – "
                                {td_string!(l, reflection.category_mean, mean = fmt_mean(l, c.mean))
                                    .to_string()}
                            </h3>
                            <div
                                id=format!("chart-cat-{i}")
                                class="chart small"
                                role="img"
                                aria-label=td_string!(
                                    l,
                                    reflection.category_chart_label,
                                    category = &c.title
                                )
                                    .to_string()
                            ></div>
                            <div
                                class="table-wrap"
                                role="region"
                                aria-label=per_part.clone()
                                tabindex="0"
                            >
                                <table class="data">
                                    <caption>{per_part.clone()}</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">{td_string!(l, reflection.col_part)}</th>
                                            <th scope="col">{td_string!(l, reflection.col_mean)}</th>
                                            <th scope="col">
                                                {td_string!(l, reflection.col_answered)}
                                            </th>
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
                                                        <td>{fmt_mean(l, s.mean)}</td>
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
    let l = crate::lang::current();
    view! {
        <section>
            <h2>{td_string!(l, reflection.reflections_heading)}</h2>
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
    let l = crate::lang::current();
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
            <h2>{td_string!(l, reflection.plan_heading)}</h2>
            <FormError message=Signal::derive(plan_error) />
            {move || {
                saved()
                    .map(|done| {
                        view! {
                            <p class="ok" role="status">
                                {match done {
                                    PlanSaved::Saved => td_string!(l, reflection.plan_saved),
                                    PlanSaved::Removed => td_string!(l, reflection.plan_removed),
                                }}
                            </p>
                        }
                    })
            }}
            <ActionForm action=plan_action>
                <input type="hidden" name="token" value=token />
                <label for="plan">
                    {if weakest.is_empty() {
                        td_string!(l, reflection.plan_label_school).to_string()
                    } else {
                        td_string!(l, reflection.plan_label, names = &weakest).to_string()
                    }}
                </label>
                <textarea id="plan" name="plan" rows="5" maxlength=MAX_ACTION_PLAN>
                    {plan.unwrap_or_default()}
                </textarea>
                <button type="submit">{td_string!(l, reflection.plan_save)}</button>
            </ActionForm>
        </section>
    }
}

/// "Your role", as radio buttons of `roles`.
#[component]
fn RoleChoices(roles: &'static [RespondentRole]) -> impl IntoView {
    let l = crate::lang::current();
    view! {
        <fieldset>
            <legend>{td_string!(l, reflection.role_legend)}</legend>
            {roles
                .iter()
                .map(|r| {
                    view! {
                        <label class="choice">
                            <input type="radio" name="role" value=r.as_str() required=true />
                            {r.label(l)}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

/// "May your anonymous answers be used for research?", yes or no.
#[component]
fn ConsentChoices() -> impl IntoView {
    let l = crate::lang::current();
    view! {
        <fieldset>
            <legend>{td_string!(l, reflection.consent_legend)}</legend>
            <label class="choice">
                <input type="radio" name="consent" value="yes" required=true />
                {td_string!(l, reflection.consent_yes)}
            </label>
            <label class="choice">
                <input type="radio" name="consent" value="no" required=true />
                {td_string!(l, reflection.consent_no)}
            </label>
        </fieldset>
    }
}

/// The change per category since each earlier reflection this one retakes, and the action plan
/// of the last one, for review.
#[component]
fn Growth(profile: super::scoring::Profile, earlier: Vec<Earlier>) -> impl IntoView {
    let l = crate::lang::current();
    let signed = |x: Option<f64>| match x {
        Some(d) if d > 0.0 => format!("+{}", crate::lang::decimal(l, d, 2)),
        Some(d) => crate::lang::decimal(l, d, 2),
        None => "–".into(),
    };
    let last_plan = earlier.first().and_then(|e| {
        e.action_plan
            .clone()
            .map(|plan| (crate::lang::date(l, &e.finished_on), plan))
    });
    view! {
        <section id="growth">
            <h2>{td_string!(l, reflection.growth_heading)}</h2>
            <div
                class="table-wrap"
                role="region"
                aria-label=td_string!(l, reflection.growth_heading)
                tabindex="0"
            >
                <table class="data">
                    <caption>{td_string!(l, reflection.growth_caption)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{td_string!(l, reflection.col_category)}</th>
                            <th scope="col">{td_string!(l, reflection.growth_now)}</th>
                            {earlier
                                .iter()
                                .map(|e| {
                                    let day = crate::lang::date(l, &e.finished_on);
                                    view! {
                                        <th scope="col">{day.clone()}</th>
                                        <th scope="col">
                                            {td_string!(l, reflection.growth_change_since, day = day)
                                                .to_string()}
                                        </th>
                                    }
                                })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {profile
                            .categories
                            .iter()
                            .enumerate()
                            .map(|(i, c)| {
                                view! {
                                    <tr>
                                        <th scope="row">{c.title.clone()}</th>
                                        <td>{fmt_mean(l, c.mean)}</td>
                                        {earlier
                                            .iter()
                                            .map(|e| {
                                                let then = e.means.get(i).copied().flatten();
                                                view! {
                                                    <td>{fmt_mean(l, then)}</td>
                                                    <td>{signed(change(c.mean, then))}</td>
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
            {last_plan
                .map(|(day, plan)| {
                    view! {
                        <h3>{td_string!(l, reflection.growth_last_plan, day = day).to_string()}</h3>
                        <blockquote class="last-plan">{plan}</blockquote>
                    }
                })}
        </section>
    }
}

/// "Reflect again": a new reflection that retakes this one, to see the change later.
#[component]
fn ReflectAgain(token: String) -> impl IntoView {
    let l = crate::lang::current();
    let again = ServerAction::<super::api::ReflectAgain>::new();
    let error = form_error(again.value(), "again_error");
    view! {
        <section id="again" class="no-print">
            <h2>{td_string!(l, reflection.again_heading)}</h2>
            <p>{td_string!(l, reflection.again_text)}</p>
            <FormError message=Signal::derive(error) />
            <ActionForm action=again>
                <input type="hidden" name="token" value=token />
                <button type="submit">{td_string!(l, reflection.again_button)}</button>
            </ActionForm>
        </section>
    }
}

/// The form that deletes the reflection for good (with a tick to confirm), and with it, when
/// asked, the `earlier` reflections it retakes.
#[component]
fn DeleteAnswers(token: String, earlier: usize) -> impl IntoView {
    let l = crate::lang::current();
    let delete_action = ServerAction::<DeleteReflection>::new();
    let delete_error = form_error(delete_action.value(), "delete_error");
    view! {
        <section class="danger no-print">
            <h2>{td_string!(l, reflection.delete_heading)}</h2>
            <FormError message=Signal::derive(delete_error) />
            <ActionForm action=delete_action>
                <input type="hidden" name="token" value=token />
                <label class="choice">
                    <input type="checkbox" name="confirm" value="yes" />
                    {td_string!(l, reflection.delete_confirm)}
                </label>
                {(earlier > 0)
                    .then(|| {
                        view! {
                            <label class="choice">
                                <input type="checkbox" name="earlier" value="yes" />
                                {td_string!(l, reflection.delete_earlier, count = earlier)
                                    .to_string()}
                            </label>
                        }
                    })}
                <button type="submit" class="danger">
                    {td_string!(l, reflection.delete_button)}
                </button>
            </ActionForm>
        </section>
    }
}

/// A workshop participant's answers for the room: which category needs most work, one word.
#[component]
fn RoomSection(q: crate::workshops::model::RoomQuestions, token: String) -> impl IntoView {
    let l = crate::lang::current();
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
            <h2>
                {td_string!(l, reflection.room_heading, workshop = &q.workshop_title).to_string()}
            </h2>
            {if q.open {
                view! {
                    <FormError message=Signal::derive(error) />
                    <Show when=saved>
                        <p class="ok" role="status">
                            {td_string!(l, reflection.room_thanks)}
                        </p>
                    </Show>
                    <ActionForm action=action>
                        <input type="hidden" name="token" value=token />
                        {(!q.poll_options.is_empty())
                            .then(|| {
                                view! {
                                    <fieldset>
                                        <legend>
                                            {td_string!(l, reflection.room_poll_legend)}
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
                                            {td_string!(l, reflection.room_word_help)}
                                        </p>
                                    </div>
                                }
                            })}
                        <button type="submit" class="primary">
                            {td_string!(l, reflection.room_send)}
                        </button>
                    </ActionForm>
                }
                    .into_any()
            } else {
                view! { <p class="withheld">{td_string!(l, reflection.room_closed)}</p> }.into_any()
            }}
        </section>
    }
}

#[component]
pub fn DeletedPage() -> impl IntoView {
    let l = crate::lang::current();
    view! {
        <Title text=td_string!(l, reflection.deleted_title) />
        <h1>{td_string!(l, reflection.deleted_heading)}</h1>
        <p>{td_string!(l, reflection.deleted_text)}</p>
        <p>
            <A href="/">{td_string!(l, reflection.start_new)}</A>
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The island's words come with the placeholders it fills in, in every language, and the
    /// English ones read as the page always did (the end-to-end tests match them).
    #[test]
    fn the_island_words_keep_their_placeholders_in_every_language() {
        for &l in crate::lang::all() {
            let w = CategoryFormWords::new(l);
            let code = crate::lang::code(l);
            assert!(w.progress_answered.contains("{answered}"), "{code}");
            assert!(w.progress_answered.contains("{total}"), "{code}");
            assert!(w.save_not_saved.contains("{error}"), "{code}");
            assert!(w.save_going.contains("{message}"), "{code}");
            assert!(w.advance.contains("{seconds}"), "{code}");
        }
        let english = CategoryFormWords::new(Locale::default());
        assert_eq!(
            english
                .progress_answered
                .replace("{answered}", "3")
                .replace("{total}", "12"),
            "3 of 12 questions answered"
        );
        assert_eq!(
            english.advance.replace("{seconds}", "3"),
            "All answered. Moving on to the next category in 3 s…"
        );
        assert_eq!(
            save_message(&SaveState::NotSaved("Oops.".into()), true, &english),
            "Not saved yet: Oops. Your choices stay on this page; they are sent again with your \
             next change, or press “Next” to send the page."
        );
        assert_eq!(
            english.save_going.replace(
                "{message}",
                &save_message(&SaveState::Saving, true, &english)
            ),
            "Saving… The page goes on once every answer is stored."
        );
        assert_eq!(
            save_message(&SaveState::Idle, false, &english),
            "Your answers on this page are saved when you go to another page."
        );
    }

    /// Plurals and lists in English as the pages wrote them before translations.
    #[test]
    fn english_plurals_and_lists_read_as_before() {
        let english = Locale::default();
        assert_eq!(
            td_string!(english, reflection.unanswered_next, count = 1usize).to_string(),
            "1 statement on this page is not answered. Go on anyway?"
        );
        assert_eq!(
            td_string!(english, reflection.unanswered_finish, count = 3usize).to_string(),
            "3 statements of this reflection are not answered. Finish anyway?"
        );
        assert_eq!(
            td_string!(english, reflection.category_count, count = 4usize).to_string(),
            "4 categories"
        );
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(join_names(english, &names(&["A"])), "A");
        assert_eq!(join_names(english, &names(&["A", "B", "C"])), "A, B and C");
        let dutch = crate::lang::parse("nl").unwrap();
        assert_eq!(join_names(dutch, &names(&["A", "B"])), "A en B");
        // Czech and Slovenian pick their own forms
        let czech = crate::lang::parse("cs").unwrap();
        assert_eq!(
            td_string!(czech, reflection.question_count, count = 3usize).to_string(),
            "3 otázky"
        );
        let slovene = crate::lang::parse("sl").unwrap();
        assert_eq!(
            td_string!(slovene, reflection.category_count, count = 2usize).to_string(),
            "2 kategoriji"
        );
    }

    /// Only a text the translation lacks, on a page not in English, is marked as English.
    #[test]
    fn only_untranslated_text_on_a_translated_page_is_marked_english() {
        let dutch = crate::lang::parse("nl").unwrap();
        assert_eq!(text_lang(dutch, true), Some("en"));
        assert_eq!(text_lang(dutch, false), None);
        assert_eq!(text_lang(Locale::default(), true), None);
    }

    #[test]
    fn the_profile_names_the_innovation_in_its_language() {
        let dutch = crate::lang::parse("nl").unwrap();
        assert_eq!(innovation_in(dutch, "data_use", None), "Datagebruik");
        assert_eq!(
            innovation_in(dutch, "other", Some("Data use")),
            "Anders: Data use",
            "the respondent's words stay as typed"
        );
        assert_eq!(
            innovation_in(Locale::default(), "pln", Some("ours")),
            "Professional learning network (PLN): ours"
        );
    }
}

/// `/g/<link>`: a group link, opened by a school's leader or teacher.
#[component]
pub fn GroupLinkPage() -> impl IntoView {
    let l = crate::lang::current();
    let params = use_params_map();
    let link = move || params.read().get("link").unwrap_or_default();
    let data = Resource::new(link, crate::rounds::api::get_round_link);
    let start = ServerAction::<StartFromLink>::new();
    let error = form_error(start.value(), "error");
    view! {
        <Loaded
            load=move || data
            children=move |v| {
                let lead = match v.group {
                    RoleGroup::Leaders => {
                        td_string!(l, rounds.link_lead_leaders, school = v.school_name.clone())
                            .to_string()
                    }
                    RoleGroup::Teachers => {
                        td_string!(l, rounds.link_lead_teachers, school = v.school_name.clone())
                            .to_string()
                    }
                };
                let roles: &[RespondentRole] = v.group.roles();
                view! {
                    <Title text=v.instrument_title.clone() />
                    <h1>{v.instrument_title.clone()}</h1>
                    <p class="lead">{lead}</p>
                    <p>
                        {td_string!(
                            l, rounds.link_innovation, innovation = crate::rounds::pages::innovation_text(l, & v
                            .innovation, & v.innovation_detail)
                        )
                            .to_string()}
                    </p>
                    {match v.state {
                        crate::rounds::model::RoundState::Closed => {
                            view! {
                                <p class="withheld" role="status">
                                    {td_string!(l, rounds.link_closed)}
                                </p>
                            }
                                .into_any()
                        }
                        crate::rounds::model::RoundState::NotYetOpen => {
                            view! {
                                <p class="withheld" role="status">
                                    {td_string!(l, rounds.link_not_open)}
                                </p>
                            }
                                .into_any()
                        }
                        crate::rounds::model::RoundState::Open => {
                            view! {
                                <FormError message=Signal::derive(error) />
                                <ActionForm action=start attr:class="context-form">
                                    <input type="hidden" name="link" value=link() />
                                    <input
                                        type="hidden"
                                        name="language"
                                        value=crate::lang::code(l)
                                    />
                                    {if let [only] = roles {
                                        view! {
                                            <input type="hidden" name="role" value=only.as_str() />
                                            <p>
                                                {td_string!(l, rounds.you_answer_as, role = only.label(l))
                                                    .to_string()}
                                            </p>
                                        }
                                            .into_any()
                                    } else {
                                        view! { <RoleChoices roles=roles /> }.into_any()
                                    }}
                                    {v
                                        .invitations
                                        .then(|| {
                                            view! {
                                                <div class="field">
                                                    <label for="invitation">
                                                        {td_string!(l, rounds.invitation_label)}
                                                    </label>
                                                    <input
                                                        id="invitation"
                                                        name="invitation"
                                                        type="text"
                                                        maxlength="16"
                                                        autocomplete="off"
                                                        required=true
                                                        aria-describedby="invitation_help"
                                                    />
                                                    <p class="help" id="invitation_help">
                                                        {td_string!(l, rounds.invitation_help)}
                                                    </p>
                                                </div>
                                            }
                                        })}
                                    <ConsentChoices />
                                    <button type="submit" class="primary">
                                        {td_string!(l, reflection.start_submit)}
                                    </button>
                                </ActionForm>
                            }
                                .into_any()
                        }
                    }}
                }
                    .into_any()
            }
        />
    }
}
