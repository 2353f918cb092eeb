//! The workshops' SQL.
use sqlx::AnyPool;

#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub facilitator_id: String,
    pub title: String,
    pub instrument_id: String,
    /// JSON array of category ids.
    pub categories: String,
    pub ask_poll: bool,
    pub word_prompt: Option<String>,
    pub code: String,
    pub status: String,
}

type Tuple = (
    String,
    String,
    String,
    String,
    String,
    i64,
    Option<String>,
    String,
    String,
);

const COLUMNS: &str =
    "id, facilitator_id, title, instrument_id, categories, ask_poll, word_prompt, code, status";

fn row(t: Tuple) -> Row {
    Row {
        id: t.0,
        facilitator_id: t.1,
        title: t.2,
        instrument_id: t.3,
        categories: t.4,
        ask_poll: t.5 != 0,
        word_prompt: t.6,
        code: t.7,
        status: t.8,
    }
}

/// Inserts a workshop unless its code is taken (then false, nothing stored).
pub async fn insert(pool: &AnyPool, r: &Row, now: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(&format!(
        "INSERT INTO workshops ({COLUMNS}, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (code) DO NOTHING"
    ))
    .bind(&r.id)
    .bind(&r.facilitator_id)
    .bind(&r.title)
    .bind(&r.instrument_id)
    .bind(&r.categories)
    .bind(i64::from(r.ask_poll))
    .bind(&r.word_prompt)
    .bind(&r.code)
    .bind(&r.status)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn by_id(pool: &AnyPool, id: &str) -> Result<Option<Row>, sqlx::Error> {
    Ok(
        sqlx::query_as::<_, Tuple>(&format!("SELECT {COLUMNS} FROM workshops WHERE id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?
            .map(row),
    )
}

pub async fn by_code(pool: &AnyPool, code: &str) -> Result<Option<Row>, sqlx::Error> {
    Ok(
        sqlx::query_as::<_, Tuple>(&format!("SELECT {COLUMNS} FROM workshops WHERE code = $1"))
            .bind(code)
            .fetch_optional(pool)
            .await?
            .map(row),
    )
}

/// A facilitator's workshops (every workshop for `None`), newest first.
pub async fn list(pool: &AnyPool, facilitator: Option<&str>) -> Result<Vec<Row>, sqlx::Error> {
    let sql = match facilitator {
        Some(_) => format!(
            "SELECT {COLUMNS} FROM workshops WHERE facilitator_id = $1 ORDER BY created_at DESC, title"
        ),
        None => format!("SELECT {COLUMNS} FROM workshops ORDER BY created_at DESC, title"),
    };
    let mut q = sqlx::query_as::<_, Tuple>(&sql);
    if let Some(f) = facilitator {
        q = q.bind(f);
    }
    Ok(q.fetch_all(pool).await?.into_iter().map(row).collect())
}

/// A participant's answers to the room's questions (poll category, word).
pub async fn answers_of(
    pool: &AnyPool,
    reflection_id: &str,
) -> Result<Option<(Option<String>, Option<String>)>, sqlx::Error> {
    sqlx::query_as("SELECT poll_category, word FROM workshop_answers WHERE reflection_id = $1")
        .bind(reflection_id)
        .fetch_optional(pool)
        .await
}

pub async fn save_answers(
    pool: &AnyPool,
    reflection_id: &str,
    workshop_id: &str,
    poll: Option<&str>,
    word: Option<&str>,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO workshop_answers (reflection_id, workshop_id, poll_category, word, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (reflection_id) DO UPDATE SET poll_category = excluded.poll_category, word = excluded.word, updated_at = excluded.updated_at",
    )
    .bind(reflection_id)
    .bind(workshop_id)
    .bind(poll)
    .bind(word)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn set_status(pool: &AnyPool, id: &str, status: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE workshops SET status = $1 WHERE id = $2")
        .bind(status)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}
