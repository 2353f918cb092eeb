//! Types shared by the rounds' server functions and pages. Pure.
use crate::values::RoleGroup;
use serde::{Deserialize, Serialize};

/// Where a round stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoundState {
    /// Its first day has not come yet.
    NotYetOpen,
    Open,
    /// Closed by hand, or its last day has passed.
    Closed,
}

impl RoundState {
    /// The state on `today` (YYYY-MM-DD) of a round with these dates, closed by hand or not.
    pub fn on(today: &str, opens_on: Option<&str>, closes_on: Option<&str>, closed: bool) -> Self {
        if closed || closes_on.is_some_and(|d| d < today) {
            RoundState::Closed
        } else if opens_on.is_some_and(|d| d > today) {
            RoundState::NotYetOpen
        } else {
            RoundState::Open
        }
    }
}

/// A count shown coarsely, so that no single person's start or finish shows: nobody, fewer
/// than k, or at least a multiple of k.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Band {
    Nobody,
    FewerThan(i64),
    AtLeast(i64),
}

impl Band {
    /// `n` people in bands of `k` (k at least 1).
    pub fn of(n: i64, k: i64) -> Band {
        let k = k.max(1);
        match n {
            ..=0 => Band::Nobody,
            n if n < k => Band::FewerThan(k),
            n => Band::AtLeast(n / k * k),
        }
    }
}

/// One group's participation in a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participation {
    pub group: RoleGroup,
    pub started: Band,
    pub finished: Band,
    /// The group link (a whole URL).
    pub link: String,
    /// Invitation codes made for the group (0 without invitations).
    pub invitations: i64,
}

/// One round, as its coordinator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    pub id: String,
    pub school_id: String,
    pub school_name: String,
    pub instrument_id: String,
    pub instrument_title: String,
    pub innovation: String,
    pub innovation_detail: Option<String>,
    pub opens_on: Option<String>,
    pub closes_on: Option<String>,
    pub invitations: bool,
    pub state: RoundState,
    pub groups: Vec<Participation>,
    pub created_at: String,
}

/// A line of the list of rounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundLine {
    pub id: String,
    pub school_name: String,
    pub instrument_title: String,
    pub innovation: String,
    pub state: RoundState,
    pub opens_on: Option<String>,
    pub closes_on: Option<String>,
}

/// The rounds page: the user's schools, their rounds, and the questionnaires a round can use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundList {
    /// (id, name) of the schools the user may open rounds for.
    pub schools: Vec<(String, String)>,
    /// (id, title) of the questionnaires.
    pub instruments: Vec<(String, String)>,
    pub rounds: Vec<RoundLine>,
}

/// What a group link opens: the round as a respondent sees it (nothing about participation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkView {
    pub school_name: String,
    pub group: RoleGroup,
    pub instrument_id: String,
    pub instrument_title: String,
    pub innovation: String,
    pub innovation_detail: Option<String>,
    pub invitations: bool,
    pub state: RoundState,
    pub closes_on: Option<String>,
}

/// Invitation codes made at once, at most.
pub const MAX_INVITATIONS: i64 = 500;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_opens_and_closes_by_date_or_by_hand() {
        let on = |t, o, c, closed| RoundState::on(t, o, c, closed);
        assert_eq!(on("2026-12-04", None, None, false), RoundState::Open);
        assert_eq!(on("2026-12-04", None, None, true), RoundState::Closed);
        let (o, c) = (Some("2026-12-01"), Some("2026-12-10"));
        assert_eq!(on("2026-11-30", o, c, false), RoundState::NotYetOpen);
        assert_eq!(on("2026-12-01", o, c, false), RoundState::Open);
        assert_eq!(
            on("2026-12-10", o, c, false),
            RoundState::Open,
            "the last day counts"
        );
        assert_eq!(on("2026-12-11", o, c, false), RoundState::Closed);
        assert_eq!(on("2026-12-05", o, c, true), RoundState::Closed);
    }

    #[test]
    fn participation_moves_only_in_steps_of_k() {
        assert_eq!(Band::of(0, 5), Band::Nobody);
        for n in 1..5 {
            assert_eq!(Band::of(n, 5), Band::FewerThan(5));
        }
        for n in 5..10 {
            assert_eq!(Band::of(n, 5), Band::AtLeast(5));
        }
        assert_eq!(Band::of(10, 5), Band::AtLeast(10));
        assert_eq!(Band::of(3, 0), Band::AtLeast(3), "k below 1 counts as 1");
    }

    proptest::proptest! {
        /// One more person changes the shown band only where it crosses a multiple of k: the
        /// coordinator never learns more than "k more people have started".
        #[test]
        fn one_more_person_shows_only_at_a_multiple_of_k(n in 0i64..1000, k in 3i64..12) {
            let (before, after) = (Band::of(n, k), Band::of(n + 1, k));
            if before != after {
                proptest::prop_assert!(n == 0 || (n + 1) % k == 0, "{n} → {}: {before:?} → {after:?}", n + 1);
            }
        }
    }
}
