//! `/export`: the researcher page — filters (a plain GET form), a preview of the counts, and the
//! download links with the same filters.
use super::api::{export_choices, preview_export};
use super::model::*;
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang::Locale;
use crate::ui::{FilterSelect, Loaded};
use crate::values::{INNOVATIONS, RespondentRole, YesNo, innovation_label};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The preview's counts in words, in language `l`; with no respondent left, that there is
/// nothing to export.
fn counts_text(l: Locale, pv: &ExportPreview) -> String {
    let k = pv.minimum_group_size;
    if pv.respondents == 0 {
        td_string!(l, staff.nothing_to_export, count = k).to_string()
    } else {
        format!(
            "{} {}",
            td_string!(l, staff.selected_respondents, count = pv.respondents),
            td_string!(l, staff.group_minimum, count = k),
        )
    }
}

#[component]
pub fn ExportPage() -> impl IntoView {
    let l = crate::lang::current();
    let query = use_query_map();
    let params = move || {
        let q = query.read();
        ExportParams {
            instrument: q.get("instrument"),
            version: q.get("version"),
            from: q.get("from"),
            to: q.get("to"),
            country: q.get("country"),
            network: q.get("network"),
            school: q.get("school"),
            role: q.get("role"),
            innovation: q.get("innovation"),
            language: q.get("language"),
            unfinished: q.get("unfinished"),
            text: q.get("text"),
        }
    };
    let data = Resource::new(params, |p| async move {
        let user = crate::accounts::api::whoami()
            .await?
            .ok_or_else(AppError::sign_in)?;
        let choices = export_choices().await?;
        let preview = if p.instrument.as_deref().is_some_and(|i| !i.is_empty()) {
            Some(preview_export(p.clone()).await)
        } else {
            None
        };
        Ok::<_, AppError>((user, choices, p, preview))
    });
    view! {
        <Title text=td_string!(l, staff.export_title) />
        <Loaded
            load=move || data
            children=move |(user, choices, p, preview)| {
                view! {
                    <crate::accounts::pages::SignedInBar user=user />
                    <h1>{td_string!(l, staff.export_heading)}</h1>
                    <p class="lead">{td_string!(l, staff.export_lead)}</p>
                    <ExportFilters choices p=p.clone() />
                    {preview
                        .map(|r| match r {
                            Err(e) => {
                                view! {
                                    <div class="error" role="alert">
                                        <p>{e.to_string()}</p>
                                    </div>
                                }
                                    .into_any()
                            }
                            Ok(pv) => {
                                view! { <PreviewSection preview=pv query=p.query() /> }.into_any()
                            }
                        })}
                }
                    .into_any()
            }
        />
    }
}

