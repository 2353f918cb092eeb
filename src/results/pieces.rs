//! Disclosure control against sums and differences of any number of views of one group.
//!
//! Every view of a group (a filter on role, innovation, language, version and months) is a set of its
//! respondents. A viewer who sees several views can add and subtract their counts and means:
//! "all − leaders − teachers" is the school's one "other" respondent although each of the three
//! views holds ≥ k. The rule here makes every such combination safe at once:
//!
//! The views that show cut the group's respondents into *pieces* — respondents who are in exactly
//! the same shown views. Every piece holds 0 or ≥ k respondents. Any sum or difference of shown
//! views (with any coefficients) counts each piece wholly or not at all, so a set of respondents
//! it isolates is a union of pieces and holds 0 or ≥ k. That is the whole argument; it needs no
//! search over combinations.
//!
//! Which views show is decided once per group, not per request, so that the answer does not depend
//! on what was asked before: the candidate views, most useful first (the whole group; then single
//! filters, the larger parts first; then pairs and triples of filters; then time windows of the
//! whole group), are taken in turn, and each is added only if it cuts no piece into a part of
//! 1..k-1. A part of a partition whose remainder would be small is thus left out in favour of the
//! larger parts ("suppress the next-smallest part"). A requested view then shows exactly when it
//! holds ≥ k and is a union of the pieces — every view added shows, and showing any other union
//! of pieces cuts nothing further, so the rule holds for any set of requests. Pure.
use std::collections::HashMap;

use super::privacy::{CellCount, ViewFilter, language_options, periods, role_options};
use super::suppression::threshold;
use crate::values::{RespondentRole, RoleGroup};

/// The group's respondents cut into pieces. Cells without respondents belong to no piece.
#[derive(Debug, Clone, PartialEq)]
pub struct Pieces {
    cells: Vec<CellCount>,
    /// Piece of each cell (same order as `cells`).
    piece: Vec<usize>,
    /// Respondents per piece.
    size: Vec<i64>,
    k: i64,
}

impl Pieces {
    /// One piece: the whole group.
    fn whole(own: &[CellCount], k: i64) -> Pieces {
        let cells: Vec<CellCount> = own.iter().filter(|c| c.n > 0).cloned().collect();
        let total = cells.iter().map(|c| c.n).sum();
        Pieces {
            piece: vec![0; cells.len()],
            size: vec![total],
            cells,
            k: threshold(k),
        }
    }

    /// Respondents of each piece inside the view (by piece), and the view's total.
    fn inside(&self, f: &ViewFilter) -> (Vec<i64>, i64) {
        let mut inside = vec![0; self.size.len()];
        let mut n = 0;
        for (c, p) in self.cells.iter().zip(&self.piece) {
            if f.matches(c) {
                inside[*p] += c.n;
                n += c.n;
            }
        }
        (inside, n)
    }

    /// Adds a view to the shown ones if it holds ≥ k and cuts no piece into a part of 1..k-1.
    fn offer(&mut self, f: &ViewFilter) -> bool {
        let (inside, n) = self.inside(f);
        let k = self.k;
        if n < k {
            return false;
        }
        let cut_small = inside.iter().enumerate().any(|(p, i)| {
            let out = self.size[p] - i;
            *i > 0 && out > 0 && (*i < k || out < k)
        });
        if cut_small {
            return false;
        }
        // the part inside becomes a new piece (numbered in piece order: the same cells always
        // give the same pieces)
        let mut split: Vec<Option<usize>> = vec![None; self.size.len()];
        for (p, i) in inside.into_iter().enumerate() {
            if i > 0 && self.size[p] > i {
                self.size[p] -= i;
                split[p] = Some(self.size.len());
                self.size.push(i);
            }
        }
        for (c, p) in self.cells.iter().zip(self.piece.iter_mut()) {
            if f.matches(c)
                && let Some(q) = split[*p]
            {
                *p = q;
            }
        }
        true
    }

    /// Whether a view may show: it holds ≥ k and is a union of pieces.
    pub fn shows(&self, f: &ViewFilter) -> bool {
        let (inside, n) = self.inside(f);
        n >= self.k
            && inside
                .iter()
                .zip(&self.size)
                .all(|(i, size)| *i == 0 || i == size)
    }

