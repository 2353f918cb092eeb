//! Crash harness (issue 6): the server runs as a process of its own (`reflect serve`) under
//! a load of answer saves and page submissions over HTTP, and is killed with SIGKILL at random
//! moments, then started again, round after round. Afterwards:
//! - every answer that got a success reply is stored (the value acknowledged, or one sent after it
//!   whose reply the kill cut off), once;
//! - every page submission is all or nothing: a page written in one request holds one value;
//! - no reply was a 5xx;
//! - SQLite's `PRAGMA integrity_check` says ok;
//! - the running aggregates agree with a recompute from the answers.
//!
//! `REFLECT_CRASH_ROUNDS` sets the number of kills per backend (default 12, so that the README
//! test command stays quick); the long run is `scripts/crash.sh` (200 kills per backend).
use crate::common;

use common::{encode as form, post, request, start_reflection};
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One write as the harness sent it: which reflection, which items, the value, and whether a
/// success reply came back.
#[derive(Debug, Clone)]
struct Write {
    token: String,
    items: Vec<String>,
    value: String,
    acked: bool,
}

fn body_of(reply: &str) -> &str {
    reply.split_once("\r\n\r\n").map_or("", |(_, b)| b)
}

/// A respondent's writes, one at a time, until the server dies: single answers for "item"
/// respondents, whole pages for "page" respondents. Records every write before it is sent and
/// marks it when the success reply arrives; 5xx replies are collected.
async fn respondent(
    addr: String,
    token: String,
    pages: Vec<Vec<String>>,
    whole_pages: bool,
    seed: u64,
    log: Arc<Mutex<Vec<Write>>>,
    server_errors: Arc<Mutex<Vec<String>>>,
) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    loop {
        let value = rng.gen_range(1..=5).to_string();
        // now and then a page writer finishes (from then on its answers are closed: 409)
        let finish = whole_pages && rng.gen_ratio(1, 40);
        let page = if finish {
            pages.len() - 1
        } else {
            rng.gen_range(0..pages.len())
        };
        let (items, body, name) = if whole_pages {
            let index = (page + 1).to_string();
            let go = if finish { "finish" } else { "stay" };
            let mut fields: Vec<(String, String)> = vec![
                ("token".into(), token.clone()),
                ("index".into(), index),
                ("go".into(), go.into()),
                ("confirmed".into(), go.into()),
            ];
            fields.extend(
                pages[page]
                    .iter()
                    .map(|i| (format!("answers[{i}]"), value.clone())),
            );
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            (pages[page].clone(), form(&pairs), "submit_category")
        } else {
            let item = pages[page][rng.gen_range(0..pages[page].len())].clone();
            let body = form(&[("token", &token), ("item", &item), ("value", &value)]);
            (vec![item], body, "save_answer")
        };
        let at = {
            let mut log = log.lock().unwrap();
            log.push(Write {
                token: token.clone(),
                items,
                value,
                acked: false,
            });
            log.len() - 1
        };
        match request(&addr, &post(name, None), &body).await {
            Ok((200, _)) => log.lock().unwrap()[at].acked = true,
            Ok((status, reply)) if status >= 500 => server_errors
                .lock()
                .unwrap()
                .push(format!("{name} {status}: {}", body_of(&reply))),
            Ok((0, _)) | Err(_) => return, // the server is gone
            Ok((409, _)) => return,        // finished: closed to answers
            Ok((status, reply)) => panic!("{name} answered {status}: {}", body_of(&reply)),
        }
    }
}

