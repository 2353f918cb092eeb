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
                        </tr>
                    </thead>
                    <tbody>
                        {users
                            .into_iter()
                            .map(|u| {
                                view! {
                                    <tr>
                                        <td>{u.email}</td>
                                        <td>{u.role.label(l)}</td>
                                        <td>{u.schools.join(", ")}</td>
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
                        {[Role::Coordinator, Role::Researcher, Role::Facilitator, Role::Admin]
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
                <button type="submit">{td_string!(l, staff.create_account)}</button>
            </ActionForm>
        </section>
    }
}
