//! The export's server functions: the researcher page's choices and preview (counts only).
use super::model::{ExportParams, ExportPreview, FilterChoices};
use crate::error::AppError;
use leptos::prelude::*;

/// What an export with these filters would hold (researchers and admins), in the page's language.
#[server(endpoint = "preview_export")]
pub async fn preview_export(params: ExportParams) -> Result<ExportPreview, AppError> {
    let state = crate::server::state()?;
    let user = crate::accounts::service::require(&state.db).await?;
    super::service::preview(&state, &user, &params, crate::lang::current()).await
}

/// The questionnaires (in the page's language), networks, schools and countries to filter by
/// (researchers and admins).
#[server(endpoint = "export_choices")]
pub async fn export_choices() -> Result<FilterChoices, AppError> {
    let state = crate::server::state()?;
    let user = crate::accounts::service::require(&state.db).await?;
    super::service::choices(&state, &user, crate::lang::current()).await
}

/// The newest research exports: who exported what, when, with which filters (admins only).
#[server(endpoint = "get_export_log")]
pub async fn get_export_log() -> Result<Vec<super::model::ExportLogEntry>, AppError> {
    let state = crate::server::state()?;
    crate::accounts::service::require_admin(&state.db).await?;
    super::service::log_entries(&state).await
}
