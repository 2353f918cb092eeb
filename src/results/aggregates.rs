//! Running aggregates (server only): what one finished reflection adds to the counts, applying it
//! inside the caller's transaction, and rebuilding everything from the answers.
use super::privacy::CellCount;
use super::release::Change;
use crate::instrument::{Instrument, ItemType};
use crate::lang::{self, Locale};
use crate::server::db::{Db, value_rows};
use crate::values::Status;
use sqlx::{Any, Transaction};
use std::collections::BTreeMap;

type Tx = Transaction<'static, Any>;

/// One aggregate cell: a group (level and key) × instrument version × role × innovation × month
/// × language answered in (a code of `lang::Locale`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cell {
    pub level: String,
    pub group_key: String,
    pub instrument_id: String,
    pub instrument_version: i64,
    pub role: String,
    pub innovation: String,
    pub month: String,
    pub language: String,
    /// The school's round it was started in ('' for none, and always '' above school level).
    pub round: String,
}

/// What a finished reflection is, for the aggregates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Respondent {
    pub instrument_id: String,
    pub instrument_version: i64,
    pub school_id: Option<String>,
    pub role: String,
    pub innovation: String,
    /// The language it was answered in.
    pub language: Locale,
    /// RFC 3339 time or date it was finished.
    pub finished_at: String,
    /// The school's round it was started in, if any.
    pub round_id: Option<String>,
}

/// The groups a school belongs to: itself, its network, its country.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Membership {
    pub network_id: Option<String>,
    pub country: Option<String>,
}

/// Role, innovation, month and language of a group's total row (results without filters read
/// only these).
pub const TOTAL: &str = "*";

/// Every cell a finished reflection counts in: everyone, and its school, network and country,
/// each once in detail, once in the group's total of its role and once in the group's total.
pub fn cells(r: &Respondent, m: &Membership) -> Vec<Cell> {
    let mut groups = vec![("all", String::new())];
    if let Some(s) = &r.school_id {
        groups.push(("school", s.clone()));
    }
    if let Some(n) = &m.network_id {
        groups.push(("network", n.clone()));
    }
    if let Some(c) = &m.country {
        groups.push(("country", c.clone()));
    }
    let month: String = r.finished_at.chars().take(7).collect();
    groups
        .into_iter()
        .flat_map(|(level, group_key)| {
            // a round belongs to its school: the school's cells hold it, the others none
            let round = match level {
                "school" => r.round_id.clone().unwrap_or_default(),
                _ => String::new(),
            };
            let cell =
                |role: &str, innovation: &str, month: &str, language: &str, round: &str| Cell {
                    level: level.into(),
                    group_key: group_key.clone(),
                    instrument_id: r.instrument_id.clone(),
                    instrument_version: r.instrument_version,
                    role: role.into(),
                    innovation: innovation.into(),
                    month: month.into(),
                    language: language.into(),
                    round: round.into(),
                };
            // the detailed cell for filtered views, the group's total by role for views filtered
            // by role alone (the leaders/teachers gap, a role's page, every school's count by
            // role), and the group's total for the unfiltered one
            [
                cell(
                    &r.role,
                    &r.innovation,
                    &month,
                    lang::code(r.language),
                    &round,
                ),
                cell(&r.role, TOTAL, TOTAL, TOTAL, TOTAL),
                cell(TOTAL, TOTAL, TOTAL, TOTAL, TOTAL),
            ]
        })
        .collect()
}

/// The language a stored reflection was answered in, as its own pages read it (English for a
/// code Reflect does not speak, which only a damaged row holds): the finish, the deletion and the
/// rebuild from the answers all count it so.
pub fn answered_in(stored: &str) -> Locale {
    lang::parse(stored).unwrap_or_default()
}

/// A school's network and country, read inside the caller's transaction.
pub async fn membership(tx: &mut Tx, school_id: Option<&str>) -> Result<Membership, sqlx::Error> {
    let Some(id) = school_id else {
        return Ok(Membership::default());
    };
    let row: Option<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT network_id, country FROM schools WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row
        .map(|(network_id, country)| Membership {
            network_id,
            country,
        })
        .unwrap_or_default())
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

