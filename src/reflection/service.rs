//! The reflection's rules on the server: checking input, saving in one transaction, building the
//! views. Server functions are thin wrappers around these.
use super::db::{self, ReflectionRow};
use super::model::*;
use super::scoring;
use crate::error::{AppError, AppResult};
use crate::i18n::td_string;
use crate::instrument::{Instrument, ItemType, ParsedAnswer};
use crate::results::aggregates;
use crate::server::AppState;
use std::collections::HashMap;
use std::sync::Arc;

/// The current instruments, in language `lang` where translated.
pub fn list_instruments(state: &AppState, lang: crate::lang::Locale) -> Vec<InstrumentSummary> {
    state
        .instruments
        .current()
        .map(|(id, l)| {
            let inst = state.instruments.localized(&l.instrument, lang);
            InstrumentSummary {
                id: id.to_string(),
                version: l.version,
                title: inst.title.clone(),
                description: inst.description.clone(),
                notice: inst.notice.clone(),
                categories: inst.categories.iter().map(|c| c.title.clone()).collect(),
                items: inst.categories.iter().map(|c| c.items().count()).sum(),
                translation_note: state.instruments.translation_note(id, lang),
                untranslated: inst.untranslated,
            }
        })
        .collect()
}

/// A new private token: 192 random bits from the OS generator, hex encoded.
fn new_token() -> String {
    crate::server::random_hex::<24>()
}

/// Only the hash of a token is stored, so the database alone cannot open anyone's reflection.
pub fn token_hash(token: &str) -> String {
    crate::server::sha256_hex(token.as_bytes())
}

fn well_formed_token(token: &str) -> bool {
    token.len() == 48 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The language the reflection behind `token` is answered in; `None` for no such reflection.
pub async fn language(state: &AppState, token: &str) -> AppResult<Option<crate::lang::Locale>> {
    if !well_formed_token(token) {
        return Ok(None);
    }
    let code = db::language_by_token(&state.db.pool, &token_hash(token)).await?;
    Ok(code.map(|c| crate::lang::parse(&c).unwrap_or_default()))
}

/// Goes on in another language (the switch on a reflection's page).
pub async fn set_language(state: &AppState, token: &str, l: crate::lang::Locale) -> AppResult<()> {
    if well_formed_token(token) {
        let mut tx = state.db.begin_write().await?;
        db::set_language(&mut tx, &token_hash(token), crate::lang::code(l)).await?;
        tx.commit().await?;
    }
    Ok(())
}

pub struct StartInput {
    pub instrument: String,
    pub role: String,
    pub school_code: String,
    pub innovation: String,
    pub innovation_detail: String,
    pub consent: String,
    /// A workshop's join code (empty outside workshops).
    pub workshop: String,
    /// Who is asking, for the rate limit on wrong workshop codes (never stored).
    pub client: String,
    /// The language of the page it was started from; its pages keep speaking it.
    pub language: crate::lang::Locale,
}

pub async fn start(state: &AppState, input: StartInput) -> AppResult<String> {
    let l = input.language;
    let loaded = state
        .instruments
        .latest(&input.instrument)
        .ok_or_else(|| no_questionnaire_called(l, &input.instrument))?;
    let role = crate::values::RespondentRole::parse(&input.role)
        .ok_or_else(|| AppError::invalid("Choose your role."))?;
    if !INNOVATIONS.contains(&input.innovation.as_str()) {
        return Err(AppError::invalid("Choose the innovation you reflect on."));
    }
    let detail = input.innovation_detail.trim();
    if detail.chars().count() > MAX_INNOVATION_DETAIL {
        let max = crate::lang::integer(l, MAX_INNOVATION_DETAIL as i64);
        return Err(AppError::invalid(
            td_string!(l, errors.innovation_detail_long, max).to_string(),
        ));
    }
    if input.innovation == "other" && detail.is_empty() {
        return Err(AppError::invalid(
            "Say in a few words which innovation you reflect on.",
        ));
    }
    let consent = consent_of(&input.consent)?;
    let code: String = input
        .school_code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_uppercase();
    state.start_limit.client(&input.client)?;
    let school_id = if code.is_empty() {
        None
    } else {
        let guesses = &state.school_code_limit;
        guesses.check_blocked(&input.client)?;
        if code.len() > 16 {
            return Err(guesses.wrong(
                &input.client,
                AppError::invalid("A school code has at most 16 characters."),
            ));
        }
        let Some(id) = db::school_id_by_code(&state.db.pool, &code).await? else {
            return Err(guesses.wrong(
                &input.client,
                AppError::NotFound(
                    "No school has this code. Check it, or leave the field empty.".into(),
                ),
            ));
        };
        state.start_limit.school(&id)?;
        Some(id)
    };
    let workshop_id = if input.workshop.trim().is_empty() {
        None
    } else {
        let w = crate::workshops::service::find_open(state, &input.client, &input.workshop).await?;
        if w.instrument_id != loaded.instrument.id {
            return Err(AppError::invalid(
                "This workshop uses another questionnaire: open it from the workshop's join page.",
            ));
        }
        state.start_limit.room(&input.client, &w.id)?;
        Some(w.id)
    };
    let token = insert_new(
        state,
        Stored {
            instrument_id: &loaded.instrument.id,
            instrument_version: loaded.version,
            role,
            school_id: school_id.as_deref(),
            innovation: &input.innovation,
            innovation_detail: (!detail.is_empty()).then_some(detail),
            consent_research: consent,
            workshop_id: workshop_id.as_deref(),
            previous_id: None,
            language: input.language,
        },
        None,
    )
    .await?;
    crate::workshops::live::changed(state, workshop_id.as_deref()).await;
    Ok(token)
}

/// A new reflection's fields, checked.
struct Stored<'a> {
    instrument_id: &'a str,
    instrument_version: i64,
    role: crate::values::RespondentRole,
    school_id: Option<&'a str>,
    innovation: &'a str,
    innovation_detail: Option<&'a str>,
    consent_research: bool,
    workshop_id: Option<&'a str>,
    /// The earlier reflection it retakes.
    previous_id: Option<&'a str>,
    language: crate::lang::Locale,
}

