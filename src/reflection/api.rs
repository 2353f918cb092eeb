//! The reflection's server functions. Each is reachable at `/api/<name>`; forms post to them
//! directly, so everything works without JavaScript too.
use super::model::*;
use crate::error::AppError;
use leptos::prelude::*;
use std::collections::HashMap;

#[cfg(feature = "ssr")]
use super::service;

#[server(endpoint = "list_instruments")]
pub async fn list_instruments() -> Result<Vec<InstrumentSummary>, AppError> {
    Ok(service::list_instruments(
        &crate::server::state()?,
        crate::lang::current(),
    ))
}

#[server(endpoint = "get_instrument")]
pub async fn get_instrument(id: String) -> Result<InstrumentSummary, AppError> {
    service::list_instruments(&crate::server::state()?, crate::lang::current())
        .into_iter()
        .find(|i| i.id == id)
        .ok_or_else(|| service::no_questionnaire_called(crate::lang::current(), &id))
}

/// Starts a reflection and sends the respondent to its first category.
#[server(endpoint = "start_reflection")]
pub async fn start_reflection(
    instrument: String,
    role: Option<String>,
    school_code: Option<String>,
    innovation: Option<String>,
    innovation_detail: Option<String>,
    consent: Option<String>,
    workshop: Option<String>,
    language: Option<String>,
) -> Result<String, AppError> {
    let state = crate::server::state()?;
    let workshop = workshop.unwrap_or_default();
    let back = if workshop.trim().is_empty() {
        format!("/start/{}", urlencoding::encode(&instrument))
    } else {
        format!(
            "/start/{}?workshop={}",
            urlencoding::encode(&instrument),
            urlencoding::encode(&workshop)
        )
    };
    let input = service::StartInput {
        instrument,
        role: role.unwrap_or_default(),
        school_code: school_code.unwrap_or_default(),
        innovation: innovation.unwrap_or_default(),
        innovation_detail: innovation_detail.unwrap_or_default(),
        consent: consent.unwrap_or_default(),
        workshop,
        client: crate::server::client_key().await,
        language: language
            .as_deref()
            .and_then(crate::lang::parse)
            .unwrap_or_else(crate::lang::current),
    };
    let result = service::start(&state, input).await;
    crate::server::forms::respond_to_form(result, |token| format!("/r/{token}/c/1"), &back, "error")
}

/// Saves one answer at once (used by the page while it is hydrated). Saving the same answer again
/// changes nothing; an empty value removes an optional answer.
#[server(endpoint = "save_answer")]
pub async fn save_answer(
    token: String,
    item: String,
    value: String,
) -> Result<SaveOutcome, AppError> {
    service::save_answer(&crate::server::state()?, &token, &item, &value).await
}

/// Saves a whole category page (the form without JavaScript, and the Back/Next/Finish buttons) in
/// one transaction, then moves on: `go` is `back`, `next`, `finish` or `stay`. Next and Finish
/// with statements left open first ask once (the page again, with `?unanswered=N`); the answer
/// "go on anyway" posts `confirmed` with the same `go`.
#[server(endpoint = "submit_category")]
pub async fn submit_category(
    token: String,
    index: usize,
    go: Option<String>,
    answers: Option<HashMap<String, String>>,
    multi: Option<HashMap<String, HashMap<String, String>>>,
    note: Option<String>,
    confirmed: Option<String>,
) -> Result<(), AppError> {
    let state = crate::server::state()?;
    let back = format!("/r/{}/c/{index}", urlencoding::encode(&token));
    let go_raw = go.as_deref().unwrap_or("next");
    let result = match Go::parse(go_raw) {
        None => Err(AppError::BadRequest(format!(
            "unknown navigation “{}”",
            service::short(go_raw)
        ))),
        Some(go) => {
            service::submit_category(
                &state,
                &token,
                index,
                go,
                confirmed.as_deref().and_then(Go::parse) == Some(go),
                answers.unwrap_or_default(),
                multi.unwrap_or_default(),
                note,
            )
            .await
        }
    };
    crate::server::forms::respond_to_form(result, Clone::clone, &back, "error").map(|_| ())
}

#[server(endpoint = "get_category")]
pub async fn get_category(token: String, index: usize) -> Result<CategoryView, AppError> {
    let state = crate::server::state()?;
    service::category_view(&state, &crate::server::request_base(&state), &token, index).await
}

