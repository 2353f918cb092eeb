//! Accounts: creating them, signing in and out, and who the current request belongs to.
use super::model::{CurrentUser, MAX_EMAIL, MAX_PASSWORD, MIN_PASSWORD, Role};
use super::{db, password};
use crate::error::{AppError, AppResult};
use crate::server::db::Db;
use tower_sessions::Session;

/// The session key holding the signed-in user's id.
const USER_KEY: &str = "user_id";

pub struct NewUser<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub role: &'a str,
    /// The school a coordinator coordinates (required for coordinators, ignored otherwise).
    pub school_id: Option<&'a str>,
    /// The network a network coordinator coordinates (required for them, ignored otherwise).
    pub network_id: Option<&'a str>,
}

/// Lower case, trimmed; a plausible address or an error the user can act on.
pub fn normalise_email(email: &str) -> AppResult<String> {
    let e = email.trim().to_lowercase();
    let plausible = e.len() <= MAX_EMAIL
        && !e.chars().any(char::is_whitespace)
        && e.split_once('@').is_some_and(|(local, host)| {
            !local.is_empty() && host.contains('.') && !host.contains('@')
        });
    if plausible {
        Ok(e)
    } else {
        Err(AppError::invalid("Enter a valid e-mail address."))
    }
}

pub fn check_password(p: &str) -> AppResult<()> {
    let n = p.chars().count();
    let l = crate::lang::current();
    if n < MIN_PASSWORD {
        let n = crate::lang::integer(l, MIN_PASSWORD as i64);
        return Err(AppError::invalid(
            crate::i18n::td_string!(l, errors.password_short, n).to_string(),
        ));
    }
    if n > MAX_PASSWORD {
        let n = crate::lang::integer(l, MAX_PASSWORD as i64);
        return Err(AppError::invalid(
            crate::i18n::td_string!(l, errors.password_long, n).to_string(),
        ));
    }
    Ok(())
}

async fn hash_blocking(p: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || password::hash(&p))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "hashing task failed");
            AppError::Internal
        })?
        .map_err(|e| {
            tracing::error!(error = %e, "hashing failed");
            AppError::Internal
        })
}

/// Creates an account; returns its id. Nothing is stored when any field is invalid.
pub async fn create_user(db: &Db, u: NewUser<'_>) -> AppResult<String> {
    let email = normalise_email(u.email)?;
    check_password(u.password)?;
    let role =
        Role::parse(u.role).ok_or_else(|| AppError::invalid("Choose a role for the account."))?;
    let school = match (role, u.school_id.map(str::trim).filter(|s| !s.is_empty())) {
        (Role::Coordinator, None) => {
            return Err(AppError::invalid("A school coordinator needs a school."));
        }
        (Role::Coordinator, Some(s)) => Some(s.to_string()),
        _ => None,
    };
    let network = match (role, u.network_id.map(str::trim).filter(|s| !s.is_empty())) {
        (Role::NetworkCoordinator, None) => {
            return Err(AppError::invalid("A network coordinator needs a network."));
        }
        (Role::NetworkCoordinator, Some(n)) => Some(n.to_string()),
        _ => None,
    };
    let hash = hash_blocking(u.password.to_string()).await?;
    let id = uuid::Uuid::new_v4().to_string();
    let mut tx = db.begin_write().await?;
    if db::email_taken(&mut tx, &email).await? {
        return Err(AppError::Conflict(
            "An account with this e-mail address exists already.".into(),
        ));
    }
    db::insert(&mut tx, &id, &email, &hash, role, &crate::server::now()).await?;
    if let Some(s) = &school
        && !db::add_school(&mut tx, &id, s).await?
    {
        return Err(AppError::NotFound("That school does not exist.".into()));
    }
    if let Some(n) = &network
        && !db::add_network(&mut tx, &id, n).await?
    {
        return Err(AppError::NotFound("That network does not exist.".into()));
    }
    tx.commit().await?;
    tracing::info!(role = role.as_str(), "account created");
    Ok(id)
}

