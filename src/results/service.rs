//! Results pages: who may see which group, the filters checked, the privacy rules applied, and
//! the group's results computed from the running aggregates.
use super::compute::{GroupResults, compute};
use super::db;
use super::joint;
use super::model::*;
use super::pieces::{self, Pieces};
use super::privacy::{self, CellCount, Tree, ViewFilter};
use crate::accounts::model::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::instrument::{Instrument, ItemType};
use crate::server::AppState;
use crate::values::INNOVATIONS;
use crate::values::RoleGroup;
use std::sync::Arc;

const DEFAULT_INSTRUMENT: &str = "leadership-reflection";

fn valid_month(m: &str) -> bool {
    let b = m.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit)
        && matches!(m[5..].parse::<u8>(), Ok(1..=12))
}

/// The instrument of a query and its definition (the chosen version's, else the latest).
fn instrument(state: &AppState, q: &ResultsQuery) -> AppResult<(String, Arc<Instrument>)> {
    let id = q.instrument.clone().unwrap_or_else(|| {
        if state.instruments.latest(DEFAULT_INSTRUMENT).is_some() {
            DEFAULT_INSTRUMENT.to_string()
        } else {
            state
                .instruments
                .current()
                .next()
                .map(|(i, _)| i.to_string())
                .unwrap_or_default()
        }
    });
    let latest = state
        .instruments
        .latest(&id)
        .ok_or_else(|| AppError::NotFound("There is no such questionnaire.".into()))?;
    let inst = match q.version {
        None => latest.instrument.clone(),
        Some(v) => state.instruments.get(&id, v).ok_or_else(|| {
            let l = crate::lang::current();
            let v = crate::lang::integer(l, v);
            AppError::invalid(crate::i18n::td_string!(l, errors.no_version, v).to_string())
        })?,
    };
    // in the page's language (ids, and so every number, are the same in all)
    Ok((
        id,
        state.instruments.localized(&inst, crate::lang::current()),
    ))
}

/// The filter of a query, checked: every bad value is a clear error.
pub fn filter_of(q: &ResultsQuery) -> AppResult<ViewFilter> {
    let roles = match q.role.as_deref().filter(|r| !r.is_empty()) {
        None => None,
        Some(r) => {
            Some(roles_of(r).ok_or_else(|| AppError::invalid("Choose a role from the list."))?)
        }
    };
    let innovation = match q.innovation.as_deref().filter(|r| !r.is_empty()) {
        None => None,
        Some(i) if INNOVATIONS.contains(&i) => Some(i.to_string()),
        Some(_) => {
            return Err(AppError::invalid(
                "Choose an innovation focus from the list.",
            ));
        }
    };
    let language = match q.language.as_deref().filter(|l| !l.is_empty()) {
        None => None,
        Some(l) => Some(
            crate::lang::parse(l)
                .ok_or_else(|| AppError::invalid("Choose a language from the list."))?,
        ),
    };
    let month = |m: &Option<String>| -> AppResult<Option<String>> {
        match m.as_deref().filter(|m| !m.is_empty()) {
            None => Ok(None),
            Some(m) if valid_month(m) => Ok(Some(m.to_string())),
            Some(_) => Err(AppError::invalid("Give months as YYYY-MM, e.g. 2026-09.")),
        }
    };
    let round = match q.round.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        None => None,
        Some(r) if uuid::Uuid::parse_str(r).is_ok() => Some(r.to_lowercase()),
        Some(_) => return Err(AppError::invalid("There is no such round.")),
    };
    let (from, to) = (month(&q.from)?, month(&q.to)?);
    if let (Some(a), Some(b)) = (&from, &to)
        && a > b
    {
        return Err(AppError::invalid(
            "The first month comes after the last one.",
        ));
    }
    Ok(ViewFilter {
        version: q.version,
        roles,
        innovation,
        language,
        round,
        from,
        to,
    })
}

