//! Live rooms: every change to a workshop's answers marks its room as changed; one task per
//! watched room recomputes the room's view at most once per [`COALESCE`] and hands it to all of
//! the room's presenter screens at once (a `tokio::sync::watch` channel: every screen gets the
//! newest view, none gets a queue of stale ones).
//!
//! The task keeps the room as it last read it ([`RoomSnapshot`]). An answer saved on this server
//! is applied to that copy ([`answered`]): the room is not read again for it, which is most of
//! the work when hundreds of rooms answer at once. Every other change (a participant joins,
//! finishes or leaves, a vote, a word, the facilitator's settings, another server's answers)
//! reads the room afresh, and so does any update [`REREAD`] after the last read, in case two
//! saves of one item crossed.
//!
//! Several servers on one PostgreSQL database tell each other with `NOTIFY reflect_room`; each
//! server listens and marks the room changed locally. On SQLite there is one server.
use super::service::RoomSnapshot;
use crate::server::AppState;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// The shortest time between the starts of two updates of one room (so at most 10 a second),
/// however fast answers arrive. A change after a quiet spell goes out at once.
pub const COALESCE: Duration = Duration::from_millis(100);

/// How long a room's task stays when no screen watches it.
const IDLE: Duration = Duration::from_secs(30);

/// The longest a room's task goes on applying answers to its copy before reading the room again.
pub const REREAD: Duration = Duration::from_secs(5);

struct Room {
    tx: watch::Sender<Arc<str>>,
    changed: Notify,
    news: Mutex<News>,
}

/// What happened to a room since its task last looked.
#[derive(Default)]
struct News {
    /// Something the task cannot apply to its copy: read the room again.
    reread: bool,
    /// Answers saved on this server, in the order they were stored.
    answers: Vec<Answer>,
}

/// A participant's answer as saved: their score for the item, or none (cleared, or unscored).
pub struct Answer {
    pub reflection_id: String,
    pub item_id: String,
    pub score: Option<i64>,
}

impl Room {
    fn news(&self) -> std::sync::MutexGuard<'_, News> {
        self.news
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The rooms watched on this server.
pub struct Live {
    rooms: Mutex<HashMap<String, Arc<Room>>>,
    /// Set when the server shuts down: every stream ends, so the shutdown need not wait for
    /// screens that never hang up.
    stopping: watch::Sender<bool>,
    /// This server among the others (random, per start): its own room notifications come back
    /// to it on PostgreSQL, and it skips them, as it applied the change already.
    origin: String,
}

impl Default for Live {
    fn default() -> Self {
        Self {
            rooms: Mutex::default(),
            stopping: watch::Sender::new(false),
            origin: uuid::Uuid::new_v4().simple().to_string(),
        }
    }
}

/// A room notification's payload: the server that sent it and the workshop.
fn payload(origin: &str, workshop_id: &str) -> String {
    format!("{origin} {workshop_id}")
}

/// The workshop of a room notification from another server (none for this server's own).
fn from_others<'a>(origin: &str, payload: &'a str) -> Option<&'a str> {
    match payload.split_once(' ') {
        Some((from, _)) if from == origin => None,
        Some((_, workshop_id)) => Some(workshop_id),
        None => Some(payload),
    }
}

impl Live {
    /// Ends every stream (at server shutdown); browsers reconnect to whichever server is up.
    pub fn stop(&self) {
        self.stopping.send_replace(true);
    }

    fn room(&self, workshop_id: &str) -> Option<Arc<Room>> {
        self.rooms
            .lock()
            .ok()
            .and_then(|rooms| rooms.get(workshop_id).cloned())
    }

    /// Marks a room as changed on this server, to be read again (nothing happens when no screen
    /// here watches it).
    pub fn touch(&self, workshop_id: &str) {
        if let Some(room) = self.room(workshop_id) {
            room.news().reread = true;
            room.changed.notify_one();
        }
    }

    /// Hands an answer saved on this server to the room's task (nothing happens when no screen
    /// here watches the room).
    fn answer(&self, workshop_id: &str, answer: Answer) {
        if let Some(room) = self.room(workshop_id) {
            room.news().answers.push(answer);
            room.changed.notify_one();
        }
    }

