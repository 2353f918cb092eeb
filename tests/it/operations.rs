//! Operations (issue 19): the health and readiness checks — on SQLite and PostgreSQL.
use crate::common;

use axum::http::{StatusCode, header};

async fn health_and_readiness_answer_without_data(app: &mut common::TestApp) {
    for (path, body) in [("/healthz", "ok\n"), ("/readyz", "ready\n")] {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        assert_eq!(r.body, body, "{path}");
        assert_eq!(r.headers[header::CACHE_CONTROL], "no-store", "{path}");
        assert!(r.headers.get(header::SET_COOKIE).is_none(), "{path}: no session");
    }
    // a migration this binary knows that the database lacks: not ready, still alive
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)")
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