    /// Respondents per piece (for tests and documentation).
    pub fn sizes(&self) -> Vec<i64> {
        self.size.clone()
    }

    /// How many pieces there are (some may be empty).
    pub fn count(&self) -> usize {
        self.size.len()
    }

    /// The piece of each cell with respondents, by role, innovation, version, month, language
    /// and round.
    #[allow(clippy::type_complexity)]
    pub fn by_cell(&self) -> HashMap<(&str, &str, i64, &str, &str, &str), usize> {
        self.cells
            .iter()
            .zip(&self.piece)
            .map(|(c, p)| {
                (
                    (
                        c.role.as_str(),
                        c.innovation.as_str(),
                        c.version,
                        c.month.as_str(),
                        crate::lang::code(c.language),
                        c.round.as_str(),
                    ),
                    *p,
                )
            })
            .collect()
    }
}

/// The rank of a role option: all roles, the leaders, the teachers, others, then single roles.
fn role_rank(roles: &Option<Vec<RespondentRole>>) -> usize {
    let Some(rs) = roles else { return 0 };
    match rs.as_slice() {
        x if x == RoleGroup::Leaders.roles() => 1,
        [RespondentRole::Teacher] => 2,
        [RespondentRole::Other] => 3,
        _ => 4,
    }
}

/// The views the pages offer for a group, without dates, in the order they are offered to
/// [`Pieces`]: fewer filters first; single filters by kind (roles, innovations, languages,
/// versions); then larger views first. Languages: those the group's respondents answered in, none
/// when they all answered in one (see [`language_options`]).
pub(super) fn candidates(own: &[CellCount]) -> Vec<ViewFilter> {
    let mut versions: Vec<i64> = own.iter().filter(|c| c.n > 0).map(|c| c.version).collect();
    versions.sort_unstable();
    versions.dedup();
    let mut innovations: Vec<String> = own
        .iter()
        .filter(|c| c.n > 0)
        .map(|c| c.innovation.clone())
        .collect();
    innovations.sort_unstable();
    innovations.dedup();
    let languages = language_options(own);
    // a school's rounds (cells above school level hold none)
    let mut rounds: Vec<String> = own
        .iter()
        .filter(|c| c.n > 0 && !c.round.is_empty())
        .map(|c| c.round.clone())
        .collect();
    rounds.sort_unstable();
    rounds.dedup();
    let mut out: Vec<((usize, usize), i64, usize, ViewFilter)> = Vec::new();
    for version in std::iter::once(None).chain(versions.into_iter().map(Some)) {
        for roles in role_options() {
            for innovation in std::iter::once(None).chain(innovations.iter().cloned().map(Some)) {
                for language in std::iter::once(None).chain(languages.iter().copied().map(Some)) {
                    for round in std::iter::once(None).chain(rounds.iter().cloned().map(Some)) {
                        let f = ViewFilter {
                            version,
                            roles: roles.clone(),
                            innovation: innovation.clone(),
                            language,
                            round,
                            from: None,
                            to: None,
                        };
                        let dims = usize::from(f.version.is_some())
                            + usize::from(f.roles.is_some())
                            + usize::from(f.innovation.is_some())
                            + usize::from(f.language.is_some())
                            + usize::from(f.round.is_some());
                        // among single filters: roles (leaders beside teachers is the comparison
                        // schools come for), then rounds (a school's yearly cycle), then
                        // innovations, then languages, then versions
                        let kind = match (&f.roles, &f.round, &f.innovation, &f.language) {
                            _ if dims != 1 => 0,
                            (Some(_), _, _, _) => 0,
                            (None, Some(_), _, _) => 1,
                            (None, None, Some(_), _) => 2,
                            (None, None, None, Some(_)) => 3,
                            (None, None, None, None) => 4,
                        };
                        let n = super::privacy::count(own, &f);
                        out.push(((dims, kind), -n, role_rank(&f.roles), f));
                    }
                }
            }
        }
    }
    // stable: equal keys keep the generation order (version, role, innovation, language)
    out.sort_by_key(|(dims, n, rank, _)| (*dims, *n, *rank));
    out.into_iter().map(|(_, _, _, f)| f).collect()
}

