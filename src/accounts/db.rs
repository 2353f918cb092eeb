//! The accounts' SQL.
use super::model::{Role, UserSummary};
use sqlx::{Any, AnyPool, Transaction};

pub struct UserRow {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    /// When an admin disabled the account (it cannot sign in), if they did.
    pub disabled_at: Option<String>,
}

type Row = (String, String, String, String, Option<String>);

const USER: &str = "SELECT id, email, password_hash, role, disabled_at FROM users";

fn user(r: Row) -> UserRow {
    UserRow {
        id: r.0,
        email: r.1,
        password_hash: r.2,
        role: r.3,
        disabled_at: r.4,
    }
}

pub async fn by_email(pool: &AnyPool, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
    Ok(
        sqlx::query_as::<_, Row>(&format!("{USER} WHERE email = $1"))
            .bind(email)
            .fetch_optional(pool)
            .await?
            .map(user),
    )
}

pub async fn by_id(pool: &AnyPool, id: &str) -> Result<Option<UserRow>, sqlx::Error> {
    Ok(sqlx::query_as::<_, Row>(&format!("{USER} WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .map(user))
}

/// The schools whose results the account may see: its own (a coordinator's) and every school of
/// its networks (a network coordinator's), as the schools are now.
pub async fn school_ids(pool: &AnyPool, user_id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT school_id FROM user_schools WHERE user_id = $1
         UNION SELECT s.id FROM user_networks un JOIN schools s ON s.network_id = un.network_id WHERE un.user_id = $1
         ORDER BY 1",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await
}

/// Admin accounts that are not disabled.
pub async fn count_admins(pool: &AnyPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL")
        .fetch_one(pool)
        .await
}

/// Disables the account (`at` the time) or enables it (`None`); false when there is none.
pub async fn set_disabled(pool: &AnyPool, id: &str, at: Option<&str>) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(pool)
            .await?
            .rows_affected()
            == 1,
    )
}

/// Stores a new password hash; false when there is no such account.
pub async fn set_password(pool: &AnyPool, id: &str, hash: &str) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(id)
            .execute(pool)
            .await?
            .rows_affected()
            == 1,
    )
}

/// Links an account to a network; false when there is no such network.
pub async fn add_network(
    tx: &mut Transaction<'_, Any>,
    user_id: &str,
    network_id: &str,
) -> Result<bool, sqlx::Error> {
    link(
        tx,
        "INSERT INTO user_networks (user_id, network_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        user_id,
        network_id,
    )
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
    link(
        tx,
        "INSERT INTO user_schools (user_id, school_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        user_id,
        school_id,
    )
    .await
}

/// Runs an insert of (account, other row) whose foreign key names the other row: false when
/// that row does not exist.
async fn link(
    tx: &mut Transaction<'_, Any>,
    insert: &str,
    user_id: &str,
    other_id: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(insert)
        .bind(user_id)
        .bind(other_id)
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

/// Every account, or only the one with id `only`, with the names of its schools and networks.
pub async fn list(pool: &AnyPool, only: Option<&str>) -> Result<Vec<UserSummary>, sqlx::Error> {
    let (users_of, schools_of, networks_of) = match only {
        Some(_) => (
            "WHERE id = $1",
            "WHERE us.user_id = $1",
            "WHERE un.user_id = $2",
        ),
        None => ("", "", ""),
    };
    let users = format!("SELECT id, email, role, disabled_at FROM users {users_of} ORDER BY email");
    let users = sqlx::query_as::<_, (String, String, String, Option<String>)>(&users);
    let links = format!(
        "SELECT us.user_id, s.name FROM user_schools us JOIN schools s ON s.id = us.school_id {schools_of}
         UNION ALL SELECT un.user_id, n.name FROM user_networks un JOIN networks n ON n.id = un.network_id {networks_of}
         ORDER BY 2"
    );
    let links = sqlx::query_as::<_, (String, String)>(&links);
    let (users, links) = match only {
        Some(id) => (users.bind(id), links.bind(id).bind(id)),
        None => (users, links),
    };
    let users = users.fetch_all(pool).await?;
    let mut names: std::collections::HashMap<String, Vec<String>> = Default::default();
    for (user, name) in links.fetch_all(pool).await? {
        names.entry(user).or_default().push(name);
    }
    Ok(users
        .into_iter()
        .filter_map(|(id, email, role, disabled_at)| {
            Some(UserSummary {
                role: Role::parse(&role)?,
                schools: names.remove(&id).unwrap_or_default(),
                id,
                email,
                disabled: disabled_at.is_some(),
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