    /// Marks every watched room as changed (after a lost connection to the other servers).
    fn touch_all(&self) {
        if let Ok(rooms) = self.rooms.lock() {
            for room in rooms.values() {
                room.news().reread = true;
                room.changed.notify_one();
            }
        }
    }

    /// Number of screens watching rooms on this server.
    pub fn watchers(&self) -> usize {
        self.rooms
            .lock()
            .map(|r| r.values().map(|room| room.tx.receiver_count()).sum())
            .unwrap_or(0)
    }
}

/// The room's views as JSON, newest first: the current one at once, then every update. Starts
/// the room's task when it is the first screen.
pub async fn subscribe(
    state: &AppState,
    workshop_id: &str,
) -> crate::error::AppResult<watch::Receiver<Arc<str>>> {
    if let Some(rx) = existing(state, workshop_id) {
        return Ok(rx);
    }
    let mut copy = None;
    let first = update(state, workshop_id, &mut copy, News::default()).await?;
    let mut rooms = state.live.rooms.lock().map_err(|_| poisoned())?;
    if let Some(room) = rooms.get(workshop_id) {
        return Ok(room.tx.subscribe());
    }
    let (tx, rx) = watch::channel(first);
    let room = Arc::new(Room {
        tx,
        changed: Notify::new(),
        news: Mutex::default(),
    });
    rooms.insert(workshop_id.to_string(), room.clone());
    // answers saved between the first read and now reached no room: read once more
    room.news().reread = true;
    room.changed.notify_one();
    tokio::spawn(run(state.clone(), workshop_id.to_string(), room, copy));
    Ok(rx)
}

fn existing(state: &AppState, workshop_id: &str) -> Option<watch::Receiver<Arc<str>>> {
    let rooms = state.live.rooms.lock().ok()?;
    rooms.get(workshop_id).map(|r| r.tx.subscribe())
}

fn poisoned() -> crate::error::AppError {
    tracing::error!("live rooms lock poisoned");
    crate::error::AppError::Internal
}

/// The room's view as JSON, from the task's copy; `None` when another computation released
/// meanwhile (read the room again).
async fn snapshot(
    state: &AppState,
    room: &mut RoomSnapshot,
) -> crate::error::AppResult<Option<Arc<str>>> {
    // one snapshot for every screen of the room: the configured address, not one viewer's Host
    let base = crate::server::site_base(state, None);
    let Some(view) = room.view(state, &base).await? else {
        return Ok(None);
    };
    let json = serde_json::to_string(&view).map_err(|_| crate::error::AppError::Internal)?;
    Ok(Some(json.into()))
}

/// The room's next view: from its copy with the answers saved since applied, or read afresh
/// when the news asks for it, [`REREAD`] has passed, or another computation released first.
async fn update(
    state: &AppState,
    workshop_id: &str,
    copy: &mut Option<(RoomSnapshot, tokio::time::Instant)>,
    news: News,
) -> crate::error::AppResult<Arc<str>> {
    let mut reread = news.reread;
    for _ in 0..3 {
        let stale = copy
            .as_ref()
            .is_none_or(|(_, at)| reread || at.elapsed() >= REREAD);
        if stale {
            let now = tokio::time::Instant::now();
            *copy = Some((RoomSnapshot::read(state, workshop_id).await?, now));
        }
        let Some((room, _)) = copy.as_mut() else {
            continue;
        };
        // answers stored before (or while) the room was read: applying them again changes nothing
        for a in &news.answers {
            room.apply(&a.reflection_id, &a.item_id, a.score);
        }
        if let Some(json) = snapshot(state, room).await? {
            return Ok(json);
        }
        reread = true;
    }
    *copy = None;
    tracing::warn!("a room kept releasing under another computation");
    Err(crate::error::AppError::Internal)
}

