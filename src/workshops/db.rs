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
    pub status: super::model::WorkshopStatus,
    /// Whether the facilitator has revealed the room's results.
    pub revealed: bool,
    /// JSON array of chosen "category/subcategory" ids (none: whole categories).
    pub parts: String,
    /// The presenter view's language (a `lang::Locale` code).
    pub language: String,
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
    i64,
    String,
    String,
);

const COLUMNS: &str = "id, facilitator_id, title, instrument_id, categories, ask_poll, word_prompt, code, status, revealed, parts, language";

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
        // an unknown stored status takes no answers
        status: super::model::WorkshopStatus::parse(&t.8)
            .unwrap_or(super::model::WorkshopStatus::Closed),
        revealed: t.9 != 0,
        parts: t.10,
        language: t.11,
    }
}

impl Row {
    /// The presenter view's language.
    pub fn locale(&self) -> crate::lang::Locale {
        crate::lang::parse(&self.language).unwrap_or_default()
    }
    /// The chosen category ids.
    pub fn category_ids(&self) -> Vec<String> {
        serde_json::from_str(&self.categories).unwrap_or_default()
    }
    /// The chosen "category/subcategory" ids.
    pub fn part_ids(&self) -> Vec<String> {
        serde_json::from_str(&self.parts).unwrap_or_default()
    }
    /// The instrument as the workshop asks it: its categories, and of those the chosen parts.
    pub fn limit(&self, inst: &crate::instrument::Instrument) -> crate::instrument::Instrument {
        super::model::limit(inst, &self.category_ids(), &self.part_ids())
    }
    /// The workshop as a reflection made in it sees it.
    pub fn frame(&self) -> super::model::RoomFrame {
        super::model::RoomFrame {
            id: self.id.clone(),
            code: self.code.clone(),
            title: self.title.clone(),
            instrument_id: self.instrument_id.clone(),
            category_ids: self.category_ids(),
            part_ids: self.part_ids(),
            ask_poll: self.ask_poll,
            word_prompt: self.word_prompt.clone(),
            open: self.status == super::model::WorkshopStatus::Open,
        }
    }
}

