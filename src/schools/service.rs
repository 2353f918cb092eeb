//! Creating schools and networks (admins only; the server functions check the role).
use super::model::{Directory, MAX_NAME, School, normalise_country};
use super::{codes, db};
use crate::error::{AppError, AppResult};
use crate::server::db::Db;
use rand::Rng;
use std::collections::{HashMap, HashSet};

/// What a name is given to.
#[derive(Clone, Copy)]
enum Named {
    School,
    Network,
}

fn name(raw: &str, what: Named) -> AppResult<String> {
    use crate::i18n::td_string;
    let l = crate::lang::current();
    let n = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if n.is_empty() {
        return Err(AppError::invalid(match what {
            Named::School => td_string!(l, errors.school_name_missing),
            Named::Network => td_string!(l, errors.network_name_missing),
        }));
    }
    if n.chars().count() > MAX_NAME {
        let max = crate::lang::integer(l, MAX_NAME as i64);
        return Err(AppError::invalid(match what {
            Named::School => td_string!(l, errors.school_name_long, max).to_string(),
            Named::Network => td_string!(l, errors.network_name_long, max).to_string(),
        }));
    }
    Ok(n)
}

/// A school's fields as typed, checked: its name, network (id and name) and country.
async fn school_fields(
    db: &Db,
    raw_name: &str,
    network_id: Option<&str>,
    country: Option<&str>,
) -> AppResult<(String, Option<(String, String)>, Option<String>)> {
    let name = name(raw_name, Named::School)?;
    let country = match country.map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(normalise_country(c).ok_or_else(|| {
            AppError::invalid("A country is its two-letter ISO code, e.g. NL, BE or GB.")
        })?),
    };
    let network = match network_id.map(str::trim).filter(|n| !n.is_empty()) {
        None => None,
        Some(id) => Some((
            id.to_string(),
            db::network_name(&db.pool, id)
                .await?
                .ok_or_else(|| AppError::NotFound("That network does not exist.".into()))?,
        )),
    };
    Ok((name, network, country))
}

