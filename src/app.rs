//! The app shell, routes and the pages that belong to no single domain.
use crate::accounts::pages::LoginPage;
use crate::export::pages::ExportPage;
use crate::i18n::td_string;
use crate::reflection::pages::{
    CategoryPage, DeletedPage, GroupLinkPage, HomePage, ProfilePage, ResumeFormPage, ResumePage,
    StartPage,
};
use crate::results::pages::{CountryComparisonPage, ResultsIndexPage, ResultsPage};
use crate::rounds::pages::{RoundPage, RoundsPage};
use crate::schools::pages::AdminPage;
use crate::workshops::pages::{JoinPage, PresenterPage, WorkshopPage, WorkshopsPage};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::{SsrMode, path};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    // the page's Content-Security-Policy names this response's nonce (the hydration script has it)
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) && let Ok(policy) =
        axum::http::HeaderValue::from_str(&crate::server::limits::page_policy(&nonce))
    {
        response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, policy);
    }
    let lang = crate::lang::code(crate::lang::current());
    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="stylesheet" href=format!("/{}/reflect.css", options.site_pkg_dir) />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <IslandScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Hydrates the page's islands: loads the WebAssembly only on a page that has one, and without
/// preload hints, so that a browser with JavaScript off (or a page with nothing interactive)
/// downloads the HTML and the stylesheet only. The WebAssembly and its JavaScript are fetched side
/// by side (one round trip less on a slow connection). Marks the body `data-hydrated` when done (the
/// end-to-end tests wait for it). Replaces Leptos's `HydrationScripts`, whose preload links
/// download the WebAssembly even where no script runs.
#[component]
fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    // as `HydrationScripts islands=true` does: outside islands the server renders plain HTML
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let nonce = leptos::nonce::use_nonce();
    let pkg = format!("/{}/{}", options.site_pkg_dir, options.output_name);
    // cargo-leptos names the WebAssembly after the output; a plain wasm-bindgen run adds `_bg`
    let wasm = if option_env!("LEPTOS_OUTPUT_NAME").is_some() {
        format!("{pkg}.wasm")
    } else {
        format!("{pkg}_bg.wasm")
    };
    let script = format!(
        r#"(async () => {{
  const islands = document.querySelectorAll("leptos-island");
  if (islands.length > 0) {{
    const wasm = fetch({wasm:?});
    const app = await import({js:?});
    await app.default({{ module_or_path: wasm }});
    app.hydrate();
    // a lazy island hydrates once its own part of the WebAssembly is in (a promise)
    const hydrating = [];
    for (const island of islands) {{
      const hydrate = app[island.dataset.component];
      if (hydrate) hydrating.push(hydrate(island)); else console.warn("no island", island.dataset.component);
    }}
    await Promise.allSettled(hydrating);
  }}
  performance.mark("reflect-interactive");
  document.body.setAttribute("data-hydrated", "true");
}})();"#,
        js = format!("{pkg}.js"),
    );
    view! { <script type="module" nonce=nonce inner_html=script></script> }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let l = crate::lang::current();
    view! {
        <Title text=td_string!(l, common.site_title) />
        <Router>
            <a class="skip-link" href="#main">
                {td_string!(l, common.skip_to_content)}
            </a>
            <header class="site-header">
                <A href="/" attr:class="brand">
                    "Reflect"
                </A>
                <span class="tagline">{td_string!(l, common.tagline)}</span>
                <a href="/results" class="staff-link">
                    {td_string!(l, common.staff_link)}
                </a>
                <crate::lang::LanguageSwitch />
            </header>
            <main id="main">
                // Every page waits for its data on the server (SsrMode::Async), so pages are
                // complete HTML and work without JavaScript.
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/start/:instrument") view=StartPage ssr=SsrMode::Async />
                    <Route path=path!("/resume") view=ResumeFormPage ssr=SsrMode::Async />
                    <Route path=path!("/r/:token") view=ResumePage ssr=SsrMode::Async />
                    <Route path=path!("/r/:token/c/:n") view=CategoryPage ssr=SsrMode::Async />
                    <Route path=path!("/r/:token/profile") view=ProfilePage ssr=SsrMode::Async />
                    <Route path=path!("/deleted") view=DeletedPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/admin") view=AdminPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/admin/accounts/:id")
                        view=crate::accounts::pages::AccountPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/admin/schools/:id")
                        view=crate::schools::pages::SchoolPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/admin/networks/:id")
                        view=crate::schools::pages::NetworkPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/admin/exports")
                        view=crate::export::pages::ExportLogPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/account")
                        view=crate::accounts::pages::OwnAccountPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/workshops") view=WorkshopsPage ssr=SsrMode::Async />
                    <Route path=path!("/workshops/:id") view=WorkshopPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/workshops/:id/present")
                        view=PresenterPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/join") view=JoinPage ssr=SsrMode::Async />
                    <Route path=path!("/rounds") view=RoundsPage ssr=SsrMode::Async />
                    <Route path=path!("/rounds/:id") view=RoundPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/rounds/:id/report")
                        view=crate::results::report_page::ReportPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/g/:link") view=GroupLinkPage ssr=SsrMode::Async />
                    <Route path=path!("/export") view=ExportPage ssr=SsrMode::Async />
                    <Route path=path!("/results") view=ResultsIndexPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/results/countries")
                        view=CountryComparisonPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/results/all") view=ResultsPage ssr=SsrMode::Async />
                    <Route path=path!("/results/:level/:key") view=ResultsPage ssr=SsrMode::Async />
                </Routes>
            </main>
            <footer class="site-footer">
                <p>{td_string!(l, common.footer_privacy)}</p>
            </footer>
        </Router>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    let l = crate::lang::current();
    view! {
        <Title text=td_string!(l, common.not_found_title) />
        <h1>{td_string!(l, common.not_found_heading)}</h1>
        <p>
            {td_string!(l, common.not_found_text)} " "
            <A href="/">{td_string!(l, common.go_to_start)}</A>
        </p>
    }
}
