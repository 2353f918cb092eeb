//! The export's server function: the researcher page's preview (counts only).
use super::model::*;
use crate::error::AppError;
use leptos::prelude::*;

/// What an export with these filters would hold (researchers and admins).
#[server(endpoint = "preview_export")]
pub async fn preview_export(params: ExportParams) -> Result<ExportPreview, AppError> {
    let state = crate::server::state()?;
    let user = crate::accounts::service::require(&state.db).await?;
    super::service::preview(&state, &user, &params).await
}
