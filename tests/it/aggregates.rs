//! Running aggregates agree with a recompute from the answers after random workloads (start in
//! any language, answer, change, finish, delete), on SQLite and PostgreSQL; and the counts made
//! before languages were counted (migration 0013) are English.
use crate::common;

use axum::http::StatusCode;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRng, TestRunner};
use reflect::results::aggregates;

#[derive(Debug, Clone)]
enum Step {
    Start {
        instrument: usize,
        role: usize,
        innovation: usize,
        language: usize,
    },
    Answer {
        who: usize,
        item: usize,
        value: usize,
    },
    Finish {
        who: usize,
    },
    Delete {
        who: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let answer = (0..8usize, 0..200usize, 0..8usize).prop_map(|(who, item, value)| Step::Answer {
        who,
        item,
        value,
    });
    prop_oneof![
        1 => (0..2usize, 0..5usize, 0..3usize, 0..3usize).prop_map(|(instrument, role, innovation, language)| Step::Start { instrument, role, innovation, language }),
        3 => answer,
        1 => (0..8usize).prop_map(|who| Step::Finish { who }),
        1 => (0..8usize).prop_map(|who| Step::Delete { who }),
    ]
}

async fn aggregates_agree_with_a_recompute(app: &mut common::TestApp) {
    let instruments = ["leadership-reflection", "networking-baseline"];
    let roles = ["headteacher", "deputy", "middle_leader", "teacher", "other"];
    let innovations = ["data_use", "pln", "other"];
    let languages = ["en", "nl", "sv"];
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha),
    );
    for round in 0..3 {
        let steps = prop::collection::vec(step(), 40..80)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let mut people: Vec<(String, usize)> = Vec::new();
        for s in steps {
            match s {
                Step::Start {
                    instrument,
                    role,
                    innovation,
                    language,
                } => {
                    let r = app
                        .call(
                            "start_reflection",
                            &[
                                ("instrument", instruments[instrument]),
                                ("role", roles[role]),
                                ("innovation", innovations[innovation]),
                                ("consent", "yes"),
                                ("innovation_detail", "x"),
                                ("language", languages[language]),
                            ],
                        )
                        .await;
                    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                    people.push((r.json::<String>(), instrument));
                }
                Step::Answer { who, item, value } if !people.is_empty() => {
                    let (token, instrument) = &people[who % people.len()];
                    let inst = &app
                        .state
                        .instruments
                        .latest(instruments[*instrument])
                        .unwrap()
                        .instrument;
                    let items: Vec<&reflect::instrument::Item> =
                        inst.categories.iter().flat_map(|c| c.items()).collect();
                    let it = items[item % items.len()];
                    let v = match it.kind {
                        reflect::instrument::ItemType::Likert => {
                            if value == 0 {
                                "na".to_string()
                            } else {
                                (1 + value % 5).to_string()
                            }
                        }
                        reflect::instrument::ItemType::SingleChoice => {
                            it.options[value % it.options.len()].value.clone()
                        }
                        reflect::instrument::ItemType::MultipleChoice => {
                            let k = it
                                .max_choices
                                .unwrap_or(it.options.len())
                                .min(1 + value % 3);
                            it.options
                                .iter()
                                .take(k)
                                .map(|o| o.value.clone())
                                .collect::<Vec<_>>()
                                .join(",")
                        }
                        reflect::instrument::ItemType::Number => it.min.unwrap_or(0.0).to_string(),
                        _ => "word".to_string(),
                    };
                    // finished reflections refuse answers (409); others accept them
                    let r = app
                        .call(
                            "save_answer",
                            &[("token", token), ("item", &it.id), ("value", &v)],
                        )
                        .await;
                    assert!(
                        r.status == StatusCode::OK
                            || r.status == StatusCode::CONFLICT
                            || r.status == StatusCode::NOT_FOUND,
                        "{}",
                        r.body
                    );
                }
                Step::Finish { who } if !people.is_empty() => {
                    let (token, instrument) = &people[who % people.len()];
                    let last = app
                        .state
                        .instruments
                        .latest(instruments[*instrument])
                        .unwrap()
                        .instrument
                        .categories
                        .len()
                        .to_string();
                    app.call(
                        "submit_category",
                        &[
                            ("token", token),
                            ("index", &last),
                            ("go", "finish"),
                            ("confirmed", "finish"),
                        ],
                    )
                    .await;
                }
                Step::Delete { who } if !people.is_empty() => {
                    let (token, _) = people.remove(who % people.len());
                    let r = app
                        .call(
                            "delete_reflection",
                            &[("token", &token), ("confirm", "yes")],
                        )
                        .await;
                    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                }
                _ => {}
            }
        }
        let stored = aggregates::stored(&app.state.db).await.unwrap();
        let fresh = aggregates::from_answers(&app.state.db, &app.state.instruments)
            .await
            .unwrap();
        assert_eq!(
            stored, fresh,
            "round {round}: running aggregates differ from a recompute"
        );
        // the recompute writes the same tables back
        aggregates::recompute(&app.state.db, &app.state.instruments)
            .await
            .unwrap();
        assert_eq!(aggregates::stored(&app.state.db).await.unwrap(), fresh);
        if round == 2 {
            assert!(
                !fresh.respondents.is_empty() && !fresh.answers.is_empty(),
                "the workload finished some reflections"
            );
        }
    }
    let finished = app
        .count("SELECT COUNT(*) FROM reflections WHERE status = 'finished'")
        .await;
    let counted = app
        .count("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM respondent_counts WHERE level = 'all' AND role = '*'")
        .await;
    assert_eq!(finished, counted);
    // the workload counted several languages, each by itself
    let languages_counted = app
        .count("SELECT COUNT(DISTINCT language) FROM respondent_counts WHERE level = 'all' AND language <> '*'")
        .await;
    assert!(languages_counted > 1, "{languages_counted}");
}

