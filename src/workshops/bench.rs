//! `reflect-bench live [N] [M] [PAUSE_MS]`: the live room under load, over real HTTP on this
//! machine.
//!
//! Starts the app on a local port with a fresh database, opens N presenter screens (server-sent
//! event streams, default 1,000) on one workshop, then lets M participants (default 100) save
//! their answers one after another, each answer a request of its own: as fast as the server
//! takes them (PAUSE_MS 0, the default) or with a pause between a participant's answers, as in a
//! real room. Every answer adds one to the room's answer count, so a screen has received an answer
//! when it gets an event whose count has reached the count at which that answer was stored.
//! Prints the answer → event latency over every (screen, answer) pair (p50/p95/p99/max) and the
//! answers per second.
use crate::accounts::model::{CurrentUser, Role};
use crate::server::bench::{
    BenchResult, create_account, ms, percentile, save_answer, serve, sign_in,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

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

pub async fn run(
    database_url: &str,
    instruments_dir: &std::path::Path,
    screens: usize,
    participants: usize,
    pause: Duration,
) -> BenchResult<()> {
    let (state, addr) = serve(database_url, instruments_dir).await?;

    // a facilitator, signed in over HTTP, and a workshop on two categories
    let email = "bench-facilitator@reflect.test";
    let user_id = create_account(&state.db, email, "facilitator").await?;
    let cookie = sign_in(&addr, email).await?;
    let user = CurrentUser {
        id: user_id,
        email: email.into(),
        role: Role::Facilitator,
        school_ids: Vec::new(),
    };
    let instrument = "leadership-reflection";
    let inst = state
        .instruments
        .latest(instrument)
        .ok_or("the leadership-reflection questionnaire is missing")?
        .instrument
        .clone();
    let chosen: Vec<String> = inst
        .categories
        .iter()
        .take(2)
        .map(|c| c.id.clone())
        .collect();
    let workshop_id = super::service::create(
        &state,
        &user,
        super::service::NewWorkshop {
            title: "Benchmark room",
            instrument,
            categories: &chosen,
            parts: &[],
            ask_poll: true,
            word_prompt: Some("One word?"),
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    let code = crate::workshops::db::by_id(&state.db.pool, &workshop_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("workshop missing")?
        .code;
    let items: Vec<String> = inst
        .categories
        .iter()
        .filter(|c| chosen.contains(&c.id))
        .flat_map(|c| c.items())
        .filter(|i| i.kind == crate::instrument::ItemType::Likert)
        .map(|i| i.id.clone())
        .collect();
    let mut tokens = Vec::new();
    for _ in 0..participants {
        tokens.push(
            crate::reflection::service::start(
                &state,
                crate::reflection::service::StartInput {
                    instrument: instrument.into(),
                    role: crate::values::RespondentRole::Teacher.as_str().into(),
                    school_code: String::new(),
                    innovation: "pln".into(),
                    innovation_detail: String::new(),
                    consent: "yes".into(),
                    workshop: code.clone(),
                    client: format!("bench-{}", tokens.len()),
                    language: crate::lang::Locale::default(),
                },
            )
            .await
            .map_err(|e| e.to_string())?,
        );
    }
    let total = (participants * items.len()) as i64;
    println!(
        "live room benchmark: {screens} presenter screens (SSE), {participants} participants × {} answers = {total} answers, {}, database {:?}",
        items.len(),
        if pause.is_zero() {
            "as fast as the server takes them".to_string()
        } else {
            format!("{} ms between a participant's answers", pause.as_millis())
        },
        state.db.backend
    );

    // every screen connected and showing the room before the first answer
    let ready = Arc::new(tokio::sync::Semaphore::new(0));
    let give_up = Instant::now() + Duration::from_secs(600);
    let path = format!("/workshops/{workshop_id}/live");
    let mut screen_tasks = Vec::new();
    for _ in 0..screens {
        screen_tasks.push(tokio::spawn(screen(
            addr.clone(),
            path.clone(),
            cookie.clone(),
            ready.clone(),
            total,
            give_up,
        )));
    }
    let connected =
        tokio::time::timeout(Duration::from_secs(120), ready.acquire_many(screens as u32)).await;
    if !matches!(connected, Ok(Ok(_))) {
        return Err(format!(
            "only {} of {screens} screens connected",
            ready.available_permits()
        ));
    }
    println!("{screens} screens connected");

    // participants answer as fast as the server takes it
    let stored = Arc::new(AtomicI64::new(0));
    let started = Instant::now();
    let mut answer_tasks = Vec::new();
    for (p, token) in tokens.into_iter().enumerate() {
        let (addr, items, stored) = (addr.clone(), items.clone(), stored.clone());
        answer_tasks.push(tokio::spawn(async move {
            let mut sent = Vec::new();
            // participants start at different moments, as in a room
            if !pause.is_zero() {
                tokio::time::sleep(pause.mul_f64(p as f64 / participants as f64)).await;
            }
            for (i, item) in items.iter().enumerate() {
                if i > 0 && !pause.is_zero() {
                    tokio::time::sleep(pause).await;
                }
                let value = (1 + (p + i) % 4).to_string();
                let t = Instant::now();
                save_answer(&addr, &token, item, &value).await?;
                let count = stored.fetch_add(1, Ordering::SeqCst) + 1;
                sent.push((count, t));
            }
            Ok::<_, String>(sent)
        }));
    }
    let mut sent = Vec::new();
    for t in answer_tasks {
        sent.extend(t.await.map_err(|e| e.to_string())??);
    }
    let elapsed = started.elapsed();
    let mut events = 0usize;
    let mut latencies = Vec::with_capacity(sent.len() * screens);
    let mut missed = 0usize;
    for t in screen_tasks {
        let seen = t.await.map_err(|e| e.to_string())??;
        events += seen.len();
        for (count, at) in &sent {
            match seen.iter().find(|(n, _)| n >= count) {
                Some((_, got)) => latencies.push(got.saturating_duration_since(*at)),
                None => missed += 1,
            }
        }
    }
    latencies.sort_unstable();
    println!(
        "answers stored: {} in {:.2} s = {:.0} answers/s",
        sent.len(),
        elapsed.as_secs_f64(),
        sent.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "events delivered: {events} ({:.1} per screen; updates are coalesced to at most one per {} ms)",
        events as f64 / screens.max(1) as f64,
        super::live::COALESCE.as_millis()
    );
    println!(
        "answer → event latency over {} (screen, answer) pairs: p50 {}  p95 {}  p99 {}  max {}",
        latencies.len(),
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 95.0)),
        ms(percentile(&latencies, 99.0)),
        ms(latencies.last().copied().unwrap_or_default()),
    );
    if missed > 0 {
        return Err(format!("{missed} (screen, answer) pairs never arrived"));
    }
    Ok(())
}
