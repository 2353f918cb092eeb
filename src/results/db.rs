//! The results' SQL (server only): reads one group's running aggregates, never the answers, so a
//! results query costs the same for 100 or 100,000 respondents.
use crate::server::db::{Db, Sql};
use crate::values::Status;

use super::model::Scope;

/// Which respondents within the scope (see `privacy::ViewFilter`).
pub type Filter = super::privacy::ViewFilter;

/// Appends the conditions for the rows of group `level`/`key` (every group of the level for
/// `key` None) of `instrument` under `f` to `sql`; `t` = the table alias prefix ("" or "c.").
fn where_into(
    sql: &mut Sql,
    instrument: &str,
    level: &str,
    key: Option<&str>,
    f: &Filter,
    t: &str,
) {
    sql.bind(&format!("{t}instrument_id = ?"), instrument);
    sql.bind(&format!(" AND {t}level = ?"), level);
    if let Some(key) = key {
        sql.bind(&format!(" AND {t}group_key = ?"), key);
    }
    let total = super::aggregates::TOTAL;
    if f.innovation.is_none()
        && f.language.is_none()
        && f.round.is_none()
        && f.from.is_none()
        && f.to.is_none()
    {
        // no filter but roles: the group's total rows (by role when roles are asked for) alone.
        // `month = '*'` is written out, not bound, so that both backends use the partial index
        // of the total rows (migration 0018), which holds nothing else.
        sql.push(&format!(" AND {t}month = '{total}'"));
        match &f.roles {
            Some(roles) => {
                sql.push(" AND ").bind_in(&format!("{t}role"), roles);
            }
            None => {
                sql.bind(&format!(" AND {t}role = ?"), total);
            }
        }
        for column in ["innovation", "language", "round_id"] {
            sql.bind(&format!(" AND {t}{column} = ?"), total);
        }
    } else {
        sql.push(&format!(" AND {t}month <> '{total}'"));
        if let Some(roles) = &f.roles {
            sql.push(" AND ").bind_in(&format!("{t}role"), roles);
        }
    }
    if let Some(i) = &f.innovation {
        sql.bind(&format!(" AND {t}innovation = ?"), i);
    }
    if let Some(l) = f.language {
        sql.bind(&format!(" AND {t}language = ?"), crate::lang::code(l));
    }
    if let Some(r) = &f.round {
        sql.bind(&format!(" AND {t}round_id = ?"), r);
    }
    if let Some(d) = &f.from {
        sql.bind(&format!(" AND {t}month >= ?"), d);
    }
    if let Some(d) = &f.to {
        sql.bind(&format!(" AND {t}month <= ?"), d);
    }
    if let Some(v) = f.version {
        sql.bind(&format!(" AND {t}instrument_version = ?"), v);
    }
}

/// `select` followed by the conditions for one group under `f`.
fn group_query(select: &str, instrument: &str, scope: &Scope, f: &Filter) -> Sql {
    let mut sql = Sql::new(select);
    where_into(
        &mut sql,
        instrument,
        scope.level(),
        Some(scope.key()),
        f,
        "",
    );
    sql
}

/// A group's respondents per filter cell (role × innovation × version × month × language), the
/// input of the privacy rules. Reads the group's month rows only.
pub async fn cells(
    db: &Db,
    instrument: &str,
    scope: &Scope,
) -> Result<Vec<super::privacy::CellCount>, sqlx::Error> {
    let (level, key) = (scope.level(), scope.key());
    let rows = sqlx::query_as::<_, (String, String, i64, String, String, String, i64)>(
        "SELECT role, innovation, instrument_version, month, language, round_id, n FROM respondent_counts
         WHERE instrument_id = $1 AND level = $2 AND group_key = $3 AND month <> '*' AND n > 0",
    )
    .bind(instrument)
    .bind(level)
    .bind(key)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|(role, innovation, version, month, language, round, n)| {
            Ok(super::privacy::CellCount {
                role: stored_role(&role)?,
                innovation,
                version,
                month,
                language: stored_language(&language)?,
                round,
                n,
            })
        })
        .collect()
}

/// A language as the aggregates store it (a `lang::Locale` code, written from one). Another
/// value is a damaged table: an error, never a guess.
pub fn stored_language(raw: &str) -> Result<crate::lang::Locale, sqlx::Error> {
    crate::lang::all()
        .iter()
        .copied()
        .find(|l| crate::lang::code(*l) == raw)
        .ok_or_else(|| {
            sqlx::Error::Decode(
                format!(
                    "unknown language {:?} in the aggregates",
                    raw.chars().take(40).collect::<String>()
                )
                .into(),
            )
        })
}

