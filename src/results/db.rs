//! The results' SQL (server only): reads one group's running aggregates, never the answers, so a
//! results query costs the same for 100 or 100,000 respondents.
use crate::server::db::Db;

/// Whose results: everyone, one school, a network's schools or a country's schools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    School(String),
    Network(String),
    Country(String),
}

/// Which respondents within the scope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub instrument_version: Option<i64>,
    pub role: Option<String>,
    pub innovation: Option<String>,
    /// Months (`YYYY-MM`), inclusive: the aggregates count by month finished.
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The WHERE clause and its text arguments (placeholders numbered from 2; $1 is the instrument).
fn clause(scope: &Scope, f: &Filter) -> (String, Vec<String>, Option<i64>) {
    let mut sql = String::from("instrument_id = $1");
    let mut args: Vec<String> = Vec::new();
    let mut push = |sql: &mut String, fragment: &str, v: &str| {
        args.push(v.to_string());
        sql.push_str(&fragment.replace('?', &format!("${}", args.len() + 1)));
    };
    let (level, key) = match scope {
        Scope::All => ("all", ""),
        Scope::School(id) => ("school", id.as_str()),
        Scope::Network(id) => ("network", id.as_str()),
        Scope::Country(c) => ("country", c.as_str()),
    };
    push(&mut sql, " AND level = ?", level);
    push(&mut sql, " AND group_key = ?", key);
    if f.role.is_none() && f.innovation.is_none() && f.from.is_none() && f.to.is_none() {
        // no filter: the group's total rows alone
        let total = super::aggregates::TOTAL;
        push(&mut sql, " AND role = ?", total);
        push(&mut sql, " AND innovation = ?", total);
        push(&mut sql, " AND month = ?", total);
    } else {
        sql.push_str(" AND month <> '*'");
    }
    if let Some(r) = &f.role {
        push(&mut sql, " AND role = ?", r);
    }
    if let Some(i) = &f.innovation {
        push(&mut sql, " AND innovation = ?", i);
    }
    if let Some(d) = &f.from {
        push(&mut sql, " AND month >= ?", d);
    }
    if let Some(d) = &f.to {
        push(&mut sql, " AND month <= ?", d);
    }
    let version = f.instrument_version;
    if version.is_some() {
        sql.push_str(&format!(" AND instrument_version = ${}", args.len() + 2));
    }
    (sql, args, version)
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
            role: Some("teacher".into()),
            from: Some("2026-01".into()),
            instrument_version: Some(2),
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
    }
}