/// One room's task: waits for a change, recomputes, sends; the next update starts at least
/// [`COALESCE`] after this one started. Ends when no screen has watched for [`IDLE`].
async fn run(
    state: AppState,
    workshop_id: String,
    room: Arc<Room>,
    mut copy: Option<(RoomSnapshot, tokio::time::Instant)>,
) {
    loop {
        let woke = tokio::time::timeout(IDLE, room.changed.notified()).await;
        if woke.is_err() || room.tx.receiver_count() == 0 {
            // leave only if no screen subscribed meanwhile (checked under the lock)
            if let Ok(mut rooms) = state.live.rooms.lock()
                && room.tx.receiver_count() == 0
            {
                rooms.remove(&workshop_id);
                return;
            }
            if woke.is_err() {
                continue;
            }
        }
        // the pause counts from the start of this update, so computing it adds no delay
        let next = tokio::time::Instant::now() + COALESCE;
        let news = std::mem::take(&mut *room.news());
        match update(&state, &workshop_id, &mut copy, news).await {
            Ok(json) => {
                room.tx.send_if_modified(|old| {
                    if **old == *json {
                        false
                    } else {
                        *old = json;
                        true
                    }
                });
            }
            Err(crate::error::AppError::NotFound(_)) => {
                // the workshop was deleted: let the screens go
                if let Ok(mut rooms) = state.live.rooms.lock() {
                    rooms.remove(&workshop_id);
                }
                return;
            }
            Err(e) => {
                tracing::warn!(error = %e, "room update failed");
                copy = None;
            }
        }
        tokio::time::sleep_until(next).await;
    }
}

/// Says that a workshop's room changed: on this server at once, and on PostgreSQL to every
/// other server too. Never fails the caller's request (the answer is already stored).
pub async fn changed(state: &AppState, workshop_id: Option<&str>) {
    let Some(id) = workshop_id else {
        return;
    };
    state.live.touch(id);
    notify_others(state, id).await;
}

/// Says that a participant of a workshop saved an answer: this server's room applies it to its
/// copy, other servers (PostgreSQL) read their room again. Never fails the caller's request.
pub async fn answered(state: &AppState, workshop_id: Option<&str>, answer: Answer) {
    let Some(id) = workshop_id else {
        return;
    };
    state.live.answer(id, answer);
    notify_others(state, id).await;
}

async fn notify_others(state: &AppState, workshop_id: &str) {
    let payload = payload(&state.live.origin, workshop_id);
    if let Err(e) = state.db.notify(super::db::ROOM_CHANNEL, &payload).await {
        tracing::warn!(error = %e, "could not notify the other servers of a room change");
    }
}

