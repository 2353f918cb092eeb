//! Chooses each request's language once, at the edge (`lang::choose`), and hands it to the page
//! as a request extension (`lang::current` reads it). `?lang=` also leaves a cookie, so the
//! choice holds on the next pages. A reflection's pages (`/r/<token>…`) speak the language the
//! reflection is answered in, from any browser; `?lang=` there changes that language too.
use super::AppState;
use crate::lang::{self, Locale};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;

/// The private token in a reflection page's path.
fn reflection_token(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/r/")?;
    let token = rest.split('/').next()?;
    (!token.is_empty()).then_some(token)
}

/// What a request says about its language: its address, cookie and `Accept-Language`, kept as
/// shared bytes (cheap to take), read by the rule (`lang::choose`) only when a text is needed.
/// (A reflection's own language is added by [`choose`].)
pub struct Asked {
    uri: axum::http::Uri,
    cookie: Option<HeaderValue>,
    accept: Option<HeaderValue>,
}

impl Asked {
    pub fn of(uri: &axum::http::Uri, headers: &axum::http::HeaderMap) -> Self {
        Self {
            uri: uri.clone(),
            cookie: headers.get(header::COOKIE).cloned(),
            accept: headers.get(header::ACCEPT_LANGUAGE).cloned(),
        }
    }

    /// The language by the rule: `?lang=`, the cookie, `Accept-Language`, English.
    pub fn locale(&self) -> Locale {
        fn text(v: &Option<HeaderValue>) -> Option<&str> {
            v.as_ref().and_then(|v| v.to_str().ok())
        }
        lang::choose(self.uri.query(), text(&self.cookie), text(&self.accept))
    }
}

/// The language a request asks for (see [`Asked`]).
pub fn asked_by(req: &Request) -> Locale {
    Asked::of(req.uri(), req.headers()).locale()
}

pub async fn choose(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let asked = req.uri().query().and_then(lang::from_query);
    let mut chosen = asked_by(&req);
    let token = (req.method() == Method::GET)
        .then(|| reflection_token(req.uri().path()).map(ToString::to_string))
        .flatten();
    if let Some(token) = token {
        match asked {
            Some(l) => {
                if let Err(e) = crate::reflection::service::set_language(&state, &token, l).await {
                    tracing::warn!(error = %e, "could not keep a reflection's language");
                }
            }
            None => {
                if let Ok(Some(l)) = crate::reflection::service::language(&state, &token).await {
                    chosen = l;
                }
            }
        }
    }
    req.extensions_mut().insert::<Locale>(chosen);
    let mut res = next.run(req).await;
    if let Some(l) = asked
        && let Ok(cookie) = HeaderValue::from_str(&format!(
            "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang::COOKIE,
            lang::code(l)
        ))
    {
        res.headers_mut().append(header::SET_COOKIE, cookie);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reflection_page_names_its_token() {
        assert_eq!(reflection_token("/r/abc"), Some("abc"));
        assert_eq!(reflection_token("/r/abc/c/2"), Some("abc"));
        assert_eq!(reflection_token("/r/"), None);
        assert_eq!(reflection_token("/results/all"), None);
    }
}