/// Adds (`sign` = 1) or removes (`sign` = -1) one finished reflection's answers, in every group
/// it belongs to: as pending changes, each group released when the release rule allows (see
/// `release.rs`) with threshold `k`, at time `now`.
pub async fn apply(
    tx: &mut Tx,
    inst: &Instrument,
    respondent: &Respondent,
    answers: &[(String, String)],
    sign: i64,
    k: i64,
    now: &str,
) -> Result<(), sqlx::Error> {
    let m = membership(tx, respondent.school_id.as_deref()).await?;
    let school_key = respondent.school_id.clone().unwrap_or_default();
    let cells = cells(respondent, &m);
    // the deltas, summed in memory: one row per (cell, item, value)
    let mut deltas: BTreeMap<(&Cell, &str, String), i64> = BTreeMap::new();
    for cell in &cells {
        for (item, value) in answers {
            for v in countable_values(inst, item, value) {
                *deltas.entry((cell, item.as_str(), v)).or_default() += sign;
            }
        }
    }
    let rows: Vec<(&Cell, &str, &str, i64)> = deltas
        .iter()
        .filter(|(_, n)| **n != 0)
        .map(|((c, item, v), n)| (*c, *item, v.as_str(), *n))
        .collect();
    add_answers(tx, PENDING_ANSWERS, &rows).await?;
    add_pending_respondents(tx, &cells, &school_key, sign).await?;
    // the school releases here; the groups above it together, by `results::above`, after the
    // caller's commit (it works out the joint pieces: too long to hold the write lock for)
    let school = super::model::Scope::School(String::new());
    for cell in cells
        .iter()
        .filter(|c| c.month != TOTAL && c.level == school.level())
    {
        release_if_due(
            tx,
            &cell.instrument_id,
            &cell.level,
            &cell.group_key,
            k,
            now,
        )
        .await?;
    }
    Ok(())
}

/// One group's rows of an aggregate table (bound: level, group key, instrument).
const GROUP: &str = "level = $1 AND group_key = $2 AND instrument_id = $3";

/// Releases a school's pending changes if the release rule allows it now.
async fn release_if_due(
    tx: &mut Tx,
    instrument: &str,
    level: &str,
    key: &str,
    k: i64,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let changes = pending_changes(&mut **tx, instrument, level, key).await?;
    if changes.iter().map(|c| c.changes).sum::<i64>() < super::suppression::threshold(k) {
        return Ok(false);
    }
    let released: Vec<GroupCellRow> = sqlx::query_as(&format!(
        "SELECT role, innovation, instrument_version, month, language, round_id, n FROM respondent_counts
         WHERE {GROUP} AND month <> '*' AND n > 0"
    ))
    .bind(level)
    .bind(key)
    .bind(instrument)
    .fetch_all(&mut **tx)
    .await?;
    let released: Vec<CellCount> = released
        .into_iter()
        .map(GroupCellRow::count)
        .collect::<Result<_, _>>()?;
    if !super::release::may_release(&released, &changes, false, k) {
        return Ok(false);
    }
    publish(tx, instrument, level, key, now).await?;
    Ok(true)
}

/// A group's pending changes of `instrument`, by school and cell, in a fixed order.
async fn pending_changes<'e, E>(
    db: E,
    instrument: &str,
    level: &str,
    key: &str,
) -> Result<Vec<Change>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let rows: Vec<GroupCellRow> = sqlx::query_as(&format!(
        "SELECT role, innovation, instrument_version, month, language, round_id, school_key, n, changes
         FROM pending_respondent_counts WHERE {GROUP} AND month <> '*'
         ORDER BY role, innovation, instrument_version, month, language, round_id, school_key"
    ))
    .bind(level)
    .bind(key)
    .bind(instrument)
    .fetch_all(db)
    .await?;
    rows.into_iter().map(GroupCellRow::change).collect()
}

