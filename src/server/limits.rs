//! Limits and security headers on every response.
//!
//! - **Body size:** at most [`MAX_BODY`] per request (the largest real one, a category page with
//!   long written answers, is a few dozen KB); more is refused with 413 and a readable message,
//!   before any handler reads it.
//! - **Other sites:** a state-changing request whose `Origin` (or `Referer`) is another site's is
//!   refused with 403 (cross-site request forgery).
//! - **Null characters** in the path, query or body: refused with 400 (PostgreSQL cannot store
//!   them, and no answer or name needs one).
//! - **Time:** a request whose response has not begun within the configured limit
//!   (`REFLECT_REQUEST_TIMEOUT_SECS`, default 30) is answered 408. Streams that have begun — live
//!   rooms, export downloads — are not cut: the limit covers the wait for the response to start.
//! - **Headers:** `Content-Security-Policy` with no third-party origin — pages allow their own
//!   scripts and the one inline hydration script carrying this response's nonce (leptos_axum
//!   makes one per request), plus WebAssembly; everything else gets `default-src 'none'`.
//!   `frame-ancestors 'none'`, `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`
//!   (resume links carry the private token in the path), `X-Frame-Options: DENY`.
use crate::i18n::td_string;
use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode, header};
use axum::response::IntoResponse;

/// The largest request body accepted, in bytes.
pub const MAX_BODY: usize = 256 * 1024;

/// The policy of a page rendered with `nonce`. Inline `style` attributes are allowed (chart and
/// progress sizes are set in markup); scripts only from this origin or with the nonce.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The policy of everything that is not a page (server function replies, downloads, files).
pub const OTHER_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

pub async fn security_headers(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response<Body> {
    // a private link's pages are the respondent's own: never kept by a browser or proxy cache
    let private = req.uri().path().starts_with("/r/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if private {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(OTHER_POLICY),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}

/// The answer to a request whose handler panicked: logged (the message only, never the request),
/// answered with 500 and a plain message; the server goes on.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = message, "a request panicked; answered 500");
    let mut res = Response::new(Body::from(td_string!(
        crate::lang::Locale::en,
        errors.internal
    )));
    *res.status_mut() = axum::http::StatusCode::INTERNAL_SERVER_ERROR;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    // worded in the request's language by `explain_refusals`
    res.extensions_mut().insert(Panicked);
    res
}

/// Marks the answer to a request that panicked (see [`panic_response`]).
#[derive(Clone, Copy, Debug)]
pub struct Panicked;

/// Whether text carries a null character, raw or percent-encoded (`%00`).
pub fn has_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0)
        || bytes
            .windows(3)
            .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
}

