//! The reflection's SQL, in one place (server only).
use crate::instrument::StoredAnswer;
use crate::server::db::{placeholders, value_rows};
use crate::values::Status;
use sqlx::{Any, AnyPool, FromRow, Transaction};

type Tx = Transaction<'static, Any>;

#[derive(Debug, Clone, FromRow)]
pub struct ReflectionRow {
    pub id: String,
    pub instrument_id: String,
    pub instrument_version: i64,
    pub role: String,
    pub innovation: String,
    pub innovation_detail: Option<String>,
    pub status: String,
    pub action_plan: Option<String>,
    pub school_id: Option<String>,
    pub finished_at: Option<String>,
    pub workshop_id: Option<String>,
    /// The language it is answered in (a `lang::Locale` code).
    pub language: String,
    /// The earlier reflection this one retakes ("reflect again"), if any.
    pub previous_id: Option<String>,
    /// The school's round it was started in, if any.
    pub round_id: Option<String>,
    /// The workshop the reflection belongs to, loaded by the service.
    #[sqlx(skip)]
    pub workshop: Option<crate::workshops::model::RoomFrame>,
}

impl ReflectionRow {
    /// Whether it belongs to a workshop that is closed (and so takes no answers).
    pub fn workshop_closed(&self) -> bool {
        self.workshop.as_ref().is_some_and(|w| !w.open)
    }
}

pub struct NewReflection<'a> {
    pub id: &'a str,
    pub token_hash: &'a str,
    pub instrument_id: &'a str,
    pub instrument_version: i64,
    pub role: crate::values::RespondentRole,
    pub school_id: Option<&'a str>,
    pub innovation: &'a str,
    pub innovation_detail: Option<&'a str>,
    pub consent_research: bool,
    pub workshop_id: Option<&'a str>,
    /// The school's round it was started in (through a group link).
    pub round_id: Option<&'a str>,
    /// The earlier reflection this one retakes.
    pub previous_id: Option<&'a str>,
    pub language: &'a str,
    pub today: &'a str,
    pub now: &'a str,
}

pub async fn insert(tx: &mut Tx, r: NewReflection<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "INSERT INTO reflections (id, token_hash, instrument_id, instrument_version, role, school_id, innovation, innovation_detail, consent_research, status, started_on, updated_at, workshop_id, language, round_id, previous_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '{}', $10, $11, $12, $13, $14, $15)",
        Status::InProgress.as_str()
    ))
    .bind(r.id)
    .bind(r.token_hash)
    .bind(r.instrument_id)
    .bind(r.instrument_version)
    .bind(r.role.as_str())
    .bind(r.school_id)
    .bind(r.innovation)
    .bind(r.innovation_detail)
    .bind(i64::from(r.consent_research))
    .bind(r.today)
    .bind(r.now)
    .bind(r.workshop_id)
    .bind(r.language)
    .bind(r.round_id)
    .bind(r.previous_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

const COLUMNS: &str = "id, instrument_id, instrument_version, role, innovation, innovation_detail, status, action_plan, school_id, finished_at, workshop_id, language, previous_id, round_id";

/// The language of the reflection behind a token hash, if there is one.
pub async fn language_by_token(
    pool: &AnyPool,
    token_hash: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT language FROM reflections WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(pool)
        .await
}

/// Sets the language a reflection is answered in (also once finished: its profile speaks it).
pub async fn set_language(
    tx: &mut Tx,
    token_hash: &str,
    language: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE reflections SET language = $1 WHERE token_hash = $2 AND language <> $1")
        .bind(language)
        .bind(token_hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn find_by_token(
    pool: &AnyPool,
    token_hash: &str,
) -> Result<Option<ReflectionRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM reflections WHERE token_hash = $1"
    ))
    .bind(token_hash)
    .fetch_optional(pool)
    .await
}

