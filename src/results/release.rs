//! Releases: a group's shown figures change only in steps that no before-and-after comparison can
//! take apart. Pure.
//!
//! Looking at a group's results before and after one person finishes (or deletes their reflection)
//! would give that person's answers. So what finished or left since a group's last release waits,
//! and is added to the group's shown figures in one step, when
//!
//! 1. at least k respondents of the group have finished or left since the last release;
//! 2. no sum or difference of any views of the last release and of the new one isolates 1..k-1
//!    respondents (who stayed, left or came). Every view that shows is a union of its release's
//!    *pieces* (see `pieces.rs`), so it is enough that no combination of the pieces of both
//!    releases does: an exact check over a handful of classes (`span.rs`). The property test below
//!    plays the adversary with the views themselves;
//! 3. above school level, at least k of them are from outside the school with the most changes —
//!    so a school's coordinator, who may know who finished in their own school, cannot subtract
//!    their own school's part of the change.
//!
//! Each school releases on its own. The groups above school level — everyone, every country and
//! every network — release *together*, in one step from one state, so that what one shows always
//! adds up with what the others show (`joint.rs`: `may_release`). Rule 2 then runs over the joint
//! pieces of all of them, and holds with any one school's respondents known: its coordinator's.
//!
//! A release can wait long when one part changes slowly (one "other" respondent finished while
//! leaders and teachers both show): that is the price of the rule, and the page says so.
use std::collections::{BTreeMap, HashMap};

use super::pieces::pieces;
use super::privacy::CellCount;
use super::suppression::threshold;

/// What finished or left in one cell of a group since its last release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The cell, with `n` = respondents finished minus respondents left.
    pub cell: CellCount,
    /// Respondents finished plus respondents left.
    pub changes: i64,
    /// Their school; `None` for respondents in no school.
    pub school: Option<String>,
}

/// A cell's key: role, innovation, version, month, language, round.
type Key<'a> = (&'a str, &'a str, i64, &'a str, &'a str, &'a str);

fn key(c: &CellCount) -> Key<'_> {
    (
        c.role.as_str(),
        &c.innovation,
        c.version,
        &c.month,
        crate::lang::code(c.language),
        &c.round,
    )
}

/// The group's cells after the pending changes.
pub fn after(released: &[CellCount], pending: &[Change]) -> Vec<CellCount> {
    let mut cells: BTreeMap<Key, CellCount> =
        released.iter().map(|c| (key(c), c.clone())).collect();
    for c in pending {
        cells
            .entry(key(&c.cell))
            .and_modify(|x| x.n += c.cell.n)
            .or_insert_with(|| c.cell.clone());
    }
    cells.into_values().filter(|c| c.n > 0).collect()
}

/// Rules 1 and 3 of the module documentation: at least k changes, and above school level
/// (`above_school`) at least k of them from outside the school with the most.
pub fn enough_changes(pending: &[Change], above_school: bool, k: i64) -> bool {
    let k = threshold(k);
    let total: i64 = pending.iter().map(|c| c.changes).sum();
    if total < k {
        return false;
    }
    if above_school {
        let mut per_school: HashMap<&str, i64> = HashMap::new();
        for c in pending {
            if let Some(s) = &c.school {
                *per_school.entry(s.as_str()).or_default() += c.changes;
            }
        }
        let largest = per_school.values().copied().max().unwrap_or(0);
        if total - largest < k {
            return false;
        }
    }
    true
}