/// Refuses null characters in the path, the query or a request body (400 with a message): no
/// answer or name needs one, and PostgreSQL cannot store one in text (it would be a 500). The
/// body is read here, within the size limit, and handed on unchanged.
pub async fn reject_nul(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response<Body> {
    let refuse = |asked: super::language::Asked| {
        let l = asked.locale();
        (
            StatusCode::BAD_REQUEST,
            td_string!(l, errors.nul_characters),
        )
            .into_response()
    };
    let uri = req.uri();
    if has_nul(uri.path().as_bytes()) || uri.query().is_some_and(|q| has_nul(q.as_bytes())) {
        return refuse(super::language::Asked::of(uri, req.headers()));
    }
    if req.method() == axum::http::Method::GET || req.method() == axum::http::Method::HEAD {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    if has_nul(&bytes) {
        return refuse(super::language::Asked::of(&parts.uri, &parts.headers));
    }
    next.run(axum::extract::Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The origin (`scheme://host[:port]`) a URL or `Origin` header names.
fn origin_of(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find('/').unwrap_or(rest.len());
    (!scheme.is_empty() && end > 0).then(|| &url[..scheme.len() + 3 + end])
}

/// Whether a request that changes something comes from this site: its `Origin` (or, without
/// one, its `Referer`) must be this site's — the request's own host or `REFLECT_PUBLIC_URL`.
/// A request with neither (scripts, the command line) passes: browsers always send `Origin`
/// on a cross-site POST.
pub fn same_site(
    origin: Option<&str>,
    referer: Option<&str>,
    host: Option<&str>,
    public_url: Option<&str>,
) -> bool {
    let Some(claimed) = origin.or(referer) else {
        return true;
    };
    let Some(claimed) = origin_of(claimed) else {
        return false; // "null" (a sandboxed page, a local file) or garbage
    };
    let own_host = host.is_some_and(|h| {
        claimed
            .split_once("://")
            .is_some_and(|(scheme, rest)| matches!(scheme, "http" | "https") && rest == h)
    });
    own_host || public_url.and_then(origin_of).is_some_and(|p| p == claimed)
}

/// Refuses (403, with a message) a state-changing request from another site: cross-site request
/// forgery. The session cookie is SameSite=Lax already; this also covers the respondents' token
/// forms, which need no cookie.
pub async fn same_origin(
    axum::extract::State(state): axum::extract::State<super::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response<Body> {
    use axum::http::Method;
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let h = req.headers();
    let text = |name: header::HeaderName| h.get(name).and_then(|v| v.to_str().ok());
    if same_site(
        text(header::ORIGIN),
        text(header::REFERER),
        text(header::HOST),
        state.config.public_url.as_deref(),
    ) {
        return next.run(req).await;
    }
    let l = super::language::asked_by(&req);
    (StatusCode::FORBIDDEN, td_string!(l, errors.other_site)).into_response()
}

/// Gives the bare 413 and 408 of the limit layers, and the 500 of a panic, a message a person
/// can read, in the language the request asks for. The outermost layer: it sees all three.
pub async fn explain_refusals(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response<Body> {
    // read only for a refusal: every request passes here
    let asked = super::language::Asked::of(req.uri(), req.headers());
    let res = next.run(req).await;
    let l = || asked.locale();
    let message = if res.extensions().get::<Panicked>().is_some() {
        td_string!(l(), errors.internal).to_string()
    } else {
        match res.status() {
            StatusCode::PAYLOAD_TOO_LARGE => {
                let l = l();
                let kb = crate::lang::integer(l, (MAX_BODY / 1024) as i64);
                td_string!(l, errors.too_large, kb).to_string()
            }
            StatusCode::REQUEST_TIMEOUT => td_string!(l(), errors.timeout).to_string(),
            _ => return res,
        }
    };
    let (mut parts, _) = res.into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    // the new body is neither the old length nor compressed
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_ENCODING);
    Response::from_parts(parts, Body::from(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A panic is answered 500 in the language the request asks for, and the server goes on.
    #[tokio::test]
    async fn a_panic_is_explained_in_the_request_s_language() {
        use tower::ServiceExt;
        let app = axum::Router::new()
            .route(
                "/boom",
                axum::routing::get(|| async {
                    if std::hint::black_box(true) {
                        panic!("boom");
                    }
                    "never"
                }),
            )
            .route("/ok", axum::routing::get(|| async { "ok" }))
            .layer(tower_http::catch_panic::CatchPanicLayer::custom(
                panic_response,
            ))
            .layer(axum::middleware::from_fn(explain_refusals));
        let get = |path: &str, lang: &str| {
            axum::http::Request::get(path)
                .header(header::ACCEPT_LANGUAGE, lang)
                .body(Body::empty())
                .unwrap()
        };
        let text = |res: Response<Body>| async move {
            let bytes = axum::body::to_bytes(res.into_body(), 10_000).await.unwrap();
            String::from_utf8(bytes.to_vec()).unwrap()
        };
        for (lang, words) in [
            ("cs", td_string!(crate::lang::Locale::cs, errors.internal)),
            ("en", "Something went wrong on our side."),
        ] {
            let res = app.clone().oneshot(get("/boom", lang)).await.unwrap();
            assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
            let body = text(res).await;
            assert!(body.starts_with(words), "{lang}: {body}");
        }
        assert_ne!(
            td_string!(crate::lang::Locale::cs, errors.internal),
            td_string!(crate::lang::Locale::en, errors.internal)
        );
        // other answers pass unchanged
        let res = app.clone().oneshot(get("/ok", "cs")).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(text(res).await, "ok");
    }

    #[test]
    fn only_this_site_may_change_things() {
        let host = Some("reflect.example.org");
        let public = Some("https://reflect.example.org/");
        assert!(same_site(
            Some("https://reflect.example.org"),
            None,
            host,
            None
        ));
        assert!(same_site(
            None,
            Some("http://reflect.example.org/r/x/c/1"),
            host,
            None
        ));
        assert!(same_site(
            Some("https://reflect.example.org"),
            None,
            Some("10.0.0.2:3000"),
            public
        ));
        assert!(same_site(None, None, host, None), "no browser: a script");
        assert!(!same_site(Some("https://evil.example"), None, host, public));
        assert!(!same_site(
            Some("https://reflect.example.org.evil.example"),
            None,
            host,
            public
        ));
        assert!(!same_site(
            None,
            Some("https://evil.example/reflect.example.org"),
            host,
            None
        ));
        assert!(!same_site(Some("null"), None, host, public));
        assert!(!same_site(
            Some("javascript://reflect.example.org"),
            None,
            host,
            None
        ));
    }

    #[test]
    fn null_characters_are_found_raw_and_encoded() {
        assert!(has_nul(b"name=a%00b"));
        assert!(has_nul(b"name=a\0b"));
        assert!(!has_nul(b"name=100%25&value=2004"));
        assert!(!has_nul(b"%0A%20"));
    }

    #[test]
    fn the_page_policy_names_no_other_origin() {
        let p = page_policy("abc123");
        assert!(p.contains("'nonce-abc123'"));
        assert!(p.contains("frame-ancestors 'none'"));
        for part in p.split(';') {
            for source in part.split_whitespace().skip(1) {
                assert!(
                    source.starts_with('\'') || source == "data:",
                    "{source} in {part}"
                );
            }
        }
        assert!(!p.contains("unsafe-eval'") || p.contains("'wasm-unsafe-eval'"));
        assert!(!p.contains("script-src 'self' 'unsafe-inline'"));
    }
}
