//! Reflect: leadership reflection for school leaders. One crate, two targets: the server (`ssr`)
//! and the browser (`hydrate`).
// Leptos views are deeply nested types; the results page's went past the default limit of 128
// in builds without cargo-leptos's `erase_components` (cargo test).
#![recursion_limit = "256"]
pub mod accounts;
pub mod app;
pub mod error;
pub mod export;
pub mod instrument;
pub mod reflection;
pub mod results;
pub mod schools;
pub mod ui;
pub mod values;

#[cfg(test)]
#[cfg(feature = "ssr")]
mod layout;
pub mod workshops;

#[cfg(feature = "ssr")]
pub mod server;

/// Registers every server function with the router explicitly, so integration tests and the binary
/// do not depend on link-time registration.
#[cfg(feature = "ssr")]
pub fn register_server_fns() {
    use reflection::api::*;
    use server_fn::axum::register_explicit;
    register_explicit::<ListInstruments>();
    register_explicit::<GetInstrument>();
    register_explicit::<StartReflection>();
    register_explicit::<SaveAnswer>();
    register_explicit::<SubmitCategory>();
    register_explicit::<GetCategory>();
    register_explicit::<ResumeTarget>();
    register_explicit::<OpenLink>();
    register_explicit::<GetProfile>();
    register_explicit::<SaveActionPlan>();
    register_explicit::<DeleteReflection>();
    register_explicit::<AnswerRoom>();
    {
        use accounts::api::*;
        register_explicit::<Login>();
        register_explicit::<Logout>();
        register_explicit::<Whoami>();
        register_explicit::<ListUsers>();
        register_explicit::<CreateUser>();
    }
    {
        use results::api::*;
        register_explicit::<GetResults>();
        register_explicit::<ListResultGroups>();
        register_explicit::<CompareCountries>();
    }
    {
        use workshops::api::*;
        register_explicit::<ListWorkshops>();
        register_explicit::<CreateWorkshop>();
        register_explicit::<GetWorkshop>();
        register_explicit::<SetWorkshopStatus>();
        register_explicit::<JoinWorkshop>();
        register_explicit::<RoomChart>();
    }
    {
        use schools::api::*;
        register_explicit::<GetDirectory>();
        register_explicit::<CreateSchool>();
        register_explicit::<CreateNetwork>();
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Islands: the page is the server's HTML; the script in `app::IslandScripts` hydrates each
    // `<leptos-island>` after this. A server function's redirect (a form sent by an island) loads
    // the new page: there is no client-side router.
    leptos::mount::hydrate_islands();
    let _ = server_fn::redirect::set_redirect_hook(|to: &str| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().assign(to);
        }
    });
}
