//! Server-only set-up: configuration, state, database, router and the command line.
pub mod assets;
#[cfg(feature = "bench")]
pub mod bench;
pub mod cli;
pub mod clients;
pub mod db;
pub mod forms;
pub mod health;
pub mod language;
pub mod limits;
pub mod logs;
pub mod metrics;
pub mod retention;

use crate::app::{App, shell};
use crate::error::AppError;
use crate::instrument::store::{self, Registry};
use axum::Router;
use axum::body::Body;
use axum::extract::FromRef;
use axum::http::StatusCode;
use db::Db;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::path::PathBuf;
use std::sync::Arc;

/// What every request handler and server function can reach. Provided to server functions
/// through Leptos context; nothing here is global.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// As configured, but `site_pkg_dir` names the versioned address of the built files
    /// (`pkg/<version>`, see `assets.rs`), which is where pages link them.
    pub leptos_options: LeptosOptions,
    /// The built files and their version.
    #[from_ref(skip)]
    pub assets: Arc<assets::Assets>,
    pub db: Db,
    pub instruments: Arc<Registry>,
    pub config: Arc<Config>,
    pub sign_in_limit: Arc<crate::accounts::service::SignInLimiter>,
    /// Wrong workshop codes per client.
    pub join_limit: Arc<clients::WrongCodes>,
    /// Wrong school codes per client.
    #[from_ref(skip)]
    pub school_code_limit: Arc<clients::WrongCodes>,
    /// New reflections per client and per school.
    pub start_limit: Arc<clients::StartLimiter>,
    /// The live workshop rooms watched on this server.
    pub live: Arc<crate::workshops::live::Live>,
    /// The writer that group-commits answer saves.
    pub saves: crate::reflection::saves::SaveWriter,
    /// Bumped whenever sessions end (here, or on PostgreSQL on any server), so that streams
    /// opened with a session check at once whether theirs is still valid.
    pub sessions_ended: Arc<tokio::sync::watch::Sender<u64>>,
    /// The privacy rules' pieces of the groups whose results were shown (results::pieces::Memo).
    pub pieces: Arc<crate::results::pieces::Memo>,
    /// The joint pieces above school level last worked out (results::joint::Memo).
    pub joint: Arc<crate::results::joint::Memo>,
    /// The one release of the groups above school level (results::above).
    #[from_ref(skip)]
    pub releaser: Arc<crate::results::above::Releaser>,
}

/// Configuration from environment variables (see `.env.example`).
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    /// A folder of instrument files added to the shipped ones, a file of the same name replacing
    /// the shipped one (REFLECT_INSTRUMENTS_DIR; none by default: the shipped files alone).
    pub instruments_dir: Option<PathBuf>,
    /// Base of the links shown to respondents, e.g. `https://reflect.example.org`. When unset the
    /// request's Host header is used.
    pub public_url: Option<String>,
    /// Minimum group size before a group's results show (REFLECT_MIN_GROUP_SIZE, default 5,
    /// never below 3).
    pub min_group_size: i64,
    /// Minimum number of answering participants before a live workshop room's results, poll and
    /// words show, and participants joining or leaving between two releases of a category
    /// (REFLECT_LIVE_MIN_GROUP_SIZE, default 5, never below 3; `Config::local` uses 3, the
    /// smallest room, for tests and tools).
    pub live_min_group_size: i64,
    /// How long a request may take before its response begins (REFLECT_REQUEST_TIMEOUT_SECS,
    /// default 30): then it is answered 408.
    pub request_timeout: std::time::Duration,
    /// Proxies whose X-Forwarded-For names the client (REFLECT_TRUSTED_PROXIES, none by default).
    pub trusted_proxies: clients::TrustedProxies,
    /// How log lines are written (REFLECT_LOG_FORMAT: `text`, the default, or `json`).
    pub log_format: logs::LogFormat,
    /// Days after its last change an unfinished reflection is deleted (REFLECT_UNFINISHED_DAYS,
    /// default 180).
    pub unfinished_days: i64,
    /// Days the export log keeps an entry (REFLECT_EXPORT_LOG_DAYS, default 730).
    pub export_log_days: i64,
    /// Where Prometheus metrics are served (REFLECT_METRICS_ADDR, e.g. `127.0.0.1:9184`); none by
    /// default, and never on the public address.
    pub metrics_addr: Option<std::net::SocketAddr>,
}

