//! The export's SQL: the consenting respondents under a filter, then their answers as a stream.
use crate::server::db::Sql;
use sqlx::AnyPool;

/// What an export selects (checked by `service::check`).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ExportFilter {
    pub instrument: String,
    pub version: Option<i64>,
    /// First and last day (YYYY-MM-DD) of finishing (of starting, for unfinished ones).
    pub from: Option<String>,
    pub to: Option<String>,
    pub country: Option<String>,
    pub network: Option<String>,
    pub school: Option<String>,
    pub role: Option<String>,
    pub innovation: Option<String>,
    /// The language answered in (a `lang::Locale` code).
    pub language: Option<String>,
    /// Also unfinished reflections (finished ones only by default).
    pub unfinished: bool,
    /// Written answers asked for (then only for groups of at least `service::TEXT_MIN_GROUP`).
    pub text: bool,
}

/// One respondent as the export needs them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Respondent {
    pub id: String,
    pub school_id: Option<String>,
    pub network_id: Option<String>,
    pub country: Option<String>,
    pub role: String,
    pub innovation: String,
    pub instrument_version: i64,
    /// The language answered in (a `lang::Locale` code).
    pub language: String,
    /// The day finished (or started, when unfinished): timestamps are cut to the day.
    pub day: String,
}

/// Appends the conditions of `f` over `reflections r LEFT JOIN schools s` to `sql`.
fn filter_into(sql: &mut Sql, f: &ExportFilter) {
    sql.push("r.consent_research = 1");
    sql.bind(" AND r.instrument_id = ?", &f.instrument);
    if let Some(v) = f.version {
        sql.bind(" AND r.instrument_version = ?", v);
    }
    if !f.unfinished {
        sql.bind(
            " AND r.status = ?",
            crate::values::Status::Finished.as_str(),
        );
    }
    let day = "COALESCE(SUBSTR(r.finished_at, 1, 10), r.started_on)";
    let conditions = [
        (format!(" AND {day} >= ?"), &f.from),
        (format!(" AND {day} <= ?"), &f.to),
        (" AND s.country = ?".to_string(), &f.country),
        (" AND s.network_id = ?".to_string(), &f.network),
        (" AND r.school_id = ?".to_string(), &f.school),
        (" AND r.role = ?".to_string(), &f.role),
        (" AND r.innovation = ?".to_string(), &f.innovation),
        (" AND r.language = ?".to_string(), &f.language),
    ];
    for (piece, value) in conditions {
        if let Some(v) = value {
            sql.bind(&piece, v);
        }
    }
}

/// Hands every respondent the filter selects to `each`, one at a time (an export may hold a
/// hundred thousand: they are not all held as rows).
pub async fn each_respondent(
    pool: &AnyPool,
    f: &ExportFilter,
    mut each: impl FnMut(Respondent),
) -> Result<(), sqlx::Error> {
    use futures::TryStreamExt;
    let mut sql = Sql::new(
        "SELECT r.id, r.school_id, s.network_id, s.country, r.role, r.innovation, r.instrument_version,
                r.language, COALESCE(SUBSTR(r.finished_at, 1, 10), r.started_on) AS day
         FROM reflections r LEFT JOIN schools s ON s.id = r.school_id
         WHERE ",
    );
    filter_into(&mut sql, f);
    let q = sql.query_as::<Respondent>();
    let mut rows = q.fetch(pool);
    while let Some(r) = rows.try_next().await? {
        each(r);
    }
    Ok(())
}

/// The answers to `items` (those describing the respondent) of the filter's respondents.
pub async fn identifying_answers(
    pool: &AnyPool,
    f: &ExportFilter,
    items: &[String],
) -> Result<Vec<Answer>, sqlx::Error> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT a.reflection_id, a.item_id, a.value
         FROM answers a JOIN reflections r ON r.id = a.reflection_id
         LEFT JOIN schools s ON s.id = r.school_id
         WHERE ",
    );
    filter_into(&mut sql, f);
    sql.push(" AND ").bind_in("a.item_id", items);
    sql.query_as::<Answer>().fetch_all(pool).await
}