/// The time windows of the whole group the pages can ask for (every window [`super::privacy::snap`]
/// yields), widest first.
pub(super) fn windows(own: &[CellCount], k: i64) -> Vec<ViewFilter> {
    let ps = periods(own, &ViewFilter::default(), k);
    let froms: Vec<Option<String>> = std::iter::once(None)
        .chain(ps.iter().map(|p| Some(p.0.clone())))
        .collect();
    let tos: Vec<Option<String>> = std::iter::once(None)
        .chain(ps.iter().map(|p| Some(p.1.clone())))
        .collect();
    let mut out: Vec<(usize, ViewFilter)> = Vec::new();
    for (a, from) in froms.iter().enumerate() {
        for (b, to) in tos.iter().enumerate() {
            // the periods covered, first..=last: an open start is the first period, an open end
            // the last
            let first = a.saturating_sub(1);
            let Some(last) = (if b == 0 {
                ps.len().checked_sub(1)
            } else {
                Some(b - 1)
            }) else {
                continue;
            };
            if last < first {
                continue;
            }
            out.push((
                last - first + 1,
                ViewFilter {
                    from: from.clone(),
                    to: to.clone(),
                    ..Default::default()
                },
            ));
        }
    }
    out.sort_by_key(|(width, _)| std::cmp::Reverse(*width));
    out.into_iter().map(|(_, f)| f).collect()
}

/// The pieces of a group: every candidate view offered in turn (see the module documentation).
pub fn pieces(own: &[CellCount], k: i64) -> Pieces {
    let k = threshold(k);
    let mut p = Pieces::whole(own, k);
    for f in candidates(own).into_iter().chain(windows(own, k)) {
        p.offer(&f);
    }
    p
}

/// Pieces already worked out, by the exact cells and k they were worked out from: [`pieces`] is a
/// pure function of the two, and a group's cells change only when the group releases, so the
/// pages of a group find its pieces here instead of working them out again (at a million
/// respondents that work was most of a results page's time). Holds at most [`Memo::MAX`]
/// cell lists; when full it starts afresh. Shared by every request of one server.
#[derive(Default)]
pub struct Memo {
    known: std::sync::Mutex<Known>,
}

/// The memo's pieces by cells, then by k.
type Known = HashMap<Vec<CellCount>, HashMap<i64, std::sync::Arc<Pieces>>>;

impl Memo {
    /// The most cell lists held (a few per group with results pages in use).
    pub const MAX: usize = 512;

    /// [`pieces`] of `own` and `k`, worked out at most once while held.
    pub fn pieces(&self, own: &[CellCount], k: i64) -> std::sync::Arc<Pieces> {
        let held = self
            .known
            .lock()
            .ok()
            .and_then(|known| known.get(own)?.get(&k).cloned());
        if let Some(p) = held {
            return p;
        }
        // worked out outside the lock: other pages go on meanwhile
        let p = std::sync::Arc::new(pieces(own, k));
        if let Ok(mut known) = self.known.lock() {
            if known.len() >= Self::MAX && !known.contains_key(own) {
                known.clear();
            }
            known.entry(own.to_vec()).or_default().insert(k, p.clone());
        }
        p
    }