/// The first admin, from REFLECT_ADMIN_EMAIL and REFLECT_ADMIN_PASSWORD, only while there is no
/// admin yet. There is no default password: without both variables nothing happens.
pub async fn bootstrap_admin(
    db: &Db,
    email: Option<String>,
    pass: Option<String>,
) -> AppResult<bool> {
    let (Some(email), Some(pass)) = (email, pass) else {
        return Ok(false);
    };
    if db::count_admins(&db.pool).await? > 0 {
        return Ok(false);
    }
    create_user(
        db,
        NewUser {
            email: &email,
            password: &pass,
            role: Role::Admin.as_str(),
            school_id: None,
            network_id: None,
        },
    )
    .await?;
    Ok(true)
}

/// Sign-in attempts:
/// - per e-mail address, failed attempts only: 5 at once, then one a minute ([`Failures`], in the
///   database, so shared by every server on it: several servers do not multiply the guesses).
///   Guessing a password becomes slow; the cost is that someone who knows an address can keep its
///   owner waiting, which a lock-out of an hour would make worse. Signing in rightly costs nothing
///   here, so a person who signs in and out all day is never refused;
/// - per client (the `governor` crate, in this server's memory: an IP address is never stored):
///   20 at once, then one every 6 seconds, so one client cannot try many addresses;
/// - across the server: at most [`HASHES_AT_ONCE`] password hashes at once (each costs ~30 ms of a
///   core); a sign-in that cannot get a turn within 2 seconds is refused with 429, so a flood of
///   sign-ins never takes the cores from everyone else.
pub struct SignInLimiter {
    per_client: governor::DefaultKeyedRateLimiter<String>,
    hashes: tokio::sync::Semaphore,
}

pub const HASHES_AT_ONCE: usize = 2;

impl Default for SignInLimiter {
    fn default() -> Self {
        let burst = |n| std::num::NonZeroU32::new(n).unwrap_or(std::num::NonZeroU32::MIN);
        let per_client = governor::Quota::with_period(std::time::Duration::from_secs(6))
            .unwrap_or(governor::Quota::per_minute(std::num::NonZeroU32::MIN))
            .allow_burst(burst(20));
        Self {
            per_client: governor::RateLimiter::keyed(per_client),
            hashes: tokio::sync::Semaphore::new(HASHES_AT_ONCE),
        }
    }
}

impl SignInLimiter {
    fn limited(limiter: &governor::DefaultKeyedRateLimiter<String>, key: &str) -> bool {
        if limiter.len() > 10_000 {
            limiter.retain_recent();
        }
        limiter.check_key(&key.to_string()).is_err()
    }

    pub async fn check(&self, db: &Db, client: &str, email: &str) -> AppResult<()> {
        if Self::limited(&self.per_client, client) {
            return Err(AppError::TooManyRequests(
                "Too many sign-in attempts from this device. Wait a minute and try again.".into(),
            ));
        }
        if Failures::blocked(db, email, Failures::now_ms()).await? {
            return Err(AppError::TooManyRequests(
                "Too many sign-in attempts for this address. Wait a minute and try again.".into(),
            ));
        }
        Ok(())
    }

    /// Whether `typed` is the password of `stored` (a hash), checked on a blocking thread once
    /// a turn to hash is free.
    async fn verify(&self, typed: &str, stored: String) -> AppResult<bool> {
        let typed = typed.to_string();
        let _turn = self.turn().await?;
        Ok(
            tokio::task::spawn_blocking(move || password::verify(&typed, &stored))
                .await
                .unwrap_or(false),
        )
    }

    /// A turn to hash a password, waiting at most 2 seconds.
    async fn turn(&self) -> AppResult<tokio::sync::SemaphorePermit<'_>> {
        match tokio::time::timeout(std::time::Duration::from_secs(2), self.hashes.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(AppError::TooManyRequests(
                "Many people are signing in right now. Try again in a moment.".into(),
            )),
        }
    }
}