/// The signed-in user may see this group: a school only by its coordinators and admins; anything
/// above school level by any signed-in user. Returns the group's title and the groups that contain
/// it (for the privacy rules).
async fn authorise(
    state: &AppState,
    user: &CurrentUser,
    scope: &Scope,
) -> AppResult<(String, Vec<Scope>)> {
    use crate::i18n::td_string;
    let l = crate::lang::current();
    match scope {
        Scope::All => Ok((td_string!(l, results.all_respondents_link).into(), vec![])),
        Scope::Country(c) => {
            if crate::schools::model::normalise_country(c).as_deref() != Some(c.as_str()) {
                return Err(AppError::NotFound("There is no such country.".into()));
            }
            let code = c.to_uppercase();
            Ok((
                td_string!(l, results.group_country, code).to_string(),
                vec![Scope::All],
            ))
        }
        Scope::Network(id) => {
            let name = crate::schools::service::network_name(&state.db, id)
                .await?
                .ok_or_else(|| AppError::NotFound("There is no such network.".into()))?;
            Ok((
                td_string!(l, results.group_network, name).to_string(),
                vec![Scope::All],
            ))
        }
        Scope::School(id) => {
            let school = crate::schools::service::by_id(&state.db, id)
                .await?
                .ok_or_else(|| AppError::NotFound("There is no such school.".into()))?;
            if !user.can_view_school(id) {
                return Err(AppError::Forbidden(
                    "Only the school's coordinators and administrators see a school's results."
                        .into(),
                ));
            }
            let up = containing(&school);
            Ok((school.name, up))
        }
    }
}

/// The groups that contain a school: its network, its country, all.
fn containing(school: &crate::schools::model::School) -> Vec<Scope> {
    let mut up = Vec::new();
    up.extend(school.network_id.clone().map(Scope::Network));
    up.extend(school.country.clone().map(Scope::Country));
    up.push(Scope::All);
    up
}

/// The groups that contain a group: a school's network, country and all; all for the rest.
async fn enclosing_scopes(state: &AppState, scope: &Scope) -> AppResult<Vec<Scope>> {
    Ok(match scope {
        Scope::All => vec![],
        Scope::Country(_) | Scope::Network(_) => vec![Scope::All],
        Scope::School(id) => match crate::schools::service::by_id(&state.db, id).await? {
            Some(school) => containing(&school),
            None => vec![Scope::All],
        },
    })
}

/// The cells of a group, of the groups containing it, and of all.
struct GroupCells {
    own: Vec<CellCount>,
    enclosing: Vec<Vec<CellCount>>,
    all: Vec<CellCount>,
    /// The pieces of `own` and of each enclosing group for the configured minimum group size,
    /// taken once per page (every view of the page is decided against the same ones) from the
    /// server's memo, which works them out when the group's released cells are new to it.
    pieces: std::sync::OnceLock<(Arc<Pieces>, Vec<Arc<Pieces>>)>,
    /// The joint pieces above school level by threshold, taken once per page, so that every
    /// view of the page is decided against the same ones and the memo's key is read once.
    joint: std::sync::Mutex<Vec<(i64, Arc<joint::Joint>)>>,
}

impl GroupCells {
    fn new(own: Vec<CellCount>, enclosing: Vec<Vec<CellCount>>, all: Vec<CellCount>) -> Self {
        GroupCells {
            own,
            enclosing,
            all,
            pieces: std::sync::OnceLock::new(),
            joint: std::sync::Mutex::default(),
        }
    }

    fn pieces(&self, memo: &pieces::Memo, k: i64) -> &(Arc<Pieces>, Vec<Arc<Pieces>>) {
        self.pieces.get_or_init(|| {
            (
                memo.pieces(&self.own, k),
                self.enclosing.iter().map(|g| memo.pieces(g, k)).collect(),
            )
        })
    }
}

async fn group_cells(
    state: &AppState,
    instrument: &str,
    scope: &Scope,
    up: &[Scope],
) -> AppResult<GroupCells> {
    let own = db::cells(&state.db, instrument, scope).await?;
    let mut enclosing = Vec::new();
    for s in up {
        enclosing.push(db::cells(&state.db, instrument, s).await?);
    }
    let all = if *scope == Scope::All {
        own.clone()
    } else {
        enclosing.last().cloned().unwrap_or_default()
    };
    Ok(GroupCells::new(own, enclosing, all))
}

