//! Workshops: created by facilitators (or admins), opened and closed by them; participants find an
//! open workshop by its code, with wrong codes rate-limited per client.
use super::model::*;
use super::{codes, db};
use crate::accounts::model::{CurrentUser, Role};
use crate::error::{AppError, AppResult};
use crate::server::AppState;
use rand::Rng;

pub struct NewWorkshop<'a> {
    pub title: &'a str,
    pub instrument: &'a str,
    pub categories: &'a [String],
    /// Chosen parts as "category/subcategory"; a part's category counts as chosen.
    pub parts: &'a [String],
    pub ask_poll: bool,
    pub word_prompt: Option<&'a str>,
}

fn may_run_workshops(user: &CurrentUser) -> AppResult<()> {
    match user.role {
        Role::Facilitator | Role::Admin => Ok(()),
        _ => Err(AppError::Forbidden(
            "Only facilitators and administrators run workshops.".into(),
        )),
    }
}

/// The workshop, if this user may see it: its facilitator or an admin. Anyone else gets the same
/// answer as for an unknown id, so ids of other people's workshops cannot be confirmed.
async fn own(state: &AppState, user: &CurrentUser, id: &str) -> AppResult<db::Row> {
    may_run_workshops(user)?;
    match db::by_id(&state.db.pool, id).await? {
        Some(r) if user.is_admin() || r.facilitator_id == user.id => Ok(r),
        _ => Err(AppError::NotFound("There is no such workshop.".into())),
    }
}

