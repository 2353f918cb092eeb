//! Several nodes (issue 19): two `reflect serve` processes on one PostgreSQL database, reached
//! directly and through a round-robin TCP proxy on loopback (a few lines of tokio below: each new
//! connection goes to the next node in turn; one that cannot connect goes to the one after, as
//! nginx's and Caddy's round-robin do). Requests go over HTTP as browsers and phones send them.
//! - a presenter screen on node A follows a room whose participants answer on node B, and through
//!   the proxy on both (PostgreSQL LISTEN/NOTIFY carries the changes);
//! - failed sign-ins per address are counted in the database: two nodes give a guesser no more
//!   tries than one; wrong workshop codes are counted per client address in each node's memory
//!   (an IP address is never stored): a client gets at most nodes × one node's allowance;
//! - a sign-out or a disabled account on one node ends its presenter screens on the other at once;
//! - killing one node (SIGKILL) under a load of answer saves loses no acknowledged answer, and the
//!   other node goes on serving.
use crate::common;

use common::{ServerProcess, encode, post, request};
use reflect::reflection::model::CategoryView;
use reflect::workshops::model::{RoomView, Workshop};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

/// A round-robin TCP proxy on 127.0.0.1: connection n goes to node n mod nodes (or, when that node
/// refuses, to the next one that accepts). `landed` lists the node each connection went to.
struct Proxy {
    addr: String,
    landed: Arc<Mutex<Vec<usize>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Proxy {
    async fn start(nodes: Vec<String>) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let landed: Arc<Mutex<Vec<usize>>> = Arc::default();
        let log = landed.clone();
        let task = tokio::spawn(async move {
            let next = AtomicUsize::new(0);
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    continue;
                };
                let first = next.fetch_add(1, Ordering::SeqCst);
                let mut upstream = None;
                for i in 0..nodes.len() {
                    let node = (first + i) % nodes.len();
                    if let Ok(s) = tokio::net::TcpStream::connect(&nodes[node]).await {
                        upstream = Some((node, s));
                        break;
                    }
                }
                let Some((node, mut upstream)) = upstream else {
                    continue; // no node up: the client's connection closes
                };
                log.lock().unwrap().push(node);
                tokio::spawn(async move {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                });
            }
        });
        Proxy { addr, landed, task }
    }

    /// The nodes the connections went to, in order.
    fn landed(&self) -> Vec<usize> {
        self.landed.lock().unwrap().clone()
    }
}

/// Two server processes on the app's (PostgreSQL) database.
fn two_nodes(app: &common::TestApp) -> [(ServerProcess, String); 2] {
    [(), ()].map(|_| common::spawn_server_with(app, &[], std::process::Stdio::inherit()))
}

/// The body of a whole HTTP/1.1 response (chunked or not).
fn body_of(reply: &str) -> String {
    let Some((head, body)) = reply.split_once("\r\n\r\n") else {
        return String::new();
    };
    if !head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        return body.to_string();
    }
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.split(';').next().unwrap().trim(), 16).unwrap_or(0);
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

/// A server function call over HTTP (a fresh connection): status and body.
async fn call(
    addr: &str,
    name: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
) -> (u16, String) {
    let (status, reply) = request(addr, &post(name, cookie), &encode(form))
        .await
        .unwrap_or_else(|e| panic!("{name} on {addr}: {e}"));
    (status, body_of(&reply))
}

