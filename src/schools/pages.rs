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
                    <ImportSection />
                    <p>
                        <a href="/admin/exports">{td_string!(l, staff.export_log_link)}</a>
                    </p>
                    <AccountsAdmin
                        users=users
                        schools=school_options(&dir)
                        networks=dir
                            .networks
                            .iter()
                            .map(|n| (n.id.clone(), n.name.clone()))
                            .collect()
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
                                        <td>
                                            <a href=format!(
                                                "/admin/schools/{}",
                                                s.id,
                                            )>{s.name.clone()}</a>
                                        </td>
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
                                <a href=format!("/admin/networks/{}", n.id)>{n.name.clone()}</a>
                                {format!(
                                    " ({}) ",
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

/// The note of what a plain form just did on the admin pages, from a fixed word in the address.
fn done_note(l: crate::lang::Locale) -> Option<&'static str> {
    let query = use_query_map();
    let q = query.read_untracked();
    Some(
        match (
            q.get("done").as_deref(),
            q.get("school").as_deref(),
            q.get("network").as_deref(),
        ) {
            (Some("saved"), _, _) => td_string!(l, staff.done_saved),
            (_, Some("deleted"), _) => td_string!(l, staff.done_school_deleted),
            (_, _, Some("deleted")) => td_string!(l, staff.done_network_deleted),
            _ => return None,
        },
    )
}

/// Importing schools from CSV text: the format, the result of the last import (from the
/// address: counts, or problems by line as fixed codes), and the form.
#[component]
fn ImportSection() -> impl IntoView {
    use super::import::{Problem, from_query};
    let l = crate::lang::current();
    let query = use_query_map();
    let q = query.read_untracked();
    let number = |k: &str| q.get(k).and_then(|v| v.parse::<i64>().ok());
    let imported = number("imported").map(|schools| {
        let networks = number("networks_made").unwrap_or(0);
        td_string!(l, staff.imported, schools, networks).to_string()
    });
    let problems = q.get("import").map(|v| from_query(&v)).unwrap_or_default();
    let problem = move |p: Problem| match p {
        Problem::Header => td_string!(l, staff.import_header),
        Problem::Fields => td_string!(l, staff.import_fields),
        Problem::NameMissing => td_string!(l, staff.import_name_missing),
        Problem::NameLong => td_string!(l, staff.import_name_long),
        Problem::Country => td_string!(l, staff.import_country),
        Problem::Code => td_string!(l, staff.import_code),
        Problem::CodeTaken => td_string!(l, staff.import_code_taken),
        Problem::Duplicate => td_string!(l, staff.import_duplicate),
        Problem::Rows => td_string!(l, staff.import_rows),
    };
    let note = done_note(l);
    view! {
        <section id="import">
            <h2>{td_string!(l, staff.import_heading)}</h2>
            {note
                .map(|t| {
                    view! {
                        <p class="ok" role="status">
                            {t}
                        </p>
                    }
                })}
            {imported
                .map(|t| {
                    view! {
                        <p class="ok" role="status">
                            {t}
                        </p>
                    }
                })}
            {(!problems.is_empty())
                .then(|| {
                    view! {
                        <div class="error" role="alert" id="import-problems">
                            <p>{td_string!(l, staff.import_nothing)}</p>
                            <ul>
                                {problems
                                    .iter()
                                    .map(|p| {
                                        view! {
                                            <li>
                                                {td_string!(l, staff.import_line, line = p.line)
                                                    .to_string()} " " {problem(p.problem)}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </div>
                    }
                })}
            <p>{td_string!(l, staff.import_lead)}</p>
            <pre class="code">
                "name,network,country,code\nOak Primary,North,nl,\nElm College,,be,ABCD-EFGH"
            </pre>
            <form method="post" action="/api/import_schools" class="admin-form">
                <div class="field">
                    <label for="import-file">{td_string!(l, staff.import_label)}</label>
                    <textarea id="import-file" name="file" rows="8" required=true></textarea>
                </div>
                <button type="submit">{td_string!(l, staff.import_button)}</button>
            </form>
        </section>
    }
}

/// `/admin/schools/:id`: edit a school's name, network and country, or delete it (admins only).
#[component]
pub fn SchoolPage() -> impl IntoView {
    let l = crate::lang::current();
    let params = leptos_router::hooks::use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let data = Resource::new(id, |id| async move {
        let user = whoami().await?.ok_or_else(AppError::sign_in)?;
        let school = get_school(id).await?;
        let dir = get_directory().await?;
        Ok::<_, AppError>((user, school, dir.networks))
    });
    let error = crate::ui::query_error("error");
    view! {
        <Title text=td_string!(l, staff.school_page_title) />
        <Loaded
            load=move || data
            children=move |(user, school, networks)| {
                let error = error.clone();
                view! {
                    <SignedInBar user=user />
                    <p>
                        <a href="/admin#schools">{td_string!(l, staff.back_to_admin)}</a>
                    </p>
                    <h1>{school.name.clone()}</h1>
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
                        {td_string!(l, staff.col_join_code)} ": "
                        <span class="code">{codes::display(&school.code)}</span>
                    </p>
                    <form method="post" action="/api/update_school" class="admin-form">
                        <input type="hidden" name="id" value=school.id.clone() />
                        <div class="field">
                            <label for="school-name">
                                {td_string!(l, staff.school_name_label)}
                            </label>
                            <input
                                id="school-name"
                                name="name"
                                type="text"
                                required=true
                                value=school.name.clone()
                                maxlength=super::model::MAX_NAME
                            />
                        </div>
                        <div class="field">
                            <label for="school-network">
                                {td_string!(l, staff.school_network_label)}
                            </label>
                            <select id="school-network" name="network">
                                <option value="">"—"</option>
                                {networks
                                    .iter()
                                    .map(|n| {
                                        let chosen = school.network_id.as_deref()
                                            == Some(n.id.as_str());
                                        view! {
                                            <option value=n.id.clone() selected=chosen>
                                                {n.name.clone()}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="school-country">
                                {td_string!(l, staff.school_country_label)}
                            </label>
                            <input
                                id="school-country"
                                name="country"
                                type="text"
                                maxlength="2"
                                size="3"
                                value=school.country.clone().unwrap_or_default().to_uppercase()
                            />
                        </div>
                        <button type="submit">{td_string!(l, staff.save_button)}</button>
                    </form>
                    <section id="delete">
                        <h2>{td_string!(l, staff.delete_school_heading)}</h2>
                        <p>{td_string!(l, staff.delete_school_lead)}</p>
                        <form method="post" action="/api/delete_school">
                            <input type="hidden" name="id" value=school.id.clone() />
                            <button type="submit" class="danger">
                                {td_string!(l, staff.delete_school_button)}
                            </button>
                        </form>
                    </section>
                }
                    .into_any()
            }
        />
    }
}

/// `/admin/networks/:id`: rename a network, or delete it while it has no schools (admins only).
#[component]
pub fn NetworkPage() -> impl IntoView {
    let l = crate::lang::current();
    let params = leptos_router::hooks::use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let data = Resource::new(id, |id| async move {
        let user = whoami().await?.ok_or_else(AppError::sign_in)?;
        let network = get_directory()
            .await?
            .networks
            .into_iter()
            .find(|n| n.id == id)
            .ok_or_else(|| AppError::NotFound("There is no such network.".into()))?;
        Ok::<_, AppError>((user, network))
    });
    let error = crate::ui::query_error("error");
    view! {
        <Title text=td_string!(l, staff.network_page_title) />
        <Loaded
            load=move || data
            children=move |(user, network)| {
                let error = error.clone();
                view! {
                    <SignedInBar user=user />
                    <p>
                        <a href="/admin#networks">{td_string!(l, staff.back_to_admin)}</a>
                    </p>
                    <h1>{network.name.clone()}</h1>
                    {done_note(l)
                        .map(|t| {
                            view! {
                                <p class="ok" role="status">
                                    {t}
                                </p>
                            }
                        })}
                    <FormError message=Signal::derive(move || error.clone()) />
                    <p>{td_string!(l, staff.network_schools, count = network.schools)}</p>
                    <form method="post" action="/api/rename_network" class="admin-form">
                        <input type="hidden" name="id" value=network.id.clone() />
                        <div class="field">
                            <label for="network-name">
                                {td_string!(l, staff.new_network_label)}
                            </label>
                            <input
                                id="network-name"
                                name="name"
                                type="text"
                                required=true
                                value=network.name.clone()
                                maxlength=super::model::MAX_NAME
                            />
                        </div>
                        <button type="submit">{td_string!(l, staff.save_button)}</button>
                    </form>
                    <section id="delete">
                        <h2>{td_string!(l, staff.delete_network_heading)}</h2>
                        <p>{td_string!(l, staff.delete_network_lead)}</p>
                        <form method="post" action="/api/delete_network">
                            <input type="hidden" name="id" value=network.id.clone() />
                            <button type="submit" class="danger">
                                {td_string!(l, staff.delete_network_button)}
                            </button>
                        </form>
                    </section>
                }
                    .into_any()
            }
        />
    }
}
