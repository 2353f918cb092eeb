//! Security headers and request limits (issue 6): a Content-Security-Policy with no third-party
//! origin and this response's nonce on every page, the other headers everywhere, oversized
//! bodies refused before anything is read or stored, slow requests stopped — on SQLite and
//! PostgreSQL.
use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

/// The nonce a policy allows, if any.
fn nonce_of(policy: &str) -> Option<&str> {
    policy
        .split(['\'', ' ', ';'])
        .find_map(|s| s.strip_prefix("nonce-"))
}

async fn every_response_carries_the_security_headers(app: &mut common::TestApp) {
    let mut seen = Vec::new();
    for path in ["/", "/start/leadership-reflection", "/no-such-page"] {
        let r = app.get(path).await;
        let policy = r.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            !policy.contains("http:") && !policy.contains("https:"),
            "{policy}"
        );
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert!(policy.contains("'wasm-unsafe-eval'"));
        let nonce = nonce_of(&policy).unwrap_or_else(|| panic!("{path}: no nonce in {policy}"));
        assert!(nonce.len() >= 16, "{nonce}");
        // the inline hydration script carries it (a page without any needs none)
        if r.body.contains("<script type=\"module\"") {
            assert!(r.body.contains(&format!("nonce=\"{nonce}\"")), "{path}");
        }
        assert!(
            !r.body.contains("<script>"),
            "{path}: an inline script without the nonce"
        );
        seen.push(nonce.to_string());
        assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(r.headers[header::REFERRER_POLICY], "same-origin");
        assert_eq!(r.headers[header::X_FRAME_OPTIONS], "DENY");
    }
    seen.dedup();
    assert_eq!(seen.len(), 3, "a fresh nonce per response");
    // not a page: nothing may run or load
    let r = app.call("list_instruments", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .starts_with("default-src 'none'")
    );
    assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

async fn oversized_and_slow_requests_are_refused(app: &mut common::TestApp) {
    let token = app.start("leadership-reflection").await;
    let answers = "SELECT COUNT(*) FROM answers";
    // announced as too large: refused before the handler reads a byte
    let huge = format!(
        "token={token}&item=org_vision_1&value=3&padding={}",
        "x".repeat(300 * 1024)
    );
    let req = Request::post("/api/save_answer")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::CONTENT_LENGTH, huge.len())
        .body(Body::from(huge))
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(r.body.contains("too large"), "{}", r.body);
    // sent in pieces without a length: read up to the limit, then refused the same way
    let pieces = futures::stream::iter(
        std::iter::once(format!("token={token}&item=org_vision_1&value=3&padding="))
            .chain(std::iter::repeat_n("y".repeat(64 * 1024), 6))
            .map(|s| Ok::<_, std::io::Error>(axum::body::Bytes::from(s))),
    );
    // (from a browser set to Dutch: the refusal is in Dutch)
    let req = Request::post("/api/save_answer")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::ACCEPT_LANGUAGE, "nl-BE,nl;q=0.9,en;q=0.5")
        .body(Body::from_stream(pieces))
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(
        r.body.contains("Het verzoek is te groot: maximaal 256 KB"),
        "{}",
        r.body
    );
    assert_eq!(app.count(answers).await, 0, "nothing stored");

    // a request that never finishes sending its body is stopped (limit 1 s here)
    let mut state = app.state.clone();
    state.config = std::sync::Arc::new(reflect::server::Config {
        request_timeout: std::time::Duration::from_secs(1),
        ..(*state.config).clone()
    });
    let slow = reflect::server::router(state);
    let never = futures::stream::pending::<Result<axum::body::Bytes, std::io::Error>>();
    let req = Request::post("/api/save_answer")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from_stream(never))
        .unwrap();
    let started = std::time::Instant::now();
    let res = tower::ServiceExt::oneshot(slow, req).await.unwrap();
    assert_eq!(res.status(), StatusCode::REQUEST_TIMEOUT);
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let body = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("took too long"));
    assert_eq!(app.count(answers).await, 0);

    // a normal answer still goes through
    let r = app
        .call(
            "save_answer",
            &[("token", &token), ("item", "org_vision_1"), ("value", "3")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.count(answers).await, 1);
}

/// A page on another site that posts to Reflect (cross-site request forgery) changes nothing.
async fn other_sites_cannot_change_anything(app: &mut common::TestApp) {
    let token = app.start("leadership-reflection").await;
    let body = common::encode(&[("token", &token), ("item", "org_vision_1"), ("value", "3")]);
    let post = |origin: Option<&str>, referer: Option<&str>| {
        let mut req = Request::post("/api/save_answer")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html");
        if let Some(o) = origin {
            req = req.header(header::ORIGIN, o);
        }
        if let Some(r) = referer {
            req = req.header(header::REFERER, r);
        }
        req.body(Body::from(body.clone())).unwrap()
    };
    for (origin, referer) in [
        (Some("https://evil.example"), None),
        (None, Some("https://evil.example/page.html")),
        (Some("null"), None),
    ] {
        let r = app.send(post(origin, referer)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{origin:?} {referer:?}");
        assert!(r.body.contains("other sites"), "{}", r.body);
    }
    let mut swedish = post(Some("https://evil.example"), None);
    swedish
        .headers_mut()
        .insert(header::ACCEPT_LANGUAGE, "sv".parse().unwrap());
    let r = app.send(swedish).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("andra webbplatser avvisas"), "{}", r.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM answers").await, 0);
    // the site itself (its public address, or the host it was asked by) may
    let r = app.send(post(Some("http://reflect.test"), None)).await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{}",
        r.status
    );
    let mut own = post(Some("http://127.0.0.1:3000"), None);
    own.headers_mut()
        .insert(header::HOST, "127.0.0.1:3000".parse().unwrap());
    let r = app.send(own).await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{}",
        r.status
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM answers").await, 1);
}

on_both_backends!(
    every_response_carries_the_security_headers,
    oversized_and_slow_requests_are_refused,
    other_sites_cannot_change_anything
);

/// Pages render while a router is being built elsewhere in the process. Building one works out
/// the route list by rendering the app with resource loading switched off, and leptos_server
/// switches it off for the whole process: a page that awaited a resource meanwhile hung until
/// the request timeout (the integration tests build a router per test, in one process, and now
/// and then a page answered 408 after 30 s). The route list is now worked out once per process.
async fn pages_render_while_another_router_is_built(app: &mut common::TestApp) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    app.sign_in_as("r@x.org", "researcher", None).await;
    let stop = Arc::new(AtomicBool::new(false));
    let builder = {
        let (state, stop) = (app.state.clone(), stop.clone());
        tokio::task::spawn_blocking(move || {
            let mut built = 0;
            while !stop.load(Ordering::Relaxed) {
                drop(reflect::server::router(state.clone()));
                built += 1;
            }
            built
        })
    };
    let mut hung = 0;
    for _ in 0..30 {
        match tokio::time::timeout(std::time::Duration::from_secs(5), app.get("/results/all")).await
        {
            Ok(r) => assert_eq!(r.status, StatusCode::OK, "{}", r.body),
            Err(_) => hung += 1,
        }
    }
    stop.store(true, Ordering::Relaxed);
    let built = builder.await.unwrap();
    assert!(built > 0, "no router was built meanwhile");
    assert_eq!(
        hung, 0,
        "{hung} of 30 pages hung while {built} routers were built"
    );
}

on_both_backends!(pages_render_while_another_router_is_built);
