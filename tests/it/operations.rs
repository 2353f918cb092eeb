//! Operations (issue 19): the health and readiness checks — on SQLite and PostgreSQL.
use crate::common;

use axum::http::{StatusCode, header};

async fn health_and_readiness_answer_without_data(app: &mut common::TestApp) {
    for (path, body) in [("/healthz", "ok\n"), ("/readyz", "ready\n")] {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        assert_eq!(r.body, body, "{path}");
        assert_eq!(r.headers[header::CACHE_CONTROL], "no-store", "{path}");
        assert!(
            r.headers.get(header::SET_COOKIE).is_none(),
            "{path}: no session"
        );
    }
    // a migration this binary knows that the database lacks: not ready, still alive
    sqlx::query(
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)",
    )
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    let r = app.get("/readyz").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert_eq!(r.body, "not ready: migrations are missing\n");
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    // the database gone: not ready, still alive
    common::close(&app.state.db.pool).await;
    let r = app.get("/readyz").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert_eq!(r.body, "not ready: the database cannot be read\n");
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
}

/// The real process's request logs as JSON: one line per request with its id, the route's pattern
/// and the status; no private link's token, no address, no user agent, nothing typed.
async fn logs_name_routes_never_people(app: &mut common::TestApp) {
    use common::{encode, post, request};
    let log = std::env::temp_dir().join(format!("reflect-log-{}.txt", uuid::Uuid::new_v4()));
    let file = std::fs::File::create(&log).unwrap();
    let (server, addr) = common::spawn_server_with(
        app,
        &[
            ("REFLECT_LOG_FORMAT", "json"),
            ("RUST_LOG", "info,sqlx=warn"),
        ],
        file.into(),
    );
    let token = common::start_reflection(&addr).await.unwrap();
    let head = format!(
        "GET /r/{token}/c/1 HTTP/1.1\r\nAccept: text/html\r\nUser-Agent: AgentSmith/1.0\r\nX-Forwarded-For: 203.0.113.77\r\nX-Request-Id: proxy-id-42"
    );
    let (status, reply) = request(&addr, &head, "").await.unwrap();
    assert_eq!(status, 200, "{reply}");
    assert!(
        reply.to_lowercase().contains("x-request-id: proxy-id-42"),
        "a proxy's id goes back with the response"
    );
    // words typed into a request body (answered or refused, they pass through the server)
    let (status, _) = request(
        &addr,
        &post("save_action_plan", None),
        &encode(&[("token", &token), ("plan", "MY-SECRET-WORDS")]),
    )
    .await
    .unwrap();
    assert!(status > 0);
    // an id that is not a plain id is replaced by one of the server's
    let (_, reply) = request(
        &addr,
        "GET /healthz?who=AgentSmith HTTP/1.1\r\nX-Request-Id: not{plain}",
        "",
    )
    .await
    .unwrap();
    let id = reply
        .lines()
        .find_map(|l| {
            l.to_lowercase()
                .strip_prefix("x-request-id: ")
                .map(str::to_string)
        })
        .expect("a request id");
    assert!(
        id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()),
        "{id}"
    );
    drop(server);
    let text = std::fs::read_to_string(&log).unwrap();
    std::fs::remove_file(&log).ok();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let answered: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["message"] == "answered")
        .collect();
    assert!(answered.len() >= 4, "{text}");
    assert!(
        answered
            .iter()
            .any(|l| l["span"]["route"] == "/r/{token}/c/{n}"
                && l["status"] == 200
                && l["span"]["id"] == "proxy-id-42"),
        "{text}"
    );
    assert!(
        answered
            .iter()
            .any(|l| l["span"]["route"] == "/healthz" && l["span"]["id"] == id.as_str())
    );
    for secret in [
        token.as_str(),
        "203.0.113.77",
        "127.0.0.1",
        "AgentSmith",
        "MY-SECRET-WORDS",
    ] {
        assert!(!text.contains(secret), "{secret} in the logs:\n{text}");
    }
}

