//! `reflect-bench load [RESPONDENTS] [SECONDS] [CONNECTIONS]`: answer saves under load, over HTTP
//! on this machine, measured with wrk (Debian's package; a well-kept load tool rather than one of
//! our own).
//!
//! Starts the server (this binary, `reflect-bench serve-local`) in a process of its own on a fresh
//! database — SQLite with `synchronous=FULL` unless `DATABASE_URL` names another — starts
//! RESPONDENTS reflections (default 1,000) over HTTP, then lets wrk keep CONNECTIONS connections
//! (default 64) saving answers for SECONDS (default 60), each request one answer of one
//! respondent, round the respondents and their statements (`scripts/bench-load.lua`). Prints saves
//! per second, latency p50/p95/p99/max, errors by kind, responses by status, "database is
//! locked" in the server's log, and the CPU time of the server and of wrk. Then renders one
//! questionnaire page for a quarter of the time each with 16 connections and with CONNECTIONS:
//! pages per second and p99.
//! Asserts nothing about speed.
use crate::server::bench::{BenchResult, LocalServer, cpu_seconds, start_reflection};
use std::time::{Duration, Instant};

/// Connections of the first page run: enough to keep both cores busy rendering (the server is
/// saturated from about 8), few enough that the latency is the render's, not a queue's.
const PAGE_CONNECTIONS: usize = 16;

/// What wrk's script printed.
#[derive(Debug, Default)]
struct WrkResult {
    requests: f64,
    seconds: f64,
    p50: f64,
    p95: f64,
    p99: f64,
    max: f64,
    errors: String,
    statuses: String,
}

fn parse(output: &str) -> Option<WrkResult> {
    let line = output.lines().find(|l| l.starts_with("RESULT "))?;
    let field = |name: &str| {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
            .unwrap_or("")
    };
    let num = |name: &str| field(name).parse::<f64>().unwrap_or(0.0);
    Some(WrkResult {
        requests: num("requests"),
        seconds: num("duration_us") / 1e6,
        p50: num("p50_us") / 1e3,
        p95: num("p95_us") / 1e3,
        p99: num("p99_us") / 1e3,
        max: num("max_us") / 1e3,
        errors: format!(
            "connect {}, read {}, write {}, timeout {}, non-2xx {}",
            field("connect"),
            field("read"),
            field("write"),
            field("timeout"),
            field("non2xx")
        ),
        statuses: field("statuses").to_string(),
    })
}

/// Runs wrk; its result and its CPU seconds (sampled while it runs).
async fn wrk(
    addr: &str,
    seconds: u64,
    connections: usize,
    env: &[(&str, &str)],
) -> BenchResult<(WrkResult, f64)> {
    let mut child = std::process::Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--timeout",
            "10s",
            "-s",
            "scripts/bench-load.lua",
            &format!("http://{addr}"),
        ])
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("wrk did not start ({e}); scripts/bench-load.sh installs it"))?;
    let pid = child.id();
    let mut cpu = 0.0;
    while child.try_wait().map_err(|e| e.to_string())?.is_none() {
        cpu = cpu_seconds(pid).unwrap_or(cpu);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let result = parse(&text).ok_or(format!("wrk printed no result:\n{text}"))?;
    Ok((result, cpu))
}

