//! `GET /export/responses.csv?instrument=…&…`: the long CSV download for researchers and admins.
use crate::server::AppState;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

pub async fn long_csv(
    State(state): State<AppState>,
    Query(params): Query<super::service::ExportParams>,
    session: tower_sessions::Session,
) -> Response {
    let result = async {
        let user = crate::accounts::service::user_of(&state.db, &session)
            .await?
            .ok_or_else(crate::error::AppError::sign_in)?;
        super::service::long_csv(&state, &user, &params).await
    }
    .await;
    match result {
        Ok(stream) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"reflect-responses-{}.csv\"",
                        crate::server::today()
                    ),
                ),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            axum::body::Body::from_stream(stream),
        )
            .into_response(),
        Err(e) => (
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            e.to_string(),
        )
            .into_response(),
    }
}
