//! A school's report on one round: built from the same results views a coordinator may open (the
//! round, its leaders, its teachers, the school's network, country and everyone, the previous
//! round), so every rule of the results pages holds in it; shown as a page and as a PDF.
use super::model::*;
use super::service::{filter_of, item_counts, view};
use super::stats::{Estimate, difference};
use crate::accounts::model::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::instrument::{Instrument, ItemType};
use crate::rounds::model::RoundState;
use crate::server::AppState;
use crate::values::RoleGroup;

/// The report of a round, for its school's coordinators and administrators.
pub async fn build(state: &AppState, user: &CurrentUser, round_id: &str) -> AppResult<RoundReport> {
    let (round, previous) = crate::rounds::service::for_report(state, user, round_id).await?;
    let l = crate::lang::current();
    let mut report = RoundReport {
        round_id: round.id.clone(),
        school: round.school_name.clone(),
        instrument_title: round.instrument_title.clone(),
        innovation: crate::rounds::pages::innovation_text(
            l,
            &round.innovation,
            &round.innovation_detail,
        ),
        opened_on: round.created_at.chars().take(10).collect(),
        opens_on: round.opens_on.clone(),
        closes_on: round.closes_on.clone(),
        k: state.config.min_group_size,
        status: ReportStatus::NotClosed,
    };
    if round.state != RoundState::Closed {
        return Ok(report);
    }
    let school = Scope::School(round.school_id.clone());
    let query = |rid: &str, group: Option<RoleGroup>| ResultsQuery {
        instrument: Some(round.instrument_id.clone()),
        round: Some(rid.to_string()),
        role: group.map(|g| g.as_str().to_string()),
        ..Default::default()
    };
    let whole = view(state, user, school.clone(), query(&round.id, None)).await?;
    let results = match shown(&whole) {
        Ok(r) => r,
        Err(w) => {
            report.status = ReportStatus::Withheld(w);
            return Ok(report);
        }
    };
    let ranked: Vec<&super::compute::CategoryResult> = results
        .categories
        .iter()
        .filter(|c| !whole.other_scales.contains_key(&c.id))
        .collect();
    let ids: Vec<String> = ranked.iter().map(|c| c.id.clone()).collect();
    // the two sides are independent reads
    let side_view = |g: RoleGroup| view(state, user, school.clone(), query(&round.id, Some(g)));
    let (leaders, teachers) = tokio::join!(
        side_view(RoleGroup::Leaders),
        side_view(RoleGroup::Teachers)
    );
    let (leaders, teachers) = (leaders?, teachers?);
    let (leaders, teachers) = (shown(&leaders), shown(&teachers));
    let side = |g: &Result<&super::compute::GroupResults, Withheld>, id: &str| {
        g.as_ref().ok().and_then(|r| estimate_of(r, id))
    };
    let categories: Vec<ReportCategory> = ranked
        .iter()
        .map(|c| {
            let (l, t) = (side(&leaders, &c.id), side(&teachers, &c.id));
            ReportCategory {
                id: c.id.clone(),
                title: c.title.clone(),
                all: c.estimate,
                leaders: l,
                teachers: t,
                gap: l.zip(t).map(|(l, t)| difference(&t, &l)),
            }
        })
        .collect();

    let inst = state
        .instruments
        .latest(&round.instrument_id)
        .map(|l| {
            state
                .instruments
                .localized(&l.instrument, crate::lang::current())
        })
        .ok_or_else(|| AppError::NotFound("There is no such questionnaire.".into()))?;
    let counts = item_counts(
        &state.db,
        &round.instrument_id,
        &school,
        &filter_of(&whole.query)?,
    )
    .await?;
    let weakest = results
        .ranking
        .first()
        .map(|tier| {
            tier.ids
                .iter()
                .filter_map(|id| ranked.iter().find(|c| &c.id == id))
                .map(|c| Weakest {
                    title: c.title.clone(),
                    estimate: c.estimate,
                    statements: statement_means(&inst, &c.id, &counts),
                })
                .collect()
        })
        .unwrap_or_default();

    let mut comparison = Vec::new();
    if let Some(s) = crate::schools::service::by_id(&state.db, &round.school_id).await? {
        let mut above: Vec<Scope> = Vec::new();
        above.extend(s.network_id.map(Scope::Network));
        above.extend(s.country.map(Scope::Country));
        above.push(Scope::All);
        for scope in above {
            let q = ResultsQuery {
                instrument: Some(round.instrument_id.clone()),
                ..Default::default()
            };
            let v = view(state, user, scope, q).await?;
            comparison.push(column(v.title.clone(), &v, &ids));
        }
    }

    let previous = match previous {
        None => None,
        Some((id, opened_on)) => {
            let v = view(state, user, school.clone(), query(&id, None)).await?;
            let column = column(opened_on.clone(), &v, &ids);
            let change = categories
                .iter()
                .zip(&column.estimates)
                .map(|(c, before)| c.all.zip(*before).map(|(now, b)| difference(&now, &b)))
                .collect();
            Some(PreviousRound {
                opened_on,
                column,
                change,
            })
        }
    };

    report.status = ReportStatus::Ready(Box::new(ReportBody {
        respondents: results.respondents,
        leaders: leaders.map(|r| r.respondents),
        teachers: teachers.map(|r| r.respondents),
        scale_labels: whole.scale_labels.clone(),
        categories,
        weakest,
        comparison,
        previous,
        free_text: whole.free_text.clone(),
        released_at: whole.released_at.clone(),
    }));
    Ok(report)
}