fn json<T: serde::de::DeserializeOwned>((status, body): (u16, String)) -> T {
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// A facilitator (made in the database, as the command line does) signed in on `addr`, with a
/// new workshop: the session cookie and the workshop.
async fn facilitator_with_workshop(app: &common::TestApp, addr: &str) -> (String, Workshop) {
    app.sign_in_as("f@x.org", "facilitator", None).await;
    let cookie = common::sign_in_over_http(addr, "f@x.org", "a long test password")
        .await
        .unwrap();
    let id: String = json(
        call(
            addr,
            "create_workshop",
            Some(&cookie),
            &[
                ("title", "Leading networks, two servers"),
                ("instrument", "leadership-reflection"),
                ("categories[organising]", "yes"),
                ("categories[people]", "yes"),
                ("ask_poll", "yes"),
                ("word_prompt", "One word for your network?"),
            ],
        )
        .await,
    );
    let w: Workshop = json(call(addr, "get_workshop", Some(&cookie), &[("id", &id)]).await);
    (cookie, w)
}

/// A participant on a phone: joins the workshop by its code, answers the first page's scored
/// items with `score` and the room's poll and word. Each request goes to `addr` on a connection
/// of its own (through the proxy: to whichever node is next). The number of scored answers.
async fn participant(addr: &str, code: &str, score: &str, word: &str) -> usize {
    let target: reflect::workshops::model::JoinTarget =
        json(call(addr, "join_workshop", None, &[("code", code)]).await);
    assert_eq!(target.code, code);
    let token: String = json(
        call(
            addr,
            "start_reflection",
            None,
            &[
                ("instrument", "leadership-reflection"),
                ("role", "teacher"),
                ("innovation", "pln"),
                ("consent", "yes"),
                ("workshop", code),
            ],
        )
        .await,
    );
    let view: CategoryView = json(
        call(
            addr,
            "get_category",
            None,
            &[("token", &token), ("index", "1")],
        )
        .await,
    );
    let keys: Vec<String> = view
        .category
        .items()
        .filter(|i| i.kind == reflect::instrument::ItemType::Likert)
        .map(|i| format!("answers[{}]", i.id))
        .collect();
    let mut form: Vec<(&str, &str)> = vec![("token", &token), ("index", "1"), ("go", "stay")];
    form.extend(keys.iter().map(|k| (k.as_str(), score)));
    let (status, body) = call(addr, "submit_category", None, &form).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = call(
        addr,
        "answer_room",
        None,
        &[("token", &token), ("poll", "people"), ("word", word)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    keys.len()
}

/// A presenter screen's event stream (`/workshops/{id}/live`) read over HTTP/1.1 as a browser's
/// EventSource reads it.
struct Screen {
    stream: tokio::net::TcpStream,
    /// Bytes read and not yet taken out of their chunks.
    raw: Vec<u8>,
    /// Event text taken out of the chunks.
    text: String,
    /// The last chunk came: the server ended the stream.
    over: bool,
}

impl Screen {
    async fn open(addr: &str, workshop: &str, cookie: &str) -> Screen {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let req = format!(
            "GET /workshops/{workshop}/live HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\nCookie: {cookie}\r\n\r\n"
        );
        stream.write_all(req.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        let end = loop {
            if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                break end;
            }
            let mut buf = [0u8; 4096];
            let n = tokio::time::timeout(WAIT, stream.read(&mut buf))
                .await
                .expect("the stream's head in time")
                .unwrap();
            assert!(n > 0, "the stream closed before its head");
            raw.extend_from_slice(&buf[..n]);
        };
        let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
        assert!(head.starts_with("http/1.1 200"), "{head}");
        assert!(head.contains("content-type: text/event-stream"), "{head}");
        assert!(head.contains("transfer-encoding: chunked"), "{head}");
        raw.drain(..end + 4);
        Screen {
            stream,
            raw,
            text: String::new(),
            over: false,
        }
    }

    /// Moves whole chunks from `raw` to `text`.
    fn unchunk(&mut self) {
        while let Some(line) = self.raw.windows(2).position(|w| w == b"\r\n") {
            let size = String::from_utf8_lossy(&self.raw[..line]).to_string();
            let n = usize::from_str_radix(size.split(';').next().unwrap().trim(), 16)
                .unwrap_or_else(|_| panic!("not a chunk size: {size:?}"));
            if self.raw.len() < line + 2 + n + 2 {
                return;
            }
            let data = self.raw[line + 2..line + 2 + n].to_vec();
            self.raw.drain(..line + 2 + n + 2);
            self.over |= n == 0;
            self.text.push_str(&String::from_utf8_lossy(&data));
        }
    }

    /// The next room view, or `None` when none comes before `deadline`.
    async fn next(&mut self, deadline: tokio::time::Instant) -> Option<RoomView> {
        use tokio::io::AsyncReadExt;
        loop {
            self.unchunk();
            if let Some(end) = self.text.find("\n\n") {
                let frame: String = self.text.drain(..end + 2).collect();
                let data: Vec<&str> = frame
                    .lines()
                    .filter_map(|l| l.strip_prefix("data:"))
                    .map(|d| d.strip_prefix(' ').unwrap_or(d))
                    .collect();
                if data.is_empty() {
                    continue; // a keep-alive comment
                }
                return Some(serde_json::from_str(&data.join("\n")).expect("a room view"));
            }
            let mut buf = [0u8; 8192];
            match tokio::time::timeout_at(deadline, self.stream.read(&mut buf)).await {
                Ok(Ok(n)) if n > 0 => self.raw.extend_from_slice(&buf[..n]),
                _ => return None,
            }
        }
    }

    /// Whether the server ends the stream (its last chunk, or the connection closes) within
    /// `within`; views that come meanwhile are dropped.
    async fn ends(&mut self, within: Duration) -> bool {
        use tokio::io::AsyncReadExt;
        let deadline = tokio::time::Instant::now() + within;
        loop {
            self.unchunk();
            self.text.clear();
            if self.over {
                return true;
            }
            let mut buf = [0u8; 8192];
            match tokio::time::timeout_at(deadline, self.stream.read(&mut buf)).await {
                Ok(Ok(n)) if n > 0 => self.raw.extend_from_slice(&buf[..n]),
                Ok(_) => return true,
                Err(_) => return false,
            }
        }
    }

    /// Reads views until one satisfies `wanted`; panics with the last one seen if none does in
    /// time.
    async fn until(&mut self, what: &str, wanted: impl Fn(&RoomView) -> bool) -> RoomView {
        let deadline = tokio::time::Instant::now() + WAIT;
        let mut last = None;
        loop {
            match self.next(deadline).await {
                Some(v) if wanted(&v) => return v,
                Some(v) => last = Some(v),
                None => panic!(
                    "no view with {what} within {WAIT:?}; last: {:?}",
                    last.map(|v: RoomView| (v.joined, v.answered, v.answers, v.word_answers))
                ),
            }
        }
    }
}

/// Runs a test on a fresh PostgreSQL database (skipped, with a note, when PostgreSQL is not
/// reachable and not required; required when CI is set).
async fn on_postgres<F, Fut>(name: &str, test: F)
where
    F: FnOnce(Arc<common::TestApp>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let Some(app) = common::TestApp::new(common::Backend::Postgres).await else {
        return;
    };
    let app = Arc::new(app);
    common::within_limit(name, test(app.clone())).await;
    if let Ok(app) = Arc::try_unwrap(app) {
        app.cleanup().await;
    }
}

/// A presenter screen on node A follows a room whose participants answer on node B; then
/// participants whose requests alternate between the nodes (through the proxy) add up in the room.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screen_on_one_node_follows_answers_on_the_other() {
    on_postgres(
        "a_screen_on_one_node_follows_answers_on_the_other",
        |app| async move {
            let [(_a, a), (_b, b)] = two_nodes(&app);
            let (cookie, w) = facilitator_with_workshop(&app, &b).await;
            // the session lives in the database: the screen opens on A with B's sign-in
            let mut screen = Screen::open(&a, &w.id, &cookie).await;
            let first = screen
                .next(tokio::time::Instant::now() + WAIT)
                .await
                .expect("the room at once");
            assert_eq!((first.joined, first.answered, first.answers), (0, 0, 0));

            // on B only
            let mut answers = 0;
            for (i, word) in ["trust", "time", "trust"].iter().enumerate() {
                answers += participant(&b, &w.code, &(i + 2).to_string(), word).await;
                let n = i as i64 + 1;
                let seen = screen
                    .until(&format!("{n} answering on B"), |r| {
                        r.joined == n && r.answered == n && r.word_answers == n
                    })
                    .await;
                assert_eq!(seen.answers, answers as i64);
            }

            // through the proxy: each request of each participant goes to the next node
            let proxy = Proxy::start(vec![a.clone(), b.clone()]).await;
            for (i, word) in ["time", "network", "trust", "time"].iter().enumerate() {
                answers += participant(&proxy.addr, &w.code, &(i % 5 + 1).to_string(), word).await;
            }
            let landed = proxy.landed();
            let on_a = landed.iter().filter(|n| **n == 0).count();
            assert_eq!(landed.len(), 4 * 5, "five requests a participant");
            assert_eq!(on_a, landed.len() / 2, "alternating: {landed:?}");
            assert!(
                landed.windows(2).all(|p| p[0] != p[1]),
                "each next request on the other node: {landed:?}"
            );
            let seen = screen
                .until("seven answering", |r| {
                    r.joined == 7 && r.answered == 7 && r.word_answers == 7
                })
                .await;
            assert_eq!(seen.answers, answers as i64);
            assert_eq!(seen.poll_answers, 7);
            // and the room adds up the same on either node
            for node in [&a, &b] {
                let room: RoomView =
                    json(call(node, "get_room", Some(&cookie), &[("id", &w.id)]).await);
                assert_eq!(
                    (room.joined, room.answered, room.answers, room.word_answers),
                    (7, 7, answers as i64, 7),
                    "on {node}"
                );
            }
            let stored = app
                .count("SELECT COUNT(*) FROM workshop_answers WHERE word IS NOT NULL")
                .await;
            assert_eq!(stored, 7);
        },
    )
    .await;
}

/// Sessions ended on one node end their presenter screens on the other at once (`NOTIFY
/// reflect_sessions`), not at the streams' 10-second session check: a sign-out on B ends that
/// session's screen on A and leaves the other session's; an admin on B who disables the account
/// ends the rest.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ended_sessions_end_screens_on_every_node() {
    on_postgres(
        "ended_sessions_end_screens_on_every_node",
        |app| async move {
            let [(_a, a), (_b, b)] = two_nodes(&app);
            let (laptop, w) = facilitator_with_workshop(&app, &b).await;
            let phone = common::sign_in_over_http(&b, "f@x.org", "a long test password")
                .await
                .unwrap();
            let mut screens = Vec::new();
            for cookie in [&laptop, &phone] {
                let mut screen = Screen::open(&a, &w.id, cookie).await;
                screen
                    .next(tokio::time::Instant::now() + WAIT)
                    .await
                    .expect("the room at once");
                screens.push(screen);
            }
            let [mut on_laptop, mut on_phone] = <[Screen; 2]>::try_from(screens).ok().unwrap();
            // well inside the 10 s session check, which began when the screens opened
            let at_once = Duration::from_secs(3);

            let (status, body) = call(&b, "logout", Some(&laptop), &[]).await;
            assert!(status < 400, "{status} {body}");
            assert!(
                on_laptop.ends(at_once).await,
                "a sign-out on B ends the session's screen on A at once"
            );
            participant(&b, &w.code, "3", "trust").await;
            on_phone
                .until("the other session's screen going on", |r| {
                    r.joined == 1 && r.word_answers == 1
                })
                .await;

            app.sign_in_as("admin@x.org", "admin", None).await;
            let admin = common::sign_in_over_http(&b, "admin@x.org", "a long test password")
                .await
                .unwrap();
            let f: String = sqlx::query_scalar("SELECT id FROM users WHERE email = 'f@x.org'")
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
            let (status, body) = call(
                &b,
                "set_account_disabled",
                Some(&admin),
                &[("id", &f), ("disabled", "yes")],
            )
            .await;
            assert_eq!(status, 200, "{body}");
            assert!(
                on_phone.ends(at_once).await,
                "disabling the account on B ends its screens on A at once"
            );
        },
    )
    .await;
}

/// Failed sign-ins for one address count on every node (the database holds them): through the
/// proxy, alternating between the nodes, the sixth try is refused as on one node; the address
/// is stored only as a hash.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_sign_ins_count_across_nodes() {
    on_postgres("failed_sign_ins_count_across_nodes", |app| async move {
        let [(_a, a), (_b, b)] = two_nodes(&app);
        app.sign_in_as("r@x.org", "researcher", None).await;
        app.sign_out_locally();
        let proxy = Proxy::start(vec![a.clone(), b.clone()]).await;
        let login = |email: &'static str, password: &'static str| {
            let addr = proxy.addr.clone();
            async move {
                call(
                    &addr,
                    "login",
                    None,
                    &[("email", email), ("password", password)],
                )
                .await
            }
        };
        let burst = reflect::accounts::service::Failures::BURST;
        for n in 0..burst {
            let (status, body) = login("R@x.org", "a wrong guess").await;
            assert_eq!(status, 422, "failure {n}: {body}");
        }
        // refused on both nodes, the right password too
        for password in ["a wrong guess", "a long test password"] {
            let (status, body) = login("r@x.org", password).await;
            assert_eq!(status, 429, "{body}");
            assert!(body.contains("for this address"), "{body}");
        }
        let landed = proxy.landed();
        assert_eq!(landed.len(), burst as usize + 2);
        assert!(landed.windows(2).all(|p| p[0] != p[1]), "{landed:?}");
        // directly on each node, too
        for node in [&a, &b] {
            let (status, body) = call(
                node,
                "login",
                None,
                &[("email", "r@x.org"), ("password", "a long test password")],
            )
            .await;
            assert_eq!(status, 429, "on {node}: {body}");
        }
        // another address is not affected
        let (status, _) = login("other@x.org", "a wrong guess").await;
        assert_eq!(status, 422);
        // what is stored: a hash of each address, a time; no address, no client
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT email_hash, full_at_ms FROM sign_in_failures ORDER BY email_hash",
        )
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        let mut hashes: Vec<String> = ["r@x.org", "other@x.org"]
            .iter()
            .map(|e| reflect::server::sha256_hex(e.as_bytes()))
            .collect();
        hashes.sort();
        assert_eq!(
            rows.iter().map(|(h, _)| h.clone()).collect::<Vec<_>>(),
            hashes
        );
    })
    .await;
}