/// Whether the pending changes of one group may be released now (see the module
/// documentation). `above_school`: the group is a network, a country or everyone. (Those release
/// together, by [`super::joint::may_release`], which applies rule 2 to the joint pieces; this
/// one applies it to the group's own.)
pub fn may_release(released: &[CellCount], pending: &[Change], above_school: bool, k: i64) -> bool {
    let k = threshold(k);
    if !enough_changes(pending, above_school, k) {
        return false;
    }
    // Atoms: per cell, the respondents who stayed, left or came. Every view of the last release
    // is a union of its pieces, every view of the new one a union of the new pieces, so respondents
    // in the same (last piece, new piece) class are alike to every view of both; the pieces'
    // indicators span (at least) everything the views can combine to.
    let now = after(released, pending);
    let (before, after_) = (pieces(released, k), pieces(&now, k));
    // (piece in the last release, piece in the new one) → respondents
    type Class = (Option<usize>, Option<usize>);
    let mut classes: Vec<(Class, i64)> = Vec::new();
    let mut add = |class: Class, n: i64| {
        if n > 0 {
            match classes.iter_mut().find(|(c, _)| *c == class) {
                Some((_, m)) => *m += n,
                None => classes.push((class, n)),
            }
        }
    };
    // per cell: respondents in the last release, now, and the pending (net, changes)
    let mut per_cell: BTreeMap<Key, (i64, i64, i64, i64)> = BTreeMap::new();
    for c in released {
        per_cell.entry(key(c)).or_default().0 += c.n;
    }
    for c in &now {
        per_cell.entry(key(c)).or_default().1 += c.n;
    }
    for p in pending {
        let e = per_cell.entry(key(&p.cell)).or_default();
        e.2 += p.cell.n;
        e.3 += p.changes;
    }
    let (piece_before, piece_after) = (before.by_cell(), after_.by_cell());
    for (k_, (n_before, n_now, net, changes)) in per_cell {
        // who left: (changes - net) / 2, assuming none of them came after the last release
        let left = ((changes - net) / 2).clamp(0, n_before);
        let stayed = n_before - left;
        let came = (n_now - stayed).max(0);
        let (b, a) = (
            piece_before.get(&k_).copied(),
            piece_after.get(&k_).copied(),
        );
        add((b, a), stayed);
        add((b, None), left);
        add((None, a), came);
    }
    let sizes: Vec<i64> = classes.iter().map(|(_, n)| *n).collect();
    let mut views: Vec<Vec<bool>> = Vec::new();
    for i in 0..before.count() {
        views.push(classes.iter().map(|((b, _), _)| *b == Some(i)).collect());
    }
    for j in 0..after_.count() {
        views.push(classes.iter().map(|((_, a), _)| *a == Some(j)).collect());
    }
    super::span::isolates(&sizes, &views, k).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::adversary::*;
    use crate::results::privacy::{RoleGroup, ViewFilter};
    use crate::values::RespondentRole as R;
    use proptest::prelude::*;

    fn change(role: R, n: i64, changes: i64, school: Option<&str>) -> Change {
        Change {
            cell: cell(role, "a", 1, "2024-03", n),
            changes,
            school: school.map(str::to_string),
        }
    }

    #[test]
    fn one_finished_respondent_waits_and_k_are_released() {
        let school = [cell(R::Teacher, "a", 1, "2024-01", 8)];
        assert!(!may_release(
            &school,
            &[change(R::Teacher, 1, 1, None)],
            false,
            5
        ));
        assert!(!may_release(
            &school,
            &[change(R::Teacher, 4, 4, None)],
            false,
            5
        ));
        assert!(may_release(
            &school,
            &[change(R::Teacher, 5, 5, None)],
            false,
            5
        ));
        // four finished and one left: five changes
        assert!(may_release(
            &school,
            &[change(R::Teacher, 4, 4, None), {
                let mut c = change(R::Teacher, -1, 1, None);
                c.cell.month = "2024-01".into();
                c
            }],
            false,
            5
        ));
        // a first release: nothing shown yet
        assert!(may_release(
            &[],
            &[change(R::Teacher, 5, 5, None)],
            false,
            5
        ));
    }

    #[test]
    fn a_part_that_shows_never_changes_by_fewer_than_k() {
        // leaders and teachers both show; four teachers and one leader finished
        let school = [
            cell(R::Headteacher, "a", 1, "2024-01", 6),
            cell(R::Teacher, "a", 1, "2024-01", 6),
        ];
        let p = pieces(&school, 5);
        assert!(
            p.shows(&roles(RoleGroup::Leaders.roles()))
                && p.shows(&roles(RoleGroup::Teachers.roles()))
        );
        let pending = [
            change(R::Teacher, 4, 4, None),
            change(R::Headteacher, 1, 1, None),
        ];
        assert!(!may_release(&school, &pending, false, 5));
        let pending = [
            change(R::Teacher, 5, 5, None),
            change(R::Headteacher, 5, 5, None),
        ];
        assert!(may_release(&school, &pending, false, 5));
    }

    #[test]
    fn a_language_that_shows_never_changes_by_fewer_than_k() {
        use crate::lang::Locale;
        // Dutch and English answers both show; four Dutch and one Swedish teacher finished: five
        // changes, but "all" before and after differs from "Dutch" before and after by one
        let school = [
            cell_in(Locale::nl, R::Teacher, "a", 1, "2024-01", 6),
            cell_in(Locale::en, R::Teacher, "a", 1, "2024-01", 6),
        ];
        let p = pieces(&school, 5);
        assert!(p.shows(&language(Locale::nl)) && p.shows(&language(Locale::en)));
        let finished = |l: Locale, n: i64| Change {
            cell: cell_in(l, R::Teacher, "a", 1, "2024-03", n),
            changes: n,
            school: None,
        };
        let pending = [finished(Locale::nl, 4), finished(Locale::sv, 1)];
        assert!(!may_release(&school, &pending, false, 5));
        let pending = [finished(Locale::nl, 5), finished(Locale::en, 5)];
        assert!(may_release(&school, &pending, false, 5));
    }

    #[test]
    fn above_school_level_one_school_cannot_make_a_release() {
        let network = [cell(R::Teacher, "a", 1, "2024-01", 30)];
        let pending = [
            change(R::Teacher, 6, 6, Some("s1")),
            change(R::Teacher, 4, 4, Some("s2")),
        ];
        assert!(!may_release(&network, &pending, true, 5));
        assert!(may_release(&network, &pending, false, 5));
        let pending = [
            change(R::Teacher, 6, 6, Some("s1")),
            change(R::Teacher, 3, 3, Some("s2")),
            change(R::Teacher, 2, 2, Some("s3")),
        ];
        assert!(may_release(&network, &pending, true, 5));
    }

    /// The adversary of two releases: every view that showed in the last release, every view that
    /// shows in the new one. Its atoms: per cell, the respondents who stayed, left or came.
    fn two_releases(
        before: &[CellCount],
        left: &[i64],
        came: &[i64],
        k: i64,
    ) -> (Vec<i64>, Vec<Vec<bool>>) {
        let now: Vec<CellCount> = before
            .iter()
            .zip(left.iter().zip(came))
            .map(|(c, (l, a))| CellCount {
                n: c.n - l + a,
                ..c.clone()
            })
            .collect();
        // atom 3i: stayed in cell i, 3i+1: left, 3i+2: came
        let mut sizes = Vec::new();
        for (c, (l, a)) in before.iter().zip(left.iter().zip(came)) {
            sizes.extend([c.n - l, *l, *a]);
        }
        let row = |f: &ViewFilter, then: bool| -> Vec<bool> {
            before
                .iter()
                .flat_map(|c| {
                    let m = f.matches(c);
                    [m, m && then, m && !then]
                })
                .collect()
        };
        let mut views: Vec<Vec<bool>> = shown_views(before, k)
            .iter()
            .map(|f| row(f, true))
            .collect();
        views.extend(shown_views(&now, k).iter().map(|f| row(f, false)));
        (sizes, views)
    }

    #[test]
    fn the_adversary_breaks_a_release_rule_that_only_counts() {
        // leaders and teachers show; one teacher and four leaders finish: five changes, yet the
        // teachers' view before and after differs by one person
        let before = world_cells(&{
            let mut ns = vec![0; T_CELLS];
            ns[0] = 6; // headteacher a v1 2024-01 en
            ns[T_CELLS / 2] = 6; // teacher a v1 2024-01 en
            ns
        });
        let mut came = vec![0; T_CELLS];
        came[4] = 4; // headteacher a v1 2024-03 en
        came[T_CELLS / 2 + 4] = 1; // teacher a v1 2024-03 en
        let left = vec![0; T_CELLS];
        let (sizes, views) = two_releases(&before, &left, &came, 5);
        let found = isolates(&sizes, &views, 5).expect("the teacher who finished");
        assert_eq!(found, [3 * (T_CELLS / 2 + 4) + 2]);
        let pending: Vec<Change> = before
            .iter()
            .zip(&came)
            .filter(|(_, a)| **a > 0)
            .map(|(c, a)| Change {
                cell: CellCount { n: *a, ..c.clone() },
                changes: *a,
                school: None,
            })
            .collect();
        assert!(!may_release(&before, &pending, false, 5));
    }

    fn releases() -> impl Strategy<Value = (Vec<CellCount>, Vec<i64>, Vec<i64>, i64)> {
        (
            world(),
            prop::collection::vec((0usize..T_CELLS, 0i64..3, 0i64..6), 1..6),
        )
            .prop_map(|((before, k), moves)| {
                let mut left = vec![0; T_CELLS];
                let mut came = vec![0; T_CELLS];
                for (i, l, a) in moves {
                    left[i] = l.min(before[i].n);
                    came[i] = a;
                }
                (before, left, came, k)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Whenever the rule releases, no sum or difference of any views of the last release and
        /// of the new one isolates 1..k-1 respondents (who stayed, left or came).
        #[test]
        fn no_combination_of_two_releases_isolates_a_small_group(
            (before, left, came, k) in releases()
        ) {
            let pending: Vec<Change> = before
                .iter()
                .zip(left.iter().zip(&came))
                .filter(|(_, (l, a))| **l + **a > 0)
                .map(|(c, (l, a))| Change {
                    cell: CellCount { n: a - l, ..c.clone() },
                    changes: l + a,
                    school: None,
                })
                .collect();
            let total: i64 = left.iter().chain(&came).sum();
            let released = may_release(&before, &pending, false, k);
            prop_assert!(!released || total >= k);
            if released {
                let (sizes, views) = two_releases(&before, &left, &came, k);
                if let Some(set) = isolates(&sizes, &views, k) {
                    prop_assert!(false, "isolated atoms {:?} of sizes {:?}", set,
                        set.iter().map(|i| sizes[*i]).collect::<Vec<_>>());
                }
            }
        }
    }
}
