//! The coordinator's pages (their rounds, one round with its links and participation) and the
//! page a group link opens.
use super::api::*;
use super::model::*;
use crate::accounts::pages::SignedInBar;
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang::Locale;
use crate::ui::{FormError, InnovationChoices, Loaded, form_error};
use crate::values::RoleGroup;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn state_name(l: Locale, s: RoundState) -> &'static str {
    match s {
        RoundState::NotYetOpen => td_string!(l, rounds.state_not_yet_open),
        RoundState::Open => td_string!(l, rounds.state_open),
        RoundState::Closed => td_string!(l, rounds.state_closed),
    }
}

fn group_name(l: Locale, g: RoleGroup) -> &'static str {
    match g {
        RoleGroup::Leaders => td_string!(l, rounds.group_leaders),
        RoleGroup::Teachers => td_string!(l, rounds.group_teachers),
    }
}

/// A participation band in words.
pub fn band_text(l: Locale, b: Band) -> String {
    match b {
        Band::Nobody => td_string!(l, rounds.band_nobody).to_string(),
        Band::FewerThan(k) => td_string!(l, rounds.band_fewer, k = k).to_string(),
        Band::AtLeast(n) => td_string!(l, rounds.band_at_least, n = n).to_string(),
    }
}

fn dates(l: Locale, from: &Option<String>, to: &Option<String>) -> String {
    let d = |x: &Option<String>| x.as_deref().map(|d| crate::lang::date(l, d));
    match (d(from), d(to)) {
        (None, None) => td_string!(l, rounds.no_dates).to_string(),
        (Some(f), None) => td_string!(l, rounds.from_date, from = f).to_string(),
        (None, Some(t)) => td_string!(l, rounds.until_date, to = t).to_string(),
        (Some(f), Some(t)) => td_string!(l, rounds.between_dates, from = f, to = t).to_string(),
    }
}

pub fn innovation_text(l: Locale, id: &str, detail: &Option<String>) -> String {
    let name = crate::values::innovation_label(l, id).unwrap_or(id);
    match detail {
        Some(d) => format!("{name}: {d}"),
        None => name.to_string(),
    }
}

