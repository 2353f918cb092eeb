//! The adversary across groups (tests only): a school's coordinator sees every view of their
//! school that shows under the rules of the results pages, and every view of everyone, of the
//! countries and of the networks that the joint pieces (`joint.rs`) let show, and combines any
//! number of them. No combination may isolate 1..k-1 respondents — in their own school or in the
//! others. The world: schools A, B and E in country X, F and G in country Y, a network of A, E
//! and F across the two, and respondents in no school.
use super::adversary::{cell_in, every_view_over, isolates};
use super::joint::{Unit, decide, may_release};
use super::model::Scope;
use super::pieces::{Pieces, pieces};
use super::privacy::{CellCount, ViewFilter, Withheld, count, view_shows, view_shows_with};
use super::release::Change;
use crate::lang::Locale;
use crate::values::RespondentRole as R;
use proptest::prelude::*;

const ROLES: [R; 3] = [R::Headteacher, R::Deputy, R::Teacher];
const INNOVATIONS: [&str; 2] = ["a", "b"];
const MONTHS: [&str; 2] = ["2024-01", "2024-02"];
const LANGUAGES: [Locale; 2] = [Locale::nl, Locale::sv];
/// Who: schools A, B and E of country X, respondents in no school, schools F and G of country Y.
const MEMBERS: usize = 6;
const X: [usize; 3] = [0, 1, 2];
const Y: [usize; 2] = [4, 5];
/// The network: A and E in X, F in Y.
const N: [usize; 3] = [0, 2, 4];
const ALL: [usize; MEMBERS] = [0, 1, 2, 3, 4, 5];
const NAMES: [&str; MEMBERS] = ["A", "B", "E", "alone", "F", "G"];
const CELLS: usize = ROLES.len() * INNOVATIONS.len() * MONTHS.len() * LANGUAGES.len();

fn cells_of(ns: &[i64]) -> Vec<CellCount> {
    let mut out = Vec::new();
    let mut it = ns.iter();
    for r in ROLES {
        for i in INNOVATIONS {
            for m in MONTHS {
                for l in LANGUAGES {
                    out.push(cell_in(l, r, i, 1, m, *it.next().unwrap()));
                }
            }
        }
    }
    out
}

/// The index of a cell of [`cells_of`].
fn at(role: usize, innovation: usize, month: usize, language: usize) -> usize {
    ((role * INNOVATIONS.len() + innovation) * MONTHS.len() + month) * LANGUAGES.len() + language
}

/// A world with these (member, cell, respondents) and nobody else.
fn world_with(entries: &[(usize, usize, i64)]) -> Vec<Vec<i64>> {
    let mut world = vec![vec![0i64; CELLS]; MEMBERS];
    for (member, cell, n) in entries {
        world[*member][*cell] = *n;
    }
    world
}

/// The cells of the members in `who` (per member, `CELLS` numbers).
fn group(world: &[Vec<i64>], who: &[usize]) -> Vec<CellCount> {
    let sum: Vec<i64> = (0..CELLS)
        .map(|c| who.iter().map(|m| world[*m][c]).sum())
        .collect();
    cells_of(&sum)
}

fn views(own: &[CellCount], k: i64) -> Vec<ViewFilter> {
    every_view_over(own, k, &[], &INNOVATIONS, &LANGUAGES, &MONTHS)
}