pub async fn run(
    database_url: Option<String>,
    instruments_dir: &std::path::Path,
    respondents: usize,
    seconds: u64,
    connections: usize,
) -> BenchResult<()> {
    let dir = std::path::Path::new("target/bench-load");
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let url = database_url.unwrap_or_else(|| format!("sqlite://{}/load.db", dir.display()));
    let log = dir.join("server.log");
    let server = LocalServer::start(
        &url,
        instruments_dir,
        &[("REFLECT_SQLITE_SYNCHRONOUS", "FULL"), ("RUST_LOG", "warn")],
        Some(&log),
    )
    .await?;
    let items: Vec<String> = crate::instrument::store::load_dir(instruments_dir)
        .map_err(|e| format!("{} invalid instrument file(s)", e.len()))?
        .into_iter()
        .find(|(_, i)| i.id == "leadership-reflection")
        .ok_or("the leadership-reflection questionnaire is missing")?
        .1
        .categories
        .iter()
        .flat_map(|c| c.items())
        .map(|i| i.id.clone())
        .collect();
    let started = Instant::now();
    let mut tokens = Vec::with_capacity(respondents);
    for _ in 0..respondents {
        tokens.push(start_reflection(&server.addr).await?);
    }
    let quoted = |list: &[String]| {
        list.iter()
            .map(|t| format!("\"{t}\""))
            .collect::<Vec<_>>()
            .join(",")
    };
    let tokens_file = dir.join("tokens.lua");
    std::fs::write(
        &tokens_file,
        format!(
            "tokens = {{{}}}\nitems = {{{}}}\n",
            quoted(&tokens),
            quoted(&items)
        ),
    )
    .map_err(|e| e.to_string())?;
    let backend = if url.starts_with("sqlite") {
        "SQLite, synchronous=FULL"
    } else {
        "PostgreSQL"
    };
    println!(
        "answer saves over HTTP ({backend}): {respondents} respondents started in {:.1} s; wrk, 2 threads, {connections} connections, {seconds} s",
        started.elapsed().as_secs_f64()
    );

    let tokens_env = tokens_file.display().to_string();
    let server_cpu = cpu_seconds(server.pid).unwrap_or(0.0);
    let (saves, wrk_cpu) = wrk(
        &server.addr,
        seconds,
        connections,
        &[("REFLECT_LOAD_TOKENS", &tokens_env)],
    )
    .await?;
    let server_cpu = cpu_seconds(server.pid).unwrap_or(0.0) - server_cpu;
    let locked = std::fs::read_to_string(&log)
        .unwrap_or_default()
        .matches("database is locked")
        .count();
    println!(
        "saves: {:.0}/s ({} in {:.1} s); latency p50 {:.1} ms  p95 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
        saves.requests / saves.seconds,
        saves.requests,
        saves.seconds,
        saves.p50,
        saves.p95,
        saves.p99,
        saves.max
    );
    println!(
        "errors: {}; responses by status: {}; \"database is locked\" in the server log: {locked}",
        saves.errors, saves.statuses
    );
    println!(
        "CPU: server {server_cpu:.1} s ({:.2} cores), wrk {wrk_cpu:.1} s ({:.2} cores), of 2",
        server_cpu / saves.seconds,
        wrk_cpu / saves.seconds
    );

    // the questionnaire page, rendered on the server: at a moderate concurrency, and under the
    // save run's connections
    let page = format!("/r/{}/c/1", tokens[0]);
    let mut page_connections = vec![PAGE_CONNECTIONS.min(connections), connections];
    page_connections.dedup();
    for page_connections in page_connections {
        let server_cpu = cpu_seconds(server.pid).unwrap_or(0.0);
        let (pages, _) = wrk(
            &server.addr,
            (seconds / 4).max(5),
            page_connections,
            &[
                ("REFLECT_LOAD_TOKENS", &tokens_env),
                ("REFLECT_LOAD_PAGE", &page),
            ],
        )
        .await?;
        let server_cpu = cpu_seconds(server.pid).unwrap_or(0.0) - server_cpu;
        println!(
            "questionnaire page, {page_connections} connections: {:.0} pages/s ({} in {:.1} s); p50 {:.1} ms  p99 {:.1} ms; errors: {}; server CPU {:.2} cores",
            pages.requests / pages.seconds,
            pages.requests,
            pages.seconds,
            pages.p50,
            pages.p99,
            pages.errors,
            server_cpu / pages.seconds
        );
    }
    drop(server);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_script_s_result_line() {
        let r = parse("Running 1s test\nRESULT requests=1200 duration_us=2000000 p50_us=1500 p95_us=4000 p99_us=9000 max_us=20000 connect=0 read=0 write=0 timeout=0 non2xx=3 statuses=200:1197,409:3\n").unwrap();
        assert_eq!(r.requests, 1200.0);
        assert_eq!(r.seconds, 2.0);
        assert_eq!((r.p50, r.p95, r.p99, r.max), (1.5, 4.0, 9.0, 20.0));
        assert!(r.errors.ends_with("non-2xx 3"));
        assert_eq!(r.statuses, "200:1197,409:3");
        assert!(parse("no result").is_none());
    }
}