/// Checks the password; the same message for an unknown address and a wrong password, and the
/// same work (a hash verification) for both.
pub async fn authenticate(
    db: &Db,
    limiter: &SignInLimiter,
    client: &str,
    email: &str,
    pass: &str,
) -> AppResult<String> {
    let wrong = || AppError::invalid("The e-mail address or the password is not right.");
    let email = normalise_email(email).map_err(|_| wrong())?;
    limiter.check(db, client, &email).await?;
    if pass.chars().count() > MAX_PASSWORD {
        return Err(wrong());
    }
    let row = db::by_email(&db.pool, &email).await?;
    let stored = row
        .as_ref()
        .map(|r| r.password_hash.clone())
        .unwrap_or_else(|| password::dummy_hash().to_string());
    let ok = limiter.verify(pass, stored).await?;
    match row {
        // the right password: only then may it say that the account is disabled
        Some(r) if ok && r.disabled_at.is_some() => Err(AppError::Forbidden(
            "This account has been disabled. Ask an administrator to enable it again.".into(),
        )),
        Some(r) if ok => Ok(r.id),
        _ => {
            Failures::fail(db, &email, Failures::now_ms()).await?;
            Err(wrong())
        }
    }
}

/// Failed sign-ins per address, in the database (shared by every server on it): a bucket of
/// [`Failures::BURST`] that refills one every [`Failures::REFILL`]; an address whose bucket is
/// empty is refused until one has come back. Stored as the time the bucket is full again, keyed
/// by the SHA-256 of the normalised address (see migration 0017); times are Unix milliseconds
/// from the servers' clocks.
pub struct Failures;

impl Failures {
    pub const BURST: i64 = 5;
    pub const REFILL: std::time::Duration = std::time::Duration::from_secs(60);

    fn refill_ms() -> i64 {
        i64::try_from(Self::REFILL.as_millis()).unwrap_or(i64::MAX)
    }

    fn key(email: &str) -> String {
        crate::server::sha256_hex(email.as_bytes())
    }

    /// Now, in Unix milliseconds.
    pub fn now_ms() -> i64 {
        i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_millis(),
        )
        .unwrap_or(i64::MAX)
    }

    /// Whether an attempt for this (normalised) address is refused at `now` (Unix ms).
    pub async fn blocked(db: &Db, email: &str, now: i64) -> AppResult<bool> {
        let full_at = db::failures_full_at(&db.pool, &Self::key(email)).await?;
        // fewer than one token left: more than BURST - 1 refills to go
        Ok(full_at.is_some_and(|t| t - now > (Self::BURST - 1) * Self::refill_ms()))
    }

    /// Counts one failed attempt for this (normalised) address at `now` (Unix ms).
    pub async fn fail(db: &Db, email: &str, now: i64) -> AppResult<()> {
        let period = Self::refill_ms();
        db::count_failure(
            &db.pool,
            &Self::key(email),
            now,
            period,
            Self::BURST * period,
        )
        .await?;
        Ok(())
    }
}

/// Signs the session in as `user_id`, with a fresh session id (no fixation).
pub async fn sign_in(session: &Session, user_id: &str) -> AppResult<()> {
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(USER_KEY, user_id.to_string())
        .await
        .map_err(session_error)
}

pub async fn sign_out(session: &Session) -> AppResult<()> {
    session.flush().await.map_err(session_error)
}

fn session_error(e: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %e, "session store");
    AppError::Internal
}

/// Whether the session with this id is still signed in as `user_id` (not signed out, not expired,
/// the account not deleted). Read from the store, not from a request's cached copy: for streams
/// that outlive the request that opened them.
pub async fn still_signed_in(
    db: &Db,
    session_id: &tower_sessions::session::Id,
    user_id: &str,
) -> bool {
    use tower_sessions::SessionStore;
    let store = super::sessions::DbStore::new(db.clone());
    let Ok(Some(record)) = store.load(session_id).await else {
        return false;
    };
    let signed_in_as = record
        .data
        .get(USER_KEY)
        .and_then(|v| v.as_str())
        .is_some_and(|id| id == user_id);
    signed_in_as
        && matches!(db::by_id(&db.pool, user_id).await, Ok(Some(u)) if u.disabled_at.is_none())
}

