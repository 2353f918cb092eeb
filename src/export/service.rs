//! Research exports: who may export, the filters, and the downloads written as streams: long
//! CSV, wide CSV, JSON, the codebook and an R script that reads the wide CSV.
use super::db::{self, ExportFilter};
use super::format::{self, Chunk, Format, Json, LongCsv, Wide, WideCsv};
use super::prepare::{Prepared, TEXT_MIN_GROUP, is_text, prepare};
use crate::accounts::model::{CurrentUser, Role};
use crate::error::{AppError, AppResult};
use crate::instrument::ItemType;
use crate::lang::Locale;
use crate::server::AppState;
use crate::values::YesNo;
use std::collections::HashMap;

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
        let l = crate::lang::current();
        let name = instrument.chars().take(60).collect::<String>();
        return Err(AppError::NotFound(
            crate::i18n::td_string!(l, errors.no_questionnaire_called, name).to_string(),
        ));
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
    if role.is_some_and(|r| !crate::values::ROLE_IDS.contains(&r)) {
        return Err(AppError::invalid("Choose a role from the list."));
    }
    let innovation = some(&p.innovation);
    if innovation.is_some_and(|i| !crate::values::INNOVATIONS.contains(&i)) {
        return Err(AppError::invalid("Choose an innovation from the list."));
    }
    let language = match some(&p.language) {
        None => None,
        Some(code) => Some(
            crate::lang::parse(code)
                .map(crate::lang::code)
                .ok_or_else(|| AppError::invalid("Choose a language from the list."))?,
        ),
    };
    let country = some(&p.country).map(str::to_lowercase);
    if country
        .as_deref()
        .is_some_and(|c| c.len() != 2 || !c.bytes().all(|b| b.is_ascii_lowercase()))
    {
        return Err(AppError::invalid(
            "A country is a two-letter code, e.g. NL.",
        ));
    }
    let yes_no = |v: &Option<String>| match some(v) {
        None => Ok(false),
        Some(raw) => YesNo::parse(raw)
            .map(|a| a == YesNo::Yes)
            .ok_or_else(|| AppError::invalid(crate::error::YES_OR_NO)),
    };
    let unfinished = yes_no(&p.unfinished)?;
    let text = yes_no(&p.text)?;
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
        language: language.map(str::to_string),
        unfinished,
        text,
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
    "period",
    "language",
    "category",
    "subcategory",
    "item",
    "value",
];

/// A download: the receiving end of its chunks as a body stream (fused: the compression layer
/// may poll once more after the end).
pub type Download = std::pin::Pin<Box<dyn futures::Stream<Item = Chunk> + Send + 'static>>;

fn body_of(rx: tokio::sync::mpsc::Receiver<Chunk>) -> Download {
    use futures::StreamExt;
    Box::pin(
        futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) })
            .fuse(),
    )
}

/// Records the finished download's row count in the export log.
async fn log_done(pool: &sqlx::AnyPool, log_id: &str, rows: Option<usize>) {
    if let Some(rows) = rows
        && let Err(e) = db::log_rows(pool, log_id, i64::try_from(rows).unwrap_or(i64::MAX)).await
    {
        tracing::warn!(error = %e, "export log not completed");
    }
}

/// Checks who asks and what, then reads and anonymises the respondents.
async fn prepared(state: &AppState, user: &CurrentUser, p: &ExportParams) -> AppResult<Prepared> {
    may_export(user)?;
    let f = check(state, p)?;
    Ok(prepare(state, f).await?)
}

/// Logs an export (who, when, what, the filters) before it starts.
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

/// A download of `format` written by the streaming driver ([`format::stream`]) in a task of its
/// own; its row count goes into the export log when it is all out.
fn download<F, R, S>(
    state: &AppState,
    log_id: String,
    format: F,
    header_at_once: bool,
    respondents: R,
) -> Download
where
    F: Format,
    R: Future<Output = Result<(Prepared, S), sqlx::Error>> + Send + 'static,
    S: futures::Stream<Item = Result<Vec<db::Answered>, sqlx::Error>> + Send + 'static,
{
    let pool = state.db.pool.clone();
    let (tx, rx) = tokio::sync::mpsc::channel::<Chunk>(8);
    tokio::spawn(async move {
        let rows = format::stream(format, tx, header_at_once, respondents).await;
        log_done(&pool, &log_id, rows).await;
    });
    body_of(rx)
}

/// The long CSV (one row per answer) as a stream of chunks. Who asks and the filters are checked
/// first; then the download starts at once with the header, while the respondents are read and
/// anonymised (a few numbers each) and the answers stream through. Logs the export.
pub async fn long_csv(
    state: &AppState,
    user: &CurrentUser,
    p: &ExportParams,
) -> AppResult<Download> {
    may_export(user)?;
    let filter = check(state, p)?;
    let log_id = log(state, user, "long_csv", &filter).await?;
    let ready = state.clone();
    let respondents = async move {
        let prep = prepare(&ready, filter).await?;
        let answers = db::answers(&ready.db, &prep.filter);
        Ok::<_, sqlx::Error>((prep, answers))
    };
    Ok(download(state, log_id, LongCsv, true, respondents))
}