/// A school of four: three on innovation b in January, one on a in February. Everyone's view
/// "up to January" holds exactly those three (nobody else answered then). The school's whole view
/// minus that one is the February respondent: the school's view is withheld.
#[test]
fn a_smaller_view_of_everyone_inside_a_school_view_withholds_it() {
    let mut world = vec![vec![0i64; CELLS]; MEMBERS];
    // everyone a teacher answering in Dutch
    let (a_feb, b_jan, b_feb) = (at(2, 0, 1, 0), at(2, 1, 0, 0), at(2, 1, 1, 0));
    world[0][a_feb] = 1; // A: teacher, a, February
    world[0][b_jan] = 3; // A: teacher, b, January
    world[1][a_feb] = 1;
    world[1][b_feb] = 3;
    world[2][a_feb] = 2;
    world[2][b_feb] = 2;
    world[3][a_feb] = 1;
    world[3][b_feb] = 4;
    let school = group(&world, &[0]);
    let country = group(&world, &[0, 1, 2]);
    let all = group(&world, &[0, 1, 2, 3]);
    let january = ViewFilter {
        to: Some("2024-01".into()),
        ..Default::default()
    };
    assert_eq!(view_shows(&all, &[], &january, 3), None);
    assert_eq!(count(&all, &january), 3);
    assert_eq!(
        view_shows(&school, &[&country, &all], &ViewFilter::default(), 3),
        Some(Withheld::WouldReveal)
    );
}

/// The units of the world, for `joint::decide`.
fn units(world: &[Vec<i64>]) -> Vec<Unit> {
    (0..MEMBERS)
        .map(|m| Unit {
            school: (m != 3).then(|| NAMES[m].to_string()),
            network: N.contains(&m).then(|| "n".to_string()),
            country: if X.contains(&m) {
                Some("x".into())
            } else if Y.contains(&m) {
                Some("y".into())
            } else {
                None
            },
            cells: group(world, &[m]),
        })
        .collect()
}

/// Every view that shows, with its members, to the coordinator of school `own`: their school's
/// under the results pages' rules (against its network, its country and everyone), and every
/// view above school level that the joint pieces let show. (The pages also apply the older
/// pairwise rules above school level, so they show fewer: this adversary sees more than any.)
fn shown(world: &[Vec<i64>], k: i64, own: usize) -> Vec<(Vec<usize>, ViewFilter)> {
    let school = group(world, &[own]);
    let country: &[usize] = if X.contains(&own) { &X } else { &Y };
    let mut enclosing = vec![group(world, country), group(world, &ALL)];
    if N.contains(&own) {
        enclosing.insert(0, group(world, &N));
    }
    // each group's pieces once (what `view_shows` works out on every call)
    let own_pieces = pieces(&school, k);
    let enclosing_pieces: Vec<_> = enclosing.iter().map(|g| pieces(g, k)).collect();
    let enclosing: Vec<(&[CellCount], &Pieces)> = enclosing
        .iter()
        .map(Vec::as_slice)
        .zip(&enclosing_pieces)
        .collect();
    let mut seen: Vec<(Vec<usize>, ViewFilter)> = Vec::new();
    for f in views(&school, k) {
        if view_shows_with(&school, &own_pieces, &enclosing, &f, k).is_none() {
            seen.push((vec![own], f));
        }
    }
    let joint = decide(&units(world), k);
    let above: [(Scope, &[usize]); 4] = [
        (Scope::All, &ALL),
        (Scope::Country("x".into()), &X),
        (Scope::Country("y".into()), &Y),
        (Scope::Network("n".into()), &N),
    ];
    for (scope, who) in above {
        for f in views(&group(world, who), k) {
            if joint.shows(&scope, &f) {
                seen.push((who.to_vec(), f));
            }
        }
    }
    seen
}

/// The atoms (member × cell, numbered member * CELLS + cell) that some sum or difference of the
/// views isolates, if any.
fn attack(world: &[Vec<i64>], seen: &[(Vec<usize>, ViewFilter)], k: i64) -> Option<Vec<usize>> {
    let cells = cells_of(&[0; CELLS]);
    let sizes: Vec<i64> = world.iter().flatten().copied().collect();
    let rows: Vec<Vec<bool>> = seen
        .iter()
        .map(|(who, f)| {
            (0..MEMBERS)
                .flat_map(|m| cells.iter().map(move |c| (m, c)))
                .map(|(m, c)| who.contains(&m) && f.matches(c))
                .collect()
        })
        .collect();
    isolates(&sizes, &rows, k)
}

