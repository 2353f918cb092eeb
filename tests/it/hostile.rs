//! Hostile input (issue 6, first part): every registered server function gets malformed and
//! hostile bodies — empty, broken encoding, invalid UTF-8, wrong types and unknown ids, null
//! bytes, oversized text — as the hydrated page and as a plain form would send them, signed in as
//! an admin (so the checks behind the permissions are reached) and signed out; every route gets
//! path tricks. Expected: only 2xx/3xx/4xx, no panic, nothing stored, no file outside the site
//! served. On SQLite and PostgreSQL.
use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

/// Rows in every table a request could write to.
async fn stored(app: &common::TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "reflections",
        "answers",
        "category_notes",
        "schools",
        "networks",
        "users",
        "workshops",
        "workshop_answers",
        "workshop_hidden_words",
        "export_log",
        "answer_counts",
        "respondent_counts",
    ] {
        counts.push(app.count(&format!("SELECT COUNT(*) FROM {table}")).await);
    }
    counts
}

/// The bodies every server function gets; `token` is a real respondent's.
fn bodies(token: &str) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("empty", Vec::new()),
        ("broken encoding", b"%zz&=&&==%".to_vec()),
        ("invalid UTF-8", vec![b't', b'=', 0xff, 0xfe, b'&', 0xc3, 0x28, b'=', b'x']),
        (
            "wrong types and unknown ids",
            format!(
                "token={token}&item=no_such_item&value=999&index=-1&go=sideways&id=..%2F..%2Fetc&version=abc\
                 &instrument=nope&role=king&innovation=teleport&consent=perhaps&school_code=ZZZZ\
                 &email=not-an-address&password=x&name=&code=0000-0000&status=exploded&word=%20\
                 &params[instrument]=nope&params[version]=x&level=planet&key=%27%20OR%201%3D1--"
            )
            .into_bytes(),
        ),
        (
            "null bytes",
            format!("token={token}%00&item=%00&value=%00&index=%00&id=%00&name=%00").into_bytes(),
        ),
        (
            "oversized text",
            format!(
                "token={token}&item=org_vision_1&value={}&note={}&plan={}&name={}",
                "9".repeat(60_000),
                "n".repeat(60_000),
                "p".repeat(60_000),
                "s".repeat(60_000)
            )
            .into_bytes(),
        ),
        (
            "a value for another item's scale",
            format!("token={token}&item=org_vision_1&value=na%2C1%2C2").into_bytes(),
        ),
    ]
}

async fn every_server_function_refuses_bad_input_without_5xx(app: &mut common::TestApp) {
    let token = app.start("leadership-reflection").await;
    let mut paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p.to_string())
        .collect();
    paths.sort();
    paths.dedup();
    // sign-out last, so the rest is tried signed in too
    paths.sort_by_key(|p| p.ends_with("/logout"));
    assert!(paths.len() >= 30, "{paths:?}");
    let before = stored(app).await;
    let mut tried = 0;
    for signed_in in [false, true] {
        if signed_in {
            app.sign_in_as("admin@x.org", "admin", None).await;
        } else {
            app.sign_out_locally();
        }
        let before_round = stored(app).await;
        for path in &paths {
            for (what, body) in bodies(&token) {
                for accept in ["application/json", "text/html"] {
                    let req = Request::post(path.as_str())
                        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .header(header::ACCEPT, accept)
                        .header(header::REFERER, "http://reflect.test/")
                        .body(Body::from(body.clone()))
                        .unwrap();
                    let r = app.send(req).await;
                    assert!(
                        r.status.as_u16() < 500,
                        "{path} ({what}, {accept}, signed in: {signed_in}): {} {}",
                        r.status,
                        r.body
                    );
                    if r.status.is_client_error() && accept == "application/json" {
                        assert!(!r.body.trim().is_empty(), "{path} ({what}): no message");
                    }
                    tried += 1;
                }
            }
            // and as a GET with the garbage in the query
            let req = Request::get(format!("{path}?id=%00&token=..%2F&index=x"))
                .header(header::ACCEPT, "application/json")
                .body(Body::empty())
                .unwrap();
            let r = app.send(req).await;
            assert!(
                r.status.as_u16() < 500,
                "GET {path}: {} {}",
                r.status,
                r.body
            );
        }
        // signing in is a write (a session row), nothing else is
        assert_eq!(stored(app).await, before_round, "signed in: {signed_in}");
    }
    assert_eq!(
        stored(app).await[..2],
        before[..2],
        "no reflection or answer"
    );
    assert!(tried > 400, "{tried}");
}