/// A download whose format needs the respondents first (its header names their items or
/// versions): read and anonymised before it starts, then streamed a respondent at a time as
/// their answers arrive. Logs the export as `name`.
async fn prepared_download<F: Format>(
    state: &AppState,
    user: &CurrentUser,
    p: &ExportParams,
    name: &str,
    format: impl FnOnce(&Prepared) -> F,
) -> AppResult<Download> {
    let prep = prepared(state, user, p).await?;
    let format = format(&prep);
    let log_id = log(state, user, name, &prep.filter).await?;
    let answers = db::answers(&state.db, &prep.filter);
    let respondents = std::future::ready(Ok((prep, answers)));
    Ok(download(state, log_id, format, false, respondents))
}

/// The wide CSV (one row per respondent: the leading columns, one column per exported item,
/// then `score_<category>` per scored category). Streams like the long CSV, a row per respondent
/// as their answers arrive.
pub async fn wide_csv(
    state: &AppState,
    user: &CurrentUser,
    p: &ExportParams,
) -> AppResult<Download> {
    prepared_download(state, user, p, "wide_csv", |prep| WideCsv::of(state, prep)).await
}

/// The JSON export: one document, `{"codebook", "instrument", "minimum_group_size", "versions",
/// "written_answers", "respondents": [...]}`, each respondent an object with the leading
/// columns, `answers` (item id → value as stored, as in the CSV) and `scores` (category id →
/// scale score or null). Streamed one respondent at a time.
pub async fn json(state: &AppState, user: &CurrentUser, p: &ExportParams) -> AppResult<Download> {
    prepared_download(state, user, p, "json", |prep| Json::of(state, prep)).await
}

/// A category with Likert items in one version: its reliability goes into the codebook.
struct ScoredCategory {
    version: i64,
    id: String,
    title: String,
    items: Vec<String>,
}

/// The questionnaire's title, every exported item of the export's versions, and per (version,
/// category) its Likert items; texts, names and labels in language `l` where translated (ids and
/// values are the same in every language).
fn codebook_items(
    state: &AppState,
    prep: &Prepared,
    l: Locale,
) -> (
    String,
    Vec<super::codebook::CodebookItem>,
    Vec<ScoredCategory>,
) {
    use super::codebook::CodebookItem;
    let f = &prep.filter;
    let mut items = Vec::new();
    let mut scored = Vec::new();
    let mut title = String::new();
    for &v in &prep.versions {
        let Some(inst) = state.instruments.get(&f.instrument, v) else {
            continue;
        };
        let inst = state.instruments.localized(&inst, l);
        title = inst.title.clone();
        for c in &inst.categories {
            let mut likert = Vec::new();
            for s in &c.subcategories {
                for i in s.items.iter().filter(|i| f.text || !is_text(i.kind)) {
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
                        category_title: c.title.clone(),
                        subcategory: s.id.clone(),
                        subcategory_title: s.title.clone(),
                        text: i.text.clone(),
                        kind: serde_json::to_value(i.kind)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default(),
                        values,
                        identifying: i.identifying,
                    });
                }
            }
            if !likert.is_empty() {
                scored.push(ScoredCategory {
                    version: v,
                    id: c.id.clone(),
                    title: c.title.clone(),
                    items: likert,
                });
            }
        }
    }
    (title, items, scored)
}

/// What a reader of the codebook or R script in language `l` should know of its texts: the
/// translation's own note (whose translation, not validated), or that there is no translation.
fn translation_note(state: &AppState, instrument: &str, l: Locale) -> Option<String> {
    let inst = state.instruments.latest(instrument)?.instrument.clone();
    if crate::lang::code(l) == inst.language {
        return None;
    }
    state
        .instruments
        .translation_note(instrument, l)
        .or_else(|| Some(super::codebook::untranslated_note(l, &inst.language)))
}