/// Everyone's pending changes of `instrument`: what the groups above school level would release
/// together (each of their changes is in everyone's).
pub async fn pending_above<'e, E>(db: E, instrument: &str) -> Result<Vec<Change>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let all = super::model::Scope::All;
    pending_changes(db, instrument, all.level(), all.key()).await
}

/// The instruments with changes waiting above school level.
pub async fn pending_above_instruments(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    let all = super::model::Scope::All;
    sqlx::query_scalar(
        "SELECT DISTINCT instrument_id FROM pending_respondent_counts
         WHERE level = $1 AND group_key = $2 ORDER BY instrument_id",
    )
    .bind(all.level())
    .bind(all.key())
    .fetch_all(&db.pool)
    .await
}

/// Releases the pending changes of every group above school level of `instrument` together, at
/// `now`, if they are still `expected` (what the release rule was checked on). Every finish and
/// every deletion changes everyone's pending changes, so equal ones mean that no group's changed.
/// False, and nothing written, when they did: the caller checks again.
pub async fn publish_above(
    db: &Db,
    instrument: &str,
    expected: &[Change],
    now: &str,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    if db.backend == crate::server::db::Backend::Postgres {
        // SQLite's writers take turns (`begin_write`); PostgreSQL's finishes would add to the
        // pending changes between the check below and their deletion: they wait for this one
        sqlx::query(
            "LOCK TABLE pending_respondent_counts, pending_answer_counts IN SHARE ROW EXCLUSIVE MODE",
        )
        .execute(&mut *tx)
        .await?;
    }
    if pending_above(&mut *tx, instrument).await? != expected {
        return Ok(false);
    }
    let school = super::model::Scope::School(String::new());
    let groups: Vec<(String, String)> = sqlx::query_as(
        "SELECT DISTINCT level, group_key FROM pending_respondent_counts
         WHERE instrument_id = $1 AND level <> $2 ORDER BY level, group_key",
    )
    .bind(instrument)
    .bind(school.level())
    .fetch_all(&mut *tx)
    .await?;
    for (level, key) in &groups {
        publish(&mut tx, instrument, level, key, now).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Adds a group's pending changes to its released counts and records the release.
async fn publish(
    tx: &mut Tx,
    instrument: &str,
    level: &str,
    key: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    let statements = [
        format!(
            "INSERT INTO answer_counts ({CELL_COLUMNS}, item_id, value, n)
             SELECT {CELL_COLUMNS}, item_id, value, n FROM pending_answer_counts WHERE {GROUP}
             ON CONFLICT ({CELL_COLUMNS}, item_id, value) DO UPDATE SET n = answer_counts.n + excluded.n"
        ),
        // only a key with a pending count at or below 0 can reach 0 or below: look up those
        // (few) keys rather than scan the group's (at everyone's level, hundreds of thousands)
        format!(
            "DELETE FROM answer_counts WHERE n <= 0 AND ({CELL_COLUMNS}, item_id, value) IN
             (SELECT {CELL_COLUMNS}, item_id, value FROM pending_answer_counts WHERE {GROUP} AND n <= 0)"
        ),
        format!(
            "INSERT INTO respondent_counts ({CELL_COLUMNS}, n)
             SELECT {CELL_COLUMNS}, SUM(n) FROM pending_respondent_counts WHERE {GROUP}
             GROUP BY {CELL_COLUMNS}
             ON CONFLICT ({CELL_COLUMNS}) DO UPDATE SET n = respondent_counts.n + excluded.n"
        ),
        format!(
            "DELETE FROM respondent_counts WHERE n <= 0 AND ({CELL_COLUMNS}) IN
             (SELECT {CELL_COLUMNS} FROM pending_respondent_counts WHERE {GROUP} AND n <= 0)"
        ),
        format!("DELETE FROM pending_answer_counts WHERE {GROUP}"),
        format!("DELETE FROM pending_respondent_counts WHERE {GROUP}"),
    ];
    for sql in &statements {
        sqlx::query(sql)
            .bind(level)
            .bind(key)
            .bind(instrument)
            .execute(&mut **tx)
            .await?;
    }
    record_release(tx, instrument, level, key, now).await
}

async fn record_release(
    tx: &mut Tx,
    instrument: &str,
    level: &str,
    key: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO group_releases (level, group_key, instrument_id, released_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (level, group_key, instrument_id) DO UPDATE SET released_at = excluded.released_at",
    )
    .bind(level)
    .bind(key)
    .bind(instrument)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Binds a cell's nine key columns, in table order, as the next parameters of a query
/// (`Query` or `QueryAs`: a macro, as the two share no trait with `bind`).
macro_rules! bind_cell {
    ($q:expr, $c:expr) => {
        $q.bind(&$c.level)
            .bind(&$c.group_key)
            .bind(&$c.instrument_id)
            .bind($c.instrument_version)
            .bind(&$c.role)
            .bind(&$c.innovation)
            .bind(&$c.month)
            .bind(&$c.language)
            .bind(&$c.round)
    };
}

const CELL_KEY: &str = "level = $1 AND group_key = $2 AND instrument_id = $3 AND instrument_version = $4 AND role = $5 AND innovation = $6 AND month = $7 AND language = $8 AND round_id = $9";

/// The released answer counts, and what waits for the next release.
const RELEASED_ANSWERS: &str = "answer_counts";
const PENDING_ANSWERS: &str = "pending_answer_counts";

/// Rows a multi-row statement carries at most (12 parameters each: well inside both backends'
/// limits on bound parameters).
const ROWS_PER_STATEMENT: usize = 500;

/// Adds each row's `n` to its answer count of `table` (each (cell, item, value) once), many rows
/// a statement, which returns the counts that reached nothing: a released count at 0 or below, a
/// pending one at exactly 0 (it may go below 0: a released respondent who left). Those, usually
/// none, are then removed by their keys.
async fn add_answers(
    tx: &mut Tx,
    table: &str,
    rows: &[(&Cell, &str, &str, i64)],
) -> Result<(), sqlx::Error> {
    let mut gone: Vec<CountRow> = Vec::new();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO {table} ({CELL_COLUMNS}, item_id, value, n) VALUES {}
             ON CONFLICT ({CELL_COLUMNS}, item_id, value)
             DO UPDATE SET n = {table}.n + excluded.n
             RETURNING {CELL_COLUMNS}, item_id, value, n",
            value_rows(1, chunk.len(), 12)
        );
        let mut q = sqlx::query_as::<_, CountRow>(&sql);
        for (c, item, value, n) in chunk {
            q = bind_cell!(q, c).bind(*item).bind(*value).bind(*n);
        }
        let changed = q.fetch_all(&mut **tx).await?;
        gone.extend(
            changed
                .into_iter()
                .filter(|r| r.n == 0 || (r.n < 0 && table == RELEASED_ANSWERS)),
        );
    }
    for r in &gone {
        let sql = format!(
            "DELETE FROM {table} WHERE {CELL_KEY} AND item_id = $10 AND value = $11 AND n = $12"
        );
        let cell = r.cell();
        bind_cell!(sqlx::query(&sql), cell)
            .bind(&r.item_id)
            .bind(&r.value)
            .bind(r.n)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Counts one respondent who finished (`by` = 1) or left (-1) in the pending changes of each of
/// `cells` (distinct), in one statement.
async fn add_pending_respondents(
    tx: &mut Tx,
    cells: &[Cell],
    school_key: &str,
    by: i64,
) -> Result<(), sqlx::Error> {
    if cells.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO pending_respondent_counts ({CELL_COLUMNS}, school_key, n, changes) VALUES {}
         ON CONFLICT ({CELL_COLUMNS}, school_key)
         DO UPDATE SET n = pending_respondent_counts.n + excluded.n,
             changes = pending_respondent_counts.changes + excluded.changes",
        value_rows(1, cells.len(), 12)
    );
    let mut q = sqlx::query(&sql);
    for c in cells {
        q = bind_cell!(q, c).bind(school_key).bind(by).bind(1i64);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

async fn bump_respondents(tx: &mut Tx, c: &Cell, by: i64) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO respondent_counts ({CELL_COLUMNS}, n) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT ({CELL_COLUMNS}) DO UPDATE SET n = respondent_counts.n + excluded.n"
    );
    let q = sqlx::query(&sql);
    bind_cell!(q, c).bind(by).execute(&mut **tx).await?;
    if by < 0 {
        let sql = format!("DELETE FROM respondent_counts WHERE {CELL_KEY} AND n <= 0");
        bind_cell!(sqlx::query(&sql), c).execute(&mut **tx).await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct CountRow {
    level: String,
    group_key: String,
    instrument_id: String,
    instrument_version: i64,
    role: String,
    innovation: String,
    month: String,
    language: String,
    round_id: String,
    #[sqlx(default)]
    item_id: String,
    #[sqlx(default)]
    value: String,
    n: i64,
}

impl CountRow {
    fn cell(&self) -> Cell {
        Cell {
            level: self.level.clone(),
            group_key: self.group_key.clone(),
            instrument_id: self.instrument_id.clone(),
            instrument_version: self.instrument_version,
            role: self.role.clone(),
            innovation: self.innovation.clone(),
            month: self.month.clone(),
            language: self.language.clone(),
            round: self.round_id.clone(),
        }
    }
}

/// A cell of one group as the release rule reads it: released (without `school_key` and
/// `changes`) or pending.
#[derive(sqlx::FromRow)]
struct GroupCellRow {
    role: String,
    innovation: String,
    instrument_version: i64,
    month: String,
    language: String,
    round_id: String,
    #[sqlx(default)]
    school_key: String,
    n: i64,
    #[sqlx(default)]
    changes: i64,
}

impl GroupCellRow {
    /// A pending cell as the release rule reads it.
    fn change(self) -> Result<Change, sqlx::Error> {
        let (changes, school) = (self.changes, self.school_key.clone());
        Ok(Change {
            cell: self.count()?,
            changes,
            school: Some(school).filter(|s| !s.is_empty()),
        })
    }

    /// The cell's respondents, its role and language parsed (another value is a damaged table).
    fn count(self) -> Result<CellCount, sqlx::Error> {
        Ok(CellCount {
            role: super::db::stored_role(&self.role)?,
            innovation: self.innovation,
            version: self.instrument_version,
            month: self.month,
            language: super::db::stored_language(&self.language)?,
            round: self.round_id,
            n: self.n,
        })
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
    language: String,
    finished_at: String,
    round_id: Option<String>,
}

const CELL_COLUMNS: &str = "level, group_key, instrument_id, instrument_version, role, innovation, month, language, round_id";

/// The aggregates as they are: what each group released plus what waits for its next release
/// (so equal to [`from_answers`] at every moment).
pub async fn stored(db: &Db) -> Result<Counts, sqlx::Error> {
    let mut counts = Counts::default();
    for table in [RELEASED_ANSWERS, PENDING_ANSWERS] {
        let rows: Vec<CountRow> = sqlx::query_as(&format!(
            "SELECT {CELL_COLUMNS}, item_id, value, n FROM {table}"
        ))
        .fetch_all(&db.pool)
        .await?;
        for r in rows {
            *counts
                .answers
                .entry((r.cell(), r.item_id.clone(), r.value.clone()))
                .or_default() += r.n;
        }
    }
    for table in ["respondent_counts", "pending_respondent_counts"] {
        let rows: Vec<CountRow> = sqlx::query_as(&format!("SELECT {CELL_COLUMNS}, n FROM {table}"))
            .fetch_all(&db.pool)
            .await?;
        for r in rows {
            *counts.respondents.entry(r.cell()).or_default() += r.n;
        }
    }
    counts.answers.retain(|_, n| *n != 0);
    counts.respondents.retain(|_, n| *n != 0);
    Ok(counts)
}

/// The aggregates computed from scratch from the finished reflections and their answers.
pub async fn from_answers(
    db: &Db,
    instruments: &crate::instrument::store::Registry,
) -> Result<Counts, sqlx::Error> {
    let mut counts = Counts::default();
    let schools: BTreeMap<String, Membership> = sqlx::query_as::<
        _,
        (String, Option<String>, Option<String>),
    >("SELECT id, network_id, country FROM schools")
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|(id, network_id, country)| {
        (
            id,
            Membership {
                network_id,
                country,
            },
        )
    })
    .collect();
    let rows: Vec<FinishedRow> = sqlx::query_as(
        "SELECT id, instrument_id, instrument_version, school_id, role, innovation, language, finished_at, round_id FROM reflections WHERE status = $1",
    )
    .bind(Status::Finished.as_str())
    .fetch_all(&db.pool)
    .await?;
    let mut by_reflection: BTreeMap<String, Vec<Cell>> = BTreeMap::new();
    for r in rows {
        let m = r
            .school_id
            .as_ref()
            .and_then(|s| schools.get(s))
            .cloned()
            .unwrap_or_default();
        let respondent = Respondent {
            instrument_id: r.instrument_id,
            instrument_version: r.instrument_version,
            school_id: r.school_id,
            role: r.role,
            innovation: r.innovation,
            language: answered_in(&r.language),
            finished_at: r.finished_at,
            round_id: r.round_id,
        };
        let cs = cells(&respondent, &m);
        for c in &cs {
            *counts.respondents.entry(c.clone()).or_default() += 1;
        }
        by_reflection.insert(r.id, cs);
    }
    let answers: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT a.reflection_id, a.item_id, a.value FROM answers a JOIN reflections r ON r.id = a.reflection_id WHERE r.status = $1",
    )
    .bind(Status::Finished.as_str())
    .fetch_all(&db.pool)
    .await?;
    for (id, item, value) in answers {
        let Some(cs) = by_reflection.get(&id) else {
            continue;
        };
        let Some(first) = cs.first() else { continue };
        let Some(inst) = instruments.get(&first.instrument_id, first.instrument_version) else {
            continue;
        };
        for v in countable_values(&inst, &item, &value) {
            for c in cs {
                *counts
                    .answers
                    .entry((c.clone(), item.clone(), v.clone()))
                    .or_default() += 1;
            }
        }
    }
    Ok(counts)
}

/// Rebuilds the aggregate tables from the answers in one transaction. This releases every group
/// at once (a repair after a fault, run by an operator; nothing waits afterwards).
pub async fn recompute(
    db: &Db,
    instruments: &crate::instrument::store::Registry,
) -> Result<Counts, sqlx::Error> {
    let counts = from_answers(db, instruments).await?;
    let now = crate::server::now();
    let mut tx = db.begin_write().await?;
    for table in [
        "answer_counts",
        "respondent_counts",
        "pending_answer_counts",
        "pending_respondent_counts",
    ] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *tx)
            .await?;
    }
    let rows: Vec<(&Cell, &str, &str, i64)> = counts
        .answers
        .iter()
        .map(|((c, item, value), n)| (c, item.as_str(), value.as_str(), *n))
        .collect();
    add_answers(&mut tx, RELEASED_ANSWERS, &rows).await?;
    let mut groups = std::collections::BTreeSet::new();
    for (c, n) in &counts.respondents {
        bump_respondents(&mut tx, c, *n).await?;
        groups.insert((&c.instrument_id, &c.level, &c.group_key));
    }
    for (instrument, level, key) in groups {
        record_release(&mut tx, instrument, level, key, &now).await?;
    }
    tx.commit().await?;
    Ok(counts)
}