/// The export's filters: a plain GET form to `/export`, filled in with the current `p`.
#[component]
fn ExportFilters(choices: FilterChoices, p: ExportParams) -> impl IntoView {
    let l = crate::lang::current();
    let chosen = p.instrument.clone().unwrap_or_default();
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let role = value(&p.role);
    let innovation = value(&p.innovation);
    let language = value(&p.language);
    let country = value(&p.country).to_lowercase();
    let network = value(&p.network);
    let school = value(&p.school);
    let roles: Vec<(String, String)> = RespondentRole::ALL
        .iter()
        .map(|r| (r.as_str().to_string(), r.label(l).to_string()))
        .collect();
    let innovations: Vec<(String, String)> = INNOVATIONS
        .iter()
        .map(|i| {
            let name = innovation_label(l, i).unwrap_or(i);
            (i.to_string(), name.to_string())
        })
        .collect();
    // each language by its own name, as the language switch names it
    let languages: Vec<(String, String)> = crate::lang::all()
        .iter()
        .map(|&x| {
            (
                crate::lang::code(x).to_string(),
                td_string!(x, common.language_name).to_string(),
            )
        })
        .collect();
    let countries: Vec<(String, String)> = choices
        .countries
        .iter()
        .map(|c| (c.clone(), c.to_uppercase()))
        .collect();
    view! {
        <form method="get" action="/export" class="admin-form export-form">
            <FilterSelect
                id="x-instrument"
                name="instrument"
                label=td_string!(l, staff.filter_questionnaire)
                options=choices.instruments.clone()
                selected=chosen
            />
            <div class="field">
                <label for="x-version">{td_string!(l, staff.filter_version)}</label>
                <input
                    id="x-version"
                    name="version"
                    type="number"
                    min="1"
                    value=value(&p.version)
                />
            </div>
            <div class="field">
                <label for="x-from">{td_string!(l, staff.filter_from)}</label>
                <input id="x-from" name="from" type="date" value=value(&p.from) />
            </div>
            <div class="field">
                <label for="x-to">{td_string!(l, staff.filter_to)}</label>
                <input id="x-to" name="to" type="date" value=value(&p.to) />
            </div>
            <FilterSelect
                id="x-country"
                name="country"
                label=td_string!(l, staff.filter_country)
                all=td_string!(l, staff.all_countries)
                options=countries
                selected=country
            />
            <FilterSelect
                id="x-network"
                name="network"
                label=td_string!(l, staff.filter_network)
                all=td_string!(l, staff.all_networks)
                options=choices.networks.clone()
                selected=network
            />
            <FilterSelect
                id="x-school"
                name="school"
                label=td_string!(l, staff.filter_school)
                all=td_string!(l, staff.all_schools)
                options=choices.schools.clone()
                selected=school
            />
            <FilterSelect
                id="x-role"
                name="role"
                label=td_string!(l, staff.filter_role)
                all=td_string!(l, staff.all_roles)
                options=roles
                selected=role
            />
            <FilterSelect
                id="x-innovation"
                name="innovation"
                label=td_string!(l, staff.filter_innovation)
                all=td_string!(l, staff.all_innovations)
                options=innovations
                selected=innovation
            />
            <FilterSelect
                id="x-language"
                name="language"
                label=td_string!(l, export.filter_language)
                all=td_string!(l, export.all_languages)
                options=languages
                selected=language
            />
            <label class="choice">
                <input
                    type="checkbox"
                    name="unfinished"
                    value="yes"
                    checked=YesNo::ticked(p.unfinished.as_deref())
                />
                {td_string!(l, staff.include_unfinished)}
            </label>
            <label class="choice">
                <input
                    type="checkbox"
                    name="text"
                    value="yes"
                    checked=YesNo::ticked(p.text.as_deref())
                />
                {td_string!(l, staff.include_text)}
            </label>
            <button type="submit" class="primary">
                {td_string!(l, staff.preview_button)}
            </button>
        </form>
    }
}