impl Config {
    /// The defaults over a database and instrument folder (benchmarks, tests, tools).
    pub fn local(database_url: &str, instruments_dir: &std::path::Path) -> Self {
        Self {
            database_url: database_url.to_string(),
            instruments_dir: Some(instruments_dir.to_path_buf()),
            public_url: None,
            min_group_size: crate::results::suppression::DEFAULT_K,
            live_min_group_size: crate::results::suppression::MIN_K,
            request_timeout: std::time::Duration::from_secs(30),
            trusted_proxies: clients::TrustedProxies::default(),
            log_format: logs::LogFormat::Text,
            unfinished_days: 180,
            export_log_days: 730,
            metrics_addr: None,
        }
    }

    /// The configuration from the environment (see [`Config::from_vars`]).
    pub fn from_env() -> Result<Self, String> {
        Self::from_vars(|k| std::env::var(k).ok())
    }

    /// The configuration from variables (`var` gives a variable's value, if set). Parsed once, at
    /// start: a value that is set but invalid is an error naming the variable, the value and the
    /// reason, never a silent fallback to the default (a typo in REFLECT_MIN_GROUP_SIZE would
    /// otherwise show groups smaller than meant, one in REFLECT_TRUSTED_PROXIES let every client
    /// choose its address). Unset or empty: the default.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let var = |k: &str| var(k).filter(|v| !v.trim().is_empty());
        let invalid = |k: &str, v: &str, why: &str| {
            format!(
                "{k}={:?} is not valid: {why}",
                v.chars().take(80).collect::<String>()
            )
        };
        // a whole number from `min` up, or the default
        let number = |k: &str, min: i64, default: i64| -> Result<i64, String> {
            match var(k) {
                None => Ok(default),
                Some(v) => match v.trim().parse::<i64>() {
                    Ok(n) if n >= min => Ok(n),
                    Ok(_) => Err(invalid(k, &v, &format!("it must be at least {min}"))),
                    Err(_) => Err(invalid(k, &v, "it must be a whole number")),
                },
            }
        };
        let k_min = crate::results::suppression::MIN_K;
        let k_default = crate::results::suppression::DEFAULT_K;
        let public_url = match var("REFLECT_PUBLIC_URL") {
            None => None,
            Some(u) => {
                let t = u.trim().trim_end_matches('/');
                let host = t
                    .strip_prefix("https://")
                    .or_else(|| t.strip_prefix("http://"))
                    .unwrap_or_default();
                if host.is_empty() || host.contains(char::is_whitespace) {
                    return Err(invalid(
                        "REFLECT_PUBLIC_URL",
                        &u,
                        "it must be an address starting with https:// or http://",
                    ));
                }
                Some(t.to_string())
            }
        };
        let database_url = var("DATABASE_URL").unwrap_or_else(|| "sqlite://data/reflect.db".into());
        if !["sqlite:", "postgres:", "postgresql:"]
            .iter()
            .any(|s| database_url.starts_with(s))
        {
            return Err(invalid(
                "DATABASE_URL",
                &database_url,
                "it must start with sqlite:, postgres: or postgresql:",
            ));
        }
        Ok(Self {
            database_url,
            instruments_dir: var("REFLECT_INSTRUMENTS_DIR").map(PathBuf::from),
            public_url,
            min_group_size: number("REFLECT_MIN_GROUP_SIZE", k_min, k_default)?,
            live_min_group_size: number("REFLECT_LIVE_MIN_GROUP_SIZE", k_min, k_default)?,
            request_timeout: std::time::Duration::from_secs(
                number("REFLECT_REQUEST_TIMEOUT_SECS", 1, 30)?.unsigned_abs(),
            ),
            trusted_proxies: clients::TrustedProxies::parse(
                &var("REFLECT_TRUSTED_PROXIES").unwrap_or_default(),
            )
            .map_err(|e| format!("REFLECT_TRUSTED_PROXIES: {e}"))?,
            unfinished_days: number("REFLECT_UNFINISHED_DAYS", 1, 180)?,
            export_log_days: number("REFLECT_EXPORT_LOG_DAYS", 1, 730)?,
            metrics_addr: match var("REFLECT_METRICS_ADDR") {
                None => None,
                Some(v) => Some(v.trim().parse().map_err(|_| {
                    invalid(
                        "REFLECT_METRICS_ADDR",
                        &v,
                        "it must be an address and port, e.g. 127.0.0.1:9184",
                    )
                })?),
            },
            log_format: match var("REFLECT_LOG_FORMAT") {
                None => logs::LogFormat::Text,
                Some(v) => logs::LogFormat::parse(&v)
                    .ok_or_else(|| invalid("REFLECT_LOG_FORMAT", &v, "it must be text or json"))?,
            },
        })
    }
}