/// The wrong-code limit per client address is kept in each node's memory (an address is never
/// stored): through the proxy one client gets at most nodes × one node's allowance (20 at once
/// and one every 6 seconds, `WrongCodes` in src/server/clients.rs); then every node refuses it,
/// even the right code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_codes_are_limited_per_node() {
    on_postgres("wrong_codes_are_limited_per_node", |app| async move {
        const PER_NODE: usize = 20;
        const REFILL: Duration = Duration::from_secs(6);
        let [(_a, a), (_b, b)] = two_nodes(&app);
        let (_, w) = facilitator_with_workshop(&app, &a).await;
        let wrong = if w.code == "12345678" {
            "87654321"
        } else {
            "12345678"
        };
        let proxy = Proxy::start(vec![a.clone(), b.clone()]).await;
        let started = std::time::Instant::now();
        let mut allowed = [0usize; 2];
        let mut refused = [false; 2];
        let mut sent = 0;
        while !(refused[0] && refused[1]) {
            assert!(sent < 4 * PER_NODE, "never refused: {allowed:?}");
            let (status, body) = call(&proxy.addr, "join_workshop", None, &[("code", wrong)]).await;
            let node = proxy.landed()[sent];
            sent += 1;
            match status {
                404 => {
                    assert!(!refused[node], "a refused client is refused for a minute");
                    allowed[node] += 1;
                }
                429 => refused[node] = true,
                _ => panic!("{status}: {body}"),
            }
        }
        let refills = (started.elapsed().as_secs_f64() / REFILL.as_secs_f64()).ceil() as usize;
        for (node, n) in allowed.iter().enumerate() {
            assert!(
                (PER_NODE..=PER_NODE + refills).contains(n),
                "node {node} allowed {n} wrong codes (refills possible: {refills})"
            );
        }
        let total: usize = allowed.iter().sum();
        assert!(total <= 2 * (PER_NODE + refills), "{total}");
        // blocked on both nodes, through the proxy and directly: even the right code waits
        for addr in [&proxy.addr, &proxy.addr, &a, &b] {
            let (status, body) = call(addr, "join_workshop", None, &[("code", &w.code)]).await;
            assert_eq!(status, 429, "{body}");
        }
        let landed = proxy.landed();
        assert_ne!(landed[landed.len() - 1], landed[landed.len() - 2]);
    })
    .await;
}