/// Whether a group's results may show under a filter (for pages outside the results, such as the
/// personal profile's comparison columns): the filter after snapping, and why not if not.
pub async fn withheld(
    state: &AppState,
    instrument: &str,
    scope: &Scope,
    f: &ViewFilter,
) -> AppResult<(ViewFilter, Option<Withheld>)> {
    let up = enclosing_scopes(state, scope).await?;
    let cells = group_cells(state, instrument, scope, &up).await?;
    let d = decide(state, instrument, scope, &cells, f).await?;
    Ok((d.filter, d.withheld))
}

/// A group's category means for one questionnaire version, one per column of `columns`, as a
/// side column elsewhere (the personal profile, a workshop's room), under every rule of the
/// results pages.
pub async fn group_means(
    state: &AppState,
    inst: &Instrument,
    version: i64,
    scope: &Scope,
    columns: &[MeanOf],
) -> AppResult<GroupMeans> {
    let filter = ViewFilter {
        version: Some(version),
        ..Default::default()
    };
    let (_, withheld) = withheld(state, &inst.id, scope, &filter).await?;
    if withheld == Some(Withheld::WouldReveal) {
        return Ok(GroupMeans {
            respondents: 0,
            withheld,
            means: Vec::new(),
        });
    }
    let n = db::respondents(&state.db, &inst.id, scope, &filter).await?;
    let counts = if withheld.is_none() {
        db::item_counts(&state.db, &inst.id, scope, &filter).await?
    } else {
        Vec::new()
    };
    let r = compute(inst, n, &counts, state.config.min_group_size);
    if r.more_needed > 0 {
        return Ok(GroupMeans {
            respondents: n,
            withheld: Some(Withheld::MoreNeeded(r.more_needed)),
            means: Vec::new(),
        });
    }
    let category = |id: &str| r.categories.iter().find(|c| c.id == id);
    let mean = |column: &MeanOf| match column {
        MeanOf::Category(id) => category(id).and_then(|c| c.estimate).map(|e| e.mean),
        MeanOf::Part(id, part) => category(id)
            .and_then(|c| c.subcategories.iter().find(|s| &s.id == part))
            .and_then(|s| s.estimate)
            .map(|e| e.mean),
        MeanOf::Nothing => None,
    };
    Ok(GroupMeans {
        respondents: n,
        withheld: None,
        means: columns.iter().map(mean).collect(),
    })
}

/// Whether the group's total may show next to its subgroups' totals (all → countries → schools,
/// all → networks → schools), under the filter.
async fn tree_allows(
    state: &AppState,
    instrument: &str,
    scope: &Scope,
    f: &ViewFilter,
    n_all: i64,
    k: i64,
) -> AppResult<bool> {
    if matches!(scope, Scope::School(_)) {
        return Ok(true);
    }
    // the tree is everyone's: its nodes are everyone's release by country, network and school
    let schools = db::per_school(&state.db, instrument, &Scope::All, f).await?;
    let build = |key: &dyn Fn(&db::SchoolCount) -> Option<String>| {
        let mut groups: Vec<(String, Vec<i64>)> = Vec::new();
        for s in &schools {
            if let Some(g) = key(s) {
                match groups.iter_mut().find(|(k, _)| *k == g) {
                    Some((_, v)) => v.push(s.3),
                    None => groups.push((g, vec![s.3])),
                }
            }
        }
        let tree = Tree {
            n: n_all,
            children: groups
                .iter()
                .map(|(_, v)| Tree {
                    n: v.iter().sum(),
                    children: v
                        .iter()
                        .map(|n| Tree {
                            n: *n,
                            children: vec![],
                        })
                        .collect(),
                })
                .collect(),
        };
        let shown = privacy::suppress_tree(&tree, k);
        (
            groups.into_iter().map(|(g, _)| g).collect::<Vec<_>>(),
            shown,
        )
    };
    let (countries, by_country) = build(&|s| s.2.clone());
    let (networks, by_network) = build(&|s| s.1.clone());
    // schools are units: the group's schools in its own release, and at the top each respondent
    // in no school
    let own = match scope {
        Scope::All => None,
        _ => Some(db::per_school(&state.db, instrument, scope, f).await?),
    };
    let in_scope: Vec<i64> = own
        .as_ref()
        .unwrap_or(&schools)
        .iter()
        .filter(|s| match scope {
            Scope::Country(c) => s.2.as_ref() == Some(c),
            Scope::Network(n) => s.1.as_ref() == Some(n),
            Scope::All | Scope::School(_) => true,
        })
        .map(|s| s.3)
        .collect();
    let alone = match scope {
        Scope::All => (n_all - in_scope.iter().sum::<i64>()).max(0),
        _ => 0,
    };
    if !privacy::units_allow(&in_scope, alone, k) {
        return Ok(false);
    }
    Ok(match scope {
        Scope::All => by_country.shows && by_network.shows,
        Scope::Country(c) => countries
            .iter()
            .position(|x| x == c)
            .is_some_and(|i| by_country.children[i].shows),
        Scope::Network(n) => networks
            .iter()
            .position(|x| x == n)
            .is_some_and(|i| by_network.children[i].shows),
        Scope::School(_) => true,
    })
}