/// The binary started in an empty folder, with no instruments folder set: the shipped instruments
/// are in it, so it is ready and serves the questionnaire. Metrics are served on their own
/// address only, count requests by route and answers saved, and hold no token.
async fn the_binary_runs_anywhere_with_metrics_apart(app: &mut common::TestApp) {
    use common::{encode, post, request};
    let folder = std::env::temp_dir().join(format!("reflect-anywhere-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&folder).unwrap();
    let metrics_addr = {
        let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        free.local_addr().unwrap().to_string()
    };
    let (_server, addr) = common::spawn_server_in(
        app,
        Some(&folder),
        &[
            ("REFLECT_INSTRUMENTS_DIR", ""),
            ("REFLECT_METRICS_ADDR", &metrics_addr),
        ],
        std::process::Stdio::inherit(),
    );
    let (status, reply) = request(&addr, "GET /readyz HTTP/1.1", "").await.unwrap();
    assert_eq!(status, 200, "{reply}");
    let (status, reply) = request(
        &addr,
        "GET /start/leadership-reflection HTTP/1.1\r\nAccept: text/html",
        "",
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{reply}");
    assert!(reply.contains("Leadership reflection"), "{reply}");
    assert!(
        std::fs::read_dir(&folder).unwrap().next().is_none(),
        "nothing written there"
    );

    let token = common::start_reflection(&addr).await.unwrap();
    let (status, reply) = request(
        &addr,
        &post("save_answer", None),
        &encode(&[("token", &token), ("item", "org_vision_1"), ("value", "4")]),
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{reply}");
    // never on the public address
    let (status, _) = request(&addr, "GET /metrics HTTP/1.1", "").await.unwrap();
    assert_eq!(status, 404);
    let (status, metrics) = request(&metrics_addr, "GET /metrics HTTP/1.1", "")
        .await
        .unwrap();
    assert_eq!(status, 200, "{metrics}");
    for wanted in [
        "reflect_http_requests_total{route=\"/readyz\",method=\"GET\",status=\"200\"} 1",
        "reflect_http_requests_total{route=\"/api/save_answer\",method=\"POST\",status=\"200\"} 1",
        "reflect_http_requests_total{route=\"(no route)\",method=\"GET\",status=\"404\"} 1",
        "reflect_http_request_duration_seconds_bucket{route=\"/start/{instrument}\"",
        "reflect_answer_saves_total 1",
        "reflect_answer_save_batch_size_count 1",
        "reflect_db_pool_connections{state=\"idle\"}",
        "reflect_live_streams_open",
    ] {
        assert!(metrics.contains(wanted), "{wanted} in\n{metrics}");
    }
    assert!(!metrics.contains(&token), "no token in the metrics");
    std::fs::remove_dir_all(&folder).unwrap();
}

on_both_backends!(
    health_and_readiness_answer_without_data,
    logs_name_routes_never_people,
    the_binary_runs_anywhere_with_metrics_apart
);

/// The shipped binary refuses to start on an invalid setting: exit code 2 and a line naming the
/// variable, the value and the reason, before touching any database.
#[test]
fn an_invalid_setting_stops_the_binary_at_start() {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_reflect"));
    for (k, _) in std::env::vars() {
        if k.starts_with("REFLECT_") || k.starts_with("LEPTOS_") || k == "DATABASE_URL" {
            command.env_remove(k);
        }
    }
    let dir = std::env::temp_dir().join(format!("reflect-config-{}", uuid::Uuid::new_v4()));
    let database = dir.join("never.db");
    let out = command
        .arg("serve")
        .env("DATABASE_URL", format!("sqlite://{}", database.display()))
        .env("REFLECT_MIN_GROUP_SIZE", "1O")
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .output()
        .expect("run the binary");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("REFLECT_MIN_GROUP_SIZE=\"1O\" is not valid: it must be a whole number"),
        "{stderr}"
    );
    assert!(!database.exists(), "no database was made");
}

/// `reflect --help` and help per command, as the IT person types them: exit 0 and the commands,
/// options and variables on standard output; an unknown command exits 2 with the usage.
#[test]
fn the_binary_answers_help_for_every_command() {
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_reflect"))
            .args(args)
            .env_remove("REFLECT_MIN_GROUP_SIZE")
            .output()
            .expect("run the binary")
    };
    let help = run(&["--help"]);
    assert_eq!(help.status.code(), Some(0), "{help:?}");
    let text = String::from_utf8_lossy(&help.stdout);
    for wanted in [
        "serve",
        "check-instruments",
        "recompute-aggregates",
        "create-admin",
        "export",
        "--min-group-size <K>",
        "[env: REFLECT_MIN_GROUP_SIZE",
        "[env: DATABASE_URL",
        "--metrics-addr <ADDR>",
        "[env: REFLECT_METRICS_ADDR",
        "Exit codes:",
    ] {
        assert!(text.contains(wanted), "{wanted} in\n{text}");
    }
    let export = run(&["export", "--help"]);
    assert_eq!(export.status.code(), Some(0), "{export:?}");
    let text = String::from_utf8_lossy(&export.stdout);
    for wanted in [
        "--as <EMAIL>",
        "--instrument <ID>",
        "responses-wide",
        "r-script",
    ] {
        assert!(text.contains(wanted), "{wanted} in\n{text}");
    }
    for command in [
        "serve",
        "check-instruments",
        "create-admin",
        "recompute-aggregates",
    ] {
        let out = run(&[command, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{command}: {out:?}");
        assert!(!out.stdout.is_empty(), "{command}");
    }
    let version = run(&["--version"]);
    assert_eq!(version.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("reflect "));
    let wrong = run(&["frobnicate"]);
    assert_eq!(wrong.status.code(), Some(2), "{wrong:?}");
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("Usage: reflect"));
}

/// `reflect backup FILE` while the real server takes answers: the copy passes SQLite's integrity
/// check, holds every answer acknowledged before the backup began with its value, and opens as
/// Reflect's database (restore = put it in the database's place). On PostgreSQL the command
/// refuses and points to pg_dump.
async fn a_live_database_is_backed_up_whole(app: &mut common::TestApp) {
    use common::{encode, post, request, start_reflection};
    use std::sync::{Arc, Mutex};
    let file = std::env::temp_dir().join(format!("reflect-backup-{}.db", uuid::Uuid::new_v4()));
    let backup = |file: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_reflect"))
            .arg("backup")
            .arg(file)
            .env("DATABASE_URL", &app.database_url)
            .output()
            .expect("run reflect backup")
    };
    if app.backend == common::Backend::Postgres {
        let out = backup(&file);
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
        assert!(!file.exists());
        return;
    }
    let (server, addr) = common::spawn_server(app);
    let items: Vec<String> = common::leadership(app)
        .categories
        .iter()
        .flat_map(|c| c.items().map(|i| i.id.clone()).collect::<Vec<_>>())
        .collect();
    // (token, item, value, acknowledged at): each item written once
    type Log = Arc<Mutex<Vec<(String, String, String, std::time::Instant)>>>;
    let log: Log = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let (addr, items, log, stop) = (addr.clone(), items.clone(), log.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let token = start_reflection(&addr).await.unwrap();
                    for (i, item) in items.iter().enumerate() {
                        let value = ((i + w) % 5 + 1).to_string();
                        let body = encode(&[("token", &token), ("item", item), ("value", &value)]);
                        let (status, reply) = request(&addr, &post("save_answer", None), &body)
                            .await
                            .unwrap();
                        assert_eq!(status, 200, "{reply}");
                        log.lock().unwrap().push((
                            token.clone(),
                            item.clone(),
                            value,
                            std::time::Instant::now(),
                        ));
                        if stop.load(std::sync::atomic::Ordering::Relaxed) {
                            break;
                        }
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    let began = std::time::Instant::now();
    let out = tokio::task::spawn_blocking({
        let file = file.clone();
        let url = app.database_url.clone();
        move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_reflect"))
                .arg("backup")
                .arg(&file)
                .env("DATABASE_URL", url)
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    // the writers went on during the backup
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    drop(server);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("backed up to"));
    let log = log.lock().unwrap().clone();
    let before: Vec<_> = log.iter().filter(|w| w.3 < began).collect();
    assert!(
        before.len() >= 20,
        "writes before the backup: {}",
        before.len()
    );
    assert!(log.iter().any(|w| w.3 > began), "writes went on meanwhile");

    let copy = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", file.display()))
        .await
        .unwrap();
    let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&copy)
        .await
        .unwrap();
    assert_eq!(check, "ok");
    let hash = reflect::reflection::service::token_hash;
    for (token, item, value, _) in &before {
        let stored: Option<(String,)> = sqlx::query_as(
            "SELECT a.value FROM answers a JOIN reflections r ON r.id = a.reflection_id
             WHERE r.token_hash = ?1 AND a.item_id = ?2",
        )
        .bind(hash(token))
        .bind(item)
        .fetch_optional(&copy)
        .await
        .unwrap();
        assert_eq!(
            stored.map(|s| s.0).as_deref(),
            Some(value.as_str()),
            "{item}"
        );
    }
    copy.close().await;
    // the copy opens as Reflect's database: migrations applied, answers there
    let restored = reflect::server::db::Db::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    let (n,): (i64,) = sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM answers")
        .fetch_one(&restored.pool)
        .await
        .unwrap();
    assert!(n as usize >= before.len());
    // a file that exists is never overwritten
    let again = backup(&file);
    assert_eq!(again.status.code(), Some(2), "{again:?}");
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    std::fs::remove_file(&file).ok();
}

on_both_backends!(a_live_database_is_backed_up_whole);

/// Retention: an unfinished reflection untouched for longer than REFLECT_UNFINISHED_DAYS goes
/// with its answers; a recent one, and a finished one however old, stay; the group results are
/// those of a rebuild before and after; export log entries past REFLECT_EXPORT_LOG_DAYS go.
async fn retention_forgets_stale_unfinished_reflections(app: &mut common::TestApp) {
    use reflect::results::aggregates;
    let hash = reflect::reflection::service::token_hash;
    let old = "2026-01-01T00:00:00Z";
    // a stale one with answers, a fresh one, and five finished long ago (in the results)
    let stale = common::leadership_reflection(app, &[], 2, |_, _, _| "3".into()).await;
    let fresh = common::leadership_reflection(app, &[], 1, |_, _, _| "2".into()).await;
    let mut finished = Vec::new();
    for _ in 0..5 {
        finished.push(common::leadership_reflection(app, &[], 99, |_, _, _| "4".into()).await);
    }
    for token in std::iter::once(&stale).chain(&finished) {
        sqlx::query("UPDATE reflections SET updated_at = $1 WHERE token_hash = $2")
            .bind(old)
            .bind(hash(token))
            .execute(&app.state.db.pool)
            .await
            .unwrap();
    }
    let user = app.sign_in_as("r@x.org", "researcher", None).await;
    for (id, at) in [
        ("log-old", "2024-01-01T00:00:00Z"),
        ("log-new", "2026-12-01T00:00:00Z"),
    ] {
        sqlx::query(
            "INSERT INTO export_log (id, user_id, created_at, format, filters) VALUES ($1, $2, $3, 'csv', '')",
        )
        .bind(id)
        .bind(&user)
        .bind(at)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    }
    let before = aggregates::stored(&app.state.db).await.unwrap();
    // how many rows of a table (answers or reflections) belong to a reflection
    let rows_of = |sql: &'static str, token: &str| {
        let token = hash(token);
        let pool = app.state.db.pool.clone();
        async move {
            let (n,): (i64,) = sqlx::query_as(sql)
                .bind(token)
                .fetch_one(&pool)
                .await
                .unwrap();
            n
        }
    };
    let answers = |token: &str| {
        rows_of(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM answers a JOIN reflections r ON r.id = a.reflection_id WHERE r.token_hash = $1",
            token,
        )
    };
    let left = |token: &str| {
        rows_of(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM reflections WHERE token_hash = $1",
            token,
        )
    };
    assert!(answers(&stale).await > 0);

    let now = time::macros::datetime!(2026-12-04 12:00 UTC);
    let removed = reflect::server::retention::run_once(&app.state, now)
        .await
        .unwrap();
    assert_eq!(removed.unfinished, 1);
    assert_eq!(removed.export_log, 1);
    assert_eq!(
        left(&stale).await,
        0,
        "the stale unfinished reflection is gone"
    );
    assert_eq!(answers(&stale).await, 0, "and its answers");
    assert_eq!(left(&fresh).await, 1, "a recent one stays");
    for token in &finished {
        assert_eq!(left(token).await, 1, "finished reflections stay");
    }
    let after = aggregates::stored(&app.state.db).await.unwrap();
    assert_eq!(after, before, "the group results did not change");
    let fresh_rebuild = aggregates::from_answers(&app.state.db, &app.state.instruments)
        .await
        .unwrap();
    assert_eq!(after, fresh_rebuild);
    assert_eq!(
        app.count("SELECT CAST(COUNT(*) AS BIGINT) FROM export_log WHERE id = 'log-new'")
            .await,
        1
    );
    // a second run finds nothing more
    let again = reflect::server::retention::run_once(&app.state, now)
        .await
        .unwrap();
    assert_eq!((again.unfinished, again.export_log), (0, 0));
    // the private link of the deleted reflection opens nothing
    let r = app.call("get_profile", &[("token", &stale)]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}

on_both_backends!(retention_forgets_stale_unfinished_reflections);
