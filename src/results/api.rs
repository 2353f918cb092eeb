//! The results' server functions. Every one needs a signed-in user; a school's results need its
//! coordinator or an admin.
use super::model::*;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::{model::Scope, service};

/// One group's results. `level` is `all`, `country`, `network` or `school`; `key` the country
/// code or the network's or school's id. The filters are the page's query string, as typed.
#[server(endpoint = "get_results")]
pub async fn get_results(
    level: String,
    key: Option<String>,
    instrument: Option<String>,
    version: Option<String>,
    role: Option<String>,
    innovation: Option<String>,
    language: Option<String>,
    from: Option<String>,
    to: Option<String>,
    round: Option<String>,
) -> Result<ResultsView, AppError> {
    let state = crate::server::state()?;
    let user = crate::accounts::service::require(&state.db).await?;
    let key = key.unwrap_or_default();
    let scope = Scope::parse(&level, key)
        .ok_or_else(|| AppError::NotFound("There is no such results page.".into()))?;
    let version = match version.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => Some(
            v.parse::<i64>()
                .map_err(|_| AppError::invalid("A version is a whole number."))?,
        ),
    };
    let q = ResultsQuery {
        instrument: instrument.filter(|i| !i.is_empty()),
        version,
        role,
        innovation,
        language,
        from,
        to,
        round: round.filter(|r| !r.is_empty()),
    };
    service::view(&state, &user, scope, q).await
}

#[server(endpoint = "list_result_groups")]
pub async fn list_result_groups()
-> Result<(crate::accounts::model::CurrentUser, ResultsIndex), AppError> {
    let state = crate::server::state()?;
    let user = crate::accounts::service::require(&state.db).await?;
    let index = service::index(&state, &user).await?;
    Ok((user, index))
}

/// Per question, answers by country and overall.
#[server(endpoint = "compare_countries")]
pub async fn compare_countries(instrument: Option<String>) -> Result<CountryComparison, AppError> {
    let state = crate::server::state()?;
    crate::accounts::service::require(&state.db).await?;
    service::by_country(&state, instrument.filter(|i| !i.is_empty())).await
}

/// A round's school report (its coordinators and administrators only).
#[server(endpoint = "get_round_report")]
pub async fn get_round_report(id: String) -> Result<RoundReport, AppError> {
    let state = crate::server::state()?;
    let user = crate::accounts::service::require(&state.db).await?;
    super::report::build(&state, &user, &id).await
}
