//! What the benchmark commands share: the app served on a local port with a fresh database, raw
//! HTTP/1.1 requests as a browser or phone makes them, percentiles, and a fast loader of finished
//! leadership reflections.
use super::{AppState, Config};
use crate::server::db::Db;
use rand::Rng;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub type BenchResult<T> = Result<T, String>;

pub const PASSWORD: &str = "benchmark password 0123";

/// The app on `127.0.0.1:<free port>` over `database_url`; its state and address.
pub async fn serve(
    database_url: &str,
    instruments_dir: &std::path::Path,
) -> BenchResult<(AppState, String)> {
    serve_with(Config::local(database_url, instruments_dir)).await
}

/// The app with this configuration on `127.0.0.1:<free port>`; its state and address.
pub async fn serve_with(config: Config) -> BenchResult<(AppState, String)> {
    let options = leptos::prelude::LeptosOptions::builder()
        .output_name("reflect")
        .build();
    let state: AppState = super::build_state(config, options)
        .await
        .map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener
        .local_addr()
        .map_err(|e| e.to_string())?
        .to_string();
    let app = super::router(state.clone());
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    Ok((state, addr))
}

/// The commands of `reflect-bench`: `results [N]`, `live [SCREENS] [PARTICIPANTS] [PAUSE_MS]`,
/// `live-rooms [ROOMS] [PARTICIPANTS] [PAUSE_MS] [SCREENS]`,
/// `load [RESPONDENTS] [SECONDS] [CONNECTIONS]`, `export [N] [SAVERS] [PAUSE_MS]`,
/// `finish [BACKGROUND] [FINISHES]`, and
/// `serve-local`, which they start. Each measures a fresh database under `target/` unless
/// `DATABASE_URL` names one.
pub async fn command(name: &str, args: &[String], config: &Config) -> std::process::ExitCode {
    let number =
        |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let fresh = |folder: &str, file: &str| {
        std::env::var("DATABASE_URL").unwrap_or_else(|_| {
            let _ = std::fs::remove_dir_all(format!("target/{folder}"));
            format!("sqlite://target/{folder}/{file}.db")
        })
    };
    // the benchmarks run in the repository, on its instruments folder unless one is set
    let dir = config
        .instruments_dir
        .as_deref()
        .unwrap_or(std::path::Path::new("instruments"));
    let pause = |i: usize| Duration::from_millis(number(i, 0));
    let result = match name {
        "results" => {
            crate::results::bench::run(&fresh("bench", "results"), dir, number(1, 100_000) as usize)
                .await
                .map_err(|e| e.to_string())
        }
        "live" => {
            let plan = crate::workshops::bench::Plan {
                rooms: 1,
                screens: number(1, 1_000) as usize,
                participants: number(2, 100) as usize,
                pause: pause(3),
            };
            let url = fresh("bench-live", "live");
            crate::workshops::bench::run(&url, dir, "target/bench-live".as_ref(), plan).await
        }
        "live-rooms" => {
            let plan = crate::workshops::bench::Plan {
                rooms: number(1, 200) as usize,
                participants: number(2, 50) as usize,
                pause: Duration::from_millis(number(3, 2_000)),
                screens: number(4, 1) as usize,
            };
            let url = fresh("bench-live-rooms", "live");
            crate::workshops::bench::run(&url, dir, "target/bench-live-rooms".as_ref(), plan).await
        }
        "load" => {
            let (respondents, connections) = (number(1, 1_000) as usize, number(3, 64) as usize);
            crate::reflection::bench::run(
                std::env::var("DATABASE_URL").ok(),
                dir,
                respondents,
                number(2, 60),
                connections,
            )
            .await
        }
        "export" => {
            let (n, savers) = (number(1, 100_000) as usize, number(2, 8) as usize);
            crate::export::bench::run(&fresh("bench-export", "export"), dir, n, savers, pause(3))
                .await
        }
        "finish" => {
            let (background, finishes) = (number(1, 2_000) as usize, number(2, 200) as usize);
            crate::results::bench::finish(
                &fresh("bench-finish", "finish"),
                dir,
                background,
                finishes,
            )
            .await
        }
        "serve-local" => serve_until_stdin_closes(config).await,
        other => Err(format!("unknown benchmark {other}")),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{name} failed: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `reflect-bench serve-local`: serves `DATABASE_URL` on a free local port, prints the address on
/// standard output and serves until standard input closes. For the benchmarks and the crash
/// harness, which run the server as a process of its own (to measure it, or to kill it). The
/// local defaults, but for the proxies it trusts (`REFLECT_TRUSTED_PROXIES`, so that a benchmark
/// can tell its clients apart through `X-Forwarded-For`).
pub async fn serve_until_stdin_closes(config: &Config) -> BenchResult<()> {
    let (_state, addr) = serve_with(Config {
        trusted_proxies: config.trusted_proxies.clone(),
        instruments_dir: config.instruments_dir.clone(),
        ..Config::local(&config.database_url, std::path::Path::new("instruments"))
    })
    .await?;
    println!("{addr}");
    tokio::task::spawn_blocking(|| {
        let mut sink = String::new();
        while std::io::stdin().read_line(&mut sink).is_ok_and(|n| n > 0) {
            sink.clear();
        }
    })
    .await
    .map_err(|e| e.to_string())
}

/// This binary serving a database in a process of its own (`reflect-bench serve-local`), so that it
/// can be measured apart from the load, or killed; it is killed when dropped.
pub struct LocalServer {
    child: std::process::Child,
    pub addr: String,
    pub pid: u32,
}

impl LocalServer {
    /// Starts it with these extra environment variables; its log goes to `log` when given.
    pub async fn start(
        database_url: &str,
        instruments_dir: &std::path::Path,
        env: &[(&str, &str)],
        log: Option<&std::path::Path>,
    ) -> BenchResult<Self> {
        let e = |e: std::io::Error| e.to_string();
        let mut command = std::process::Command::new(std::env::current_exe().map_err(e)?);
        command
            .arg("serve-local")
            .env("DATABASE_URL", database_url)
            .env("REFLECT_INSTRUMENTS_DIR", instruments_dir)
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped());
        if let Some(log) = log {
            command.stderr(std::fs::File::create(log).map_err(e)?);
        }
        let mut child = command.spawn().map_err(e)?;
        let stdout = child.stdout.take().ok_or("no server output")?;
        let pid = child.id();
        let mut server = Self {
            child,
            addr: String::new(),
            pid,
        };
        server.addr = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line)
                .map(|_| line)
        })
        .await
        .map_err(|x| x.to_string())?
        .map_err(e)?
        .trim()
        .to_string();
        if server.addr.is_empty() {
            return Err("the server did not start".into());
        }
        Ok(server)
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// CPU time a process has used so far (user + system), from `/proc/PID/stat` (Linux).
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // fields after the command name (which may hold spaces) in parentheses
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // USER_HZ is 100 on Linux
    Some(ticks / 100.0)
}