    /// Cell lists held.
    pub fn len(&self) -> usize {
        self.known.lock().map(|k| k.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Locale;
    use crate::results::adversary::*;
    use crate::results::privacy::count;
    use crate::values::RespondentRole as R;
    use proptest::prelude::*;

    #[test]
    fn the_one_other_respondent_cannot_be_worked_out() {
        // 6 leaders, 6 teachers, 1 other: all − leaders − teachers = the other one.
        let school = [
            cell(R::Headteacher, "x", 1, "2024-01", 2),
            cell(R::Deputy, "x", 1, "2024-01", 4),
            cell(R::Teacher, "x", 1, "2024-01", 6),
            cell(R::Other, "x", 1, "2024-01", 1),
        ];
        let p = pieces(&school, 5);
        assert!(p.shows(&ViewFilter::default()));
        let leaders = p.shows(&roles(RoleGroup::Leaders.roles()));
        let teachers = p.shows(&roles(RoleGroup::Teachers.roles()));
        assert!(
            leaders ^ teachers,
            "exactly one part of the partition shows"
        );
        assert!(!p.shows(&roles(&[R::Other])));
        // with 7 leaders, the smaller part (teachers) is the one left out
        let mut bigger = school.clone();
        bigger[1].n = 5;
        let p = pieces(&bigger, 5);
        assert!(
            p.shows(&roles(RoleGroup::Leaders.roles()))
                && !p.shows(&roles(RoleGroup::Teachers.roles()))
        );
    }

    #[test]
    fn a_round_shows_beside_the_school_only_when_the_rest_is_0_or_k() {
        let in_round = |mut c: CellCount, round: &str| {
            c.round = round.into();
            c
        };
        let round = |id: &str| ViewFilter {
            round: Some(id.into()),
            ..Default::default()
        };
        // a round of 5 leaders and 5 teachers, and 7 teachers who used the school code
        let school = [
            in_round(cell(R::Headteacher, "x", 1, "2024-01", 5), "r1"),
            in_round(cell(R::Teacher, "x", 1, "2024-01", 5), "r1"),
            cell(R::Teacher, "x", 1, "2024-01", 7),
        ];
        let p = pieces(&school, 5);
        assert!(p.shows(&ViewFilter::default()));
        assert!(p.shows(&round("r1")));
        // the round's leaders beside its teachers: each a union of pieces of 5
        let leaders_in_round = ViewFilter {
            roles: Some(RoleGroup::Leaders.roles().to_vec()),
            ..round("r1")
        };
        assert!(p.shows(&leaders_in_round), "{:?}", p.sizes());
        assert!(
            p.sizes().iter().all(|n| *n == 0 || *n >= 5),
            "{:?}",
            p.sizes()
        );
        // only 2 outside the round: the school minus its round would be those 2
        let mut few = school.clone();
        few[2].n = 2;
        let p = pieces(&few, 5);
        assert!(p.shows(&ViewFilter::default()));
        assert!(!p.shows(&round("r1")));
        // a round of another school holds nobody here
        assert!(!p.shows(&round("r2")));
    }

    #[test]
    fn innovations_split_like_roles() {
        // innovation a 6, b 6, c 1 (all teachers)
        let school = [
            cell(R::Teacher, "a", 1, "2024-01", 6),
            cell(R::Teacher, "b", 1, "2024-01", 6),
            cell(R::Teacher, "c", 1, "2024-01", 1),
        ];
        let p = pieces(&school, 5);
        let inn = |i: &str| ViewFilter {
            innovation: Some(i.into()),
            ..Default::default()
        };
        assert!(p.shows(&ViewFilter::default()));
        assert_eq!(
            [p.shows(&inn("a")), p.shows(&inn("b")), p.shows(&inn("c"))]
                .iter()
                .filter(|s| **s)
                .count(),
            1
        );
        // a school where every part is large shows them all
        let school = [
            cell(R::Teacher, "a", 1, "2024-01", 6),
            cell(R::Headteacher, "a", 1, "2024-01", 5),
            cell(R::Other, "b", 1, "2024-01", 7),
        ];
        let p = pieces(&school, 5);
        assert!(p.shows(&inn("a")) && p.shows(&inn("b")));
        assert!(p.shows(&roles(RoleGroup::Teachers.roles())) && p.shows(&roles(&[R::Other])));
        assert!(p.shows(&roles(RoleGroup::Leaders.roles())));
        assert_eq!(p.sizes().iter().filter(|n| **n > 0).count(), 3);
    }

    #[test]
    fn a_lone_answer_in_another_language_cannot_be_worked_out() {
        // a Dutch school: 6 teachers answered in Dutch, 5 in English, 1 in Swedish. All − Dutch −
        // English is the Swedish one: only the larger language (Dutch) shows beside all.
        let school = [
            cell_in(Locale::nl, R::Teacher, "x", 1, "2024-01", 6),
            cell_in(Locale::en, R::Teacher, "x", 1, "2024-01", 5),
            cell_in(Locale::sv, R::Teacher, "x", 1, "2024-01", 1),
        ];
        let p = pieces(&school, 5);
        assert!(p.shows(&ViewFilter::default()));
        assert!(p.shows(&language(Locale::nl)));
        assert!(!p.shows(&language(Locale::en)));
        assert!(!p.shows(&language(Locale::sv)));
        let answered = [Locale::nl, Locale::en, Locale::sv];
        let shown: Vec<ViewFilter> = every_view_over(&school, 5, &[1], &["x"], &answered, &[])
            .into_iter()
            .filter(|f| p.shows(f))
            .collect();
        assert_eq!(isolated(&school, &shown, 5), None, "{shown:?}");
        // a rule that only counts shows Dutch and English too, and gives the Swedish one away
        let counted = [
            ViewFilter::default(),
            language(Locale::nl),
            language(Locale::en),
        ];
        let found = isolated(&school, &counted, 5).expect("all − Dutch − English");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].language, Locale::sv);
        // with 6 English answers it is the same: one of the two languages stays hidden
        let mut bigger = school.clone();
        bigger[1].n = 6;
        let p = pieces(&bigger, 5);
        assert!(p.shows(&language(Locale::nl)) ^ p.shows(&language(Locale::en)));
        // a school where everyone answered in one language offers no language filter of its own,
        // and its language's view is the whole group's
        let p = pieces(&school[..1], 5);
        assert!(p.shows(&language(Locale::nl)) && p.shows(&ViewFilter::default()));
        assert!(!p.shows(&language(Locale::en)));
        assert_eq!(p.count(), 1);
    }