/// One answer save as sent: which reflection and item, the value, and whether a success reply
/// came back.
#[derive(Debug, Clone)]
struct Save {
    token: String,
    item: String,
    value: String,
    acked: bool,
}

/// Participants save answers concurrently, half straight to node B, half through the proxy;
/// node B is killed (SIGKILL) mid-load. Every save that got a success reply is in the database
/// (as sent, or overwritten by a later save of the same answer), and node A goes on serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_a_node_loses_no_acknowledged_answer() {
    on_postgres("killing_a_node_loses_no_acknowledged_answer", |app| async move {
        use rand::{Rng, SeedableRng};
        let [(_a, a), (node_b, b)] = two_nodes(&app);
        let proxy = Proxy::start(vec![a.clone(), b.clone()]).await;
        let items: Vec<String> = common::leadership(&app)
            .categories
            .iter()
            .flat_map(|c| c.items().map(|i| i.id.clone()).collect::<Vec<_>>())
            .collect();
        let log: Arc<Mutex<Vec<Save>>> = Arc::default();
        let killed = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        for i in 0..8u64 {
            let direct = i % 2 == 0;
            let addr = if direct { b.clone() } else { proxy.addr.clone() };
            let token = common::start_reflection(&addr).await.unwrap();
            let (items, log, killed, stop) =
                (items.clone(), log.clone(), killed.clone(), stop.clone());
            tasks.push(tokio::spawn(async move {
                let mut rng = rand::rngs::StdRng::seed_from_u64(i);
                // (acknowledged before the kill, acknowledged after it, 5xx replies)
                let mut counts = (0usize, 0usize, Vec::new());
                while !stop.load(Ordering::SeqCst) {
                    let item = items[rng.gen_range(0..items.len())].clone();
                    let value = rng.gen_range(1..=5).to_string();
                    let at = {
                        let mut log = log.lock().unwrap();
                        log.push(Save {
                            token: token.clone(),
                            item: item.clone(),
                            value: value.clone(),
                            acked: false,
                        });
                        log.len() - 1
                    };
                    let after_kill = killed.load(Ordering::SeqCst);
                    let body = encode(&[("token", &token), ("item", &item), ("value", &value)]);
                    match request(&addr, &post("save_answer", None), &body).await {
                        Ok((200, _)) => {
                            log.lock().unwrap()[at].acked = true;
                            if after_kill {
                                counts.1 += 1;
                            } else {
                                counts.0 += 1;
                            }
                        }
                        Ok((status, reply)) if status >= 500 => {
                            counts.2.push(format!("{status}: {}", body_of(&reply)))
                        }
                        // cut off by the kill, or refused by a dead node
                        Ok((0, _)) | Err(_) => {
                            if direct && after_kill {
                                break;
                            }
                        }
                        Ok((status, reply)) => panic!("save_answer {status}: {}", body_of(&reply)),
                    }
                }
                (direct, counts)
            }));
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
        killed.store(true, Ordering::SeqCst);
        drop(node_b); // SIGKILL, mid-save
        tokio::time::sleep(Duration::from_millis(700)).await;
        stop.store(true, Ordering::SeqCst);
        let (mut direct_before, mut proxied_after, mut errors) = (0, 0, Vec::new());
        for t in tasks {
            let (direct, (before, after, errs)) = tokio::time::timeout(WAIT, t)
                .await
                .expect("a writer hangs after the kill")
                .unwrap();
            if direct {
                direct_before += before;
            } else {
                proxied_after += after;
            }
            errors.extend(errs);
        }
        assert!(errors.is_empty(), "server errors: {errors:?}");
        assert!(direct_before > 0, "saves acknowledged by node B before the kill");
        assert!(proxied_after > 0, "saves acknowledged through the proxy after the kill");

        // node A goes on serving: a save straight to it
        let log_now = log.lock().unwrap().clone();
        let last = log_now.iter().rev().find(|s| s.acked).unwrap().clone();
        let (status, reply) = request(
            &a,
            &post("save_answer", None),
            &encode(&[("token", &last.token), ("item", &last.item), ("value", "4")]),
        )
        .await
        .unwrap();
        assert_eq!(status, 200, "{reply}");
        let mut log = log_now;
        log.push(Save {
            value: "4".into(),
            acked: true,
            ..last
        });

        // every acknowledged save is stored: its value, or a later save's of the same answer
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT r.token_hash, a.item_id, a.value FROM answers a JOIN reflections r ON r.id = a.reflection_id",
        )
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        let mut stored = std::collections::HashMap::new();
        for (hash, item, value) in rows {
            assert!(stored.insert((hash, item), value).is_none(), "stored twice");
        }
        let hash = reflect::reflection::service::token_hash;
        let mut checked = 0;
        for (i, s) in log.iter().enumerate().filter(|(_, s)| s.acked) {
            let later: Vec<&str> = log[i + 1..]
                .iter()
                .filter(|l| l.token == s.token && l.item == s.item)
                .map(|l| l.value.as_str())
                .collect();
            let now = stored.get(&(hash(&s.token), s.item.clone()));
            assert!(
                now.is_some_and(|v| v == &s.value || later.contains(&v.as_str())),
                "save {i} ({} = {}) acknowledged, now {now:?}",
                s.item,
                s.value
            );
            checked += 1;
        }
        eprintln!(
            "nodes: {} saves sent, {checked} acknowledged ({direct_before} by node B before the kill, {proxied_after} through the proxy after it), all stored",
            log.len()
        );
    })
    .await;
}

