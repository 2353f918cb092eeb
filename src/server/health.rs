//! `GET /healthz` (the process answers) and `GET /readyz` (the database answers within two
//! seconds, every migration this binary knows is applied, instruments are loaded), for load
//! balancers, orchestrators and monitoring. Cheap, unauthenticated and without data: the body is
//! "ok", "ready" or which check failed.
use super::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// How long the database may take to answer before the server counts as not ready.
const DATABASE_WITHIN: Duration = Duration::from_secs(2);

fn plain(status: StatusCode, body: &'static str) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// Alive: the process answers requests.
pub async fn healthz() -> Response {
    plain(StatusCode::OK, "ok\n")
}

/// Ready to serve: 200 "ready", or 503 with the first check that failed.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match readiness(&state).await {
        Ok(()) => plain(StatusCode::OK, "ready\n"),
        Err(why) => plain(StatusCode::SERVICE_UNAVAILABLE, why),
    }
}

async fn readiness(state: &AppState) -> Result<(), &'static str> {
    let applied = tokio::time::timeout(
        DATABASE_WITHIN,
        sqlx::query_scalar::<_, i64>(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM _sqlx_migrations WHERE success",
        )
        .fetch_one(&state.db.pool),
    )
    .await
    .map_err(|_| "not ready: the database does not answer\n")?
    .map_err(|_| "not ready: the database cannot be read\n")?;
    let known = i64::try_from(super::db::MIGRATOR.iter().count()).unwrap_or(i64::MAX);
    if applied < known {
        return Err("not ready: migrations are missing\n");
    }
    if state.instruments.current().next().is_none() {
        return Err("not ready: no instruments are loaded\n");
    }
    Ok(())
}
