//! Rounds: opened by a school's coordinator (or an admin) for their school, answered through the
//! group links, closed by hand or after their last day. Participation is shown in bands of k.
use super::db::{self, RoundRow};
use super::model::*;
use crate::accounts::model::{CurrentUser, Role};
use crate::error::{AppError, AppResult};
use crate::i18n::td_string;
use crate::server::AppState;
use crate::values::{INNOVATIONS, RespondentRole, RoleGroup};
use rand::Rng;

/// What a round is opened with, as typed.
pub struct NewRound<'a> {
    pub school: &'a str,
    pub instrument: &'a str,
    pub innovation: &'a str,
    pub innovation_detail: &'a str,
    pub opens_on: &'a str,
    pub closes_on: &'a str,
    pub invitations: bool,
}

/// A new unguessable group link token (32 hex digits).
fn new_link() -> String {
    crate::server::random_hex::<16>()
}

/// A date as typed (`YYYY-MM-DD`), or none for an empty field.
fn date(raw: &str) -> AppResult<Option<String>> {
    let d = raw.trim();
    if d.is_empty() {
        return Ok(None);
    }
    let b = d.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let valid = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && digits(0..4)
        && digits(5..7)
        && digits(8..10)
        && time::Month::try_from(d[5..7].parse::<u8>().unwrap_or(0))
            .ok()
            .and_then(|m| {
                time::Date::from_calendar_date(d[..4].parse().ok()?, m, d[8..].parse().ok()?).ok()
            })
            .is_some();
    if valid {
        Ok(Some(d.to_string()))
    } else {
        Err(AppError::invalid("Dates are written as YYYY-MM-DD."))
    }
}

/// Coordinators (for their own schools) and admins run rounds.
fn may_run_rounds(user: &CurrentUser) -> AppResult<()> {
    match user.role {
        Role::Coordinator | Role::Admin => Ok(()),
        _ => Err(AppError::Forbidden(
            "Only a school's coordinators and administrators run its rounds.".into(),
        )),
    }
}

fn no_such_round() -> AppError {
    AppError::NotFound("There is no such round.".into())
}

/// The round, if this user may run it; anyone else gets the answer for an unknown id.
async fn own(state: &AppState, user: &CurrentUser, id: &str) -> AppResult<RoundRow> {
    may_run_rounds(user)?;
    match db::by_id(&state.db.pool, id).await? {
        Some(r) if user.can_view_school(&r.school_id) => Ok(r),
        _ => Err(no_such_round()),
    }
}

fn state_of(r: &RoundRow) -> RoundState {
    RoundState::on(
        &crate::server::today(),
        r.opens_on.as_deref(),
        r.closes_on.as_deref(),
        r.closed_at.is_some(),
    )
}

fn instrument_title(state: &AppState, id: &str) -> String {
    state
        .instruments
        .latest(id)
        .map(|l| {
            state
                .instruments
                .localized(&l.instrument, crate::lang::current())
                .title
                .clone()
        })
        .unwrap_or_else(|| id.to_string())
}

/// A school's rounds for the results pages' round filter: (id, the day it was opened), newest
/// first.
pub async fn of_school(
    db: &crate::server::db::Db,
    school: &str,
) -> AppResult<Vec<(String, String)>> {
    Ok(db::of_schools(&db.pool, Some(&[school.to_string()]))
        .await?
        .into_iter()
        .map(|r| (r.id, r.created_at.chars().take(10).collect()))
        .collect())
}

/// A group link as a whole URL.
pub fn link_url(base: &str, token: &str) -> String {
    format!("{base}/g/{token}")
}

pub async fn list(state: &AppState, user: &CurrentUser) -> AppResult<RoundList> {
    may_run_rounds(user)?;
    let all = crate::schools::service::schools(&state.db).await?;
    let schools: Vec<(String, String)> = all
        .into_iter()
        .filter(|s| user.can_view_school(&s.id))
        .map(|s| (s.id, s.name))
        .collect();
    let ids: Vec<String> = schools.iter().map(|(id, _)| id.clone()).collect();
    let rows = db::of_schools(&state.db.pool, (!user.is_admin()).then_some(ids.as_slice())).await?;
    let instruments = state
        .instruments
        .current()
        .map(|(id, _)| (id.to_string(), instrument_title(state, id)))
        .collect();
    Ok(RoundList {
        schools,
        instruments,
        rounds: rows
            .iter()
            .map(|r| RoundLine {
                id: r.id.clone(),
                school_name: r.school_name.clone(),
                instrument_title: instrument_title(state, &r.instrument_id),
                innovation: r.innovation.clone(),
                state: state_of(r),
                opens_on: r.opens_on.clone(),
                closes_on: r.closes_on.clone(),
            })
            .collect(),
    })
}