/// The shared failure bucket over time (on both backends, as one server uses it): five failures
/// at once, then one a minute; signing in rightly is not counted (see tests/it/accounts.rs).
async fn the_failure_bucket_refills_one_a_minute(app: &mut common::TestApp) {
    use reflect::accounts::service::Failures;
    let db = &app.state.db;
    let minute = Failures::REFILL.as_millis() as i64;
    let t0 = 1_800_000_000_000;
    for n in 0..5 {
        assert!(
            !Failures::blocked(db, "a@x.org", t0).await.unwrap(),
            "failure {n} is allowed"
        );
        Failures::fail(db, "a@x.org", t0).await.unwrap();
    }
    assert!(
        Failures::blocked(db, "a@x.org", t0).await.unwrap(),
        "the sixth waits"
    );
    assert!(
        !Failures::blocked(db, "b@x.org", t0).await.unwrap(),
        "another address"
    );
    assert!(
        Failures::blocked(db, "a@x.org", t0 + minute / 2)
            .await
            .unwrap()
    );
    assert!(
        !Failures::blocked(db, "a@x.org", t0 + minute).await.unwrap(),
        "one more a minute later"
    );
    Failures::fail(db, "a@x.org", t0 + minute).await.unwrap();
    assert!(Failures::blocked(db, "a@x.org", t0 + minute).await.unwrap());
    // failures beyond the bucket (two servers checking at once) keep it at most five minutes full
    for _ in 0..10 {
        Failures::fail(db, "a@x.org", t0 + minute).await.unwrap();
    }
    // (without the cap the bucket would be full only at t0 + 16 minutes)
    assert!(
        Failures::blocked(db, "a@x.org", t0 + minute + minute / 2)
            .await
            .unwrap()
    );
    assert!(
        !Failures::blocked(db, "a@x.org", t0 + 2 * minute)
            .await
            .unwrap()
    );
    // a failure for another address later forgets the rows whose bucket is full again
    Failures::fail(db, "b@x.org", t0 + 7 * minute)
        .await
        .unwrap();
    assert_eq!(app.count("SELECT COUNT(*) FROM sign_in_failures").await, 1);
}

on_both_backends!(the_failure_bucket_refills_one_a_minute);
