//! The live rooms under load, over real HTTP on this machine, the server in a process of its own
//! (`reflect-bench serve-local`), so that what it uses is measured apart from the load:
//!
//! - `reflect-bench live [SCREENS] [PARTICIPANTS] [PAUSE_MS]`: one room, SCREENS presenter screens
//!   (default 1,000), PARTICIPANTS (default 100);
//! - `reflect-bench live-rooms [ROOMS] [PARTICIPANTS] [PAUSE_MS] [SCREENS]`: ROOMS rooms at once
//!   (default 200), each with its own facilitator, PARTICIPANTS (default 50) and SCREENS presenter
//!   screens (default 1).
//!
//! Each room is a workshop its facilitator (an account, signed in over HTTP) creates over HTTP;
//! its screens are server-sent event streams with the facilitator's session. Participants join
//! by the room's code and start their reflection over HTTP as the phone does, each from an address
//! of its own (`X-Forwarded-For`, the server trusting 127.0.0.1 as its proxy), and keep their
//! connection open (keep-alive) as a phone's browser does. Then every participant saves its
//! answers, one request each: as fast as the server takes them (PAUSE_MS 0) or with PAUSE_MS
//! between a participant's answers, as in a real room, the starts spread over the first pause.
//!
//! Every answer adds one to its room's answer count, so a screen has received an answer when it
//! gets an event whose count has reached the count at which that answer was stored. Prints the
//! answer → event latency over every (screen, answer) pair of each room (p50/p95/p99/max), the
//! answers per second, and the CPU time of the server and of the benchmark client, and the
//! server's resident memory. A benchmark, not a test: it fails only when something goes wrong.
use crate::server::bench::{
    BenchResult, Client, LocalServer, cpu_seconds, create_account, memory, reset_peak_memory,
    spread,
};
use crate::server::db::Db;
use futures::StreamExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What to run: `rooms` rooms at once, each with `participants` and `screens` presenter screens.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub rooms: usize,
    pub participants: usize,
    pub screens: usize,
    /// Between a participant's answers (zero: as fast as the server takes them).
    pub pause: Duration,
}

const INSTRUMENT: &str = "leadership-reflection";

/// A room as its facilitator set it up.
struct Room {
    id: String,
    code: String,
    cookie: String,
}

/// An address of the benchmark's own for client `i` of a kind (1 facilitators, 2 participants).
fn address(kind: u8, i: usize) -> String {
    format!("10.{kind}.{}.{}", (i >> 8) & 255, i & 255)
}

/// A presenter screen: reads the event stream and notes (answer count, arrival) per event.
async fn screen(
    addr: String,
    path: String,
    cookie: String,
    ready: Arc<tokio::sync::Semaphore>,
    total: i64,
    give_up: Instant,
) -> BenchResult<Vec<(i64, Instant)>> {
    let mut s = TcpStream::connect(&addr).await.map_err(|e| e.to_string())?;
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\nCookie: {cookie}\r\n\r\n"
    );
    s.write_all(req.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut seen = Vec::new();
    let mut pending = String::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut first = true;
    loop {
        let left = give_up.saturating_duration_since(Instant::now());
        let n = match tokio::time::timeout(left, s.read(&mut buf)).await {
            Ok(Ok(0)) | Err(_) => break,
            Ok(Ok(n)) => n,
            Ok(Err(e)) => return Err(e.to_string()),
        };
        let at = Instant::now();
        pending.push_str(&String::from_utf8_lossy(&buf[..n]));
        while let Some(end) = pending.find('\n') {
            let line: String = pending.drain(..=end).collect();
            let Some(data) = line.trim_end().strip_prefix("data: ") else {
                continue;
            };
            let answers = serde_json::from_str::<serde_json::Value>(data)
                .ok()
                .and_then(|v| v.get("answers").and_then(|a| a.as_i64()))
                .ok_or("an event without an answer count")?;
            seen.push((answers, at));
            if first {
                first = false;
                ready.add_permits(1);
            }
            if answers >= total {
                return Ok(seen);
            }
        }
    }
    Ok(seen)
}

/// The scored items of the questionnaire's first two categories (the rooms' questions).
fn room_items(instruments_dir: &std::path::Path) -> BenchResult<(Vec<String>, Vec<String>)> {
    let inst = crate::instrument::store::load_dir(instruments_dir)
        .map_err(|e| format!("{} invalid instrument file(s)", e.len()))?
        .into_iter()
        .find(|(_, i)| i.id == INSTRUMENT)
        .ok_or("the leadership-reflection questionnaire is missing")?
        .1;
    let chosen: Vec<String> = inst
        .categories
        .iter()
        .take(2)
        .map(|c| c.id.clone())
        .collect();
    let items = inst
        .categories
        .iter()
        .filter(|c| chosen.contains(&c.id))
        .flat_map(|c| c.items())
        .filter(|i| i.kind == crate::instrument::ItemType::Likert)
        .map(|i| i.id.clone())
        .collect();
    Ok((chosen, items))
}

