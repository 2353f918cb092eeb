//! Workshops: lifecycle, codes, joining, closed workshops, the wrong-code limit and who sees what —
//! on SQLite and PostgreSQL.
use crate::common;

use axum::http::StatusCode;
use reflect::reflection::model::CategoryView;
use reflect::workshops::model::{
    JoinTarget, RoomComparison, RoomStage, RoomView, Workshop, WorkshopList, WorkshopStatus,
};

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
    assert_eq!(r.status, StatusCode::SEE_OTHER);
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

/// Answers the first page of a workshop reflection with `score` everywhere (and stays on it).
async fn answer_first_page(app: &common::TestApp, token: &str, score: &str) {
    let view: CategoryView = app
        .call("get_category", &[("token", token), ("index", "1")])
        .await
        .json();
    let keys: Vec<String> = view
        .category
        .items()
        .filter(|i| i.kind == reflect::instrument::ItemType::Likert)
        .map(|i| format!("answers[{}]", i.id))
        .collect();
    let mut form: Vec<(&str, &str)> = vec![("token", token), ("index", "1"), ("go", "stay")];
    form.extend(keys.iter().map(|k| (k.as_str(), score)));
    let r = app.call("submit_category", &form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

const WAIT: std::time::Duration = std::time::Duration::from_secs(10);

async fn the_room_goes_live(app: &mut common::TestApp) {
    app.sign_in_as("f@x.org", "facilitator", None).await;
    let id: String = create(app, GOOD).await.json();
    let w: Workshop = app.call("get_workshop", &[("id", &id)]).await.json();
    let room: RoomView = app.call("get_room", &[("id", &id)]).await.json();
    assert_eq!((room.joined, room.stage, room.k), (0, RoomStage::TooFew, 3));
    let mut live = app
        .events(&format!("/workshops/{id}/live"))
        .await
        .map_err(|r| r.body)
        .unwrap();
    let first: RoomView = live.next(WAIT).await.expect("the room at once");
    assert_eq!(first, room);
    let facilitator_cookie = app.cookie.lock().unwrap().take();

    // two participants answer: counted, but nothing shows, even once revealed
    let mut tokens = Vec::new();
    for (score, poll, word) in [("1", "people", "Trust"), ("2", "people", "time")] {
        let token: String = start_in(app, &w.code).await.json();
        answer_first_page(app, &token, score).await;
        assert_eq!(answer(app, &token, poll, word).await.status, StatusCode::OK);
        tokens.push(token);
    }
    let two: RoomView = live
        .until(WAIT, "two answering", |r: &RoomView| {
            r.answered == 2 && r.word_answers == 2
        })
        .await;
    assert_eq!(
        (two.joined, two.stage, two.more_needed()),
        (2, RoomStage::TooFew, 1)
    );
    assert!(
        two.categories
            .iter()
            .all(|c| c.mean.is_none() && c.distribution.is_empty())
    );
    assert!(two.words.is_empty() && two.poll.is_empty());
    *app.cookie.lock().unwrap() = facilitator_cookie.clone();
    let r = app
        .call("reveal_room", &[("id", &id), ("reveal", "yes")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let revealed: RoomView = live
        .until(WAIT, "revealed", |r: &RoomView| r.revealed)
        .await;
    assert_eq!(revealed.stage, RoomStage::TooFew, "revealed, but too few");
    // and hidden again: the third participant arrives while the results are not revealed
    app.call("reveal_room", &[("id", &id), ("reveal", "no")])
        .await;
    app.sign_out_locally();
    let token: String = start_in(app, &w.code).await.json();
    answer_first_page(app, &token, "3").await;
    answer(app, &token, "organising", "TRUST ").await;
    tokens.push(token);
    let waiting: RoomView = live
        .until(WAIT, "three answering", |r: &RoomView| {
            r.answered == 3 && r.word_answers == 3 && !r.revealed
        })
        .await;
    assert_eq!(waiting.stage, RoomStage::Waiting);
    assert!(waiting.categories.iter().all(|c| c.mean.is_none()));
    assert!(waiting.poll.is_empty());
    // the facilitator sees the words to moderate before revealing them
    assert_eq!(
        waiting
            .words
            .iter()
            .map(|w| (w.word.as_str(), w.count))
            .collect::<Vec<_>>(),
        [("trust", 2), ("time", 1)]
    );

    // revealed with three: means, distributions, poll and words for everyone watching
    *app.cookie.lock().unwrap() = facilitator_cookie.clone();
    app.call("reveal_room", &[("id", &id), ("reveal", "yes")])
        .await;
    let shown: RoomView = live
        .until(WAIT, "shown", |r: &RoomView| r.stage == RoomStage::Shown)
        .await;
    let organising = &shown.categories[0];
    assert_eq!(organising.id, "organising");
    assert_eq!(organising.mean, Some(2.0), "(1 + 2 + 3) / 3");
    assert_eq!(organising.distribution.iter().sum::<i64>(), shown.answers);
    assert_eq!(organising.distribution[0], organising.distribution[1]);
    assert_eq!(
        shown.categories[1].mean, None,
        "nobody answered the second category yet"
    );
    assert_eq!(shown.categories[1].more_needed, 3);
    assert_eq!(
        shown.poll.iter().map(|(_, n)| *n).collect::<Vec<_>>(),
        [1, 2]
    );
    // the presenter page has the same
    let page = app.get(&format!("/workshops/{id}/present")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("2.0 of") && page.body.contains("trust"),
        "{}",
        page.body
    );

    // the presenter's chart is made on the server from the room it shows, for signed-in users
    // in the words of the page that asks (here a Dutch presenter view)
    let words = reflect::workshops::chart::ChartWords::new(reflect::lang::Locale::nl);
    let ask =
        serde_json::json!({ "room": shown, "screen": 1280.0, "width": 700.0, "words": words });
    let chart = app.call_json("room_chart", &ask).await;
    assert_eq!(chart.status, StatusCode::OK, "{}", chart.body);
    let spec: reflect::ui::ChartSpec = chart.json();
    assert_eq!(spec.id, reflect::workshops::api::ROOM_CHART);
    assert!(spec.height > 0);
    let option: serde_json::Value = serde_json::from_str(&spec.option).unwrap();
    assert!(
        option["series"].as_array().is_some_and(|s| !s.is_empty()),
        "{option}"
    );
    assert!(
        spec.option.contains("2,0 van") && spec.option.contains("\"Gemiddelde\""),
        "the mean in the page's words: {}",
        spec.option
    );
    let cookie = app.cookie.lock().unwrap().take();
    let refused = app.call_json("room_chart", &ask).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.body);
    *app.cookie.lock().unwrap() = cookie;

    // a hidden word vanishes from every screen at once; bad moderation changes nothing
    for (word, hidden) in [("", "yes"), ("two words", "yes"), ("trust", "maybe")] {
        let r = app
            .call(
                "moderate_word",
                &[("id", &id), ("word", word), ("hidden", hidden)],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{word} {hidden}"
        );
    }
    let r = app
        .call("reveal_room", &[("id", &id), ("reveal", "perhaps")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM workshop_hidden_words")
            .await,
        0
    );
    let r = app
        .call(
            "moderate_word",
            &[("id", &id), ("word", " Trust"), ("hidden", "yes")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let moderated: RoomView = live
        .until(WAIT, "trust hidden", |r: &RoomView| {
            !r.hidden_words.is_empty()
        })
        .await;
    assert_eq!(
        moderated
            .words
            .iter()
            .map(|w| w.word.as_str())
            .collect::<Vec<_>>(),
        ["time"]
    );
    assert_eq!(moderated.hidden_words[0].word, "trust");
    let page = app.get(&format!("/workshops/{id}/present")).await;
    assert!(
        !page.body.contains(">trust<"),
        "hidden on the presenter page too"
    );
    // the plain form (no JavaScript) returns to the presenter view
    let r = app
        .form(
            "moderate_word",
            &[
                ("id", &id),
                ("word", "trust"),
                ("hidden", "no"),
                ("back", "present"),
            ],
            "/",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/workshops/{id}/present"));
    live.until(WAIT, "trust shown again", |r: &RoomView| {
        r.hidden_words.is_empty() && r.words.len() == 2
    })
    .await;

    // a participant who deletes their answers leaves the room at once
    app.sign_out_locally();
    let r = app
        .call(
            "delete_reflection",
            &[("token", &tokens[0]), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let after: RoomView = live
        .until(WAIT, "two left", |r: &RoomView| r.joined == 2)
        .await;
    assert_eq!(after.stage, RoomStage::TooFew);
    assert!(after.categories.iter().all(|c| c.mean.is_none()));

    // at shutdown every stream ends (the server does not wait for screens that never hang up)
    let t = std::time::Instant::now();
    app.state.live.stop();
    assert!(live.next::<RoomView>(WAIT).await.is_none());
    assert!(
        t.elapsed() < std::time::Duration::from_secs(5),
        "ended, not timed out"
    );
}

/// The room's first category as its facilitator sees it: (mean, respondents).
async fn room_first(
    app: &common::TestApp,
    facilitator: &Option<String>,
    id: &str,
) -> (Option<f64>, i64) {
    let mine = app.cookie.lock().unwrap().clone();
    *app.cookie.lock().unwrap() = facilitator.clone();
    let room: RoomView = app.call("get_room", &[("id", id)]).await.json();
    *app.cookie.lock().unwrap() = mine;
    (room.categories[0].mean, room.categories[0].respondents)
}

/// The room's category figures change only in releases: a fourth participant's answers, or a
/// participant changing theirs, cannot be read off the presenter view; three more joining can.
async fn room_results_change_only_in_releases(app: &mut common::TestApp) {
    app.sign_in_as("f@x.org", "facilitator", None).await;
    let id: String = create(app, GOOD).await.json();
    let w: Workshop = app.call("get_workshop", &[("id", &id)]).await.json();
    let r = app
        .call("reveal_room", &[("id", &id), ("reveal", "yes")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let facilitator = app.cookie.lock().unwrap().take();
    let mut tokens = Vec::new();
    for _ in 0..3 {
        let token: String = start_in(app, &w.code).await.json();
        answer_first_page(app, &token, "2").await;
        tokens.push(token);
    }
    assert_eq!(
        room_first(app, &facilitator, &id).await,
        (Some(2.0), 3),
        "the first release"
    );
    // a fourth participant answers 4: the room does not move
    let token: String = start_in(app, &w.code).await.json();
    answer_first_page(app, &token, "4").await;
    tokens.push(token);
    assert_eq!(
        room_first(app, &facilitator, &id).await,
        (Some(2.0), 3),
        "one arrival is not shown"
    );
    // a released participant changes their answers: the room does not move either
    answer_first_page(app, &tokens[0], "4").await;
    assert_eq!(
        room_first(app, &facilitator, &id).await,
        (Some(2.0), 3),
        "one change is not shown"
    );
    // two more: three have joined since the release, so a new one with all six
    for _ in 0..2 {
        let token: String = start_in(app, &w.code).await.json();
        answer_first_page(app, &token, "4").await;
    }
    let (mean, n) = room_first(app, &facilitator, &id).await;
    assert_eq!(n, 6);
    assert!((mean.unwrap() - 20.0 / 6.0).abs() < 1e-9, "{mean:?}");
}

/// A presenter's live stream ends as soon as its session signs out; another session of the same
/// account keeps its own.
async fn signing_out_ends_the_live_stream(app: &mut common::TestApp) {
    app.sign_in_as("f@x.org", "facilitator", None).await;
    let id: String = create(app, GOOD).await.json();
    let live = format!("/workshops/{id}/live");
    let mut first = app.events(&live).await.ok().unwrap();
    let _: RoomView = first.next(WAIT).await.expect("the room at once");
    // a second session of the same account (another laptop)
    let one = app.cookie.lock().unwrap().clone();
    app.sign_in("f@x.org", "a long test password").await;
    let mut second = app.events(&live).await.ok().unwrap();
    let _: RoomView = second.next(WAIT).await.expect("the room at once");
    // the first session signs out
    *app.cookie.lock().unwrap() = one;
    let r = app.call("logout", &[]).await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{}",
        r.body
    );
    assert!(
        first.ended(std::time::Duration::from_secs(3)).await,
        "the signed-out session's stream ends at once"
    );
    assert!(
        !second.ended(std::time::Duration::from_secs(1)).await,
        "the other session's stream goes on"
    );
}

async fn presenter_data_is_the_facilitators(app: &mut common::TestApp) {
    app.sign_in_as("f@x.org", "facilitator", None).await;
    let id: String = create(app, GOOD).await.json();
    let w: Workshop = app.call("get_workshop", &[("id", &id)]).await.json();
    let live = format!("/workshops/{id}/live");
    // participants (no account) reach none of it, not even with a reflection in the room
    app.sign_out_locally();
    let token: String = start_in(app, &w.code).await.json();
    answer_first_page(app, &token, "2").await;
    assert_eq!(
        app.events(&live).await.err().unwrap().status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.call("get_room", &[("id", &id)]).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.call("compare_room", &[("id", &id)]).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = app
        .call("reveal_room", &[("id", &id), ("reveal", "yes")])
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let page = app.get(&format!("/workshops/{id}/present")).await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert!(!page.body.contains(&w.title));
    // another facilitator, a researcher: as if it did not exist
    for (email, role) in [("g@x.org", "facilitator"), ("r@x.org", "researcher")] {
        app.sign_in_as(email, role, None).await;
        let expected = if role == "facilitator" {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(
            app.events(&live).await.err().unwrap().status,
            expected,
            "{role}"
        );
        assert_eq!(app.call("get_room", &[("id", &id)]).await.status, expected);
        assert_eq!(
            app.call("compare_room", &[("id", &id)]).await.status,
            expected
        );
        let r = app
            .call(
                "moderate_word",
                &[("id", &id), ("word", "x"), ("hidden", "yes")],
            )
            .await;
        assert_eq!(r.status, expected);
        let r = app
            .call("reveal_room", &[("id", &id), ("reveal", "yes")])
            .await;
        assert_eq!(r.status, expected);
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM workshops WHERE revealed = 1")
            .await,
        0
    );
    // unknown ids: 404, for the stream too
    app.sign_in("f@x.org", "a long test password").await;
    assert_eq!(
        app.events("/workshops/nope/live")
            .await
            .err()
            .unwrap()
            .status,
        StatusCode::NOT_FOUND
    );
    // an admin may watch any room
    app.sign_in_as("a@x.org", "admin", None).await;
    assert!(app.events(&live).await.is_ok());
    let room: RoomView = app.call("get_room", &[("id", &id)]).await.json();
    assert_eq!(room.joined, 1);
}

/// The all-respondents comparison follows the results pages' rules: hidden below the minimum
/// group size, then the category means of everyone who finished.
async fn the_room_compares_with_everyone(app: &mut common::TestApp) {
    app.sign_in_as("f@x.org", "facilitator", None).await;
    let id: String = create(app, GOOD).await.json();
    let c: RoomComparison = app.call("compare_room", &[("id", &id)]).await.json();
    assert!(c.means.is_empty() && c.withheld.is_some(), "{c:?}");
    let cookie = app.cookie.lock().unwrap().take();
    for _ in 0..5 {
        let token = app.start("leadership-reflection").await;
        finish(app, &token).await;
    }
    *app.cookie.lock().unwrap() = cookie;
    let c: RoomComparison = app.call("compare_room", &[("id", &id)]).await.json();
    assert_eq!(c.withheld, None, "{c:?}");
    assert_eq!(
        (c.respondents, c.means.clone()),
        (5, vec![Some(3.0), Some(3.0)])
    );
    // beside the room's results once they show
    let w: Workshop = app.call("get_workshop", &[("id", &id)]).await.json();
    let cookie = app.cookie.lock().unwrap().take();
    for _ in 0..3 {
        let token: String = start_in(app, &w.code).await.json();
        answer_first_page(app, &token, "2").await;
    }
    *app.cookie.lock().unwrap() = cookie;
    app.call("reveal_room", &[("id", &id), ("reveal", "yes")])
        .await;
    let page = app.get(&format!("/workshops/{id}/present?compare=1")).await;
    assert!(
        page.body.contains("All respondents (5): ") && page.body.contains("2.0 of"),
        "{}",
        page.body
    );
}

/// A workshop on parts of categories: participants see only those parts, the room counts only
/// them, and the facilitator's page names them.
async fn workshops_on_parts_of_categories(app: &mut common::TestApp) {
    app.sign_in_as("f@x.org", "facilitator", None).await;
    let form = [
        ("title", "Vision only"),
        ("instrument", "leadership-reflection"),
        ("categories[people]", "yes"),
        // its category counts as chosen
        ("parts[organising/vision_goals]", "yes"),
        ("ask_poll", "yes"),
    ];
    for bad in ["organising/nope", "nope/vision_goals", "vision_goals"] {
        let key = format!("parts[{bad}]");
        let mut f = form.to_vec();
        f.push((&key, "yes"));
        let r = create(app, &f).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            r.body
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM workshops").await, 0);
    let id: String = create(app, &form).await.json();
    let w: Workshop = app.call("get_workshop", &[("id", &id)]).await.json();
    assert_eq!(
        w.categories
            .iter()
            .map(|(c, _)| c.as_str())
            .collect::<Vec<_>>(),
        ["organising", "people"]
    );
    assert!(
        w.categories[0].1.ends_with("(only: Vision and goals)"),
        "{:?}",
        w.categories
    );
    assert!(!w.categories[1].1.contains("only"));
    let cookie = app.cookie.lock().unwrap().take();

    let token: String = start_in(app, &w.code).await.json();
    let first: CategoryView = app
        .call("get_category", &[("token", &token), ("index", "1")])
        .await
        .json();
    assert_eq!(first.category.id, "organising");
    assert_eq!(
        first
            .category
            .subcategories
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>(),
        ["vision_goals"]
    );
    assert_eq!(first.total, 2);
    // an item of another part of the category is not in this reflection
    let other = app
        .state
        .instruments
        .latest("leadership-reflection")
        .unwrap()
        .instrument
        .categories[0]
        .subcategories[1]
        .items[0]
        .id
        .clone();
    let r = app
        .call(
            "save_answer",
            &[("token", &token), ("item", &other), ("value", "3")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    answer_first_page(app, &token, "2").await;
    *app.cookie.lock().unwrap() = cookie;
    let room: RoomView = app.call("get_room", &[("id", &id)]).await.json();
    assert_eq!(room.answers as usize, first.category.items().count());
}

/// One client cannot add made-up participants to a room faster than people walk in: ten at once
/// (a room's phones behind one school address), then one every two seconds; other rooms and other
/// clients are not affected.
async fn one_client_cannot_flood_a_room(app: &mut common::TestApp) {
    app.sign_in_as("f@x.org", "facilitator", None).await;
    let first: String = create(app, GOOD).await.json();
    let second: String = create(app, GOOD).await.json();
    let mut codes = Vec::new();
    for id in [first, second] {
        let w: Workshop = app.call("get_workshop", &[("id", &id)]).await.json();
        codes.push(w.code);
    }
    let (a, b) = (&codes[0], &codes[1]);
    app.sign_out_locally();
    let burst = reflect::server::clients::ROOM_BURST;
    for i in 0..burst {
        let r = start_in(app, a).await;
        assert_eq!(r.status, StatusCode::OK, "participant {i}: {}", r.body);
    }
    let r = start_in(app, a).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.body.contains("Wait a few seconds"), "{}", r.body);
    assert_eq!(
        start_in(app, b).await.status,
        StatusCode::OK,
        "another room"
    );
    // the room's participants: exactly the ten
    let n = app
        .count("SELECT COUNT(*) FROM reflections WHERE workshop_id IS NOT NULL")
        .await;
    assert_eq!(n, i64::from(burst) + 1);
    // people keep walking in at a human pace
    tokio::time::sleep(reflect::server::clients::ROOM_EVERY).await;
    assert_eq!(start_in(app, a).await.status, StatusCode::OK);
}

on_both_backends!(
    one_client_cannot_flood_a_room,
    workshops_on_parts_of_categories,
    facilitators_run_workshops,
    wrong_codes_are_rate_limited,
    participants_answer_the_room,
    the_room_goes_live,
    signing_out_ends_the_live_stream,
    room_results_change_only_in_releases,
    presenter_data_is_the_facilitators,
    the_room_compares_with_everyone
);

/// Two app servers on one PostgreSQL database: a participant answering on server A moves the
/// room on a presenter screen connected to server B.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rooms_are_live_across_servers() {
    let Some(a) = common::TestApp::new(common::Backend::Postgres).await else {
        return;
    };
    common::within_limit("rooms_are_live_across_servers", async {
        let state_b = common::TestApp::state_for(&a.database_url, common::instruments_dir())
            .await
            .unwrap();
        let b = common::TestApp::attach(state_b, &a);
        a.sign_in_as("f@x.org", "facilitator", None).await;
        let id: String = create(&a, GOOD).await.json();
        let w: Workshop = a.call("get_workshop", &[("id", &id)]).await.json();
        // the facilitator's session is in the shared database: valid on B too
        *b.cookie.lock().unwrap() = a.cookie.lock().unwrap().clone();
        let mut on_b = b
            .events(&format!("/workshops/{id}/live"))
            .await
            .map_err(|r| r.body)
            .unwrap();
        let first: RoomView = on_b.next(WAIT).await.unwrap();
        assert_eq!(first.joined, 0);
        a.sign_out_locally();
        let token: String = start_in(&a, &w.code).await.json();
        let joined: RoomView = on_b
            .until(WAIT, "the join on A", |r: &RoomView| r.joined == 1)
            .await;
        assert_eq!(joined.answered, 0);
        answer_first_page(&a, &token, "4").await;
        on_b.until(WAIT, "the answers on A", |r: &RoomView| r.answered == 1)
            .await;
        assert_eq!(a.state.live.watchers(), 0, "nobody watches on A");
        assert_eq!(b.state.live.watchers(), 1);
    })
    .await;
    a.cleanup().await;
}