/// The codebook of the export these filters make, in language `l`, with each category's
/// reliability over it (gathered while the answers stream past, in constant memory).
pub async fn codebook(
    state: &AppState,
    user: &CurrentUser,
    p: &ExportParams,
    l: Locale,
) -> AppResult<super::codebook::Codebook> {
    use super::codebook::*;
    use super::stats::AlphaSums;
    let prep = prepared(state, user, p).await?;
    let (title, items, scored) = codebook_items(state, &prep, l);
    let mut sums: Vec<AlphaSums> = scored
        .iter()
        .map(|c| AlphaSums::new(c.items.len()))
        .collect();
    let answers = db::answers(&state.db, &prep.filter);
    let mut walk = prep.walk(answers);
    while let Some((lead, values)) = walk.next().await? {
        let values: HashMap<String, String> = values.into_iter().map(|(i, v, _)| (i, v)).collect();
        for (c, sums) in scored.iter().zip(sums.iter_mut()) {
            if c.version == lead.version {
                let row: Vec<Option<f64>> = c
                    .items
                    .iter()
                    .map(|i| values.get(i).and_then(|x| x.parse().ok()))
                    .collect();
                sums.add(&row);
            }
        }
    }
    let categories = scored
        .into_iter()
        .zip(sums)
        .map(|(c, sums)| {
            let (alpha, n) = sums.alpha();
            CategoryReliability {
                version: c.version,
                id: c.id,
                title: c.title,
                items: c.items,
                alpha,
                n,
            }
        })
        .collect();
    log(state, user, "codebook", &prep.filter).await?;
    Ok(Codebook {
        instrument: prep.filter.instrument.clone(),
        title,
        language: crate::lang::code(l).to_string(),
        translation_note: translation_note(state, &prep.filter.instrument, l),
        versions: prep.versions.clone(),
        filters: serde_json::to_value(&prep.filter).unwrap_or_default(),
        respondents: prep.leads.len(),
        minimum_group_size: prep.k,
        anonymisation: rules(l, prep.k, prep.filter.text, TEXT_MIN_GROUP.max(prep.k)),
        suppression: suppression(l, &prep),
        columns: columns(l),
        items,
        categories,
    })
}

/// The R script that reads this export's wide CSV and applies the codebook's labels, in language
/// `l` (its comments, messages and labels). It holds no data, so it is not logged.
pub async fn r_script(
    state: &AppState,
    user: &CurrentUser,
    p: &ExportParams,
    l: Locale,
) -> AppResult<String> {
    let prep = prepared(state, user, p).await?;
    let (title, items, _) = codebook_items(state, &prep, l);
    let wide = Wide::of(state, &prep);
    let note = translation_note(state, &prep.filter.instrument, l);
    Ok(super::rscript::script(
        &super::rscript::Heading {
            title: &title,
            instrument: &prep.filter.instrument,
            language: l,
            translation_note: note.as_deref(),
        },
        &items,
        &wide.scored_categories(),
    ))
}

/// What was coarsened, left out or withheld, in language `l`, with how many respondents (`None`
/// for fewer than k).
fn suppression(l: Locale, prep: &Prepared) -> Vec<(String, Option<i64>)> {
    prep.report
        .iter()
        .map(|(what, n)| {
            (
                super::codebook::suppression_text(l, what),
                coarse(*n, prep.k),
            )
        })
        .collect()
}

/// What an export with these filters would hold, without the data (the researcher page's
/// preview, in language `l`). Not logged: it shows counts only, after the same rules.
pub async fn preview(
    state: &AppState,
    user: &CurrentUser,
    p: &ExportParams,
    l: Locale,
) -> AppResult<super::model::ExportPreview> {
    let prep = prepared(state, user, p).await?;
    Ok(super::model::ExportPreview {
        respondents: prep.leads.len() as i64,
        minimum_group_size: prep.k as i64,
        suppression: suppression(l, &prep),
    })
}

/// A count as the preview and the codebook may give it: `None` for 1..k-1.
fn coarse(n: usize, k: usize) -> Option<i64> {
    (n == 0 || n >= k).then(|| i64::try_from(n).unwrap_or(i64::MAX))
}

/// The questionnaires (titled in language `l`), schools, networks and countries the page's
/// filters offer (researchers and admins).
pub async fn choices(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
) -> AppResult<super::model::FilterChoices> {
    may_export(user)?;
    let d = crate::schools::service::directory(&state.db).await?;
    Ok(super::model::FilterChoices {
        instruments: crate::reflection::service::list_instruments(state, l)
            .into_iter()
            .map(|i| (i.id, i.title))
            .collect(),
        networks: d.networks.into_iter().map(|n| (n.id, n.name)).collect(),
        schools: d.schools.into_iter().map(|s| (s.id, s.name)).collect(),
        countries: d.countries,
    })
}

/// Retention: forgets the export log's entries from before `before` (RFC 3339); how many.
pub async fn forget_log_before(state: &AppState, before: &str) -> AppResult<u64> {
    Ok(db::forget_log_before(&state.db.pool, before).await?)
}

/// The newest entries of the export log (admins only: the caller checks).
pub async fn log_entries(state: &AppState) -> AppResult<Vec<super::model::ExportLogEntry>> {
    Ok(
        super::db::log(&state.db.pool, super::model::EXPORT_LOG_SHOWN)
            .await?
            .into_iter()
            .map(
                |(at, email, format, filters, rows)| super::model::ExportLogEntry {
                    at,
                    email: email.unwrap_or_default(),
                    format,
                    filters,
                    rows,
                },
            )
            .collect(),
    )
}