    #[test]
    fn languages_show_when_every_part_is_large() {
        let school = [
            cell_in(Locale::nl, R::Teacher, "x", 1, "2024-01", 6),
            cell_in(Locale::en, R::Headteacher, "x", 1, "2024-01", 2),
            cell_in(Locale::en, R::Teacher, "x", 1, "2024-01", 4),
        ];
        let p = pieces(&school, 5);
        assert!(p.shows(&language(Locale::nl)) && p.shows(&language(Locale::en)));
        assert_eq!(count(&school, &language(Locale::en)), 6);
        // the teachers (10) are left out: the rest would be 2 headteachers
        assert!(!p.shows(&roles(RoleGroup::Teachers.roles())));
    }

    #[test]
    fn roles_come_before_languages() {
        // leaders and teachers, each 3 in Dutch and 3 in English: the roles or the languages can
        // show, not both (English leaders = 3). Roles are offered first, so they show.
        let school = [
            cell_in(Locale::nl, R::Headteacher, "x", 1, "2024-01", 3),
            cell_in(Locale::en, R::Headteacher, "x", 1, "2024-01", 3),
            cell_in(Locale::nl, R::Teacher, "x", 1, "2024-01", 3),
            cell_in(Locale::en, R::Teacher, "x", 1, "2024-01", 3),
        ];
        let p = pieces(&school, 5);
        assert!(p.shows(&roles(RoleGroup::Leaders.roles())));
        assert!(p.shows(&roles(RoleGroup::Teachers.roles())));
        assert!(!p.shows(&language(Locale::nl)) && !p.shows(&language(Locale::en)));
    }

