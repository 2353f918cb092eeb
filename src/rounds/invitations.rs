//! `POST /rounds/{id}/invitations` (form: `group`, `count`): makes one-time invitation codes and
//! answers with a page to print or copy, one slip per person with the group link and a code. It
//! is the only time the codes are shown: only their hashes are stored. A plain form post, so it
//! works the same with and without JavaScript.
use crate::accounts::service::SignedIn;
use crate::i18n::td_string;
use crate::server::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};

#[derive(serde::Deserialize)]
pub struct Wanted {
    group: Option<String>,
    count: Option<String>,
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub async fn make(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    language: Option<axum::Extension<crate::lang::Locale>>,
    SignedIn(user): SignedIn,
    axum::Form(wanted): axum::Form<Wanted>,
) -> Response {
    let l = language.map(|axum::Extension(l)| l).unwrap_or_default();
    let base = crate::server::site_base(&state, Some(&headers));
    let made = super::service::make_invitations(
        &state,
        &base,
        &user,
        &id,
        wanted.group.as_deref().unwrap_or_default(),
        wanted.count.as_deref().unwrap_or_default(),
    )
    .await;
    let (round, group, codes) = match made {
        Ok(m) => m,
        Err(e) => return e.localized(l).into_response(),
    };
    let link = round
        .groups
        .iter()
        .find(|g| g.group == group)
        .map(|g| g.link.clone())
        .unwrap_or_default();
    let group_name = match group {
        crate::values::RoleGroup::Leaders => td_string!(l, rounds.group_leaders),
        crate::values::RoleGroup::Teachers => td_string!(l, rounds.group_teachers),
    };
    let title = td_string!(
        l,
        rounds.invitations_title,
        school = round.school_name.clone(),
        group = group_name
    )
    .to_string();
    let slips: String = codes
        .iter()
        .map(|c| {
            format!(
                "<li class=\"slip\"><p>{}</p><p class=\"link\">{}</p><p>{}</p><p class=\"code\"><code>{}</code></p></li>",
                esc(&td_string!(l, rounds.slip_invited, school = round.school_name.clone()).to_string()),
                esc(&link),
                esc(td_string!(l, rounds.slip_code)),
                esc(&crate::schools::codes::display(c)),
            )
        })
        .collect();
    let page = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>\
         body{{font-family:system-ui,sans-serif;margin:1rem;max-width:60rem}}\
         .slips{{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:.5rem}}\
         .slip{{border:1px dashed #555;padding:.75rem;break-inside:avoid}}\
         .slip p{{margin:.25rem 0}}.link{{word-break:break-all;font-size:.9rem}}\
         .code{{font-size:1.5rem;letter-spacing:.1em}}\
         @media print{{.screen{{display:none}}body{{margin:0}}}}\
         </style></head><body>\
         <h1>{title}</h1>\
         <p class=\"screen\">{once}</p>\
         <p class=\"screen\"><a href=\"/rounds/{id}\">{back}</a></p>\
         <ul class=\"slips\">{slips}</ul></body></html>",
        lang = crate::lang::code(l),
        title = esc(&title),
        once = esc(&td_string!(l, rounds.invitations_once, count = codes.len()).to_string()),
        id = esc(&urlencoding::encode(&round.id)),
        back = esc(td_string!(l, rounds.back_to_round)),
    );
    (
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        Html(page),
    )
        .into_response()
}
