//! Research exports: who may export, the filters, and the long CSV written as a stream.
use super::anonymise::{OTHER, Person, anonymise};
use super::db::{self, ExportFilter};
use super::pseudonym::Pseudonyms;
use crate::accounts::model::{CurrentUser, Role};
use crate::error::{AppError, AppResult};
use crate::instrument::ItemType;
use crate::server::AppState;
use std::collections::{HashMap, HashSet};

pub use super::model::ExportParams;

fn may_export(user: &CurrentUser) -> AppResult<()> {
    match user.role {
        Role::Researcher | Role::Admin => Ok(()),
        _ => Err(AppError::Forbidden(
            "Only researchers and administrators export responses.".into(),
        )),
    }
}

fn is_day(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

fn some(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Checks the filters; every message says what to fix.
pub fn check(state: &AppState, p: &ExportParams) -> AppResult<ExportFilter> {
    let instrument = some(&p.instrument)
        .ok_or_else(|| AppError::invalid("Choose a questionnaire to export."))?;
    if state.instruments.latest(instrument).is_none() {
        return Err(AppError::NotFound(format!(
            "There is no questionnaire called “{}”.",
            instrument.chars().take(60).collect::<String>()
        )));
    }
    let version = match some(&p.version) {
        None => None,
        Some(v) => Some(
            v.parse::<i64>()
                .ok()
                .filter(|v| state.instruments.get(instrument, *v).is_some())
                .ok_or_else(|| AppError::invalid("Choose a version of the questionnaire."))?,
        ),
    };
    for d in [some(&p.from), some(&p.to)].into_iter().flatten() {
        if !is_day(d) {
            return Err(AppError::invalid("Dates are written as YYYY-MM-DD."));
        }
    }
    let role = some(&p.role);
    if role.is_some_and(|r| !crate::results::privacy::ROLES.contains(&r)) {
        return Err(AppError::invalid("Choose a role from the list."));
    }
    let innovation = some(&p.innovation);
    if innovation.is_some_and(|i| {
        !crate::reflection::model::INNOVATIONS
            .iter()
            .any(|(k, _)| k == &i)
    }) {
        return Err(AppError::invalid("Choose an innovation from the list."));
    }
    let country = some(&p.country).map(str::to_lowercase);
    if country
        .as_deref()
        .is_some_and(|c| c.len() != 2 || !c.bytes().all(|b| b.is_ascii_lowercase()))
    {
        return Err(AppError::invalid(
            "A country is a two-letter code, e.g. NL.",
        ));
    }
    let unfinished = match some(&p.unfinished) {
        None | Some("no") => false,
        Some("yes") => true,
        Some(_) => return Err(AppError::invalid("Unfinished is yes or no.")),
    };
    Ok(ExportFilter {
        instrument: instrument.to_string(),
        version,
        from: some(&p.from).map(str::to_string),
        to: some(&p.to).map(str::to_string),
        country,
        network: some(&p.network).map(str::to_string),
        school: some(&p.school).map(str::to_string),
        role: role.map(str::to_string),
        innovation: innovation.map(str::to_string),
        unfinished,
    })
}

/// The long CSV's columns.
pub const LONG_COLUMNS: &[&str] = &[
    "respondent",
    "school",
    "country",
    "role",
    "innovation",
    "instrument",
    "version",
    "day",
    "category",
    "subcategory",
    "item",
    "value",
];

/// Written answers (short and long text, one word) are not exported: free text can identify.
fn exported(kind: ItemType) -> bool {
    !matches!(
        kind,
        ItemType::ShortText | ItemType::LongText | ItemType::OneWord
    )
}

type Chunk = Result<axum::body::Bytes, std::io::Error>;

/// An export's respondents after the privacy rules, ready to write.
struct Prepared {
    filter: ExportFilter,
    /// Per kept respondent (real id): instrument version and the leading columns, pseudonymised.
    rows: HashMap<String, (i64, Vec<String>)>,
    /// Per (version, item id) of exported items: (category id, subcategory id).
    items: HashMap<(i64, String), (String, String)>,
    versions: Vec<i64>,
    respondents: usize,
    report: Vec<(String, usize)>,
    k: usize,
}

async fn prepare(state: &AppState, user: &CurrentUser, p: &ExportParams) -> AppResult<Prepared> {
    may_export(user)?;
    let f = check(state, p)?;
    let respondents = db::respondents(&state.db.pool, &f).await?;
    let people: Vec<Person> = respondents
        .iter()
        .map(|r| Person {
            country: r.country.clone(),
            school: r.school_id.clone(),
            role: r.role.clone(),
        })
        .collect();
    let k = usize::try_from(state.config.min_group_size).unwrap_or(5);
    let anon = anonymise(&people, k);
    let kept: Vec<(&db::Respondent, &super::anonymise::Shown)> = respondents
        .iter()
        .zip(&anon.shown)
        .filter_map(|(r, s)| s.as_ref().map(|s| (r, s)))
        .collect();
    let people_ids = Pseudonyms::new("R", kept.iter().map(|(r, _)| r.id.as_str()));
    let schools = Pseudonyms::new(
        "S",
        kept.iter()
            .map(|(_, s)| s.school.as_str())
            .filter(|s| *s != OTHER),
    );
    let mut rows: HashMap<String, (i64, Vec<String>)> = HashMap::new();
    for (r, s) in &kept {
        let school = schools.of(&s.school).unwrap_or(OTHER).to_string();
        rows.insert(
            r.id.clone(),
            (
                r.instrument_version,
                vec![
                    people_ids.of(&r.id).unwrap_or_default().to_string(),
                    school,
                    s.country.clone(),
                    s.role.clone(),
                    r.innovation.clone(),
                    f.instrument.clone(),
                    r.instrument_version.to_string(),
                    r.day.clone(),
                ],
            ),
        );
    }
    let mut items: HashMap<(i64, String), (String, String)> = HashMap::new();
    let mut versions: Vec<i64> = kept
        .iter()
        .map(|(r, _)| r.instrument_version)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    versions.sort_unstable();
    for &v in &versions {
        if let Some(inst) = state.instruments.get(&f.instrument, v) {
            for c in &inst.categories {
                for s in &c.subcategories {
                    for i in s.items.iter().filter(|i| exported(i.kind)) {
                        items.insert((v, i.id.clone()), (c.id.clone(), s.id.clone()));
                    }
                }
            }
        }
    }
    Ok(Prepared {
        filter: f,
        respondents: rows.len(),
        rows,
        items,
        versions,
        report: anon.report,
        k,
    })
}

async fn log(
    state: &AppState,
    user: &CurrentUser,
    format: &str,
    f: &ExportFilter,
) -> AppResult<String> {
    let log_id = uuid::Uuid::new_v4().to_string();
    let filters = serde_json::to_string(f).map_err(|_| AppError::Internal)?;
    db::log_start(
        &state.db.pool,
        &log_id,
        &user.id,
        format,
        &filters,
        &crate::server::now(),
    )
    .await?;
    tracing::info!(user = %user.id, format, "research export started");
    Ok(log_id)
}

/// The long CSV (one row per answer) as a stream of chunks: the respondents are read and
/// anonymised first (one small row each), then the answers stream through. Logs the export.
pub async fn long_csv(
    state: &AppState,
    user: &CurrentUser,
    p: &ExportParams,
) -> AppResult<impl futures::Stream<Item = Chunk> + Send + 'static + use<>> {
    use futures::StreamExt;
    let Prepared {
        filter: f,
        rows,
        items,
        ..
    } = prepare(state, user, p).await?;
    let log_id = log(state, user, "long_csv", &f).await?;

    let answers = db::answers(state.db.pool.clone(), &f);
    let pool = state.db.pool.clone();
    let (tx, rx) = tokio::sync::mpsc::channel::<Chunk>(8);
    tokio::spawn(async move {
        let mut answers = std::pin::pin!(answers);
        let new_writer = || csv::Writer::from_writer(Vec::with_capacity(64 * 1024));
        let mut out = new_writer();
        let mut count: i64 = 0;
        let io = |e: csv::Error| std::io::Error::other(e.to_string());
        if let Err(e) = out.write_record(LONG_COLUMNS) {
            let _ = tx.send(Err(io(e))).await;
            return;
        }
        while let Some(row) = answers.next().await {
            let (reflection, item, value) = match row {
                Ok(r) => r,
                Err(e) => {
                    tracing::error!(error = %e, "export query failed");
                    let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                    return;
                }
            };
            let Some((version, lead)) = rows.get(&reflection) else {
                continue; // left out by the group-size rules
            };
            let Some((category, subcategory)) = items.get(&(*version, item.clone())) else {
                continue; // written answers, or an item no longer in its version
            };
            let record = lead.iter().map(String::as_str).chain([
                category.as_str(),
                subcategory.as_str(),
                &item,
                &value,
            ]);
            if let Err(e) = out.write_record(record) {
                let _ = tx.send(Err(io(e))).await;
                return;
            }
            count += 1;
            // a chunk every 500 rows (about 40 KB): memory stays flat however big the export
            if count % 500 == 0 {
                let full = match std::mem::replace(&mut out, new_writer()).into_inner() {
                    Ok(full) => full,
                    Err(e) => {
                        let _ = tx.send(Err(std::io::Error::other(e.to_string()))).await;
                        return;
                    }
                };
                if tx.send(Ok(full.into())).await.is_err() {
                    return; // the download was abandoned
                }
            }
        }
        match out.into_inner() {
            Ok(rest) => {
                if tx.send(Ok(rest.into())).await.is_err() {
                    return;
                }
            }
            Err(e) => {
                let _ = tx.send(Err(std::io::Error::other(e.to_string()))).await;
                return;
            }
        }
        if let Err(e) = db::log_rows(&pool, &log_id, count).await {
            tracing::warn!(error = %e, "export log not completed");
        }
    });
    // fused: the compression layer may poll once more after the end
    Ok(
        futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) })
            .fuse(),
    )
}

