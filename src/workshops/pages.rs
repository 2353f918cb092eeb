//! Facilitator pages (their workshops, one workshop with its code and QR code) and the
//! participant's join page.
use super::api::*;
use super::codes;
use super::model::*;
use crate::accounts::pages::SignedInBar;
use crate::app::ErrorBox;
use crate::error::AppError;
use crate::ui::{FormError, form_error};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn WorkshopsPage() -> impl IntoView {
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
        <Title text="Workshops – Reflect" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    Ok((user, list)) => view! {
                        <SignedInBar user=user />
                        <h1>"Workshops"</h1>
                        {if list.workshops.is_empty() {
                            view! { <p>"No workshops yet."</p> }.into_any()
                        } else {
                            view! {
                                <table class="data">
                                    <thead><tr><th scope="col">"Workshop"</th><th scope="col">"Join code"</th><th scope="col">"Status"</th></tr></thead>
                                    <tbody>
                                        {list.workshops.iter().map(|(id, title, code, status)| view! {
                                            <tr>
                                                <td><a href=format!("/workshops/{id}")>{title.clone()}</a></td>
                                                <td class="code">{codes::display(code)}</td>
                                                <td>{status.as_str()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                        <h2>"New workshop"</h2>
                        <FormError message=Signal::derive(error) />
                        <ActionForm action=create attr:class="admin-form">
                            <div class="field">
                                <label for="w-title">"Title"</label>
                                <input id="w-title" name="title" type="text" required=true maxlength=MAX_TITLE />
                            </div>
                            <div class="field">
                                <label for="w-instrument">"Questionnaire"</label>
                                <select id="w-instrument" name="instrument">
                                    {list.instruments.iter().map(|i| view! { <option value=i.id.clone()>{i.title.clone()}</option> }).collect_view()}
                                </select>
                            </div>
                            {list.instruments.iter().map(|i| view! {
                                <fieldset>
                                    <legend>{format!("Categories to reflect on ({})", i.title)}</legend>
                                    {i.categories.iter().map(|(id, title)| view! {
                                        <label class="choice">
                                            <input type="checkbox" name=format!("categories[{id}]") value="yes" />
                                            {title.clone()}
                                        </label>
                                    }).collect_view()}
                                </fieldset>
                            }).collect_view()}
                            <label class="choice">
                                <input type="checkbox" name="ask_poll" value="yes" checked=true />
                                "Ask “Which category needs most work in your school?” (the chosen categories are the options)"
                            </label>
                            <div class="field">
                                <label for="w-word">"One-word question (optional)"</label>
                                <input id="w-word" name="word_prompt" type="text" maxlength=MAX_WORD_PROMPT
                                    placeholder="What one word do you link to Professional Learning Network most?" />
                            </div>
                            <button type="submit" class="primary">"Create the workshop"</button>
                        </ActionForm>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn WorkshopPage() -> impl IntoView {
    let params = use_params_map();
    let status = ServerAction::<SetWorkshopStatus>::new();
    let error = form_error(status.value(), "error");
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                status.version().get(),
            )
        },
        |(id, _)| get_workshop(id),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    Ok(w) => {
                        let open = w.status == WorkshopStatus::Open;
                        view! {
                            <Title text=format!("{} – workshop – Reflect", w.title) />
                            <p><a href="/workshops">"All workshops"</a></p>
                            <h1>{w.title.clone()}</h1>
                            <p class="lead">{w.instrument_title.clone()}</p>
                            <section class="join-panel">
                                <p>"Join at " <strong>{w.join_url.split("/join").next().unwrap_or_default().to_string() + "/join"}</strong> " with the code"</p>
                                <p class="join-code">{codes::display(&w.code)}</p>
                                <div class="qr" inner_html=w.qr_svg.clone()></div>
                                <p class="help">{format!("The QR code opens {}", w.join_url)}</p>
                            </section>
                            <p class=if open { "ok" } else { "withheld" } role="status">
                                {if open { "Open: participants can join and answer." } else { "Closed: no one can join or answer." }}
                            </p>
                            <FormError message=Signal::derive(error) />
                            <ActionForm action=status>
                                <input type="hidden" name="id" value=w.id.clone() />
                                <input type="hidden" name="status" value=if open { "closed" } else { "open" } />
                                <button type="submit">{if open { "Close the workshop" } else { "Reopen the workshop" }}</button>
                            </ActionForm>
                            <h2>"Categories"</h2>
                            <ul>{w.categories.iter().map(|(_, t)| view! { <li>{t.clone()}</li> }).collect_view()}</ul>
                            {w.ask_poll.then(|| view! { <p>"Poll: “Which category needs most work in your school?”"</p> })}
                            {w.word_prompt.clone().map(|p| view! { <p>{format!("One-word question: “{p}”")}</p> })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// `/join`: a participant types the code (or arrives from the QR code with it filled in).
#[component]
pub fn JoinPage() -> impl IntoView {
    let join = ServerAction::<JoinWorkshop>::new();
    let error = form_error(join.value(), "error");
    let query = use_query_map();
    let code = move || query.read().get("code").unwrap_or_default();
    view! {
        <Title text="Join a workshop – Reflect" />
        <h1>"Join a workshop"</h1>
        <p>"Type the code on the screen. No account and no name needed."</p>
        <FormError message=Signal::derive(error) />
        <ActionForm action=join attr:class="join-form">
            <div class="field">
                <label for="code">"Workshop code"</label>
                <input id="code" name="code" type="text" inputmode="numeric" autocomplete="off"
                    maxlength="20" required=true placeholder="9161 8750" value=code />
            </div>
            <button type="submit" class="primary">"Join"</button>
        </ActionForm>
    }
}