/// What the chosen filters export: the counts, what was left out, and the download links
/// (`query`: the filters as a query string).
#[component]
fn PreviewSection(preview: ExportPreview, query: String) -> impl IntoView {
    let l = crate::lang::current();
    let (pv, q) = (preview, query);
    // with nobody to export, only the codebook (the questions) is worth a download
    let answers = (pv.respondents > 0).then(|| {
        view! {
            <li>
                <a href=format!("/export/responses.csv?{q}") download>
                    {td_string!(l, staff.download_long_csv)}
                </a>
            </li>
            <li>
                <a href=format!("/export/responses-wide.csv?{q}") download>
                    {td_string!(l, staff.download_wide_csv)}
                </a>
            </li>
            <li>
                <a href=format!("/export/responses.json?{q}") download>
                    {td_string!(l, staff.download_json)}
                </a>
            </li>
        }
    });
    let script = (pv.respondents > 0).then(|| {
        view! {
            <li>
                <a href=format!("/export/reflect-wide.R?{q}") download>
                    {td_string!(l, staff.download_r_script)}
                </a>
            </li>
        }
    });
    view! {
        <section class="export-preview" aria-labelledby="preview-title">
            <h2 id="preview-title">{td_string!(l, staff.preview_heading)}</h2>
            <p id="export-counts">{counts_text(l, &pv)}</p>
            {(!pv.suppression.is_empty())
                .then(|| {
                    view! {
                        <ul>
                            {pv
                                .suppression
                                .iter()
                                .map(|(what, n)| {
                                    let how_many = match n {
                                        Some(n) => {
                                            td_string!(l, staff.respondent_count, count = *n)
                                                .to_string()
                                        }
                                        None => {
                                            td_string!(l, staff.fewer_than, k = pv.minimum_group_size)
                                                .to_string()
                                        }
                                    };
                                    view! { <li>{format!("{how_many}: {what}")}</li> }
                                })
                                .collect_view()}
                        </ul>
                    }
                })}
            <ul class="downloads">
                {answers} <li>
                    <a href=format!("/export/codebook.json?{q}") download>
                        {td_string!(l, staff.codebook_json)}
                    </a>
                </li> <li>
                    <a href=format!("/export/codebook.md?{q}") download>
                        {td_string!(l, staff.codebook_markdown)}
                    </a>
                </li> {script}
            </ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preview(respondents: i64) -> ExportPreview {
        ExportPreview {
            respondents,
            minimum_group_size: 5,
            suppression: vec![],
        }
    }

    #[test]
    fn counts_say_how_many_respondents() {
        assert_eq!(
            counts_text(Locale::en, &preview(12)),
            "12 respondents selected. Every group holds at least 5 respondents."
        );
    }

    #[test]
    fn no_respondents_is_nothing_to_export() {
        let text = counts_text(Locale::en, &preview(0));
        assert!(
            text.starts_with("Nothing to export with these filters"),
            "{text}"
        );
        assert!(!text.contains("Every group holds"), "{text}");
    }

    #[test]
    fn counts_speak_the_page_language() {
        assert_eq!(
            counts_text(Locale::nl, &preview(1)),
            "1 respondent geselecteerd. Elke groep telt ten minste 5 respondenten."
        );
        let english = counts_text(Locale::en, &preview(12));
        for &l in crate::lang::all().iter().filter(|&&l| l != Locale::en) {
            assert_ne!(counts_text(l, &preview(12)), english, "{l:?}");
        }
    }
}

/// `/admin/exports`: the export log, newest first: who exported what, when, with which filters
/// and how many rows (admins only; never the data).
#[component]
pub fn ExportLogPage() -> impl IntoView {
    let l = crate::lang::current();
    let data = Resource::new(
        || (),
        |_| async {
            let user = crate::accounts::api::whoami()
                .await?
                .ok_or_else(AppError::sign_in)?;
            let log = super::api::get_export_log().await?;
            Ok::<_, AppError>((user, log))
        },
    );
    view! {
        <Title text=td_string!(l, export.log_title) />
        <Loaded
            load=move || data
            children=move |(user, log)| {
                view! {
                    <crate::accounts::pages::SignedInBar user=user />
                    <p>
                        <a href="/admin">{td_string!(l, staff.back_to_admin)}</a>
                    </p>
                    <h1>{td_string!(l, export.log_heading)}</h1>
                    <p>{td_string!(l, export.log_lead, count = EXPORT_LOG_SHOWN)}</p>
                    {if log.is_empty() {
                        view! { <p>{td_string!(l, export.log_empty)}</p> }.into_any()
                    } else {
                        view! {
                            <div
                                class="table-wrap"
                                role="region"
                                aria-label=td_string!(l, export.log_heading)
                                tabindex="0"
                            >
                                <table class="data">
                                    <thead>
                                        <tr>
                                            <th scope="col">{td_string!(l, export.log_when)}</th>
                                            <th scope="col">{td_string!(l, export.log_who)}</th>
                                            <th scope="col">{td_string!(l, export.log_format)}</th>
                                            <th scope="col">{td_string!(l, export.log_filters)}</th>
                                            <th scope="col">{td_string!(l, export.log_rows)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {log
                                            .into_iter()
                                            .map(|e| {
                                                view! {
                                                    <tr>
                                                        <td>{e.at}</td>
                                                        <td>{e.email}</td>
                                                        <td>{e.format}</td>
                                                        <td>
                                                            <code>{e.filters}</code>
                                                        </td>
                                                        <td>
                                                            {e
                                                                .rows
                                                                .map(|n| crate::lang::integer(l, n))
                                                                .unwrap_or_else(|| "—".into())}
                                                        </td>
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
                }
                    .into_any()
            }
        />
    }
}
