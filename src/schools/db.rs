//! The schools' and networks' SQL.
use super::model::{Network, School};
use sqlx::AnyPool;

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