async fn path_tricks_reach_no_file_and_no_5xx(app: &mut common::TestApp) {
    let token = app.start("leadership-reflection").await;
    for path in [
        "/pkg/..%2f..%2fCargo.toml",
        "/pkg/%2e%2e/%2e%2e/Cargo.toml",
        "/vendor/..%2f..%2fCargo.toml",
        "/..%2f..%2fetc%2fpasswd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/favicon.svg/..%2f..%2fCargo.toml",
        "/export/..%2f..%2fCargo.toml",
        "/export/responses.csv/../../Cargo.toml",
        "/workshops/%00/live",
        "/workshops/..%2f..%2f/present",
        "/r/..%2f..%2fetc%2fpasswd/c/1",
        &format!("/r/{token}/c/999"),
        &format!("/r/{token}/c/-1"),
        &format!("/r/{token}/c/abc"),
        "/r/00000000000000000000000000000000000000000000000000/profile",
        "/results?level=school&key=%27%20OR%201%3D1--",
        "/results?level=planet&instrument=%00",
        "/export?instrument=%00&version=-5",
        "/join?code=%ff%fe",
        "/start/..%2f..%2fCargo.toml",
        "/start/%00",
        "/admin?created=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ] {
        let r = app.get(path).await;
        assert!(r.status.as_u16() < 500, "{path}: {} {}", r.status, r.body);
        assert!(
            !r.body.contains("[package]") && !r.body.contains("root:x:0"),
            "{path} served a file outside the site"
        );
        assert!(
            !r.body.contains("<script>alert(1)"),
            "{path} echoed markup unescaped"
        );
    }
}

/// Redirect targets built from input (issue 14): a resume link or a sign-in `next` holding a
/// control character made `leptos_axum::redirect` panic on an invalid Location (with the release
/// profile's `panic = "abort"`, the end of the server), and `/\t/evil.example` led to another
/// site. Every target is checked now and a bad one goes to a safe page; plain forms get 303.
async fn redirect_targets_from_input_are_safe(app: &mut common::TestApp) {
    let hex = "a".repeat(47);
    for c in ["%01", "%0A", "%0D", "%09", "%7F", "%1B", "%20"] {
        let r = app.get(&format!("/resume?link={c}{hex}")).await;
        assert!(r.status.as_u16() < 500, "{c}: {} {}", r.status, r.body);
        assert!(
            !r.headers.contains_key(header::LOCATION),
            "{c}: {}",
            r.location()
        );
    }
    // the resume form posts the link: the token is in no address
    let token = app.start("leadership-reflection").await;
    let r = app
        .form(
            "open_link",
            &[("link", &format!("https://reflect.test/r/{token}/"))],
            "/",
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.location()),
        (303, format!("/r/{token}"))
    );
    let r = app
        .form("open_link", &[("link", &format!("\u{1}{hex}"))], "/")
        .await;
    assert_eq!(r.status.as_u16(), 303);
    assert!(
        r.location().starts_with("/?resume_error="),
        "{}",
        r.location()
    );
    // the private pages are never cached
    let page = app.get(&format!("/r/{token}/c/1")).await;
    assert_eq!(
        page.headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    // sign-in with a hostile next: signed in, and sent to the results, nowhere else
    reflect::accounts::service::create_user(
        &app.state.db,
        reflect::accounts::service::NewUser {
            email: "next@reflect.test",
            password: "a long test password",
            role: "admin",
            school_id: None,
            network_id: None,
        },
    )
    .await
    .unwrap();
    for next in [
        "/admin\u{1}",
        "/\t/evil.example",
        "/\n/evil.example",
        "//evil.example",
        "/\\evil.example",
    ] {
        app.sign_out_locally();
        let r = app
            .form(
                "login",
                &[
                    ("email", "next@reflect.test"),
                    ("password", "a long test password"),
                    ("next", next),
                ],
                "/login",
            )
            .await;
        assert_eq!(
            (r.status.as_u16(), r.location()),
            (303, "/results".to_string()),
            "{next:?}"
        );
    }
}