pub async fn open(state: &AppState, user: &CurrentUser, n: NewRound<'_>) -> AppResult<String> {
    may_run_rounds(user)?;
    let l = crate::lang::current();
    if n.school.is_empty() || !user.can_view_school(n.school) {
        return Err(AppError::invalid("Choose one of your schools."));
    }
    if crate::schools::service::by_id(&state.db, n.school)
        .await?
        .is_none()
    {
        return Err(AppError::invalid("Choose one of your schools."));
    }
    if state.instruments.latest(n.instrument).is_none() {
        return Err(AppError::invalid("Choose a questionnaire from the list."));
    }
    if !INNOVATIONS.contains(&n.innovation) {
        return Err(AppError::invalid(
            "Choose an innovation focus from the list.",
        ));
    }
    let detail = n
        .innovation_detail
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let max = crate::values::MAX_INNOVATION_DETAIL;
    if detail.chars().count() > max {
        let max = crate::lang::integer(l, max as i64);
        return Err(AppError::invalid(
            td_string!(l, errors.innovation_detail_long, max).to_string(),
        ));
    }
    if n.innovation == "other" && detail.is_empty() {
        return Err(AppError::invalid(
            "Say in a few words which innovation the round is about.",
        ));
    }
    let (opens_on, closes_on) = (date(n.opens_on)?, date(n.closes_on)?);
    if let (Some(o), Some(c)) = (&opens_on, &closes_on)
        && c < o
    {
        return Err(AppError::invalid(
            "The last day comes before the first day.",
        ));
    }
    if closes_on
        .as_deref()
        .is_some_and(|c| c < crate::server::today().as_str())
    {
        return Err(AppError::invalid("The last day has passed already."));
    }
    let id = uuid::Uuid::new_v4().to_string();
    let (leaders, teachers) = (new_link(), new_link());
    db::insert(
        &state.db.pool,
        db::NewRound {
            id: &id,
            school_id: n.school,
            instrument_id: n.instrument,
            innovation: n.innovation,
            innovation_detail: (!detail.is_empty()).then_some(detail.as_str()),
            opens_on: opens_on.as_deref(),
            closes_on: closes_on.as_deref(),
            invitations: n.invitations,
            leaders_link: &leaders,
            teachers_link: &teachers,
            now: &crate::server::now(),
        },
    )
    .await?;
    Ok(id)
}

pub async fn get(state: &AppState, base: &str, user: &CurrentUser, id: &str) -> AppResult<Round> {
    let r = own(state, user, id).await?;
    let k = state.config.min_group_size;
    let per_role = db::participation(&state.db.pool, &r.id).await?;
    let made = db::invitations_made(&state.db.pool, &r.id).await?;
    let mut groups = Vec::new();
    for group in RoleGroup::ALL {
        let (started, finished) = per_role
            .iter()
            .filter(|(role, _, _)| group.members().contains(&role.as_str()))
            .fold((0, 0), |(s, f), (_, s1, f1)| (s + s1, f + f1));
        let link = match group {
            RoleGroup::Leaders => &r.leaders_link,
            RoleGroup::Teachers => &r.teachers_link,
        };
        groups.push(Participation {
            group,
            started: Band::of(started, k),
            finished: Band::of(finished, k),
            link: link_url(base, link),
            invitations: made
                .iter()
                .find(|(g, _)| g == group.as_str())
                .map_or(0, |(_, n)| *n),
        });
    }
    Ok(Round {
        state: state_of(&r),
        instrument_title: instrument_title(state, &r.instrument_id),
        id: r.id,
        school_id: r.school_id,
        school_name: r.school_name,
        instrument_id: r.instrument_id,
        innovation: r.innovation,
        innovation_detail: r.innovation_detail,
        opens_on: r.opens_on,
        closes_on: r.closes_on,
        invitations: r.invitations != 0,
        groups,
        created_at: r.created_at,
    })
}