struct Decided {
    filter: ViewFilter,
    withheld: Option<Withheld>,
}

/// Snaps the filter's months to whole periods and applies every privacy rule with the minimum
/// group size.
async fn decide(
    state: &AppState,
    instrument: &str,
    scope: &Scope,
    cells: &GroupCells,
    f: &ViewFilter,
) -> AppResult<Decided> {
    let k = state.config.min_group_size;
    let snapped = privacy::snap(f, &privacy::periods(&cells.own, f, k));
    let withheld = check(state, instrument, scope, cells, &snapped, k).await?;
    Ok(Decided {
        filter: snapped,
        withheld,
    })
}

/// Every privacy rule for an already snapped filter, with threshold `k`.
async fn check(
    state: &AppState,
    instrument: &str,
    scope: &Scope,
    cells: &GroupCells,
    snapped: &ViewFilter,
    k: i64,
) -> AppResult<Option<Withheld>> {
    let (own, enclosing, all) = (&cells.own, &cells.enclosing, &cells.all);
    let withheld = if k == state.config.min_group_size {
        let (own_pieces, up) = cells.pieces(&state.pieces, k);
        let up: Vec<(&[CellCount], &Pieces)> = enclosing
            .iter()
            .map(Vec::as_slice)
            .zip(up.iter().map(|p| &**p))
            .collect();
        privacy::view_shows_with(own, own_pieces, &up, snapped, k)
    } else {
        let refs: Vec<&[CellCount]> = enclosing.iter().map(Vec::as_slice).collect();
        privacy::view_shows(own, &refs, snapped, k)
    };
    if withheld.is_some() {
        return Ok(withheld);
    }
    let n_all = privacy::count(all, snapped);
    if !tree_allows(state, instrument, scope, snapped, n_all, k).await? {
        return Ok(Some(Withheld::WouldReveal));
    }
    // views of different groups combined: the joint pieces above school level
    if !matches!(scope, Scope::School(_))
        && !page_joint(state, instrument, cells, k)
            .await?
            .shows(scope, snapped)
    {
        return Ok(Some(Withheld::WouldReveal));
    }
    Ok(None)
}

/// [`joint`] once per page and threshold.
async fn page_joint(
    state: &AppState,
    instrument: &str,
    cells: &GroupCells,
    k: i64,
) -> AppResult<Arc<joint::Joint>> {
    let taken = |cells: &GroupCells| {
        let held = cells.joint.lock().ok()?;
        held.iter().find(|(t, _)| *t == k).map(|(_, j)| j.clone())
    };
    if let Some(j) = taken(cells) {
        return Ok(j);
    }
    let j = joint(state, instrument, k).await?;
    if let Ok(mut held) = cells.joint.lock()
        && !held.iter().any(|(t, _)| *t == k)
    {
        held.push((k, j.clone()));
    }
    Ok(j)
}