/// Listens for other servers' room changes and ended sessions (PostgreSQL only). Reconnects
/// after a lost connection, then refreshes every watched room and rechecks every stream's
/// session, as news may have been missed. Ends when the app's state is gone.
pub fn listen(database_url: &str, live: Weak<Live>, sessions_ended: Weak<watch::Sender<u64>>) {
    let url = database_url.to_string();
    tokio::spawn(async move {
        let mut wait = Duration::from_millis(200);
        let ended = |sessions: &Weak<watch::Sender<u64>>| {
            if let Some(s) = sessions.upgrade() {
                s.send_modify(|n| *n = n.wrapping_add(1));
            }
        };
        loop {
            match sqlx::postgres::PgListener::connect(&url).await {
                Ok(mut listener) => {
                    if let Err(e) = listener
                        .listen_all([super::db::ROOM_CHANNEL, crate::server::SESSIONS_CHANNEL])
                        .await
                    {
                        tracing::warn!(error = %e, "LISTEN failed");
                    } else {
                        wait = Duration::from_millis(200);
                        match live.upgrade() {
                            Some(l) => l.touch_all(),
                            None => return,
                        }
                        ended(&sessions_ended);
                        loop {
                            // `try_recv` returns None when the connection was lost
                            match listener.try_recv().await {
                                Ok(Some(n)) if n.channel() == crate::server::SESSIONS_CHANNEL => {
                                    ended(&sessions_ended)
                                }
                                Ok(Some(n)) => match live.upgrade() {
                                    Some(l) => {
                                        if let Some(id) = from_others(&l.origin, n.payload()) {
                                            l.touch(id);
                                        }
                                    }
                                    None => return,
                                },
                                Ok(None) => break,
                                Err(e) => {
                                    tracing::warn!(error = %e, "notifications from the other servers lost");
                                    break;
                                }
                            }
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot listen for the other servers' news"),
            }
            if live.strong_count() == 0 {
                return;
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(30));
        }
    });
}

/// How often a presenter's stream checks that its session is still signed in anyway (sign-outs,
/// disabled accounts and reset passwords end it at once, on every server:
/// [`crate::server::sessions_ended`]);
/// this catches sessions that expire.
const SESSION_CHECK: Duration = Duration::from_secs(10);

/// The state of one presenter's stream.
struct Watch {
    rx: watch::Receiver<Arc<str>>,
    stopping: watch::Receiver<bool>,
    sessions_ended: watch::Receiver<u64>,
    recheck: tokio::time::Interval,
    session_id: tower_sessions::session::Id,
    user_id: String,
    state: AppState,
    first: bool,
    /// Counts the stream as open in the metrics until it ends.
    _open: crate::server::metrics::LiveStream,
}

/// Waits until the server stops (holding no borrow of the flag afterwards).
async fn stopped(flag: &mut watch::Receiver<bool>) {
    let _ = flag.wait_for(|s| *s).await;
}

impl Watch {
    async fn still_signed_in(&self) -> bool {
        crate::accounts::service::still_signed_in(&self.state.db, &self.session_id, &self.user_id)
            .await
    }
}

/// `GET /workshops/{id}/live`: the room as server-sent events (`event: room`, JSON data), the
/// current view first. Only for the workshop's facilitator and admins.
pub async fn stream(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    signed_in: Result<crate::accounts::service::SignedIn, crate::error::AppError>,
    session: tower_sessions::Session,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use axum::response::sse::{Event, KeepAlive, Sse};
    let allowed = async {
        let crate::accounts::service::SignedIn(user) = signed_in?;
        let id = super::service::may_present(&state, &user, &id).await?;
        let session_id = session.id().ok_or_else(crate::error::AppError::sign_in)?;
        Ok::<_, crate::error::AppError>((subscribe(&state, &id).await?, session_id, user.id))
    }
    .await;
    let (rx, session_id, user_id) = match allowed {
        Ok(rx) => rx,
        Err(e) => {
            return e.into_response();
        }
    };
    let watch = Watch {
        rx,
        stopping: state.live.stopping.subscribe(),
        sessions_ended: state.sessions_ended.subscribe(),
        recheck: tokio::time::interval_at(
            tokio::time::Instant::now() + SESSION_CHECK,
            SESSION_CHECK,
        ),
        session_id,
        user_id,
        state: state.clone(),
        first: true,
        _open: crate::server::metrics::LiveStream::open(),
    };
    let events = futures::stream::unfold(watch, |mut w| async move {
        if !w.first {
            loop {
                tokio::select! {
                    changed = w.rx.changed() => {
                        changed.ok()?;
                        break;
                    }
                    _ = stopped(&mut w.stopping) => return None,
                    // sessions ended on some server: at once; an expiry: at the next check
                    ended = w.sessions_ended.changed() => {
                        ended.ok()?;
                        if !w.still_signed_in().await {
                            return None;
                        }
                    }
                    _ = w.recheck.tick() => {
                        if !w.still_signed_in().await {
                            return None;
                        }
                    }
                }
            }
        }
        w.first = false;
        let json = w.rx.borrow_and_update().clone();
        let event = Event::default().event("room").data(&*json);
        Some((Ok::<_, std::convert::Infallible>(event), w))
    });
    // fused: a stream that has ended may be polled again by the layers around it
    Sse::new(futures::StreamExt::fuse(events))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server skips its own room notifications (it applied the change already; reading the
    /// room again for each of its own answers would undo what the copy saves) and follows every
    /// other server's.
    #[test]
    fn a_server_follows_other_servers_rooms_not_its_own() {
        let (a, b) = (Live::default(), Live::default());
        assert_ne!(a.origin, b.origin);
        let sent = payload(&a.origin, "w1");
        assert_eq!(from_others(&a.origin, &sent), None);
        assert_eq!(from_others(&b.origin, &sent), Some("w1"));
        // a server of the version before sends the workshop alone
        assert_eq!(from_others(&b.origin, "w1"), Some("w1"));
    }
}