async fn start(app: &common::TestApp, school_code: &str) -> common::Reply {
    app.call(
        "start_reflection",
        &[
            ("instrument", "leadership-reflection"),
            ("role", "teacher"),
            ("innovation", "pln"),
            ("consent", "yes"),
            ("school_code", school_code),
        ],
    )
    .await
}

async fn reflections(app: &common::TestApp) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM reflections")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// Wrong school codes are limited like workshop codes: 20, then the client is refused every code
/// for a minute — the right one too — and nothing is stored.
async fn school_codes_cannot_be_walked(app: &mut common::TestApp) {
    common::add_school(app, "school-a", "ABCD2345", "nl").await;
    for n in 0..20 {
        let r = start(app, &format!("WRONG{n:03}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{n}: {}", r.body);
    }
    let r = start(app, "WRONG999").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    let r = start(app, "ABCD2345").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.body.contains("wrong school codes"), "{}", r.body);
    assert_eq!(reflections(app).await, 0);
}

/// Made-up respondents: one school code starts at most 60 reflections at once (then one every 30
/// seconds), one client at most 120.
async fn starting_reflections_is_limited(app: &mut common::TestApp) {
    common::add_school(app, "school-a", "ABCD2345", "nl").await;
    // the client's allowance refills one a second while the test runs
    let began = std::time::Instant::now();
    for n in 0..60 {
        let r = start(app, "ABCD2345").await;
        assert_eq!(r.status, StatusCode::OK, "{n}: {}", r.body);
    }
    let r = start(app, "ABCD2345").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.body.contains("school code"), "{}", r.body);
    assert_eq!(reflections(app).await, 60);
    // the same client without a school code: 120 attempts in all (the refused one above
    // counted), then refused
    let mut ok = 60;
    loop {
        let r = start(app, "").await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            assert!(r.body.contains("from this device"), "{}", r.body);
            break;
        }
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        ok += 1;
        assert!(ok <= 1000, "no limit per client");
    }
    let refills = i64::try_from(began.elapsed().as_secs()).unwrap() + 1;
    assert!((119..=119 + refills).contains(&ok), "{ok} started");
    assert_eq!(reflections(app).await, ok);
}

/// `?error=` carries a code from a fixed set: text put in the address never reaches the page.
async fn error_codes_put_no_words_in_pages(app: &mut common::TestApp) {
    // a plain form that fails comes back with a code
    let r = app
        .form(
            "start_reflection",
            &[
                ("instrument", "leadership-reflection"),
                ("role", "pupil"),
                ("innovation", "pln"),
                ("consent", "yes"),
            ],
            "/",
        )
        .await;
    assert_eq!(r.status.as_u16(), 303);
    let location = r.location();
    let code = location.rsplit("error=").next().unwrap().to_string();
    assert!(
        code.len() == 9
            && code.starts_with('m')
            && code[1..].bytes().all(|b| b.is_ascii_hexdigit()),
        "{location}"
    );
    let page = app.get(&location).await;
    assert!(page.body.contains("Choose your role."), "{}", page.body);
    // words in the address: nothing of them on the page, no alert at all
    for words in [
        "Your%20reflection%20was%20deleted.%20Call%200800-FRAUD",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "m12345678",
        "Choose%20your%20role.",
    ] {
        let page = app
            .get(&format!("/start/leadership-reflection?error={words}"))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("FRAUD") && !page.body.contains("<script>alert"));
        assert!(
            !page.body.contains("role=\"alert\""),
            "{words}: {}",
            page.body
        );
    }
    // a known code shows its fixed message
    let page = app
        .get(&format!("/start/leadership-reflection?error={code}"))
        .await;
    assert!(page.body.contains("Choose your role."));
}