/// One stored answer: (reflection id, item id, value).
pub type Answer = (String, String, String);

/// One respondent's answers: their reflection id and (item id, value) pairs by item id.
pub struct Answered {
    pub reflection: String,
    pub answers: Vec<(String, String)>,
}

/// The answers of the same respondents, one row per respondent (the database gathers each
/// respondent's answers into one JSON object: a thirty-sixth of the rows to carry), as a stream of
/// batches. Constant memory: a bounded channel between the query and the writer; the JSON is
/// read on the query's side, so reading and writing share the work between two tasks.
pub fn answers(
    db: &crate::server::db::Db,
    f: &ExportFilter,
) -> impl futures::Stream<Item = Result<Vec<Answered>, sqlx::Error>> + Send + 'static + use<> {
    use futures::StreamExt;
    let gather = match db.backend {
        crate::server::db::Backend::Sqlite => "json_group_object(a.item_id, a.value)",
        crate::server::db::Backend::Postgres => "CAST(json_object_agg(a.item_id, a.value) AS TEXT)",
    };
    let mut sql = Sql::new(&format!(
        "SELECT r.id, {gather}
         FROM reflections r JOIN answers a ON a.reflection_id = r.id
         LEFT JOIN schools s ON s.id = r.school_id
         WHERE "
    ));
    filter_into(&mut sql, f);
    sql.push(" GROUP BY r.id ORDER BY r.id");
    const BATCH: usize = 64;
    let pool = db.pool.clone();
    // the query borrows its SQL and pool: both move into a task that feeds the channel
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    tokio::spawn(async move {
        let mut rows = sql.query_as::<(String, String)>().fetch(&pool);
        let mut batch = Vec::with_capacity(BATCH);
        while let Some(row) = rows.next().await {
            let answered = row.and_then(|(reflection, json)| {
                serde_json::from_str::<std::collections::BTreeMap<String, String>>(&json)
                    .map(|answers| Answered {
                        reflection,
                        answers: answers.into_iter().collect(),
                    })
                    .map_err(|e| sqlx::Error::Decode(Box::new(e)))
            });
            match answered {
                Ok(a) => {
                    batch.push(a);
                    if batch.len() == BATCH {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                        if tx.send(Ok(full)).await.is_err() {
                            return; // the download was abandoned
                        }
                    }
                }
                Err(e) => {
                    let _ = tx.send(Err(e)).await;
                    return;
                }
            }
        }
        if !batch.is_empty() {
            let _ = tx.send(Ok(batch)).await;
        }
    });
    futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|r| (r, rx)) }).fuse()
}

pub async fn log_start(
    pool: &AnyPool,
    id: &str,
    user_id: &str,
    format: &str,
    filters: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO export_log (id, user_id, created_at, format, filters) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(user_id)
    .bind(now)
    .bind(format)
    .bind(filters)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn log_rows(pool: &AnyPool, id: &str, rows: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE export_log SET row_count = $1 WHERE id = $2")
        .bind(rows)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Forgets the export log's entries from before `before` (RFC 3339): how many.
pub async fn forget_log_before(pool: &AnyPool, before: &str) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM export_log WHERE created_at < $1")
        .bind(before)
        .execute(pool)
        .await?
        .rows_affected())
}

/// The export log, newest first (at most `limit` entries): when, who (the account's address),
/// the format, the filters as logged and the rows written.
pub async fn log(
    pool: &AnyPool,
    limit: i64,
) -> Result<Vec<(String, Option<String>, String, String, Option<i64>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.created_at, u.email, l.format, l.filters, l.row_count FROM export_log l LEFT JOIN users u ON u.id = l.user_id ORDER BY l.created_at DESC, l.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await
}
