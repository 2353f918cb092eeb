//! Sign-in page, the signed-in bar, and the accounts section of the admin page.
use super::api::*;
use super::model::{CurrentUser, Role, UserSummary};
use crate::ui::{FormError, form_error};
use leptos::html::Form;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let error = form_error(action.value(), "error");
    let query = use_query_map();
    let next = move || {
        query
            .read()
            .get("next")
            .unwrap_or_else(|| "/results".into())
    };
    view! {
        <Title text="Sign in – Reflect" />
        <h1>"Sign in"</h1>
        <p>
            "For school coordinators, researchers, facilitators and administrators. "
            "Respondents need no account."
        </p>
        <FormError message=Signal::derive(error) />
        <ActionForm action=action attr:class="login-form">
            <input type="hidden" name="next" value=next />
            <div class="field">
                <label for="email">"E-mail address"</label>
                <input id="email" name="email" type="email" autocomplete="username" required=true />
            </div>
            <div class="field">
                <label for="password">"Password"</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required=true
                />
            </div>
            <button type="submit" class="primary">
                "Sign in"
            </button>
        </ActionForm>
    }
}

/// "Signed in as … · Sign out".
#[component]
pub fn SignedInBar(user: CurrentUser) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    view! {
        <div class="signed-in">
            <span>{format!("Signed in as {} ({})", user.email, user.role.label())}</span>
            {user.is_admin().then(|| view! { <a href="/admin">"Admin"</a> })}
            <a href="/results">"Results"</a>
            <ActionForm action=logout attr:class="inline-form">
                <button type="submit" class="link-button">
                    "Sign out"
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
    let error = form_error(action.value(), "user_error");
    view! {
        <section id="accounts">
            <h2>"Accounts"</h2>
            <div class="table-wrap" role="region" aria-label="Accounts" tabindex="0">
                <table class="data">
                    <thead>
                        <tr>
                            <th scope="col">"E-mail"</th>
                            <th scope="col">"Role"</th>
                            <th scope="col">"Schools"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {users
                            .into_iter()
                            .map(|u| {
                                view! {
                                    <tr>
                                        <td>{u.email}</td>
                                        <td>{u.role.label()}</td>
                                        <td>{u.schools.join(", ")}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <h3>"New account"</h3>
            {move || {
                created
                    .get()
                    .map(|who| {
                        view! {
                            <p class="ok" role="status">
                                {if who.is_empty() {
                                    "Account created. Give them their password privately."
                                        .to_string()
                                } else {
                                    format!(
                                        "Account created for {who}. Give them their password privately.",
                                    )
                                }}
                            </p>
                        }
                    })
            }}
            <FormError message=Signal::derive(error) />
            <ActionForm action=action node_ref=form attr:class="admin-form">
                <div class="field">
                    <label for="user-email">"E-mail address"</label>
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
                        {format!(
                            "Password (at least {} characters; give it to them privately)",
                            super::model::MIN_PASSWORD,
                        )}
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
                    <label for="user-role">"Role"</label>
                    <select id="user-role" name="role">
                        // the most powerful role last, so it is never picked by accident
                        {[Role::Coordinator, Role::Researcher, Role::Facilitator, Role::Admin]
                            .iter()
                            .map(|r| view! { <option value=r.as_str()>{r.label()}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="user-school">"School (for a school coordinator)"</label>
                    <select id="user-school" name="school">
                        <option value="">"—"</option>
                        {schools
                            .into_iter()
                            .map(|(id, name)| view! { <option value=id>{name}</option> })
                            .collect_view()}
                    </select>
                </div>
                <button type="submit">"Create the account"</button>
            </ActionForm>
        </section>
    }
}