/// Whether the reflection's answers may be used for research.
pub async fn consent_of(pool: &AnyPool, id: &str) -> Result<bool, sqlx::Error> {
    let c: i64 = sqlx::query_scalar("SELECT consent_research FROM reflections WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await?;
    Ok(c != 0)
}

/// A reflection by its id (for the earlier reflections of a retake chain).
pub async fn find_by_id(pool: &AnyPool, id: &str) -> Result<Option<ReflectionRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM reflections WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// A reflection by its id, inside the caller's transaction.
pub async fn find_by_id_in(tx: &mut Tx, id: &str) -> Result<Option<ReflectionRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM reflections WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
}

/// Locks an in-progress reflection for writing; false when it is unknown or finished (the caller
/// tells which).
pub async fn lock_in_progress(tx: &mut Tx, id: &str, now: &str) -> Result<bool, sqlx::Error> {
    Ok(!lock_in_progress_many(tx, &[id], now).await?.is_empty())
}

/// [`lock_in_progress`] for many reflections in one statement: the ids that are in progress (and
/// now locked for this transaction). At most a few thousand ids (one bind each).
pub async fn lock_in_progress_many(
    tx: &mut Tx,
    ids: &[&str],
    now: &str,
) -> Result<Vec<String>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "UPDATE reflections SET updated_at = $1 WHERE status = '{}' AND id IN ({}) RETURNING id",
        Status::InProgress.as_str(),
        placeholders(2, ids.len())
    );
    let mut q = sqlx::query_scalar(&sql).bind(now);
    for id in ids {
        q = q.bind(*id);
    }
    q.fetch_all(&mut **tx).await
}

/// Every (reflection, item) answered of these reflections, read inside a write transaction. One
/// row per reflection (its item ids joined by commas, which ids never hold): on SQLite every row
/// is a hop between threads, and the answer writer runs this for every batch.
pub async fn answered_items_of(
    tx: &mut Tx,
    ids: &[&str],
) -> Result<Vec<(String, String)>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT reflection_id, string_agg(item_id, ',') FROM answers
         WHERE reflection_id IN ({}) GROUP BY reflection_id",
        placeholders(1, ids.len())
    );
    let mut q = sqlx::query_as::<_, (String, String)>(&sql);
    for id in ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(&mut **tx)
        .await?
        .into_iter()
        .flat_map(|(reflection, items)| {
            items
                .split(',')
                .filter(|i| !i.is_empty())
                .map(|i| (reflection.clone(), i.to_string()))
                .collect::<Vec<_>>()
        })
        .collect())
}

/// One answer row to write: (reflection, item, answer, time).
pub type AnswerRow<'a> = (&'a str, &'a str, &'a StoredAnswer, &'a str);