/// One HTTP/1.1 request on a fresh connection; the status and the whole response.
pub async fn request(addr: &str, head: &str, body: &str) -> BenchResult<(u16, String)> {
    let mut s = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
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
    Ok((status_of(&text), text))
}

/// The status code of a response's first line (0 when there is none).
pub fn status_of(response: &str) -> u16 {
    response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", urlencoding::encode(k), urlencoding::encode(v)))
        .collect::<Vec<_>>()
        .join("&")
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

/// Creates an account with `role` (and the benchmark's password): its id.
pub async fn create_account(db: &Db, email: &str, role: &str) -> BenchResult<String> {
    crate::accounts::service::create_user(
        db,
        crate::accounts::service::NewUser {
            email,
            password: PASSWORD,
            role,
            school_id: None,
            network_id: None,
        },
    )
    .await
    .map_err(|e| e.to_string())
}

/// Signs an account made by [`create_account`] in over HTTP: its session cookie.
pub async fn sign_in(addr: &str, email: &str) -> BenchResult<String> {
    let (status, reply) = request(
        addr,
        &post("login", None),
        &form(&[("email", email), ("password", PASSWORD)]),
    )
    .await?;
    session_cookie(status, &reply)
}

/// The session cookie a sign-in's reply sets.
fn session_cookie(status: u16, reply: &str) -> BenchResult<String> {
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

/// Starts a leadership reflection over HTTP as a teacher who consents to research: its token.
pub async fn start_reflection(addr: &str) -> BenchResult<String> {
    let (status, reply) = request(
        addr,
        &post("start_reflection", None),
        &form(&[
            ("instrument", "leadership-reflection"),
            ("role", crate::values::RespondentRole::Teacher.as_str()),
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

/// Saves one answer over HTTP as the hydrated page does; an error unless it is stored.
pub async fn save_answer(addr: &str, token: &str, item: &str, value: &str) -> BenchResult<()> {
    let (status, reply) = request(
        addr,
        &post("save_answer", None),
        &answer(token, item, value),
    )
    .await?;
    stored(status, &reply)
}

fn answer(token: &str, item: &str, value: &str) -> String {
    form(&[("token", token), ("item", item), ("value", value)])
}

fn stored(status: u16, reply: &str) -> BenchResult<()> {
    if status != 200 {
        return Err(format!("save_answer answered {status}: {reply}"));
    }
    Ok(())
}

/// A keep-alive HTTP/1.1 connection to the app, as a browser or a phone keeps one open, opened at
/// the first request. With `forwarded_for`, every request says it comes from that address
/// (`X-Forwarded-For`): a server that trusts 127.0.0.1 as its proxy (`REFLECT_TRUSTED_PROXIES`)
/// then tells the benchmark's clients apart, as it tells phones apart behind a real proxy.
pub struct Client {
    addr: String,
    forwarded_for: Option<String>,
    stream: Option<tokio::io::BufReader<TcpStream>>,
}

/// A request that failed; `stale` when it was sent on a reused connection and not a byte came back
/// (the server had closed the idle connection): then it may be sent again.
struct Failed {
    stale: bool,
    error: String,
}

impl Client {
    pub fn new(addr: &str, forwarded_for: Option<String>) -> Self {
        Self {
            addr: addr.to_string(),
            forwarded_for,
            stream: None,
        }
    }

    /// One request (`head` as [`post`] makes it) on this connection: the status and the whole
    /// response (head and body). Opens a new connection when the server has closed the last one.
    pub async fn request(&mut self, head: &str, body: &str) -> BenchResult<(u16, String)> {
        match self.once(head, body).await {
            Ok(r) => Ok(r),
            Err(Failed { stale: true, .. }) => {
                self.stream = None;
                self.once(head, body).await.map_err(|f| f.error)
            }
            Err(f) => {
                self.stream = None;
                Err(f.error)
            }
        }
    }

    async fn once(&mut self, head: &str, body: &str) -> Result<(u16, String), Failed> {
        let reused = self.stream.is_some();
        let fail = |stale: bool| {
            move |e: std::io::Error| Failed {
                stale,
                error: e.to_string(),
            }
        };
        if self.stream.is_none() {
            let s = TcpStream::connect(&self.addr).await.map_err(fail(false))?;
            self.stream = Some(tokio::io::BufReader::new(s));
        }
        let Some(stream) = self.stream.as_mut() else {
            return Err(Failed {
                stale: false,
                error: "no connection".into(),
            });
        };
        let mut req = format!("{head}\r\nHost: {}\r\n", self.addr);
        if let Some(ip) = &self.forwarded_for {
            req.push_str(&format!("X-Forwarded-For: {ip}\r\n"));
        }
        req.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
        stream
            .get_mut()
            .write_all(req.as_bytes())
            .await
            .map_err(fail(reused))?;
        let mut text = String::new();
        let n = stream.read_line(&mut text).await.map_err(fail(reused))?;
        if n == 0 {
            return Err(Failed {
                stale: reused,
                error: "the server closed the connection".into(),
            });
        }
        let status = status_of(&text);
        let (mut length, mut chunked, mut close) = (0usize, false, false);
        loop {
            let mut line = String::new();
            if stream.read_line(&mut line).await.map_err(fail(false))? == 0 {
                return Err(Failed {
                    stale: false,
                    error: "a response cut short".into(),
                });
            }
            text.push_str(&line);
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let (name, value) = (name.to_ascii_lowercase(), value.trim());
            match name.as_str() {
                "content-length" => length = value.parse().unwrap_or(0),
                "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                "connection" => close = value.eq_ignore_ascii_case("close"),
                _ => {}
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                let mut size = String::new();
                stream.read_line(&mut size).await.map_err(fail(false))?;
                let size = usize::from_str_radix(size.trim(), 16).map_err(|_| Failed {
                    stale: false,
                    error: "a bad chunk".into(),
                })?;
                let mut chunk = vec![0u8; size + 2];
                stream.read_exact(&mut chunk).await.map_err(fail(false))?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else {
            body.resize(length, 0);
            stream.read_exact(&mut body).await.map_err(fail(false))?;
        }
        text.push_str(&String::from_utf8_lossy(&body));
        if close {
            self.stream = None;
        }
        Ok((status, text))
    }

    /// Signs an account made by [`create_account`] in: its session cookie.
    pub async fn sign_in(&mut self, email: &str) -> BenchResult<String> {
        let (status, reply) = self
            .request(
                &post("login", None),
                &form(&[("email", email), ("password", PASSWORD)]),
            )
            .await?;
        session_cookie(status, &reply)
    }

    /// Saves one answer as the hydrated page does; an error unless it is stored.
    pub async fn save_answer(&mut self, token: &str, item: &str, value: &str) -> BenchResult<()> {
        let (status, reply) = self
            .request(&post("save_answer", None), &answer(token, item, value))
            .await?;
        stored(status, &reply)
    }

    /// Calls a server function and reads its JSON reply; an error unless it answers 200.
    pub async fn call(
        &mut self,
        name: &str,
        cookie: Option<&str>,
        pairs: &[(&str, &str)],
    ) -> BenchResult<serde_json::Value> {
        let (status, reply) = self.request(&post(name, cookie), &form(pairs)).await?;
        let body = reply.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
        if status != 200 {
            return Err(format!("{name} answered {status}: {body}"));
        }
        serde_json::from_str(body).map_err(|e| format!("{name}: {e}: {body}"))
    }
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// "p50 …  p95 …  p99 …  max …" of sorted durations.
pub fn spread(sorted: &[Duration]) -> String {
    format!(
        "p50 {}  p95 {}  p99 {}  max {}",
        ms(percentile(sorted, 50.0)),
        ms(percentile(sorted, 95.0)),
        ms(percentile(sorted, 99.0)),
        ms(sorted.last().copied().unwrap_or_default())
    )
}

pub const SCHOOLS: usize = 200;
pub const NETWORKS: usize = 20;
pub const COUNTRIES: [&str; 10] = ["nl", "be", "de", "dk", "no", "se", "fi", "uk", "ie", "es"];
pub const ROLES: &[&str] = crate::values::ROLE_IDS;
pub const INNOVATIONS: [&str; 3] = ["data_use", "pln", "other"];

/// One loaded reflection, for a benchmark's own bookkeeping: indexes into the tables above, the
/// month (1–12) and per item the value (0 = not applicable, else 1–5).
pub struct Loaded<'a> {
    pub school: usize,
    pub role: usize,
    pub innovation: usize,
    pub month: usize,
    pub values: &'a [usize],
}

/// Loads 200 schools in 20 networks and 10 countries, then `n` finished, consenting
/// reflections (ids `r0` …) with every one of `items` answered at random, in multi-row inserts;
/// `each` sees every reflection as it is written.
pub async fn load_reflections(
    db: &Db,
    version: i64,
    items: &[String],
    n: usize,
    rng: &mut impl Rng,
    mut each: impl FnMut(&Loaded),
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    for net in 0..NETWORKS {
        sqlx::query(
            "INSERT INTO networks (id, name, created_at) VALUES ($1, $2, '2026-01-01T00:00:00Z')",
        )
        .bind(format!("net-{net}"))
        .bind(format!("Network {net}"))
        .execute(&mut *tx)
        .await?;
    }
    for s in 0..SCHOOLS {
        sqlx::query("INSERT INTO schools (id, code, name, created_at, network_id, country) VALUES ($1, $2, $3, '2026-01-01T00:00:00Z', $4, $5)")
            .bind(format!("school-{s}"))
            .bind(format!("B{s:07}"))
            .bind(format!("School {s}"))
            .bind(format!("net-{}", s % NETWORKS))
            .bind(COUNTRIES[s % COUNTRIES.len()])
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;

    // a few large transactions of large statements: at 1,000,000 reflections (36 million
    // answers) the load takes minutes, not an hour
    let batch = 5_000;
    let mut done = 0;
    let mut values = vec![0usize; items.len()];
    while done < n {
        let size = batch.min(n - done);
        let mut tx = db.begin_write().await?;
        bulk_pragmas(db, &mut tx).await?;
        let mut refl = String::from(
            "INSERT INTO reflections (id, token_hash, instrument_id, instrument_version, role, school_id, innovation, consent_research, status, started_on, updated_at, finished_at) VALUES ",
        );
        let mut answers: Vec<String> = Vec::with_capacity(size * items.len());
        for i in 0..size {
            let id = done + i;
            let month = 1 + rng.gen_range(0..12);
            let when = format!("2026-{month:02}-15T10:00:00Z");
            let school = rng.gen_range(0..SCHOOLS);
            let (role, innovation) = (
                rng.gen_range(0..ROLES.len()),
                rng.gen_range(0..INNOVATIONS.len()),
            );
            if i > 0 {
                refl.push(',');
            }
            refl.push_str(&format!(
                "('r{id}', 'h{id}', 'leadership-reflection', {version}, '{}', 'school-{school}', '{}', 1, '{}', '{}', '{when}', '{when}')",
                ROLES[role],
                INNOVATIONS[innovation],
                crate::values::Status::Finished.as_str(),
                &when[..10]
            ));
            for (item, v) in items.iter().zip(values.iter_mut()) {
                *v = rng.gen_range(0..6);
                let (value, score) = if *v == 0 {
                    ("na".to_string(), "NULL".to_string())
                } else {
                    (v.to_string(), v.to_string())
                };
                answers.push(format!("('r{id}', '{item}', '{value}', {score}, '{when}')"));
            }
            each(&Loaded {
                school,
                role,
                innovation,
                month,
                values: &values,
            });
        }
        sqlx::query(&refl).execute(&mut *tx).await?;
        for chunk in answers.chunks(5_000) {
            let sql = format!(
                "INSERT INTO answers (reflection_id, item_id, value, score, updated_at) VALUES {}",
                chunk.join(",")
            );
            sqlx::query(&sql).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        done += size;
    }
    Ok(())
}

/// For a bulk load on SQLite: a page cache of 512 MB on the transaction's connection (of the
/// benchmark process only), so that inserting millions of rows does not reread the indexes'
/// pages from the file. Nothing on PostgreSQL.
pub async fn bulk_pragmas(
    db: &Db,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
) -> Result<(), sqlx::Error> {
    if db.backend == crate::server::db::Backend::Sqlite {
        sqlx::query("PRAGMA cache_size = -524288")
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// A process's resident memory now and at its peak (VmRSS, VmHWM), in bytes (Linux).
pub fn memory(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
            .map(|kb| kb * 1024)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// Starts measuring a process's peak resident memory afresh from now (Linux).
pub fn reset_peak_memory(pid: u32) -> bool {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok()
}