pub async fn create_school(
    db: &Db,
    raw_name: &str,
    network_id: Option<&str>,
    country: Option<&str>,
) -> AppResult<School> {
    let (name, network, country) = school_fields(db, raw_name, network_id, country).await?;
    let (network_id, network_name) = network.unzip();
    // a fresh code; on the (rare) collision, another
    for _ in 0..8 {
        let code = {
            let mut rng = rand::thread_rng();
            codes::from_random((0..codes::LENGTH).map(|_| rng.r#gen::<u32>()))
        };
        let school = School {
            id: uuid::Uuid::new_v4().to_string(),
            code,
            name: name.clone(),
            network_id: network_id.clone(),
            network_name: network_name.clone(),
            country: country.clone(),
        };
        if db::insert_school(&db.pool, &school, &crate::server::now()).await? {
            return Ok(school);
        }
    }
    tracing::error!("no free school code after 8 tries");
    Err(AppError::Internal)
}

pub async fn create_network(db: &Db, raw_name: &str) -> AppResult<String> {
    let name = name(raw_name, Named::Network)?;
    let id = uuid::Uuid::new_v4().to_string();
    if db::insert_network(&db.pool, &id, &name, &crate::server::now()).await? {
        Ok(id)
    } else {
        let l = crate::lang::current();
        Err(AppError::Conflict(
            crate::i18n::td_string!(l, errors.network_exists, name).to_string(),
        ))
    }
}

/// Changes a school's name, network and country (its code stays).
pub async fn update_school(
    db: &Db,
    id: &str,
    raw_name: &str,
    network_id: Option<&str>,
    country: Option<&str>,
) -> AppResult<()> {
    let (name, network, country) = school_fields(db, raw_name, network_id, country).await?;
    let network_id = network.map(|(id, _)| id);
    if db::update_school(
        &db.pool,
        id,
        &name,
        network_id.as_deref(),
        country.as_deref(),
    )
    .await?
    {
        Ok(())
    } else {
        Err(AppError::NotFound("There is no such school.".into()))
    }
}

/// Deletes a school that has no reflections and no rounds. One that has them stays: its answers
/// count in its network's, its country's and everyone's results, which were seen as they are.
pub async fn delete_school(db: &Db, id: &str) -> AppResult<()> {
    match db::delete_school(&db.pool, id).await? {
        db::Deleted::Done => Ok(()),
        db::Deleted::Missing => Err(AppError::NotFound("There is no such school.".into())),
        db::Deleted::InUse => Err(AppError::Conflict(
            "This school has reflections or rounds, so it stays: its answers count in its network's, country's and everyone's results. You can rename it.".into(),
        )),
    }
}

/// Renames a network.
pub async fn rename_network(db: &Db, id: &str, raw_name: &str) -> AppResult<()> {
    let name = name(raw_name, Named::Network)?;
    match db::rename_network(&db.pool, id, &name).await? {
        Some(true) => Ok(()),
        Some(false) => Err(AppError::NotFound("There is no such network.".into())),
        None => {
            let l = crate::lang::current();
            Err(AppError::Conflict(
                crate::i18n::td_string!(l, errors.network_exists, name).to_string(),
            ))
        }
    }
}

/// Deletes a network without schools (its network coordinators' links go with it).
pub async fn delete_network(db: &Db, id: &str) -> AppResult<()> {
    match db::delete_network(&db.pool, id).await? {
        db::Deleted::Done => Ok(()),
        db::Deleted::Missing => Err(AppError::NotFound("There is no such network.".into())),
        db::Deleted::InUse => Err(AppError::Conflict(
            "This network has schools: move them to another network (or to none) first.".into(),
        )),
    }
}

/// What an import did, or why it did nothing.
#[derive(Debug)]
pub enum Imported {
    /// The schools and networks created.
    Done { schools: usize, networks: usize },
    /// Every problem of the file, by line; nothing was imported.
    Problems(Vec<super::import::LineProblem>),
}

/// Imports schools from a CSV file (see `import.rs`): all of them in one transaction, or none. A
/// network named in the file that does not exist yet is created with them; a school that exists
/// already (same name and network) or a code another school has is a problem of its line.
pub async fn import_schools(db: &Db, text: &str) -> AppResult<Imported> {
    use super::import::{LineProblem, Problem, parse};
    let rows = match parse(text) {
        Ok(rows) => rows,
        Err(problems) => return Ok(Imported::Problems(problems)),
    };
    let mut tx = db.begin_write().await?;
    // by lower-case name: a country's thousands of schools are looked up once per line
    let mut networks: HashMap<String, String> = db::networks_by_name(&mut tx)
        .await?
        .into_iter()
        .map(|(id, name)| (name.to_lowercase(), id))
        .collect();
    let existing = db::schools_and_codes(&mut tx).await?;
    let names: HashSet<(String, Option<String>)> = existing
        .iter()
        .map(|(name, network, _)| (name.to_lowercase(), network.clone()))
        .collect();
    let mut taken: HashSet<String> = existing.into_iter().map(|(_, _, code)| code).collect();
    let mut problems = Vec::new();
    for row in &rows {
        let network_id = match row.network.as_deref() {
            // a network the file creates holds no school yet
            Some(n) => networks.get(&n.to_lowercase()).cloned().map(Some),
            None => Some(None),
        };
        if network_id.is_some_and(|id| names.contains(&(row.name.to_lowercase(), id))) {
            problems.push(LineProblem {
                line: row.line,
                problem: Problem::Duplicate,
            });
        }
        if row.code.as_ref().is_some_and(|c| taken.contains(c)) {
            problems.push(LineProblem {
                line: row.line,
                problem: Problem::CodeTaken,
            });
        }
    }
    if !problems.is_empty() {
        return Ok(Imported::Problems(problems));
    }
    let now = crate::server::now();
    taken.extend(rows.iter().filter_map(|r| r.code.clone()));
    let mut new_networks = 0;
    for row in &rows {
        let network_id = match row.network.as_deref() {
            None => None,
            Some(name) => match networks.get(&name.to_lowercase()) {
                Some(id) => Some(id.clone()),
                None => {
                    let id = uuid::Uuid::new_v4().to_string();
                    db::insert_network_in(&mut tx, &id, name, &now).await?;
                    networks.insert(name.to_lowercase(), id.clone());
                    new_networks += 1;
                    Some(id)
                }
            },
        };
        let code = match &row.code {
            Some(c) => c.clone(),
            None => loop {
                let code = {
                    let mut rng = rand::thread_rng();
                    codes::from_random((0..codes::LENGTH).map(|_| rng.r#gen::<u32>()))
                };
                if taken.insert(code.clone()) {
                    break code;
                }
            },
        };
        let school = School {
            id: uuid::Uuid::new_v4().to_string(),
            code,
            name: row.name.clone(),
            network_id,
            network_name: None,
            country: row.country.clone(),
        };
        db::insert_school_in(&mut tx, &school, &now).await?;
    }
    tx.commit().await?;
    tracing::info!(
        schools = rows.len(),
        networks = new_networks,
        "schools imported"
    );
    Ok(Imported::Done {
        schools: rows.len(),
        networks: new_networks,
    })
}

pub async fn directory(db: &Db) -> AppResult<Directory> {
    Ok(Directory {
        schools: db::list(&db.pool).await?,
        networks: db::networks(&db.pool).await?,
        countries: db::countries(&db.pool).await?,
    })
}

/// The school with this id, if any.
pub async fn by_id(db: &Db, id: &str) -> AppResult<Option<School>> {
    Ok(db::by_id(&db.pool, id).await?)
}

/// Every school, by name.
pub async fn schools(db: &Db) -> AppResult<Vec<School>> {
    Ok(db::list(&db.pool).await?)
}

/// Every network.
pub async fn networks(db: &Db) -> AppResult<Vec<super::model::Network>> {
    Ok(db::networks(&db.pool).await?)
}

/// A network's name, if it exists.
pub async fn network_name(db: &Db, id: &str) -> AppResult<Option<String>> {
    Ok(db::network_name(&db.pool, id).await?)
}

/// The countries that have schools.
pub async fn countries(db: &Db) -> AppResult<Vec<String>> {
    Ok(db::countries(&db.pool).await?)
}