/// A Dutch school with one teacher who answered in Swedish, in a Dutch country: "the school −
/// its Dutch answers" (or the country's, or everyone's) would be that one teacher. Every other
/// view shows; no combination of what shows singles the teacher out.
#[test]
fn a_lone_teacher_in_another_language_cannot_be_worked_out() {
    let (dutch, swedish) = (at(2, 0, 0, 0), at(2, 0, 0, 1));
    let world = world_with(&[
        (0, dutch, 6),
        (0, swedish, 1),
        (1, dutch, 6),
        (2, dutch, 6),
        (3, dutch, 5),
    ]);
    let k = 5;
    let (school, country, all) = (
        group(&world, &[0]),
        group(&world, &[0, 1, 2]),
        group(&world, &[0, 1, 2, 3]),
    );
    let language = |l| ViewFilter {
        language: Some(l),
        ..Default::default()
    };
    let whole = ViewFilter::default();
    assert_eq!(view_shows(&school, &[&country, &all], &whole, k), None);
    assert_eq!(view_shows(&country, &[&all], &whole, k), None);
    assert_eq!(view_shows(&all, &[], &whole, k), None);
    assert_eq!(
        view_shows(&school, &[&country, &all], &language(Locale::nl), k),
        Some(Withheld::WouldReveal),
        "the school's 7 − its 6 Dutch answers = the Swedish one"
    );
    assert_eq!(
        view_shows(&school, &[&country, &all], &language(Locale::sv), k),
        Some(Withheld::MoreNeeded(4))
    );
    assert_eq!(
        view_shows(&country, &[&all], &language(Locale::nl), k),
        Some(Withheld::WouldReveal)
    );
    assert_eq!(
        view_shows(&all, &[], &language(Locale::nl), k),
        Some(Withheld::WouldReveal)
    );
    let seen = shown(&world, k, 0);
    assert!(seen.len() > 3, "{seen:?}");
    assert_eq!(attack(&world, &seen, k), None, "{seen:?}");
    // the attacker finds the teacher when every view of at least k shows
    let naive: Vec<(Vec<usize>, ViewFilter)> = [
        (vec![0], &school),
        (vec![0, 1, 2], &country),
        (vec![0, 1, 2, 3], &all),
    ]
    .into_iter()
    .flat_map(|(who, cells)| {
        views(cells, k)
            .into_iter()
            .filter(|f| count(cells, f) >= k)
            .map(move |f| (who.clone(), f))
    })
    .collect();
    assert_eq!(attack(&world, &naive, k), Some(vec![swedish]));
}

/// The attack of the module documentation (k = 4): everyone 17, of whom 12 on innovation b;
/// country X 12, of whom 8 on b. When each group's views show by its own pieces alone, all four
/// show, and (everyone − everyone on b) − (X − X on b) is the one respondent in no school, on a.
/// The joint pieces leave one of them out.
#[test]
fn the_four_view_attack_is_found_and_the_joint_pieces_stop_it() {
    let (a, b) = (at(2, 0, 0, 0), at(2, 1, 0, 0));
    let world = world_with(&[
        (0, a, 2),
        (0, b, 3),
        (1, a, 1),
        (1, b, 3),
        (2, a, 1),
        (2, b, 2),
        (3, a, 1),
        (4, b, 2),
        (5, b, 2),
    ]);
    let k = 4;
    let mut own_pieces_only = Vec::new();
    for who in [&ALL[..], &X[..]] {
        let cells = group(&world, who);
        let p = pieces(&cells, k);
        for f in views(&cells, k) {
            if p.shows(&f) {
                own_pieces_only.push((who.to_vec(), f));
            }
        }
    }
    let alone_on_a = vec![3 * CELLS + a];
    assert_eq!(attack(&world, &own_pieces_only, k), Some(alone_on_a));
    for own in [0, 1, 4] {
        let seen = shown(&world, k, own);
        assert!(
            seen.iter()
                .any(|(who, f)| who.len() == MEMBERS && *f == ViewFilter::default()),
            "everyone's whole shows: {seen:?}"
        );
        assert_eq!(attack(&world, &seen, k), None, "{seen:?}");
    }
}