/// The wide CSV (one row per respondent: the leading columns, one column per exported item,
/// then `score_<category>` per scored category: the mean of the respondent's answered scale
/// items). Streams like the long CSV: the answers arrive ordered by respondent, so each row is
/// written when the next respondent begins.
pub async fn wide_csv(
    state: &AppState,
    user: &CurrentUser,
    p: &ExportParams,
) -> AppResult<impl futures::Stream<Item = Chunk> + Send + 'static + use<>> {
    use futures::StreamExt;
    let prep = prepare(state, user, p).await?;
    // item columns in questionnaire order (versions oldest first), and the scored categories
    let mut columns: Vec<String> = Vec::new();
    let mut scored: Vec<(String, HashSet<String>)> = Vec::new();
    for &v in &prep.versions {
        let Some(inst) = state.instruments.get(&prep.filter.instrument, v) else {
            continue;
        };
        for c in &inst.categories {
            for i in c.items().filter(|i| exported(i.kind)) {
                if !columns.contains(&i.id) {
                    columns.push(i.id.clone());
                }
                if i.kind == ItemType::Likert {
                    match scored.iter_mut().find(|(id, _)| *id == c.id) {
                        Some((_, items)) => {
                            items.insert(i.id.clone());
                        }
                        None => scored.push((c.id.clone(), HashSet::from([i.id.clone()]))),
                    }
                }
            }
        }
    }
    let log_id = log(state, user, "wide_csv", &prep.filter).await?;
    let answers = db::answers(state.db.pool.clone(), &prep.filter);
    let pool = state.db.pool.clone();
    let (tx, rx) = tokio::sync::mpsc::channel::<Chunk>(8);
    tokio::spawn(async move {
        let Prepared { rows, items, .. } = prep;
        let mut header: Vec<String> = LONG_COLUMNS[..8].iter().map(|c| c.to_string()).collect();
        header.extend(columns.iter().cloned());
        header.extend(scored.iter().map(|(c, _)| format!("score_{c}")));
        let record = |lead: &[String], values: &HashMap<String, String>| -> Vec<String> {
            let mut r = lead.to_vec();
            r.extend(
                columns
                    .iter()
                    .map(|c| values.get(c).cloned().unwrap_or_default()),
            );
            r.extend(scored.iter().map(|(_, ids)| {
                let scores: Vec<Option<f64>> = ids
                    .iter()
                    .map(|i| values.get(i).and_then(|v| v.parse().ok()))
                    .collect();
                super::stats::scale_score(&scores)
                    .map(|m| format!("{m:.4}"))
                    .unwrap_or_default()
            }));
            r
        };
        let mut out = csv::Writer::from_writer(Vec::with_capacity(64 * 1024));
        let fail = |e: String| std::io::Error::other(e);
        if let Err(e) = out.write_record(&header) {
            let _ = tx.send(Err(fail(e.to_string()))).await;
            return;
        }
        let mut answers = std::pin::pin!(answers);
        let mut current: Option<String> = None;
        let mut values: HashMap<String, String> = HashMap::new();
        let mut written: HashSet<String> = HashSet::new();
        let mut count: i64 = 0;
        loop {
            let next = answers.next().await;
            let next = match next {
                Some(Ok(row)) => Some(row),
                Some(Err(e)) => {
                    tracing::error!(error = %e, "export query failed");
                    let _ = tx.send(Err(fail("export failed".into()))).await;
                    return;
                }
                None => None,
            };
            let new_respondent = next.as_ref().map(|(r, _, _)| r) != current.as_ref();
            if new_respondent {
                if let Some(done) = current.take()
                    && let Some((_, lead)) = rows.get(&done)
                {
                    if let Err(e) = out.write_record(record(lead, &values)) {
                        let _ = tx.send(Err(fail(e.to_string()))).await;
                        return;
                    }
                    written.insert(done);
                    count += 1;
                    if count % 200 == 0 {
                        let full = match std::mem::replace(
                            &mut out,
                            csv::Writer::from_writer(Vec::with_capacity(64 * 1024)),
                        )
                        .into_inner()
                        {
                            Ok(full) => full,
                            Err(e) => {
                                let _ = tx.send(Err(fail(e.to_string()))).await;
                                return;
                            }
                        };
                        if tx.send(Ok(full.into())).await.is_err() {
                            return;
                        }
                    }
                }
                values.clear();
            }
            let Some((reflection, item, value)) = next else {
                break;
            };
            if let Some((version, _)) = rows.get(&reflection)
                && items.contains_key(&(*version, item.clone()))
            {
                values.insert(item, value);
            }
            current = Some(reflection);
        }
        // respondents without any answer still get their row
        for (id, (_, lead)) in &rows {
            if !written.contains(id) {
                if let Err(e) = out.write_record(record(lead, &HashMap::new())) {
                    let _ = tx.send(Err(fail(e.to_string()))).await;
                    return;
                }
                count += 1;
            }
        }
        match out.into_inner() {
            Ok(rest) => {
                if tx.send(Ok(rest.into())).await.is_err() {
                    return;
                }
            }
            Err(e) => {
                let _ = tx.send(Err(fail(e.to_string()))).await;
                return;
            }
        }
        if let Err(e) = db::log_rows(&pool, &log_id, count).await {
            tracing::warn!(error = %e, "export log not completed");
        }
    });
    Ok(
        futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) })
            .fuse(),
    )
}

