//! The results' SQL (server only): reads one group's running aggregates, never the answers, so a
//! results query costs the same for 100 or 100,000 respondents.
use crate::server::db::Db;

use super::model::Scope;

/// Which respondents within the scope (see `privacy::ViewFilter`).
pub type Filter = super::privacy::ViewFilter;

/// The WHERE clause and its text arguments (placeholders numbered from 2; $1 is the instrument).
/// `key` None = every group of the level; `t` = the table alias prefix ("" or "c.").
fn where_clause(
    level: &str,
    key: Option<&str>,
    f: &Filter,
    t: &str,
) -> (String, Vec<String>, Option<i64>) {
    let mut sql = format!("{t}instrument_id = $1");
    let mut args: Vec<String> = Vec::new();
    let mut push = |sql: &mut String, fragment: &str, v: &str| {
        args.push(v.to_string());
        sql.push_str(
            &fragment
                .replace('?', &format!("${}", args.len() + 1))
                .replace('@', t),
        );
    };
    push(&mut sql, " AND @level = ?", level);
    if let Some(key) = key {
        push(&mut sql, " AND @group_key = ?", key);
    }
    if f.roles.is_none() && f.innovation.is_none() && f.from.is_none() && f.to.is_none() {
        // no filter: the group's total rows alone
        let total = super::aggregates::TOTAL;
        push(&mut sql, " AND @role = ?", total);
        push(&mut sql, " AND @innovation = ?", total);
        push(&mut sql, " AND @month = ?", total);
    } else {
        sql.push_str(&format!(" AND {t}month <> '*'"));
    }
    if let Some(roles) = &f.roles {
        if roles.is_empty() {
            sql.push_str(" AND 1 = 0");
        }
        for (i, r) in roles.iter().enumerate() {
            let op = match (i, roles.len()) {
                (0, 1) => " AND @role = ?",
                (0, _) => " AND @role IN (?",
                (i, n) if i + 1 == n => ", ?)",
                _ => ", ?",
            };
            push(&mut sql, op, r);
        }
    }
    if let Some(i) = &f.innovation {
        push(&mut sql, " AND @innovation = ?", i);
    }
    if let Some(d) = &f.from {
        push(&mut sql, " AND @month >= ?", d);
    }
    if let Some(d) = &f.to {
        push(&mut sql, " AND @month <= ?", d);
    }
    let version = f.version;
    if version.is_some() {
        sql.push_str(&format!(" AND {t}instrument_version = ${}", args.len() + 2));
    }
    (sql, args, version)
}

fn clause(scope: &Scope, f: &Filter) -> (String, Vec<String>, Option<i64>) {
    let (level, key) = level_key(scope);
    where_clause(level, Some(key), f, "")
}

/// A group's respondents per filter cell (role × innovation × version × month), the input of the
/// privacy rules. Reads the group's month rows only.
pub async fn cells(
    db: &Db,
    instrument: &str,
    scope: &Scope,
) -> Result<Vec<super::privacy::CellCount>, sqlx::Error> {
    let (level, key) = level_key(scope);
    let rows = sqlx::query_as::<_, (String, String, i64, String, i64)>(
        "SELECT role, innovation, instrument_version, month, n FROM respondent_counts
         WHERE instrument_id = $1 AND level = $2 AND group_key = $3 AND month <> '*' AND n > 0",
    )
    .bind(instrument)
    .bind(level)
    .bind(key)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(role, innovation, version, month, n)| super::privacy::CellCount {
                role,
                innovation,
                version,
                month,
                n,
            },
        )
        .collect())
}

/// A school's id, network, country and respondents.
pub type SchoolCount = (String, Option<String>, Option<String>, i64);

/// Every school's respondents under the filter, with the school's network and country: the
/// input of the rule that a group's total minus its shown schools must not reveal a small rest.
pub async fn per_school(
    db: &Db,
    instrument: &str,
    f: &Filter,
) -> Result<Vec<SchoolCount>, sqlx::Error> {
    let (wh, args, version) = where_clause("school", None, f, "c.");
    let sql = format!(
        "SELECT s.id, s.network_id, s.country, CAST(SUM(c.n) AS BIGINT) FROM respondent_counts c
         JOIN schools s ON s.id = c.group_key WHERE {wh} GROUP BY s.id, s.network_id, s.country"
    );
    let mut q = sqlx::query_as::<_, SchoolCount>(&sql).bind(instrument);
    for a in &args {
        q = q.bind(a);
    }
    if let Some(v) = version {
        q = q.bind(v);
    }
    q.fetch_all(&db.pool).await
}

/// When the group last released its figures (RFC 3339), if it ever did.
pub async fn released_at(
    db: &Db,
    instrument: &str,
    scope: &Scope,
) -> Result<Option<String>, sqlx::Error> {
    let (level, key) = level_key(scope);
    sqlx::query_scalar(
        "SELECT released_at FROM group_releases WHERE instrument_id = $1 AND level = $2 AND group_key = $3",
    )
    .bind(instrument)
    .bind(level)
    .bind(key)
    .fetch_optional(&db.pool)
    .await
}

