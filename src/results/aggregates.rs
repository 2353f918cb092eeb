//! Running aggregates (server only): what one finished reflection adds to the counts, applying it
//! inside the caller's transaction, and rebuilding everything from the answers.
use crate::instrument::{Instrument, ItemType};
use crate::server::db::Db;
use sqlx::{Any, Transaction};
use std::collections::BTreeMap;

type Tx = Transaction<'static, Any>;

/// The group cell a finished reflection belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cell {
    pub instrument_id: String,
    pub instrument_version: i64,
    pub school_key: String,
    pub role: String,
    pub innovation: String,
    pub finished_on: String,
}

/// Every (cell, item, value) with its count, and respondents per cell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub answers: BTreeMap<(Cell, String, String), i64>,
    pub respondents: BTreeMap<Cell, i64>,
}

/// The countable values of one stored answer: a Likert value or "na", a single choice, each option
/// of a multiple choice. Numbers and text are not counted.
pub fn countable_values(inst: &Instrument, item_id: &str, value: &str) -> Vec<String> {
    match inst.find_item(item_id).map(|(_, i)| i.kind) {
        Some(ItemType::Likert | ItemType::SingleChoice) => vec![value.to_string()],
        Some(ItemType::MultipleChoice) => value
            .split(',')
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// Adds (`sign` = 1) or removes (`sign` = -1) one finished reflection's answers.
pub async fn apply(
    tx: &mut Tx,
    inst: &Instrument,
    cell: &Cell,
    answers: &[(String, String)],
    sign: i64,
) -> Result<(), sqlx::Error> {
    for (item, value) in answers {
        for v in countable_values(inst, item, value) {
            bump_answer(tx, cell, item, &v, sign).await?;
        }
    }
    bump_respondents(tx, cell, sign).await
}

async fn bump_answer(
    tx: &mut Tx,
    c: &Cell,
    item: &str,
    value: &str,
    by: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO answer_counts (instrument_id, instrument_version, school_key, role, innovation, finished_on, item_id, value, n)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (instrument_id, instrument_version, school_key, role, innovation, finished_on, item_id, value)
         DO UPDATE SET n = answer_counts.n + excluded.n",
    )
    .bind(&c.instrument_id)
    .bind(c.instrument_version)
    .bind(&c.school_key)
    .bind(&c.role)
    .bind(&c.innovation)
    .bind(&c.finished_on)
    .bind(item)
    .bind(value)
    .bind(by)
    .execute(&mut **tx)
    .await?;
    if by < 0 {
        sqlx::query(
            "DELETE FROM answer_counts WHERE n <= 0 AND instrument_id = $1 AND item_id = $2",
        )
        .bind(&c.instrument_id)
        .bind(item)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn bump_respondents(tx: &mut Tx, c: &Cell, by: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO respondent_counts (instrument_id, instrument_version, school_key, role, innovation, finished_on, n)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (instrument_id, instrument_version, school_key, role, innovation, finished_on)
         DO UPDATE SET n = respondent_counts.n + excluded.n",
    )
    .bind(&c.instrument_id)
    .bind(c.instrument_version)
    .bind(&c.school_key)
    .bind(&c.role)
    .bind(&c.innovation)
    .bind(&c.finished_on)
    .bind(by)
    .execute(&mut **tx)
    .await?;
    if by < 0 {
        sqlx::query("DELETE FROM respondent_counts WHERE n <= 0")
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct CountRow {
    instrument_id: String,
    instrument_version: i64,
    school_key: String,
    role: String,
    innovation: String,
    finished_on: String,
    #[sqlx(default)]
    item_id: String,
    #[sqlx(default)]
    value: String,
    n: i64,
}

impl CountRow {
    fn cell(&self) -> Cell {
        Cell {
            instrument_id: self.instrument_id.clone(),
            instrument_version: self.instrument_version,
            school_key: self.school_key.clone(),
            role: self.role.clone(),
            innovation: self.innovation.clone(),
            finished_on: self.finished_on.clone(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct FinishedRow {
    id: String,
    instrument_id: String,
    instrument_version: i64,
    school_id: Option<String>,
    role: String,
    innovation: String,
    finished_at: String,
}

/// The aggregate tables as they are.
pub async fn stored(db: &Db) -> Result<Counts, sqlx::Error> {
    let mut counts = Counts::default();
    let rows: Vec<CountRow> = sqlx::query_as(
        "SELECT instrument_id, instrument_version, school_key, role, innovation, finished_on, item_id, value, n FROM answer_counts",
    )
    .fetch_all(&db.pool)
    .await?;
    for r in rows {
        counts
            .answers
            .insert((r.cell(), r.item_id.clone(), r.value.clone()), r.n);
    }
    let rows: Vec<CountRow> = sqlx::query_as(
        "SELECT instrument_id, instrument_version, school_key, role, innovation, finished_on, n FROM respondent_counts",
    )
    .fetch_all(&db.pool)
    .await?;
    for r in rows {
        counts.respondents.insert(r.cell(), r.n);
    }
    Ok(counts)
}

/// The aggregates computed from scratch from the finished reflections and their answers.
pub async fn from_answers(
    db: &Db,
    instruments: &crate::instrument::store::Registry,
) -> Result<Counts, sqlx::Error> {
    let mut counts = Counts::default();
    let rows: Vec<FinishedRow> = sqlx::query_as(
        "SELECT id, instrument_id, instrument_version, school_id, role, innovation, finished_at FROM reflections WHERE status = 'finished'",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut cells: BTreeMap<String, Cell> = BTreeMap::new();
    for r in rows {
        let c = Cell {
            instrument_id: r.instrument_id,
            instrument_version: r.instrument_version,
            school_key: r.school_id.unwrap_or_default(),
            role: r.role,
            innovation: r.innovation,
            finished_on: r.finished_at.chars().take(10).collect(),
        };
        *counts.respondents.entry(c.clone()).or_default() += 1;
        cells.insert(r.id, c);
    }
    let answers: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT a.reflection_id, a.item_id, a.value FROM answers a JOIN reflections r ON r.id = a.reflection_id WHERE r.status = 'finished'",
    )
    .fetch_all(&db.pool)
    .await?;
    for (id, item, value) in answers {
        let Some(c) = cells.get(&id) else { continue };
        let Some(inst) = instruments.get(&c.instrument_id, c.instrument_version) else {
            continue;
        };
        for v in countable_values(&inst, &item, &value) {
            *counts
                .answers
                .entry((c.clone(), item.clone(), v))
                .or_default() += 1;
        }
    }
    Ok(counts)
}

/// Rebuilds the aggregate tables from the answers in one transaction.
pub async fn recompute(
    db: &Db,
    instruments: &crate::instrument::store::Registry,
) -> Result<Counts, sqlx::Error> {
    let counts = from_answers(db, instruments).await?;
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM answer_counts")
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM respondent_counts")
        .execute(&mut *tx)
        .await?;
    for ((c, item, value), n) in &counts.answers {
        bump_answer(&mut tx, c, item, value, *n).await?;
    }
    for (c, n) in &counts.respondents {
        bump_respondents(&mut tx, c, *n).await?;
    }
    tx.commit().await?;
    Ok(counts)
}