/// The groups above school level of the world, with their members.
const ABOVE: [(&str, &[usize]); 4] = [("all", &ALL), ("x", &X), ("y", &Y), ("n", &N)];

fn scope_of(name: &str) -> Scope {
    match name {
        "all" => Scope::All,
        "n" => Scope::Network(name.into()),
        _ => Scope::Country(name.into()),
    }
}

/// The adversary of two releases above school level: it knows every respondent of school `own`
/// (its coordinator; `None`: an account of no school) and combines every view above school level
/// that showed in the last release (`before`) and every one that shows in the new one, which
/// `left` left and `came` joined. Returns the isolated atoms (member × cell × stayed, left or
/// came, numbered (member * CELLS + cell) * 3 + which), if any.
fn attack_two_releases(
    before: &[Vec<i64>],
    left: &[Vec<i64>],
    came: &[Vec<i64>],
    k: i64,
    own: Option<usize>,
) -> Option<Vec<usize>> {
    let after: Vec<Vec<i64>> = (0..MEMBERS)
        .map(|m| {
            (0..CELLS)
                .map(|c| before[m][c] - left[m][c] + came[m][c])
                .collect()
        })
        .collect();
    let cells = cells_of(&[0; CELLS]);
    let mut sizes = Vec::new();
    for m in 0..MEMBERS {
        for c in 0..CELLS {
            let known = Some(m) == own;
            let stayed = before[m][c] - left[m][c];
            sizes.extend(if known {
                [0, 0, 0]
            } else {
                [stayed, left[m][c], came[m][c]]
            });
        }
    }
    let mut rows: Vec<Vec<bool>> = Vec::new();
    for (world, then) in [(before, true), (&after[..], false)] {
        let joint = decide(&units(world), k);
        for (name, who) in ABOVE {
            for f in views(&group(world, who), k) {
                if joint.shows(&scope_of(name), &f) {
                    rows.push(
                        (0..MEMBERS)
                            .flat_map(|m| cells.iter().map(move |c| (m, c)))
                            .flat_map(|(m, c)| {
                                let v = who.contains(&m) && f.matches(c);
                                [v, v && then, v && !then]
                            })
                            .collect(),
                    );
                }
            }
        }
    }
    isolates(&sizes, &rows, k)
}

/// What finished or left per member and cell, as everyone's pending changes.
fn pending_of(left: &[Vec<i64>], came: &[Vec<i64>]) -> Vec<Change> {
    let cells = cells_of(&[0; CELLS]);
    let mut out = Vec::new();
    for m in 0..MEMBERS {
        for (c, cell) in cells.iter().enumerate() {
            let (l, a) = (left[m][c], came[m][c]);
            if l + a > 0 {
                out.push(Change {
                    cell: CellCount {
                        n: a - l,
                        ..cell.clone()
                    },
                    changes: l + a,
                    school: (m != 3).then(|| NAMES[m].to_string()),
                });
            }
        }
    }
    out
}

/// Two releases above school level, together: the first world's, and one after some left and
/// others came. Most changes come in bulk (per cell, once or twice as many again as there were,
/// in every member; often the same for every cell), so that the rule releases now and then; a
/// few come one by one.
/// Respondents per member and cell.
type World = Vec<Vec<i64>>;

fn two_releases() -> impl Strategy<Value = (World, World, World, i64)> {
    (
        prop::collection::vec(prop::collection::vec(0i64..5, CELLS), MEMBERS),
        prop_oneof![
            (1i64..3).prop_map(|f| vec![f; CELLS]),
            prop::collection::vec(0i64..3, CELLS),
        ],
        prop::collection::vec((0..MEMBERS, 0..CELLS, 0i64..2, 0i64..3), 0..5),
        3i64..6,
    )
        .prop_map(|(before, bulk, moves, k)| {
            let mut left = vec![vec![0; CELLS]; MEMBERS];
            let mut came: Vec<Vec<i64>> = before
                .iter()
                .map(|row| row.iter().zip(&bulk).map(|(n, b)| n * b).collect())
                .collect();
            for (m, c, l, a) in moves {
                left[m][c] = l.min(before[m][c]);
                came[m][c] += a;
            }
            (before, left, came, k)
        })
}

