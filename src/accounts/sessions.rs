//! Sign-in sessions with `tower-sessions`, stored in the app's own database (SQLite or PostgreSQL
//! through the same pool), so a session survives a restart and works across servers.
use crate::server::db::Db;
use async_trait::async_trait;
use time::{Duration, OffsetDateTime};
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};

pub const COOKIE: &str = "reflect_session";
/// Signed-in users are signed out after this long without a request.
pub const IDLE: Duration = Duration::hours(8);

#[derive(Debug, Clone)]
pub struct DbStore {
    db: Db,
}

impl DbStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

/// The session layer: HttpOnly, SameSite=Lax (no cross-site form posts carry it), Secure when the
/// app is served over https.
pub fn layer(db: Db, secure: bool) -> SessionManagerLayer<DbStore> {
    SessionManagerLayer::new(DbStore { db })
        .with_name(COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure)
        .with_expiry(Expiry::OnInactivity(IDLE))
}

/// The account a session is signed in as (the service's `user_id` key), stored beside the record
/// so that an account's sessions can be listed and ended.
fn user_of(record: &Record) -> Option<String> {
    record
        .data
        .get("user_id")
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

#[async_trait]
impl SessionStore for DbStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // expired sessions are removed whenever someone signs in
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(OffsetDateTime::now_utc().unix_timestamp())
            .execute(&self.db.pool)
            .await
            .map_err(backend)?;
        loop {
            let data = serde_json::to_string(&record).map_err(backend)?;
            let done = sqlx::query(
                "INSERT INTO sessions (id, data, expires_at, user_id, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
            )
            .bind(record.id.to_string())
            .bind(data)
            .bind(record.expiry_date.unix_timestamp())
            .bind(user_of(record))
            .bind(OffsetDateTime::now_utc().unix_timestamp())
            .execute(&self.db.pool)
            .await
            .map_err(backend)?;
            if done.rows_affected() == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record).map_err(backend)?;
        sqlx::query(
            "INSERT INTO sessions (id, data, expires_at, user_id, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at, user_id = excluded.user_id",
        )
        .bind(record.id.to_string())
        .bind(data)
        .bind(record.expiry_date.unix_timestamp())
        .bind(user_of(record))
        .bind(OffsetDateTime::now_utc().unix_timestamp())
        .execute(&self.db.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row: Option<String> =
            sqlx::query_scalar("SELECT data FROM sessions WHERE id = $1 AND expires_at > $2")
                .bind(id.to_string())
                .bind(OffsetDateTime::now_utc().unix_timestamp())
                .fetch_optional(&self.db.pool)
                .await
                .map_err(backend)?;
        row.map(|d| serde_json::from_str(&d).map_err(backend))
            .transpose()
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(&self.db.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// One signed-in session of an account, as an admin sees it: never its id (the cookie's value),
/// only a handle made from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// The first 16 hex digits of the SHA-256 of the session id.
    pub handle: String,
    /// When it began and when it ends unless used again (Unix seconds).
    pub created_at: Option<i64>,
    pub expires_at: i64,
}

fn handle_of(id: &str) -> String {
    crate::server::sha256_hex(id.as_bytes())[..16].to_string()
}

/// The account's sessions that have not expired, newest first.
pub async fn of_user(db: &Db, user_id: &str) -> Result<Vec<SessionRow>, sqlx::Error> {
    let rows = sqlx::query_as::<_, (String, Option<i64>, i64)>(
        "SELECT id, created_at, expires_at FROM sessions WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC",
    )
    .bind(user_id)
    .bind(OffsetDateTime::now_utc().unix_timestamp())
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, created_at, expires_at)| SessionRow {
            handle: handle_of(&id),
            created_at,
            expires_at,
        })
        .collect())
}

/// Ends the account's sessions: the one with `handle`, or all of them (`None`), except `keep`
/// (the id of the session making the change, when it is the account's own). How many ended.
pub async fn end(
    db: &Db,
    user_id: &str,
    handle: Option<&str>,
    keep: Option<&str>,
) -> Result<u64, sqlx::Error> {
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(&db.pool)
        .await?;
    let mut ended = 0;
    for id in ids {
        if Some(id.as_str()) == keep || handle.is_some_and(|h| h != handle_of(&id)) {
            continue;
        }
        ended += sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(&id)
            .execute(&db.pool)
            .await?
            .rows_affected();
    }
    Ok(ended)
}