/// The current time in RFC 3339, UTC, to the second.
pub fn now() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// `bytes` in lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of `data` in lower-case hex: what is stored of a private token or an invitation
/// code, and an instrument's content hash.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(data))
}

/// `N` random bytes from the operating system in lower-case hex: an unguessable token.
pub fn random_hex<const N: usize>() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    now().chars().take(10).collect()
}

/// The client of the current request, for in-memory rate limits only (never stored or logged):
/// its IP address (from X-Forwarded-For only behind a trusted proxy, see
/// [`clients::client_address`]), or "unknown" when the server runs without connection info
/// (in-process tests).
pub async fn client_key() -> String {
    let Ok(peer) = leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>().await
    else {
        return "unknown".into();
    };
    let peer = peer.0.ip();
    let trusted = use_context::<AppState>()
        .map(|s| s.config.trusted_proxies.clone())
        .unwrap_or_default();
    let forwarded: Vec<String> = use_context::<axum::http::request::Parts>()
        .map(|p| {
            p.headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let forwarded: Vec<&str> = forwarded.iter().map(String::as_str).collect();
    clients::client_address(peer, &forwarded, &trusted).to_string()
}

/// The address of this site for links people copy (private links, the join address):
/// `REFLECT_PUBLIC_URL`, or else `http://` and the Host of `headers` when it is a plain host name
/// (anything else, or no headers, gives `localhost`, so a forged Host cannot put words in a link).
pub fn site_base(state: &AppState, headers: Option<&axum::http::HeaderMap>) -> String {
    if let Some(u) = &state.config.public_url {
        return u.clone();
    }
    let host = headers
        .and_then(|h| h.get(axum::http::header::HOST))
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// [`site_base`] for the request of the current server function (read by the API layer, which
/// hands it to the services).
pub fn request_base(state: &AppState) -> String {
    let parts = use_context::<axum::http::request::Parts>();
    site_base(state, parts.as_ref().map(|p| &p.headers))
}

/// The app state of the current server function call.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Db(#[from] db::DbSetupError),
    #[error("{0}")]
    Instruments(String),
    #[error("cannot create the first admin account: {0}")]
    Admin(String),
    #[error("storing instruments failed: {0}")]
    Store(#[from] sqlx::Error),
}

/// The shipped instruments and their translations with those of `dir` added or replacing them:
/// every problem of every file at once.
pub fn load_instruments(
    dir: Option<&std::path::Path>,
) -> Result<
    (
        Vec<(PathBuf, crate::instrument::Instrument)>,
        store::Translations,
    ),
    StartupError,
> {
    let failed = |errs: Vec<store::FileError>| {
        StartupError::Instruments(errs.iter().map(ToString::to_string).collect())
    };
    let sources = store::Sources::shipped_with(dir).map_err(failed)?;
    let files = store::load(&sources).map_err(failed)?;
    let translations = store::translations_in(&sources, &files).map_err(failed)?;
    Ok((files, translations))
}

/// Builds the state: database (migrated), instruments (validated and versioned).
pub async fn build_state(
    config: Config,
    mut leptos_options: LeptosOptions,
) -> Result<AppState, StartupError> {
    let assets = assets::Assets::find(&leptos_options.site_root, &leptos_options.site_pkg_dir);
    leptos_options.site_pkg_dir = assets.linked_dir().into();
    let db = Db::connect(&config.database_url).await?;
    let (files, translations) = load_instruments(config.instruments_dir.as_deref())?;
    for gap in &translations.gaps {
        tracing::warn!("{gap}");
    }
    let instruments = store::sync(&db, files)
        .await?
        .with_translations(translations);
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    match crate::accounts::service::bootstrap_admin(
        &db,
        var("REFLECT_ADMIN_EMAIL"),
        var("REFLECT_ADMIN_PASSWORD"),
    )
    .await
    {
        Ok(true) => tracing::info!("first admin account created from REFLECT_ADMIN_EMAIL"),
        Ok(false) => {}
        Err(e) => return Err(StartupError::Admin(e.to_string())),
    }
    let live = Arc::new(crate::workshops::live::Live::default());
    let sessions_ended = Arc::new(tokio::sync::watch::Sender::new(0));
    if db.backend == db::Backend::Postgres {
        crate::workshops::live::listen(
            &config.database_url,
            Arc::downgrade(&live),
            Arc::downgrade(&sessions_ended),
        );
    }
    Ok(AppState {
        live,
        leptos_options,
        assets: Arc::new(assets),
        saves: crate::reflection::saves::SaveWriter::spawn(
            db.for_writer(&config.database_url).await?,
        ),
        db,
        instruments: Arc::new(instruments),
        config: Arc::new(config),
        sign_in_limit: Arc::default(),
        join_limit: Arc::new(clients::WrongCodes::new(JOIN_TOO_MANY)),
        school_code_limit: Arc::new(clients::WrongCodes::new(SCHOOL_TOO_MANY)),
        start_limit: Arc::default(),
        sessions_ended,
        pieces: Arc::default(),
        joint: Arc::default(),
        releaser: Arc::default(),
    })
}

pub use crate::error::{JOIN_TOO_MANY, SCHOOL_TOO_MANY};

/// The PostgreSQL channel of ended sessions (sign-outs, disabled accounts, reset passwords); no
/// payload: every server's live streams check their own session.
pub const SESSIONS_CHANNEL: &str = "reflect_sessions";

/// Says that sessions ended: the live streams on this server check theirs at once, and on
/// PostgreSQL those on every other server too (`workshops::live::listen`). Never fails the
/// caller's request: the sessions are already deleted, and a stream that missed the news ends at
/// its next periodic check.
pub async fn sessions_ended(state: &AppState) {
    state.sessions_ended.send_modify(|n| *n = n.wrapping_add(1));
    if let Err(e) = state.db.notify(SESSIONS_CHANNEL, "").await {
        tracing::warn!(error = %e, "could not tell the other servers that sessions ended");
    }
}

/// The pages' routes, worked out once per process. Working them out renders the app with
/// resource loading switched off, and leptos_server switches it off *for the whole process* (one
/// flag, `SuppressResourceLoad`; leptos-rs/leptos#4773): a page rendered meanwhile on another
/// thread never loads the resources it awaits, and its response hangs until the request timeout.
/// A server builds its router once, but the integration tests build one per test in one process,
/// and one of their page requests now and then answered 408 after 30 s. The list depends on the
/// code alone, so one copy serves every router.
fn routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole app as an axum router: pages, server functions, static files.
pub fn router(state: AppState) -> Router {
    crate::register_server_fns();
    let routes = routes();
    let ctx_state = state.clone();
    let fn_state = state.clone();
    Router::new()
        .route(
            "/api/{*fn_name}",
            axum::routing::post(server_fn_handler).get(server_fn_handler),
        )
        .route(
            "/export/responses.csv",
            axum::routing::get(crate::export::download::long_csv),
        )
        .route(
            "/export/{file}",
            axum::routing::get(crate::export::download::codebook),
        )
        .route("/healthz", axum::routing::get(health::healthz))
        .route("/readyz", axum::routing::get(health::readyz))
        .route(
            "/rounds/{id}/report.pdf",
            axum::routing::get(crate::results::report::pdf),
        )
        .route(
            "/rounds/{id}/invitations",
            axum::routing::post(crate::rounds::invitations::make),
        )
        .route(
            "/workshops/{id}/live",
            axum::routing::get(crate::workshops::live::stream),
        )
        .route(
            &format!("/{}/{{version}}/{{*file}}", state.assets.pkg_path),
            axum::routing::get(assets::versioned),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(ctx_state.clone()),
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(assets::site_file)
        .layer(crate::accounts::sessions::layer(
            state.db.clone(),
            state
                .config
                .public_url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://")),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            language::choose,
        ))
        .layer(axum::middleware::from_fn(limits::reject_nul))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limits::same_origin,
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.config.request_timeout,
        ))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            limits::MAX_BODY,
        ))
        .layer(axum::middleware::from_fn(limits::security_headers))
        .layer(axum::middleware::from_fn(assets::cache_control))
        // wasm, CSS and ECharts go out compressed (gzip or brotli, as the browser accepts)
        .layer(tower_http::compression::CompressionLayer::new())
        // a panic in one request is that request's 500, never the end of the server
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            limits::panic_response,
        ))
        .layer(axum::middleware::from_fn(limits::explain_refusals))
        // one line per request, with the route's pattern and no address (server/logs.rs)
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(logs::span)
                .on_request(())
                .on_response(logs::on_response)
                .on_body_chunk(())
                .on_eos(())
                .on_failure(()),
        )
        .layer(axum::middleware::from_fn(logs::count))
        .layer(axum::middleware::from_fn(logs::request_id))
        .with_state(fn_state)
}

