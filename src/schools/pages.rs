//! The admin page: schools with their join codes, networks, and accounts.
use super::api::*;
use super::codes;
use super::model::{Network, School};
use crate::accounts::api::{CreateUser, list_users, whoami};
use crate::accounts::model::Role;
use crate::accounts::pages::{AccountsAdmin, SignedInBar};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::ui::{FormError, Loaded, clear_on_success, form_error, last_input};
use leptos::html::Form;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `name` once the action has succeeded (not while it runs again), for the message that says
/// what was created.
fn created_name<T: Send + Sync + 'static>(
    value: MappedSignal<Option<Result<T, AppError>>>,
    pending: Memo<bool>,
    name: ReadSignal<Option<String>>,
) -> Option<String> {
    if !pending.get() && value.with(|v| matches!(v, Some(Ok(_)))) {
        name.get()
    } else {
        None
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let l = crate::lang::current();
    let school_action = ServerAction::<CreateSchool>::new();
    let network_action = ServerAction::<CreateNetwork>::new();
    let user_action = ServerAction::<CreateUser>::new();
    let data = Resource::new(
        move || {
            (
                school_action.version().get(),
                network_action.version().get(),
                user_action.version().get(),
            )
        },
        |_| async {
            let user = whoami().await?.ok_or_else(AppError::sign_in)?;
            let dir = get_directory().await?;
            let users = list_users().await?;
            Ok::<_, AppError>((user, dir, users))
        },
    );
    let school_error = form_error(school_action.value(), "school_error");
    let network_error = form_error(network_action.value(), "network_error");
    // the forms empty themselves after a success (hydrated); their refs and the names of what
    // was created live here, outside the `Suspense` that re-renders when the lists reload
    let (school_form, network_form, user_form) = (
        NodeRef::<Form>::new(),
        NodeRef::<Form>::new(),
        NodeRef::<Form>::new(),
    );
    clear_on_success(school_action.value(), school_form);
    clear_on_success(network_action.value(), network_form);
    clear_on_success(user_action.value(), user_form);
    let network_name = last_input(network_action.input(), |i: &CreateNetwork| i.name.clone());
    let account = last_input(user_action.input(), move |i: &CreateUser| {
        let role = Role::parse(&i.role).map_or_else(|| i.role.clone(), |r| r.label(l).to_string());
        format!("{} ({role})", i.email.trim())
    });
    // hydrated: the name just sent; a plain form: `?network=created` / `?account=created` (an
    // empty name: the message without it)
    let query = use_query_map();
    let after_form =
        move |key: &str| (query.read().get(key).as_deref() == Some("created")).then(String::new);
    let network_created = move || {
        created_name(
            network_action.value(),
            network_action.pending(),
            network_name,
        )
        .or_else(|| after_form("network"))
    };
    let account_created = Signal::derive(move || {
        created_name(user_action.value(), user_action.pending(), account)
            .or_else(|| after_form("account"))
    });
    let created = move || {
        school_action
            .value()
            .with(|v| v.as_ref().and_then(|r| r.as_ref().ok().cloned()))
            .or_else(|| query.read().get("created"))
    };
    view! {
        <Title text=td_string!(l, staff.admin_title) />
        <Loaded
            load=move || data
            children=move |(user, dir, users)| {
                view! {
                    <SignedInBar user=user />
                    <h1>{td_string!(l, staff.admin_heading)}</h1>
                    <SchoolsSection
                        schools=dir.schools.clone()
                        networks=dir.networks.clone()
                        action=school_action
                        form=school_form
                        created=Signal::derive(created)
                        error=Signal::derive(school_error)
                    />
                    <NetworksSection
                        networks=dir.networks.clone()
                        action=network_action
                        form=network_form
                        created=Signal::derive(network_created)
                        error=Signal::derive(network_error)
                    />
                    <AccountsAdmin
                        users=users
                        schools=school_options(&dir)
                        action=user_action
                        form=user_form
                        created=account_created
                    />
                }
                    .into_any()
            }
        />
    }
}

/// The schools with their join codes, and the form for a new one (`networks`: its choice of a
/// network). `created`: the join code of the school just created.
#[component]
fn SchoolsSection(
    schools: Vec<School>,
    networks: Vec<Network>,
    action: ServerAction<CreateSchool>,
    form: NodeRef<Form>,
    created: Signal<Option<String>>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let l = crate::lang::current();
    view! {
        <section id="schools">
            <h2>{td_string!(l, staff.schools_heading)}</h2>
            {move || {
                created
                    .get()
                    .map(|c| {
                        view! {
                            <p class="ok" role="status">
                                {td_string!(l, staff.school_created, code = codes::display(&c))
                                    .to_string()}
                            </p>
                        }
                    })
            }}
            <div
                class="table-wrap"
                role="region"
                aria-label=td_string!(l, staff.schools_table)
                tabindex="0"
            >
                <table class="data">
                    <thead>
                        <tr>
                            <th scope="col">{td_string!(l, staff.col_school)}</th>
                            <th scope="col">{td_string!(l, staff.col_join_code)}</th>
                            <th scope="col">{td_string!(l, staff.col_network)}</th>
                            <th scope="col">{td_string!(l, staff.col_country)}</th>
                            <th scope="col">{td_string!(l, staff.col_results)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {schools
                            .iter()
                            .map(|s| {
                                view! {
                                    <tr>
                                        <td>{s.name.clone()}</td>
                                        <td class="code">{codes::display(&s.code)}</td>
                                        <td>{s.network_name.clone().unwrap_or_default()}</td>
                                        <td>
                                            {s.country.clone().unwrap_or_default().to_uppercase()}
                                        </td>
                                        <td>
                                            <a href=format!(
                                                "/results/school/{}",
                                                s.id,
                                            )>{td_string!(l, staff.results_link)}</a>
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <h3>{td_string!(l, staff.new_school_heading)}</h3>
            <FormError message=error />
            <ActionForm action=action node_ref=form attr:class="admin-form">
                <div class="field">
                    <label for="school-name">{td_string!(l, staff.school_name_label)}</label>
                    <input
                        id="school-name"
                        name="name"
                        type="text"
                        required=true
                        maxlength=super::model::MAX_NAME
                    />
                </div>
                <div class="field">
                    <label for="school-network">{td_string!(l, staff.school_network_label)}</label>
                    <select id="school-network" name="network">
                        <option value="">"—"</option>
                        {networks
                            .iter()
                            .map(|n| view! { <option value=n.id.clone()>{n.name.clone()}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="school-country">{td_string!(l, staff.school_country_label)}</label>
                    <input id="school-country" name="country" type="text" maxlength="2" size="3" />
                </div>
                <button type="submit">{td_string!(l, staff.create_school)}</button>
            </ActionForm>
        </section>
    }
}

/// The networks with their number of schools, and the form for a new one. `created`: the name of
/// the network just created (empty after a plain form post).
#[component]
fn NetworksSection(
    networks: Vec<Network>,
    action: ServerAction<CreateNetwork>,
    form: NodeRef<Form>,
    created: Signal<Option<String>>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let l = crate::lang::current();
    view! {
        <section id="networks">
            <h2>{td_string!(l, staff.networks_heading)}</h2>
            <ul>
                {networks
                    .iter()
                    .map(|n| {
                        view! {
                            <li>
                                {format!(
                                    "{} ({}) ",
                                    n.name,
                                    td_string!(l, staff.network_schools, count = n.schools),
                                )}
                                <a href=format!(
                                    "/results/network/{}",
                                    n.id,
                                )>{td_string!(l, staff.results_link)}</a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {move || {
                created
                    .get()
                    .map(|name| {
                        view! {
                            <p class="ok" role="status">
                                {if name.is_empty() {
                                    td_string!(l, staff.network_created).to_string()
                                } else {
                                    td_string!(l, staff.network_created_named, name = name)
                                        .to_string()
                                }}
                            </p>
                        }
                    })
            }}
            <FormError message=error />
            <ActionForm action=action node_ref=form attr:class="admin-form">
                <div class="field">
                    <label for="network-name">{td_string!(l, staff.new_network_label)}</label>
                    <input
                        id="network-name"
                        name="name"
                        type="text"
                        required=true
                        maxlength=super::model::MAX_NAME
                    />
                </div>
                <button type="submit">{td_string!(l, staff.create_network)}</button>
            </ActionForm>
        </section>
    }
}

/// (id, name) of every school, for the accounts form's choice of a coordinator's school.
fn school_options(dir: &super::model::Directory) -> Vec<(String, String)> {
    dir.schools
        .iter()
        .map(|s| (s.id.clone(), s.name.clone()))
        .collect()
}
