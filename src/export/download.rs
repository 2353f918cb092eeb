//! Downloads for researchers and admins, all with the same filters (`?instrument=…&…`):
//! `GET /export/responses.csv` (long CSV, streamed), `/export/responses-wide.csv` (one row per
//! respondent, streamed), `/export/codebook.json`, `/export/codebook.md`.
use crate::server::AppState;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

fn refused(e: crate::error::AppError) -> Response {
    (
        StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        e.to_string(),
    )
        .into_response()
}

async fn user(
    state: &AppState,
    session: &tower_sessions::Session,
) -> crate::error::AppResult<crate::accounts::model::CurrentUser> {
    crate::accounts::service::user_of(&state.db, session)
        .await?
        .ok_or_else(crate::error::AppError::sign_in)
}

fn attachment(
    name: &str,
    extension: &str,
    content_type: &str,
) -> [(header::HeaderName, String); 3] {
    [
        (header::CONTENT_TYPE, content_type.to_string()),
        (
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"reflect-{name}-{}.{extension}\"",
                crate::server::today()
            ),
        ),
        (header::CACHE_CONTROL, "no-store".to_string()),
    ]
}

pub async fn codebook(
    State(state): State<AppState>,
    axum::extract::Path(file): axum::extract::Path<String>,
    Query(params): Query<super::service::ExportParams>,
    session: tower_sessions::Session,
) -> Response {
    let markdown = match file.as_str() {
        "codebook.json" => false,
        "codebook.md" => true,
        "responses-wide.csv" => return wide_csv(state, params, session).await,
        _ => return refused(crate::error::AppError::NotFound("No such download.".into())),
    };
    let result = async {
        let user = user(&state, &session).await?;
        super::service::codebook(&state, &user, &params).await
    }
    .await;
    match result {
        Ok(c) if markdown => (
            attachment("codebook", "md", "text/markdown; charset=utf-8"),
            super::codebook::markdown(&c),
        )
            .into_response(),
        Ok(c) => (
            attachment("codebook", "json", "application/json"),
            serde_json::to_string_pretty(&c).unwrap_or_default(),
        )
            .into_response(),
        Err(e) => refused(e),
    }
}

pub async fn long_csv(
    State(state): State<AppState>,
    Query(params): Query<super::service::ExportParams>,
    session: tower_sessions::Session,
) -> Response {
    let result = async {
        let user = user(&state, &session).await?;
        super::service::long_csv(&state, &user, &params).await
    }
    .await;
    match result {
        Ok(stream) => (
            attachment("responses", "csv", "text/csv; charset=utf-8"),
            axum::body::Body::from_stream(stream),
        )
            .into_response(),
        Err(e) => refused(e),
    }
}

async fn wide_csv(
    state: AppState,
    params: super::service::ExportParams,
    session: tower_sessions::Session,
) -> Response {
    let result = async {
        let user = user(&state, &session).await?;
        super::service::wide_csv(&state, &user, &params).await
    }
    .await;
    match result {
        Ok(stream) => (
            attachment("responses-wide", "csv", "text/csv; charset=utf-8"),
            axum::body::Body::from_stream(stream),
        )
            .into_response(),
        Err(e) => refused(e),
    }
}