/// The joint pieces above school level of the instrument for threshold `k` (`joint.rs`), from the
/// server's memo while no group released and no school changed groups since they were worked
/// out; else worked out afresh, off the request threads and one computation at a time.
async fn joint(state: &AppState, instrument: &str, k: i64) -> AppResult<Arc<joint::Joint>> {
    let stamp = db::joint_stamp(&state.db, instrument).await?;
    if let Some(j) = state.joint.get(instrument, k, &stamp) {
        return Ok(j);
    }
    // one computation at a time: the pages that wait find its result
    let _working = state.joint.working.lock().await;
    let stamp = db::joint_stamp(&state.db, instrument).await?;
    if let Some(j) = state.joint.get(instrument, k, &stamp) {
        return Ok(j);
    }
    let units = db::units(&state.db, instrument).await?;
    let j = tokio::task::spawn_blocking(move || joint::decide(&units, k))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "working out the joint pieces failed");
            AppError::Internal
        })?;
    let j = Arc::new(j);
    state.joint.put(instrument, k, stamp, j.clone());
    Ok(j)
}

/// Releases the pending changes of every group above school level of `instrument` together when
/// the release rule allows (`joint::may_release`), and keeps the new joint pieces in the memo, so
/// the first page after the release finds them. True when it released. The joint pieces are
/// worked out off the request threads and outside any transaction; the release then writes only
/// if nothing changed meanwhile (else the next attempt decides).
pub async fn release_above(state: &AppState, instrument: &str) -> AppResult<bool> {
    let k = state.config.min_group_size;
    let pending = super::aggregates::pending_above(&state.db.pool, instrument).await?;
    if !super::release::enough_changes(&pending, true, k) {
        return Ok(false);
    }
    let before = joint(state, instrument, k).await?;
    let units = db::units(&state.db, instrument).await?;
    let schools = db::joint_stamp(&state.db, instrument).await?.schools;
    let checked = pending.clone();
    let decided = tokio::task::spawn_blocking(move || {
        let after = joint::decide(&joint::with_changes(&units, &checked, &schools), k);
        joint::may_release(&before, &after, &checked, k).then_some(after)
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "checking a release above school level failed");
        AppError::Internal
    })?;
    let Some(after) = decided else {
        return Ok(false);
    };
    let now = crate::server::now();
    if !super::aggregates::publish_above(&state.db, instrument, &pending, &now).await? {
        return Ok(false);
    }
    let stamp = db::joint_stamp(&state.db, instrument).await?;
    state.joint.put(instrument, k, stamp, Arc::new(after));
    tracing::info!(
        instrument,
        "the groups above school level released their figures"
    );
    Ok(true)
}

/// The written answers of a shown group: only from `FREE_TEXT_K` respondents (and never fewer
/// than the minimum group size), with the same rules; sorted alphabetically, so their order says
/// nothing about who wrote them or when.
async fn free_text(
    state: &AppState,
    instrument: &str,
    inst: &Instrument,
    scope: &Scope,
    cells: &GroupCells,
    snapped: &ViewFilter,
) -> AppResult<FreeText> {
    let questions: Vec<&crate::instrument::Item> = inst
        .categories
        .iter()
        .flat_map(|c| c.items())
        .filter(|i| {
            matches!(
                i.kind,
                ItemType::ShortText | ItemType::LongText | ItemType::OneWord
            )
        })
        .collect();
    if questions.is_empty() {
        return Ok(FreeText::NoQuestions);
    }
    let k = FREE_TEXT_K.max(state.config.min_group_size);
    if let Some(w) = check(state, instrument, scope, cells, snapped, k).await? {
        return Ok(FreeText::Withheld(w));
    }
    let Some(released_at) = db::released_at(&state.db, instrument, scope).await? else {
        return Ok(FreeText::Withheld(Withheld::MoreNeeded(k)));
    };
    let answers = db::text_answers(&state.db, instrument, scope, snapped, &released_at).await?;
    Ok(FreeText::Shown(
        questions
            .into_iter()
            .map(|q| {
                let mut list: Vec<String> = answers
                    .iter()
                    .filter(|(item, v)| *item == q.id && !v.trim().is_empty())
                    .map(|(_, v)| v.clone())
                    .collect();
                list.sort_by_key(|v| v.to_lowercase());
                (q.text.clone(), list)
            })
            .collect(),
    ))
}