/// The written answers (item, text) of a group's finished reflections under the filter, of the
/// respondents its last release counts (finished by `released_at`). Reads the answers themselves:
/// written answers are not aggregated.
pub async fn text_answers(
    db: &Db,
    instrument: &str,
    scope: &Scope,
    f: &Filter,
    released_at: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let mut sql = String::from(
        "SELECT a.item_id, a.value FROM answers a JOIN reflections r ON r.id = a.reflection_id
         LEFT JOIN schools s ON s.id = r.school_id
         WHERE r.instrument_id = $1 AND r.status = 'finished'",
    );
    let mut args: Vec<String> = Vec::new();
    let mut push = |sql: &mut String, fragment: &str, v: &str| {
        args.push(v.to_string());
        sql.push_str(&fragment.replace('?', &format!("${}", args.len() + 1)));
    };
    push(&mut sql, " AND r.finished_at <= ?", released_at);
    match scope {
        Scope::All => {}
        Scope::School(id) => push(&mut sql, " AND r.school_id = ?", id),
        Scope::Network(id) => push(&mut sql, " AND s.network_id = ?", id),
        Scope::Country(c) => push(&mut sql, " AND s.country = ?", c),
    }
    if let Some(roles) = &f.roles {
        sql.push_str(" AND r.role IN (''");
        for r in roles {
            push(&mut sql, ", ?", r);
        }
        sql.push(')');
    }
    if let Some(i) = &f.innovation {
        push(&mut sql, " AND r.innovation = ?", i);
    }
    if let Some(m) = &f.from {
        push(&mut sql, " AND SUBSTR(r.finished_at, 1, 7) >= ?", m);
    }
    if let Some(m) = &f.to {
        push(&mut sql, " AND SUBSTR(r.finished_at, 1, 7) <= ?", m);
    }
    if f.version.is_some() {
        sql.push_str(&format!(" AND r.instrument_version = ${}", args.len() + 2));
    }
    let mut q = sqlx::query_as::<_, (String, String)>(&sql).bind(instrument);
    for a in &args {
        q = q.bind(a);
    }
    if let Some(v) = f.version {
        q = q.bind(v);
    }
    q.fetch_all(&db.pool).await
}

fn level_key(scope: &Scope) -> (&'static str, &str) {
    match scope {
        Scope::All => ("all", ""),
        Scope::School(id) => ("school", id.as_str()),
        Scope::Network(id) => ("network", id.as_str()),
        Scope::Country(c) => ("country", c.as_str()),
    }
}

/// Number of finished reflections in the group.
pub async fn respondents(
    db: &Db,
    instrument: &str,
    scope: &Scope,
    f: &Filter,
) -> Result<i64, sqlx::Error> {
    let (wh, args, version) = clause(scope, f);
    let sql =
        format!("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM respondent_counts WHERE {wh}");
    let mut q = sqlx::query_scalar::<_, i64>(&sql).bind(instrument);
    for a in &args {
        q = q.bind(a);
    }
    if let Some(v) = version {
        q = q.bind(v);
    }
    q.fetch_one(&db.pool).await
}

/// (item, value, n) summed over the group.
pub async fn item_counts(
    db: &Db,
    instrument: &str,
    scope: &Scope,
    f: &Filter,
) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    let (wh, args, version) = clause(scope, f);
    let sql = format!(
        "SELECT item_id, value, CAST(SUM(n) AS BIGINT) FROM answer_counts WHERE {wh} GROUP BY item_id, value"
    );
    let mut q = sqlx::query_as::<_, (String, String, i64)>(&sql).bind(instrument);
    for a in &args {
        q = q.bind(a);
    }
    if let Some(v) = version {
        q = q.bind(v);
    }
    q.fetch_all(&db.pool).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let f = Filter {
            roles: Some(vec!["teacher".into()]),
            from: Some("2026-01".into()),
            version: Some(2),
            ..Default::default()
        };
        let (sql, args, v) = clause(&Scope::Country("nl".into()), &f);
        assert_eq!(
            sql,
            "instrument_id = $1 AND level = $2 AND group_key = $3 AND month <> '*' AND role = $4 AND month >= $5 AND instrument_version = $6"
        );
        assert_eq!(args, ["country", "nl", "teacher", "2026-01"]);
        assert_eq!(v, Some(2));
        let (sql, args, _) = clause(&Scope::All, &Filter::default());
        assert_eq!(
            sql,
            "instrument_id = $1 AND level = $2 AND group_key = $3 AND role = $4 AND innovation = $5 AND month = $6"
        );
        assert_eq!(args, ["all", "", "*", "*", "*"]);
        let leaders = Filter {
            roles: Some(vec!["deputy".into(), "headteacher".into()]),
            ..Default::default()
        };
        let (sql, args, _) = where_clause("school", None, &leaders, "c.");
        assert_eq!(
            sql,
            "c.instrument_id = $1 AND c.level = $2 AND c.month <> '*' AND c.role IN ($3, $4)"
        );
        assert_eq!(args, ["school", "deputy", "headteacher"]);
    }
}
