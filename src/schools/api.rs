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

/// The edit page of school `id` with `param`.
#[cfg(feature = "ssr")]
fn school_page(id: &str, param: &str) -> String {
    format!("/admin/schools/{}?{param}", urlencoding::encode(id))
}

/// One school (admins only).
#[server(endpoint = "get_school")]
pub async fn get_school(id: String) -> Result<super::model::School, AppError> {
    let state = crate::server::state()?;
    crate::accounts::service::require_admin(&state.db).await?;
    service::by_id(&state.db, &id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such school.".into()))
}

/// Changes a school's name, network and country (admins only); its join code stays.
#[server(endpoint = "update_school")]
pub async fn update_school(
    id: String,
    name: String,
    network: Option<String>,
    country: Option<String>,
) -> Result<(), AppError> {
    let state = crate::server::state()?;
    let result = async {
        crate::accounts::service::require_admin(&state.db).await?;
        service::update_school(
            &state.db,
            &id,
            &name,
            network.as_deref(),
            country.as_deref(),
        )
        .await
    }
    .await;
    crate::server::forms::respond_to_form(
        result,
        |_| school_page(&id, "done=saved"),
        &school_page(&id, ""),
        "error",
    )
}

/// Deletes a school without reflections or rounds (admins only).
#[server(endpoint = "delete_school")]
pub async fn delete_school(id: String) -> Result<(), AppError> {
    let state = crate::server::state()?;
    let result = async {
        crate::accounts::service::require_admin(&state.db).await?;
        service::delete_school(&state.db, &id).await
    }
    .await;
    crate::server::forms::respond_to_form(
        result,
        |_| "/admin?school=deleted#schools".into(),
        &school_page(&id, ""),
        "error",
    )
}

/// The edit page of network `id` with `param`.
#[cfg(feature = "ssr")]
fn network_page(id: &str, param: &str) -> String {
    format!("/admin/networks/{}?{param}", urlencoding::encode(id))
}

/// Renames a network (admins only).
#[server(endpoint = "rename_network")]
pub async fn rename_network(id: String, name: String) -> Result<(), AppError> {
    let state = crate::server::state()?;
    let result = async {
        crate::accounts::service::require_admin(&state.db).await?;
        service::rename_network(&state.db, &id, &name).await
    }
    .await;
    crate::server::forms::respond_to_form(
        result,
        |_| network_page(&id, "done=saved"),
        &network_page(&id, ""),
        "error",
    )
}

/// Deletes a network without schools (admins only).
#[server(endpoint = "delete_network")]
pub async fn delete_network(id: String) -> Result<(), AppError> {
    let state = crate::server::state()?;
    let result = async {
        crate::accounts::service::require_admin(&state.db).await?;
        service::delete_network(&state.db, &id).await
    }
    .await;
    crate::server::forms::respond_to_form(
        result,
        |_| "/admin?network=deleted#networks".into(),
        &network_page(&id, ""),
        "error",
    )
}

/// What an import did: (schools, networks) created; or the problems of the file by line, and
/// nothing created.
#[server(endpoint = "import_schools")]
pub async fn import_schools(
    file: String,
) -> Result<Result<(usize, usize), Vec<super::import::LineProblem>>, AppError> {
    let state = crate::server::state()?;
    crate::accounts::service::require_admin(&state.db).await?;
    let imported = service::import_schools(&state.db, &file).await?;
    // a plain form goes back to the admin page, which says what happened from its address
    let outcome = match imported {
        service::Imported::Done { schools, networks } => {
            crate::server::forms::redirect(&format!(
                "/admin?imported={schools}&networks_made={networks}#import"
            ));
            Ok((schools, networks))
        }
        service::Imported::Problems(problems) => {
            crate::server::forms::redirect(&format!(
                "/admin?import={}#import",
                super::import::to_query(&problems)
            ));
            Err(problems)
        }
    };
    Ok(outcome)
}
