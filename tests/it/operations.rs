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

on_both_backends!(health_and_readiness_answer_without_data);

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