async fn results_of(
    state: &AppState,
    instrument: &str,
    inst: &Instrument,
    scope: &Scope,
    f: &ViewFilter,
) -> AppResult<GroupResults> {
    let n = db::respondents(&state.db, instrument, scope, f).await?;
    let counts = db::item_counts(&state.db, instrument, scope, f).await?;
    Ok(compute(inst, n, &counts, state.config.min_group_size))
}

/// One results page.
pub async fn view(
    state: &AppState,
    user: &CurrentUser,
    scope: Scope,
    q: ResultsQuery,
) -> AppResult<ResultsView> {
    let (title, up) = authorise(state, user, &scope).await?;
    let (instrument_id, inst) = instrument(state, &q)?;
    let f = filter_of(&q)?;
    // rounds belong to a school
    if f.round.is_some() && !matches!(scope, Scope::School(_)) {
        return Err(AppError::invalid("There is no such round."));
    }
    let cells = group_cells(state, &instrument_id, &scope, &up).await?;
    let decided = decide(state, &instrument_id, &scope, &cells, &f).await?;
    let widened = decided.filter.from != f.from || decided.filter.to != f.to;
    // The results, the written answers and the two sides of the leaders/teachers gap are
    // independent reads: run them at the same time.
    let shown = decided.withheld.is_none();
    crate::server::metrics::group_result(shown);
    let results = async {
        match shown {
            true => results_of(state, &instrument_id, &inst, &scope, &decided.filter)
                .await
                .map(Some),
            false => Ok(None),
        }
    };
    let text = async {
        match shown {
            true => {
                free_text(
                    state,
                    &instrument_id,
                    &inst,
                    &scope,
                    &cells,
                    &decided.filter,
                )
                .await
            }
            false => Ok(FreeText::NoQuestions),
        }
    };
    let side = |group: RoleGroup| {
        let side = ViewFilter {
            roles: Some(group.roles().to_vec()),
            ..decided.filter.clone()
        };
        let (scope, cells, id, inst) = (&scope, &cells, &instrument_id, &inst);
        async move {
            let d = decide(state, id, scope, cells, &side).await?;
            if d.withheld.is_some() || d.filter != side {
                return Ok(None);
            }
            results_of(state, id, inst, scope, &side).await.map(Some)
        }
    };
    let wants_gap = shown && f.roles.is_none();
    let gap_sides = async {
        if wants_gap {
            let (l, t) = tokio::join!(side(RoleGroup::Leaders), side(RoleGroup::Teachers));
            Ok::<_, AppError>(Some((l?, t?)))
        } else {
            Ok(None)
        }
    };
    let released_at = db::released_at(&state.db, &instrument_id, &scope);
    let (results, free_text, gap_sides, released_at) =
        tokio::join!(results, text, gap_sides, released_at);
    let (results, free_text) = (results?, free_text?);
    let gap = match gap_sides? {
        None if f.roles.is_some() => Gap::NotApplicable,
        Some((Some(leaders), Some(teachers))) => Gap::Shown(
            leaders
                .categories
                .iter()
                .zip(&teachers.categories)
                .map(|(l, t)| GapRow {
                    category: l.title.clone(),
                    leaders: l.estimate.map(|e| e.mean),
                    teachers: t.estimate.map(|e| e.mean),
                })
                .collect(),
        ),
        _ => Gap::Withheld,
    };
    let ranking_scale = inst.ranking_scale();
    let scale_labels = ranking_scale
        .and_then(|s| inst.scales.get(s))
        .map(|s| s.labels.clone())
        .unwrap_or_default();
    let other_scales = inst
        .categories
        .iter()
        .filter(|c| c.is_scored() && c.scale_id() != ranking_scale)
        .filter_map(|c| {
            let labels = inst.scales.get(c.scale_id()?)?.labels.clone();
            Some((c.id.clone(), labels))
        })
        .collect();
    let path = scope.path();
    // the language filter's options: the languages the group's released respondents answered
    // in, and the one asked for
    let answered = privacy::languages(&cells.own);
    let languages = crate::lang::all()
        .iter()
        .copied()
        .filter(|l| answered.contains(l) || f.language == Some(*l))
        .collect();
    let rounds = match &scope {
        Scope::School(id) => crate::rounds::service::of_school(&state.db, id).await?,
        _ => Vec::new(),
    };
    Ok(ResultsView {
        rounds,
        title,
        path,
        instrument_title: inst.title.clone(),
        instruments: instruments(state),
        versions: state.instruments.versions(&instrument_id),
        languages,
        instrument_id,
        query: ResultsQuery {
            language: f.language.map(|l| crate::lang::code(l).to_string()),
            from: decided.filter.from.clone(),
            to: decided.filter.to.clone(),
            ..q
        },
        widened,
        k: state.config.min_group_size,
        together: !matches!(scope, Scope::School(_)),
        withheld: decided.withheld,
        results,
        scale_labels,
        other_scales,
        gap,
        free_text,
        released_at: released_at?,
    })
}

