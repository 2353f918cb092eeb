//! Test harness: the real router on a real database, SQLite (a fresh file) or PostgreSQL (a fresh
//! database on the server named by REFLECT_TEST_PG, default 127.0.0.1:5432 as `postgres`).
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use reflect::server::{AppState, Config, build_state, router};
use sqlx::Connection;
use tower::ServiceExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub backend: Backend,
    pub database_url: String,
    cleanup: Cleanup,
    /// The session cookie, kept between requests like a browser does.
    pub cookie: std::sync::Mutex<Option<String>>,
}

enum Cleanup {
    File(std::path::PathBuf),
    Database { admin: String, name: String },
    None,
}

pub fn pg_admin_url() -> String {
    std::env::var("REFLECT_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// CI (and anyone who sets REFLECT_REQUIRE_PG=1) must run the PostgreSQL tests for real.
fn pg_required() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false")
        || std::env::var("REFLECT_REQUIRE_PG").is_ok_and(|v| v == "1")
}

pub fn instruments_dir() -> std::path::PathBuf {
    concat!(env!("CARGO_MANIFEST_DIR"), "/instruments").into()
}

impl TestApp {
    /// A fresh app; `None` when PostgreSQL is wanted but unreachable and not required.
    pub async fn new(backend: Backend) -> Option<Self> {
        Self::with_instruments(backend, instruments_dir()).await
    }

    pub async fn with_instruments(backend: Backend, dir: std::path::PathBuf) -> Option<Self> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let (database_url, cleanup) = match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("reflect-test-{id}/reflect.db"));
                (
                    format!("sqlite://{}", path.display()),
                    Cleanup::File(path.parent().unwrap().to_path_buf()),
                )
            }
            Backend::Postgres => {
                let admin = pg_admin_url();
                let name = format!("reflect_test_{id}");
                match sqlx::PgConnection::connect(&admin).await {
                    Ok(mut conn) => {
                        sqlx::query(&format!("CREATE DATABASE {name}"))
                            .execute(&mut conn)
                            .await
                            .expect("create test database");
                        conn.close().await.ok();
                    }
                    Err(e) if pg_required() => {
                        panic!("PostgreSQL at {admin} is required here (CI) but unreachable: {e}")
                    }
                    Err(e) => {
                        eprintln!(
                            "SKIPPED: PostgreSQL test, server at {admin} unreachable ({e}); set REFLECT_TEST_PG to run it"
                        );
                        return None;
                    }
                }
                let base = admin
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_string())
                    .unwrap_or(admin.clone());
                (format!("{base}/{name}"), Cleanup::Database { admin, name })
            }
        };
        let state = Self::state_for(&database_url, dir)
            .await
            .expect("app state");
        Some(Self {
            router: router(state.clone()),
            state,
            backend,
            database_url,
            cleanup,
            cookie: std::sync::Mutex::new(None),
        })
    }

    /// A second start of the app on the same database (e.g. with changed instrument files).
    pub async fn state_for(
        database_url: &str,
        dir: std::path::PathBuf,
    ) -> Result<AppState, reflect::server::StartupError> {
        let config = Config {
            public_url: Some("http://reflect.test".into()),
            ..Config::local(database_url, &dir)
        };
        let conf = leptos::prelude::get_configuration(Some(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/Cargo.toml"
        )))
        .unwrap();
        build_state(config, conf.leptos_options).await
    }

    /// A second server on the same database as `other` (its own state and memory), for
    /// multi-server tests; `other` cleans the database up.
    pub fn attach(state: AppState, other: &TestApp) -> TestApp {
        TestApp {
            router: router(state.clone()),
            state,
            backend: other.backend,
            database_url: other.database_url.clone(),
            cleanup: Cleanup::None,
            cookie: std::sync::Mutex::new(None),
        }
    }

    /// Replaces the running app by a restart on the same database.
    pub async fn restart(
        &mut self,
        dir: std::path::PathBuf,
    ) -> Result<(), reflect::server::StartupError> {
        let state = Self::state_for(&self.database_url, dir).await?;
        close(&self.state.db.pool).await;
        self.router = router(state.clone());
        self.state = state;
        Ok(())
    }

    pub async fn cleanup(self) {
        close(&self.state.db.pool).await;
        match self.cleanup {
            Cleanup::File(dir) => {
                std::fs::remove_dir_all(dir).ok();
            }
            Cleanup::None => {}
            Cleanup::Database { admin, name } => {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut conn)
                        .await
                        .ok();
                }
            }
        }
    }

    pub async fn send(&self, mut req: Request<Body>) -> Reply {
        if let Some(c) = self.cookie.lock().unwrap().clone() {
            req.headers_mut().insert(header::COOKIE, c.parse().unwrap());
        }
        let res = self.router.clone().oneshot(req).await.unwrap();
        // a finish or a deletion releases above school level after its response: a test reads
        // what a person would see a moment later
        self.state.releaser.settled().await;
        let status = res.status();
        let headers = res.headers().clone();
        for set in headers.get_all(header::SET_COOKIE) {
            let set = set.to_str().unwrap();
            let pair = set.split(';').next().unwrap().to_string();
            let expired = set.contains("Max-Age=0") || pair.ends_with('=');
            *self.cookie.lock().unwrap() = (!expired).then_some(pair);
        }
        let body = res.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    /// A server function call as the hydrated page makes it.
    pub async fn call(&self, name: &str, form: &[(&str, &str)]) -> Reply {
        self.post_raw(name, &encode(form), "application/json").await
    }

    /// A server function call with a JSON body (server functions declared `input = Json`).
    pub async fn call_json(&self, name: &str, body: &serde_json::Value) -> Reply {
        let req = Request::post(format!("/api/{name}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(req).await
    }

    /// A server function call as a plain HTML form makes it (JavaScript off).
    pub async fn form(&self, name: &str, form: &[(&str, &str)], referer: &str) -> Reply {
        let req = Request::post(format!("/api/{name}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::REFERER, format!("http://reflect.test{referer}"))
            .body(Body::from(encode(form)))
            .unwrap();
        self.send(req).await
    }

    pub async fn post_raw(&self, name: &str, body: &str, accept: &str) -> Reply {
        let req = Request::post(format!("/api/{name}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, accept)
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(req).await
    }

    /// A GET as a browser sends it, compressed responses accepted.
    pub async fn get_compressed(&self, path: &str) -> Reply {
        self.send(
            Request::get(path)
                .header(header::ACCEPT, "*/*")
                .header(header::ACCEPT_ENCODING, "gzip, br")
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(
            Request::get(path)
                .header(header::ACCEPT, "text/html")
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// Opens a server-sent events stream (as the browser's EventSource does), or returns the
    /// refusal.
    pub async fn events(&self, path: &str) -> Result<Events, Reply> {
        let mut req = Request::get(path)
            .header(header::ACCEPT, "text/event-stream")
            .body(Body::empty())
            .unwrap();
        if let Some(c) = self.cookie.lock().unwrap().clone() {
            req.headers_mut().insert(header::COOKIE, c.parse().unwrap());
        }
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        if status != StatusCode::OK {
            let headers = res.headers().clone();
            let body = res.into_body().collect().await.unwrap().to_bytes();
            return Err(Reply {
                status,
                headers,
                body: String::from_utf8_lossy(&body).into_owned(),
            });
        }
        assert_eq!(
            res.headers()[header::CONTENT_TYPE],
            "text/event-stream",
            "an event stream"
        );
        Ok(Events {
            body: res.into_body().into_data_stream(),
            buf: String::new(),
        })
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// Creates an account directly (as the CLI does) and signs in as it.
    pub async fn sign_in_as(&self, email: &str, role: &str, school: Option<&str>) -> String {
        let id = reflect::accounts::service::create_user(
            &self.state.db,
            reflect::accounts::service::NewUser {
                email,
                password: "a long test password",
                role,
                school_id: school,
                network_id: None,
            },
        )
        .await
        .unwrap();
        self.sign_in(email, "a long test password").await;
        id
    }

    pub async fn sign_in(&self, email: &str, password: &str) {
        *self.cookie.lock().unwrap() = None;
        let r = self
            .call("login", &[("email", email), ("password", password)])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(self.cookie.lock().unwrap().is_some(), "a session cookie");
    }

    pub fn sign_out_locally(&self) {
        *self.cookie.lock().unwrap() = None;
    }

    /// Starts a leadership reflection and returns its private token.
    pub async fn start(&self, instrument: &str) -> String {
        let r = self
            .call(
                "start_reflection",
                &[
                    ("instrument", instrument),
                    ("role", "headteacher"),
                    ("school_code", ""),
                    ("innovation", "data_use"),
                    ("innovation_detail", ""),
                    ("consent", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        serde_json::from_str::<String>(&r.body).unwrap()
    }
}

/// The leadership reflection's latest version.
pub fn leadership(app: &TestApp) -> std::sync::Arc<reflect::instrument::Instrument> {
    app.state
        .instruments
        .latest("leadership-reflection")
        .unwrap()
        .instrument
        .clone()
}

/// A school with a join code and a country, stored directly.
pub async fn add_school(app: &TestApp, id: &str, code: &str, country: &str) {
    sqlx::query("INSERT INTO schools (id, code, name, created_at, country) VALUES ($1, $2, $3, '2026-11-22T00:00:00Z', $4)")
        .bind(id)
        .bind(code)
        .bind(format!("School {id}"))
        .bind(country)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
}

/// Releases every group's pending changes at once, as `reflect recompute-aggregates` does (an
/// operator's repair), for tests about what a released population shows.
pub async fn release_all(app: &TestApp) {
    reflect::results::aggregates::recompute(&app.state.db, &app.state.instruments)
        .await
        .unwrap();
}

/// A leadership reflection as a respondent makes it through the pages' server functions:
/// started with `start` (extra start fields: role, school code, consent …), then `pages` category
/// pages submitted with `value(category index, item index, category id)` for every item; the
/// last page finishes it.
pub async fn leadership_reflection(
    app: &TestApp,
    start: &[(&str, &str)],
    pages: usize,
    value: impl Fn(usize, usize, &str) -> String,
) -> String {
    let mut form = vec![
        ("instrument", "leadership-reflection"),
        ("innovation", "pln"),
        ("consent", "yes"),
        ("role", "teacher"),
    ];
    for (k, v) in start {
        form.retain(|(key, _)| key != k);
        form.push((k, v));
    }
    let r = app.call("start_reflection", &form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let token: String = r.json();
    answer_pages(app, &token, pages, value).await;
    token
}

/// Submits the first `pages` category pages of a started leadership reflection with
/// `value(category index, item index, category id)` for every item; the last page finishes it.
pub async fn answer_pages(
    app: &TestApp,
    token: &str,
    pages: usize,
    value: impl Fn(usize, usize, &str) -> String,
) {
    let token = token.to_string();
    let inst = leadership(app);
    let total = inst.categories.len();
    for (c, cat) in inst.categories.iter().enumerate().take(pages) {
        let page = (c + 1).to_string();
        let go = if c + 1 == total { "finish" } else { "next" };
        let answers: Vec<(String, String)> = cat
            .items()
            .enumerate()
            .map(|(i, item)| (format!("answers[{}]", item.id), value(c, i, &cat.id)))
            .collect();
        // a respondent who means to go on, whatever they left open
        let mut form: Vec<(&str, &str)> = vec![
            ("token", &token),
            ("index", &page),
            ("go", go),
            ("confirmed", go),
        ];
        form.extend(answers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let r = app.call("submit_category", &form).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
    /// The error message of a failed call, and that it is one of ours.
    pub fn error(&self) -> reflect::error::AppError {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not an AppError ({e}): {}", self.body))
    }
}

/// A server-sent events stream being read.
pub struct Events {
    body: axum::body::BodyDataStream,
    buf: String,
}

impl Events {
    /// The next event's data as JSON, or `None` when none comes within `within`.
    pub async fn next<T: serde::de::DeserializeOwned>(
        &mut self,
        within: std::time::Duration,
    ) -> Option<T> {
        use futures::StreamExt;
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let frame: String = self.buf.drain(..end + 2).collect();
                let data: Vec<&str> = frame
                    .lines()
                    .filter_map(|l| l.strip_prefix("data:"))
                    .map(|d| d.strip_prefix(' ').unwrap_or(d))
                    .collect();
                if data.is_empty() {
                    continue; // a keep-alive comment
                }
                return Some(serde_json::from_str(&data.join("\n")).expect("event data is JSON"));
            }
            match tokio::time::timeout_at(deadline, self.body.next()).await {
                Ok(Some(Ok(bytes))) => self.buf.push_str(&String::from_utf8_lossy(&bytes)),
                _ => return None,
            }
        }
    }

    /// Whether the stream ends within `within` (events on the way are skipped).
    pub async fn ended(&mut self, within: std::time::Duration) -> bool {
        use futures::StreamExt;
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.body.next()).await {
                Ok(Some(Ok(_))) => continue,
                Ok(_) => return true,
                Err(_) => return false,
            }
        }
    }

    /// Reads events until one satisfies `wanted` (panics with the last one seen if none does
    /// within `within`).
    pub async fn until<T: serde::de::DeserializeOwned + std::fmt::Debug>(
        &mut self,
        within: std::time::Duration,
        what: &str,
        wanted: impl Fn(&T) -> bool,
    ) -> T {
        let deadline = tokio::time::Instant::now() + within;
        let mut last: Option<T> = None;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next::<T>(left).await {
                Some(v) if wanted(&v) => return v,
                Some(v) => last = Some(v),
                None => panic!("no event with {what} within {within:?}; last one: {last:#?}"),
            }
        }
    }
}

pub fn encode(form: &[(&str, &str)]) -> String {
    form.iter()
        .map(|(k, v)| format!("{}={}", urlencoding::encode(k), urlencoding::encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Closes a pool, waiting at most a few seconds. sqlx's `Pool::close` waits for every checked-out
/// connection, and a connection whose drop is still returning it to the pool can race the close
/// and leave it waiting for ever (sqlx issues #1773, #3217): a test's database is removed anyway,
/// so a straggler must not hang the whole run.
pub async fn close(pool: &sqlx::AnyPool) {
    if tokio::time::timeout(std::time::Duration::from_secs(5), pool.close())
        .await
        .is_err()
    {
        eprintln!(
            "note: pool close still waiting after 5 s ({} connections open, {} idle); going on",
            pool.size(),
            pool.num_idle()
        );
    }
}

/// The longest a single integration test may take before it fails instead of hanging the run.
pub const TEST_LIMIT: std::time::Duration = std::time::Duration::from_secs(240);

/// Runs a test body, failing it (with its name) if it does not finish within [`TEST_LIMIT`].
pub async fn within_limit<F: std::future::Future<Output = ()>>(name: &str, body: F) {
    if tokio::time::timeout(TEST_LIMIT, body).await.is_err() {
        panic!("{name} did not finish within {TEST_LIMIT:?}: something waits for ever");
    }
}

/// Runs an async test function against SQLite and against PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                use super::*;
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    #[allow(unused_mut)]
                    let mut app = common::TestApp::new(common::Backend::Sqlite).await.unwrap();
                    common::within_limit(concat!(stringify!($name), " (SQLite)"), super::$name(&mut app)).await;
                    app.cleanup().await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    #[allow(unused_mut)]
                    if let Some(mut app) = common::TestApp::new(common::Backend::Postgres).await {
                        common::within_limit(concat!(stringify!($name), " (PostgreSQL)"), super::$name(&mut app)).await;
                        app.cleanup().await;
                    }
                }
            }
        )*
    };
}

/// The server binary (`reflect serve`, as shipped, with the release panic strategy when built so)
/// as a process of its own on the app's database; killed (SIGKILL) when dropped.
pub struct ServerProcess(pub std::process::Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the server binary on the app's database and a port the system chooses: the process and
/// its address (read from its "Reflect is running on http://ADDR" line). Configuration comes from
/// the environment alone, none of this process's `REFLECT_` or `LEPTOS_` variables leak in.
pub fn spawn_server(app: &TestApp) -> (ServerProcess, String) {
    spawn_server_with(app, &[], std::process::Stdio::inherit())
}

/// [`spawn_server`] with more variables (they win) and its standard error (the logs) sent to
/// `stderr`.
pub fn spawn_server_with(
    app: &TestApp,
    env: &[(&str, &str)],
    stderr: std::process::Stdio,
) -> (ServerProcess, String) {
    spawn_server_in(app, None, env, stderr)
}

/// [`spawn_server_with`] started in folder `dir` (the binary's own folder when `None`).
pub fn spawn_server_in(
    app: &TestApp,
    dir: Option<&std::path::Path>,
    env: &[(&str, &str)],
    stderr: std::process::Stdio,
) -> (ServerProcess, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_reflect"));
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    for (k, _) in std::env::vars() {
        if k.starts_with("REFLECT_") || k.starts_with("LEPTOS_") {
            command.env_remove(k);
        }
    }
    let mut child = command
        .arg("serve")
        .env("DATABASE_URL", &app.database_url)
        .env("REFLECT_INSTRUMENTS_DIR", instruments_dir())
        .env("LEPTOS_OUTPUT_NAME", "reflect")
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "error")
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("start the server");
    let stdout = child.stdout.take().unwrap();
    let server = ServerProcess(child);
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).unwrap();
    let addr = line
        .strip_prefix("Reflect is running on http://")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("the server did not start: {line:?}"))
        .to_string();
    (server, addr)
}

/// One HTTP/1.1 request to a server process on a fresh connection, as a browser or phone sends
/// it: the status and the whole response (status 0 when the reply has no status line).
pub async fn request(addr: &str, head: &str, body: &str) -> Result<(u16, String), String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    let req = format!(
        "{head}\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok((status, text))
}

/// The head of a server function call, as the pages' forms send it.
pub fn post(name: &str, cookie: Option<&str>) -> String {
    let mut head = format!(
        "POST /api/{name} HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nAccept: application/json"
    );
    if let Some(c) = cookie {
        head.push_str(&format!("\r\nCookie: {c}"));
    }
    head
}

/// Starts a leadership reflection on a server process as a teacher who consents: its token.
pub async fn start_reflection(addr: &str) -> Result<String, String> {
    let (status, reply) = request(
        addr,
        &post("start_reflection", None),
        &encode(&[
            ("instrument", "leadership-reflection"),
            ("role", "teacher"),
            ("innovation", "pln"),
            ("consent", "yes"),
        ]),
    )
    .await?;
    reply
        .split_once("\r\n\r\n")
        .and_then(|(_, body)| serde_json::from_str(body).ok())
        .ok_or(format!("start_reflection answered {status}: {reply}"))
}

/// Signs in on a server process: the session cookie.
pub async fn sign_in_over_http(addr: &str, email: &str, password: &str) -> Result<String, String> {
    let (status, reply) = request(
        addr,
        &post("login", None),
        &encode(&[("email", email), ("password", password)]),
    )
    .await?;
    Ok(reply
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .ok_or(format!("sign-in failed ({status})"))?
        .to_string())
}