async fn server_fn_handler(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::http::Request<Body>,
) -> impl axum::response::IntoResponse {
    leptos_axum::handle_server_fns_with_context(move || provide_context(state.clone()), req).await
}

/// Rebuilds the aggregates from the answers (`reflect recompute-aggregates`).
async fn recompute_aggregates(config: &Config) -> Result<(usize, usize), StartupError> {
    let db = Db::connect(&config.database_url).await?;
    let (files, _) = load_instruments(config.instruments_dir.as_deref())?;
    let registry = store::sync(&db, files).await?;
    let counts = crate::results::aggregates::recompute(&db, &registry).await?;
    Ok((counts.respondents.len(), counts.answers.len()))
}

/// `reflect create-admin EMAIL`: the password comes from REFLECT_ADMIN_PASSWORD or, when that is
/// unset, from the first line of standard input. There is no default password.
async fn create_admin(config: &Config, email: String) -> std::process::ExitCode {
    use std::process::ExitCode;
    let password = match std::env::var("REFLECT_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            eprintln!(
                "Password for {email} (at least {} characters):",
                crate::accounts::model::MIN_PASSWORD
            );
            let mut line = String::new();
            if std::io::stdin().read_line(&mut line).is_err() {
                eprintln!("could not read the password");
                return ExitCode::FAILURE;
            }
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    let db = match Db::connect(&config.database_url).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let new = crate::accounts::service::NewUser {
        email: &email,
        password: &password,
        role: "admin",
        school_id: None,
        network_id: None,
    };
    match crate::accounts::service::create_user(&db, new).await {
        Ok(_) => {
            println!("admin account {email} created");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// `reflect` (serve), `reflect check-instruments [DIR]`, `reflect recompute-aggregates`.
pub async fn main() -> std::process::ExitCode {
    use std::process::ExitCode;
    // --help, --version and wrong use end here (exit 0, or 2)
    let cli = cli::parse();
    let config = match Config::from_vars(|k| cli.settings.var(k)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("reflect: {e}");
            return ExitCode::from(2);
        }
    };
    logs::init(config.log_format);
    match cli.command {
        None | Some(cli::Command::Serve) => {}
        Some(cli::Command::CheckInstruments { dir }) => {
            let dir = dir.or(config.instruments_dir.clone());
            let loaded = store::Sources::shipped_with(dir.as_deref()).and_then(|sources| {
                let list = store::load(&sources)?;
                let translations = store::translations_in(&sources, &list)?;
                Ok((list, translations))
            });
            return match loaded {
                Ok((list, translations)) => {
                    for (file, inst) in list {
                        println!(
                            "ok  {}  {} ({} categories)",
                            file.display(),
                            inst.id,
                            inst.categories.len()
                        );
                    }
                    for (file, tr) in &translations.ok {
                        println!(
                            "ok  {}  {} in {}",
                            file.display(),
                            tr.instrument,
                            tr.language
                        );
                    }
                    // a missing translation is shown in the source language: usable, but not done
                    for gap in &translations.gaps {
                        eprintln!("missing: {gap}");
                    }
                    if translations.gaps.is_empty() {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::FAILURE
                    }
                }
                Err(errs) => {
                    for e in errs {
                        eprint!("{e}");
                    }
                    ExitCode::FAILURE
                }
            };
        }
        Some(cli::Command::Export(command)) => {
            // no pages are served: the site options are not needed
            let options = LeptosOptions::builder().output_name("reflect").build();
            let state = match build_state(config.clone(), options).await {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("Reflect cannot start: {e}");
                    return ExitCode::FAILURE;
                }
            };
            return match crate::export::cli::run(&state, &command).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::from(2)
                }
            };
        }
        Some(cli::Command::CreateAdmin { email }) => return create_admin(&config, email).await,
        Some(cli::Command::Backup { file }) => {
            return match db::backup(&config.database_url, &file).await {
                Ok(bytes) => {
                    println!("backed up to {} ({bytes} bytes)", file.display());
                    ExitCode::SUCCESS
                }
                Err(db::BackupError::Refused(why)) => {
                    eprintln!("reflect backup: {why}");
                    ExitCode::from(2)
                }
                Err(db::BackupError::Failed(e)) => {
                    eprintln!("reflect backup failed: {e}");
                    ExitCode::FAILURE
                }
            };
        }
        Some(cli::Command::RecomputeAggregates) => {
            return match recompute_aggregates(&config).await {
                Ok((cells, rows)) => {
                    println!(
                        "aggregates rebuilt from the answers: {cells} group cells, {rows} item × value counts"
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("recompute failed: {e}");
                    ExitCode::FAILURE
                }
            };
        }
    }
    let mut conf = match get_configuration(None) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot read the Leptos configuration: {e}");
            return ExitCode::FAILURE;
        }
    };
    // a binary not built by cargo-leptos knows no output name: the site's files are reflect.*
    if conf.leptos_options.output_name.is_empty() {
        conf.leptos_options.output_name = "reflect".into();
    }
    let addr = conf.leptos_options.site_addr;
    let state = match build_state(config.clone(), conf.leptos_options).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("Reflect cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let backend = state.db.backend;
    if let Some(metrics_addr) = config.metrics_addr {
        let Some(handle) = metrics::install() else {
            eprintln!("cannot record metrics");
            return ExitCode::FAILURE;
        };
        match metrics::serve(metrics_addr, handle, state.db.clone()).await {
            Ok(bound) => tracing::info!("metrics on http://{bound}/metrics"),
            Err(e) => {
                eprintln!("cannot serve metrics on {metrics_addr}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let live = state.live.clone();
    let _retention = retention::spawn_daily(state.clone());
    // changes that waited above school level when the server last stopped
    crate::results::above::poke(&state);
    let app = router(state);
    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // the address bound (with port 0 in LEPTOS_SITE_ADDR, the one the system chose): tests that
    // start this binary read it from this line
    let addr = listener.local_addr().unwrap_or(addr);
    println!("Reflect is running on http://{addr} (database: {backend:?})");
    if let Err(e) = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        tokio::signal::ctrl_c().await.ok();
        // live streams never end by themselves
        live.stop();
    })
    .await
    {
        eprintln!("server error: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::Config;

    fn with(pairs: &[(&str, &str)]) -> Result<Config, String> {
        Config::from_vars(|k| {
            pairs
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn unset_or_empty_variables_take_the_defaults() {
        for c in [
            with(&[]).unwrap(),
            with(&[("REFLECT_MIN_GROUP_SIZE", " ")]).unwrap(),
        ] {
            assert_eq!(c.min_group_size, 5);
            assert_eq!(c.live_min_group_size, 5);
            assert_eq!(c.request_timeout.as_secs(), 30);
            assert_eq!(c.public_url, None);
            assert_eq!(c.database_url, "sqlite://data/reflect.db");
        }
        let c = with(&[
            ("REFLECT_MIN_GROUP_SIZE", "7"),
            ("REFLECT_LIVE_MIN_GROUP_SIZE", "3"),
            ("REFLECT_REQUEST_TIMEOUT_SECS", "10"),
            ("REFLECT_PUBLIC_URL", "https://reflect.example.org/"),
        ])
        .unwrap();
        assert_eq!((c.min_group_size, c.live_min_group_size), (7, 3));
        assert_eq!(c.request_timeout.as_secs(), 10);
        assert_eq!(c.public_url.as_deref(), Some("https://reflect.example.org"));
    }

    #[test]
    fn an_invalid_value_stops_with_the_variable_the_value_and_the_reason() {
        for (name, value, reason) in [
            ("REFLECT_MIN_GROUP_SIZE", "1O", "whole number"),
            ("REFLECT_MIN_GROUP_SIZE", "2", "at least 3"),
            ("REFLECT_LIVE_MIN_GROUP_SIZE", "five", "whole number"),
            ("REFLECT_REQUEST_TIMEOUT_SECS", "0", "at least 1"),
            ("REFLECT_REQUEST_TIMEOUT_SECS", "30s", "whole number"),
            ("REFLECT_PUBLIC_URL", "reflect.example.org", "https://"),
            ("REFLECT_PUBLIC_URL", "https://", "https://"),
            ("DATABASE_URL", "mysql://localhost/reflect", "sqlite:"),
            ("REFLECT_METRICS_ADDR", "9184", "address and port"),
            (
                "REFLECT_TRUSTED_PROXIES",
                "10.0.0.300",
                "REFLECT_TRUSTED_PROXIES",
            ),
        ] {
            let e = with(&[(name, value)]).expect_err(value);
            assert!(e.contains(name), "{e}");
            assert!(e.contains(reason), "{name}={value}: {e}");
            if name != "REFLECT_TRUSTED_PROXIES" {
                assert!(e.contains(&format!("{value:?}")), "{e}");
            }
        }
    }
}