/// Stores answers, new or changed, in one statement; each (reflection, item) at most once.
pub async fn upsert_answers(tx: &mut Tx, rows: &[AnswerRow<'_>]) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO answers (reflection_id, item_id, value, score, updated_at) VALUES {}
         ON CONFLICT (reflection_id, item_id) DO UPDATE SET value = excluded.value, score = excluded.score, updated_at = excluded.updated_at",
        value_rows(1, rows.len(), 5)
    );
    let mut q = sqlx::query(&sql);
    for (id, item, a, now) in rows {
        q = q
            .bind(*id)
            .bind(*item)
            .bind(&a.value)
            .bind(a.score)
            .bind(*now);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

/// Removes the answers to these (reflection, item) pairs, in one statement.
pub async fn delete_answers(tx: &mut Tx, pairs: &[(&str, &str)]) -> Result<(), sqlx::Error> {
    if pairs.is_empty() {
        return Ok(());
    }
    let cond: Vec<String> = (0..pairs.len())
        .map(|p| {
            format!(
                "(reflection_id = ${} AND item_id = ${})",
                p * 2 + 1,
                p * 2 + 2
            )
        })
        .collect();
    let sql = format!("DELETE FROM answers WHERE {}", cond.join(" OR "));
    let mut q = sqlx::query(&sql);
    for (id, item) in pairs {
        q = q.bind(*id).bind(*item);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

pub async fn school_id_by_code(pool: &AnyPool, code: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM schools WHERE code = $1")
        .bind(code)
        .fetch_optional(pool)
        .await
}

pub async fn answers(
    pool: &AnyPool,
    id: &str,
) -> Result<Vec<(String, String, Option<i64>)>, sqlx::Error> {
    sqlx::query_as("SELECT item_id, value, score FROM answers WHERE reflection_id = $1")
        .bind(id)
        .fetch_all(pool)
        .await
}

/// The answers (item, value) read inside a write transaction.
pub async fn answers_in(tx: &mut Tx, id: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT item_id, value FROM answers WHERE reflection_id = $1")
        .bind(id)
        .fetch_all(&mut **tx)
        .await
}
/// What a category page shows of a reflection, in one statement: every answer (item, value) and
/// the page's note, if any.
pub async fn page_answers(
    pool: &AnyPool,
    id: &str,
    category: &str,
) -> Result<(Vec<(String, String)>, Option<String>), sqlx::Error> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT 'answer', item_id, value FROM answers WHERE reflection_id = $1
         UNION ALL
         SELECT 'note', category_id, note FROM category_notes WHERE reflection_id = $1 AND category_id = $2",
    )
    .bind(id)
    .bind(category)
    .fetch_all(pool)
    .await?;
    let mut note = None;
    let mut answers = Vec::with_capacity(rows.len());
    for (kind, key, text) in rows {
        if kind == "note" {
            note = Some(text);
        } else {
            answers.push((key, text));
        }
    }
    Ok((answers, note))
}

pub async fn notes(pool: &AnyPool, id: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT category_id, note FROM category_notes WHERE reflection_id = $1")
        .bind(id)
        .fetch_all(pool)
        .await
}

pub async fn set_note(
    tx: &mut Tx,
    id: &str,
    category: &str,
    note: Option<&str>,
    now: &str,
) -> Result<(), sqlx::Error> {
    match note {
        Some(text) => sqlx::query(
            "INSERT INTO category_notes (reflection_id, category_id, note, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (reflection_id, category_id) DO UPDATE SET note = excluded.note, updated_at = excluded.updated_at",
        )
        .bind(id)
        .bind(category)
        .bind(text)
        .bind(now),
        None => sqlx::query("DELETE FROM category_notes WHERE reflection_id = $1 AND category_id = $2")
            .bind(id)
            .bind(category),
    }
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn finish(tx: &mut Tx, id: &str, now: &str) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "UPDATE reflections SET status = '{}', finished_at = $1, updated_at = $1 WHERE id = $2",
        Status::Finished.as_str()
    ))
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn set_action_plan(
    pool: &AnyPool,
    id: &str,
    plan: Option<&str>,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE reflections SET action_plan = $1, updated_at = $2 WHERE id = $3")
        .bind(plan)
        .bind(now)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Deletes the reflection and, in the same transaction, its answers and notes; a later reflection
/// that retook it no longer points to it.
pub async fn delete(tx: &mut Tx, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE reflections SET previous_id = NULL WHERE previous_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM answers WHERE reflection_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM category_notes WHERE reflection_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM reflections WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Unfinished reflections nobody has touched since `before` (RFC 3339): (id, workshop).
pub async fn unfinished_before(
    pool: &AnyPool,
    before: &str,
) -> Result<Vec<(String, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, workshop_id FROM reflections WHERE finished_at IS NULL AND updated_at < $1",
    )
    .bind(before)
    .fetch_all(pool)
    .await
}

/// Claims an unfinished reflection untouched since `before` for deletion in `tx` (on PostgreSQL
/// the row stays locked until the transaction ends, so it cannot be finished meanwhile): whether
/// it still is one.
pub async fn claim_unfinished(tx: &mut Tx, id: &str, before: &str) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE reflections SET status = status WHERE id = $1 AND finished_at IS NULL AND updated_at < $2",
    )
    .bind(id)
    .bind(before)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}
