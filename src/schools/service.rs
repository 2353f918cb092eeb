//! Creating schools and networks (admins only; the server functions check the role).
use super::model::{Directory, MAX_NAME, School, normalise_country};
use super::{codes, db};
use crate::error::{AppError, AppResult};
use crate::server::db::Db;
use rand::Rng;

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

pub async fn create_school(
    db: &Db,
    raw_name: &str,
    network_id: Option<&str>,
    country: Option<&str>,
) -> AppResult<School> {
    let name = name(raw_name, Named::School)?;
    let country = match country.map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(normalise_country(c).ok_or_else(|| {
            AppError::invalid("A country is its two-letter ISO code, e.g. NL, BE or GB.")
        })?),
    };
    let network_id = network_id.map(str::trim).filter(|n| !n.is_empty());
    let network_name = match network_id {
        None => None,
        Some(id) => Some(
            db::network_name(&db.pool, id)
                .await?
                .ok_or_else(|| AppError::NotFound("That network does not exist.".into()))?,
        ),
    };
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
            network_id: network_id.map(str::to_string),
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
