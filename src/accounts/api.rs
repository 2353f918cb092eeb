//! The accounts' server functions (`/api/<name>`); forms post to them directly.
use super::model::{CurrentUser, UserSummary};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::service;

/// Signs in and goes to `next` (a path on this site) or the results.
#[server(endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let state = crate::server::state()?;
    let session = leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|_| AppError::Internal)?;
    let target = service::safe_next(next.as_deref());
    let back = format!("/login?next={}", urlencoding::encode(&target));
    let result = async {
        let client = crate::server::client_key().await;
        let id = service::authenticate(&state.db, &state.sign_in_limit, &client, &email, &password)
            .await?;
        service::sign_in(&session, &id).await
    }
    .await;
    crate::server::forms::respond_to_form(result, |_| target.clone(), &back, "error")
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    if let Ok(session) = leptos_axum::extract::<tower_sessions::Session>().await {
        service::sign_out(&session).await?;
        crate::server::state()?
            .sessions_ended
            .send_modify(|n| *n = n.wrapping_add(1));
    }
    crate::server::forms::redirect("/");
    Ok(())
}

/// The signed-in user, or none.
#[server(endpoint = "whoami")]
pub async fn whoami() -> Result<Option<CurrentUser>, AppError> {
    service::current(&crate::server::state()?.db).await
}

#[server(endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    let state = crate::server::state()?;
    service::require_admin(&state.db).await?;
    Ok(super::db::list(&state.db.pool).await?)
}

/// Creates an account (admins only). `school` is required for a coordinator.
#[server(endpoint = "create_user")]
pub async fn create_user(
    email: String,
    password: String,
    role: String,
    school: Option<String>,
) -> Result<(), AppError> {
    let state = crate::server::state()?;
    let result = async {
        service::require_admin(&state.db).await?;
        service::create_user(
            &state.db,
            service::NewUser {
                email: &email,
                password: &password,
                role: &role,
                school_id: school.as_deref(),
            },
        )
        .await
    }
    .await;
    crate::server::forms::respond_to_form(
        result,
        // a plain form says so on the page it returns to (no address in the query)
        |_| "/admin?account=created#accounts".into(),
        "/admin",
        "user_error",
    )
    .map(|_| ())
}