/// A release that the rule lets through in a world made for it: everyone, both countries and
/// the network show before and after, and six came to every school.
#[test]
fn the_two_release_adversary_finds_nothing_in_a_release_the_rule_allows() {
    let teachers = at(2, 0, 0, 0);
    let before = world_with(&(0..MEMBERS).map(|m| (m, teachers, 8)).collect::<Vec<_>>());
    let left = vec![vec![0; CELLS]; MEMBERS];
    let mut came = vec![vec![0; CELLS]; MEMBERS];
    for row in &mut came {
        row[teachers] = 6;
    }
    let after: Vec<Vec<i64>> = (0..MEMBERS)
        .map(|m| (0..CELLS).map(|c| before[m][c] + came[m][c]).collect())
        .collect();
    let (b, a) = (decide(&units(&before), 5), decide(&units(&after), 5));
    assert!(may_release(&b, &a, &pending_of(&left, &came), 5));
    for own in [None, Some(0), Some(4)] {
        assert_eq!(attack_two_releases(&before, &left, &came, 5, own), None);
    }
    // two in school G: country y's page would change by eight, of whom F's coordinator knows
    // six; the rule waits
    came[5][teachers] = 2;
    let after: Vec<Vec<i64>> = (0..MEMBERS)
        .map(|m| (0..CELLS).map(|c| before[m][c] + came[m][c]).collect())
        .collect();
    let a = decide(&units(&after), 5);
    assert!(attack_two_releases(&before, &left, &came, 5, Some(4)).is_some());
    assert!(!may_release(&b, &a, &pending_of(&left, &came), 5));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whenever the groups above school level release together, no sum or difference of the
    /// views of both releases isolates 1..k-1 respondents (who stayed, left or came), for an
    /// account of no school or the coordinator of any school.
    #[test]
    fn no_combination_of_two_joint_releases_isolates_a_small_group(
        (before, left, came, k) in two_releases()
    ) {
        let after: Vec<Vec<i64>> = (0..MEMBERS)
            .map(|m| (0..CELLS).map(|c| before[m][c] - left[m][c] + came[m][c]).collect())
            .collect();
        let (b, a) = (decide(&units(&before), k), decide(&units(&after), k));
        if may_release(&b, &a, &pending_of(&left, &came), k) {
            for own in [None, Some(0), Some(1), Some(2), Some(4), Some(5)] {
                if let Some(set) = attack_two_releases(&before, &left, &came, k, own) {
                    prop_assert!(false, "{:?} isolated {:?}", own.map(|m| NAMES[m]), set);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn no_combination_across_groups_isolates_a_small_group(
        world in prop::collection::vec(prop::collection::vec(0i64..5, CELLS), MEMBERS),
        k in 3i64..6,
    ) {
        // the coordinators of a school in the network in X, of one outside it, and of one in Y
        for own in [0, 1, 4] {
            let seen = shown(&world, k, own);
            if let Some(set) = attack(&world, &seen, k) {
                let cells = cells_of(&[0; CELLS]);
                let named: Vec<String> = set
                    .iter()
                    .map(|i| {
                        let c = &cells[i % CELLS];
                        format!("{}:{}/{}/{}/{} ({})", NAMES[i / CELLS],
                            c.role.as_str(), c.innovation, c.month, c.language, world[i / CELLS][i % CELLS])
                    })
                    .collect();
                let views: Vec<String> = seen.iter().map(|(w, f)| format!("{w:?} {f:?}")).collect();
                prop_assert!(false, "{} isolated {:?} with {} views: {:#?}", NAMES[own], named, views.len(), views);
            }
        }
    }
}