fn instruments(state: &AppState) -> Vec<(String, String)> {
    state
        .instruments
        .current()
        .map(|(id, l)| {
            let inst = state
                .instruments
                .localized(&l.instrument, crate::lang::current());
            (id.to_string(), inst.title.clone())
        })
        .collect()
}

/// The groups a user can open.
pub async fn index(state: &AppState, user: &CurrentUser) -> AppResult<ResultsIndex> {
    let schools = crate::schools::service::schools(&state.db)
        .await?
        .into_iter()
        .filter(|s| user.can_view_school(&s.id))
        .map(|s| (s.id, s.name, s.code))
        .collect();
    Ok(ResultsIndex {
        countries: crate::schools::service::countries(&state.db).await?,
        networks: crate::schools::service::networks(&state.db)
            .await?
            .into_iter()
            .map(|n| (n.id, n.name))
            .collect(),
        schools,
        instruments: instruments(state),
    })
}

/// Per question, the distribution of answers by country and overall (the networking baseline's
/// view; works for any instrument). Countries that may not show are left out and counted.
pub async fn by_country(
    state: &AppState,
    instrument_id: Option<String>,
) -> AppResult<CountryComparison> {
    let q = ResultsQuery {
        instrument: instrument_id,
        ..Default::default()
    };
    let (id, inst) = instrument(state, &q)?;
    let k = state.config.min_group_size;
    let f = ViewFilter::default();
    let all = db::cells(&state.db, &id, &Scope::All).await?;
    let mut columns: Vec<(String, Scope)> = Vec::new();
    let mut withheld_countries = 0;
    for c in crate::schools::service::countries(&state.db).await? {
        let scope = Scope::Country(c.clone());
        let own = db::cells(&state.db, &id, &scope).await?;
        let cells = GroupCells::new(own, vec![all.clone()], all.clone());
        let d = decide(state, &id, &scope, &cells, &f).await?;
        if d.withheld.is_none() {
            columns.push((c.to_uppercase(), scope));
        } else {
            withheld_countries += 1;
        }
    }
    let cells = GroupCells::new(all.clone(), vec![], all.clone());
    let d = decide(state, &id, &Scope::All, &cells, &f).await?;
    if d.withheld.is_none() {
        let l = crate::lang::current();
        columns.push((
            crate::i18n::td_string!(l, results.column_all).into(),
            Scope::All,
        ));
    }
    let mut per_column = Vec::new();
    let mut sizes = Vec::new();
    for (_, scope) in &columns {
        sizes.push(db::respondents(&state.db, &id, scope, &f).await?);
        per_column.push(db::item_counts(&state.db, &id, scope, &f).await?);
    }
    let questions = inst
        .categories
        .iter()
        .flat_map(|c| c.items().map(move |i| (c, i)))
        .filter_map(|(c, item)| {
            let options: Vec<(String, String)> = match item.kind {
                ItemType::Likert => {
                    let scale = inst.scale(item)?;
                    let mut o: Vec<(String, String)> = scale
                        .labels
                        .iter()
                        .enumerate()
                        .map(|(i, l)| ((i + 1).to_string(), l.clone()))
                        .collect();
                    if let Some(na) = &scale.not_applicable {
                        o.push((crate::instrument::NOT_APPLICABLE.to_string(), na.clone()));
                    }
                    o
                }
                ItemType::SingleChoice | ItemType::MultipleChoice => item
                    .options
                    .iter()
                    .map(|o| (o.value.clone(), o.label.clone()))
                    .collect(),
                _ => return None,
            };
            let counts = per_column
                .iter()
                .map(|rows| {
                    options
                        .iter()
                        .map(|(v, _)| {
                            rows.iter()
                                .filter(|(i, val, _)| *i == item.id && val == v)
                                .map(|(_, _, n)| *n)
                                .sum()
                        })
                        .collect()
                })
                .collect();
            Some(QuestionRow {
                id: item.id.clone(),
                text: item.text.clone(),
                category: c.title.clone(),
                options: options.into_iter().map(|(_, l)| l).collect(),
                counts,
            })
        })
        .collect();
    Ok(CountryComparison {
        instrument_id: id,
        instrument_title: inst.title.clone(),
        k,
        columns: columns.into_iter().map(|(n, _)| n).zip(sizes).collect(),
        withheld_countries,
        questions,
    })
}

