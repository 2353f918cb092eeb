//! Group results read from the running aggregates, per school, country and all, with the minimum
//! group size applied — on SQLite and PostgreSQL.
mod common;

use axum::http::StatusCode;
use reflect::results::compute::compute;
use reflect::results::db::{Filter, Scope, item_counts, respondents};

async fn add_school(app: &common::TestApp, id: &str, code: &str, country: &str) {
    sqlx::query("INSERT INTO schools (id, code, name, created_at, country) VALUES ($1, $2, $3, '2026-11-22T00:00:00Z', $4)")
        .bind(id)
        .bind(code)
        .bind(format!("School {id}"))
        .bind(country)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
}

/// A finished leadership reflection in a school: `low` on the teaching category, 4 elsewhere.
async fn finished(app: &common::TestApp, school_code: &str, role: &str, low: &str) {
    let r = app
        .call(
            "start_reflection",
            &[
                ("instrument", "leadership-reflection"),
                ("role", role),
                ("innovation", "pln"),
                ("consent", "yes"),
                ("school_code", school_code),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let token: String = r.json();
    let inst = app
        .state
        .instruments
        .latest("leadership-reflection")
        .unwrap()
        .instrument
        .clone();
    for (c, cat) in inst.categories.iter().enumerate() {
        let page = (c + 1).to_string();
        let keys: Vec<String> = cat.items().map(|i| format!("answers[{}]", i.id)).collect();
        let value = if cat.id == "teaching_learning" {
            low
        } else {
            "4"
        };
        let go = if c + 1 == inst.categories.len() {
            "finish"
        } else {
            "next"
        };
        let mut form: Vec<(&str, &str)> = vec![("token", &token), ("index", &page), ("go", go)];
        form.extend(keys.iter().map(|k| (k.as_str(), value)));
        let r = app.call("submit_category", &form).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
}

async fn group_results_come_from_the_aggregates(app: &mut common::TestApp) {
    add_school(app, "school-a", "ABCD2345", "nl").await;
    add_school(app, "school-b", "EFGH6789", "be").await;
    for n in 0..6 {
        finished(
            app,
            "abcd-2345",
            if n == 0 { "headteacher" } else { "teacher" },
            "2",
        )
        .await;
    }
    for _ in 0..4 {
        finished(app, "EFGH6789", "teacher", "3").await;
    }
    let db = &app.state.db;
    let all = Filter::default();
    let inst = app
        .state
        .instruments
        .latest("leadership-reflection")
        .unwrap()
        .instrument
        .clone();
    assert_eq!(
        respondents(db, "leadership-reflection", &Scope::All, &all)
            .await
            .unwrap(),
        10
    );
    assert_eq!(
        respondents(
            db,
            "leadership-reflection",
            &Scope::School("school-a".into()),
            &all
        )
        .await
        .unwrap(),
        6
    );
    assert_eq!(
        respondents(
            db,
            "leadership-reflection",
            &Scope::Country("be".into()),
            &all
        )
        .await
        .unwrap(),
        4
    );
    let teachers = Filter {
        role: Some("teacher".into()),
        ..Default::default()
    };
    assert_eq!(
        respondents(db, "leadership-reflection", &Scope::All, &teachers)
            .await
            .unwrap(),
        9
    );
    let future = Filter {
        from: Some("2999-01".into()),
        ..Default::default()
    };
    assert_eq!(
        respondents(db, "leadership-reflection", &Scope::All, &future)
            .await
            .unwrap(),
        0
    );

    // school A: 6 respondents, shows; teaching needs most work (mean 2)
    let scope = Scope::School("school-a".into());
    let counts = item_counts(db, "leadership-reflection", &scope, &all)
        .await
        .unwrap();
    let r = compute(&inst, 6, &counts, 5);
    assert_eq!(r.more_needed, 0);
    assert_eq!(r.ranking[0].ids, ["teaching_learning"]);
    let teaching = r
        .categories
        .iter()
        .find(|c| c.id == "teaching_learning")
        .unwrap();
    assert_eq!(
        teaching.distribution.counts,
        [0, 54, 0, 0, 0],
        "6 respondents × 9 statements answered 2"
    );
    assert_eq!(teaching.estimate.unwrap().mean, 2.0);
    // school B: 4 respondents, below k = 5 — nothing but how many more are needed
    let counts = item_counts(
        db,
        "leadership-reflection",
        &Scope::School("school-b".into()),
        &all,
    )
    .await
    .unwrap();
    let r = compute(&inst, 4, &counts, 5);
    assert_eq!((r.more_needed, r.categories.len()), (1, 0));
    // everyone: teaching mean (6×2 + 4×3)/10 = 2.4
    let counts = item_counts(db, "leadership-reflection", &Scope::All, &all)
        .await
        .unwrap();
    let r = compute(&inst, 10, &counts, 5);
    let teaching = r
        .categories
        .iter()
        .find(|c| c.id == "teaching_learning")
        .unwrap();
    assert!((teaching.estimate.unwrap().mean - 2.4).abs() < 1e-9);
}

on_both_backends!(group_results_come_from_the_aggregates);