#[component]
pub fn RoundsPage() -> impl IntoView {
    let l = crate::lang::current();
    let open = ServerAction::<OpenRound>::new();
    let error = form_error(open.value(), "error");
    let data = Resource::new(
        move || open.version().get(),
        |_| async {
            let user = crate::accounts::api::whoami()
                .await?
                .ok_or_else(AppError::sign_in)?;
            Ok::<_, AppError>((user, list_rounds().await?))
        },
    );
    view! {
        <Title text=td_string!(l, rounds.list_title) />
        <Loaded
            load=move || data
            children=move |(user, list)| {
                view! {
                    <SignedInBar user=user />
                    <h1>{td_string!(l, rounds.list_heading)}</h1>
                    <p class="lead">{td_string!(l, rounds.list_lead)}</p>
                    {if list.rounds.is_empty() {
                        view! { <p>{td_string!(l, rounds.no_rounds)}</p> }.into_any()
                    } else {
                        view! {
                            <div
                                class="table-wrap"
                                role="region"
                                aria-label=td_string!(l, rounds.list_heading)
                                tabindex="0"
                            >
                                <table class="data">
                                    <caption class="visually-hidden">
                                        {td_string!(l, rounds.list_heading)}
                                    </caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">{td_string!(l, rounds.col_school)}</th>
                                            <th scope="col">
                                                {td_string!(l, rounds.col_questionnaire)}
                                            </th>
                                            <th scope="col">{td_string!(l, rounds.col_innovation)}</th>
                                            <th scope="col">{td_string!(l, rounds.col_dates)}</th>
                                            <th scope="col">{td_string!(l, rounds.col_state)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list
                                            .rounds
                                            .iter()
                                            .map(|r| {
                                                view! {
                                                    <tr>
                                                        <td>
                                                            <a href=format!(
                                                                "/rounds/{}",
                                                                r.id,
                                                            )>{r.school_name.clone()}</a>
                                                        </td>
                                                        <td>{r.instrument_title.clone()}</td>
                                                        <td>{innovation_text(l, &r.innovation, &None)}</td>
                                                        <td>{dates(l, &r.opens_on, &r.closes_on)}</td>
                                                        <td>{state_name(l, r.state)}</td>
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
                    <h2>{td_string!(l, rounds.new_heading)}</h2>
                    {if list.schools.is_empty() {
                        view! { <p>{td_string!(l, rounds.no_schools)}</p> }.into_any()
                    } else {
                        view! {
                            <FormError message=Signal::derive(error) />
                            <ActionForm action=open attr:class="admin-form">
                                <div class="field">
                                    <label for="r-school">
                                        {td_string!(l, rounds.school_label)}
                                    </label>
                                    <select id="r-school" name="school" required=true>
                                        {list
                                            .schools
                                            .iter()
                                            .map(|(id, name)| {
                                                view! { <option value=id.clone()>{name.clone()}</option> }
                                            })
                                            .collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="r-instrument">
                                        {td_string!(l, rounds.questionnaire_label)}
                                    </label>
                                    <select id="r-instrument" name="instrument" required=true>
                                        {list
                                            .instruments
                                            .iter()
                                            .map(|(id, title)| {
                                                view! { <option value=id.clone()>{title.clone()}</option> }
                                            })
                                            .collect_view()}
                                    </select>
                                </div>
                                <InnovationChoices
                                    legend=td_string!(l, rounds.innovation_legend)
                                    detail_label=td_string!(l, rounds.innovation_detail_label)
                                    detail_id="r-detail"
                                />
                                <div class="field">
                                    <label for="r-opens">{td_string!(l, rounds.opens_label)}</label>
                                    <input id="r-opens" name="opens_on" type="date" />
                                </div>
                                <div class="field">
                                    <label for="r-closes">
                                        {td_string!(l, rounds.closes_label)}
                                    </label>
                                    <input id="r-closes" name="closes_on" type="date" />
                                </div>
                                <label class="choice">
                                    <input type="checkbox" name="invitations" value="yes" />
                                    {td_string!(l, rounds.invitations_label)}
                                </label>
                                <p class="help">{td_string!(l, rounds.invitations_help)}</p>
                                <button type="submit" class="primary">
                                    {td_string!(l, rounds.open_button)}
                                </button>
                            </ActionForm>
                        }
                            .into_any()
                    }}
                }
                    .into_any()
            }
        />
    }
}

#[component]
pub fn RoundPage() -> impl IntoView {
    let l = crate::lang::current();
    let params = use_params_map();
    let close = ServerAction::<CloseRound>::new();
    let revoke = ServerAction::<RevokeRoundLink>::new();
    let withdraw = ServerAction::<WithdrawInvitations>::new();
    let close_error = form_error(close.value(), "error");
    let revoke_error = form_error(revoke.value(), "error");
    let withdraw_error = form_error(withdraw.value(), "error");
    let error = move || close_error().or_else(revoke_error).or_else(withdraw_error);
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                close.version().get(),
                revoke.version().get(),
                withdraw.version().get(),
            )
        },
        |(id, _, _, _)| get_round(id),
    );
    view! {
        <Loaded
            load=move || data
            children=move |r| {
                let heading = td_string!(
                    l, rounds.round_heading, school = r.school_name.clone(), questionnaire = r
                    .instrument_title.clone()
                )
                    .to_string();
                let id = r.id.clone();
                view! {
                    <Title text=heading.clone() />
                    <p>
                        <a href="/rounds">{td_string!(l, rounds.all_rounds)}</a>
                    </p>
                    <h1>{heading}</h1>
                    <p class="lead">{innovation_text(l, &r.innovation, &r.innovation_detail)}</p>
                    <p
                        class=if r.state == RoundState::Open { "ok" } else { "withheld" }
                        role="status"
                    >
                        {state_name(l, r.state)}
                        " · "
                        {dates(l, &r.opens_on, &r.closes_on)}
                    </p>
                    <FormError message=Signal::derive(error) />
                    {r
                        .groups
                        .iter()
                        .map(|g| {
                            let (id, group) = (r.id.clone(), g.group.as_str());
                            let revoke_id = id.clone();
                            let withdraw_id = id.clone();
                            let field = format!("link-{group}");
                            view! {
                                <section class="round-group">
                                    <h2>{group_name(l, g.group)}</h2>
                                    <label for=field
                                        .clone()>{td_string!(l, rounds.link_label)}</label>
                                    <input
                                        id=field
                                        class="link-field"
                                        type="text"
                                        readonly=true
                                        value=g.link.clone()
                                    />
                                    <p class="help">{td_string!(l, rounds.link_help)}</p>
                                    <dl class="participation">
                                        <dt>{td_string!(l, rounds.started)}</dt>
                                        <dd>{band_text(l, g.started)}</dd>
                                        <dt>{td_string!(l, rounds.finished)}</dt>
                                        <dd>{band_text(l, g.finished)}</dd>
                                    </dl>
                                    <ActionForm action=revoke attr:class="inline-form">
                                        <input type="hidden" name="id" value=revoke_id />
                                        <input type="hidden" name="group" value=group />
                                        <button type="submit">
                                            {td_string!(l, rounds.revoke_button)}
                                        </button>
                                    </ActionForm>
                                    {(r.invitations && r.state != RoundState::Closed)
                                        .then(|| {
                                            let count = format!("count-{group}");
                                            view! {
                                                <p>
                                                    {td_string!(l, rounds.codes_made, count = g.invitations)
                                                        .to_string()}
                                                </p>
                                                // a plain form: the codes come back as a page to
                                                // print, once
                                                <form
                                                    method="post"
                                                    action=format!("/rounds/{id}/invitations")
                                                    class="inline-form"
                                                >
                                                    <input type="hidden" name="group" value=group />
                                                    <label for=count
                                                        .clone()>{td_string!(l, rounds.codes_count_label)}</label>
                                                    <input
                                                        id=count
                                                        name="count"
                                                        type="number"
                                                        min="1"
                                                        max=MAX_INVITATIONS
                                                        value="10"
                                                        required=true
                                                    />
                                                    <button type="submit">
                                                        {td_string!(l, rounds.codes_button)}
                                                    </button>
                                                </form>
                                                {(g.invitations > 0)
                                                    .then(|| {
                                                        view! {
                                                            <ActionForm action=withdraw attr:class="inline-form">
                                                                <input type="hidden" name="id" value=withdraw_id.clone() />
                                                                <input type="hidden" name="group" value=group />
                                                                <button type="submit">
                                                                    {td_string!(l, rounds.withdraw_button)}
                                                                </button>
                                                            </ActionForm>
                                                        }
                                                    })}
                                            }
                                        })}
                                </section>
                            }
                        })
                        .collect_view()}
                    <section class="round-report">
                        <h2>{td_string!(l, rounds.report_heading)}</h2>
                        {if r.state == RoundState::Closed {
                            view! {
                                <p>
                                    <a href=format!(
                                        "/rounds/{id}/report",
                                    )>{td_string!(l, rounds.report_open)}</a>
                                    " · "
                                    <a href=format!("/rounds/{id}/report.pdf") download="">
                                        {td_string!(l, rounds.report_pdf)}
                                    </a>
                                </p>
                            }
                                .into_any()
                        } else {
                            view! { <p class="help">{td_string!(l, rounds.report_later)}</p> }
                                .into_any()
                        }}
                    </section>
                    {(r.state != RoundState::Closed)
                        .then(|| {
                            view! {
                                <ActionForm action=close>
                                    <input type="hidden" name="id" value=id.clone() />
                                    <button type="submit">
                                        {td_string!(l, rounds.close_button)}
                                    </button>
                                </ActionForm>
                            }
                        })}
                }
                    .into_any()
            }
        />
    }
}
