//! The adversary across groups (tests only): a school's coordinator sees every view of their
//! school, of its country and of everyone that shows under the rules of the results pages, and
//! combines any number of them. No combination may isolate 1..k-1 respondents — in their own
//! school or in the others.
//!
//! Known gap (docs/privacy.md, issue 14 open): the rules across groups compare views two at a
//! time. `no_combination_across_groups_isolates_a_small_group` finds four-view attacks such as
//! (everyone − everyone on innovation b) − (country − country on innovation b): the one
//! respondent outside every country on innovation a. The fix is pieces taken jointly over the
//! groups (respondents cut by cell and by which groups hold them), decided at release time; until
//! it lands the property test is ignored and runs with `cargo test -- --ignored`.
use super::adversary::{cell_in, every_view_over, isolates};
use super::privacy::{
    CellCount, Tree, ViewFilter, Withheld, count, suppress_tree, units_allow, view_shows,
};
use crate::lang::Locale;
use crate::values::RespondentRole as R;
use proptest::prelude::*;

const ROLES: [R; 3] = [R::Headteacher, R::Deputy, R::Teacher];
const INNOVATIONS: [&str; 2] = ["a", "b"];
const MONTHS: [&str; 2] = ["2024-01", "2024-02"];
const LANGUAGES: [Locale; 2] = [Locale::nl, Locale::sv];
/// Who: schools A (the coordinator's), B and E of one country, and respondents in no school.
const MEMBERS: usize = 4;
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

/// Whether the country's or everyone's total may show beside its subgroups under `f`, as
/// `service::tree_allows` decides it (units, and total minus shown subgroups).
fn tree_allows(world: &[Vec<i64>], f: &ViewFilter, country: bool, k: i64) -> bool {
    let n = |who: &[usize]| count(&group(world, who), f);
    let schools = [n(&[0]), n(&[1]), n(&[2])];
    let alone = if country { 0 } else { n(&[3]) };
    if !units_allow(&schools, alone, k) {
        return false;
    }
    let tree = Tree {
        n: n(&[0, 1, 2, 3]),
        children: vec![Tree {
            n: schools.iter().sum(),
            children: schools
                .iter()
                .map(|s| Tree {
                    n: *s,
                    children: vec![],
                })
                .collect(),
        }],
    };
    let shown = suppress_tree(&tree, k);
    if country {
        shown.children[0].shows
    } else {
        shown.shows
    }
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

/// Every view of the school, its country and everyone that shows under the rules of the results
/// pages, with its members: what school A's coordinator can see.
fn shown(world: &[Vec<i64>], k: i64) -> Vec<(Vec<usize>, ViewFilter)> {
    let school = group(world, &[0]);
    let country = group(world, &[0, 1, 2]);
    let all = group(world, &[0, 1, 2, 3]);
    let mut seen: Vec<(Vec<usize>, ViewFilter)> = Vec::new();
    for f in views(&school, k) {
        if view_shows(&school, &[&country, &all], &f, k).is_none() {
            seen.push((vec![0], f));
        }
    }
    for f in views(&country, k) {
        if view_shows(&country, &[&all], &f, k).is_none() && tree_allows(world, &f, true, k) {
            seen.push((vec![0, 1, 2], f));
        }
    }
    for f in views(&all, k) {
        if view_shows(&all, &[], &f, k).is_none() && tree_allows(world, &f, false, k) {
            seen.push((vec![0, 1, 2, 3], f));
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
    let mut world = vec![vec![0i64; CELLS]; MEMBERS];
    let (dutch, swedish) = (at(2, 0, 0, 0), at(2, 0, 0, 1));
    world[0][dutch] = 6;
    world[0][swedish] = 1;
    world[1][dutch] = 6;
    world[2][dutch] = 6;
    world[3][dutch] = 5;
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
    let seen = shown(&world, k);
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    #[ignore = "known gap: rules across groups are pairwise; see the module documentation"]
    fn no_combination_across_groups_isolates_a_small_group(
        world in prop::collection::vec(prop::collection::vec(0i64..5, CELLS), MEMBERS),
        k in 3i64..6,
    ) {
        let seen = shown(&world, k);
        if let Some(set) = attack(&world, &seen, k) {
            let cells = cells_of(&[0; CELLS]);
            let named: Vec<String> = set
                .iter()
                .map(|i| {
                    let c = &cells[i % CELLS];
                    format!("{}:{}/{}/{}/{} ({})", ["A", "B", "E", "alone"][i / CELLS],
                        c.role.as_str(), c.innovation, c.month, c.language, world[i / CELLS][i % CELLS])
                })
                .collect();
            let views: Vec<String> = seen.iter().map(|(w, f)| format!("{w:?} {f:?}")).collect();
            prop_assert!(false, "isolated {:?} with {} views: {:#?}", named, views.len(), views);
        }
    }
}
