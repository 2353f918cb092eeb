//! `reflect-bench export [N] [SAVERS] [PAUSE_MS]`: the long-CSV export of N finished leadership
//! reflections × 36 statements (default 100,000, so 3.6 million rows) over real HTTP, while SAVERS
//! respondents (default 8) keep saving answers one request at a time: as fast as the server takes
//! them (PAUSE_MS 0, the default) or with that pause between a respondent's saves.
//!
//! The server runs in a process of its own (this binary, `reflect-bench serve-local`), so its
//! memory is measured apart from the loader and the load. Prints the export's seconds (to the
//! first byte and to the last), rows, bytes, the server's resident memory when the export starts
//! and at its peak during the export, and the answer saves done meanwhile with their latency.
//! Benchmark, not test: it asserts no time; it fails only when the export or a save goes wrong.
use crate::server::bench::{
    BenchResult, LocalServer, create_account, load_reflections, memory, ms, reset_peak_memory,
    save_answer, sign_in, spread, start_reflection, status_of,
};
use crate::server::db::Db;
use rand::SeedableRng;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

/// A respondent saving answers over HTTP until `stop`: each save's latency.
async fn saver(
    addr: String,
    token: String,
    items: Vec<String>,
    stop: Arc<AtomicBool>,
    pause: Duration,
) -> BenchResult<Vec<Duration>> {
    let mut took = Vec::new();
    let mut n = 0usize;
    while !stop.load(Ordering::Relaxed) {
        let item = &items[n % items.len()];
        let value = (1 + n % 5).to_string();
        let t = Instant::now();
        save_answer(&addr, &token, item, &value).await?;
        took.push(t.elapsed());
        n += 1;
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
    }
    Ok(took)
}

pub async fn run(
    database_url: &str,
    instruments_dir: &std::path::Path,
    n: usize,
    savers: usize,
    pause: Duration,
) -> BenchResult<()> {
    let e = |e: &dyn std::fmt::Display| e.to_string();
    let db = Db::connect(database_url).await.map_err(|x| e(&x))?;
    let files = crate::instrument::store::load_dir(instruments_dir)
        .map_err(|x| format!("{} invalid instrument file(s)", x.len()))?;
    let registry = crate::instrument::store::sync(&db, files)
        .await
        .map_err(|x| e(&x))?;
    let loaded = registry
        .latest("leadership-reflection")
        .ok_or("the leadership-reflection questionnaire is missing")?;
    let items: Vec<String> = loaded
        .instrument
        .categories
        .iter()
        .flat_map(|c| c.items())
        .map(|i| i.id.clone())
        .collect();
    let t0 = Instant::now();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    load_reflections(&db, loaded.version, &items, n, &mut rng, |_| {})
        .await
        .map_err(|x| e(&x))?;
    if matches!(db.backend, crate::server::db::Backend::Sqlite) {
        sqlx::query("ANALYZE")
            .execute(&db.pool)
            .await
            .map_err(|x| e(&x))?;
    }
    println!(
        "research export benchmark, database {:?}: loaded {n} finished reflections × {} statements in {:.1} s",
        db.backend,
        items.len(),
        t0.elapsed().as_secs_f64()
    );
    let email = "bench-researcher@reflect.test";
    create_account(&db, email, "researcher").await?;
    db.pool.close().await;

    // the server in a process of its own
    let server = LocalServer::start(database_url, instruments_dir, &[], None).await?;
    let (addr, pid) = (server.addr.clone(), server.pid);
    let cookie = sign_in(&addr, email).await?;
    let mut tokens = Vec::new();
    for _ in 0..savers {
        tokens.push(start_reflection(&addr).await?);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let saving: Vec<_> = tokens
        .into_iter()
        .map(|t| tokio::spawn(saver(addr.clone(), t, items.clone(), stop.clone(), pause)))
        .collect();
    // the savers under way before the export starts
    tokio::time::sleep(Duration::from_millis(500)).await;

    let measured = reset_peak_memory(pid);
    let before = memory(pid);
    let started = Instant::now();
    let mut s = tokio::net::TcpStream::connect(&addr)
        .await
        .map_err(|e| e.to_string())?;
    // HTTP/1.0: the body comes as it is, not in chunks, and ends when the connection closes
    let req = format!(
        "GET /export/responses.csv?instrument=leadership-reflection HTTP/1.0\r\nHost: {addr}\r\nCookie: {cookie}\r\n\r\n"
    );
    s.write_all(req.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut buf = vec![0u8; 256 * 1024];
    let mut head = Vec::new();
    let mut first_byte = None;
    let (mut bytes, mut lines) = (0u64, 0u64);
    let mut in_body = false;
    loop {
        let got = s.read(&mut buf).await.map_err(|e| e.to_string())?;
        if got == 0 {
            break;
        }
        first_byte.get_or_insert_with(|| started.elapsed());
        let mut chunk = &buf[..got];
        if !in_body {
            head.extend_from_slice(chunk);
            let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") else {
                continue;
            };
            let status = status_of(&String::from_utf8_lossy(&head[..end]));
            if status != 200 {
                return Err(format!("the export answered {status}"));
            }
            let body_start = end + 4 - (head.len() - got);
            chunk = &buf[body_start..got];
            in_body = true;
        }
        bytes += chunk.len() as u64;
        lines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
    }
    let elapsed = started.elapsed();
    let after = memory(pid);
    stop.store(true, Ordering::Relaxed);
    let mut saves = Vec::new();
    for t in saving {
        saves.extend(t.await.map_err(|e| e.to_string())??);
    }
    saves.sort_unstable();

    let rows = lines.saturating_sub(1);
    println!(
        "long CSV: {rows} rows, {} in {:.2} s (first byte after {}); {:.0} rows/s, {:.1} MB/s",
        mb(bytes),
        elapsed.as_secs_f64(),
        ms(first_byte.unwrap_or_default()),
        rows as f64 / elapsed.as_secs_f64(),
        bytes as f64 / 1_000_000.0 / elapsed.as_secs_f64()
    );
    match (measured, before, after) {
        (true, Some((rss, _)), Some((_, peak))) => println!(
            "server memory (resident): {} when the export started, peak {} during it (+{})",
            mb(rss),
            mb(peak),
            mb(peak.saturating_sub(rss))
        ),
        _ => println!("memory: not measurable here (needs Linux /proc)"),
    }
    drop(server);
    println!(
        "answer saves meanwhile: {} by {savers} respondents, {} ms apart ({:.0}/s); latency {}",
        saves.len(),
        pause.as_millis(),
        saves.len() as f64 / elapsed.as_secs_f64(),
        spread(&saves)
    );
    let expected = (n * items.len()) as u64;
    if rows != expected {
        return Err(format!("the export held {rows} rows, not {expected}"));
    }
    Ok(())
}