/// Opens a private link pasted on the start page (posted, so the token is in no address).
#[server(endpoint = "open_link")]
pub async fn open_link(link: String) -> Result<(), AppError> {
    let result = token_in_link(&link)
        .ok_or_else(AppError::unknown_reflection)
        .map(|t| format!("/r/{t}"));
    crate::server::forms::respond_to_form(result, Clone::clone, "/", "resume_error").map(|_| ())
}

/// Where a resume link leads: the profile when finished, otherwise the first category with an
/// unanswered item.
#[server(endpoint = "resume_target")]
pub async fn resume_target(token: String) -> Result<String, AppError> {
    service::resume_target(&crate::server::state()?, &token).await
}

#[server(endpoint = "get_profile")]
pub async fn get_profile(token: String) -> Result<ProfileView, AppError> {
    let state = crate::server::state()?;
    service::profile_view(&state, &crate::server::request_base(&state), &token).await
}

#[server(endpoint = "save_action_plan")]
pub async fn save_action_plan(token: String, plan: String) -> Result<PlanSaved, AppError> {
    let state = crate::server::state()?;
    let back = format!("/r/{}/profile", urlencoding::encode(&token));
    let result = service::save_action_plan(&state, &token, &plan).await;
    crate::server::forms::respond_to_form(
        result,
        |done| match done {
            PlanSaved::Saved => format!("{back}?saved=1#action-plan"),
            PlanSaved::Removed => format!("{back}?saved=removed#action-plan"),
        },
        &back,
        "plan_error",
    )
}

/// "Reflect again": starts a new reflection that retakes this finished one and sends the
/// respondent to its first category (a new private link).
#[server(endpoint = "reflect_again")]
pub async fn reflect_again(token: String) -> Result<String, AppError> {
    let state = crate::server::state()?;
    let back = format!("/r/{}/profile", urlencoding::encode(&token));
    let client = crate::server::client_key().await;
    let result = service::reflect_again(&state, &token, &client).await;
    crate::server::forms::respond_to_form(
        result,
        |new| format!("/r/{new}/c/1"),
        &back,
        "again_error",
    )
}

/// Deletes the reflection with all its answers. `confirm` must be `yes`.
#[server(endpoint = "delete_reflection")]
/// `earlier` = `yes` deletes the earlier reflections it retook too (the whole chain).
pub async fn delete_reflection(
    token: String,
    confirm: Option<String>,
    earlier: Option<String>,
) -> Result<(), AppError> {
    let state = crate::server::state()?;
    let back = format!("/r/{}/profile", urlencoding::encode(&token));
    let result = service::delete(
        &state,
        &token,
        crate::values::YesNo::ticked(confirm.as_deref()),
        crate::values::YesNo::ticked(earlier.as_deref()),
    )
    .await;
    crate::server::forms::respond_to_form(result, |_| "/deleted".to_string(), &back, "delete_error")
}

/// A participant's answers to the room's questions (poll and word), saved with their reflection.
#[server(endpoint = "answer_room")]
pub async fn answer_room(
    token: String,
    poll: Option<String>,
    word: Option<String>,
) -> Result<(), AppError> {
    let state = crate::server::state()?;
    let back = format!("/r/{}/profile", urlencoding::encode(&token));
    let result = service::answer_room(&state, &token, poll.as_deref(), word.as_deref()).await;
    crate::server::forms::respond_to_form(
        result,
        |_| format!("{back}?room_saved=1#room"),
        &back,
        "room_error",
    )
}

/// Starts a reflection through a group link and sends the respondent to its first category.
#[server(endpoint = "start_from_link")]
pub async fn start_from_link(
    link: String,
    role: Option<String>,
    invitation: Option<String>,
    consent: Option<String>,
    language: Option<String>,
) -> Result<String, AppError> {
    let back = format!("/g/{}", urlencoding::encode(&link));
    let result = async {
        let state = crate::server::state()?;
        service::start_in_round(
            &state,
            service::RoundStart {
                link,
                role: role.unwrap_or_default(),
                invitation: invitation.unwrap_or_default(),
                consent: consent.unwrap_or_default(),
                client: crate::server::client_key().await,
                language: language
                    .as_deref()
                    .and_then(crate::lang::parse)
                    .unwrap_or_else(crate::lang::current),
            },
        )
        .await
    }
    .await;
    crate::server::forms::respond_to_form(result, |token| format!("/r/{token}/c/1"), &back, "error")
}
