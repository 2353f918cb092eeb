//! Sign-in page, the signed-in bar, and the accounts section of the admin page.
use super::api::*;
use super::model::{CurrentUser, Role, UserSummary};
use crate::i18n::td_string;
use crate::ui::{FormError, form_error};
use leptos::html::Form;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let l = crate::lang::current();
    let error = form_error(action.value(), "error");
    let query = use_query_map();
    let next = move || {
        query
            .read()
            .get("next")
            .unwrap_or_else(|| "/results".into())
    };
    view! {
        <Title text=td_string!(l, staff.login_title) />
        <h1>{td_string!(l, staff.login_heading)}</h1>
        <p>{td_string!(l, staff.login_lead)}</p>
        <FormError message=Signal::derive(error) />
        <ActionForm action=action attr:class="login-form">
            <input type="hidden" name="next" value=next />
            <div class="field">
                <label for="email">{td_string!(l, staff.email_label)}</label>
                <input id="email" name="email" type="email" autocomplete="username" required=true />
            </div>
            <div class="field">
                <label for="password">{td_string!(l, staff.password_label)}</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required=true
                />
            </div>
            <button type="submit" class="primary">
                {td_string!(l, staff.login_button)}
            </button>
        </ActionForm>
    }
}

/// "Signed in as … · Sign out".
#[component]
pub fn SignedInBar(user: CurrentUser) -> impl IntoView {
    let l = crate::lang::current();
    let logout = ServerAction::<Logout>::new();
    let signed_in = td_string!(
        l,
        staff.signed_in_as,
        email = &user.email,
        role = user.role.label(l)
    )
    .to_string();
    view! {
        <div class="signed-in">
            <span>{signed_in}</span>
            {user
                .is_admin()
                .then(|| view! { <a href="/admin">{td_string!(l, staff.admin_link)}</a> })}
            <a href="/results">{td_string!(l, staff.results_link)}</a>
            <a href="/account">{td_string!(l, staff.account_link)}</a>
            {matches!(user.role, Role::Coordinator | Role::Admin)
                .then(|| view! { <a href="/rounds">{td_string!(l, rounds.rounds_link)}</a> })}
            <ActionForm action=logout attr:class="inline-form">
                <button type="submit" class="link-button">
                    {td_string!(l, staff.sign_out)}
                </button>
            </ActionForm>
        </div>
    }
}

