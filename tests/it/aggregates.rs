//! Running aggregates agree with a recompute from the answers after random workloads (start,
//! answer, change, finish, delete), on SQLite and PostgreSQL.
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
        1 => (0..2usize, 0..5usize, 0..3usize).prop_map(|(instrument, role, innovation)| Step::Start { instrument, role, innovation }),
        3 => answer,
        1 => (0..8usize).prop_map(|who| Step::Finish { who }),
        1 => (0..8usize).prop_map(|who| Step::Delete { who }),
    ]
}

async fn aggregates_agree_with_a_recompute(app: &mut common::TestApp) {
    let instruments = ["leadership-reflection", "networking-baseline"];
    let roles = ["headteacher", "deputy", "middle_leader", "teacher", "other"];
    let innovations = ["data_use", "pln", "other"];
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
}

on_both_backends!(aggregates_agree_with_a_recompute);