/// Stores a new reflection (in a round: using its invitation code in the same transaction, so
/// the code is used exactly when the reflection exists) and returns its private token.
async fn insert_new(
    state: &AppState,
    r: Stored<'_>,
    round: Option<(&crate::rounds::service::Entry, &str)>,
) -> AppResult<String> {
    let token = new_token();
    let id = uuid::Uuid::new_v4().to_string();
    let hash = token_hash(&token);
    let (today, now) = (crate::server::today(), crate::server::now());
    let mut tx = state.db.begin_write().await?;
    if let Some((entry, client)) = round {
        crate::rounds::service::use_invitation(state, &mut tx, client, entry).await?;
    }
    db::insert(
        &mut tx,
        db::NewReflection {
            id: &id,
            token_hash: &hash,
            instrument_id: r.instrument_id,
            instrument_version: r.instrument_version,
            role: r.role,
            school_id: r.school_id,
            innovation: r.innovation,
            innovation_detail: r.innovation_detail,
            consent_research: r.consent_research,
            workshop_id: r.workshop_id,
            round_id: round.map(|(e, _)| e.round_id.as_str()),
            previous_id: r.previous_id,
            language: crate::lang::code(r.language),
            today: &today,
            now: &now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// What a respondent sends from a round's group link page.
pub struct RoundStart {
    pub link: String,
    pub role: String,
    pub invitation: String,
    pub consent: String,
    /// Who is asking, for the limits on wrong codes and new reflections (never stored).
    pub client: String,
    pub language: crate::lang::Locale,
}

/// Starts a reflection through a round's group link: the school, the role's group, the
/// questionnaire and the innovation come from the round; an invitation code is used when the
/// round takes only invited people.
pub async fn start_in_round(state: &AppState, input: RoundStart) -> AppResult<String> {
    let consent = consent_of(&input.consent)?;
    state.start_limit.client(&input.client)?;
    let entry = crate::rounds::service::entry(
        state,
        &input.client,
        &input.link,
        &input.role,
        &input.invitation,
    )
    .await?;
    let loaded = state
        .instruments
        .latest(&entry.instrument_id)
        .ok_or_else(|| no_questionnaire_called(input.language, &entry.instrument_id))?;
    insert_new(
        state,
        Stored {
            instrument_id: &loaded.instrument.id,
            instrument_version: loaded.version,
            role: entry.role,
            school_id: Some(&entry.school_id),
            innovation: &entry.innovation,
            innovation_detail: entry.innovation_detail.as_deref(),
            consent_research: consent,
            workshop_id: None,
            previous_id: None,
            language: input.language,
        },
        Some((&entry, &input.client)),
    )
    .await
}

/// "Reflect again": a new reflection on the latest version of the same questionnaire, with the
/// same role, school, innovation, research consent and language, pointing to this finished one, so
/// that its profile shows the change per category. Not in a workshop or a round (those are moments
/// of their own). Returns the new private token.
pub async fn reflect_again(state: &AppState, token: &str, client: &str) -> AppResult<String> {
    let (row, _) = load(state, token).await?;
    if Status::parse(&row.status) != Status::Finished {
        return Err(AppError::Conflict(
            "Finish this reflection first; then you can reflect again and see the change.".into(),
        ));
    }
    state.start_limit.client(client)?;
    let l = language_of(&row);
    let loaded = state
        .instruments
        .latest(&row.instrument_id)
        .ok_or_else(|| no_questionnaire_called(l, &row.instrument_id))?;
    let role = crate::values::RespondentRole::parse(&row.role).ok_or(AppError::Internal)?;
    let consent = db::consent_of(&state.db.pool, &row.id).await?;
    insert_new(
        state,
        Stored {
            instrument_id: &loaded.instrument.id,
            instrument_version: loaded.version,
            role,
            school_id: row.school_id.as_deref(),
            innovation: &row.innovation,
            innovation_detail: row.innovation_detail.as_deref(),
            consent_research: consent,
            workshop_id: None,
            previous_id: Some(&row.id),
            language: l,
        },
        None,
    )
    .await
}

/// How many earlier reflections a profile looks back on at most.
const MAX_EARLIER: usize = 20;

/// The finished earlier reflections of a retake chain, newest first: each one's means for the
/// profile's categories (by id, so a newer questionnaire version still lines up) and its action
/// plan.
async fn earlier(
    state: &AppState,
    row: &ReflectionRow,
    l: crate::lang::Locale,
    category_ids: &[String],
) -> AppResult<Vec<Earlier>> {
    let mut out = Vec::new();
    let mut seen = vec![row.id.clone()];
    let mut next = row.previous_id.clone();
    while let Some(id) = next.take() {
        if out.len() >= MAX_EARLIER || seen.contains(&id) {
            break;
        }
        seen.push(id.clone());
        let Some(r) = db::find_by_id(&state.db.pool, &id).await? else {
            break;
        };
        next = r.previous_id.clone();
        let (Some(finished_at), Some(inst)) = (
            r.finished_at.as_deref(),
            state
                .instruments
                .get(&r.instrument_id, r.instrument_version),
        ) else {
            continue;
        };
        let inst = state.instruments.localized(&inst, l);
        let scores: HashMap<String, Option<i64>> = db::answers(&state.db.pool, &r.id)
            .await?
            .into_iter()
            .filter(|(item, _, _)| {
                inst.find_item(item)
                    .is_some_and(|(_, i)| i.kind == ItemType::Likert)
            })
            .map(|(item, _, score)| (item, score))
            .collect();
        let profile = scoring::score(&inst, &scores);
        out.push(Earlier {
            finished_on: finished_at.chars().take(10).collect(),
            means: category_ids
                .iter()
                .map(|id| {
                    profile
                        .categories
                        .iter()
                        .find(|c| &c.id == id)
                        .and_then(|c| c.mean)
                })
                .collect(),
            action_plan: r.action_plan.clone(),
        });
    }
    Ok(out)
}

/// The answer to "may your answers be used for research?".
fn consent_of(raw: &str) -> AppResult<bool> {
    match crate::values::YesNo::parse(raw) {
        Some(answer) => Ok(answer == crate::values::YesNo::Yes),
        None => Err(AppError::invalid(
            "Say whether your answers may be used for research (yes or no).",
        )),
    }
}

/// A participant's answers to their workshop room's questions (poll and word), saved with the
/// reflection behind `token`.
pub async fn answer_room(
    state: &AppState,
    token: &str,
    poll: Option<&str>,
    word: Option<&str>,
) -> AppResult<()> {
    let (row, _) = load(state, token).await?;
    crate::workshops::service::answer_room(state, &row.id, row.workshop.as_ref(), poll, word).await
}

/// The reflection behind a token, with its instrument version.
pub(crate) async fn load(
    state: &AppState,
    token: &str,
) -> AppResult<(ReflectionRow, Arc<Instrument>)> {
    if !well_formed_token(token) {
        return Err(AppError::unknown_reflection());
    }
    let mut row = db::find_by_token(&state.db.pool, &token_hash(token))
        .await?
        .ok_or_else(AppError::unknown_reflection)?;
    let mut inst = state.instruments.get(&row.instrument_id, row.instrument_version).ok_or_else(|| {
        tracing::error!(instrument = %row.instrument_id, version = row.instrument_version, "instrument version missing");
        AppError::Internal
    })?;
    // in a workshop: only the workshop's categories (and parts), and no answers once it is closed
    if let Some(w) = &row.workshop_id {
        row.workshop = crate::workshops::service::frame(state, w).await?;
    }
    if let Some(w) = &row.workshop {
        let limited = w.limit(&inst);
        if !limited.categories.is_empty() {
            inst = Arc::new(limited);
        }
    }
    Ok((row, inst))
}

/// The instrument in the language the reflection is answered in (for what a page shows; answers
/// are checked against ids and values, the same in every language).
fn in_its_language(
    state: &AppState,
    row: &ReflectionRow,
    inst: &Arc<Instrument>,
) -> Arc<Instrument> {
    let l = crate::lang::parse(&row.language).unwrap_or_default();
    state.instruments.localized(inst, l)
}

fn workshop_closed_error() -> AppError {
    AppError::Conflict(
        "The workshop is closed, so it accepts no more answers. Your earlier answers are kept."
            .into(),
    )
}

pub(super) fn finished_error() -> AppError {
    AppError::Conflict("This reflection is finished, so its answers can no longer be changed. Your profile shows them.".into())
}

/// "There is no questionnaire called …" in language `l`.
pub(super) fn no_questionnaire_called(l: crate::lang::Locale, name: &str) -> AppError {
    let name = short(name);
    AppError::NotFound(td_string!(l, errors.no_questionnaire_called, name).to_string())
}

fn unknown_item(l: crate::lang::Locale, item: &str) -> AppError {
    let item = short(item);
    AppError::NotFound(td_string!(l, errors.no_item, item).to_string())
}

/// The language a reflection is answered in: its pages and its messages speak it.
fn language_of(row: &ReflectionRow) -> crate::lang::Locale {
    crate::lang::parse(&row.language).unwrap_or_default()
}

pub async fn save_answer(
    state: &AppState,
    token: &str,
    item_id: &str,
    value: &str,
) -> AppResult<SaveOutcome> {
    let (row, inst) = load(state, token).await?;
    let l = language_of(&row);
    let (cat_index, item) = inst
        .find_item(item_id)
        .ok_or_else(|| unknown_item(l, item_id))?;
    let parsed = inst
        .parse_answer(item, value)
        .map_err(|e| AppError::Invalid(e.message_in(l)))?;
    if row.workshop_closed() {
        return Err(workshop_closed_error());
    }
    let score = match &parsed {
        crate::instrument::ParsedAnswer::Store(a) => a.score,
        crate::instrument::ParsedAnswer::Clear => None,
    };
    // stored by the group-committing writer; answered once committed
    let answered = state
        .saves
        .save(super::saves::Save {
            reflection_id: row.id.clone(),
            item_id: item_id.to_string(),
            answer: parsed,
            now: crate::server::now(),
        })
        .await?;
    let answer = crate::workshops::live::Answer {
        reflection_id: row.id.clone(),
        item_id: item_id.to_string(),
        score,
    };
    crate::workshops::live::answered(state, row.workshop_id.as_deref(), answer).await;
    let category = &inst.categories[cat_index];
    Ok(SaveOutcome {
        category: cat_index + 1,
        category_complete: category.items().all(|i| answered.contains(&i.id)),
        answered_items: answered.len(),
        total_items: total_items(&inst),
    })
}

fn total_items(inst: &Instrument) -> usize {
    inst.categories.iter().map(|c| c.items().count()).sum()
}

async fn answer_values(state: &AppState, id: &str) -> AppResult<HashMap<String, String>> {
    Ok(db::answers(&state.db.pool, id)
        .await?
        .into_iter()
        .map(|(k, v, _)| (k, v))
        .collect())
}

/// Saves every answer of one category page, all or nothing, then says where to go next.
pub async fn submit_category(
    state: &AppState,
    token: &str,
    index: usize,
    go: Go,
    confirmed: bool,
    answers: HashMap<String, String>,
    multi: HashMap<String, HashMap<String, String>>,
    note: Option<String>,
) -> AppResult<String> {
    let (row, inst) = load(state, token).await?;
    let l = language_of(&row);
    let total = inst.categories.len();
    let category = index
        .checked_sub(1)
        .and_then(|i| inst.categories.get(i))
        .ok_or_else(|| {
            let n = crate::lang::integer(l, index as i64);
            AppError::NotFound(td_string!(l, errors.no_category, n).to_string())
        })?;
    // Check everything before writing anything.
    let mut parsed: Vec<(String, ParsedAnswer)> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    for key in answers.keys().chain(multi.keys()) {
        if !category.items().any(|i| &i.id == key) {
            return Err(match inst.find_item(key) {
                Some(_) => {
                    let item = short(key);
                    AppError::invalid(td_string!(l, errors.item_not_on_page, item).to_string())
                }
                None => unknown_item(l, key),
            });
        }
    }
    for item in category.items() {
        let raw = if item.kind == ItemType::MultipleChoice {
            // checkboxes: multi[item][option]=on; all unchecked means no answer
            let mut chosen: Vec<&str> = multi
                .get(&item.id)
                .map(|m| m.keys().map(String::as_str).collect())
                .unwrap_or_default();
            chosen.sort_unstable();
            match answers.get(&item.id) {
                Some(v) => v.clone(),
                None => chosen.join(","),
            }
        } else {
            match answers.get(&item.id) {
                Some(v) => v.clone(),
                // radio buttons nobody touched send nothing: leave such answers as they are
                None => continue,
            }
        };
        match inst.parse_answer(item, &raw) {
            Ok(p) => parsed.push((item.id.clone(), p)),
            Err(e) => {
                // the statement as the respondent reads it
                let shown = in_its_language(state, &row, &inst);
                let text = shown
                    .find_item(&item.id)
                    .map_or(item.text.as_str(), |(_, i)| i.text.as_str());
                let (item, problem) = (short(text), e.message_in(l));
                problems.push(td_string!(l, errors.answer_problem, item, problem).to_string());
            }
        }
    }
    let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    if let Some(n) = &note {
        if category.reflection_prompt.is_none() {
            return Err(AppError::invalid(
                "This category has no reflection question.",
            ));
        }
        if n.chars().count() > MAX_NOTE {
            let max = crate::lang::integer(l, MAX_NOTE as i64);
            problems.push(td_string!(l, errors.note_too_long, max).to_string());
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems.join(" ")));
    }
    if row.workshop_closed() {
        return Err(workshop_closed_error());
    }
    let now = crate::server::now();
    let mut tx = state.db.begin_write().await?;
    if !db::lock_in_progress(&mut tx, &row.id, &now).await? {
        return Err(finished_error());
    }
    let (mut stores, mut clears) = (Vec::new(), Vec::new());
    for (item, p) in &parsed {
        match p {
            ParsedAnswer::Store(a) => {
                stores.push((row.id.as_str(), item.as_str(), a, now.as_str()))
            }
            ParsedAnswer::Clear => clears.push((row.id.as_str(), item.as_str())),
        }
    }
    db::upsert_answers(&mut tx, &stores).await?;
    db::delete_answers(&mut tx, &clears).await?;
    if category.reflection_prompt.is_some() {
        db::set_note(&mut tx, &row.id, &category.id, note.as_deref(), &now).await?;
    }
    let enc = urlencoding::encode(token);
    let mut finished = false;
    let next = match go {
        Go::Back => format!("/r/{enc}/c/{}", index.saturating_sub(1).max(1)),
        Go::Stay => format!("/r/{enc}/c/{index}"),
        Go::Next if index < total => {
            let open = if confirmed {
                0
            } else {
                let answers = db::answers_in(&mut tx, &row.id).await?;
                unanswered(category.items(), &answered_ids(&answers))
            };
            if open > 0 {
                format!("/r/{enc}/c/{index}?unanswered={open}#confirm")
            } else {
                format!("/r/{enc}/c/{}", index + 1)
            }
        }
        // Next on the last page finishes too
        Go::Next | Go::Finish => {
            // finish: every required item must be answered; statements left open are asked about once
            let answers = db::answers_in(&mut tx, &row.id).await?;
            let have = answered_ids(&answers);
            let missing = inst
                .categories
                .iter()
                .enumerate()
                .flat_map(|(ci, c)| c.items().map(move |i| (ci, i)))
                .find(|(_, i)| i.required && !have.contains(i.id.as_str()))
                .map(|(ci, item)| {
                    format!(
                        "Please answer “{}” (page {}) before you finish.",
                        short(&item.text),
                        ci + 1
                    )
                });
            if let Some(message) = missing {
                // the page's answers are kept; only finishing waits
                tx.commit().await?;
                return Err(AppError::invalid(message));
            }
            let open = if confirmed {
                0
            } else {
                unanswered(inst.categories.iter().flat_map(|c| c.items()), &have)
            };
            if open > 0 {
                format!("/r/{enc}/c/{index}?unanswered={open}#confirm")
            } else {
                db::finish(&mut tx, &row.id, &now).await?;
                let respondent = aggregate_respondent(&row, &now);
                let k = state.config.min_group_size;
                aggregates::apply(&mut tx, &inst, &respondent, &answers, 1, k, &now).await?;
                finished = true;
                format!("/r/{enc}/profile")
            }
        }
    };
    tx.commit().await?;
    if finished {
        // the groups above school level release after the commit, off this request
        crate::results::above::poke(state);
    }
    crate::workshops::live::changed(state, row.workshop_id.as_deref()).await;
    Ok(next)
}

/// The ids of the items that have an answer.
fn answered_ids(answers: &[(String, String)]) -> std::collections::HashSet<&str> {
    answers.iter().map(|(k, _)| k.as_str()).collect()
}

/// How many of `items` have no answer.
fn unanswered<'a>(
    items: impl Iterator<Item = &'a crate::instrument::Item>,
    have: &std::collections::HashSet<&str>,
) -> usize {
    items.filter(|i| !have.contains(i.id.as_str())).count()
}

/// The first 60 characters of a text, to name an item or a key in a message.
pub(crate) fn short(s: &str) -> String {
    s.chars().take(60).collect()
}

/// The private link of `token` on the site at `base` (see `server::request_base`).
pub fn resume_url(base: &str, token: &str) -> String {
    format!("{base}/r/{token}")
}

pub async fn category_view(
    state: &AppState,
    base: &str,
    token: &str,
    index: usize,
) -> AppResult<CategoryView> {
    let (row, inst) = load(state, token).await?;
    let inst = in_its_language(state, &row, &inst);
    let category = index
        .checked_sub(1)
        .and_then(|i| inst.categories.get(i))
        .ok_or_else(|| {
            let l = language_of(&row);
            let n = crate::lang::integer(l, index as i64);
            AppError::NotFound(td_string!(l, errors.no_page, n).to_string())
        })?;
    let (answers, note) = db::page_answers(&state.db.pool, &row.id, &category.id).await?;
    let answers: HashMap<String, String> = answers.into_iter().collect();
    Ok(CategoryView {
        token: token.to_string(),
        resume_url: resume_url(base, token),
        instrument_title: inst.title.clone(),
        index,
        total: inst.categories.len(),
        category: category.clone(),
        scales: inst.scales.clone(),
        answered_items: answers.len(),
        total_items: total_items(&inst),
        answers: category
            .items()
            .filter_map(|i| answers.get(&i.id).map(|v| (i.id.clone(), v.clone())))
            .collect(),
        note,
        status: Status::parse(&row.status),
    })
}

fn first_open_category(inst: &Instrument, answered: &HashMap<String, String>) -> usize {
    inst.categories
        .iter()
        .position(|c| c.items().any(|i| !answered.contains_key(&i.id)))
        .unwrap_or(inst.categories.len().saturating_sub(1))
        + 1
}

pub async fn resume_target(state: &AppState, token: &str) -> AppResult<String> {
    let (row, inst) = load(state, token).await?;
    if Status::parse(&row.status) == Status::Finished {
        return Ok(format!("/r/{token}/profile"));
    }
    let answered = answer_values(state, &row.id).await?;
    Ok(format!(
        "/r/{token}/c/{}",
        first_open_category(&inst, &answered)
    ))
}

pub async fn profile_view(state: &AppState, base: &str, token: &str) -> AppResult<ProfileView> {
    let (row, inst) = load(state, token).await?;
    let inst = in_its_language(state, &row, &inst);
    let rows = db::answers(&state.db.pool, &row.id).await?;
    let scores: HashMap<String, Option<i64>> = rows
        .iter()
        .filter(|(item, _, _)| {
            inst.find_item(item)
                .is_some_and(|(_, i)| i.kind == ItemType::Likert)
        })
        .map(|(item, _, score)| (item.clone(), *score))
        .collect();
    let values: HashMap<String, String> = rows
        .iter()
        .map(|(k, v, _)| (k.clone(), v.clone()))
        .collect();
    let profile = scoring::score(&inst, &scores);
    let profile_ids: Vec<String> = profile.categories.iter().map(|c| c.id.clone()).collect();
    let weakest_titles: Vec<String> = profile
        .categories
        .iter()
        .filter(|c| profile.weakest.contains(&c.id))
        .map(|c| c.title.clone())
        .collect();
    let mut weakest_statements: Vec<StatementAnswer> = inst
        .categories
        .iter()
        .filter(|c| profile.weakest.contains(&c.id))
        .flat_map(|c| c.subcategories.iter())
        .flat_map(|s| s.items.iter().map(move |i| (s, i)))
        .filter(|(_, i)| i.kind == ItemType::Likert)
        .map(|(s, i)| StatementAnswer {
            text: i.text.clone(),
            subcategory: s.title.clone(),
            answer: values
                .get(&i.id)
                .map(|v| inst.answer_label(i, v))
                .unwrap_or_else(|| "Not answered".into()),
            score: scores.get(&i.id).copied().flatten(),
        })
        .collect();
    // lowest answers first; not applicable and unanswered last
    weakest_statements.sort_by_key(|s| s.score.unwrap_or(i64::MAX));
    // the labels of the scale categories are ranked on, and how the others read
    let scale_labels = profile
        .ranking_scale
        .as_ref()
        .and_then(|s| inst.scales.get(s))
        .map(|s| s.labels.clone())
        .unwrap_or_default();
    let other_scales = profile
        .categories
        .iter()
        .filter(|c| c.scale != profile.ranking_scale)
        .filter_map(|c| {
            let scale = inst.scales.get(c.scale.as_ref()?)?;
            Some((c.id.clone(), crate::instrument::scale_span(&scale.labels)))
        })
        .collect();
    let notes = db::notes(&state.db.pool, &row.id)
        .await?
        .into_iter()
        .filter_map(|(c, n)| {
            inst.categories
                .iter()
                .find(|x| x.id == c)
                .map(|x| (x.title.clone(), n))
        })
        .collect();
    let room = match &row.workshop {
        Some(w) => crate::workshops::service::room_questions(state, &row.id, w).await?,
        None => None,
    };
    Ok(ProfileView {
        room,
        token: token.to_string(),
        resume_url: resume_url(base, token),
        instrument_title: inst.title.clone(),
        instrument_version: row.instrument_version,
        innovation: row.innovation.clone(),
        innovation_detail: row.innovation_detail.clone(),
        status: Status::parse(&row.status),
        profile,
        scale_labels,
        other_scales,
        weakest_titles,
        weakest_statements,
        action_plan: row.action_plan.clone(),
        notes,
        first_open_category: first_open_category(&inst, &values),
        earlier: earlier(state, &row, language_of(&row), &profile_ids).await?,
        comparisons: if Status::parse(&row.status) == Status::Finished {
            comparisons(state, &row, &inst, &profile_ids).await?
        } else {
            Vec::new()
        },
    })
}

/// The school's and everyone's category means (same instrument version), from the running
/// aggregates, for groups of at least the minimum size.
async fn comparisons(
    state: &AppState,
    row: &ReflectionRow,
    inst: &Instrument,
    category_ids: &[String],
) -> AppResult<Vec<Comparison>> {
    use crate::results::model::MeanOf;
    use crate::results::model::Scope;
    let columns: Vec<MeanOf> = category_ids
        .iter()
        .map(|id| MeanOf::Category(id.clone()))
        .collect();
    let mut scopes = Vec::new();
    if let Some(school) = &row.school_id {
        scopes.push(("Your school", Scope::School(school.clone())));
    }
    scopes.push(("All respondents", Scope::All));
    let mut out = Vec::new();
    for (label, scope) in scopes {
        let g = crate::results::service::group_means(
            state,
            inst,
            row.instrument_version,
            &scope,
            &columns,
        )
        .await?;
        out.push(Comparison {
            label: label.to_string(),
            respondents: g.respondents,
            withheld: g.withheld,
            means: g.means,
        });
    }
    Ok(out)
}

pub async fn save_action_plan(state: &AppState, token: &str, plan: &str) -> AppResult<PlanSaved> {
    let (row, _) = load(state, token).await?;
    if Status::parse(&row.status) != Status::Finished {
        return Err(AppError::Conflict(
            "Finish the reflection first; the action plan belongs to its profile.".into(),
        ));
    }
    let plan = plan.trim();
    if plan.chars().count() > MAX_ACTION_PLAN {
        let l = language_of(&row);
        let max = crate::lang::integer(l, MAX_ACTION_PLAN as i64);
        return Err(AppError::invalid(
            td_string!(l, errors.plan_too_long, max).to_string(),
        ));
    }
    if plan
        .chars()
        .any(|c| c.is_control() && !"\n\r\t".contains(c))
    {
        return Err(AppError::invalid(
            "The action plan contains characters that cannot be stored.",
        ));
    }
    if plan.is_empty() && row.action_plan.is_none() {
        return Err(AppError::invalid(
            "Write one or two steps first: an empty action plan is not saved.",
        ));
    }
    db::set_action_plan(
        &state.db.pool,
        &row.id,
        (!plan.is_empty()).then_some(plan),
        &crate::server::now(),
    )
    .await?;
    Ok(if plan.is_empty() {
        PlanSaved::Removed
    } else {
        PlanSaved::Saved
    })
}

pub async fn delete(
    state: &AppState,
    token: &str,
    confirmed: bool,
    with_earlier: bool,
) -> AppResult<()> {
    let (row, inst) = load(state, token).await?;
    if !confirmed {
        return Err(AppError::invalid(
            "Tick the box to confirm that all your answers should be deleted.",
        ));
    }
    let mut tx = state.db.begin_write().await?;
    let mut gone = vec![row.id.clone()];
    let mut workshops = vec![row.workshop_id.clone()];
    remove(state, &mut tx, &row, &inst).await?;
    // the earlier reflections of the chain, when asked: all in the same transaction
    let mut next = row.previous_id.clone().filter(|_| with_earlier);
    while let Some(id) = next.take() {
        if gone.contains(&id) {
            break;
        }
        let Some(r) = db::find_by_id_in(&mut tx, &id).await? else {
            break;
        };
        next = r.previous_id.clone();
        let inst = state
            .instruments
            .get(&r.instrument_id, r.instrument_version)
            .ok_or(AppError::Internal)?;
        remove(state, &mut tx, &r, &inst).await?;
        gone.push(id);
        workshops.push(r.workshop_id.clone());
    }
    tx.commit().await?;
    crate::results::above::poke(state);
    for w in workshops {
        crate::workshops::live::changed(state, w.as_deref()).await;
    }
    tracing::info!(
        reflections = gone.len(),
        "a respondent deleted their reflection"
    );
    Ok(())
}

/// Retention: deletes the unfinished reflections nobody has touched since `before` (RFC 3339),
/// with their answers and notes. Unfinished reflections are in no group result, so nothing else
/// changes; one finished meanwhile is left alone. Returns how many went.
pub async fn forget_unfinished(state: &AppState, before: &str) -> AppResult<usize> {
    let stale = db::unfinished_before(&state.db.pool, before).await?;
    let mut gone = 0;
    let mut workshops: Vec<String> = Vec::new();
    for chunk in stale.chunks(200) {
        let mut tx = state.db.begin_write().await?;
        for (id, workshop) in chunk {
            if db::claim_unfinished(&mut tx, id, before).await? {
                db::delete(&mut tx, id).await?;
                gone += 1;
                if let Some(w) = workshop
                    && !workshops.contains(w)
                {
                    workshops.push(w.clone());
                }
            }
        }
        tx.commit().await?;
    }
    for w in &workshops {
        crate::workshops::live::changed(state, Some(w)).await;
    }
    Ok(gone)
}

/// Takes one reflection (answering `inst`) out of the group results when finished, and deletes
/// it, in `tx`.
async fn remove(
    state: &AppState,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    row: &ReflectionRow,
    inst: &Instrument,
) -> AppResult<()> {
    if let Some(finished_at) = row.finished_at.as_deref() {
        let answers = db::answers_in(tx, &row.id).await?;
        aggregates::apply(
            tx,
            inst,
            &aggregate_respondent(row, finished_at),
            &answers,
            -1,
            state.config.min_group_size,
            &crate::server::now(),
        )
        .await?;
    }
    db::delete(tx, &row.id).await?;
    Ok(())
}

/// The reflection as the aggregates see it, finished at `finished_at`.
fn aggregate_respondent(row: &ReflectionRow, finished_at: &str) -> aggregates::Respondent {
    aggregates::Respondent {
        instrument_id: row.instrument_id.clone(),
        instrument_version: row.instrument_version,
        school_id: row.school_id.clone(),
        role: row.role.clone(),
        innovation: row.innovation.clone(),
        language: aggregates::answered_in(&row.language),
        finished_at: finished_at.to_string(),
        round_id: row.round_id.clone(),
    }
}
