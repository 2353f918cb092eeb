//! Plain HTML forms (JavaScript off) post to the same server functions as the hydrated page.
use crate::error::AppResult;

/// Finishes a form post. On success the browser goes to `ok_url`. On failure a plain HTML form
/// (no JavaScript) goes back to its page with the message in the query parameter `error_param`
/// (one per form, so a page with two forms shows the message at the right one); a script gets the
/// error itself.
pub fn respond_to_form<T>(
    result: AppResult<T>,
    ok_url: impl FnOnce(&T) -> String,
    back: &str,
    error_param: &str,
) -> AppResult<T> {
    match &result {
        Ok(v) => leptos_axum::redirect(&ok_url(v)),
        Err(e) if is_plain_form() => leptos_axum::redirect(&format!(
            "{back}{}{error_param}={}",
            if back.contains('?') { '&' } else { '?' },
            urlencoding::encode(&e.to_string())
        )),
        Err(_) => {}
    }
    result
}

fn is_plain_form() -> bool {
    leptos::prelude::use_context::<axum::http::request::Parts>().is_some_and(|p| {
        p.headers
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
}