/// `GET /rounds/{id}/report.pdf`: the report as a PDF to download, in the page's language.
pub async fn pdf(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    parts: axum::http::request::Parts,
    crate::accounts::service::SignedIn(user): crate::accounts::service::SignedIn,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    use leptos::reactive::{computed::ScopedFuture, owner::Owner};
    let l = parts
        .extensions
        .get::<crate::lang::Locale>()
        .copied()
        .unwrap_or_default();
    // the report's words come from the request's language, as on the page
    let owner = Owner::new();
    owner.with(|| leptos::prelude::provide_context(parts));
    let built = owner
        .with(|| ScopedFuture::new(async move { build(&state, &user, &id).await }))
        .await;
    let report = match built {
        Ok(r) if matches!(r.status, ReportStatus::Ready(_)) => r,
        Ok(r) => {
            let why = super::report_page::status_text(l, &r.status, r.k);
            return AppError::Conflict(why).into_response();
        }
        Err(e) => return e.localized(l).into_response(),
    };
    let Some(bytes) = super::report_pdf::render(&report, l) else {
        return AppError::Internal.into_response();
    };
    let name = format!("report-{}.pdf", report.opened_on);
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// A view's results if they show, else why not.
fn shown(v: &ResultsView) -> Result<&super::compute::GroupResults, Withheld> {
    if let Some(w) = v.withheld {
        return Err(w);
    }
    match &v.results {
        Some(r) if r.more_needed == 0 => Ok(r),
        Some(r) => Err(Withheld::MoreNeeded(r.more_needed)),
        None => Err(Withheld::WouldReveal),
    }
}

fn estimate_of(r: &super::compute::GroupResults, id: &str) -> Option<Estimate> {
    r.categories
        .iter()
        .find(|c| c.id == id)
        .and_then(|c| c.estimate)
}

/// A view as a column beside the round: its estimate per category of `ids`.
fn column(name: String, v: &ResultsView, ids: &[String]) -> ReportColumn {
    match shown(v) {
        Ok(r) => ReportColumn {
            name,
            respondents: r.respondents,
            withheld: None,
            estimates: ids.iter().map(|id| estimate_of(r, id)).collect(),
        },
        Err(w) => ReportColumn {
            name,
            respondents: 0,
            withheld: Some(w),
            estimates: vec![None; ids.len()],
        },
    }
}

/// The mean of each Likert statement of a category from a group's answer counts ((item, value,
/// respondents); "not applicable" left out), lowest first; statements nobody rated are left out.
pub fn statement_means(
    inst: &Instrument,
    category: &str,
    counts: &[(String, String, i64)],
) -> Vec<(String, f64)> {
    let Some(c) = inst.categories.iter().find(|c| c.id == category) else {
        return Vec::new();
    };
    let mut out: Vec<(String, f64)> = c
        .items()
        .filter(|i| i.kind == ItemType::Likert)
        .filter_map(|i| {
            let (n, sum) = counts
                .iter()
                .filter(|(item, _, _)| *item == i.id)
                .filter_map(|(_, v, n)| v.parse::<i64>().ok().map(|v| (*n, v * n)))
                .fold((0, 0), |(a, b), (n, s)| (a + n, b + s));
            (n > 0).then(|| (i.text.clone(), sum as f64 / n as f64))
        })
        .collect();
    out.sort_by(|a, b| a.1.total_cmp(&b.1));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_rated_from_their_counts_lowest_first() {
        let inst: Instrument =
            toml::from_str(include_str!("../../instruments/leadership-reflection.toml")).unwrap();
        let c = inst.categories.iter().find(|c| c.is_scored()).unwrap();
        let likert: Vec<&crate::instrument::Item> =
            c.items().filter(|i| i.kind == ItemType::Likert).collect();
        let (a, b) = (&likert[0], &likert[1]);
        let counts = vec![
            // a: 2, 2, 4 → 2.67; b: 1, 1 and one "not applicable" → 1
            (a.id.clone(), "2".to_string(), 2),
            (a.id.clone(), "4".to_string(), 1),
            (b.id.clone(), "1".to_string(), 2),
            (
                b.id.clone(),
                crate::instrument::NOT_APPLICABLE.to_string(),
                1,
            ),
            // another category's statement is not counted here
            ("elsewhere".to_string(), "5".to_string(), 9),
        ];
        let means = statement_means(&inst, &c.id, &counts);
        assert_eq!(means.len(), 2, "statements nobody rated are left out");
        assert_eq!(means[0].0, b.text);
        assert!((means[0].1 - 1.0).abs() < 1e-12);
        assert_eq!(means[1].0, a.text);
        assert!((means[1].1 - 8.0 / 3.0).abs() < 1e-12);
        assert!(statement_means(&inst, "no-such-category", &counts).is_empty());
    }
}