    #[test]
    fn the_adversary_breaks_a_rule_that_only_counts() {
        let school = [
            cell(R::Headteacher, "a", 1, "2024-01", 6),
            cell(R::Teacher, "a", 1, "2024-01", 6),
            cell(R::Other, "a", 1, "2024-01", 1),
        ];
        let views = [
            ViewFilter::default(),
            roles(&[R::Headteacher]),
            roles(RoleGroup::Teachers.roles()),
        ];
        let found = isolated(&school, &views, 5).expect("all − head − teachers");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].role, R::Other);
        let p = pieces(&school, 5);
        let shown: Vec<ViewFilter> = views.into_iter().filter(|f| p.shows(f)).collect();
        assert_eq!(isolated(&school, &shown, 5), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// The adversary sees every view of the group that shows and combines any number of them
        /// with any rational coefficients: no combination isolates 1..k-1 respondents.
        #[test]
        fn no_combination_of_shown_views_isolates_a_small_group((own, k) in world()) {
            let p = pieces(&own, k);
            let shown: Vec<ViewFilter> = every_view(&own, k).into_iter().filter(|f| p.shows(f)).collect();
            for f in &shown {
                prop_assert!(count(&own, f) >= k);
            }
            if let Some(set) = isolated(&own, &shown, k) {
                prop_assert!(false, "isolated {:?} from {} views", set, shown.len());
            }
            let total = count(&own, &ViewFilter::default());
            if total < k {
                // a group of fewer than k is one piece of its own size and shows nothing at all
                prop_assert!(shown.is_empty(), "a group of {total} shows {} views", shown.len());
                prop_assert_eq!(p.sizes(), vec![total]);
            } else {
                // every piece holds 0 or ≥ k
                for n in p.sizes() {
                    prop_assert!(n == 0 || n >= k, "piece of {n}");
                }
            }
            // a group of ≥ k always shows its whole
            prop_assert_eq!(p.shows(&ViewFilter::default()), total >= k);
            // roles all covered: the role list used by the pages is the one tested here
            prop_assert!(T_ROLES.iter().all(|r| RespondentRole::ALL.contains(r)));
        }

        /// A school with rounds: the adversary sees every view by role option, round (none, a
        /// round, another round) and innovation that shows, and combines any number of them: no
        /// combination isolates 1..k-1 respondents — rounds are a filter like any other.
        #[test]
        fn rounds_give_the_adversary_nothing_small(
            ns in prop::collection::vec(0i64..5, T_ROLES.len() * 3 * 2),
            k in 3i64..6,
        ) {
            const ROUNDS: [&str; 3] = ["", "r1", "r2"];
            let mut own = Vec::new();
            let mut it = ns.iter();
            for r in T_ROLES {
                for round in ROUNDS {
                    for i in ["a", "b"] {
                        let mut c = cell(r, i, 1, "2024-01", *it.next().unwrap());
                        c.round = round.into();
                        own.push(c);
                    }
                }
            }
            let p = pieces(&own, k);
            let mut views = Vec::new();
            for roles in role_options() {
                for round in [None, Some("r1"), Some("r2")] {
                    for innovation in [None, Some("a"), Some("b")] {
                        views.push(ViewFilter {
                            roles: roles.clone(),
                            round: round.map(str::to_string),
                            innovation: innovation.map(str::to_string),
                            ..Default::default()
                        });
                    }
                }
            }
            let shown: Vec<ViewFilter> = views.into_iter().filter(|f| p.shows(f)).collect();
            if let Some(set) = isolated(&own, &shown, k) {
                prop_assert!(false, "isolated {:?} from {} views", set, shown.len());
            }
        }

        /// The memo answers exactly what working the pieces out again answers, for any groups
        /// in any order, asked again or after one more respondent: it is never stale.
        #[test]
        fn the_memo_is_never_stale((a, k) in world(), (b, j) in world(), which in 0usize..64) {
            let memo = Memo::default();
            let first = memo.pieces(&a, k);
            prop_assert_eq!(&*first, &pieces(&a, k));
            prop_assert_eq!(&*memo.pieces(&b, j), &pieces(&b, j));
            let again = memo.pieces(&a, k);
            prop_assert!(std::sync::Arc::ptr_eq(&first, &again), "held, not worked out again");
            prop_assert_eq!(&*memo.pieces(&a, k + 1), &pieces(&a, k + 1));
            if !a.is_empty() {
                let mut one_more = a.clone();
                one_more[which % a.len()].n += 1;
                prop_assert_eq!(&*memo.pieces(&one_more, k), &pieces(&one_more, k));
            }
        }
    }

    #[test]
    fn the_memo_holds_a_bounded_number_of_groups() {
        let memo = Memo::default();
        for n in 0..(Memo::MAX as i64 + 10) {
            let own = [cell(R::Teacher, "x", 1, "2024-01", n + 1)];
            assert_eq!(*memo.pieces(&own, 5), pieces(&own, 5));
            assert!(memo.len() <= Memo::MAX);
        }
        assert!(!memo.is_empty());
    }
}
