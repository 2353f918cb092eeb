//! The rounds' server functions: coordinators open, watch and close their school's rounds;
//! respondents start a reflection through a group link.
use super::model::*;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::service;

#[cfg(feature = "ssr")]
async fn coordinator()
-> Result<(crate::server::AppState, crate::accounts::model::CurrentUser), AppError> {
    let state = crate::server::state()?;
    let user = crate::accounts::service::require(&state.db).await?;
    Ok((state, user))
}

#[server(endpoint = "list_rounds")]
pub async fn list_rounds() -> Result<RoundList, AppError> {
    let (state, user) = coordinator().await?;
    service::list(&state, &user).await
}

/// Opens a round and sends the coordinator to it.
#[server(endpoint = "open_round")]
pub async fn open_round(
    school: Option<String>,
    instrument: Option<String>,
    innovation: Option<String>,
    innovation_detail: Option<String>,
    opens_on: Option<String>,
    closes_on: Option<String>,
    invitations: Option<String>,
) -> Result<String, AppError> {
    let result = async {
        let (state, user) = coordinator().await?;
        service::open(
            &state,
            &user,
            service::NewRound {
                school: school.as_deref().unwrap_or_default(),
                instrument: instrument.as_deref().unwrap_or_default(),
                innovation: innovation.as_deref().unwrap_or_default(),
                innovation_detail: innovation_detail.as_deref().unwrap_or_default(),
                opens_on: opens_on.as_deref().unwrap_or_default(),
                closes_on: closes_on.as_deref().unwrap_or_default(),
                invitations: crate::values::YesNo::ticked(invitations.as_deref()),
            },
        )
        .await
    }
    .await;
    crate::server::forms::respond_to_form(result, |id| format!("/rounds/{id}"), "/rounds", "error")
}

#[server(endpoint = "get_round")]
pub async fn get_round(id: String) -> Result<Round, AppError> {
    let (state, user) = coordinator().await?;
    service::get(&state, &crate::server::request_base(&state), &user, &id).await
}

/// Closes a round by hand.
#[server(endpoint = "close_round")]
pub async fn close_round(id: String) -> Result<(), AppError> {
    let back = format!("/rounds/{}", urlencoding::encode(&id));
    let result = async {
        let (state, user) = coordinator().await?;
        service::close(&state, &user, &id).await
    }
    .await;
    crate::server::forms::respond_to_form(result, |_| back.clone(), &back, "error")
}

/// Gives a group (`leaders` or `teachers`) a new link; the old one stops working.
#[server(endpoint = "revoke_round_link")]
pub async fn revoke_round_link(id: String, group: String) -> Result<(), AppError> {
    let back = format!("/rounds/{}", urlencoding::encode(&id));
    let result = async {
        let (state, user) = coordinator().await?;
        service::revoke(&state, &user, &id, &group).await
    }
    .await;
    crate::server::forms::respond_to_form(result, |_| back.clone(), &back, "error")
}

/// Withdraws a group's unused invitation codes.
#[server(endpoint = "withdraw_invitations")]
pub async fn withdraw_invitations(id: String, group: String) -> Result<(), AppError> {
    let back = format!("/rounds/{}", urlencoding::encode(&id));
    let result = async {
        let (state, user) = coordinator().await?;
        service::withdraw(&state, &user, &id, &group).await
    }
    .await;
    crate::server::forms::respond_to_form(result, |_| back.clone(), &back, "error")
}

/// What a group link opens (no account needed).
#[server(endpoint = "get_round_link")]
pub async fn get_round_link(link: String) -> Result<LinkView, AppError> {
    let state = crate::server::state()?;
    service::link(&state, &link).await
}
