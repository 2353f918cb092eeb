//! The accounts' SQL.
use super::model::{Role, UserSummary};
use sqlx::{Any, AnyPool, Transaction};

pub struct UserRow {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub role: String,
}

type Row = (String, String, String, String);

fn user(r: Row) -> UserRow {
    UserRow {
        id: r.0,
        email: r.1,
        password_hash: r.2,
        role: r.3,
    }
}

pub async fn by_email(pool: &AnyPool, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
    Ok(sqlx::query_as::<_, Row>(
        "SELECT id, email, password_hash, role FROM users WHERE email = $1",
    )
    .bind(email)
    .fetch_optional(pool)
    .await?
    .map(user))
}

pub async fn by_id(pool: &AnyPool, id: &str) -> Result<Option<UserRow>, sqlx::Error> {
    Ok(
        sqlx::query_as::<_, Row>("SELECT id, email, password_hash, role FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?
            .map(user),
    )
}

pub async fn school_ids(pool: &AnyPool, user_id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT school_id FROM user_schools WHERE user_id = $1 ORDER BY school_id")
        .bind(user_id)
        .fetch_all(pool)
        .await
}

pub async fn count_admins(pool: &AnyPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin'")
        .fetch_one(pool)
        .await
}

pub async fn email_taken(tx: &mut Transaction<'_, Any>, email: &str) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(&mut **tx)
            .await?
            > 0,
    )
}

pub async fn insert(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    email: &str,
    hash: &str,
    role: Role,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (id, email, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(email)
    .bind(hash)
    .bind(role.as_str())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Links an account to a school; false when there is no such school (the foreign key says so:
/// schools are another domain's, so this one does not read their table).
pub async fn add_school(
    tx: &mut Transaction<'_, Any>,
    user_id: &str,
    school_id: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO user_schools (user_id, school_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(user_id)
    .bind(school_id)
    .execute(&mut **tx)
    .await;
    match done {
        Ok(_) => Ok(true),
        Err(sqlx::Error::Database(e))
            if e.kind() == sqlx::error::ErrorKind::ForeignKeyViolation =>
        {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// Every account with the names of its schools.
pub async fn list(pool: &AnyPool) -> Result<Vec<UserSummary>, sqlx::Error> {
    let users = sqlx::query_as::<_, (String, String, String)>(
        "SELECT id, email, role FROM users ORDER BY email",
    )
    .fetch_all(pool)
    .await?;
    let links = sqlx::query_as::<_, (String, String)>(
        "SELECT us.user_id, s.name FROM user_schools us JOIN schools s ON s.id = us.school_id ORDER BY s.name",
    )
    .fetch_all(pool)
    .await?;
    Ok(users
        .into_iter()
        .filter_map(|(id, email, role)| {
            let schools = links
                .iter()
                .filter(|(u, _)| *u == id)
                .map(|(_, n)| n.clone())
                .collect();
            Some(UserSummary {
                role: Role::parse(&role)?,
                id,
                email,
                schools,
            })
        })
        .collect())
}

/// The time (Unix ms) the failed sign-ins bucket of this address hash is full again; `None` when
/// it has no recent failures.
pub async fn failures_full_at(
    pool: &AnyPool,
    email_hash: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT full_at_ms FROM sign_in_failures WHERE email_hash = $1")
        .bind(email_hash)
        .fetch_optional(pool)
        .await
}

/// Counts a failed sign-in in one statement (atomic on both backends, whichever server runs it):
/// the bucket's full time moves `period` on from `now` at the earliest, to `now + cap` at most.
/// Rows whose time has passed are deleted first.
pub async fn count_failure(
    pool: &AnyPool,
    email_hash: &str,
    now: i64,
    period: i64,
    cap: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sign_in_failures WHERE full_at_ms <= $1")
        .bind(now)
        .execute(pool)
        .await?;
    sqlx::query(
        "INSERT INTO sign_in_failures (email_hash, full_at_ms) VALUES ($1, $2)
         ON CONFLICT (email_hash) DO UPDATE SET full_at_ms = CASE
             WHEN sign_in_failures.full_at_ms < $3 THEN $2
             WHEN sign_in_failures.full_at_ms + $4 > $5 THEN $5
             ELSE sign_in_failures.full_at_ms + $4
         END",
    )
    .bind(email_hash)
    .bind(now + period)
    .bind(now)
    .bind(period)
    .bind(now + cap)
    .execute(pool)
    .await?;
    Ok(())
}