pub async fn create(state: &AppState, user: &CurrentUser, w: NewWorkshop<'_>) -> AppResult<String> {
    may_run_workshops(user)?;
    let title = w.title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() || title.chars().count() > MAX_TITLE {
        let l = crate::lang::current();
        let max = crate::lang::integer(l, MAX_TITLE as i64);
        return Err(AppError::invalid(
            crate::i18n::td_string!(l, errors.workshop_title, max).to_string(),
        ));
    }
    let inst = state
        .instruments
        .latest(w.instrument)
        .ok_or_else(|| AppError::invalid("Choose a questionnaire from the list."))?
        .instrument
        .clone();
    let all_parts: Vec<String> = inst
        .categories
        .iter()
        .flat_map(|c| c.subcategories.iter().map(|s| part_key(&c.id, &s.id)))
        .collect();
    if w.parts.iter().any(|p| !all_parts.contains(p)) {
        return Err(AppError::invalid(
            "Choose parts of categories from the questionnaire's list.",
        ));
    }
    let mut chosen = Vec::new();
    let mut parts = Vec::new();
    for c in &inst.categories {
        let mine: Vec<String> = c
            .subcategories
            .iter()
            .map(|s| part_key(&c.id, &s.id))
            .filter(|k| w.parts.contains(k))
            .collect();
        if w.categories.contains(&c.id) || !mine.is_empty() {
            chosen.push(c.id.clone());
        }
        parts.extend(mine);
    }
    if chosen.is_empty() {
        return Err(AppError::invalid(
            "Choose at least one category for the workshop.",
        ));
    }
    if w.categories.iter().any(|c| !chosen.contains(c)) {
        return Err(AppError::invalid(
            "Choose categories from the questionnaire's list.",
        ));
    }
    if w.ask_poll && chosen.len() < 2 {
        return Err(AppError::invalid(
            "The poll “Which category needs most work?” needs at least two categories.",
        ));
    }
    let word_prompt = w.word_prompt.map(str::trim).filter(|p| !p.is_empty());
    if word_prompt.is_some_and(|p| p.chars().count() > MAX_WORD_PROMPT) {
        let l = crate::lang::current();
        let max = crate::lang::integer(l, MAX_WORD_PROMPT as i64);
        return Err(AppError::invalid(
            crate::i18n::td_string!(l, errors.word_prompt_long, max).to_string(),
        ));
    }
    let categories = serde_json::to_string(&chosen).map_err(|_| AppError::Internal)?;
    let parts = serde_json::to_string(&parts).map_err(|_| AppError::Internal)?;
    for _ in 0..8 {
        let code = {
            let mut rng = rand::thread_rng();
            codes::from_random((0..codes::LENGTH).map(|_| rng.r#gen::<u32>()))
        };
        let row = db::Row {
            id: uuid::Uuid::new_v4().to_string(),
            facilitator_id: user.id.clone(),
            title: title.clone(),
            instrument_id: w.instrument.to_string(),
            categories: categories.clone(),
            ask_poll: w.ask_poll,
            word_prompt: word_prompt.map(str::to_string),
            code,
            status: WorkshopStatus::Open,
            revealed: false,
            parts: parts.clone(),
            language: crate::lang::code(crate::lang::current()).to_string(),
        };
        if db::insert(&state.db.pool, &row, &crate::server::now()).await? {
            return Ok(row.id);
        }
    }
    tracing::error!("no free workshop code after 8 tries");
    Err(AppError::Internal)
}

pub async fn list(state: &AppState, user: &CurrentUser) -> AppResult<WorkshopList> {
    may_run_workshops(user)?;
    let rows = db::list(
        &state.db.pool,
        (!user.is_admin()).then_some(user.id.as_str()),
    )
    .await?;
    Ok(WorkshopList {
        workshops: rows
            .into_iter()
            .map(|r| (r.id, r.title, r.code, r.status))
            .collect(),
        instruments: state
            .instruments
            .current()
            .map(|(id, l)| {
                let inst = state
                    .instruments
                    .localized(&l.instrument, crate::lang::current());
                InstrumentChoice {
                    id: id.to_string(),
                    title: inst.title.clone(),
                    categories: inst
                        .categories
                        .iter()
                        .map(|c| CategoryChoice {
                            id: c.id.clone(),
                            title: c.title.clone(),
                            parts: c
                                .subcategories
                                .iter()
                                .map(|s| (part_key(&c.id, &s.id), s.title.clone()))
                                .collect(),
                        })
                        .collect(),
                }
            })
            .collect(),
    })
}

/// The join address of a code on the site at `base`, e.g.
/// `https://reflect.example.org/join?code=91618750`.
fn join_url(base: &str, code: &str) -> String {
    format!("{base}/join?code={code}")
}

/// The QR code of `url` as SVG (the `qrcode` crate; made here, never by a web service).
pub fn qr_svg(url: &str) -> AppResult<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).map_err(|e| {
        tracing::error!(error = %e, "QR code");
        AppError::Internal
    })?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

pub async fn get(
    state: &AppState,
    base: &str,
    user: &CurrentUser,
    id: &str,
) -> AppResult<Workshop> {
    let r = own(state, user, id).await?;
    let inst = state.instruments.latest(&r.instrument_id).map(|l| {
        state
            .instruments
            .localized(&l.instrument, crate::lang::current())
    });
    let categories = inst
        .as_ref()
        .map(|i| {
            let whole = i.clone();
            r.limit(i)
                .categories
                .iter()
                .map(|c| {
                    let all = whole
                        .categories
                        .iter()
                        .find(|x| x.id == c.id)
                        .map_or(0, |x| x.subcategories.len());
                    let title = if c.subcategories.len() < all {
                        let names: Vec<&str> =
                            c.subcategories.iter().map(|s| s.title.as_str()).collect();
                        format!("{} (only: {})", c.title, names.join("; "))
                    } else {
                        c.title.clone()
                    };
                    (c.id.clone(), title)
                })
                .collect()
        })
        .unwrap_or_default();
    let url = join_url(base, &r.code);
    Ok(Workshop {
        qr_svg: qr_svg(&url)?,
        join_url: url,
        id: r.id,
        title: r.title,
        instrument_title: inst.map(|i| i.title.clone()).unwrap_or_default(),
        instrument_id: r.instrument_id,
        categories,
        ask_poll: r.ask_poll,
        word_prompt: r.word_prompt,
        code: r.code,
        status: r.status,
    })
}

/// Opens, closes or reopens a workshop; a closed workshop accepts no participants.
pub async fn set_status(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    status: &str,
) -> AppResult<()> {
    let r = own(state, user, id).await?;
    let status = WorkshopStatus::parse(status)
        .ok_or_else(|| AppError::invalid("A workshop is open or closed."))?;
    db::set_status(&state.db.pool, &r.id, status).await?;
    super::live::changed(state, Some(&r.id)).await;
    Ok(())
}

/// An open workshop by its code as typed.
pub async fn find_open(state: &AppState, client: &str, typed: &str) -> AppResult<RoomFrame> {
    let limit = &state.join_limit;
    limit.check_blocked(client)?;
    let Some(code) = codes::normalise(typed) else {
        return Err(limit.wrong(
            client,
            AppError::invalid("A workshop code has 8 digits, like 9161 8750."),
        ));
    };
    let Some(r) = db::by_code(&state.db.pool, &code).await? else {
        return Err(limit.wrong(
            client,
            AppError::NotFound("No workshop has this code. Check it on the screen.".into()),
        ));
    };
    if r.status != WorkshopStatus::Open {
        return Err(AppError::Conflict(
            "This workshop is closed: it accepts no answers now.".into(),
        ));
    }
    Ok(r.frame())
}

/// The workshop a reflection was made in, as the questionnaire sees it (none when it is gone).
pub async fn frame(state: &AppState, id: &str) -> AppResult<Option<RoomFrame>> {
    Ok(db::by_id(&state.db.pool, id).await?.map(|w| w.frame()))
}

/// The room's questions for reflection `reflection_id`, made in workshop `w` (none when the
/// workshop asks neither the poll nor a word).
pub async fn room_questions(
    state: &AppState,
    reflection_id: &str,
    w: &RoomFrame,
) -> AppResult<Option<RoomQuestions>> {
    if !w.ask_poll && w.word_prompt.is_none() {
        return Ok(None);
    }
    // in the participant's language (the page's: their reflection's)
    let latest = state.instruments.latest(&w.instrument_id).map(|l| {
        state
            .instruments
            .localized(&l.instrument, crate::lang::current())
    });
    let poll_options = match (w.ask_poll, latest) {
        (true, Some(inst)) => inst
            .categories
            .iter()
            .filter(|c| w.category_ids.contains(&c.id))
            .map(|c| (c.id.clone(), c.title.clone()))
            .collect(),
        _ => Vec::new(),
    };
    let (poll_answer, word_answer) = db::answers_of(&state.db.pool, reflection_id)
        .await?
        .unwrap_or_default();
    Ok(Some(RoomQuestions {
        workshop_title: w.title.clone(),
        poll_options,
        word_prompt: w.word_prompt.clone(),
        poll_answer,
        word_answer,
        open: w.open,
    }))
}

/// Saves a participant's poll choice and word (again: replaces them) for reflection
/// `reflection_id`, made in workshop `w` (none: in no workshop). Only while the workshop is open;
/// only the workshop's categories; one word.
pub async fn answer_room(
    state: &AppState,
    reflection_id: &str,
    w: Option<&RoomFrame>,
    poll: Option<&str>,
    word: Option<&str>,
) -> AppResult<()> {
    let questions = match w {
        Some(w) => room_questions(state, reflection_id, w)
            .await?
            .map(|q| (w, q)),
        None => None,
    };
    let Some((w, q)) = questions else {
        return Err(AppError::Conflict(
            "This reflection belongs to no workshop with questions for the room.".into(),
        ));
    };
    if !q.open {
        return Err(AppError::Conflict(
            "The workshop is closed, so it accepts no more answers.".into(),
        ));
    }
    let poll = poll.map(str::trim).filter(|p| !p.is_empty());
    if let Some(p) = poll
        && !q.poll_options.iter().any(|(id, _)| id == p)
    {
        return Err(AppError::invalid(
            "Choose one of the workshop's categories.",
        ));
    }
    let word = crate::workshops::model::normalise_word(word.unwrap_or_default())
        .map_err(AppError::Invalid)?;
    if word.is_some() && q.word_prompt.is_none() {
        return Err(AppError::invalid(
            "This workshop asks no one-word question.",
        ));
    }
    db::save_answers(
        &state.db.pool,
        reflection_id,
        &w.id,
        poll,
        word.as_deref(),
        &crate::server::now(),
    )
    .await?;
    super::live::changed(state, Some(&w.id)).await;
    Ok(())
}

/// The chosen categories (and parts) of a workshop as the room counts them, in the
/// instrument's order. `inst` is already limited to them.
fn room_categories(inst: &crate::instrument::Instrument) -> Vec<super::room::CategoryDef> {
    use crate::instrument::ItemType;
    inst.categories
        .iter()
        .map(|c| super::room::CategoryDef {
            id: c.id.clone(),
            title: c.title.clone(),
            items: c
                .items()
                .filter(|i| i.kind == ItemType::Likert)
                .map(|i| i.id.clone())
                .collect(),
        })
        .collect()
}

fn no_workshop() -> AppError {
    AppError::NotFound("There is no such workshop.".into())
}

/// How often a room is read afresh when another computation released first (then it reads again).
const READS: usize = 3;

/// The room's live results for a workshop row already read.
async fn room_view_of(state: &AppState, base: &str, w: db::Row) -> AppResult<RoomView> {
    let mut snapshot = RoomSnapshot::read_for(state, w).await?;
    for _ in 0..READS {
        if let Some(view) = snapshot.view(state, base).await? {
            return Ok(view);
        }
        snapshot = RoomSnapshot::read_for(state, snapshot.w).await?;
    }
    tracing::warn!("a room kept releasing under another computation");
    Err(AppError::Internal)
}

/// A room as read from the database, kept by its live task between updates: the workshop, its
/// chosen categories as the room needs them (localised and limited once), and the room's raw
/// material. An answer stored on this server is applied to it ([`RoomSnapshot::apply`]) instead
/// of reading the room again; every other change reads it afresh (`live`).
pub struct RoomSnapshot {
    w: db::Row,
    cats: Vec<super::room::CategoryDef>,
    scale: Vec<String>,
    input: super::room::RoomInput,
    /// Each category's last release as stored (the text [`db::store_release`] compares).
    stored: std::collections::HashMap<String, String>,
}

impl RoomSnapshot {
    /// Reads the room (`NotFound` once the workshop is deleted).
    pub async fn read(state: &AppState, workshop_id: &str) -> AppResult<Self> {
        let w = db::by_id(&state.db.pool, workshop_id)
            .await?
            .ok_or_else(no_workshop)?;
        Self::read_for(state, w).await
    }

    async fn read_for(state: &AppState, w: db::Row) -> AppResult<Self> {
        let rows = db::room_rows(&state.db.pool, &w.id).await?;
        let inst = state
            .instruments
            .latest(&w.instrument_id)
            .map(|l| w.limit(&state.instruments.localized(&l.instrument, w.locale())));
        let (cats, scale) = match &inst {
            Some(i) => (
                room_categories(i),
                i.categories
                    .iter()
                    .flat_map(|c| c.items())
                    .find_map(|item| i.scale(item))
                    .map(|s| s.labels.clone())
                    .unwrap_or_default(),
            ),
            None => (Vec::new(), Vec::new()),
        };
        let releases = rows
            .releases
            .iter()
            .filter_map(|(category, figures)| {
                Some((category.clone(), serde_json::from_str(figures).ok()?))
            })
            .collect();
        Ok(Self {
            w,
            cats,
            scale,
            input: super::room::RoomInput {
                statuses: rows.statuses,
                scores: rows.scores,
                room_answers: rows.room_answers,
                hidden_words: rows.hidden_words,
                releases,
            },
            stored: rows.releases.into_iter().collect(),
        })
    }

    /// Applies an answer a participant of the room stored (see [`super::room::RoomInput::apply`]).
    pub fn apply(&mut self, reflection_id: &str, item_id: &str, score: Option<i64>) {
        self.input.apply(reflection_id, item_id, score);
    }

    /// The room's view, storing the releases it makes. `None`, and nothing shown, when another
    /// computation released meanwhile: then read the room again.
    pub async fn view(&mut self, state: &AppState, base: &str) -> AppResult<Option<RoomView>> {
        let w = &self.w;
        let mut view = RoomView {
            workshop_id: w.id.clone(),
            title: w.title.clone(),
            join_url: join_url(base, &w.code),
            code: w.code.clone(),
            open: w.status == WorkshopStatus::Open,
            joined: 0,
            finished: 0,
            answered: 0,
            answers: 0,
            k: state.config.live_min_group_size,
            revealed: w.revealed,
            stage: RoomStage::TooFew,
            scale: self.scale.clone(),
            categories: Vec::new(),
            ask_poll: w.ask_poll,
            poll_answers: 0,
            poll: Vec::new(),
            word_prompt: w.word_prompt.clone(),
            word_answers: 0,
            words: Vec::new(),
            hidden_words: Vec::new(),
        };
        let released = super::room::fill(&mut view, &self.cats, &self.input);
        let now = crate::server::now();
        for (category, release) in released {
            let figures = serde_json::to_string(&release).map_err(|_| AppError::Internal)?;
            let last = self.stored.get(&category).map(String::as_str);
            if !db::store_release(&state.db.pool, &w.id, &category, last, &figures, &now).await? {
                return Ok(None);
            }
            self.input.releases.insert(category.clone(), release);
            self.stored.insert(category, figures);
        }
        Ok(Some(view))
    }
}

/// The room, for its facilitator (or an admin) only.
pub async fn presenter_room(
    state: &AppState,
    base: &str,
    user: &CurrentUser,
    id: &str,
) -> AppResult<RoomView> {
    let w = own(state, user, id).await?;
    room_view_of(state, base, w).await
}

/// Checks that `user` may watch the room (the live stream checks this before subscribing).
pub async fn may_present(state: &AppState, user: &CurrentUser, id: &str) -> AppResult<String> {
    Ok(own(state, user, id).await?.id)
}

/// A form's yes/no field.
fn yes_no(value: &str) -> AppResult<bool> {
    crate::values::YesNo::parse(value)
        .map(|a| a == crate::values::YesNo::Yes)
        .ok_or_else(|| AppError::invalid(crate::error::YES_OR_NO))
}

/// Reveals the room's results (they still need the live minimum group size) or hides them again.
pub async fn set_revealed(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    revealed: &str,
) -> AppResult<()> {
    let w = own(state, user, id).await?;
    let revealed = yes_no(revealed)?;
    db::set_revealed(&state.db.pool, &w.id, revealed).await?;
    super::live::changed(state, Some(&w.id)).await;
    Ok(())
}

/// Hides a word from the room's word cloud on every screen (or shows it again). The word is
/// normalised like the answers, so "Trust " hides "trust".
pub async fn moderate_word(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    word: &str,
    hidden: &str,
) -> AppResult<()> {
    let w = own(state, user, id).await?;
    let hidden = yes_no(hidden)?;
    let word = normalise_word(word)
        .map_err(AppError::Invalid)?
        .ok_or_else(|| AppError::invalid("Say which word to hide."))?;
    db::set_word_hidden(&state.db.pool, &w.id, &word, hidden).await?;
    super::live::changed(state, Some(&w.id)).await;
    Ok(())
}

/// The all-respondents means of the workshop's categories (same questionnaire version), under
/// the same privacy rules as every results page.
pub async fn comparison(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> AppResult<RoomComparison> {
    use crate::results::model::MeanOf;
    let w = own(state, user, id).await?;
    let Some(latest) = state.instruments.latest(&w.instrument_id) else {
        return Err(AppError::NotFound(
            "The workshop's questionnaire is gone.".into(),
        ));
    };
    let inst = &state.instruments.localized(&latest.instrument, w.locale());
    // a category asked whole compares with its mean; one asked in one part with that part's;
    // several parts of a category have no comparable mean here
    let columns: Vec<MeanOf> = w
        .limit(inst)
        .categories
        .iter()
        .map(|c| {
            let whole = inst
                .categories
                .iter()
                .find(|x| x.id == c.id)
                .is_some_and(|x| x.subcategories.len() == c.subcategories.len());
            match c.subcategories.as_slice() {
                _ if whole => MeanOf::Category(c.id.clone()),
                [only] => MeanOf::Part(c.id.clone(), only.id.clone()),
                _ => MeanOf::Nothing,
            }
        })
        .collect();
    let scope = crate::results::model::Scope::All;
    crate::results::service::group_means(state, inst, latest.version, &scope, &columns).await
}