/// The signed-in user of this session, if any (and if the account still exists).
pub async fn user_of(db: &Db, session: &Session) -> AppResult<Option<CurrentUser>> {
    let Some(id) = session
        .get::<String>(USER_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(None);
    };
    user(db, db::by_id(&db.pool, &id).await?).await
}

/// The account with this (normalised) e-mail address, if any: for the command line, which acts
/// as an account without a session (`reflect export --as EMAIL`).
pub async fn by_email(db: &Db, email: &str) -> AppResult<Option<CurrentUser>> {
    user(db, db::by_email(&db.pool, email).await?).await
}

async fn user(db: &Db, row: Option<db::UserRow>) -> AppResult<Option<CurrentUser>> {
    // a disabled account is nobody: its sessions that are still stored sign nobody in
    let Some(row) = row.filter(|r| r.disabled_at.is_none()) else {
        return Ok(None);
    };
    let Some(role) = Role::parse(&row.role) else {
        return Ok(None);
    };
    Ok(Some(CurrentUser {
        school_ids: db::school_ids(&db.pool, &row.id).await?,
        id: row.id,
        email: row.email,
        role,
    }))
}

/// The signed-in user as an axum extractor, for handlers outside the server functions (the
/// research downloads, the live stream): the one way from a session to a user there. Refused
/// with 401 ([`AppError::sign_in`]) when nobody is signed in.
pub struct SignedIn(pub CurrentUser);

impl axum::extract::FromRequestParts<crate::server::AppState> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &crate::server::AppState,
    ) -> Result<Self, AppError> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::sign_in())?;
        user_of(&state.db, &session)
            .await?
            .map(SignedIn)
            .ok_or_else(AppError::sign_in)
    }
}

/// The signed-in user of the current server function call.
pub async fn current(db: &Db) -> AppResult<Option<CurrentUser>> {
    match leptos_axum::extract::<Session>().await {
        Ok(session) => user_of(db, &session).await,
        Err(_) => Ok(None),
    }
}

/// The signed-in user, or 401.
pub async fn require(db: &Db) -> AppResult<CurrentUser> {
    current(db).await?.ok_or_else(AppError::sign_in)
}

/// A signed-in admin, or 401/403.
pub async fn require_admin(db: &Db) -> AppResult<CurrentUser> {
    let u = require(db).await?;
    if u.is_admin() {
        Ok(u)
    } else {
        Err(AppError::forbidden())
    }
}

/// Where to go after signing in: a path on this site, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next.map(str::trim) {
        Some(n) if crate::server::forms::is_local_path(n) => n.to_string(),
        _ => "/results".to_string(),
    }
}

/// An account as an admin manages it: the account, and its sessions.
pub async fn account(db: &Db, id: &str) -> AppResult<super::model::AccountDetail> {
    let summary = db::list(&db.pool, Some(id))
        .await?
        .into_iter()
        .find(|u| u.id == id)
        .ok_or_else(|| AppError::NotFound("There is no such account.".into()))?;
    let sessions = super::sessions::of_user(db, id)
        .await?
        .into_iter()
        .map(|s| super::model::SessionSummary {
            handle: s.handle,
            started: s.created_at.map(unix_time),
            ends: unix_time(s.expires_at),
        })
        .collect();
    Ok(super::model::AccountDetail { summary, sessions })
}

/// Unix seconds as `YYYY-MM-DD HH:MM` UTC.
fn unix_time(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| {
            d.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute] UTC"
            ))
            .ok()
        })
        .unwrap_or_default()
}

/// Ends sessions of an account everywhere: stored sessions are deleted, and the live streams on
/// every server check theirs at once.
async fn end_sessions(
    state: &crate::server::AppState,
    user_id: &str,
    handle: Option<&str>,
    keep: Option<&str>,
) -> AppResult<u64> {
    let ended = super::sessions::end(&state.db, user_id, handle, keep).await?;
    crate::server::sessions_ended(state).await;
    Ok(ended)
}