/// A role as the aggregates store it. Every stored role was parsed when its reflection started,
/// so another value is a damaged table: an error, never a guess.
pub fn stored_role(raw: &str) -> Result<crate::values::RespondentRole, sqlx::Error> {
    crate::values::RespondentRole::parse(raw).ok_or_else(|| {
        sqlx::Error::Decode(
            format!(
                "unknown role {:?} in the aggregates",
                raw.chars().take(40).collect::<String>()
            )
            .into(),
        )
    })
}

/// A school's id, network, country and respondents.
pub type SchoolCount = (String, Option<String>, Option<String>, i64);

/// The respondents of every school in `group`'s last release, under the filter, with the school's
/// network and country: the input of the rules that a group's total minus its shown schools must
/// not reveal a small rest, and that schools are units.
///
/// The groups above school level release together (`release.rs`), at other moments than their
/// schools, and a school with fewer than k respondents never releases its own figures. So a
/// school's part of the group is not the school's release: it is what the school holds now (its
/// release plus its pending changes) minus the group's pending changes from that school.
pub async fn per_school(
    db: &Db,
    instrument: &str,
    group: &Scope,
    f: &Filter,
) -> Result<Vec<SchoolCount>, sqlx::Error> {
    let school = Scope::School(String::new());
    let mut sql = Sql::new("SELECT s.id, s.network_id, s.country, CAST(SUM(x.n) AS BIGINT) FROM (");
    for table in ["respondent_counts", "pending_respondent_counts"] {
        sql.push(&format!(
            "SELECT c.group_key AS school, c.n FROM {table} c WHERE "
        ));
        where_into(&mut sql, instrument, school.level(), None, f, "c.");
        sql.push(" UNION ALL ");
    }
    sql.push("SELECT c.school_key, -c.n FROM pending_respondent_counts c WHERE ");
    where_into(
        &mut sql,
        instrument,
        group.level(),
        Some(group.key()),
        f,
        "c.",
    );
    sql.push(
        " AND c.school_key <> '') x JOIN schools s ON s.id = x.school
         GROUP BY s.id, s.network_id, s.country",
    );
    sql.query_as::<SchoolCount>().fetch_all(&db.pool).await
}

