//! Workshops: lifecycle, codes, joining, closed workshops, the wrong-code limit and who sees what —
//! on SQLite and PostgreSQL.
mod common;

use axum::http::StatusCode;
use reflect::reflection::model::CategoryView;
use reflect::workshops::model::{JoinTarget, Workshop, WorkshopList, WorkshopStatus};

async fn start_in(app: &common::TestApp, code: &str) -> common::Reply {
    app.call(
        "start_reflection",
        &[
            ("instrument", "leadership-reflection"),
            ("role", "teacher"),
            ("innovation", "pln"),
            ("consent", "yes"),
            ("workshop", code),
        ],
    )
    .await
}

async fn create(app: &common::TestApp, form: &[(&str, &str)]) -> common::Reply {
    app.call("create_workshop", form).await
}

const GOOD: &[(&str, &str)] = &[
    ("title", "Leading networks, Utrecht"),
    ("instrument", "leadership-reflection"),
    ("categories[organising]", "yes"),
    ("categories[people]", "yes"),
    ("ask_poll", "yes"),
    (
        "word_prompt",
        "What one word do you link to Professional Learning Network most?",
    ),
];

async fn facilitators_run_workshops(app: &mut common::TestApp) {
    // nobody signed in, or the wrong role: nothing
    assert_eq!(create(app, GOOD).await.status, StatusCode::UNAUTHORIZED);
    app.sign_in_as("r@x.org", "researcher", None).await;
    assert_eq!(create(app, GOOD).await.status, StatusCode::FORBIDDEN);

    app.sign_in_as("f@x.org", "facilitator", None).await;
    // bad input: a clear 422, nothing stored
    let without = |key: &str| -> Vec<(&str, &str)> {
        GOOD.iter().copied().filter(|(k, _)| *k != key).collect()
    };
    let mut no_title = without("title");
    no_title.push(("title", "   "));
    let mut unknown = without("instrument");
    unknown.push(("instrument", "nope"));
    let one_with_poll = without("categories[people]");
    for (form, why) in [
        (no_title, "no title"),
        (unknown, "unknown instrument"),
        (one_with_poll, "a poll needs two categories"),
    ] {
        let r = create(app, &form).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{why}: {}",
            r.body
        );
    }
    let r = create(
        app,
        &[("title", "X"), ("instrument", "leadership-reflection")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "no categories");
    let r = create(
        app,
        &[
            ("title", "X"),
            ("instrument", "leadership-reflection"),
            ("categories[vision]", "yes"),
        ],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not a category of this questionnaire"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM workshops").await, 0);

    let r = create(app, GOOD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id: String = r.json();
    let w: Workshop = app.call("get_workshop", &[("id", &id)]).await.json();
    assert_eq!(w.code.len(), 8);
    assert!(w.code.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(w.status, WorkshopStatus::Open);
    assert_eq!(w.categories.len(), 2);
    assert_eq!(
        w.join_url,
        format!("http://reflect.test/join?code={}", w.code)
    );
    assert!(w.qr_svg.contains("<svg"), "a QR code made by the server");
    let page = app.get(&format!("/workshops/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let shown = format!("{} {}", &w.code[..4], &w.code[4..]);
    assert!(page.body.contains(&shown), "the code as “9161 8750”");

    // another facilitator neither lists nor opens it
    app.sign_in_as("g@x.org", "facilitator", None).await;
    let list: WorkshopList = app.call("list_workshops", &[]).await.json();
    assert!(list.workshops.is_empty());
    assert_eq!(
        app.call("get_workshop", &[("id", &id)]).await.status,
        StatusCode::NOT_FOUND
    );
    let r = app
        .call("set_workshop_status", &[("id", &id), ("status", "closed")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // a participant joins with the code typed any way and reflects on the chosen categories only
    app.sign_out_locally();
    let typed = format!("{}-{} ", &w.code[..4], &w.code[4..]);
    let t: JoinTarget = app.call("join_workshop", &[("code", &typed)]).await.json();
    assert_eq!(
        (t.title.as_str(), t.instrument_id.as_str()),
        ("Leading networks, Utrecht", "leadership-reflection")
    );
    let r = start_in(app, &typed).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let token: String = r.json();
    let view: CategoryView = app
        .call("get_category", &[("token", &token), ("index", "1")])
        .await
        .json();
    assert_eq!((view.total, view.category.id.as_str()), (2, "organising"));
    let view: CategoryView = app
        .call("get_category", &[("token", &token), ("index", "2")])
        .await
        .json();
    assert_eq!(view.category.id, "people");
    let outside = app
        .call(
            "save_answer",
            &[("token", &token), ("item", "tl_outcomes_1"), ("value", "3")],
        )
        .await;
    assert_eq!(
        outside.status,
        StatusCode::NOT_FOUND,
        "items outside the workshop's categories: {}",
        outside.body
    );
    let item = view.category.items().next().unwrap().id.clone();
    let r = app
        .call(
            "save_answer",
            &[("token", &token), ("item", &item), ("value", "4")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // closed: no joining, no starting, no answers; reopened: all again
    app.sign_in("f@x.org", "a long test password").await;
    let r = app
        .call("set_workshop_status", &[("id", &id), ("status", "closed")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    app.sign_out_locally();
    assert_eq!(
        app.call("join_workshop", &[("code", &w.code)]).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(start_in(app, &w.code).await.status, StatusCode::CONFLICT);
    let r = app
        .call(
            "save_answer",
            &[("token", &token), ("item", &item), ("value", "2")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let stored: String = sqlx::query_scalar("SELECT value FROM answers WHERE item_id = $1")
        .bind(&item)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(stored, "4", "the closed workshop changed nothing");
    app.sign_in("f@x.org", "a long test password").await;
    let r = app
        .call("set_workshop_status", &[("id", &id), ("status", "open")])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app
        .call("set_workshop_status", &[("id", &id), ("status", "paused")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.sign_out_locally();
    assert_eq!(
        app.call("join_workshop", &[("code", &w.code)]).await.status,
        StatusCode::OK
    );
    let r = app
        .call(
            "save_answer",
            &[("token", &token), ("item", &item), ("value", "2")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

async fn wrong_codes_are_rate_limited(app: &mut common::TestApp) {
    app.sign_in_as("f@x.org", "facilitator", None).await;
    let id: String = create(app, GOOD).await.json();
    let w: Workshop = app.call("get_workshop", &[("id", &id)]).await.json();
    app.sign_out_locally();
    // a malformed code is a clear 422; an unknown one a 404 — both count as wrong
    assert_eq!(
        app.call("join_workshop", &[("code", "12ab")]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let wrong = if w.code == "12345678" {
        "87654321"
    } else {
        "12345678"
    };
    for _ in 0..19 {
        let r = app.call("join_workshop", &[("code", wrong)]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    }
    let r = app.call("join_workshop", &[("code", wrong)]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    // now even the right code waits: guessing cannot go on
    let r = app.call("join_workshop", &[("code", &w.code)]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("Wait a minute"), "{}", r.body);
}

async fn answer(app: &common::TestApp, token: &str, poll: &str, word: &str) -> common::Reply {
    app.call(
        "answer_room",
        &[("token", token), ("poll", poll), ("word", word)],
    )
    .await
}

async fn stored(app: &common::TestApp) -> Vec<(Option<String>, Option<String>)> {
    sqlx::query_as("SELECT poll_category, word FROM workshop_answers")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
}

/// Answers every page of a workshop reflection with 3s and finishes it.
async fn finish(app: &common::TestApp, token: &str) {
    let first: CategoryView = app
        .call("get_category", &[("token", token), ("index", "1")])
        .await
        .json();
    for index in 1..=first.total {
        let page = index.to_string();
        let view: CategoryView = app
            .call("get_category", &[("token", token), ("index", &page)])
            .await
            .json();
        let keys: Vec<String> = view
            .category
            .items()
            .map(|i| format!("answers[{}]", i.id))
            .collect();
        let go = if index == first.total {
            "finish"
        } else {
            "next"
        };
        let mut form: Vec<(&str, &str)> = vec![("token", token), ("index", &page), ("go", go)];
        form.extend(keys.iter().map(|k| (k.as_str(), "3")));
        let r = app.call("submit_category", &form).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
}

async fn participants_answer_the_room(app: &mut common::TestApp) {
    app.sign_in_as("f@x.org", "facilitator", None).await;
    let id: String = create(app, GOOD).await.json();
    let w: Workshop = app.call("get_workshop", &[("id", &id)]).await.json();
    app.sign_out_locally();
    let token: String = start_in(app, &w.code).await.json();
    finish(app, &token).await;
    let p: reflect::reflection::model::ProfileView =
        app.call("get_profile", &[("token", &token)]).await.json();
    let room = p.room.expect("the room's questions on the profile");
    assert_eq!(
        room.poll_options
            .iter()
            .map(|(id, _)| id.as_str())
            .collect::<Vec<_>>(),
        ["organising", "people"]
    );
    assert!(room.word_prompt.is_some() && room.open);

    assert_eq!(
        answer(app, &token, "people", "  Trust ").await.status,
        StatusCode::OK
    );
    assert_eq!(
        stored(app).await,
        [(Some("people".into()), Some("trust".into()))]
    );
    // bad answers: a clear 422, nothing changed
    for (poll, word) in [
        ("teaching_learning", "trust"),
        ("people", "two words"),
        ("people", "???"),
    ] {
        let r = answer(app, &token, poll, word).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{poll} {word}: {}",
            r.body
        );
    }
    assert_eq!(
        stored(app).await,
        [(Some("people".into()), Some("trust".into()))]
    );
    // the plain form goes back to the profile
    let r = app
        .form(
            "answer_room",
            &[("token", &token), ("poll", "organising"), ("word", "time")],
            "/",
        )
        .await;
    assert_eq!(r.status, StatusCode::FOUND);
    assert!(
        r.location().ends_with("/profile?room_saved=1#room"),
        "{}",
        r.location()
    );
    assert_eq!(
        stored(app).await,
        [(Some("organising".into()), Some("time".into()))]
    );

    // outside a workshop there is nothing to answer
    let alone = app.start("leadership-reflection").await;
    let r = app
        .call("answer_room", &[("token", &alone), ("poll", "people")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // closed: refused; the participant's delete takes their room answers with it
    app.sign_in("f@x.org", "a long test password").await;
    app.call("set_workshop_status", &[("id", &id), ("status", "closed")])
        .await;
    app.sign_out_locally();
    assert_eq!(
        answer(app, &token, "people", "late").await.status,
        StatusCode::CONFLICT
    );
    let r = app
        .call(
            "delete_reflection",
            &[("token", &token), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(stored(app).await.is_empty());
}

on_both_backends!(
    facilitators_run_workshops,
    wrong_codes_are_rate_limited,
    participants_answer_the_room
);
