//! `/export`: the researcher page — filters (a plain GET form), a preview of the counts, and the
//! download links with the same filters.
use super::api::{export_choices, preview_export};
use super::model::*;
use crate::error::AppError;
use crate::ui::{FilterSelect, Loaded};
use crate::values::{INNOVATIONS, ROLES, YesNo};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The preview's counts in words; with no respondent left, that there is nothing to export.
fn counts_text(pv: &ExportPreview) -> String {
    let k = plural(pv.minimum_group_size, "respondent", "respondents");
    if pv.respondents == 0 {
        format!(
            "Nothing to export with these filters: no respondent who agreed to research use is in a group of at least {k}. Choose fewer filters or a longer period."
        )
    } else {
        format!(
            "{} selected. Every group holds at least {k}.",
            plural(pv.respondents, "respondent", "respondents"),
        )
    }
}

#[component]
pub fn ExportPage() -> impl IntoView {
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
        <Title text="Research export – Reflect" />
        <Loaded
            load=move || data
            children=|(user, choices, p, preview)| {
                view! {
                    <crate::accounts::pages::SignedInBar user=user />
                    <h1>"Research export"</h1>
                    <p class="lead">
                        "Anonymised answers of respondents who agreed to research use, with a codebook. Every download is logged (who, when, filters, rows — not the data)."
                    </p>
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
    let chosen = p.instrument.clone().unwrap_or_default();
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let role = value(&p.role);
    let innovation = value(&p.innovation);
    let country = value(&p.country).to_lowercase();
    let network = value(&p.network);
    let school = value(&p.school);
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(k, l)| (k.to_string(), l.to_string()))
            .collect()
    };
    let (roles, innovations) = (pairs(ROLES), pairs(INNOVATIONS));
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
                label="Questionnaire"
                options=choices.instruments.clone()
                selected=chosen
            />
            <div class="field">
                <label for="x-version">"Version (empty: all)"</label>
                <input
                    id="x-version"
                    name="version"
                    type="number"
                    min="1"
                    value=value(&p.version)
                />
            </div>
            <div class="field">
                <label for="x-from">"From (day finished)"</label>
                <input id="x-from" name="from" type="date" value=value(&p.from) />
            </div>
            <div class="field">
                <label for="x-to">"To"</label>
                <input id="x-to" name="to" type="date" value=value(&p.to) />
            </div>
            <FilterSelect
                id="x-country"
                name="country"
                label="Country"
                all="All countries"
                options=countries
                selected=country
            />
            <FilterSelect
                id="x-network"
                name="network"
                label="Network"
                all="All networks"
                options=choices.networks.clone()
                selected=network
            />
            <FilterSelect
                id="x-school"
                name="school"
                label="School"
                all="All schools"
                options=choices.schools.clone()
                selected=school
            />
            <FilterSelect
                id="x-role"
                name="role"
                label="Role"
                all="All roles"
                options=roles
                selected=role
            />
            <FilterSelect
                id="x-innovation"
                name="innovation"
                label="Innovation"
                all="All innovations"
                options=innovations
                selected=innovation
            />
            <label class="choice">
                <input
                    type="checkbox"
                    name="unfinished"
                    value="yes"
                    checked=YesNo::ticked(p.unfinished.as_deref())
                />
                "Include unfinished reflections"
            </label>
            <label class="choice">
                <input
                    type="checkbox"
                    name="text"
                    value="yes"
                    checked=YesNo::ticked(p.text.as_deref())
                />
                "Include written answers (only from groups of at least 10 respondents)"
            </label>
            <button type="submit" class="primary">
                "Preview"
            </button>
        </form>
    }
}

/// What the chosen filters export: the counts, what was left out, and the download links
/// (`query`: the filters as a query string).
#[component]
fn PreviewSection(preview: ExportPreview, query: String) -> impl IntoView {
    let (pv, q) = (preview, query);
    // with nobody to export, only the codebook (the questions) is worth a download
    let answers = (pv.respondents > 0).then(|| {
        view! {
            <li>
                <a href=format!("/export/responses.csv?{q}") download>
                    "Answers, long CSV (one row per answer)"
                </a>
            </li>
            <li>
                <a href=format!("/export/responses-wide.csv?{q}") download>
                    "Answers, wide CSV (one row per respondent, with scale scores)"
                </a>
            </li>
            <li>
                <a href=format!("/export/responses.json?{q}") download>
                    "Answers, JSON (one object per respondent, with scale scores)"
                </a>
            </li>
        }
    });
    let script = (pv.respondents > 0).then(|| {
        view! {
            <li>
                <a href=format!("/export/reflect-wide.R?{q}") download>
                    "R script: reads the wide CSV with labels as factors"
                </a>
            </li>
        }
    });
    view! {
        <section class="export-preview" aria-labelledby="preview-title">
            <h2 id="preview-title">"This export"</h2>
            <p id="export-counts">{counts_text(&pv)}</p>
            {(!pv.suppression.is_empty())
                .then(|| {
                    view! {
                        <ul>
                            {pv
                                .suppression
                                .iter()
                                .map(|(what, n)| {
                                    let how_many = match n {
                                        Some(n) => plural(*n, "respondent", "respondents"),
                                        None => format!("Fewer than {}", pv.minimum_group_size),
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
                        "Codebook (JSON)"
                    </a>
                </li> <li>
                    <a href=format!("/export/codebook.md?{q}") download>
                        "Codebook (Markdown)"
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
            counts_text(&preview(12)),
            "12 respondents selected. Every group holds at least 5 respondents."
        );
    }

    #[test]
    fn no_respondents_is_nothing_to_export() {
        let text = counts_text(&preview(0));
        assert!(
            text.starts_with("Nothing to export with these filters"),
            "{text}"
        );
        assert!(!text.contains("Every group holds"), "{text}");
    }
}