/// The admin's list of accounts and the form for a new one. `form` is the form's ref (the page
/// empties the form after a success) and `created` names the account just created. `schools`:
/// (id, name) of the schools a coordinator can be given.
#[component]
pub fn AccountsAdmin(
    users: Vec<UserSummary>,
    schools: Vec<(String, String)>,
    networks: Vec<(String, String)>,
    action: ServerAction<CreateUser>,
    form: NodeRef<Form>,
    created: Signal<Option<String>>,
) -> impl IntoView {
    let l = crate::lang::current();
    let error = form_error(action.value(), "user_error");
    view! {
        <section id="accounts">
            <h2>{td_string!(l, staff.accounts_heading)}</h2>
            <div
                class="table-wrap"
                role="region"
                aria-label=td_string!(l, staff.accounts_table)
                tabindex="0"
            >
                <table class="data">
                    <thead>
                        <tr>
                            <th scope="col">{td_string!(l, staff.col_email)}</th>
                            <th scope="col">{td_string!(l, staff.col_role)}</th>
                            <th scope="col">{td_string!(l, staff.col_schools)}</th>
                            <th scope="col">{td_string!(l, staff.col_status)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {users
                            .into_iter()
                            .map(|u| {
                                view! {
                                    <tr>
                                        <td>
                                            <a href=format!("/admin/accounts/{}", u.id)>{u.email}</a>
                                        </td>
                                        <td>{u.role.label(l)}</td>
                                        <td>{u.schools.join(", ")}</td>
                                        <td>
                                            {if u.disabled {
                                                td_string!(l, staff.account_disabled)
                                            } else {
                                                td_string!(l, staff.account_enabled)
                                            }}
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <h3>{td_string!(l, staff.new_account_heading)}</h3>
            {move || {
                created
                    .get()
                    .map(|who| {
                        view! {
                            <p class="ok" role="status">
                                {if who.is_empty() {
                                    td_string!(l, staff.account_created).to_string()
                                } else {
                                    td_string!(l, staff.account_created_for, who = who).to_string()
                                }}
                            </p>
                        }
                    })
            }}
            <FormError message=Signal::derive(error) />
            <ActionForm action=action node_ref=form attr:class="admin-form">
                <div class="field">
                    <label for="user-email">{td_string!(l, staff.email_label)}</label>
                    <input
                        id="user-email"
                        name="email"
                        type="email"
                        required=true
                        autocomplete="off"
                    />
                </div>
                <div class="field">
                    <label for="user-password">
                        {td_string!(l, staff.new_password_label, count = super::model::MIN_PASSWORD)
                            .to_string()}
                    </label>
                    <input
                        id="user-password"
                        name="password"
                        type="password"
                        required=true
                        autocomplete="new-password"
                    />
                </div>
                <div class="field">
                    <label for="user-role">{td_string!(l, staff.role_label)}</label>
                    <select id="user-role" name="role">
                        // the most powerful role last, so it is never picked by accident
                        {[
                            Role::Coordinator,
                            Role::NetworkCoordinator,
                            Role::Researcher,
                            Role::Facilitator,
                            Role::Admin,
                        ]
                            .iter()
                            .map(|r| view! { <option value=r.as_str()>{r.label(l)}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="user-school">{td_string!(l, staff.coordinator_school_label)}</label>
                    <select id="user-school" name="school">
                        <option value="">"—"</option>
                        {schools
                            .into_iter()
                            .map(|(id, name)| view! { <option value=id>{name}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="user-network">
                        {td_string!(l, staff.coordinator_network_label)}
                    </label>
                    <select id="user-network" name="network">
                        <option value="">"—"</option>
                        {networks
                            .into_iter()
                            .map(|(id, name)| view! { <option value=id>{name}</option> })
                            .collect_view()}
                    </select>
                </div>
                <button type="submit">{td_string!(l, staff.create_account)}</button>
            </ActionForm>
        </section>
    }
}

/// A note of what a plain form just did, from `?done=` (a fixed word, never text).
fn done_note(l: crate::lang::Locale) -> Option<&'static str> {
    let done = use_query_map().read_untracked().get("done")?;
    Some(match done.as_str() {
        "disabled" => td_string!(l, staff.done_disabled),
        "enabled" => td_string!(l, staff.done_enabled),
        "reset" => td_string!(l, staff.done_reset),
        "ended" => td_string!(l, staff.done_ended),
        "changed" => td_string!(l, staff.done_password_changed),
        _ => return None,
    })
}

/// `/admin/accounts/:id`: an account's state and sessions; disable or enable it, give it a new
/// password, end its sessions (admins only).
#[component]
pub fn AccountPage() -> impl IntoView {
    let l = crate::lang::current();
    let params = leptos_router::hooks::use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let data = Resource::new(id, |id| async move {
        let user = whoami()
            .await?
            .ok_or_else(crate::error::AppError::sign_in)?;
        let account = get_account(id).await?;
        Ok::<_, crate::error::AppError>((user, account))
    });
    let error = crate::ui::query_error("error");
    view! {
        <Title text=td_string!(l, staff.account_page_title) />
        <crate::ui::Loaded
            load=move || data
            children=move |(user, account)| {
                let a = account.summary;
                let own = a.id == user.id;
                let error = error.clone();
                view! {
                    <SignedInBar user=user />
                    <p>
                        <a href="/admin#accounts">{td_string!(l, staff.back_to_admin)}</a>
                    </p>
                    <h1>{a.email.clone()}</h1>
                    {done_note(l)
                        .map(|t| {
                            view! {
                                <p class="ok" role="status">
                                    {t}
                                </p>
                            }
                        })}
                    <FormError message=Signal::derive(move || error.clone()) />
                    <p>
                        {a.role.label(l)}
                        {(!a.schools.is_empty()).then(|| format!(" · {}", a.schools.join(", ")))}
                        " · "
                        {if a.disabled {
                            td_string!(l, staff.account_disabled)
                        } else {
                            td_string!(l, staff.account_enabled)
                        }}
                    </p>
                    <section id="state">
                        <h2>{td_string!(l, staff.account_state_heading)}</h2>
                        {if own {
                            view! { <p>{td_string!(l, staff.account_own)}</p> }.into_any()
                        } else {
                            view! {
                                <form method="post" action="/api/set_account_disabled">
                                    <input type="hidden" name="id" value=a.id.clone() />
                                    <input
                                        type="hidden"
                                        name="disabled"
                                        value=if a.disabled { "no" } else { "yes" }
                                    />
                                    <p>
                                        {if a.disabled {
                                            td_string!(l, staff.enable_lead)
                                        } else {
                                            td_string!(l, staff.disable_lead)
                                        }}
                                    </p>
                                    <button type="submit">
                                        {if a.disabled {
                                            td_string!(l, staff.enable_account)
                                        } else {
                                            td_string!(l, staff.disable_account)
                                        }}
                                    </button>
                                </form>
                            }
                                .into_any()
                        }}
                    </section>
                    <section id="password">
                        <h2>{td_string!(l, staff.reset_heading)}</h2>
                        <p>{td_string!(l, staff.reset_lead)}</p>
                        <form method="post" action="/api/reset_account_password" class="admin-form">
                            <input type="hidden" name="id" value=a.id.clone() />
                            <div class="field">
                                <label for="reset-password">
                                    {td_string!(
                                        l, staff.new_password_label, count = super::model::MIN_PASSWORD
                                    )
                                        .to_string()}
                                </label>
                                <input
                                    id="reset-password"
                                    name="password"
                                    type="password"
                                    required=true
                                    autocomplete="new-password"
                                />
                            </div>
                            <button type="submit">{td_string!(l, staff.reset_button)}</button>
                        </form>
                    </section>
                    <section id="sessions">
                        <h2>{td_string!(l, staff.sessions_heading)}</h2>
                        {if account.sessions.is_empty() {
                            view! { <p>{td_string!(l, staff.no_sessions)}</p> }.into_any()
                        } else {
                            let id = a.id.clone();
                            view! {
                                <div
                                    class="table-wrap"
                                    role="region"
                                    aria-label=td_string!(l, staff.sessions_heading)
                                    tabindex="0"
                                >
                                    <table class="data">
                                        <thead>
                                            <tr>
                                                <th scope="col">
                                                    {td_string!(l, staff.col_session_started)}
                                                </th>
                                                <th scope="col">{td_string!(l, staff.col_session_ends)}</th>
                                                <th scope="col">{td_string!(l, staff.col_session_end)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {account
                                                .sessions
                                                .into_iter()
                                                .map(|s| {
                                                    view! {
                                                        <tr>
                                                            <td>{s.started.unwrap_or_else(|| "—".into())}</td>
                                                            <td>{s.ends}</td>
                                                            <td>
                                                                <form
                                                                    method="post"
                                                                    action="/api/end_account_sessions"
                                                                    class="inline-form"
                                                                >
                                                                    <input type="hidden" name="id" value=id.clone() />
                                                                    <input type="hidden" name="session" value=s.handle />
                                                                    <button type="submit">
                                                                        {td_string!(l, staff.end_session)}
                                                                    </button>
                                                                </form>
                                                            </td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <form method="post" action="/api/end_account_sessions">
                                    <input type="hidden" name="id" value=a.id.clone() />
                                    <button type="submit">
                                        {td_string!(l, staff.end_all_sessions)}
                                    </button>
                                </form>
                            }
                                .into_any()
                        }}
                    </section>
                }
                    .into_any()
            }
        />
    }
}

/// `/account`: the signed-in user changes their own password.
#[component]
pub fn OwnAccountPage() -> impl IntoView {
    let l = crate::lang::current();
    let data = Resource::new(
        || (),
        |_| async { whoami().await?.ok_or_else(crate::error::AppError::sign_in) },
    );
    let error = crate::ui::query_error("error");
    view! {
        <Title text=td_string!(l, staff.own_account_title) />
        <crate::ui::Loaded
            load=move || data
            children=move |user| {
                let error = error.clone();
                view! {
                    <SignedInBar user=user />
                    <h1>{td_string!(l, staff.own_account_heading)}</h1>
                    {done_note(l)
                        .map(|t| {
                            view! {
                                <p class="ok" role="status">
                                    {t}
                                </p>
                            }
                        })}
                    <FormError message=Signal::derive(move || error.clone()) />
                    <p>{td_string!(l, staff.change_password_lead)}</p>
                    <form method="post" action="/api/change_password" class="admin-form">
                        <div class="field">
                            <label for="current-password">
                                {td_string!(l, staff.current_password_label)}
                            </label>
                            <input
                                id="current-password"
                                name="current"
                                type="password"
                                required=true
                                autocomplete="current-password"
                            />
                        </div>
                        <div class="field">
                            <label for="new-password">
                                {td_string!(
                                    l, staff.new_password_label, count = super::model::MIN_PASSWORD
                                )
                                    .to_string()}
                            </label>
                            <input
                                id="new-password"
                                name="password"
                                type="password"
                                required=true
                                autocomplete="new-password"
                            />
                        </div>
                        <button type="submit" class="primary">
                            {td_string!(l, staff.change_password_button)}
                        </button>
                    </form>
                }
                    .into_any()
            }
        />
    }
}
