//! The workshops' server functions: facilitators manage their workshops; participants find one by
//! its code.
use super::model::*;
use crate::error::AppError;
use leptos::prelude::*;
use std::collections::HashMap;

#[cfg(feature = "ssr")]
use super::service;

#[cfg(feature = "ssr")]
async fn facilitator()
-> Result<(crate::server::AppState, crate::accounts::model::CurrentUser), AppError> {
    let state = crate::server::state()?;
    let user = crate::accounts::service::require(&state.db).await?;
    Ok((state, user))
}

#[server(endpoint = "list_workshops")]
pub async fn list_workshops() -> Result<WorkshopList, AppError> {
    let (state, user) = facilitator().await?;
    service::list(&state, &user).await
}

/// Creates a workshop. `categories` holds one entry per ticked category (`categories[<id>]`),
/// `parts` one per ticked part of a category (`parts[<category>/<subcategory>]`).
#[server(endpoint = "create_workshop")]
pub async fn create_workshop(
    title: String,
    instrument: String,
    categories: Option<HashMap<String, String>>,
    parts: Option<HashMap<String, String>>,
    ask_poll: Option<String>,
    word_prompt: Option<String>,
) -> Result<String, AppError> {
    let result = async {
        let (state, user) = facilitator().await?;
        let chosen: Vec<String> = categories.unwrap_or_default().into_keys().collect();
        let parts: Vec<String> = parts.unwrap_or_default().into_keys().collect();
        service::create(
            &state,
            &user,
            service::NewWorkshop {
                title: &title,
                instrument: &instrument,
                categories: &chosen,
                parts: &parts,
                ask_poll: crate::values::YesNo::ticked(ask_poll.as_deref()),
                word_prompt: word_prompt.as_deref(),
            },
        )
        .await
    }
    .await;
    crate::server::forms::respond_to_form(
        result,
        |id| format!("/workshops/{id}"),
        "/workshops",
        "error",
    )
}

#[server(endpoint = "get_workshop")]
pub async fn get_workshop(id: String) -> Result<Workshop, AppError> {
    let (state, user) = facilitator().await?;
    service::get(&state, &crate::server::request_base(&state), &user, &id).await
}

/// Opens (`open`) or closes (`closed`) a workshop.
#[server(endpoint = "set_workshop_status")]
pub async fn set_workshop_status(id: String, status: String) -> Result<(), AppError> {
    let back = format!("/workshops/{}", urlencoding::encode(&id));
    let result = async {
        let (state, user) = facilitator().await?;
        service::set_status(&state, &user, &id, &status).await
    }
    .await;
    crate::server::forms::respond_to_form(result, |_| back.clone(), &back, "error")
}

/// A participant's code: the open workshop it belongs to, then its questionnaire. Wrong codes are
/// rate-limited per client.
#[server(endpoint = "join_workshop")]
pub async fn join_workshop(code: String) -> Result<JoinTarget, AppError> {
    let state = crate::server::state()?;
    let client = crate::server::client_key().await;
    let result = service::find_open(&state, &client, &code)
        .await
        .map(|r| JoinTarget {
            code: r.code,
            title: r.title,
            instrument_id: r.instrument_id,
        });
    crate::server::forms::respond_to_form(
        result,
        |t| {
            format!(
                "/start/{}?workshop={}",
                urlencoding::encode(&t.instrument_id),
                t.code
            )
        },
        "/join",
        "error",
    )
}

/// The room's live results, for its facilitator and admins (the presenter view's first render
/// and its view without JavaScript).
#[server(endpoint = "get_room")]
pub async fn get_room(id: String) -> Result<RoomView, AppError> {
    let (state, user) = facilitator().await?;
    service::presenter_room(&state, &crate::server::request_base(&state), &user, &id).await
}

/// Reveals the room's results (`reveal=yes`) or hides them again (`no`). `back` is the page to
/// return to without JavaScript: the workshop page or the presenter view.
#[server(endpoint = "reveal_room")]
pub async fn reveal_room(id: String, reveal: String, back: Option<String>) -> Result<(), AppError> {
    let back = back_to(&id, back.as_deref());
    let result = async {
        let (state, user) = facilitator().await?;
        service::set_revealed(&state, &user, &id, &reveal).await
    }
    .await;
    crate::server::forms::respond_to_form(result, |_| back.clone(), &back, "error")
}

/// Hides a word from the room's word cloud on every screen (`hidden=yes`) or shows it again.
#[server(endpoint = "moderate_word")]
pub async fn moderate_word(
    id: String,
    word: String,
    hidden: String,
    back: Option<String>,
) -> Result<(), AppError> {
    let back = back_to(&id, back.as_deref());
    let result = async {
        let (state, user) = facilitator().await?;
        service::moderate_word(&state, &user, &id, &word, &hidden).await
    }
    .await;
    crate::server::forms::respond_to_form(result, |_| back.clone(), &back, "error")
}

/// The all-respondents means of the workshop's categories, to compare with the room.
#[server(endpoint = "compare_room")]
pub async fn compare_room(id: String) -> Result<RoomComparison, AppError> {
    let (state, user) = facilitator().await?;
    service::comparison(&state, &user, &id).await
}

/// The presenter's chart of `room`, for a box `width` pixels wide on a screen `screen` pixels
/// wide. Made on the server so that no chart code is compiled to WebAssembly; it reads nothing
/// stored (the room is what the presenter already shows), and only a signed-in user may ask.
#[server(endpoint = "room_chart", input = server_fn::codec::Json)]
pub async fn room_chart(
    room: RoomView,
    screen: f64,
    width: f64,
    words: super::chart::ChartWords,
) -> Result<crate::ui::ChartSpec, AppError> {
    let _ = facilitator().await?;
    let fit = super::chart::Fit::new(screen.clamp(200.0, 10_000.0), width.clamp(0.0, 10_000.0));
    let (chart, height) = super::chart::distribution_chart(&room, fit, &words);
    Ok(crate::ui::ChartSpec::new(ROOM_CHART, &chart, height))
}

/// The id of the presenter chart's box.
pub const ROOM_CHART: &str = "room-distribution";

/// Where a facilitator's form returns to: the workshop page, or its presenter view.
pub fn back_to(id: &str, back: Option<&str>) -> String {
    let page = format!("/workshops/{}", urlencoding::encode(id));
    match back {
        Some("present") => format!("{page}/present"),
        _ => page,
    }
}