/// Facilitator `f` signs in and creates room `f` on `categories`, with the poll and a word.
async fn set_up_room(addr: String, f: usize, categories: Vec<String>) -> BenchResult<Room> {
    let mut client = Client::new(&addr, Some(address(1, f)));
    let cookie = client.sign_in(&facilitator(f)).await?;
    let title = format!("Benchmark room {f}");
    let keys: Vec<String> = categories
        .iter()
        .map(|c| format!("categories[{c}]"))
        .collect();
    let mut pairs = vec![
        ("title", title.as_str()),
        ("instrument", INSTRUMENT),
        ("ask_poll", "yes"),
        ("word_prompt", "One word?"),
    ];
    pairs.extend(keys.iter().map(|k| (k.as_str(), "on")));
    let id = client
        .call("create_workshop", Some(&cookie), &pairs)
        .await?
        .as_str()
        .ok_or("create_workshop gave no id")?
        .to_string();
    let code = client
        .call("get_workshop", Some(&cookie), &[("id", &id)])
        .await?
        .get("code")
        .and_then(|c| c.as_str())
        .ok_or("get_workshop gave no code")?
        .to_string();
    Ok(Room { id, code, cookie })
}

fn facilitator(f: usize) -> String {
    format!("bench-facilitator-{f}@reflect.test")
}

/// Participant `p` joins a room by its code and starts a reflection in it, as the phone does:
/// its connection and its reflection's token.
async fn join(addr: String, p: usize, code: String) -> BenchResult<(Client, String)> {
    let mut client = Client::new(&addr, Some(address(2, p)));
    client
        .call("join_workshop", None, &[("code", &code)])
        .await?;
    let token = client
        .call(
            "start_reflection",
            None,
            &[
                ("instrument", INSTRUMENT),
                ("role", crate::values::RespondentRole::Teacher.as_str()),
                ("innovation", "pln"),
                ("consent", "yes"),
                ("workshop", &code),
            ],
        )
        .await?
        .as_str()
        .ok_or("start_reflection gave no token")?
        .to_string();
    Ok((client, token))
}

/// A participant saving every item, `pause` apart after a start `delay`: per answer the room's
/// count once it was stored, the moment just before its request and how long the request took.
async fn answer_all(
    mut client: Client,
    token: String,
    items: Arc<Vec<String>>,
    stored: Arc<AtomicI64>,
    p: usize,
    delay: Duration,
    pause: Duration,
) -> BenchResult<Vec<(i64, Instant, Duration)>> {
    let mut sent = Vec::with_capacity(items.len());
    tokio::time::sleep(delay).await;
    for (i, item) in items.iter().enumerate() {
        if i > 0 && !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
        let value = (1 + (p + i) % 4).to_string();
        let t = Instant::now();
        client.save_answer(&token, item, &value).await?;
        let took = t.elapsed();
        let count = stored.fetch_add(1, Ordering::SeqCst) + 1;
        sent.push((count, t, took));
    }
    Ok(sent)
}