/// What the joint pieces above school level are worked out from (`joint::Stamp`): the last
/// release of every group above school level of the instrument and every school's network and
/// country. (A school's own release moves its changes from pending to released, which leaves its
/// part of everyone's release as it was: see [`units`].)
pub async fn joint_stamp(db: &Db, instrument: &str) -> Result<super::joint::Stamp, sqlx::Error> {
    let releases = sqlx::query_as::<_, (String, String, String)>(
        "SELECT level, group_key, released_at FROM group_releases
         WHERE instrument_id = $1 AND level <> $2
         ORDER BY level, group_key",
    )
    .bind(instrument)
    .bind(Scope::School(String::new()).level())
    .fetch_all(&db.pool)
    .await?;
    let schools = sqlx::query_as::<_, (String, Option<String>, Option<String>)>(
        "SELECT id, network_id, country FROM schools ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(super::joint::Stamp { releases, schools })
}

/// The units of the joint pieces (`joint::Unit`): each school's part of everyone's last release
/// (over all its rounds; see [`per_school`] for why that is not the school's own release), with
/// its network and country, and the respondents in no school — everyone's released cells minus
/// the schools' (never below zero).
pub async fn units(db: &Db, instrument: &str) -> Result<Vec<super::joint::Unit>, sqlx::Error> {
    use std::collections::BTreeMap;
    type Row = (
        String,
        Option<String>,
        Option<String>,
        String,
        String,
        i64,
        String,
        String,
        i64,
    );
    const CELL: &str = "role, innovation, instrument_version, month, language";
    let rows = sqlx::query_as::<_, Row>(&format!(
        "SELECT x.school, s.network_id, s.country, x.role, x.innovation, x.instrument_version,
                x.month, x.language, CAST(SUM(x.n) AS BIGINT)
         FROM (
             SELECT group_key AS school, {CELL}, n FROM respondent_counts
             WHERE instrument_id = $1 AND level = $2 AND month <> '*'
             UNION ALL
             SELECT group_key, {CELL}, n FROM pending_respondent_counts
             WHERE instrument_id = $3 AND level = $4 AND month <> '*'
             UNION ALL
             SELECT school_key, {CELL}, -n FROM pending_respondent_counts
             WHERE instrument_id = $5 AND level = $6 AND group_key = $7 AND school_key <> ''
                 AND month <> '*'
         ) x JOIN schools s ON s.id = x.school
         GROUP BY x.school, s.network_id, s.country, x.role, x.innovation,
                  x.instrument_version, x.month, x.language
         HAVING SUM(x.n) > 0
         ORDER BY x.school"
    ))
    .bind(instrument)
    .bind(Scope::School(String::new()).level())
    .bind(instrument)
    .bind(Scope::School(String::new()).level())
    .bind(instrument)
    .bind(Scope::All.level())
    .bind(Scope::All.key())
    .fetch_all(&db.pool)
    .await?;
    type Key = (String, String, i64, String, String);
    let key = |c: &super::privacy::CellCount| {
        (
            c.role.as_str().to_string(),
            c.innovation.clone(),
            c.version,
            c.month.clone(),
            crate::lang::code(c.language).to_string(),
        )
    };
    let mut units: Vec<super::joint::Unit> = Vec::new();
    let mut in_schools: BTreeMap<Key, i64> = BTreeMap::new();
    for (school, network, country, role, innovation, version, month, language, n) in rows {
        let cell = super::privacy::CellCount {
            role: stored_role(&role)?,
            innovation,
            version,
            month,
            language: stored_language(&language)?,
            round: String::new(),
            n,
        };
        *in_schools.entry(key(&cell)).or_default() += n;
        match units.last_mut() {
            Some(u) if u.school.as_deref() == Some(school.as_str()) => u.cells.push(cell),
            _ => units.push(super::joint::Unit {
                school: Some(school),
                network,
                country,
                cells: vec![cell],
            }),
        }
    }
    let alone: Vec<super::privacy::CellCount> = cells(db, instrument, &Scope::All)
        .await?
        .into_iter()
        .filter_map(|mut c| {
            c.n -= in_schools.get(&key(&c)).copied().unwrap_or(0);
            (c.n > 0).then_some(c)
        })
        .collect();
    if !alone.is_empty() {
        units.push(super::joint::Unit {
            school: None,
            network: None,
            country: None,
            cells: alone,
        });
    }
    Ok(units)
}

/// When the group last released its figures (RFC 3339), if it ever did.
pub async fn released_at(
    db: &Db,
    instrument: &str,
    scope: &Scope,
) -> Result<Option<String>, sqlx::Error> {
    let (level, key) = (scope.level(), scope.key());
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
    let mut sql = Sql::new(
        "SELECT a.item_id, a.value FROM answers a JOIN reflections r ON r.id = a.reflection_id
         LEFT JOIN schools s ON s.id = r.school_id
         WHERE ",
    );
    sql.bind("r.status = ?", Status::Finished.as_str());
    sql.bind(" AND r.instrument_id = ?", instrument);
    sql.bind(" AND r.finished_at <= ?", released_at);
    match scope {
        Scope::All => {}
        Scope::School(id) => {
            sql.bind(" AND r.school_id = ?", id);
        }
        Scope::Network(id) => {
            sql.bind(" AND s.network_id = ?", id);
        }
        Scope::Country(c) => {
            sql.bind(" AND s.country = ?", c);
        }
    }
    if let Some(roles) = &f.roles {
        sql.push(" AND ").bind_in("r.role", roles);
    }
    if let Some(i) = &f.innovation {
        sql.bind(" AND r.innovation = ?", i);
    }
    if let Some(l) = f.language {
        sql.bind(" AND r.language = ?", crate::lang::code(l));
    }
    if let Some(round) = &f.round {
        sql.bind(" AND r.round_id = ?", round);
    }
    if let Some(m) = &f.from {
        sql.bind(" AND SUBSTR(r.finished_at, 1, 7) >= ?", m);
    }
    if let Some(m) = &f.to {
        sql.bind(" AND SUBSTR(r.finished_at, 1, 7) <= ?", m);
    }
    if let Some(v) = f.version {
        sql.bind(" AND r.instrument_version = ?", v);
    }
    sql.query_as::<(String, String)>().fetch_all(&db.pool).await
}

/// Number of finished reflections in the group.
pub async fn respondents(
    db: &Db,
    instrument: &str,
    scope: &Scope,
    f: &Filter,
) -> Result<i64, sqlx::Error> {
    group_query(
        "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM respondent_counts WHERE ",
        instrument,
        scope,
        f,
    )
    .query_scalar::<i64>()
    .fetch_one(&db.pool)
    .await
}

/// (item, value, n) summed over the group.
pub async fn item_counts(
    db: &Db,
    instrument: &str,
    scope: &Scope,
    f: &Filter,
) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    let mut sql = group_query(
        "SELECT item_id, value, CAST(SUM(n) AS BIGINT) FROM answer_counts WHERE ",
        instrument,
        scope,
        f,
    );
    sql.push(" GROUP BY item_id, value");
    sql.query_as::<(String, String, i64)>()
        .fetch_all(&db.pool)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::db::Arg;
    use crate::values::RespondentRole as R;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let f = Filter {
            roles: Some(vec![R::Teacher]),
            from: Some("2026-01".into()),
            version: Some(2),
            ..Default::default()
        };
        let sql = group_query("", "i", &Scope::Country("nl".into()), &f);
        assert_eq!(
            sql.text,
            "instrument_id = $1 AND level = $2 AND group_key = $3 AND month <> '*' AND role = $4 AND month >= $5 AND instrument_version = $6"
        );
        let text = |v: &[&str]| v.iter().map(|x| Arg::from(*x)).collect::<Vec<_>>();
        let mut args = text(&["i", "country", "nl", R::Teacher.as_str(), "2026-01"]);
        args.push(Arg::Int(2));
        assert_eq!(sql.args, args);
        let sql = group_query("", "i", &Scope::All, &Filter::default());
        assert_eq!(
            sql.text,
            "instrument_id = $1 AND level = $2 AND group_key = $3 AND month = '*' AND role = $4 AND innovation = $5 AND language = $6 AND round_id = $7"
        );
        assert_eq!(sql.args, text(&["i", "all", "", "*", "*", "*", "*"]));
        // a round alone reads the detailed rows of that round
        let round = Filter {
            round: Some("r1".into()),
            ..Default::default()
        };
        let sql = group_query("", "i", &Scope::School("s".into()), &round);
        assert_eq!(
            sql.text,
            "instrument_id = $1 AND level = $2 AND group_key = $3 AND month <> '*' AND round_id = $4"
        );
        assert_eq!(sql.args, text(&["i", "school", "s", "r1"]));
        // a language alone reads the detailed rows of that language
        let dutch = Filter {
            language: Some(crate::lang::Locale::nl),
            ..Default::default()
        };
        let sql = group_query("", "i", &Scope::All, &dutch);
        assert_eq!(
            sql.text,
            "instrument_id = $1 AND level = $2 AND group_key = $3 AND month <> '*' AND language = $4"
        );
        assert_eq!(sql.args, text(&["i", "all", "", "nl"]));
        let leaders = Filter {
            roles: Some(vec![R::Deputy, R::Headteacher]),
            ..Default::default()
        };
        let mut sql = Sql::default();
        where_into(&mut sql, "i", "school", None, &leaders, "c.");
        assert_eq!(
            sql.text,
            "c.instrument_id = $1 AND c.level = $2 AND c.month = '*' AND c.role IN ($3, $4) AND c.innovation = $5 AND c.language = $6 AND c.round_id = $7"
        );
        assert_eq!(
            sql.args,
            text(&[
                "i",
                "school",
                R::Deputy.as_str(),
                R::Headteacher.as_str(),
                "*",
                "*",
                "*"
            ])
        );
        // roles with another filter read the detailed rows
        let leaders_in_june = Filter {
            from: Some("2026-06".into()),
            ..leaders
        };
        let sql = group_query("", "i", &Scope::All, &leaders_in_june);
        assert_eq!(
            sql.text,
            "instrument_id = $1 AND level = $2 AND group_key = $3 AND month <> '*' AND role IN ($4, $5) AND month >= $6"
        );
    }

    #[test]
    fn a_stored_language_is_a_code_or_an_error() {
        for &l in crate::lang::all() {
            assert_eq!(stored_language(crate::lang::code(l)).unwrap(), l);
        }
        for bad in ["", "NL", "nl-BE", "xx", "*"] {
            assert!(stored_language(bad).is_err(), "{bad:?}");
        }
    }
}
