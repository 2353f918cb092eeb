//! A school's rounds (issue 18): opening, group links, one-time invitations, participation in
//! bands, closing by hand and by date, and who may do what — on SQLite and PostgreSQL.
use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use reflect::rounds::model::{Band, Round, RoundList, RoundState};
use reflect::values::RoleGroup;

const SCHOOL: &str = "s1";

/// A round for school s1 opened by its coordinator (signed in afterwards), with `extra` fields.
async fn open(app: &common::TestApp, extra: &[(&str, &str)]) -> common::Reply {
    let mut form = vec![
        ("school", SCHOOL),
        ("instrument", "leadership-reflection"),
        ("innovation", "pln"),
    ];
    for (k, v) in extra {
        form.retain(|(key, _)| key != k);
        form.push((k, v));
    }
    app.call("open_round", &form).await
}

async fn round(app: &common::TestApp, id: &str) -> Round {
    let r = app.call("get_round", &[("id", id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

/// The token of a group's link.
fn link(r: &Round, group: RoleGroup) -> String {
    let g = r.groups.iter().find(|g| g.group == group).unwrap();
    g.link.rsplit_once("/g/").unwrap().1.to_string()
}

async fn start(app: &common::TestApp, link: &str, role: &str, code: &str) -> common::Reply {
    app.call(
        "start_from_link",
        &[
            ("link", link),
            ("role", role),
            ("invitation", code),
            ("consent", "yes"),
        ],
    )
    .await
}

/// Makes `count` invitation codes for a group through the printable page; the codes it shows.
async fn codes(
    app: &common::TestApp,
    id: &str,
    group: &str,
    count: &str,
) -> (StatusCode, Vec<String>) {
    let req = Request::post(format!("/rounds/{id}/invitations"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .body(Body::from(common::encode(&[
            ("group", group),
            ("count", count),
        ])))
        .unwrap();
    let r = app.send(req).await;
    let found = r
        .body
        .split("<code>")
        .skip(1)
        .filter_map(|s| s.split("</code>").next())
        .map(str::to_string)
        .collect();
    if r.status == StatusCode::OK {
        assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    }
    (r.status, found)
}

async fn rounds_stored(app: &common::TestApp) -> i64 {
    app.count("SELECT CAST(COUNT(*) AS BIGINT) FROM rounds")
        .await
}

async fn coordinators_open_rounds_for_their_own_school(app: &mut common::TestApp) {
    common::add_school(app, SCHOOL, "AAAABBBB", "nl").await;
    common::add_school(app, "s2", "CCCCDDDD", "nl").await;
    // nobody signed in, or a role without schools: nothing
    assert_eq!(open(app, &[]).await.status, StatusCode::UNAUTHORIZED);
    app.sign_in_as("r@x.org", "researcher", None).await;
    assert_eq!(open(app, &[]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.call("list_rounds", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    // another school's coordinator may not open one for s1
    app.sign_in_as("c2@x.org", "coordinator", Some("s2")).await;
    assert_eq!(
        open(app, &[]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    app.sign_in_as("c1@x.org", "coordinator", Some(SCHOOL))
        .await;
    // bad input: a clear 422, nothing stored
    for (extra, why) in [
        (vec![("instrument", "nope")], "unknown questionnaire"),
        (vec![("innovation", "blockchain")], "unknown innovation"),
        (vec![("innovation", "other")], "another innovation, unnamed"),
        (vec![("opens_on", "2027-02-30")], "no such day"),
        (vec![("closes_on", "next week")], "not a date"),
        (
            vec![("opens_on", "2099-03-01"), ("closes_on", "2099-02-01")],
            "last day before the first",
        ),
        (vec![("closes_on", "2001-01-01")], "last day passed"),
        (vec![("school", "s2")], "another school"),
    ] {
        let r = open(app, &extra).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{why}: {}",
            r.body
        );
        assert!(!r.error().to_string().is_empty(), "{why}");
        assert_eq!(rounds_stored(app).await, 0, "{why}");
    }
    // without JavaScript the error comes back as a code the page shows, never as text
    let r = app
        .form(
            "open_round",
            &[
                ("school", SCHOOL),
                ("instrument", "nope"),
                ("innovation", "pln"),
            ],
            "/rounds",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        r.location().starts_with("/rounds?error=m"),
        "{}",
        r.location()
    );
    let page = app.get(&r.location()).await;
    assert!(
        page.body.contains("Choose a questionnaire from the list."),
        "{}",
        page.body
    );

    let r = open(
        app,
        &[
            ("innovation", "other"),
            ("innovation_detail", "  peer   coaching "),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id: String = r.json();
    let got = round(app, &id).await;
    assert_eq!(got.state, RoundState::Open);
    assert_eq!(got.innovation_detail.as_deref(), Some("peer coaching"));
    assert_eq!(got.groups.len(), 2);
    assert_ne!(
        link(&got, RoleGroup::Leaders),
        link(&got, RoleGroup::Teachers)
    );
    assert!(link(&got, RoleGroup::Leaders).len() >= 32, "unguessable");
    let list: RoundList = app.call("list_rounds", &[]).await.json();
    assert_eq!(
        list.schools,
        vec![(SCHOOL.to_string(), "School s1".to_string())]
    );
    assert_eq!(list.rounds.len(), 1);
    // the page itself, and the link from the signed-in bar
    let page = app.get(&format!("/rounds/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&got.groups[0].link),
        "the group link is shown"
    );
    assert!(app.get("/results").await.body.contains("href=\"/rounds\""));
    // another school's coordinator and the researcher see no such round
    app.sign_in_as("c3@x.org", "coordinator", Some("s2")).await;
    assert_eq!(
        app.call("get_round", &[("id", &id)]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.call("close_round", &[("id", &id)]).await.status,
        StatusCode::NOT_FOUND
    );
    let list: RoundList = app.call("list_rounds", &[]).await.json();
    assert!(list.rounds.is_empty());
    // an admin sees it
    app.sign_in_as("a@x.org", "admin", None).await;
    assert_eq!(round(app, &id).await.id, id);
}

async fn group_links_fill_in_school_and_role(app: &mut common::TestApp) {
    common::add_school(app, SCHOOL, "AAAABBBB", "nl").await;
    app.sign_in_as("c1@x.org", "coordinator", Some(SCHOOL))
        .await;
    let id: String = open(app, &[]).await.json();
    let r = round(app, &id).await;
    let (leaders, teachers) = (link(&r, RoleGroup::Leaders), link(&r, RoleGroup::Teachers));
    app.sign_out_locally();
    // the page a link opens: the school, and a form without a school code
    let page = app.get(&format!("/g/{teachers}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("School s1"), "{}", page.body);
    assert!(!page.body.contains("school_code"));
    assert_eq!(
        app.get("/g/0123456789abcdef0123456789abcdef").await.status,
        StatusCode::NOT_FOUND
    );

    let started = start(app, &teachers, "teacher", "").await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.body);
    let (school, round_id, role, innovation): (String, String, String, String) =
        sqlx::query_as("SELECT school_id, round_id, role, innovation FROM reflections")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(
        (
            school.as_str(),
            round_id.as_str(),
            role.as_str(),
            innovation.as_str()
        ),
        (SCHOOL, id.as_str(), "teacher", "pln")
    );
    // a role outside the link's group, or no consent: refused, nothing stored
    for (link, role) in [
        (&teachers, "headteacher"),
        (&leaders, "teacher"),
        (&leaders, "other"),
    ] {
        let r = start(app, link, role, "").await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{role}: {}",
            r.body
        );
    }
    let r = app
        .call(
            "start_from_link",
            &[("link", &leaders), ("role", "deputy"), ("consent", "maybe")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.count("SELECT CAST(COUNT(*) AS BIGINT) FROM reflections")
            .await,
        1
    );
    // without JavaScript: a 303 to the first category
    let r = app
        .form(
            "start_from_link",
            &[("link", &leaders), ("role", "deputy"), ("consent", "no")],
            &format!("/g/{leaders}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.location().starts_with("/r/") && r.location().ends_with("/c/1"),
        "{}",
        r.location()
    );

    // a revoked link opens nothing; the new one works
    app.sign_in_as("c1b@x.org", "coordinator", Some(SCHOOL))
        .await;
    let r = app
        .call("revoke_round_link", &[("id", &id), ("group", "leaders")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let fresh = link(&round(app, &id).await, RoleGroup::Leaders);
    assert_ne!(fresh, leaders);
    assert_eq!(
        link(&round(app, &id).await, RoleGroup::Teachers),
        teachers,
        "the other group keeps its link"
    );
    app.sign_out_locally();
    assert_eq!(
        start(app, &leaders, "deputy", "").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        start(app, &fresh, "deputy", "").await.status,
        StatusCode::OK
    );
}

async fn invitation_codes_start_one_reflection_each(app: &mut common::TestApp) {
    common::add_school(app, SCHOOL, "AAAABBBB", "nl").await;
    app.sign_in_as("c1@x.org", "coordinator", Some(SCHOOL))
        .await;
    // a round without invitations makes no codes
    let plain: String = open(app, &[]).await.json();
    assert_eq!(
        codes(app, &plain, "teachers", "3").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let id: String = open(app, &[("invitations", "yes")]).await.json();
    for bad in ["0", "501", "ten", ""] {
        assert_eq!(
            codes(app, &id, "teachers", bad).await.0,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}"
        );
    }
    assert_eq!(
        codes(app, &id, "pupils", "3").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (status, teacher_codes) = codes(app, &id, "teachers", "3").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(teacher_codes.len(), 3);
    let (_, leader_codes) = codes(app, &id, "leaders", "2").await;
    assert_eq!(leader_codes.len(), 2);
    let r = round(app, &id).await;
    assert_eq!(
        r.groups.iter().map(|g| g.invitations).collect::<Vec<_>>(),
        vec![2, 3]
    );
    // only hashes are stored
    for c in &teacher_codes {
        let plain = reflect::schools::codes::normalise(c);
        let n = app
            .count(&format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM round_invitations WHERE code_hash = '{plain}'"
            ))
            .await;
        assert_eq!(n, 0, "the code itself is not stored");
    }
    let teachers = link(&r, RoleGroup::Teachers);
    let leaders = link(&r, RoleGroup::Leaders);
    // another coordinator cannot make codes for this round
    common::add_school(app, "s2", "CCCCDDDD", "nl").await;
    app.sign_in_as("c2@x.org", "coordinator", Some("s2")).await;
    assert_eq!(
        codes(app, &id, "teachers", "3").await.0,
        StatusCode::NOT_FOUND
    );
    app.sign_out_locally();
    assert_eq!(
        codes(app, &id, "teachers", "3").await.0,
        StatusCode::UNAUTHORIZED
    );

    let reflections = || app.count("SELECT CAST(COUNT(*) AS BIGINT) FROM reflections");
    for (code, why) in [
        ("", "no code"),
        ("ZZZZ-ZZZZ", "a wrong code"),
        (
            leader_codes[0].as_str(),
            "a leader's code on the teachers' link",
        ),
    ] {
        let r = start(app, &teachers, "teacher", code).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{why}: {}",
            r.body
        );
    }
    assert_eq!(reflections().await, 0);
    // a code typed in lower case with spaces works, once
    let typed = teacher_codes[0].to_lowercase().replace('-', " ");
    assert_eq!(
        start(app, &teachers, "teacher", &typed).await.status,
        StatusCode::OK
    );
    let again = start(app, &teachers, "teacher", &teacher_codes[0]).await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        again.body
    );
    assert_eq!(reflections().await, 1);
    assert_eq!(
        start(app, &leaders, "headteacher", &leader_codes[0])
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.count("SELECT CAST(COUNT(*) AS BIGINT) FROM round_invitations WHERE used = 1")
            .await,
        2
    );
    // the teachers' unused codes withdrawn (a lost sheet): they start nothing, the leaders' still
    // do, and the number made stays (the number used would be an exact count of starts)
    let shared: &common::TestApp = app;
    let withdraw = |group: &'static str| {
        let id = id.clone();
        async move {
            shared
                .call("withdraw_invitations", &[("id", &id), ("group", group)])
                .await
        }
    };
    assert_eq!(withdraw("teachers").await.status, StatusCode::UNAUTHORIZED);
    app.sign_in_as("c1b@x.org", "coordinator", Some(SCHOOL))
        .await;
    assert_eq!(
        withdraw("pupils").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let r = withdraw("teachers").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let made: Vec<i64> = round(app, &id)
        .await
        .groups
        .iter()
        .map(|g| g.invitations)
        .collect();
    assert_eq!(made, vec![2, 3]);
    app.sign_out_locally();
    for code in &teacher_codes[1..] {
        let r = start(app, &teachers, "teacher", code).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    }
    assert_eq!(
        start(app, &leaders, "deputy", &leader_codes[1])
            .await
            .status,
        StatusCode::OK
    );
    // nothing stored joins a code to a reflection: the invitations hold only round, group, hash
    // and a used mark (no time, no id), and the reflections nothing of the code
    let columns = |table: &str| match app.backend {
        common::Backend::Sqlite => {
            format!("SELECT CAST(COUNT(*) AS BIGINT) FROM pragma_table_info('{table}')")
        }
        common::Backend::Postgres => format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM information_schema.columns WHERE table_name = '{table}' AND table_schema = current_schema()"
        ),
    };
    assert_eq!(app.count(&columns("round_invitations")).await, 4);
    let invitation_columns = match app.backend {
        common::Backend::Sqlite => "SELECT CAST(COUNT(*) AS BIGINT) FROM pragma_table_info('reflections') WHERE name LIKE '%invit%' OR name LIKE '%code%'".to_string(),
        common::Backend::Postgres => "SELECT CAST(COUNT(*) AS BIGINT) FROM information_schema.columns WHERE table_name = 'reflections' AND table_schema = current_schema() AND (column_name LIKE '%invit%' OR column_name LIKE '%code%')".to_string(),
    };
    assert_eq!(app.count(&invitation_columns).await, 0);
}

async fn participation_shows_in_bands_and_rounds_close(app: &mut common::TestApp) {
    common::add_school(app, SCHOOL, "AAAABBBB", "nl").await;
    app.sign_in_as("c1@x.org", "coordinator", Some(SCHOOL))
        .await;
    let id: String = open(app, &[]).await.json();
    let k = app.state.config.min_group_size;
    let teachers = link(&round(app, &id).await, RoleGroup::Teachers);
    let group = |r: &Round, g: RoleGroup| r.groups.iter().find(|x| x.group == g).unwrap().clone();
    let r = round(app, &id).await;
    assert_eq!(group(&r, RoleGroup::Teachers).started, Band::Nobody);
    let pages = common::leadership(app).categories.len();
    for i in 1..=k {
        let token: String = start(app, &teachers, "teacher", "").await.json();
        let r = round(app, &id).await;
        let shown = group(&r, RoleGroup::Teachers).started;
        if i < k {
            assert_eq!(shown, Band::FewerThan(k), "{i} started");
            common::answer_pages(app, &token, pages, |_, _, _| "3".into()).await;
            assert_eq!(
                group(&round(app, &id).await, RoleGroup::Teachers).finished,
                Band::FewerThan(k)
            );
        } else {
            assert_eq!(shown, Band::AtLeast(k), "{i} started");
        }
        assert_eq!(group(&r, RoleGroup::Leaders).started, Band::Nobody);
    }
    // the reflections of the round count in the school's results like any other
    assert!(
        app.count(&format!("SELECT CAST(COUNT(*) AS BIGINT) FROM reflections WHERE round_id = '{id}' AND status = 'finished' AND school_id = '{SCHOOL}'")).await
            == k - 1
    );
    // closed by hand: no new reflections, the page says so; a started one goes on
    assert_eq!(
        app.call("close_round", &[("id", &id)]).await.status,
        StatusCode::OK
    );
    assert_eq!(round(app, &id).await.state, RoundState::Closed);
    let r = start(app, &teachers, "teacher", "").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(
        app.get(&format!("/g/{teachers}"))
            .await
            .body
            .contains("This round is closed")
    );

    // closed by date: its last day has passed
    let later: String = open(app, &[("closes_on", "2099-12-31")]).await.json();
    let link_later = link(&round(app, &later).await, RoleGroup::Teachers);
    assert_eq!(
        start(app, &link_later, "teacher", "").await.status,
        StatusCode::OK
    );
    sqlx::query("UPDATE rounds SET closes_on = '2020-01-31' WHERE id = $1")
        .bind(&later)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(round(app, &later).await.state, RoundState::Closed);
    assert_eq!(
        start(app, &link_later, "teacher", "").await.status,
        StatusCode::CONFLICT
    );
    // not open yet before its first day
    let future: String = open(app, &[("opens_on", "2099-01-01")]).await.json();
    assert_eq!(round(app, &future).await.state, RoundState::NotYetOpen);
    let link_future = link(&round(app, &future).await, RoleGroup::Teachers);
    assert_eq!(
        start(app, &link_future, "teacher", "").await.status,
        StatusCode::CONFLICT
    );
    assert!(
        app.get(&format!("/g/{link_future}"))
            .await
            .body
            .contains("has not opened yet")
    );
}

async fn results_can_be_filtered_by_round(app: &mut common::TestApp) {
    use reflect::results::aggregates;
    use reflect::results::model::{Gap, ResultsView};
    common::add_school(app, SCHOOL, "AAAABBBB", "nl").await;
    app.sign_in_as("c1@x.org", "coordinator", Some(SCHOOL))
        .await;
    let id: String = open(app, &[]).await.json();
    let r = round(app, &id).await;
    let (leaders, teachers) = (link(&r, RoleGroup::Leaders), link(&r, RoleGroup::Teachers));
    app.sign_out_locally();
    let pages = common::leadership(app).categories.len();
    // the round: 5 leaders answering 2, 5 teachers answering 4, through the group links
    for (link, role, value) in [(&leaders, "headteacher", "2"), (&teachers, "teacher", "4")] {
        for _ in 0..5 {
            let token: String = start(app, link, role, "").await.json();
            common::answer_pages(app, &token, pages, |_, _, _| value.into()).await;
        }
    }
    // 6 teachers of the school outside the round (the school code), answering 1
    for _ in 0..6 {
        common::leadership_reflection(app, &[("school_code", "AAAABBBB")], 99, |_, _, _| {
            "1".into()
        })
        .await;
    }
    // the running aggregates hold the round in the school's cells, as a rebuild does
    let stored = aggregates::stored(&app.state.db).await.unwrap();
    let fresh = aggregates::from_answers(&app.state.db, &app.state.instruments)
        .await
        .unwrap();
    assert_eq!(stored, fresh);
    assert!(
        stored
            .respondents
            .keys()
            .any(|c| c.level == "school" && c.round == id)
    );
    assert!(
        stored
            .respondents
            .keys()
            .all(|c| c.level == "school" || c.round.is_empty() || c.round == "*"),
        "rounds only in a school's cells"
    );
    common::release_all(app).await;

    app.sign_in_as("c1b@x.org", "coordinator", Some(SCHOOL))
        .await;
    let app: &common::TestApp = app;
    let results = |round: &str| {
        let round = round.to_string();
        async move {
            let r = app
                .call(
                    "get_results",
                    &[("level", "school"), ("key", SCHOOL), ("round", &round)],
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            r.json::<ResultsView>()
        }
    };
    let whole = results("").await;
    assert_eq!(whole.results.as_ref().unwrap().respondents, 16);
    assert_eq!(
        whole.rounds,
        vec![(id.clone(), r.created_at[..10].to_string())]
    );
    let in_round = results(&id).await;
    assert_eq!(in_round.withheld, None);
    let shown = in_round.results.as_ref().unwrap();
    assert_eq!(shown.respondents, 10, "only the round's reflections");
    let mean = shown.categories[0].estimate.unwrap().mean;
    assert!(
        (mean - 3.0).abs() < 1e-9,
        "(5 × 2 + 5 × 4) / 10, not the others' 1: {mean}"
    );
    // leaders beside teachers within the round
    match &in_round.gap {
        Gap::Shown(rows) => {
            assert_eq!(rows[0].leaders, Some(2.0));
            assert_eq!(rows[0].teachers, Some(4.0));
        }
        other => panic!("the gap within the round: {other:?}"),
    }
    assert_eq!(in_round.query.round.as_deref(), Some(id.as_str()));
    // the page offers the round as a filter
    let page = app
        .get(&format!("/results/school/{SCHOOL}?round={id}"))
        .await;
    assert!(
        page.body.contains(&format!("value=\"{id}\"")),
        "{}",
        page.body
    );
    // a round elsewhere than a school's page, or not a round id: refused
    let r = app
        .call("get_results", &[("level", "all"), ("round", &id)])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .call(
            "get_results",
            &[("level", "school"), ("key", SCHOOL), ("round", "nope")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // a round of another school holds nobody here
    let other = uuid::Uuid::new_v4().to_string();
    let view = results(&other).await;
    assert!(view.results.is_none(), "{:?}", view.withheld);
}

on_both_backends!(
    results_can_be_filtered_by_round,
    coordinators_open_rounds_for_their_own_school,
    group_links_fill_in_school_and_role,
    invitation_codes_start_one_reflection_each,
    participation_shows_in_bands_and_rounds_close,
);