/// Adds the latency of every answer in `sent` on a screen that saw `seen`; the pairs that never
/// arrived.
fn latencies_on(
    sent: &[(i64, Instant, Duration)],
    seen: &[(i64, Instant)],
    out: &mut Vec<Duration>,
) -> usize {
    let mut missed = 0;
    for (count, at, _) in sent {
        match seen.iter().find(|(n, _)| n >= count) {
            Some((_, got)) => out.push(got.saturating_duration_since(*at)),
            None => missed += 1,
        }
    }
    missed
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

pub async fn run(
    database_url: &str,
    instruments_dir: &std::path::Path,
    folder: &std::path::Path,
    plan: Plan,
) -> BenchResult<()> {
    let Plan {
        rooms,
        participants,
        screens,
        pause,
    } = plan;
    let (categories, items) = room_items(instruments_dir)?;
    let items = Arc::new(items);
    std::fs::create_dir_all(folder).map_err(|e| e.to_string())?;

    // the facilitators' accounts, before the server starts
    let setup = Instant::now();
    let db = Db::connect(database_url).await.map_err(|e| e.to_string())?;
    for f in 0..rooms {
        create_account(&db, &facilitator(f), "facilitator").await?;
    }
    let backend = db.backend;
    db.pool.close().await;
    let server = LocalServer::start(
        database_url,
        instruments_dir,
        &[
            ("REFLECT_TRUSTED_PROXIES", "127.0.0.1"),
            ("RUST_LOG", "warn"),
        ],
        Some(&folder.join("server.log")),
    )
    .await?;
    let addr = server.addr.clone();

    // the rooms (as many at once as the server hashes passwords at once), then their
    // participants, over HTTP
    let set_up: Vec<Room> = futures::stream::iter(0..rooms)
        .map(|f| set_up_room(addr.clone(), f, categories.clone()))
        .buffered(crate::accounts::service::HASHES_AT_ONCE)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<BenchResult<_>>()?;
    let joined: Vec<(usize, Client, String)> = futures::stream::iter(0..rooms * participants)
        .map(|p| {
            let (addr, code) = (addr.clone(), set_up[p % rooms].code.clone());
            async move { join(addr, p, code).await.map(|(c, t)| (p % rooms, c, t)) }
        })
        .buffer_unordered(32)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<BenchResult<_>>()?;
    let total = (participants * items.len()) as i64;
    println!(
        "live rooms benchmark: {rooms} room(s) × ({participants} participants × {} answers = {total} answers, {screens} presenter screen(s) (SSE)), {}, database {backend:?}; set up in {:.1} s",
        items.len(),
        if pause.is_zero() {
            "as fast as the server takes them".to_string()
        } else {
            format!("{} ms between a participant's answers", pause.as_millis())
        },
        setup.elapsed().as_secs_f64()
    );

    // every screen connected and showing its room before the first answer
    let ready = Arc::new(tokio::sync::Semaphore::new(0));
    let give_up = Instant::now() + Duration::from_secs(900);
    let mut screen_tasks = Vec::new();
    for (r, room) in set_up.iter().enumerate() {
        for _ in 0..screens {
            let path = format!("/workshops/{}/live", room.id);
            screen_tasks.push((
                r,
                tokio::spawn(screen(
                    addr.clone(),
                    path,
                    room.cookie.clone(),
                    ready.clone(),
                    total,
                    give_up,
                )),
            ));
        }
    }
    let all = rooms * screens;
    let connected = tokio::time::timeout(
        Duration::from_secs(120),
        ready.acquire_many(u32::try_from(all).map_err(|e| e.to_string())?),
    )
    .await;
    if !matches!(connected, Ok(Ok(_))) {
        return Err(format!(
            "only {} of {all} screens connected",
            ready.available_permits()
        ));
    }
    println!("{all} screens connected");

    let measured = reset_peak_memory(server.pid);
    let before = memory(server.pid);
    let (server_cpu, client_cpu) = (
        cpu_seconds(server.pid).unwrap_or(0.0),
        cpu_seconds(std::process::id()).unwrap_or(0.0),
    );
    let stored: Vec<Arc<AtomicI64>> = (0..rooms).map(|_| Arc::default()).collect();
    let everyone = joined.len();
    let started = Instant::now();
    let answer_tasks: Vec<_> = joined
        .into_iter()
        .enumerate()
        .map(|(i, (r, client, token))| {
            // participants start at different moments, as in a room
            let delay = pause.mul_f64(i as f64 / everyone as f64);
            let task = answer_all(
                client,
                token,
                items.clone(),
                stored[r].clone(),
                i,
                delay,
                pause,
            );
            (r, tokio::spawn(task))
        })
        .collect();
    let mut sent: Vec<Vec<(i64, Instant, Duration)>> = vec![Vec::new(); rooms];
    for (r, t) in answer_tasks {
        sent[r].extend(t.await.map_err(|e| e.to_string())??);
    }
    let elapsed = started.elapsed();
    let mut events = 0usize;
    let mut latencies = Vec::with_capacity(rooms * total as usize * screens);
    let mut missed = 0usize;
    for (r, t) in screen_tasks {
        let seen = t.await.map_err(|e| e.to_string())??;
        events += seen.len();
        missed += latencies_on(&sent[r], &seen, &mut latencies);
    }
    let (server_cpu, client_cpu) = (
        cpu_seconds(server.pid).unwrap_or(0.0) - server_cpu,
        cpu_seconds(std::process::id()).unwrap_or(0.0) - client_cpu,
    );
    let after = memory(server.pid);
    drop(server);
    latencies.sort_unstable();
    let answers: usize = sent.iter().map(Vec::len).sum();
    // how much of the latency is the save request itself (its answer, as the phone sees it)
    let mut saves: Vec<Duration> = sent.iter().flatten().map(|(_, _, took)| *took).collect();
    saves.sort_unstable();
    let secs = elapsed.as_secs_f64();
    println!(
        "answers stored: {answers} in {secs:.2} s = {:.0} answers/s",
        answers as f64 / secs
    );
    println!(
        "events delivered: {events} ({:.1} per screen; updates are coalesced to at most one per {} ms)",
        events as f64 / all.max(1) as f64,
        super::live::COALESCE.as_millis()
    );
    println!(
        "answer → event latency over {} (screen, answer) pairs: {}",
        latencies.len(),
        spread(&latencies)
    );
    println!(
        "of which the save request (answer → its response) over {} answers: {}",
        saves.len(),
        spread(&saves)
    );
    println!(
        "CPU while answering: server {server_cpu:.1} s ({:.2} cores), benchmark client {client_cpu:.1} s ({:.2} cores), of {} cores",
        server_cpu / secs,
        client_cpu / secs,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    match (measured, before, after) {
        (true, Some((rss, _)), Some((_, peak))) => println!(
            "server memory (resident): {} when the answers started, peak {} while answering",
            mb(rss),
            mb(peak)
        ),
        _ => println!("server memory: not measurable here (needs Linux /proc)"),
    }
    if missed > 0 {
        return Err(format!("{missed} (screen, answer) pairs never arrived"));
    }
    Ok(())
}