/// A round for its report, and the school's previous round on the same questionnaire: the
/// newest one that had closed by the time this one was opened (id, the day it was opened).
pub async fn for_report(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> AppResult<(Round, Option<(String, String)>)> {
    let round = get(state, "", user, id).await?;
    let opened = round.created_at.get(..10).unwrap_or_default();
    let previous = db::of_schools(&state.db.pool, Some(std::slice::from_ref(&round.school_id)))
        .await?
        .into_iter()
        .find(|r| {
            r.id != round.id
                && r.instrument_id == round.instrument_id
                && (r
                    .closed_at
                    .as_deref()
                    .is_some_and(|c| c <= round.created_at.as_str())
                    || r.closes_on.as_deref().is_some_and(|d| d < opened))
        })
        .map(|r| (r.id, r.created_at.chars().take(10).collect()));
    Ok((round, previous))
}

pub async fn close(state: &AppState, user: &CurrentUser, id: &str) -> AppResult<()> {
    let r = own(state, user, id).await?;
    db::close(&state.db.pool, &r.id, &crate::server::now()).await?;
    Ok(())
}

/// Gives a group a new link; the old one opens nothing any more.
pub async fn revoke(state: &AppState, user: &CurrentUser, id: &str, group: &str) -> AppResult<()> {
    let r = own(state, user, id).await?;
    let group =
        RoleGroup::parse(group).ok_or_else(|| AppError::invalid("Choose leaders or teachers."))?;
    db::replace_link(&state.db.pool, &r.id, group, &new_link()).await?;
    Ok(())
}

/// Withdraws a group's unused invitation codes (printed codes that were never handed out, or a
/// lost sheet): they no longer start a reflection.
pub async fn withdraw(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    group: &str,
) -> AppResult<()> {
    let r = own(state, user, id).await?;
    let group =
        RoleGroup::parse(group).ok_or_else(|| AppError::invalid("Choose leaders or teachers."))?;
    db::withdraw_unused(&state.db.pool, &r.id, group).await?;
    Ok(())
}

/// Makes `count` one-time invitation codes for a group of an open round and returns them: the
/// only time they are shown (only their hashes are stored).
pub async fn make_invitations(
    state: &AppState,
    base: &str,
    user: &CurrentUser,
    id: &str,
    group: &str,
    count: &str,
) -> AppResult<(Round, RoleGroup, Vec<String>)> {
    let r = own(state, user, id).await?;
    let group =
        RoleGroup::parse(group).ok_or_else(|| AppError::invalid("Choose leaders or teachers."))?;
    if r.invitations == 0 {
        return Err(AppError::invalid(
            "This round takes no invitation codes: anyone with the group link may answer.",
        ));
    }
    if state_of(&r) == RoundState::Closed {
        return Err(AppError::Conflict(
            "This round is closed: it accepts no new reflections.".into(),
        ));
    }
    let count = match count.trim().parse::<i64>() {
        Ok(n) if (1..=MAX_INVITATIONS).contains(&n) => n,
        _ => return Err(AppError::invalid("Make between 1 and 500 codes at once.")),
    };
    // distinct codes; a clash with an earlier batch is as unlikely as a guess, and then the whole
    // batch is made again
    for _ in 0..3 {
        let mut codes: Vec<String> = Vec::new();
        while codes.len() < count as usize {
            let code = {
                let mut rng = rand::thread_rng();
                crate::schools::codes::from_random(
                    (0..crate::schools::codes::LENGTH).map(|_| rng.r#gen::<u32>()),
                )
            };
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        let hashes: Vec<String> = codes.iter().map(|c| invitation_hash(c)).collect();
        let mut tx = state.db.begin_write().await?;
        match db::add_invitations(&mut tx, &r.id, group, &hashes).await {
            Ok(()) => {
                tx.commit().await?;
                let round = get(state, base, user, id).await?;
                return Ok((round, group, codes));
            }
            Err(e) if is_unique_violation(&e) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Internal)
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// The stored form of an invitation code as typed (separators and case ignored).
pub fn invitation_hash(typed: &str) -> String {
    crate::server::sha256_hex(crate::schools::codes::normalise(typed).as_bytes())
}

fn closed_link() -> AppError {
    AppError::NotFound("This link opens no round. Ask your school for the current link.".into())
}

/// What a group link opens.
pub async fn link(state: &AppState, token: &str) -> AppResult<LinkView> {
    let (r, group) = db::by_link(&state.db.pool, token)
        .await?
        .ok_or_else(closed_link)?;
    Ok(LinkView {
        state: state_of(&r),
        instrument_title: instrument_title(state, &r.instrument_id),
        school_name: r.school_name,
        group,
        instrument_id: r.instrument_id,
        innovation: r.innovation,
        innovation_detail: r.innovation_detail,
        invitations: r.invitations != 0,
        closes_on: r.closes_on,
    })
}

/// A reflection to start through a group link: everything checked but the invitation code,
/// which is used in the transaction that stores the reflection.
pub struct Entry {
    pub round_id: String,
    pub school_id: String,
    pub instrument_id: String,
    pub innovation: String,
    pub innovation_detail: Option<String>,
    pub role: RespondentRole,
    pub group: RoleGroup,
    /// The hash of the invitation code, when the round takes only invited people.
    pub invitation: Option<String>,
}

/// Checks a start through a group link: the link opens an open round, the role belongs to the
/// link's group, and an invitation code is given when the round needs one. Wrong link tokens and
/// codes count against the client like wrong school codes.
pub async fn entry(
    state: &AppState,
    client: &str,
    token: &str,
    role: &str,
    invitation: &str,
) -> AppResult<Entry> {
    let l = crate::lang::current();
    let guesses = &state.school_code_limit;
    guesses.check_blocked(client)?;
    let Some((r, group)) = db::by_link(&state.db.pool, token).await? else {
        return Err(guesses.wrong(client, closed_link()));
    };
    match state_of(&r) {
        RoundState::Open => {}
        RoundState::NotYetOpen => {
            return Err(AppError::Conflict(
                "This round has not opened yet. Try again on its first day.".into(),
            ));
        }
        RoundState::Closed => {
            return Err(AppError::Conflict(
                "This round is closed: it accepts no new reflections.".into(),
            ));
        }
    }
    let role = RespondentRole::parse(role)
        .filter(|r| group.roles().contains(r))
        .ok_or_else(|| AppError::invalid(td_string!(l, errors.choose_role)))?;
    let invitation = if r.invitations != 0 {
        let code = crate::schools::codes::normalise(invitation);
        if code.is_empty() {
            return Err(AppError::invalid(
                "This round is for invited people: type the code from your invitation.",
            ));
        }
        if code.len() > 16 {
            return Err(guesses.wrong(
                client,
                AppError::invalid("This invitation code is not valid or has been used. Check it, or ask your school for a new one."),
            ));
        }
        Some(invitation_hash(&code))
    } else {
        None
    };
    state.start_limit.school(&r.school_id)?;
    Ok(Entry {
        round_id: r.id,
        school_id: r.school_id,
        instrument_id: r.instrument_id,
        innovation: r.innovation,
        innovation_detail: r.innovation_detail,
        role,
        group,
        invitation,
    })
}

/// Uses the entry's invitation code (if it has one) in the transaction that stores the
/// reflection: an unknown or used code refuses the start and counts as a wrong guess.
pub async fn use_invitation(
    state: &AppState,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    client: &str,
    e: &Entry,
) -> AppResult<()> {
    let Some(hash) = &e.invitation else {
        return Ok(());
    };
    if db::use_invitation(tx, &e.round_id, e.group, hash).await? {
        Ok(())
    } else {
        Err(state.school_code_limit.wrong(
            client,
            AppError::invalid("This invitation code is not valid or has been used. Check it, or ask your school for a new one."),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_real_days() {
        assert_eq!(date("").unwrap(), None);
        assert_eq!(date(" 2027-02-28 ").unwrap().as_deref(), Some("2027-02-28"));
        for bad in [
            "2027-02-30",
            "2027-13-01",
            "27-02-01",
            "2027/02/01",
            "2027-02-1x",
        ] {
            assert!(date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn invitation_codes_are_read_as_typed() {
        assert_eq!(invitation_hash("abcd-efgh"), invitation_hash("ABCDEFGH"));
        assert_ne!(invitation_hash("ABCDEFGH"), invitation_hash("ABCDEFGJ"));
    }
}
