//! The admin's lifecycle of accounts, schools and networks (issue 19), on SQLite and PostgreSQL:
//! disable, enable and reset accounts (their sessions and live streams end at once), list and
//! end sessions, change one's own password, the network coordinator, edit and delete schools and
//! networks, import schools from CSV (line by line, all or nothing) and the export log.
use crate::common;

use axum::http::StatusCode;
use reflect::accounts::model::{AccountDetail, CurrentUser};

const PASSWORD: &str = "a long test password";

fn cookie(app: &common::TestApp) -> Option<String> {
    app.cookie.lock().unwrap().clone()
}

fn use_cookie(app: &common::TestApp, c: &Option<String>) {
    *app.cookie.lock().unwrap() = c.clone();
}

async fn whoami(app: &common::TestApp) -> Option<CurrentUser> {
    app.call("whoami", &[]).await.json()
}

async fn account(app: &common::TestApp, id: &str) -> AccountDetail {
    let r = app.call("get_account", &[("id", id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

async fn disabled_accounts_end_at_once(app: &mut common::TestApp) {
    // a facilitator on two laptops, one of them showing a live room
    let f = app.sign_in_as("f@x.org", "facilitator", None).await;
    let id: String = app
        .call(
            "create_workshop",
            &[
                ("title", "Leading networks"),
                ("instrument", "leadership-reflection"),
                ("categories[organising]", "yes"),
            ],
        )
        .await
        .json();
    let mut screen = app
        .events(&format!("/workshops/{id}/live"))
        .await
        .ok()
        .unwrap();
    let _: serde_json::Value = screen
        .next(std::time::Duration::from_secs(5))
        .await
        .expect("the room at once");
    let laptop_one = cookie(app);
    app.sign_in("f@x.org", PASSWORD).await;
    let laptop_two = cookie(app);

    let admin = app.sign_in_as("admin@x.org", "admin", None).await;
    let admin_cookie = cookie(app);
    let detail = account(app, &f).await;
    assert_eq!(detail.sessions.len(), 2, "{detail:?}");
    assert!(!detail.summary.disabled);
    // an admin sees no session id (the cookie's value), only a handle
    let raw: Vec<String> = sqlx::query_scalar("SELECT id FROM sessions")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    let shown = serde_json::to_string(&detail).unwrap();
    assert!(raw.iter().all(|id| !shown.contains(id.as_str())));

    // an admin cannot disable themselves, nor the last admin
    let r = app
        .call(
            "set_account_disabled",
            &[("id", &admin), ("disabled", "yes")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = app
        .call("set_account_disabled", &[("id", &f), ("disabled", "maybe")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE disabled_at IS NOT NULL")
            .await,
        0
    );

    // disabled: both sessions end, the live screen at once, and it cannot sign in
    let r = app
        .call("set_account_disabled", &[("id", &f), ("disabled", "yes")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        screen.ended(std::time::Duration::from_secs(3)).await,
        "the disabled account's live stream ends at once"
    );
    for c in [&laptop_one, &laptop_two] {
        use_cookie(app, c);
        assert_eq!(whoami(app).await, None);
        assert_eq!(
            app.call("list_workshops", &[]).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    *app.cookie.lock().unwrap() = None;
    let r = app
        .call("login", &[("email", "f@x.org"), ("password", PASSWORD)])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("disabled"), "{}", r.body);
    // a wrong password for a disabled account says only that it is wrong
    let r = app
        .call(
            "login",
            &[("email", "f@x.org"), ("password", "not the password!")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(!r.body.contains("disabled"), "{}", r.body);

    // enabled again: it signs in, its workshop is still there
    use_cookie(app, &admin_cookie);
    let r = app
        .call("set_account_disabled", &[("id", &f), ("disabled", "no")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(!account(app, &f).await.summary.disabled);
    app.sign_in("f@x.org", PASSWORD).await;
    assert_eq!(whoami(app).await.unwrap().id, f);
    assert_eq!(app.call("list_workshops", &[]).await.status, StatusCode::OK);

    // only admins manage accounts
    for (name, form) in [
        ("get_account", vec![("id", admin.as_str())]),
        (
            "set_account_disabled",
            vec![("id", admin.as_str()), ("disabled", "yes")],
        ),
        (
            "reset_account_password",
            vec![("id", admin.as_str()), ("password", "taken over at last!")],
        ),
        ("end_account_sessions", vec![("id", admin.as_str())]),
    ] {
        assert_eq!(
            app.call(name, &form).await.status,
            StatusCode::FORBIDDEN,
            "{name}"
        );
    }
    use_cookie(app, &admin_cookie);
    assert_eq!(account(app, &admin).await.sessions.len(), 1);
}

on_both_backends!(disabled_accounts_end_at_once);

async fn passwords_reset_and_changed_end_sessions(app: &mut common::TestApp) {
    let r_id = app.sign_in_as("r@x.org", "researcher", None).await;
    let researcher = cookie(app);
    app.sign_in_as("admin@x.org", "admin", None).await;
    let admin = cookie(app);

    // a reset: a too short password changes nothing
    let r = app
        .call(
            "reset_account_password",
            &[("id", &r_id), ("password", "short")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    use_cookie(app, &researcher);
    assert!(whoami(app).await.is_some());
    use_cookie(app, &admin);
    let r = app
        .call(
            "reset_account_password",
            &[("id", &r_id), ("password", "a new password for r")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    use_cookie(app, &researcher);
    assert_eq!(
        whoami(app).await,
        None,
        "the reset ends the account's sessions"
    );
    *app.cookie.lock().unwrap() = None;
    let r = app
        .call("login", &[("email", "r@x.org"), ("password", PASSWORD)])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.sign_in("r@x.org", "a new password for r").await;
    let here = cookie(app);
    app.sign_in("r@x.org", "a new password for r").await;
    let elsewhere = cookie(app);

    // changing one's own password: the current one must be right and the new one long enough;
    // this session stays, the others end
    use_cookie(app, &here);
    for (current, new, status) in [
        (
            "not the password",
            "another good password",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "a new password for r",
            "short",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let r = app
            .call(
                "change_password",
                &[("current", current), ("password", new)],
            )
            .await;
        assert_eq!(r.status, status, "{}", r.body);
    }
    use_cookie(app, &elsewhere);
    assert!(whoami(app).await.is_some(), "a refused change ends nothing");
    use_cookie(app, &here);
    let r = app
        .call(
            "change_password",
            &[
                ("current", "a new password for r"),
                ("password", "my very own password"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(whoami(app).await.is_some(), "this session stays signed in");
    use_cookie(app, &elsewhere);
    assert_eq!(whoami(app).await, None, "the other session ended");

    // a plain form goes back to the page with a fixed code, never the message
    use_cookie(app, &here);
    let r = app
        .form(
            "change_password",
            &[("current", "wrong"), ("password", "whatever it is now")],
            "/account",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        r.location().starts_with("/account?error=m"),
        "{}",
        r.location()
    );
    let page = app.get(&r.location()).await;
    assert!(
        page.body.contains("The current password is not right."),
        "{}",
        page.body
    );

    // an admin ends one session, then all
    app.sign_in("r@x.org", "my very own password").await;
    let second = cookie(app);
    use_cookie(app, &admin);
    let detail = account(app, &r_id).await;
    assert_eq!(detail.sessions.len(), 2);
    let r = app
        .call(
            "end_account_sessions",
            &[("id", &r_id), ("session", &detail.sessions[0].handle)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(account(app, &r_id).await.sessions.len(), 1);
    let r = app.call("end_account_sessions", &[("id", &r_id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(account(app, &r_id).await.sessions.is_empty());
    for c in [&here, &second] {
        use_cookie(app, c);
        assert_eq!(whoami(app).await, None);
    }
    // the pages
    use_cookie(app, &admin);
    let page = app.get(&format!("/admin/accounts/{r_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("r@x.org") && page.body.contains("/api/set_account_disabled"));
    let page = app.get("/account").await;
    assert!(page.body.contains("/api/change_password"), "{}", page.body);
}

on_both_backends!(passwords_reset_and_changed_end_sessions);

async fn network_coordinators_see_their_networks_schools(app: &mut common::TestApp) {
    app.sign_in_as("admin@x.org", "admin", None).await;
    let north: String = {
        let r = app.call("create_network", &[("name", "North")]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()
    };
    let south: String = app
        .call("create_network", &[("name", "South")])
        .await
        .json();
    let school = |name: &'static str, network: String| {
        let app = &*app;
        async move {
            let r = app
                .call(
                    "create_school",
                    &[("name", name), ("network", &network), ("country", "nl")],
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
    };
    school("Oak", north.clone()).await;
    school("Elm", north.clone()).await;
    school("Ash", south.clone()).await;
    // a network coordinator needs an existing network
    for (network, status) in [
        ("", StatusCode::UNPROCESSABLE_ENTITY),
        ("nope", StatusCode::NOT_FOUND),
    ] {
        let r = app
            .call(
                "create_user",
                &[
                    ("email", "n@x.org"),
                    ("password", PASSWORD),
                    ("role", "network_coordinator"),
                    ("network", network),
                ],
            )
            .await;
        assert_eq!(r.status, status, "{}", r.body);
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'n@x.org'")
            .await,
        0
    );
    let r = app
        .call(
            "create_user",
            &[
                ("email", "n@x.org"),
                ("password", PASSWORD),
                ("role", "network_coordinator"),
                ("network", &north),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let dir: reflect::schools::model::Directory = app.call("get_directory", &[]).await.json();
    let id_of = |name: &str| {
        dir.schools
            .iter()
            .find(|s| s.name == name)
            .unwrap()
            .id
            .clone()
    };
    app.sign_in("n@x.org", PASSWORD).await;
    let me = whoami(app).await.unwrap();
    let mut mine = me.school_ids.clone();
    mine.sort();
    let mut north_schools = vec![id_of("Oak"), id_of("Elm")];
    north_schools.sort();
    assert_eq!(mine, north_schools);
    assert!(me.can_view_school(&id_of("Oak")));
    assert!(!me.can_view_school(&id_of("Ash")));
    let page = app.get(&format!("/results/school/{}", id_of("Oak"))).await;
    assert_eq!(page.status, StatusCode::OK);
    let page = app.get(&format!("/results/school/{}", id_of("Ash"))).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    // a school moved into the network is theirs at once; one moved out is not
    app.sign_in("admin@x.org", PASSWORD).await;
    let r = app
        .call(
            "update_school",
            &[
                ("id", &id_of("Ash")),
                ("name", "Ash"),
                ("network", &north),
                ("country", "nl"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    app.sign_in("n@x.org", PASSWORD).await;
    assert!(whoami(app).await.unwrap().can_view_school(&id_of("Ash")));
}

on_both_backends!(network_coordinators_see_their_networks_schools);

async fn schools_and_networks_are_edited_and_deleted(app: &mut common::TestApp) {
    app.sign_in_as("admin@x.org", "admin", None).await;
    let north: String = app
        .call("create_network", &[("name", "North")])
        .await
        .json();
    let south: String = app
        .call("create_network", &[("name", "South")])
        .await
        .json();
    let code: String = app
        .call(
            "create_school",
            &[("name", "Oak"), ("network", &north), ("country", "nl")],
        )
        .await
        .json();
    let school_id: String = sqlx::query_scalar("SELECT id FROM schools WHERE code = $1")
        .bind(&code)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    // bad input changes nothing
    for (form, status) in [
        (
            vec![
                ("id", school_id.as_str()),
                ("name", "  "),
                ("country", "nl"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            vec![
                ("id", school_id.as_str()),
                ("name", "Oak"),
                ("country", "nld"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            vec![
                ("id", school_id.as_str()),
                ("name", "Oak"),
                ("network", "nope"),
            ],
            StatusCode::NOT_FOUND,
        ),
        (vec![("id", "nope"), ("name", "Oak")], StatusCode::NOT_FOUND),
    ] {
        let r = app.call("update_school", &form).await;
        assert_eq!(r.status, status, "{form:?}: {}", r.body);
    }
    let school = || async {
        let r = app.call("get_school", &[("id", &school_id)]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json::<reflect::schools::model::School>()
    };
    assert_eq!(school().await.name, "Oak");
    let r = app
        .call(
            "update_school",
            &[
                ("id", &school_id),
                ("name", " Oak   Primary "),
                ("network", &south),
                ("country", "BE"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let s = school().await;
    assert_eq!(
        (
            s.name.as_str(),
            s.network_id.as_deref(),
            s.country.as_deref(),
            s.code.as_str()
        ),
        (
            "Oak Primary",
            Some(south.as_str()),
            Some("be"),
            code.as_str()
        ),
        "the code stays"
    );
    // a network with schools stays; renamed, not to another's name
    let r = app.call("delete_network", &[("id", &south)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = app
        .call("rename_network", &[("id", &south), ("name", "North")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = app
        .call("rename_network", &[("id", &south), ("name", "South-West")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // a school with a reflection stays
    let r = app
        .call(
            "start_reflection",
            &[
                ("instrument", "leadership-reflection"),
                ("role", "headteacher"),
                ("school_code", &code),
                ("innovation", "data_use"),
                ("innovation_detail", ""),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.call("delete_school", &[("id", &school_id)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("rename"), "{}", r.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM schools").await, 1);
    // one without is deleted, and its coordinator's link with it
    let other: String = app
        .call("create_school", &[("name", "Elm"), ("network", &north)])
        .await
        .json();
    let other_id: String = sqlx::query_scalar("SELECT id FROM schools WHERE code = $1")
        .bind(&other)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let r = app
        .call(
            "create_user",
            &[
                ("email", "c@x.org"),
                ("password", PASSWORD),
                ("role", "coordinator"),
                ("school", &other_id),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.call("delete_school", &[("id", &other_id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM user_schools").await, 0);
    assert_eq!(
        app.call("delete_school", &[("id", &other_id)]).await.status,
        StatusCode::NOT_FOUND
    );
    let r = app.call("delete_network", &[("id", &north)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM networks").await, 1);
    // the pages
    let page = app.get(&format!("/admin/schools/{school_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Oak Primary") && page.body.contains("/api/delete_school"));
    let page = app.get(&format!("/admin/networks/{south}")).await;
    assert!(page.body.contains("South-West"), "{}", page.body);
    // a plain form's refusal comes back as a fixed message on the page
    let r = app
        .form(
            "delete_school",
            &[("id", &school_id)],
            &format!("/admin/schools/{school_id}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app.get(&r.location()).await;
    assert!(page.body.contains("so it stays"), "{}", r.location());
    // only admins
    app.sign_in("c@x.org", PASSWORD).await;
    for (name, form) in [
        ("get_school", vec![("id", school_id.as_str())]),
        (
            "update_school",
            vec![("id", school_id.as_str()), ("name", "Mine")],
        ),
        ("delete_school", vec![("id", school_id.as_str())]),
        (
            "rename_network",
            vec![("id", south.as_str()), ("name", "Mine")],
        ),
        ("delete_network", vec![("id", south.as_str())]),
        (
            "import_schools",
            vec![("file", "name,network,country\nMine,,\n")],
        ),
        ("get_export_log", vec![]),
    ] {
        assert_eq!(
            app.call(name, &form).await.status,
            StatusCode::FORBIDDEN,
            "{name}"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM schools").await, 1);
}

on_both_backends!(schools_and_networks_are_edited_and_deleted);

async fn schools_are_imported_whole_or_not_at_all(app: &mut common::TestApp) {
    app.sign_in_as("admin@x.org", "admin", None).await;
    let north: String = app
        .call("create_network", &[("name", "North")])
        .await
        .json();
    let r = app
        .call(
            "create_school",
            &[("name", "Oak"), ("network", &north), ("country", "nl")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let taken: String = r.json();
    type Outcome = Result<(usize, usize), Vec<reflect::schools::import::LineProblem>>;
    let import = |text: String| {
        let app = &*app;
        async move {
            let r = app.call("import_schools", &[("file", &text)]).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            r.json::<Outcome>()
        }
    };
    let counts = || async {
        (
            app.count("SELECT COUNT(*) FROM schools").await,
            app.count("SELECT COUNT(*) FROM networks").await,
        )
    };
    // one bad line among good ones: nothing is imported, every problem named by its line
    let problems = import(format!(
        "name,network,country,code\nElm,North,nl,\nAsh,South,be,\nOak,north,nl,\nPine,,nld,\nBirch,,,{taken}\n"
    ))
    .await
    .expect_err("problems");
    use reflect::schools::import::Problem;
    let found: Vec<(usize, Problem)> = problems.iter().map(|p| (p.line, p.problem)).collect();
    assert_eq!(
        found,
        [(5, Problem::Country)],
        "the file's own problems first"
    );
    let problems = import(format!(
        "name,network,country,code\nElm,North,nl,\nAsh,South,be,\nOak,north,nl,\nBirch,,,{taken}\n"
    ))
    .await
    .expect_err("problems");
    let found: Vec<(usize, Problem)> = problems.iter().map(|p| (p.line, p.problem)).collect();
    assert_eq!(found, [(4, Problem::Duplicate), (5, Problem::CodeTaken)]);
    assert_eq!(counts().await, (1, 1), "nothing half-imported");
    // the good file: schools, a new network, codes kept or made
    let (schools, networks) = import(
        "name,network,country,code\nElm,North,nl,\nAsh,South,be,WXYZ-2345\nBirch,,,\n".into(),
    )
    .await
    .expect("imported");
    assert_eq!((schools, networks), (3, 1));
    assert_eq!(counts().await, (4, 2));
    let ash: (String, String) = sqlx::query_as(
        "SELECT s.code, n.name FROM schools s JOIN networks n ON n.id = s.network_id WHERE s.name = 'Ash'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(ash, ("WXYZ2345".to_string(), "South".to_string()));
    let elm_network: String =
        sqlx::query_scalar("SELECT network_id FROM schools WHERE name = 'Elm'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(elm_network, north, "an existing network by its name");
    // a plain form goes back with the problems as fixed codes, shown with their lines
    let r = app
        .form(
            "import_schools",
            &[("file", "name,network,country,code\nElm,North,nl,\n")],
            "/admin",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/admin?import=2:duplicate#import");
    let page = app
        .get("/admin?import=2:duplicate,3:%3Cb%3Ex%3C%2Fb%3E")
        .await;
    assert!(page.body.contains("Line 2:"), "{}", page.body);
    assert!(page.body.contains("is in Reflect already"));
    assert!(!page.body.contains("<b>x</b>"));
    let page = app.get("/admin?imported=3&networks_made=1").await;
    assert!(
        page.body.contains("Imported: 3 schools; new networks: 1."),
        "{}",
        page.body
    );
}

on_both_backends!(schools_are_imported_whole_or_not_at_all);

async fn the_export_log_shows_who_exported_what(app: &mut common::TestApp) {
    app.sign_in_as("res@x.org", "researcher", None).await;
    let r = app
        .get("/export/responses.csv?instrument=leadership-reflection")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    app.sign_in_as("admin@x.org", "admin", None).await;
    let r = app.call("get_export_log", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let log: Vec<reflect::export::model::ExportLogEntry> = r.json();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].email, "res@x.org");
    assert!(
        log[0].filters.contains("leadership-reflection"),
        "{}",
        log[0].filters
    );
    let page = app.get("/admin/exports").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("res@x.org"), "{}", page.body);
    let admin_page = app.get("/admin").await;
    assert!(admin_page.body.contains("/admin/exports"));
}

on_both_backends!(the_export_log_shows_who_exported_what);