async fn acknowledged_answers_survive_kill_9(app: &mut common::TestApp) {
    let rounds: usize = std::env::var("REFLECT_CRASH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(12);
    let inst = common::leadership(app);
    let pages: Vec<Vec<String>> = inst
        .categories
        .iter()
        .map(|c| c.items().map(|i| i.id.clone()).collect())
        .collect();
    let log: Arc<Mutex<Vec<Write>>> = Arc::default();
    let server_errors: Arc<Mutex<Vec<String>>> = Arc::default();
    // (token, writes whole pages)
    let mut people: Vec<(String, bool)> = Vec::new();
    let mut rng = rand::rngs::StdRng::seed_from_u64(rounds as u64);
    for round in 0..rounds {
        let (server, addr) = common::spawn_server(app);
        // two new respondents a round, one of each kind
        for whole_pages in [false, true] {
            people.push((start_reflection(&addr).await.unwrap(), whole_pages));
        }
        let tasks: Vec<_> = people
            .iter()
            .enumerate()
            .map(|(i, (token, whole_pages))| {
                tokio::spawn(respondent(
                    addr.clone(),
                    token.clone(),
                    pages.clone(),
                    *whole_pages,
                    (round * 1000 + i) as u64,
                    log.clone(),
                    server_errors.clone(),
                ))
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(rng.gen_range(50..400))).await;
        drop(server); // SIGKILL, mid-write
        for t in tasks {
            tokio::time::timeout(Duration::from_secs(30), t)
                .await
                .expect("a writer hangs after the kill")
                .unwrap();
        }
    }

    // the server starts again on what the kills left, and takes answers
    let (server, addr) = common::spawn_server(app);
    let (token, _) = &people[0];
    let (status, reply) = request(
        &addr,
        &post("save_answer", None),
        &form(&[("token", token), ("item", &pages[0][0]), ("value", "3")]),
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{reply}");
    drop(server);
    let mut log = log.lock().unwrap().clone();
    log.push(Write {
        token: token.clone(),
        items: vec![pages[0][0].clone()],
        value: "3".into(),
        acked: true,
    });
    let acked = log.iter().filter(|w| w.acked).count();
    assert!(
        acked > rounds,
        "only {acked} writes acknowledged in {rounds} rounds"
    );

    // what is stored, per (token, item)
    let mut stored: HashMap<(String, String), String> = HashMap::new();
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT r.token_hash, a.item_id, a.value FROM answers a JOIN reflections r ON r.id = a.reflection_id",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    for (hash, item, value) in rows {
        assert!(
            stored.insert((hash, item), value).is_none(),
            "an answer stored twice"
        );
    }
    let hash = reflect::reflection::service::token_hash;
    // every acknowledged write: stored as acknowledged, or overwritten by a later write
    let mut checked = 0;
    for (i, w) in log.iter().enumerate().filter(|(_, w)| w.acked) {
        for item in &w.items {
            let later: Vec<&str> = log[i + 1..]
                .iter()
                .filter(|l| l.token == w.token && l.items.contains(item))
                .map(|l| l.value.as_str())
                .collect();
            let now = stored.get(&(hash(&w.token), item.clone()));
            assert!(
                now.is_some_and(|v| v == &w.value || later.contains(&v.as_str())),
                "write {i} ({item} = {}) acknowledged, now {now:?}",
                w.value
            );
            checked += 1;
        }
    }
    assert!(checked >= acked);
    // page writers: every page holds one value throughout, or nothing
    for (token, _) in people.iter().filter(|(_, whole)| *whole) {
        for page in &pages {
            let values: Vec<Option<&String>> = page
                .iter()
                .map(|i| stored.get(&(hash(token), i.clone())))
                .collect();
            assert!(
                values.iter().all(|v| *v == values[0]),
                "a page half stored: {values:?}"
            );
        }
    }
    let errors = server_errors.lock().unwrap().clone();
    assert!(errors.is_empty(), "server errors: {errors:?}");
    if app.backend == common::Backend::Sqlite {
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(check, "ok");
    }
    let aggregates = reflect::results::aggregates::stored(&app.state.db)
        .await
        .unwrap();
    let recomputed =
        reflect::results::aggregates::from_answers(&app.state.db, &app.state.instruments)
            .await
            .unwrap();
    assert_eq!(aggregates, recomputed);
    let finished = app
        .count("SELECT COUNT(*) FROM reflections WHERE status = 'finished'")
        .await;
    eprintln!(
        "crash harness: {rounds} kills, {} writes sent, {acked} acknowledged, all there; {finished} reflections finished, aggregates agree",
        log.len()
    );
}

on_both_backends!(acknowledged_answers_survive_kill_9);
