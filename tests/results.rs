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
async fn finished(app: &common::TestApp, school_code: &str, role: &str, low: &str) -> String {
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
    token
}

async fn group_results_come_from_the_aggregates(app: &mut common::TestApp) {
    add_school(app, "school-a", "ABCD2345", "nl").await;
    add_school(app, "school-b", "EFGH6789", "be").await;
    for n in 0..6 {
        let _ = finished(
            app,
            "abcd-2345",
            if n == 0 { "headteacher" } else { "teacher" },
            "2",
        )
        .await;
    }
    for _ in 0..4 {
        let _ = finished(app, "EFGH6789", "teacher", "3").await;
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

async fn profiles_show_school_and_overall_means(app: &mut common::TestApp) {
    use reflect::reflection::model::ProfileView;
    add_school(app, "school-a", "ABCD2345", "nl").await;
    add_school(app, "school-b", "EFGH6789", "be").await;
    let mut in_a = String::new();
    for _ in 0..6 {
        in_a = finished(app, "ABCD2345", "teacher", "2").await;
    }
    let mut in_b = String::new();
    for _ in 0..4 {
        in_b = finished(app, "EFGH6789", "teacher", "3").await;
    }
    let teaching = 1; // position of teaching_learning in the profile
    let p: ProfileView = app.call("get_profile", &[("token", &in_a)]).await.json();
    assert_eq!(p.comparisons.len(), 2);
    let (school, all) = (&p.comparisons[0], &p.comparisons[1]);
    assert_eq!(
        (
            school.label.as_str(),
            school.respondents,
            school.more_needed
        ),
        ("Your school", 6, 0)
    );
    assert_eq!(school.means[teaching], Some(2.0));
    assert_eq!((all.respondents, all.more_needed), (10, 0));
    assert!((all.means[teaching].unwrap() - 2.4).abs() < 1e-9);
    // school B has 4: its means are withheld, only how many more are needed
    let p: ProfileView = app.call("get_profile", &[("token", &in_b)]).await.json();
    assert_eq!(
        (p.comparisons[0].respondents, p.comparisons[0].more_needed),
        (4, 1)
    );
    assert!(p.comparisons[0].means.is_empty());
    let html = app.get(&format!("/r/{in_b}/profile")).await;
    assert!(html.body.contains(
        "Your school: shown from 5 respondents, to keep answers anonymous (1 more needed)."
    ));
    assert!(html.body.contains("All respondents (n = 10)"));
}

on_both_backends!(
    group_results_come_from_the_aggregates,
    profiles_show_school_and_overall_means
);