on_both_backends!(aggregates_agree_with_a_recompute);

/// A database of its own for a migration test, on the app's backend.
enum Fresh {
    File(std::path::PathBuf),
    Database(String),
}

/// A new, empty database: its address, and what to remove afterwards ([`remove`]).
async fn fresh_database(app: &common::TestApp) -> (String, Fresh) {
    use sqlx::Connection;
    let id = uuid::Uuid::new_v4().simple().to_string();
    match app.backend {
        common::Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("reflect-migration-{id}"));
            std::fs::create_dir_all(&dir).unwrap();
            let url = format!("sqlite://{}?mode=rwc", dir.join("old.db").display());
            (url, Fresh::File(dir))
        }
        common::Backend::Postgres => {
            let admin = common::pg_admin_url();
            let name = format!("reflect_migration_{id}");
            let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .unwrap();
            conn.close().await.ok();
            let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
            (format!("{base}/{name}"), Fresh::Database(name))
        }
    }
}

async fn remove(fresh: Fresh) {
    use sqlx::Connection;
    match fresh {
        Fresh::File(dir) => {
            std::fs::remove_dir_all(dir).ok();
        }
        Fresh::Database(name) => {
            if let Ok(mut conn) = sqlx::PgConnection::connect(&common::pg_admin_url()).await {
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await
                    .ok();
            }
        }
    }
}

