//! Downloads for researchers and admins, all with the same filters (`?instrument=…&…`):
//! `GET /export/responses.csv` (long CSV), `/export/responses-wide.csv` (one row per
//! respondent), `/export/responses.json` (all three streamed), `/export/codebook.json`,
//! `/export/codebook.md` and `/export/reflect-wide.R` (reads the wide CSV with labels). The codebook
//! and the R script speak the request's language (`?lang=`, the cookie, `Accept-Language`: chosen
//! by `server::language`); the data are the same in every language.
use crate::accounts::service::SignedIn;
use crate::server::AppState;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

fn refused(e: crate::error::AppError) -> Response {
    e.into_response()
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

/// Every download but the long CSV, by file name.
pub async fn codebook(
    State(state): State<AppState>,
    axum::extract::Path(file): axum::extract::Path<String>,
    Query(params): Query<super::service::ExportParams>,
    language: Option<axum::Extension<crate::lang::Locale>>,
    SignedIn(user): SignedIn,
) -> Response {
    let l = language.map(|axum::Extension(l)| l).unwrap_or_default();
    let result = async {
        let s = &state;
        Ok::<_, crate::error::AppError>(match file.as_str() {
            "responses-wide.csv" => (
                attachment("responses-wide", "csv", "text/csv; charset=utf-8"),
                axum::body::Body::from_stream(super::service::wide_csv(s, &user, &params).await?),
            )
                .into_response(),
            "responses.json" => (
                attachment("responses", "json", "application/json"),
                axum::body::Body::from_stream(super::service::json(s, &user, &params).await?),
            )
                .into_response(),
            "codebook.json" => (
                attachment("codebook", "json", "application/json"),
                serde_json::to_string_pretty(
                    &super::service::codebook(s, &user, &params, l).await?,
                )
                .map_err(|_| crate::error::AppError::Internal)?,
            )
                .into_response(),
            "codebook.md" => (
                attachment("codebook", "md", "text/markdown; charset=utf-8"),
                super::codebook::markdown(
                    &super::service::codebook(s, &user, &params, l).await?,
                    l,
                ),
            )
                .into_response(),
            "reflect-wide.R" => (
                [
                    (
                        header::CONTENT_TYPE,
                        "text/plain; charset=utf-8".to_string(),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"reflect-wide.R\"".to_string(),
                    ),
                    (header::CACHE_CONTROL, "no-store".to_string()),
                ],
                super::service::r_script(s, &user, &params, l).await?,
            )
                .into_response(),
            _ => return Err(crate::error::AppError::NotFound("No such download.".into())),
        })
    }
    .await;
    result.unwrap_or_else(refused)
}

/// The long CSV.
pub async fn long_csv(
    State(state): State<AppState>,
    Query(params): Query<super::service::ExportParams>,
    SignedIn(user): SignedIn,
) -> Response {
    let result = async { super::service::long_csv(&state, &user, &params).await }.await;
    match result {
        Ok(stream) => (
            attachment("responses", "csv", "text/csv; charset=utf-8"),
            axum::body::Body::from_stream(stream),
        )
            .into_response(),
        Err(e) => refused(e),
    }
}
