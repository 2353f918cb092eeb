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

/// CSV records cut into chunks for a download: a chunk every `every` records goes through a
/// bounded channel, so memory stays flat however big the export. Failures reach the download as
/// the stream's error. `write` and `finish` say `false` when the download is over (abandoned or
/// failed): the writer then stops.
struct Chunks {
    out: csv::Writer<Vec<u8>>,
    tx: tokio::sync::mpsc::Sender<Chunk>,
    every: usize,
    /// Records written, the header included.
    written: usize,
}

impl Chunks {
    fn writer() -> csv::Writer<Vec<u8>> {
        csv::Writer::from_writer(Vec::with_capacity(64 * 1024))
    }

    fn new(tx: tokio::sync::mpsc::Sender<Chunk>, every: usize) -> Self {
        Self {
            out: Self::writer(),
            tx,
            every,
            written: 0,
        }
    }

    async fn fail(&self, message: String) -> bool {
        let _ = self.tx.send(Err(std::io::Error::other(message))).await;
        false
    }

    async fn send(&mut self, out: csv::Writer<Vec<u8>>) -> bool {
        match out.into_inner() {
            Ok(bytes) => self.tx.send(Ok(bytes.into())).await.is_ok(),
            Err(e) => self.fail(e.to_string()).await,
        }
    }

    async fn write<I, T>(&mut self, record: I) -> bool
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        if let Err(e) = self.out.write_record(record) {
            return self.fail(e.to_string()).await;
        }
        self.written += 1;
        if self.written.is_multiple_of(self.every) {
            let full = std::mem::replace(&mut self.out, Self::writer());
            return self.send(full).await;
        }
        true
    }

    /// Sends the rest; the number of data rows (the header not counted) when all went out.
    async fn finish(mut self) -> Option<i64> {
        let rest = std::mem::replace(&mut self.out, Self::writer());
        let rows = i64::try_from(self.written.saturating_sub(1)).unwrap_or(i64::MAX);
        self.send(rest).await.then_some(rows)
    }
}

/// The receiving end of a download's chunks as a body stream (fused: the compression layer may
/// poll once more after the end).
fn body_of(
    rx: tokio::sync::mpsc::Receiver<Chunk>,
) -> impl futures::Stream<Item = Chunk> + Send + 'static {
    use futures::StreamExt;
    futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) }).fuse()
}

/// Records the finished download's row count in the export log.
async fn log_done(pool: &sqlx::AnyPool, log_id: &str, rows: Option<i64>) {
    if let Some(rows) = rows
        && let Err(e) = db::log_rows(pool, log_id, rows).await
    {
        tracing::warn!(error = %e, "export log not completed");
    }
}

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
        // a chunk every 500 rows (about 40 KB)
        let mut out = Chunks::new(tx, 500);
        if !out.write(LONG_COLUMNS).await {
            return;
        }
        while let Some(row) = answers.next().await {
            let (reflection, item, value) = match row {
                Ok(r) => r,
                Err(e) => {
                    tracing::error!(error = %e, "export query failed");
                    out.fail("export failed".into()).await;
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
            if !out.write(record).await {
                return; // abandoned or failed
            }
        }
        log_done(&pool, &log_id, out.finish().await).await;
    });
    Ok(body_of(rx))
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
        let mut out = Chunks::new(tx, 200);
        if !out.write(&header).await {
            return;
        }
        let mut answers = std::pin::pin!(answers);
        let mut current: Option<String> = None;
        let mut values: HashMap<String, String> = HashMap::new();
        let mut written: HashSet<String> = HashSet::new();
        loop {
            let next = match answers.next().await {
                Some(Ok(row)) => Some(row),
                Some(Err(e)) => {
                    tracing::error!(error = %e, "export query failed");
                    out.fail("export failed".into()).await;
                    return;
                }
                None => None,
            };
            if next.as_ref().map(|(r, _, _)| r) != current.as_ref() {
                if let Some(done) = current.take()
                    && let Some((_, lead)) = rows.get(&done)
                {
                    if !out.write(record(lead, &values)).await {
                        return;
                    }
                    written.insert(done);
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
            if !written.contains(id) && !out.write(record(lead, &HashMap::new())).await {
                return;
            }
        }
        log_done(&pool, &log_id, out.finish().await).await;
    });
    Ok(body_of(rx))
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
