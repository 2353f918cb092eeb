//! The reflection end to end through the real router and server functions, on SQLite and on
//! PostgreSQL: full reflection, resume, idempotent saves, bad input, delete, versions.
use crate::common;

use axum::http::StatusCode;
use reflect::error::AppError;
use reflect::instrument::Instrument;
use reflect::reflection::model::{CategoryView, ProfileView, SaveOutcome, Status};

const LEADERSHIP: &str = "leadership-reflection";

fn leadership() -> Instrument {
    let path = common::instruments_dir().join("leadership-reflection.toml");
    reflect::instrument::store::parse_instrument(&path, &std::fs::read_to_string(&path).unwrap())
        .unwrap()
}

/// Every item id of category `c` (0-based).
fn items(inst: &Instrument, c: usize) -> Vec<String> {
    inst.categories[c].items().map(|i| i.id.clone()).collect()
}

async fn save(app: &common::TestApp, token: &str, item: &str, value: &str) -> common::Reply {
    app.call(
        "save_answer",
        &[("token", token), ("item", item), ("value", value)],
    )
    .await
}

async fn answer_count(app: &mut common::TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM answers").await
}

/// Answers every statement: category 1 all 4, category 2 all 2 except one "not applicable",
/// category 3 all 3, category 4 all 5. The weakest must be category 2.
async fn answer_all(app: &common::TestApp, token: &str, inst: &Instrument) {
    for (c, value) in [(0, "4"), (1, "2"), (2, "3"), (3, "5")] {
        for (n, item) in items(inst, c).iter().enumerate() {
            let v = if c == 1 && n == 0 { "na" } else { value };
            let r = save(app, token, item, v).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
    }
}

async fn full_reflection(app: &mut common::TestApp) {
    let inst = leadership();
    let token = app.start(LEADERSHIP).await;
    assert_eq!(token.len(), 48, "192-bit token");
    // the token itself is never stored, only its hash
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM reflections WHERE token_hash = '{token}'"
        ))
        .await,
        0
    );

    // first page
    let page: CategoryView = app
        .call("get_category", &[("token", &token), ("index", "1")])
        .await
        .json();
    assert_eq!((page.index, page.total, page.total_items), (1, 4, 36));
    assert_eq!(page.category.id, "organising");
    assert_eq!(page.resume_url, format!("http://reflect.test/r/{token}"));

    // saving the last item of a category says the category is complete
    let ids = items(&inst, 0);
    for (n, item) in ids.iter().enumerate() {
        let o: SaveOutcome = save(app, &token, item, "4").await.json();
        assert_eq!(o.category, 1);
        assert_eq!(o.category_complete, n == ids.len() - 1);
        assert_eq!(o.answered_items, n + 1);
    }
    answer_all(app, &token, &inst).await;
    assert_eq!(answer_count(app).await, 36);

    // an optional reflection note on the last page, then finish
    let r = app
        .call(
            "submit_category",
            &[
                ("token", &token),
                ("index", "4"),
                ("go", "finish"),
                ("note", "Invite the partner school."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM reflections WHERE status = 'finished' AND finished_at IS NOT NULL"
        )
        .await,
        1
    );

    let p: ProfileView = app.call("get_profile", &[("token", &token)]).await.json();
    assert_eq!(p.status, Status::Finished);
    assert_eq!(p.profile.weakest, vec!["teaching_learning".to_string()]);
    let means: Vec<Option<f64>> = p.profile.categories.iter().map(|c| c.mean).collect();
    assert_eq!(means, vec![Some(4.0), Some(2.0), Some(3.0), Some(5.0)]);
    assert_eq!(p.profile.categories[1].not_applicable, 1);
    assert_eq!(p.profile.categories[1].tally.n, 8);
    assert_eq!(p.weakest_statements.len(), 9);
    assert_eq!(p.weakest_statements[0].answer, "2 – Disagree");
    assert_eq!(
        p.weakest_statements[8].answer, "Don't know / not applicable",
        "not applicable listed last"
    );
    assert_eq!(
        p.notes,
        vec![(
            inst.categories[3].title.clone(),
            "Invite the partner school.".to_string()
        )]
    );

    // each page shows every answer of its own and its own note only
    let last: CategoryView = app
        .call("get_category", &[("token", &token), ("index", "4")])
        .await
        .json();
    assert_eq!(last.note.as_deref(), Some("Invite the partner school."));
    assert_eq!(last.answered_items, 36);
    assert_eq!(last.answers.len(), items(&inst, 3).len());
    assert!(
        last.answers.values().all(|v| v == "5"),
        "{:?}",
        last.answers
    );
    let first: CategoryView = app
        .call("get_category", &[("token", &token), ("index", "1")])
        .await
        .json();
    assert_eq!(first.note, None);
    assert!(
        first.answers.values().all(|v| v == "4"),
        "{:?}",
        first.answers
    );

    // the profile page itself, as HTML from the server
    let html = app.get(&format!("/r/{token}/profile")).await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(
        html.body
            .contains("Needs most work: Managing the teaching and learning programme"),
        "{}",
        &html.body[..html.body.len().min(2000)]
    );
    assert!(html.body.contains("/vendor/echarts.min.js"));
    assert!(html.body.contains("<caption>"));

    // an empty action plan is not "saved"
    let r = app
        .call("save_action_plan", &[("token", &token), ("plan", "  ")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.error()
            .to_string()
            .contains("empty action plan is not saved")
    );
    // the action plan is saved and shown
    let r = app
        .call(
            "save_action_plan",
            &[("token", &token), ("plan", "Monthly data team meeting.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let p: ProfileView = app.call("get_profile", &[("token", &token)]).await.json();
    assert_eq!(p.action_plan.as_deref(), Some("Monthly data team meeting."));
    // emptied, a saved plan is removed (and said so)
    let r = app
        .call("save_action_plan", &[("token", &token), ("plan", "")])
        .await;
    assert_eq!(
        r.json::<reflect::reflection::model::PlanSaved>(),
        reflect::reflection::model::PlanSaved::Removed
    );
    let p: ProfileView = app.call("get_profile", &[("token", &token)]).await.json();
    assert_eq!(p.action_plan, None);
}

async fn resume_by_link(app: &mut common::TestApp) {
    let inst = leadership();
    let token = app.start(LEADERSHIP).await;
    for item in items(&inst, 0) {
        save(app, &token, &item, "3").await;
    }
    save(app, &token, &items(&inst, 1)[0], "5").await;
    let target: String = app.call("resume_target", &[("token", &token)]).await.json();
    assert_eq!(target, format!("/r/{token}/c/2"));
    // the link itself redirects, on any device (no cookie involved)
    let r = app.get(&format!("/r/{token}")).await;
    assert!(r.status.is_redirection(), "{:?}", r.status);
    assert_eq!(r.location(), format!("/r/{token}/c/2"));
    // the page shows the earlier answer checked
    let page = app.get(&format!("/r/{token}/c/2")).await;
    assert_eq!(page.status, StatusCode::OK);
    let item = &items(&inst, 1)[0];
    assert!(
        page.body
            .contains(&format!("name=\"answers[{item}]\" value=\"5\" checked")),
        "answer shown as checked"
    );
}

async fn saves_are_idempotent(app: &mut common::TestApp) {
    let inst = leadership();
    let token = app.start(LEADERSHIP).await;
    let item = &items(&inst, 0)[0];
    for _ in 0..3 {
        assert_eq!(save(app, &token, item, "4").await.status, StatusCode::OK);
    }
    assert_eq!(answer_count(app).await, 1);
    save(app, &token, item, "2").await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM answers WHERE value = '2' AND score = 2")
            .await,
        1
    );
    assert_eq!(answer_count(app).await, 1);
    // the same page posted twice (a double click without JavaScript) is stored once
    let key = format!("answers[{item}]");
    for _ in 0..2 {
        let r = app
            .form(
                "submit_category",
                &[
                    ("token", &token),
                    ("index", "1"),
                    ("go", "next"),
                    (&key, "5"),
                ],
                "/r/x/c/1",
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM answers WHERE value = '5'")
            .await,
        1
    );
    assert_eq!(answer_count(app).await, 1);

    // an empty answer clears the item
    let o: SaveOutcome = save(app, &token, item, "").await.json();
    assert_eq!((o.answered_items, o.category_complete), (0, false));
    assert_eq!(answer_count(app).await, 0);

    // saves sent at once (written together by the group-committing writer): every reply counts
    // what was stored up to it, and clears sent at once remove exactly their items
    let ids = items(&inst, 0);
    let replies = futures::future::join_all(ids.iter().map(|i| save(app, &token, i, "3"))).await;
    let mut counts: Vec<usize> = replies
        .iter()
        .map(|r| {
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            serde_json::from_str::<SaveOutcome>(&r.body)
                .unwrap()
                .answered_items
        })
        .collect();
    counts.sort_unstable();
    assert_eq!(counts, (1..=ids.len()).collect::<Vec<_>>());
    assert_eq!(answer_count(app).await, ids.len() as i64);
    let cleared = &ids[..3];
    let replies = futures::future::join_all(cleared.iter().map(|i| save(app, &token, i, ""))).await;
    assert!(replies.iter().all(|r| r.status == StatusCode::OK));
    assert_eq!(answer_count(app).await, (ids.len() - 3) as i64);
    for i in cleared {
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM answers WHERE item_id = '{i}'"
            ))
            .await,
            0
        );
    }
}

async fn bad_input_changes_nothing(app: &mut common::TestApp) {
    let inst = leadership();
    let token = app.start(LEADERSHIP).await;
    let item = items(&inst, 0)[0].clone();
    save(app, &token, &item, "3").await;
    let before = (
        answer_count(app).await,
        app.count("SELECT COUNT(*) FROM reflections").await,
    );

    let expect = |r: common::Reply, status: StatusCode, needle: &str| {
        assert_eq!(r.status, status, "{}", r.body);
        let msg = r.error().to_string();
        assert!(
            msg.contains(needle),
            "message “{msg}” should contain “{needle}”"
        );
    };
    // unknown instrument, role, consent, school code
    let start = |instrument: &'static str,
                 role: &'static str,
                 consent: &'static str,
                 school: &'static str| {
        vec![
            ("instrument", instrument),
            ("role", role),
            ("innovation", "pln"),
            ("consent", consent),
            ("school_code", school),
        ]
    };
    expect(
        app.call("start_reflection", &start("nope", "teacher", "yes", ""))
            .await,
        StatusCode::NOT_FOUND,
        "no questionnaire",
    );
    expect(
        app.call("start_reflection", &start(LEADERSHIP, "king", "yes", ""))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "role",
    );
    expect(
        app.call(
            "start_reflection",
            &start(LEADERSHIP, "teacher", "maybe", ""),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "research",
    );
    expect(
        app.call(
            "start_reflection",
            &start(LEADERSHIP, "teacher", "yes", "ZZZZ"),
        )
        .await,
        StatusCode::NOT_FOUND,
        "No school",
    );
    let long = "x".repeat(201);
    let r = app
        .call(
            "start_reflection",
            &[
                ("instrument", LEADERSHIP),
                ("role", "teacher"),
                ("innovation", "other"),
                ("innovation_detail", &long),
                ("consent", "no"),
            ],
        )
        .await;
    expect(r, StatusCode::UNPROCESSABLE_ENTITY, "too long");
    // unknown and malformed tokens
    expect(
        save(app, &"0".repeat(48), &item, "3").await,
        StatusCode::NOT_FOUND,
        "No reflection",
    );
    expect(
        save(app, "../../etc/passwd", &item, "3").await,
        StatusCode::NOT_FOUND,
        "No reflection",
    );
    expect(
        app.call("get_profile", &[("token", "nope")]).await,
        StatusCode::NOT_FOUND,
        "No reflection",
    );
    // unknown item, out-of-range and wrong values
    expect(
        save(app, &token, "no_such_item", "3").await,
        StatusCode::NOT_FOUND,
        "no item",
    );
    expect(
        save(app, &token, &item, "6").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "1 to 5",
    );
    expect(
        save(app, &token, &item, "0").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "1 to 5",
    );
    expect(
        save(app, &token, &item, "3.5").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not an answer",
    );
    // oversized text: the reflection note has a limit
    let huge = "y".repeat(2001);
    let r = app
        .call(
            "submit_category",
            &[
                ("token", &token),
                ("index", "1"),
                ("go", "stay"),
                ("note", &huge),
            ],
        )
        .await;
    expect(r, StatusCode::UNPROCESSABLE_ENTITY, "too long");
    // a page with one good and one bad answer stores neither
    let (k1, k2) = (
        format!("answers[{}]", items(&inst, 0)[1]),
        format!("answers[{}]", items(&inst, 0)[2]),
    );
    let r = app
        .call(
            "submit_category",
            &[
                ("token", &token),
                ("index", "1"),
                ("go", "next"),
                (&k1, "4"),
                (&k2, "9"),
            ],
        )
        .await;
    expect(r, StatusCode::UNPROCESSABLE_ENTITY, "1 to 5");
    // an item of another page, an unknown page
    let other = format!("answers[{}]", items(&inst, 2)[0]);
    let r = app
        .call(
            "submit_category",
            &[
                ("token", &token),
                ("index", "1"),
                ("go", "next"),
                (&other, "4"),
            ],
        )
        .await;
    expect(r, StatusCode::UNPROCESSABLE_ENTITY, "does not belong");
    expect(
        app.call(
            "submit_category",
            &[("token", &token), ("index", "9"), ("go", "next")],
        )
        .await,
        StatusCode::NOT_FOUND,
        "no category 9",
    );
    // malformed requests: missing fields, wrong types, invalid encoding
    assert_eq!(
        app.call("save_answer", &[("token", &token)]).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.call("submit_category", &[("token", &token), ("index", "abc")])
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.post_raw(
            "save_answer",
            "token=%ff%fe&item=%80&value=1",
            "application/json"
        )
        .await
        .status
        .as_u16()
            / 100,
        4
    );
    assert_eq!(
        app.call("no_such_function", &[]).await.status.as_u16() / 100,
        4
    );
    // an unknown page address
    assert_eq!(
        app.get(&format!("/r/{}/c/1", "f".repeat(48))).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get("/no/such/page").await.status, StatusCode::NOT_FOUND);

    assert_eq!(
        (
            answer_count(app).await,
            app.count("SELECT COUNT(*) FROM reflections").await
        ),
        before,
        "nothing changed"
    );

    // after finishing (with most statements open, confirmed), answers are closed: replays are
    // refused
    let r = app
        .call(
            "submit_category",
            &[
                ("token", &token),
                ("index", "4"),
                ("go", "finish"),
                ("confirmed", "finish"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    expect(
        save(app, &token, &item, "5").await,
        StatusCode::CONFLICT,
        "finished",
    );
    expect(
        app.call(
            "submit_category",
            &[("token", &token), ("index", "1"), ("go", "finish")],
        )
        .await,
        StatusCode::CONFLICT,
        "finished",
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM answers WHERE value = '3'")
            .await,
        1,
        "the finished answer is unchanged"
    );
    let plan = "z".repeat(2001);
    expect(
        app.call("save_action_plan", &[("token", &token), ("plan", &plan)])
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "too long",
    );
}

async fn forms_work_without_javascript(app: &mut common::TestApp) {
    let inst = leadership();
    // start: the plain form is redirected to the first page
    let r = app
        .form(
            "start_reflection",
            &[
                ("instrument", LEADERSHIP),
                ("role", "teacher"),
                ("innovation", "pln"),
                ("consent", "no"),
                ("school_code", ""),
            ],
            "/start/leadership-reflection",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let loc = r.location();
    assert!(loc.starts_with("/r/") && loc.ends_with("/c/1"), "{loc}");
    let token = loc
        .trim_start_matches("/r/")
        .trim_end_matches("/c/1")
        .to_string();
    // a page of answers, then on to the next page
    let keys: Vec<String> = items(&inst, 0)
        .iter()
        .map(|i| format!("answers[{i}]"))
        .collect();
    let mut form: Vec<(&str, &str)> = vec![("token", &token), ("index", "1"), ("go", "next")];
    form.extend(keys.iter().map(|k| (k.as_str(), "2")));
    let r = app
        .form("submit_category", &form, &format!("/r/{token}/c/1"))
        .await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, format!("/r/{token}/c/2"))
    );
    assert_eq!(answer_count(app).await, 9);
    // back goes back
    let r = app
        .form(
            "submit_category",
            &[("token", &token), ("index", "2"), ("go", "back")],
            "/",
        )
        .await;
    assert_eq!(r.location(), format!("/r/{token}/c/1"));
    // an error comes back to the page with a readable message, and the page shows it
    let r = app
        .form(
            "submit_category",
            &[
                ("token", &token),
                ("index", "1"),
                ("go", "next"),
                (&keys[0], "7"),
            ],
            "/",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        r.location().starts_with(&format!("/r/{token}/c/1?error=")),
        "{}",
        r.location()
    );
    // the address carries a code, never the message (which would echo the posted value)
    assert!(r.location().ends_with("?error=invalid"), "{}", r.location());
    let page = app.get(&r.location()).await;
    assert!(page.body.contains("role=\"alert\""), "error shown");
    assert!(page.body.contains("Something in the form is not right"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM answers WHERE value = '7'")
            .await,
        0
    );
    // multiple choice checkboxes in the networking baseline
    let r = app
        .form(
            "start_reflection",
            &[
                ("instrument", "networking-baseline"),
                ("role", "headteacher"),
                ("innovation", "pln"),
                ("consent", "yes"),
            ],
            "/",
        )
        .await;
    let nb = r
        .location()
        .trim_start_matches("/r/")
        .trim_end_matches("/c/1")
        .to_string();
    let baseline = reflect::instrument::store::parse_instrument(
        std::path::Path::new("x"),
        &std::fs::read_to_string(common::instruments_dir().join("networking-baseline.toml"))
            .unwrap(),
    )
    .unwrap();
    let (ci, multi) = baseline
        .categories
        .iter()
        .enumerate()
        .find_map(|(ci, c)| {
            c.items()
                .find(|i| i.kind == reflect::instrument::ItemType::MultipleChoice)
                .map(|i| (ci, i.clone()))
        })
        .unwrap();
    let (o1, o2) = (
        format!("multi[{}][{}]", multi.id, multi.options[1].value),
        format!("multi[{}][{}]", multi.id, multi.options[0].value),
    );
    let page = (ci + 1).to_string();
    let r = app
        .form(
            "submit_category",
            &[
                ("token", &nb),
                ("index", &page),
                ("go", "stay"),
                (&o1, "on"),
                (&o2, "on"),
            ],
            "/",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let expected = format!("{},{}", multi.options[0].value, multi.options[1].value);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM answers WHERE item_id = '{}' AND value = '{expected}'",
            multi.id
        ))
        .await,
        1
    );
}

async fn respondents_delete_their_answers(app: &mut common::TestApp) {
    let inst = leadership();
    let keep = app.start(LEADERSHIP).await;
    save(app, &keep, &items(&inst, 0)[0], "4").await;
    let token = app.start(LEADERSHIP).await;
    answer_all(app, &token, &inst).await;
    app.call(
        "submit_category",
        &[
            ("token", &token),
            ("index", "4"),
            ("go", "finish"),
            ("note", "note"),
        ],
    )
    .await;
    // without the confirmation box nothing happens
    let r = app.call("delete_reflection", &[("token", &token)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer_count(app).await, 37);
    let r = app
        .form(
            "delete_reflection",
            &[("token", &token), ("confirm", "yes")],
            "/",
        )
        .await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/deleted".to_string())
    );
    assert_eq!(
        answer_count(app).await,
        1,
        "only the other respondent's answer is left"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM category_notes").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM reflections").await, 1);
    assert_eq!(
        app.call("get_profile", &[("token", &token)]).await.error(),
        AppError::unknown_reflection()
    );
    // deleting again is a clear "unknown", not a failure
    assert_eq!(
        app.call(
            "delete_reflection",
            &[("token", &token), ("confirm", "yes")]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

async fn pages_render(app: &mut common::TestApp) {
    if app.backend == common::Backend::Sqlite {
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(mode, "wal", "the SQLite file runs in WAL mode");
    }
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.body.contains("Leadership reflection") && home.body.contains("Networking baseline")
    );
    let start = app.get("/start/leadership-reflection").await;
    assert!(start.body.contains("name=\"consent\""));
    assert_eq!(app.get("/start/nope").await.status, StatusCode::NOT_FOUND);
    let token = app.start(LEADERSHIP).await;
    let page = app.get(&format!("/r/{token}/c/1")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Vision and goals"));
    assert!(page.body.contains("Category 1 of 4"));
    assert!(
        !page.body.contains("echarts"),
        "no chart library on the questionnaire pages"
    );
    // an unfinished profile sends the respondent back to the questionnaire
    let profile = app.get(&format!("/r/{token}/profile")).await;
    assert!(profile.body.contains("not finished yet"));
}

/// Next and Finish with statements left open ask once, keep the page's answers, and go on when
/// the respondent confirms; a profile on few answers names no weakest category.
async fn unanswered_statements_are_asked_about_once(app: &mut common::TestApp) {
    let inst = leadership();
    let token = app.start(LEADERSHIP).await;
    let page1 = items(&inst, 0);
    let (k0, k2) = (
        format!("answers[{}]", page1[0]),
        format!("answers[{}]", page1[2]),
    );
    let here = format!("/r/{token}/c/1");
    let r = app
        .form(
            "submit_category",
            &[
                ("token", &token),
                ("index", "1"),
                ("go", "next"),
                (&k0, "4"),
                (&k2, "2"),
            ],
            &here,
        )
        .await;
    assert_eq!(
        (r.status, r.location()),
        (
            StatusCode::SEE_OTHER,
            format!("{here}?unanswered=7#confirm")
        )
    );
    assert_eq!(answer_count(app).await, 2, "the page's answers are kept");
    let page = app.get(&format!("{here}?unanswered=7")).await;
    assert!(
        page.body
            .contains("7 statements on this page are not answered. Go on anyway?"),
        "{}",
        page.body
    );
    assert!(page.body.contains("name=\"confirmed\" value=\"next\""));
    // a confirmation for another button does not count
    let r = app
        .form(
            "submit_category",
            &[
                ("token", &token),
                ("index", "1"),
                ("go", "next"),
                ("confirmed", "back"),
            ],
            &here,
        )
        .await;
    assert!(r.location().contains("unanswered=7"), "{}", r.location());
    // confirmed: on to page 2, nothing else stored
    let r = app
        .form(
            "submit_category",
            &[
                ("token", &token),
                ("index", "1"),
                ("go", "next"),
                ("confirmed", "next"),
            ],
            &here,
        )
        .await;
    assert_eq!(r.location(), format!("/r/{token}/c/2"));
    assert_eq!(answer_count(app).await, 2);
    // a complete page goes on without a question
    let page2: Vec<String> = items(&inst, 1)
        .iter()
        .map(|i| format!("answers[{i}]"))
        .collect();
    let mut form: Vec<(&str, &str)> = vec![("token", &token), ("index", "2"), ("go", "next")];
    form.extend(page2.iter().map(|k| (k.as_str(), "3")));
    let r = app.form("submit_category", &form, "/").await;
    assert_eq!(r.location(), format!("/r/{token}/c/3"));
    // Finish with most of the reflection open: asked once, not finished
    let last = format!("/r/{token}/c/4");
    let r = app
        .form(
            "submit_category",
            &[("token", &token), ("index", "4"), ("go", "finish")],
            &last,
        )
        .await;
    assert_eq!(r.location(), format!("{last}?unanswered=25#confirm"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM reflections WHERE status = 'finished'")
            .await,
        0
    );
    let page = app.get(&format!("{last}?unanswered=25")).await;
    assert!(
        page.body
            .contains("25 statements of this reflection are not answered. Finish anyway?")
    );
    let r = app
        .form(
            "submit_category",
            &[
                ("token", &token),
                ("index", "4"),
                ("go", "finish"),
                ("confirmed", "finish"),
            ],
            &last,
        )
        .await;
    assert_eq!(r.location(), format!("/r/{token}/profile"));
    // the profile: page 1 has 2 of 9 answers, too few to compare; page 2 is complete
    let p: ProfileView = app.call("get_profile", &[("token", &token)]).await.json();
    assert_eq!(p.profile.weakest, vec!["teaching_learning".to_string()]);
    let ranked: Vec<bool> = p.profile.categories.iter().map(|c| c.ranked).collect();
    assert_eq!(ranked, [false, true, false, false]);
    assert_eq!(p.profile.categories[0].statements(), 9);
    let html = app.get(&format!("/r/{token}/profile")).await.body;
    assert!(html.contains("2 of 9"), "answers per category are shown");
    assert!(html.contains("too few answers to compare"));
}

on_both_backends!(
    unanswered_statements_are_asked_about_once,
    full_reflection,
    resume_by_link,
    saves_are_idempotent,
    bad_input_changes_nothing,
    forms_work_without_javascript,
    respondents_delete_their_answers,
    pages_render,
);