/// Disables an account (it cannot sign in; its sessions and live streams end at once) or enables
/// it again. An admin cannot disable themselves, nor the last enabled admin.
pub async fn set_disabled(
    state: &crate::server::AppState,
    admin: &CurrentUser,
    id: &str,
    disabled: bool,
) -> AppResult<()> {
    let db = &state.db;
    let row = db::by_id(&db.pool, id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such account.".into()))?;
    if disabled {
        if row.id == admin.id {
            return Err(AppError::Conflict(
                "You cannot disable your own account.".into(),
            ));
        }
        if row.role == Role::Admin.as_str()
            && row.disabled_at.is_none()
            && db::count_admins(&db.pool).await? <= 1
        {
            return Err(AppError::Conflict(
                "At least one administrator must stay enabled.".into(),
            ));
        }
    }
    let now = crate::server::now();
    db::set_disabled(&db.pool, id, disabled.then_some(now.as_str())).await?;
    if disabled {
        end_sessions(state, id, None, None).await?;
    }
    tracing::info!(disabled, "account disabled or enabled by an admin");
    Ok(())
}

/// An admin gives an account a new password (to hand over in person): the account's sessions end.
pub async fn reset_password(
    state: &crate::server::AppState,
    id: &str,
    new_password: &str,
) -> AppResult<()> {
    check_password(new_password)?;
    if db::by_id(&state.db.pool, id).await?.is_none() {
        return Err(AppError::NotFound("There is no such account.".into()));
    }
    let hash = hash_blocking(new_password.to_string()).await?;
    db::set_password(&state.db.pool, id, &hash).await?;
    end_sessions(state, id, None, None).await?;
    tracing::info!("password reset by an admin");
    Ok(())
}

/// A signed-in user changes their own password, giving the current one; their other sessions end
/// (`this_session` stays signed in).
pub async fn change_password(
    state: &crate::server::AppState,
    user: &CurrentUser,
    this_session: Option<&str>,
    client: &str,
    current_password: &str,
    new_password: &str,
) -> AppResult<()> {
    let row = db::by_id(&state.db.pool, &user.id)
        .await?
        .ok_or_else(AppError::sign_in)?;
    // guessing the current password is held to the sign-in limits
    state
        .sign_in_limit
        .check(&state.db, client, &user.email)
        .await?;
    if current_password.chars().count() > MAX_PASSWORD {
        return Err(AppError::invalid("The current password is not right."));
    }
    let ok = state
        .sign_in_limit
        .verify(current_password, row.password_hash)
        .await?;
    if !ok {
        Failures::fail(&state.db, &user.email, Failures::now_ms()).await?;
        return Err(AppError::invalid("The current password is not right."));
    }
    check_password(new_password)?;
    let hash = hash_blocking(new_password.to_string()).await?;
    db::set_password(&state.db.pool, &user.id, &hash).await?;
    end_sessions(state, &user.id, None, this_session).await?;
    tracing::info!("password changed by its account");
    Ok(())
}

/// An admin ends one session of an account (by its handle), or all of them.
pub async fn end_account_sessions(
    state: &crate::server::AppState,
    id: &str,
    handle: Option<&str>,
) -> AppResult<u64> {
    end_sessions(state, id, handle, None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_and_passwords() {
        assert_eq!(
            normalise_email("  Ana@School.EXAMPLE ").unwrap(),
            "ana@school.example"
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@x.org",
            "a b@x.org",
            "ana@localhost",
            "a@b@c.org",
        ] {
            assert!(normalise_email(bad).is_err(), "{bad}");
        }
        assert!(check_password("short").is_err());
        assert!(check_password(&"x".repeat(MIN_PASSWORD)).is_ok());
        assert!(check_password(&"x".repeat(MAX_PASSWORD + 1)).is_err());
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/results/all")), "/results/all");
        assert_eq!(safe_next(Some("//evil.example")), "/results");
        assert_eq!(safe_next(Some("https://evil.example")), "/results");
        assert_eq!(safe_next(Some("/\\evil.example")), "/results");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/results");
        assert_eq!(safe_next(Some("/admin\u{1}")), "/results");
        assert_eq!(safe_next(None), "/results");
    }
}
