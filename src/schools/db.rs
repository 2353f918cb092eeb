//! The schools' and networks' SQL.
use super::model::{Network, School};
use sqlx::{Any, AnyPool, Transaction};

const SCHOOL: &str = "SELECT s.id, s.code, s.name, s.network_id, n.name, s.country FROM schools s LEFT JOIN networks n ON n.id = s.network_id";

type Row = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn school(r: Row) -> School {
    School {
        id: r.0,
        code: r.1,
        name: r.2,
        network_id: r.3,
        network_name: r.4,
        country: r.5,
    }
}

pub async fn by_id(pool: &AnyPool, id: &str) -> Result<Option<School>, sqlx::Error> {
    Ok(
        sqlx::query_as::<_, Row>(&format!("{SCHOOL} WHERE s.id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?
            .map(school),
    )
}

pub async fn list(pool: &AnyPool) -> Result<Vec<School>, sqlx::Error> {
    Ok(
        sqlx::query_as::<_, Row>(&format!("{SCHOOL} ORDER BY s.name"))
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(school)
            .collect(),
    )
}

pub async fn networks(pool: &AnyPool) -> Result<Vec<Network>, sqlx::Error> {
    Ok(sqlx::query_as::<_, (String, String, i64)>(
        "SELECT n.id, n.name, CAST(COUNT(s.id) AS BIGINT) FROM networks n LEFT JOIN schools s ON s.network_id = n.id GROUP BY n.id, n.name ORDER BY n.name",
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(id, name, schools)| Network { id, name, schools })
    .collect())
}

pub async fn network_name(pool: &AnyPool, id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM networks WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub async fn countries(pool: &AnyPool) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT country FROM schools WHERE country IS NOT NULL ORDER BY country",
    )
    .fetch_all(pool)
    .await
}

/// Inserts a school unless its code is taken (then returns false, nothing stored).
pub async fn insert_school(pool: &AnyPool, s: &School, now: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO schools (id, code, name, network_id, country, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO NOTHING",
    )
    .bind(&s.id)
    .bind(&s.code)
    .bind(&s.name)
    .bind(&s.network_id)
    .bind(&s.country)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Inserts a network unless its name is taken (then returns false).
pub async fn insert_network(
    pool: &AnyPool,
    id: &str,
    name: &str,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO networks (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
    )
    .bind(id)
    .bind(name)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Changes a school's name, network and country; false when there is no such school.
pub async fn update_school(
    pool: &AnyPool,
    id: &str,
    name: &str,
    network_id: Option<&str>,
    country: Option<&str>,
) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("UPDATE schools SET name = $1, network_id = $2, country = $3 WHERE id = $4")
            .bind(name)
            .bind(network_id)
            .bind(country)
            .bind(id)
            .execute(pool)
            .await?
            .rows_affected()
            == 1,
    )
}

/// What deleting a row did.
pub enum Deleted {
    Done,
    /// No such row.
    Missing,
    /// Other rows point to it (a school's reflections or rounds, a network's schools).
    InUse,
}

async fn delete(pool: &AnyPool, sql: &str, id: &str) -> Result<Deleted, sqlx::Error> {
    match sqlx::query(sql).bind(id).execute(pool).await {
        Ok(done) if done.rows_affected() == 1 => Ok(Deleted::Done),
        Ok(_) => Ok(Deleted::Missing),
        Err(sqlx::Error::Database(e))
            if e.kind() == sqlx::error::ErrorKind::ForeignKeyViolation =>
        {
            Ok(Deleted::InUse)
        }
        Err(e) => Err(e),
    }
}

/// Deletes a school that nothing points to (its accounts' links go with it).
pub async fn delete_school(pool: &AnyPool, id: &str) -> Result<Deleted, sqlx::Error> {
    delete(pool, "DELETE FROM schools WHERE id = $1", id).await
}

/// Renames a network; false when there is none, or another network has the name (`Err` of the
/// unique constraint is read as that).
pub async fn rename_network(
    pool: &AnyPool,
    id: &str,
    name: &str,
) -> Result<Option<bool>, sqlx::Error> {
    match sqlx::query("UPDATE networks SET name = $1 WHERE id = $2")
        .bind(name)
        .bind(id)
        .execute(pool)
        .await
    {
        Ok(done) => Ok(Some(done.rows_affected() == 1)),
        Err(sqlx::Error::Database(e)) if e.kind() == sqlx::error::ErrorKind::UniqueViolation => {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Deletes a network without schools.
pub async fn delete_network(pool: &AnyPool, id: &str) -> Result<Deleted, sqlx::Error> {
    delete(pool, "DELETE FROM networks WHERE id = $1", id).await
}

/// Every network by its name in lower case: (id, name).
pub async fn networks_by_name(
    tx: &mut Transaction<'_, Any>,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM networks")
        .fetch_all(&mut **tx)
        .await
}

/// Every school's name, network and code (to find a file's duplicates and taken codes).
pub async fn schools_and_codes(
    tx: &mut Transaction<'_, Any>,
) -> Result<Vec<(String, Option<String>, String)>, sqlx::Error> {
    sqlx::query_as("SELECT name, network_id, code FROM schools")
        .fetch_all(&mut **tx)
        .await
}

/// Inserts a network in a transaction.
pub async fn insert_network_in(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    name: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO networks (id, name, created_at) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(name)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Inserts a school in a transaction.
pub async fn insert_school_in(
    tx: &mut Transaction<'_, Any>,
    s: &School,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO schools (id, code, name, network_id, country, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&s.id)
    .bind(&s.code)
    .bind(&s.name)
    .bind(&s.network_id)
    .bind(&s.country)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