on_both_backends!(
    error_codes_put_no_words_in_pages,
    school_codes_cannot_be_walked,
    starting_reflections_is_limited,
    every_server_function_refuses_bad_input_without_5xx,
    path_tricks_reach_no_file_and_no_5xx,
    redirect_targets_from_input_are_safe
);

/// Issue 14: hostile input against the server as a process of its own (`reflect serve`, the
/// same binary and panic strategy as a release), not an in-process router: every page route, with
/// every query parameter the pages read set to percent-encoded control characters (0x00–0x1F,
/// 0x7F), bidi and zero-width characters, bytes that are not UTF-8 and over-long values, in the
/// path too; signed out, signed in, and signing in with a hostile `next`. After each batch the
/// process is still running and still answers; no reply is a 5xx.
#[tokio::test]
async fn hostile_requests_never_stop_the_server_process() {
    use common::{encode as form, post, request, start_reflection};
    const PASSWORD: &str = "sweep password 0123";
    let Some(app) = common::TestApp::new(common::Backend::Sqlite).await else {
        return;
    };
    for n in 0..3 {
        reflect::accounts::service::create_user(
            &app.state.db,
            reflect::accounts::service::NewUser {
                email: &format!("admin{n}@sweep.test"),
                password: PASSWORD,
                role: "admin",
                school_id: None,
                network_id: None,
            },
        )
        .await
        .unwrap();
    }
    let (mut server, addr) = common::spawn_server(&app);
    let token = start_reflection(&addr).await.unwrap();
    let mut values: Vec<String> = (0u8..0x20)
        .chain([0x7f])
        .map(|b| format!("%{b:02X}"))
        .collect();
    values.extend(
        [
            "%E2%80%AE", // right-to-left override
            "%E2%81%A6", // left-to-right isolate
            "%E2%80%8B", // zero-width space
            "%EF%BB%BF", // byte order mark
            "%FF%FE",    // not UTF-8
            "%C0%AF",    // an over-long encoding of '/'
            "%2F%09%2Fevil.example",
            "%2F%5Cevil.example",
            "%2F%2Fevil.example",
            "https%3A%2F%2Fevil.example",
            "%25",
        ]
        .map(String::from),
    );
    values.push("a".repeat(8_000));
    values.push("%0A".repeat(2_000));
    let params = [
        "link",
        "next",
        "error",
        "resume_error",
        "role",
        "innovation",
        "from",
        "to",
        "version",
        "instrument",
        "workshop",
        "unanswered",
        "confirmed",
        "level",
        "key",
        "lang",
        "code",
    ];
    let routes = [
        "/".to_string(),
        "/join".into(),
        "/start/leadership-reflection".into(),
        "/resume".into(),
        "/login".into(),
        "/deleted".into(),
        "/results".into(),
        "/results/all".into(),
        "/results/country/nl".into(),
        "/export".into(),
        "/admin".into(),
        "/workshops".into(),
        format!("/r/{token}"),
        format!("/r/{token}/c/1"),
        format!("/r/{token}/profile"),
    ];
    // routes with the hostile value in the path
    let path_routes = [
        "/start/{}",
        "/r/{}",
        "/r/{}/c/1",
        "/results/school/{}",
        "/results/network/{}",
        "/w/{}",
        "/{}",
    ];
    let alive = |server: &mut common::ServerProcess, what: &str| {
        assert!(
            server.0.try_wait().unwrap().is_none(),
            "the server process stopped after {what}"
        );
    };
    let mut cookie: Option<String> = None;
    for signed_in in [false, true] {
        if signed_in {
            cookie = Some(
                common::sign_in_over_http(&addr, "admin0@sweep.test", PASSWORD)
                    .await
                    .unwrap(),
            );
        }
        let cookie_line = cookie
            .as_ref()
            .map(|c| format!("\r\nCookie: {c}"))
            .unwrap_or_default();
        for value in &values {
            let query: Vec<String> = params.iter().map(|p| format!("{p}={value}")).collect();
            let query = query.join("&");
            let mut targets: Vec<String> = routes.iter().map(|r| format!("{r}?{query}")).collect();
            targets.extend(path_routes.iter().map(|r| r.replace("{}", value)));
            for target in &targets {
                for accept in ["text/html", "application/json"] {
                    let head = format!("GET {target} HTTP/1.1\r\nAccept: {accept}{cookie_line}");
                    let (status, reply) = request(&addr, &head, "").await.unwrap_or_else(|e| {
                        panic!("no reply to {target}: {e}");
                    });
                    assert!(
                        (200..500).contains(&status),
                        "{status} for {target}: {}",
                        reply.lines().next().unwrap_or_default()
                    );
                    // a redirect never leads off the site
                    if let Some(location) = reply.lines().find_map(|l| {
                        l.strip_prefix("location: ")
                            .or_else(|| l.strip_prefix("Location: "))
                    }) {
                        assert!(
                            location.starts_with('/') && !location.starts_with("//"),
                            "{target} → {location}"
                        );
                    }
                }
            }
            alive(&mut server, &format!("the batch with {value:.40}"));
            let (status, _) = request(&addr, "GET / HTTP/1.1\r\nAccept: text/html", "")
                .await
                .expect("the server still answers");
            assert_eq!(status, 200, "after the batch with {value:.40}");
        }
    }
    // signing in with a hostile `next` (plain form and script): at most 15 sign-ins, within
    // the per-address and per-client limits
    let nexts = [
        "%00",
        "%09",
        "%0A",
        "%0D",
        "%1B",
        "%7F",
        "%E2%80%AE",
        "%E2%80%8B",
        "%2F%09%2Fevil.example",
        "%2F%2Fevil.example",
        "%2F%5Cevil.example",
        "https%3A%2F%2Fevil.example",
        "%FF",
    ];
    for (i, next) in nexts.iter().enumerate() {
        let email = format!("admin{}@sweep.test", i / 5);
        let decoded = urlencoding::decode_binary(next.as_bytes()).into_owned();
        let decoded = String::from_utf8_lossy(&decoded).into_owned();
        for accept in ["text/html", "application/json"] {
            if accept == "application/json" && i % 2 == 0 {
                continue;
            }
            let head = post("login", None)
                .replace("Accept: application/json", &format!("Accept: {accept}"));
            let body = form(&[
                ("email", &email),
                ("password", PASSWORD),
                ("next", &decoded),
            ]);
            let (status, reply) = request(&addr, &head, &body).await.expect("a reply");
            assert!(
                (200..500).contains(&status),
                "{status} for next={next}: {reply:.200}"
            );
            if let Some(location) = reply.lines().find_map(|l| {
                l.strip_prefix("location: ")
                    .or_else(|| l.strip_prefix("Location: "))
            }) {
                assert!(
                    location.starts_with('/')
                        && !location.starts_with("//")
                        && !location.contains('\\'),
                    "next={next} → {location}"
                );
            }
        }
        alive(&mut server, &format!("signing in with next={next}"));
    }
    let (status, _) = request(&addr, "GET / HTTP/1.1\r\nAccept: text/html", "")
        .await
        .expect("the server still answers");
    assert_eq!(status, 200);
}
