//! The accounts' server functions (`/api/<name>`); forms post to them directly.
use super::model::{AccountDetail, CurrentUser, UserSummary};
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
        crate::server::sessions_ended(&crate::server::state()?).await;
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
    Ok(super::db::list(&state.db.pool, None).await?)
}

/// Creates an account (admins only). `school` is required for a coordinator.
#[server(endpoint = "create_user")]
pub async fn create_user(
    email: String,
    password: String,
    role: String,
    school: Option<String>,
    network: Option<String>,
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
                network_id: network.as_deref(),
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

/// An account with its sessions (admins only).
#[server(endpoint = "get_account")]
pub async fn get_account(id: String) -> Result<AccountDetail, AppError> {
    let state = crate::server::state()?;
    service::require_admin(&state.db).await?;
    service::account(&state.db, &id).await
}

/// The admin page of account `id`, with `param` when it says what just happened.
#[cfg(feature = "ssr")]
fn account_page(id: &str, param: &str) -> String {
    format!("/admin/accounts/{}?{param}", urlencoding::encode(id))
}

/// Disables (`disabled` = yes) or enables an account (admins only): a disabled account cannot
/// sign in, and its sessions and live streams end at once.
#[server(endpoint = "set_account_disabled")]
pub async fn set_account_disabled(id: String, disabled: String) -> Result<(), AppError> {
    let state = crate::server::state()?;
    let result = async {
        let admin = service::require_admin(&state.db).await?;
        let disabled = crate::values::YesNo::parse(&disabled)
            .map(|a| a == crate::values::YesNo::Yes)
            .ok_or_else(|| AppError::invalid(crate::error::YES_OR_NO))?;
        service::set_disabled(&state, &admin, &id, disabled).await?;
        Ok(disabled)
    }
    .await;
    crate::server::forms::respond_to_form(
        result,
        |d| account_page(&id, if *d { "done=disabled" } else { "done=enabled" }),
        &account_page(&id, ""),
        "error",
    )
    .map(|_| ())
}

/// Gives an account a new password (admins only); its sessions end.
#[server(endpoint = "reset_account_password")]
pub async fn reset_account_password(id: String, password: String) -> Result<(), AppError> {
    let state = crate::server::state()?;
    let result = async {
        service::require_admin(&state.db).await?;
        service::reset_password(&state, &id, &password).await
    }
    .await;
    crate::server::forms::respond_to_form(
        result,
        |_| account_page(&id, "done=reset"),
        &account_page(&id, ""),
        "error",
    )
}

/// Ends one session of an account (`session`: its handle) or, without one, all of them
/// (admins only).
#[server(endpoint = "end_account_sessions")]
pub async fn end_account_sessions(id: String, session: Option<String>) -> Result<(), AppError> {
    let state = crate::server::state()?;
    let result = async {
        service::require_admin(&state.db).await?;
        let handle = session.as_deref().filter(|h| !h.is_empty());
        service::end_account_sessions(&state, &id, handle).await
    }
    .await;
    crate::server::forms::respond_to_form(
        result,
        |_| account_page(&id, "done=ended"),
        &account_page(&id, ""),
        "error",
    )
    .map(|_| ())
}

/// The signed-in user changes their own password; their other sessions end.
#[server(endpoint = "change_password")]
pub async fn change_password(current: String, password: String) -> Result<(), AppError> {
    let state = crate::server::state()?;
    let result = async {
        let user = service::require(&state.db).await?;
        let session = leptos_axum::extract::<tower_sessions::Session>()
            .await
            .map_err(|_| AppError::sign_in())?;
        let this = session.id().map(|id| id.to_string());
        let client = crate::server::client_key().await;
        service::change_password(&state, &user, this.as_deref(), &client, &current, &password).await
    }
    .await;
    crate::server::forms::respond_to_form(
        result,
        |_| "/account?done=changed".into(),
        "/account",
        "error",
    )
}
