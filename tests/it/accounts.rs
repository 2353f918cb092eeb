//! Accounts, sign-in and the admin's schools, networks and accounts — on SQLite and PostgreSQL.
use crate::common;

use axum::http::StatusCode;
use reflect::accounts::service::bootstrap_admin;
use reflect::error::AppError;

async fn sign_in_sessions_and_the_first_admin(app: &mut common::TestApp) {
    let db = &app.state.db;
    // no variables, no admin: there is no default password
    assert!(!bootstrap_admin(db, None, None).await.unwrap());
    assert!(
        !bootstrap_admin(db, Some("a@x.org".into()), None)
            .await
            .unwrap()
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
    // a too short password is refused and stores nothing
    assert!(matches!(
        bootstrap_admin(
            db,
            Some("admin@school.example".into()),
            Some("short".into())
        )
        .await,
        Err(AppError::Invalid(_))
    ));
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
    assert!(
        bootstrap_admin(
            db,
            Some("Admin@School.example".into()),
            Some("a long admin password".into())
        )
        .await
        .unwrap()
    );
    // only while there is no admin
    assert!(
        !bootstrap_admin(
            db,
            Some("other@school.example".into()),
            Some("another long password".into())
        )
        .await
        .unwrap()
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");

    // wrong password and unknown address: the same message, no session
    for (email, pw) in [
        ("admin@school.example", "a wrong password!"),
        ("nobody@school.example", "a long admin password"),
    ] {
        let r = app
            .call("login", &[("email", email), ("password", pw)])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(
            r.error(),
            AppError::Invalid("The e-mail address or the password is not right.".into())
        );
        assert!(app.cookie.lock().unwrap().is_none());
    }
    let r = app.call("whoami", &[]).await;
    assert_eq!(r.body, "null");

    // sign in: an HttpOnly, SameSite cookie; the session is stored in the database
    let r = app
        .call(
            "login",
            &[
                ("email", " ADMIN@school.example "),
                ("password", "a long admin password"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let set = r
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(set.starts_with("reflect_session="), "{set}");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "plain http in tests: {set}");
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 1);
    let me: Option<reflect::accounts::model::CurrentUser> = app.call("whoami", &[]).await.json();
    let me = me.unwrap();
    assert_eq!(
        (me.email.as_str(), me.role),
        (
            "admin@school.example",
            reflect::accounts::model::Role::Admin
        )
    );

    // a plain form with a bad password goes back to the sign-in page with the message
    let saved = app.cookie.lock().unwrap().take();
    let r = app
        .form(
            "login",
            &[
                ("email", "admin@school.example"),
                ("password", "nope nope nope"),
                ("next", "//evil.example"),
            ],
            "/login",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        r.location().starts_with("/login?next=%2Fresults&error="),
        "{}",
        r.location()
    );
    *app.cookie.lock().unwrap() = saved;

    // plain forms that create an account or a network come back to a page that says so
    let r = app
        .form(
            "create_user",
            &[
                ("email", "plain-form@school.example"),
                ("password", "a long enough password"),
                ("role", "researcher"),
            ],
            "/admin",
        )
        .await;
    assert_eq!(
        (r.status, r.location()),
        (
            StatusCode::SEE_OTHER,
            "/admin?account=created#accounts".to_string()
        )
    );
    assert!(
        app.get("/admin?account=created")
            .await
            .body
            .contains("Account created. Give them their password privately.")
    );
    let r = app
        .form(
            "create_network",
            &[("name", "Plain form network")],
            "/admin",
        )
        .await;
    assert_eq!(r.location(), "/admin?network=created#networks");
    assert!(
        app.get("/admin?network=created")
            .await
            .body
            .contains("Network created.")
    );

    // sign out ends the session for good
    let cookie = app.cookie.lock().unwrap().clone();
    let r = app.call("logout", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    *app.cookie.lock().unwrap() = cookie;
    assert_eq!(
        app.call("whoami", &[]).await.body,
        "null",
        "the old cookie no longer works"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
}

async fn admins_manage_schools_networks_and_accounts(app: &mut common::TestApp) {
    // nobody signed in: 401, nothing stored
    let r = app.call("create_school", &[("name", "Oak Primary")]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let page = app.get("/admin").await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert!(page.body.contains("Please sign in"), "{}", page.body);

    app.sign_in_as("admin@x.org", "admin", None).await;
    let r = app
        .call("create_network", &[("name", "  North   Network ")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let network: String = r.json();
    let r = app
        .call("create_network", &[("name", "North Network")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    let r = app
        .call(
            "create_school",
            &[
                ("name", "Oak Primary"),
                ("network", &network),
                ("country", "NL"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let code: String = r.json();
    assert_eq!(code.len(), 8);
    assert!(
        code.bytes()
            .all(|b| reflect::schools::codes::ALPHABET.contains(&b)),
        "{code}"
    );

    // bad input: clear errors, nothing stored
    for (form, status) in [
        (vec![("name", "")], StatusCode::UNPROCESSABLE_ENTITY),
        (
            vec![("name", "X"), ("country", "Netherlands")],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            vec![("name", "X"), ("network", "no-such-network")],
            StatusCode::NOT_FOUND,
        ),
    ] {
        let r = app.call("create_school", &form).await;
        assert_eq!(r.status, status, "{form:?}: {}", r.body);
    }
    let long = "x".repeat(500);
    let r = app.call("create_school", &[("name", &long)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT COUNT(*) FROM schools").await, 1);

    // a respondent joins by the code, typed any way
    let typed = format!("{}-{}", &code[..4], &code[4..]).to_lowercase();
    let r = app
        .call(
            "start_reflection",
            &[
                ("instrument", "leadership-reflection"),
                ("role", "teacher"),
                ("innovation", "pln"),
                ("consent", "no"),
                ("school_code", &typed),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM reflections WHERE school_id IS NOT NULL")
            .await,
        1
    );

    // the admin page lists the school with its code as shown to people
    let page = app.get("/admin").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(&format!("{}-{}", &code[..4], &code[4..])),
        "{}",
        page.body
    );
    assert!(page.body.contains("North Network"));

    // accounts: a coordinator needs a school; bad input changes nothing
    let school_id: String = sqlx::query_scalar("SELECT id FROM schools")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    for (form, status) in [
        (
            vec![
                ("email", "c@x.org"),
                ("password", "a long password 1"),
                ("role", "coordinator"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            vec![
                ("email", "c@x.org"),
                ("password", "short"),
                ("role", "coordinator"),
                ("school", &school_id),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            vec![
                ("email", "not-an-address"),
                ("password", "a long password 1"),
                ("role", "researcher"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            vec![
                ("email", "c@x.org"),
                ("password", "a long password 1"),
                ("role", "superuser"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            vec![
                ("email", "c@x.org"),
                ("password", "a long password 1"),
                ("role", "coordinator"),
                ("school", "nope"),
            ],
            StatusCode::NOT_FOUND,
        ),
        (
            vec![
                ("email", "ADMIN@x.org"),
                ("password", "a long password 1"),
                ("role", "researcher"),
            ],
            StatusCode::CONFLICT,
        ),
    ] {
        let r = app.call("create_user", &form).await;
        assert_eq!(r.status, status, "{form:?}: {}", r.body);
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
    let r = app
        .call(
            "create_user",
            &[
                ("email", "c@x.org"),
                ("password", "a long password 1"),
                ("role", "coordinator"),
                ("school", &school_id),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM user_schools").await, 1);

    // a coordinator may not administer
    app.sign_in("c@x.org", "a long password 1").await;
    for name in [
        "create_school",
        "create_network",
        "create_user",
        "get_directory",
        "list_users",
    ] {
        let r = app
            .call(
                name,
                &[
                    ("name", "Elm"),
                    ("email", "d@x.org"),
                    ("password", "a long password 1"),
                    ("role", "admin"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{name}: {}", r.body);
    }
    assert_eq!(app.get("/admin").await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 2);
    assert_eq!(app.count("SELECT COUNT(*) FROM schools").await, 1);
}

/// Password guessing is slowed down per address: 5 tries at once, then one a minute.
async fn sign_in_attempts_are_rate_limited(app: &mut common::TestApp) {
    reflect::accounts::service::create_user(
        &app.state.db,
        reflect::accounts::service::NewUser {
            email: "r@x.org",
            password: "the right password",
            role: "researcher",
            school_id: None,
            network_id: None,
        },
    )
    .await
    .unwrap();
    for _ in 0..5 {
        let r = app
            .call(
                "login",
                &[("email", "R@x.org"), ("password", "a wrong guess")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    }
    // the sixth try is refused before the password is even checked, right or wrong
    let r = app
        .call(
            "login",
            &[("email", "r@x.org"), ("password", "the right password")],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(matches!(r.error(), AppError::TooManyRequests(_)));
    assert!(app.cookie.lock().unwrap().is_none());
    // another address is not affected
    let r = app
        .call(
            "login",
            &[("email", "other@x.org"), ("password", "a wrong guess")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Only failed attempts count against an address: a person who signs in and out all day (a
/// facilitator between workshops) is never refused, and a wrong guess afterwards is still counted.
async fn signing_in_rightly_is_never_refused(app: &mut common::TestApp) {
    reflect::accounts::service::create_user(
        &app.state.db,
        reflect::accounts::service::NewUser {
            email: "f@x.org",
            password: "the right password",
            role: "researcher",
            school_id: None,
            network_id: None,
        },
    )
    .await
    .unwrap();
    for n in 0..10 {
        let r = app
            .call(
                "login",
                &[("email", "f@x.org"), ("password", "the right password")],
            )
            .await;
        assert!(
            r.status.is_redirection() || r.status.is_success(),
            "{n}: {} {}",
            r.status,
            r.body
        );
        assert_ne!(app.call("whoami", &[]).await.body, "null", "{n}: signed in");
        let r = app.call("logout", &[]).await;
        assert!(
            r.status.is_redirection() || r.status.is_success(),
            "{n}: {}",
            r.body
        );
    }
    for _ in 0..5 {
        let r = app
            .call(
                "login",
                &[("email", "f@x.org"), ("password", "a wrong guess")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    }
    let r = app
        .call(
            "login",
            &[("email", "f@x.org"), ("password", "the right password")],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
}

/// One client trying many addresses (each under its own limit) is limited as a client: 20 at
/// once, then one every 6 seconds (a slow debug-build hash may earn it a few more on the way).
async fn one_client_cannot_try_many_addresses(app: &mut common::TestApp) {
    let mut refused_after = None;
    for n in 0..40 {
        let email = format!("guess{n}@x.org");
        let r = app
            .call("login", &[("email", &email), ("password", "a wrong guess")])
            .await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            assert!(r.body.contains("from this device"), "{}", r.body);
            refused_after = Some(n);
            break;
        }
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{n}: {}",
            r.body
        );
    }
    let n = refused_after.expect("a client trying 40 addresses is refused");
    assert!(n >= 20, "the first 20 are allowed: refused after {n}");
}

on_both_backends!(
    sign_in_sessions_and_the_first_admin,
    admins_manage_schools_networks_and_accounts,
    sign_in_attempts_are_rate_limited,
    signing_in_rightly_is_never_refused,
    one_client_cannot_try_many_addresses
);
