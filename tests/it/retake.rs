//! Retake and growth (issue 18): "reflect again" from a finished profile, the change per category
//! since each earlier reflection, last time's action plan, and deleting the chain — on SQLite and
//! PostgreSQL.
use crate::common;

use axum::http::StatusCode;
use reflect::reflection::model::ProfileView;
use reflect::results::aggregates;

async fn profile(app: &common::TestApp, token: &str) -> ProfileView {
    let r = app.call("get_profile", &[("token", token)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

async fn again(app: &common::TestApp, token: &str) -> common::Reply {
    app.call("reflect_again", &[("token", token)]).await
}

/// A finished chain's reflection, answered `value` everywhere.
async fn retaken(app: &common::TestApp, earlier: &str, value: &'static str) -> String {
    let r = again(app, earlier).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let token: String = r.json();
    assert_ne!(token, earlier, "a private link of its own");
    let pages = common::leadership(app).categories.len();
    common::answer_pages(app, &token, pages, |_, _, _| value.into()).await;
    token
}

async fn aggregates_match_the_answers(app: &common::TestApp) {
    let stored = aggregates::stored(&app.state.db).await.unwrap();
    let fresh = aggregates::from_answers(&app.state.db, &app.state.instruments)
        .await
        .unwrap();
    assert_eq!(
        stored, fresh,
        "the running aggregates are what the answers give"
    );
}

async fn a_retake_shows_the_change_and_its_chain_can_be_deleted(app: &mut common::TestApp) {
    common::add_school(app, "s1", "AAAABBBB", "nl").await;
    let start = [
        ("school_code", "AAAABBBB"),
        ("role", "deputy"),
        ("consent", "no"),
    ];
    // an unfinished reflection cannot be retaken
    let open = common::leadership_reflection(app, &start, 1, |_, _, _| "2".into()).await;
    assert_eq!(again(app, &open).await.status, StatusCode::CONFLICT);
    assert_eq!(
        again(app, "not-a-token").await.status,
        StatusCode::NOT_FOUND
    );

    let first = common::leadership_reflection(app, &start, 99, |_, _, _| "2".into()).await;
    let r = app
        .call(
            "save_action_plan",
            &[
                ("token", &first),
                ("plan", "Talk with the team about data."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(profile(app, &first).await.earlier.is_empty());

    let second = retaken(app, &first, "4").await;
    // the same context, a new reflection pointing to the first
    let rows: Vec<(String, Option<String>, String, String, i64)> = sqlx::query_as(
        "SELECT id, previous_id, school_id, role, consent_research FROM reflections WHERE status = 'finished' ORDER BY started_on, updated_at",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), 2);
    let first_id = rows.iter().find(|r| r.1.is_none()).unwrap().0.clone();
    let second_row = rows.iter().find(|r| r.1.is_some()).unwrap();
    assert_eq!(second_row.1.as_deref(), Some(first_id.as_str()));
    assert_eq!(
        (second_row.2.as_str(), second_row.3.as_str(), second_row.4),
        ("s1", "deputy", 0)
    );

    let p = profile(app, &second).await;
    assert_eq!(p.earlier.len(), 1);
    let e = &p.earlier[0];
    assert_eq!(
        e.action_plan.as_deref(),
        Some("Talk with the team about data.")
    );
    assert_eq!(e.means.len(), p.profile.categories.len());
    for (c, then) in p.profile.categories.iter().zip(&e.means) {
        assert_eq!(c.mean, Some(4.0), "{}", c.id);
        assert_eq!(*then, Some(2.0), "{}", c.id);
        assert_eq!(reflect::reflection::model::change(c.mean, *then), Some(2.0));
    }
    let page = app.get(&format!("/r/{second}/profile")).await;
    assert!(
        page.body.contains("Since your earlier reflection"),
        "{}",
        page.body
    );
    assert!(page.body.contains("+2.00"));
    assert!(page.body.contains("Talk with the team about data."));
    // the earlier profile is unchanged and still opens
    assert!(profile(app, &first).await.earlier.is_empty());

    // a third: both earlier ones, newest first
    let third = retaken(app, &second, "3").await;
    let p = profile(app, &third).await;
    let thens: Vec<Option<f64>> = p.earlier.iter().map(|e| e.means[0]).collect();
    assert_eq!(thens, vec![Some(4.0), Some(2.0)]);
    assert!(
        app.get(&format!("/r/{third}/profile"))
            .await
            .body
            .contains("Also delete my earlier reflections (2)")
    );
    aggregates_match_the_answers(app).await;
    let count = || app.count("SELECT CAST(COUNT(*) AS BIGINT) FROM reflections");
    assert_eq!(count().await, 4);

    // deleting the middle one alone: the chain closes around nothing, the third loses only it
    let r = app
        .call(
            "delete_reflection",
            &[("token", &second), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(count().await, 3);
    assert!(
        profile(app, &third).await.earlier.is_empty(),
        "the link to the deleted one is gone"
    );
    assert!(profile(app, &first).await.earlier.is_empty());
    aggregates_match_the_answers(app).await;

    // a new chain, deleted whole on request: the retake and every earlier reflection
    let fourth = retaken(app, &first, "5").await;
    let fifth = retaken(app, &fourth, "1").await;
    assert_eq!(profile(app, &fifth).await.earlier.len(), 2);
    let r = app
        .call(
            "delete_reflection",
            &[("token", &fifth), ("confirm", "yes"), ("earlier", "yes")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for gone in [&first, &fourth, &fifth] {
        assert_eq!(
            app.call("get_profile", &[("token", gone)]).await.status,
            StatusCode::NOT_FOUND
        );
    }
    // the third and the unfinished one stay; no answers of the chain are left
    assert_eq!(count().await, 2);
    assert_eq!(
        app.count("SELECT CAST(COUNT(*) AS BIGINT) FROM answers WHERE reflection_id NOT IN (SELECT id FROM reflections)").await,
        0
    );
    aggregates_match_the_answers(app).await;
    // without JavaScript: reflect again is a 303 to the new reflection's first page
    let r = app
        .form(
            "reflect_again",
            &[("token", &third)],
            &format!("/r/{third}/profile"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().ends_with("/c/1"), "{}", r.location());
}

on_both_backends!(a_retake_shows_the_change_and_its_chain_can_be_deleted);