/// A group's released respondents under a filter: the count every view starts from.
pub async fn respondents(
    db: &crate::server::db::Db,
    instrument: &str,
    scope: &Scope,
    f: &ViewFilter,
) -> AppResult<i64> {
    Ok(db::respondents(db, instrument, scope, f).await?)
}

/// A group's released answers under a filter: (item, value, respondents) per value given.
pub async fn item_counts(
    db: &crate::server::db::Db,
    instrument: &str,
    scope: &Scope,
    f: &ViewFilter,
) -> AppResult<Vec<(String, String, i64)>> {
    Ok(db::item_counts(db, instrument, scope, f).await?)
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_checked() {
        let ok = filter_of(&ResultsQuery {
            role: Some(crate::values::RoleGroup::Leaders.as_str().into()),
            innovation: Some("pln".into()),
            language: Some("nl".into()),
            from: Some("2026-01".into()),
            to: Some("2026-12".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(ok.roles.unwrap(), RoleGroup::Leaders.roles());
        assert_eq!(ok.language, Some(crate::lang::Locale::nl));
        // the language as an address may write it; empty is no filter
        let language = |l: &str| {
            filter_of(&ResultsQuery {
                language: Some(l.into()),
                ..Default::default()
            })
            .map(|f| f.language)
        };
        assert_eq!(language("SV").unwrap(), Some(crate::lang::Locale::sv));
        assert_eq!(language("").unwrap(), None);
        for bad in [
            ResultsQuery {
                role: Some("pupil".into()),
                ..Default::default()
            },
            ResultsQuery {
                innovation: Some("x".into()),
                ..Default::default()
            },
            ResultsQuery {
                language: Some("xx".into()),
                ..Default::default()
            },
            ResultsQuery {
                language: Some("english".into()),
                ..Default::default()
            },
            ResultsQuery {
                from: Some("2026-13".into()),
                ..Default::default()
            },
            ResultsQuery {
                to: Some("26-01".into()),
                ..Default::default()
            },
            ResultsQuery {
                from: Some("2026-05".into()),
                to: Some("2026-04".into()),
                ..Default::default()
            },
        ] {
            assert!(
                matches!(filter_of(&bad), Err(AppError::Invalid(_))),
                "{bad:?}"
            );
        }
        assert!(valid_month("2026-09") && !valid_month("2026-00") && !valid_month("2026/09"));
    }
}
