//! The schools' server functions (admins only).
use super::model::Directory;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::service;

/// Every school, network and country (admins only).
#[server(endpoint = "get_directory")]
pub async fn get_directory() -> Result<Directory, AppError> {
    let state = crate::server::state()?;
    crate::accounts::service::require_admin(&state.db).await?;
    service::directory(&state.db).await
}

/// Creates a school with a new join code. `network` is a network id; `country` a two-letter code.
#[server(endpoint = "create_school")]
pub async fn create_school(
    name: String,
    network: Option<String>,
    country: Option<String>,
) -> Result<String, AppError> {
    let state = crate::server::state()?;
    let result = async {
        crate::accounts::service::require_admin(&state.db).await?;
        service::create_school(&state.db, &name, network.as_deref(), country.as_deref()).await
    }
    .await
    .map(|s| s.code);
    crate::server::forms::respond_to_form(
        result,
        |code| format!("/admin?created={code}#schools"),
        "/admin",
        "school_error",
    )
}

#[server(endpoint = "create_network")]
pub async fn create_network(name: String) -> Result<String, AppError> {
    let state = crate::server::state()?;
    let result = async {
        crate::accounts::service::require_admin(&state.db).await?;
        service::create_network(&state.db, &name).await
    }
    .await;
    crate::server::forms::respond_to_form(
        result,
        |_| "/admin?network=created#networks".into(),
        "/admin",
        "network_error",
    )
}
