//! Plain HTML forms (JavaScript off) post to the same server functions as the hydrated page.
use crate::error::AppResult;

/// Finishes a form post. On success the browser goes to `ok_url`. On failure a plain HTML form
/// (no JavaScript) goes back to its page with the message's code (`AppError::form_code`, never
/// text) in the query parameter `error_param`
/// (one per form, so a page with two forms shows the message at the right one); a script gets the
/// error itself.
pub fn respond_to_form<T>(
    result: AppResult<T>,
    ok_url: impl FnOnce(&T) -> String,
    back: &str,
    error_param: &str,
) -> AppResult<T> {
    match &result {
        Ok(v) => redirect(&ok_url(v)),
        Err(e) if is_plain_form() => redirect(&format!(
            "{back}{}{error_param}={}",
            if back.contains('?') { '&' } else { '?' },
            e.form_code()
        )),
        Err(_) => {}
    }
    result
}

/// Whether `path` is a plain path on this site that is safe to send a browser to: it starts with
/// one `/` (not `//`, which a browser reads as another site), and holds printable ASCII only — no
/// control characters, tabs or spaces (browsers drop tabs and newlines, so `/\t/evil.example`
/// would become `//evil.example`), no backslash (read as `/`), nothing outside ASCII (our own
/// links are percent-encoded). At most 2,000 characters.
pub fn is_local_path(path: &str) -> bool {
    let b = path.as_bytes();
    b.first() == Some(&b'/')
        && b.get(1) != Some(&b'/')
        && b.len() <= 2000
        && b.iter().all(|c| c.is_ascii_graphic() && *c != b'\\')
}

/// Sends the browser to `path` on this site: `303 See Other` with a Location for a plain HTML
/// form or page, the server-function redirect header for a script. A target that is not a safe
/// local path (see [`is_local_path`]) goes to the start page instead, so no input can make the
/// Location header fail (leptos_axum panics on an invalid one) or lead to another site.
pub fn redirect(path: &str) {
    let target = if is_local_path(path) {
        path
    } else {
        tracing::warn!("refused a redirect target that is not a plain local path");
        "/"
    };
    leptos_axum::redirect(target);
    if is_plain_form()
        && let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
    {
        res.set_status(axum::http::StatusCode::SEE_OTHER);
    }
}

fn is_plain_form() -> bool {
    leptos::prelude::use_context::<axum::http::request::Parts>().is_some_and(|p| {
        p.headers
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
}

#[cfg(test)]
mod tests {
    use super::is_local_path;
    use proptest::prelude::*;

    #[test]
    fn only_plain_local_paths_pass() {
        for ok in [
            "/",
            "/results/all",
            "/r/abc/c/1?unanswered=3#confirm",
            "/login?next=%2Fadmin",
        ] {
            assert!(is_local_path(ok), "{ok}");
        }
        for bad in [
            "",
            "results",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil",
            "/a\u{7f}",
            "/a\u{0}",
            "/caf\u{e9}",
            "/\u{202e}evil",
            "/\u{200b}x",
            "https://evil.example",
        ] {
            assert!(!is_local_path(bad), "{bad:?}");
        }
        assert!(!is_local_path(&format!("/{}", "a".repeat(2000))));
    }

    proptest! {
        /// Whatever is accepted is a valid header value and a same-site path for a browser.
        #[test]
        fn accepted_paths_are_valid_headers_on_this_site(path in "/[ -~\t\n\r]{0,40}") {
            if is_local_path(&path) {
                prop_assert!(axum::http::HeaderValue::from_str(&path).is_ok());
                prop_assert!(!path.starts_with("//"));
                let cleaned: String = path.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
                prop_assert!(!cleaned.starts_with("//") && !cleaned.contains('\\'));
            }
        }
    }
}