/// The long CSV's columns with their meaning, for the codebook.
fn column_meanings() -> Vec<(String, String)> {
    [
        ("respondent", "respondent pseudonym (this export only)"),
        ("school", "school pseudonym (this export only), or \"other\""),
        ("country", "two-letter country code, or \"other\""),
        ("role", "role, role group or \"any\" (see anonymisation)"),
        ("innovation", "the innovation reflected on: data_use, pln, other"),
        ("instrument", "questionnaire id"),
        ("version", "questionnaire version"),
        ("day", "day finished (or started, when unfinished), YYYY-MM-DD"),
        ("category", "category id"),
        ("subcategory", "subcategory id"),
        ("item", "item id (see Items)"),
        ("value", "the answer as stored: a scale point, \"na\", an option value (several joined by commas) or a number"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect()
}

/// The codebook of the export these filters make (and the categories' reliability over it).
pub async fn codebook(
    state: &AppState,
    user: &CurrentUser,
    p: &ExportParams,
) -> AppResult<super::codebook::Codebook> {
    use super::codebook::*;
    use futures::StreamExt;
    let prep = prepare(state, user, p).await?;
    let f = &prep.filter;
    let mut items = Vec::new();
    let mut scored: Vec<(i64, String, String, Vec<String>)> = Vec::new();
    let mut title = String::new();
    for &v in &prep.versions {
        let Some(inst) = state.instruments.get(&f.instrument, v) else {
            continue;
        };
        title = inst.title.clone();
        for c in &inst.categories {
            let mut likert = Vec::new();
            for s in &c.subcategories {
                for i in s.items.iter().filter(|i| exported(i.kind)) {
                    let mut values: Vec<(String, String)> = match inst.scale(i) {
                        Some(scale) => {
                            let mut v: Vec<(String, String)> = scale
                                .labels
                                .iter()
                                .enumerate()
                                .map(|(n, l)| ((n + 1).to_string(), l.clone()))
                                .collect();
                            if let Some(na) = &scale.not_applicable {
                                v.push((crate::instrument::NOT_APPLICABLE.to_string(), na.clone()));
                            }
                            v
                        }
                        None => Vec::new(),
                    };
                    values.extend(i.options.iter().map(|o| (o.value.clone(), o.label.clone())));
                    if i.kind == ItemType::Likert {
                        likert.push(i.id.clone());
                    }
                    items.push(CodebookItem {
                        version: v,
                        id: i.id.clone(),
                        category: c.id.clone(),
                        subcategory: s.id.clone(),
                        text: i.text.clone(),
                        kind: serde_json::to_value(i.kind)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default(),
                        values,
                    });
                }
            }
            if !likert.is_empty() {
                scored.push((v, c.id.clone(), c.title.clone(), likert));
            }
        }
    }
    // reliability: every respondent's scores per category, read from the answers
    let mut scores: HashMap<(String, String), f64> = HashMap::new();
    let mut answers = std::pin::pin!(db::answers(state.db.pool.clone(), f));
    while let Some(row) = answers.next().await {
        let (reflection, item, value) = row?;
        if prep.rows.contains_key(&reflection)
            && let Ok(v) = value.parse::<f64>()
        {
            scores.insert((reflection, item), v);
        }
    }
    let categories = scored
        .into_iter()
        .map(|(v, id, title, likert)| {
            let table: Vec<Vec<Option<f64>>> = prep
                .rows
                .iter()
                .filter(|(_, (version, _))| *version == v)
                .map(|(r, _)| {
                    likert
                        .iter()
                        .map(|i| scores.get(&(r.clone(), i.clone())).copied())
                        .collect()
                })
                .collect();
            let (alpha, n) = super::stats::cronbach_alpha(&table);
            CategoryReliability {
                version: v,
                id,
                title,
                items: likert,
                alpha,
                n,
            }
        })
        .collect();
    log(state, user, "codebook", f).await?;
    Ok(Codebook {
        instrument: f.instrument.clone(),
        title,
        versions: prep.versions.clone(),
        filters: serde_json::to_value(f).unwrap_or_default(),
        respondents: prep.respondents,
        minimum_group_size: prep.k,
        anonymisation: rules(prep.k),
        suppression: prep.report.clone(),
        columns: column_meanings(),
        items,
        categories,
    })
}

/// What an export with these filters would hold, without the data (the researcher page's
/// preview). Not logged: it shows counts only, after the same rules.
pub async fn preview(
    state: &AppState,
    user: &CurrentUser,
    p: &ExportParams,
) -> AppResult<super::model::ExportPreview> {
    let prep = prepare(state, user, p).await?;
    let answers = db::count_answers(&state.db.pool, &prep.filter).await?;
    Ok(super::model::ExportPreview {
        respondents: prep.respondents as i64,
        answers,
        minimum_group_size: prep.k as i64,
        suppression: prep
            .report
            .iter()
            .map(|(what, n)| (what.clone(), *n as i64))
            .collect(),
    })
}
