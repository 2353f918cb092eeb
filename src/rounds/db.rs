//! The rounds' SQL, in one place (server only).
use crate::values::{RoleGroup, Status};
use sqlx::{Any, AnyPool, FromRow, Transaction};

type Tx = Transaction<'static, Any>;

#[derive(Debug, Clone, FromRow)]
pub struct RoundRow {
    pub id: String,
    pub school_id: String,
    pub school_name: String,
    pub instrument_id: String,
    pub innovation: String,
    pub innovation_detail: Option<String>,
    pub opens_on: Option<String>,
    pub closes_on: Option<String>,
    pub invitations: i64,
    pub leaders_link: String,
    pub teachers_link: String,
    pub closed_at: Option<String>,
    pub created_at: String,
}

const ROUND: &str =
    "SELECT r.id, r.school_id, s.name AS school_name, r.instrument_id, r.innovation,
    r.innovation_detail, r.opens_on, r.closes_on, r.invitations, r.leaders_link, r.teachers_link,
    r.closed_at, r.created_at FROM rounds r JOIN schools s ON s.id = r.school_id";

pub struct NewRound<'a> {
    pub id: &'a str,
    pub school_id: &'a str,
    pub instrument_id: &'a str,
    pub innovation: &'a str,
    pub innovation_detail: Option<&'a str>,
    pub opens_on: Option<&'a str>,
    pub closes_on: Option<&'a str>,
    pub invitations: bool,
    pub leaders_link: &'a str,
    pub teachers_link: &'a str,
    pub now: &'a str,
}

pub async fn insert(pool: &AnyPool, r: NewRound<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO rounds (id, school_id, instrument_id, innovation, innovation_detail, opens_on,
         closes_on, invitations, leaders_link, teachers_link, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(r.id)
    .bind(r.school_id)
    .bind(r.instrument_id)
    .bind(r.innovation)
    .bind(r.innovation_detail)
    .bind(r.opens_on)
    .bind(r.closes_on)
    .bind(i64::from(r.invitations))
    .bind(r.leaders_link)
    .bind(r.teachers_link)
    .bind(r.now)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn by_id(pool: &AnyPool, id: &str) -> Result<Option<RoundRow>, sqlx::Error> {
    sqlx::query_as(&format!("{ROUND} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// The round and group a link token opens.
pub async fn by_link(
    pool: &AnyPool,
    token: &str,
) -> Result<Option<(RoundRow, RoleGroup)>, sqlx::Error> {
    let row: Option<RoundRow> = sqlx::query_as(&format!(
        "{ROUND} WHERE r.leaders_link = $1 OR r.teachers_link = $1"
    ))
    .bind(token)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| {
        let group = if r.leaders_link == token {
            RoleGroup::Leaders
        } else {
            RoleGroup::Teachers
        };
        (r, group)
    }))
}

/// The rounds of these schools (all schools for `None`), newest first.
pub async fn of_schools(
    pool: &AnyPool,
    schools: Option<&[String]>,
) -> Result<Vec<RoundRow>, sqlx::Error> {
    let mut sql = crate::server::db::Sql::new(ROUND);
    if let Some(ids) = schools {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        sql.push(" WHERE ").bind_in("r.school_id", ids);
    }
    sql.push(" ORDER BY r.created_at DESC, r.id");
    sql.query_as::<RoundRow>().fetch_all(pool).await
}

pub async fn close(pool: &AnyPool, id: &str, now: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE rounds SET closed_at = $1 WHERE id = $2 AND closed_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Replaces a group's link token (the old link opens nothing any more).
pub async fn replace_link(
    pool: &AnyPool,
    id: &str,
    group: RoleGroup,
    token: &str,
) -> Result<(), sqlx::Error> {
    let column = match group {
        RoleGroup::Leaders => "leaders_link",
        RoleGroup::Teachers => "teachers_link",
    };
    sqlx::query(&format!("UPDATE rounds SET {column} = $1 WHERE id = $2"))
        .bind(token)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Per role: reflections started and finished in the round.
pub async fn participation(
    pool: &AnyPool,
    id: &str,
) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT role, CAST(COUNT(*) AS BIGINT),
             CAST(COALESCE(SUM(CASE WHEN status = '{}' THEN 1 ELSE 0 END), 0) AS BIGINT)
         FROM reflections WHERE round_id = $1 GROUP BY role",
        Status::Finished.as_str()
    ))
    .bind(id)
    .fetch_all(pool)
    .await
}

/// Per group: invitation codes made for the round.
pub async fn invitations_made(pool: &AnyPool, id: &str) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT role_group, CAST(COUNT(*) AS BIGINT) FROM round_invitations WHERE round_id = $1
         GROUP BY role_group",
    )
    .bind(id)
    .fetch_all(pool)
    .await
}

/// Stores new invitation codes (their hashes), all or none.
pub async fn add_invitations(
    tx: &mut Tx,
    id: &str,
    group: RoleGroup,
    hashes: &[String],
) -> Result<(), sqlx::Error> {
    for chunk in hashes.chunks(200) {
        let sql = format!(
            "INSERT INTO round_invitations (round_id, role_group, code_hash, used) VALUES {}",
            crate::server::db::value_rows(1, chunk.len(), 4)
        );
        let mut q = sqlx::query(&sql);
        for h in chunk {
            q = q.bind(id).bind(group.as_str()).bind(h).bind(0i64);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Withdraws every unused code of a group: they are marked used, so none can start a reflection
/// and the number of codes made stays as it was (deleting them would leave the number used, an
/// exact count of starts, on the round page).
pub async fn withdraw_unused(
    pool: &AnyPool,
    id: &str,
    group: RoleGroup,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE round_invitations SET used = 1 WHERE round_id = $1 AND role_group = $2 AND used = 0",
    )
    .bind(id)
    .bind(group.as_str())
    .execute(pool)
    .await?;
    Ok(())
}

/// Marks an unused invitation code of the round's group as used; whether there was one.
pub async fn use_invitation(
    tx: &mut Tx,
    id: &str,
    group: RoleGroup,
    hash: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE round_invitations SET used = 1
         WHERE round_id = $1 AND role_group = $2 AND code_hash = $3 AND used = 0",
    )
    .bind(id)
    .bind(group.as_str())
    .bind(hash)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