/// Migration 0013 on a database with counts from before it: every row is kept, a detailed row as
/// English (every reflection before 0011 was answered in English), a group's total row with
/// language '*'; the results read them as before, and as English.
async fn counts_from_before_languages_are_english(app: &mut common::TestApp) {
    use reflect::results::model::Scope;
    use reflect::results::privacy::ViewFilter;
    use reflect::server::db::MIGRATOR;
    let (url, fresh) = fresh_database(app).await;
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let before = sqlx::migrate::Migrator {
        migrations: std::borrow::Cow::Owned(
            MIGRATOR
                .migrations
                .iter()
                .filter(|m| m.version < 13)
                .cloned()
                .collect(),
        ),
        ..sqlx::migrate::Migrator::DEFAULT
    };
    assert_eq!(before.migrations.len(), 12);
    before.run(&pool).await.unwrap();
    let group = "'all', '', 'leadership-reflection', 1";
    for sql in [
        format!("INSERT INTO respondent_counts VALUES ({group}, 'teacher', 'pln', '2026-11', 7)"),
        format!("INSERT INTO respondent_counts VALUES ({group}, '*', '*', '*', 7)"),
        format!(
            "INSERT INTO answer_counts VALUES ({group}, 'teacher', 'pln', '2026-11', 'tl_1', '2', 7)"
        ),
        format!("INSERT INTO answer_counts VALUES ({group}, '*', '*', '*', 'tl_1', '2', 7)"),
        format!(
            "INSERT INTO pending_respondent_counts VALUES ({group}, 'teacher', 'pln', '2026-12', '', 2, 2)"
        ),
        format!("INSERT INTO pending_respondent_counts VALUES ({group}, '*', '*', '*', '', 2, 2)"),
        format!(
            "INSERT INTO pending_answer_counts VALUES ({group}, 'teacher', 'pln', '2026-12', 'tl_1', '4', 2)"
        ),
        format!(
            "INSERT INTO pending_answer_counts VALUES ({group}, '*', '*', '*', 'tl_1', '4', 2)"
        ),
    ] {
        sqlx::query(&sql).execute(&pool).await.unwrap();
    }
    // up to 0017 here; 0018 (totals by role) is checked below
    let up_to_17 = sqlx::migrate::Migrator {
        migrations: std::borrow::Cow::Owned(
            MIGRATOR
                .migrations
                .iter()
                .filter(|m| m.version <= 17)
                .cloned()
                .collect(),
        ),
        ..sqlx::migrate::Migrator::DEFAULT
    };
    up_to_17.run(&pool).await.unwrap();
    for table in [
        "respondent_counts",
        "answer_counts",
        "pending_respondent_counts",
        "pending_answer_counts",
    ] {
        let mut rows: Vec<(String, String)> =
            sqlx::query_as(&format!("SELECT month, language FROM {table}"))
                .fetch_all(&pool)
                .await
                .unwrap();
        rows.sort();
        let month = if table.starts_with("pending") {
            "2026-12"
        } else {
            "2026-11"
        };
        assert_eq!(
            rows,
            [
                ("*".to_string(), "*".to_string()),
                (month.to_string(), "en".to_string())
            ],
            "{table}"
        );
    }
    let n: i64 = sqlx::query_scalar(
        "SELECT CAST(SUM(n) AS BIGINT) FROM answer_counts WHERE language = 'en' AND value = '2'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(n, 7);
    // and migration 0016 puts them outside any round: '' in detail rows, '*' in total rows
    for table in ["respondent_counts", "pending_answer_counts"] {
        let mut rows: Vec<(String, String)> =
            sqlx::query_as(&format!("SELECT month, round_id FROM {table}"))
                .fetch_all(&pool)
                .await
                .unwrap();
        rows.sort();
        assert_eq!(rows[0], ("*".to_string(), "*".to_string()), "{table}");
        assert_eq!(rows[1].1, "", "{table}");
    }
    // migration 0018 adds each group's totals by role, summed from the detailed rows
    MIGRATOR.run(&pool).await.unwrap();
    for (table, n) in [
        ("respondent_counts", 7),
        ("answer_counts", 7),
        ("pending_respondent_counts", 2),
        ("pending_answer_counts", 2),
    ] {
        let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(&format!(
            "SELECT innovation, month, language, round_id, n FROM {table} WHERE role = 'teacher' AND month = '*'"
        ))
        .fetch_all(&pool)
        .await
        .unwrap();
        let star = || "*".to_string();
        assert_eq!(rows, [(star(), star(), star(), star(), n)], "{table}");
    }
    let changes: i64 = sqlx::query_scalar(
        "SELECT changes FROM pending_respondent_counts WHERE role = 'teacher' AND month = '*'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(changes, 2);
    // the language is part of the key: the same cell in Dutch is a row of its own
    sqlx::query(&format!(
        "INSERT INTO respondent_counts (level, group_key, instrument_id, instrument_version, role, innovation, month, language, round_id, n)
         VALUES ({group}, 'teacher', 'pln', '2026-11', 'nl', '', 1)"
    ))
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    // the app starts on the migrated database and reads the counts by language
    let state = common::TestApp::state_for(&url, common::instruments_dir())
        .await
        .unwrap();
    let count = |language: Option<reflect::lang::Locale>| {
        let f = ViewFilter {
            language,
            ..Default::default()
        };
        let db = state.db.clone();
        async move {
            reflect::results::service::respondents(&db, "leadership-reflection", &Scope::All, &f)
                .await
                .unwrap()
        }
    };
    assert_eq!(count(None).await, 7, "the total row");
    assert_eq!(count(Some(reflect::lang::Locale::en)).await, 7);
    assert_eq!(count(Some(reflect::lang::Locale::nl)).await, 1);
    common::close(&state.db.pool).await;
    remove(fresh).await;
}

on_both_backends!(counts_from_before_languages_are_english);

/// Thirty respondents of one school finish at the same moment. Each finish adds to the pending
/// counts of its school and of everyone, and one of them releases the school's: no count may
/// be lost between a release's copy of the pending counts and their deletion, while the other
/// finishes add to them.
async fn finishes_at_the_same_moment_lose_no_count(app: &mut common::TestApp) {
    common::add_school(app, "s1", "ABCD2345", "nl").await;
    let total = common::leadership(app).categories.len();
    let mut tokens = Vec::new();
    for i in 0..30 {
        let role = ["teacher", "headteacher", "deputy"][i % 3];
        let r = app
            .call(
                "start_reflection",
                &[
                    ("instrument", "leadership-reflection"),
                    ("role", role),
                    ("innovation", "pln"),
                    ("innovation_detail", "x"),
                    ("consent", "yes"),
                    ("school_code", "ABCD2345"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let token: String = r.json();
        common::answer_pages(app, &token, total - 1, |_, _, _| "3".to_string()).await;
        tokens.push(token);
    }
    let inst = common::leadership(app);
    let last = inst.categories.last().unwrap();
    let answers: Vec<(String, String)> = last
        .items()
        .map(|item| (format!("answers[{}]", item.id), "4".to_string()))
        .collect();
    let page = total.to_string();
    let forms: Vec<Vec<(&str, &str)>> = tokens
        .iter()
        .map(|t| {
            let mut form = vec![
                ("token", t.as_str()),
                ("index", page.as_str()),
                ("go", "finish"),
                ("confirmed", "finish"),
            ];
            form.extend(answers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            form
        })
        .collect();
    let replies =
        futures::future::join_all(forms.iter().map(|f| app.call("submit_category", f))).await;
    for r in &replies {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let fresh = aggregates::from_answers(&app.state.db, &app.state.instruments)
        .await
        .unwrap();
    let stored = aggregates::stored(&app.state.db).await.unwrap();
    let differ: Vec<_> = fresh
        .respondents
        .iter()
        .filter(|(c, n)| stored.respondents.get(*c) != Some(*n))
        .collect();
    assert!(differ.is_empty(), "respondent counts lost: {differ:?}");
    assert_eq!(stored, fresh);
}

on_both_backends!(finishes_at_the_same_moment_lose_no_count);