/// Inserts a workshop unless its code is taken (then false, nothing stored).
pub async fn insert(pool: &AnyPool, r: &Row, now: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(&format!(
        "INSERT INTO workshops ({COLUMNS}, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (code) DO NOTHING"
    ))
    .bind(&r.id)
    .bind(&r.facilitator_id)
    .bind(&r.title)
    .bind(&r.instrument_id)
    .bind(&r.categories)
    .bind(i64::from(r.ask_poll))
    .bind(&r.word_prompt)
    .bind(&r.code)
    .bind(r.status.as_str())
    .bind(i64::from(r.revealed))
    .bind(&r.parts)
    .bind(&r.language)
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

pub async fn set_status(
    pool: &AnyPool,
    id: &str,
    status: super::model::WorkshopStatus,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE workshops SET status = $1 WHERE id = $2")
        .bind(status.as_str())
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn set_revealed(pool: &AnyPool, id: &str, revealed: bool) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE workshops SET revealed = $1 WHERE id = $2")
        .bind(i64::from(revealed))
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Hides (or shows again) a normalised word in a workshop's word cloud.
pub async fn set_word_hidden(
    pool: &AnyPool,
    workshop_id: &str,
    word: &str,
    hidden: bool,
) -> Result<(), sqlx::Error> {
    let sql = if hidden {
        "INSERT INTO workshop_hidden_words (workshop_id, word) VALUES ($1, $2) ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM workshop_hidden_words WHERE workshop_id = $1 AND word = $2"
    };
    sqlx::query(sql)
        .bind(workshop_id)
        .bind(word)
        .execute(pool)
        .await?;
    Ok(())
}

/// Everything the room's live results are made of, read in one go.
#[derive(Debug, Default)]
pub struct RoomRows {
    /// (status) of every reflection started in the workshop.
    pub statuses: Vec<crate::values::Status>,
    /// (reflection id, item id, score) of every scored answer given in the workshop.
    pub scores: Vec<(String, String, i64)>,
    /// (poll category, word) of every participant who answered the room's questions.
    pub room_answers: Vec<(Option<String>, Option<String>)>,
    pub hidden_words: Vec<String>,
    /// The room's last release per category: (category id, figures as JSON).
    pub releases: Vec<(String, String)>,
}

/// Stores a category's new release in place of `last`, the figures it was worked out from (none:
/// the category's first). False, and nothing stored, when the stored release is no longer `last`:
/// another computation of the room (a page, another server, a room task) released meanwhile, and
/// this one must read the room again. Otherwise two releases worked out from the same last one
/// could both show, fewer than k participants apart.
pub async fn store_release(
    pool: &AnyPool,
    workshop_id: &str,
    category_id: &str,
    last: Option<&str>,
    figures: &str,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let done = match last {
        None => {
            sqlx::query(
                "INSERT INTO workshop_releases (workshop_id, category_id, figures, released_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (workshop_id, category_id) DO NOTHING",
            )
            .bind(workshop_id)
            .bind(category_id)
            .bind(figures)
            .bind(now)
            .execute(pool)
            .await?
        }
        Some(last) => {
            sqlx::query(
                "UPDATE workshop_releases SET figures = $1, released_at = $2
                 WHERE workshop_id = $3 AND category_id = $4 AND figures = $5",
            )
            .bind(figures)
            .bind(now)
            .bind(workshop_id)
            .bind(category_id)
            .bind(last)
            .execute(pool)
            .await?
        }
    };
    Ok(done.rows_affected() == 1)
}

/// Reads the whole room in one query of a few rows, not one per answer: every participant's
/// scores come in one `reflection:item=score,…;…` text, statuses, votes and words as counts,
/// then the hidden words and the last releases. A room is recomputed up to ten times a second,
/// and on SQLite every row is a hop between threads, so the rows are what it costs. Reflection
/// and item ids never hold `:`, `;`, `,` or `=`.
pub async fn room_rows(pool: &AnyPool, workshop_id: &str) -> Result<RoomRows, sqlx::Error> {
    let parts: Vec<Part> = sqlx::query_as(
        "SELECT 's', status, CAST(NULL AS TEXT), COUNT(*) FROM reflections
           WHERE workshop_id = $1 GROUP BY status
         UNION ALL
         SELECT 'p', CAST(NULL AS TEXT), string_agg(person, ';'), COUNT(*) FROM (
           SELECT a.reflection_id || ':' || string_agg(a.item_id || '=' || CAST(a.score AS TEXT), ',') AS person
           FROM answers a JOIN reflections r ON r.id = a.reflection_id
           WHERE r.workshop_id = $2 AND a.score IS NOT NULL GROUP BY a.reflection_id
         ) AS people
         UNION ALL
         SELECT 'v', poll_category, CAST(NULL AS TEXT), COUNT(*) FROM workshop_answers
           WHERE workshop_id = $3 AND poll_category IS NOT NULL GROUP BY poll_category
         UNION ALL
         SELECT 'w', word, CAST(NULL AS TEXT), COUNT(*) FROM workshop_answers
           WHERE workshop_id = $4 AND word IS NOT NULL GROUP BY word
         UNION ALL
         SELECT 'h', word, CAST(NULL AS TEXT), 1 FROM workshop_hidden_words WHERE workshop_id = $5
         UNION ALL
         SELECT 'r', category_id, figures, 1 FROM workshop_releases WHERE workshop_id = $6",
    )
    .bind(workshop_id)
    .bind(workshop_id)
    .bind(workshop_id)
    .bind(workshop_id)
    .bind(workshop_id)
    .bind(workshop_id)
    .fetch_all(pool)
    .await?;
    Ok(room_rows_of(parts))
}

/// One row of [`room_rows`]: (kind, a, b, count).
type Part = (String, Option<String>, Option<String>, i64);

/// The room's rows from the parts [`room_rows`] reads.
fn room_rows_of(parts: Vec<Part>) -> RoomRows {
    let mut rows = RoomRows::default();
    let times = |n: i64| 0..usize::try_from(n).unwrap_or(0);
    for (kind, a, b, n) in parts {
        match (kind.as_str(), a) {
            ("s", Some(status)) => {
                let status = crate::values::Status::parse(&status);
                rows.statuses.extend(times(n).map(|_| status));
            }
            ("p", _) => {
                for (reflection, scores) in b
                    .as_deref()
                    .unwrap_or_default()
                    .split(';')
                    .filter_map(|person| person.split_once(':'))
                {
                    for (item, score) in scores.split(',').filter_map(|p| p.rsplit_once('=')) {
                        if let Ok(score) = score.parse() {
                            rows.scores
                                .push((reflection.to_string(), item.to_string(), score));
                        }
                    }
                }
            }
            ("v", Some(poll)) => rows
                .room_answers
                .extend(times(n).map(|_| (Some(poll.clone()), None))),
            ("w", Some(word)) => rows
                .room_answers
                .extend(times(n).map(|_| (None, Some(word.clone())))),
            ("h", Some(word)) => rows.hidden_words.push(word),
            ("r", Some(category)) => rows.releases.extend(b.map(|figures| (category, figures))),
            _ => {}
        }
    }
    rows
}

/// The PostgreSQL channel of room changes; the payload is the workshop id.
pub const ROOM_CHANNEL: &str = "reflect_room";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Status;

    fn part(kind: &str, a: Option<&str>, b: Option<&str>, n: i64) -> Part {
        (kind.into(), a.map(Into::into), b.map(Into::into), n)
    }

    /// Two computations of a room that both worked from the same last release (a page and the
    /// room's task, or two servers) must not both store theirs: the second would show beside the
    /// first, fewer than k participants apart.
    #[tokio::test]
    async fn a_release_replaces_only_the_one_it_was_worked_out_from() {
        let dir = std::env::temp_dir().join(format!("reflect-releases-{}", uuid::Uuid::new_v4()));
        let db = crate::server::db::Db::connect(&format!("sqlite://{}/t.db", dir.display()))
            .await
            .expect("a database");
        let pool = &db.pool;
        for (sql, value) in [
            (
                "INSERT INTO users (id, email, password_hash, role, created_at)
                 VALUES ('u', 'u@example.org', '-', $1, 't')",
                crate::accounts::model::Role::Facilitator.as_str(),
            ),
            (
                "INSERT INTO workshops (id, facilitator_id, title, instrument_id, categories,
                 ask_poll, code, status, created_at)
                 VALUES ('w', 'u', 'W', 'i', '[]', 0, '12345678', $1, 't')",
                crate::workshops::model::WorkshopStatus::Open.as_str(),
            ),
        ] {
            sqlx::query(sql)
                .bind(value)
                .execute(pool)
                .await
                .expect("set up");
        }
        let store = |last: Option<&'static str>, figures: &'static str| async move {
            store_release(pool, "w", "c", last, figures, "t")
                .await
                .expect("stored or refused")
        };
        assert!(store(None, "A").await, "the first release");
        assert!(!store(None, "B").await, "a second first release");
        assert!(
            store(Some("A"), "C").await,
            "the next release, over the last"
        );
        assert!(
            !store(Some("A"), "D").await,
            "a release over one no longer the last"
        );
        let releases = room_rows(pool, "w").await.expect("the room").releases;
        assert_eq!(releases, [("c".to_string(), "C".to_string())]);
        db.pool.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_room_is_unfolded_from_its_counted_parts() {
        let rows = room_rows_of(vec![
            part("s", Some(Status::InProgress.as_str()), None, 2),
            part("s", Some(Status::Finished.as_str()), None, 1),
            part("p", None, Some("r1:org_1=4,org_2=5;r2:org_1=1"), 2),
            part("v", Some("people"), None, 2),
            part("w", Some("trust"), None, 1),
            part("h", Some("rude"), None, 1),
            part("r", Some("organising"), Some("{}"), 1),
        ]);
        assert_eq!(
            rows.statuses,
            [Status::InProgress, Status::InProgress, Status::Finished]
        );
        let scores: Vec<(&str, &str, i64)> = rows
            .scores
            .iter()
            .map(|(r, i, s)| (r.as_str(), i.as_str(), *s))
            .collect();
        assert_eq!(
            scores,
            [("r1", "org_1", 4), ("r1", "org_2", 5), ("r2", "org_1", 1)]
        );
        let some = |s: &str| Some(s.to_string());
        assert_eq!(
            rows.room_answers,
            [
                (some("people"), None),
                (some("people"), None),
                (None, some("trust")),
            ]
        );
        assert_eq!(rows.hidden_words, ["rude"]);
        assert_eq!(
            rows.releases,
            [("organising".to_string(), "{}".to_string())]
        );
    }

    #[test]
    fn malformed_parts_add_nothing() {
        let rows = room_rows_of(vec![
            part("p", None, Some("r1:org_1=x,=,org_2,;r2;:;r3:"), 3),
            part("p", None, None, 0),
            part("s", None, None, 4),
            part("s", Some(Status::Finished.as_str()), None, -1),
            part("v", None, None, 2),
            part("?", Some("a"), Some("b"), 1),
        ]);
        assert!(rows.scores.is_empty(), "{:?}", rows.scores);
        assert!(rows.statuses.is_empty());
        assert!(rows.room_answers.is_empty() && rows.hidden_words.is_empty());
    }
}
