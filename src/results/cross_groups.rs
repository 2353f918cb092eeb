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
use super::adversary::{cell, every_view_over, isolates};
use super::privacy::{
    CellCount, Tree, ViewFilter, Withheld, count, suppress_tree, units_allow, view_shows,
};
use crate::values::RespondentRole as R;
use proptest::prelude::*;

const ROLES: [R; 3] = [R::Headteacher, R::Deputy, R::Teacher];
const INNOVATIONS: [&str; 2] = ["a", "b"];
const MONTHS: [&str; 2] = ["2024-01", "2024-02"];
/// Who: schools A (the coordinator's), B and E of one country, and respondents in no school.
const MEMBERS: usize = 4;
const CELLS: usize = ROLES.len() * INNOVATIONS.len() * MONTHS.len();

fn cells_of(ns: &[i64]) -> Vec<CellCount> {
    let mut out = Vec::new();
    let mut it = ns.iter();
    for r in ROLES {
        for i in INNOVATIONS {
            for m in MONTHS {
                out.push(cell(r, i, 1, m, *it.next().unwrap()));
            }
        }
    }
    out
}

/// The cells of the members in `who` (per member, `CELLS` numbers).
fn group(world: &[Vec<i64>], who: &[usize]) -> Vec<CellCount> {
    let sum: Vec<i64> = (0..CELLS)
        .map(|c| who.iter().map(|m| world[*m][c]).sum())
        .collect();
    cells_of(&sum)
}

fn views(own: &[CellCount], k: i64) -> Vec<ViewFilter> {
    every_view_over(own, k, &[], &INNOVATIONS, &MONTHS)
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
    // cells: teacher (8..12) × innovation a/b × January/February
    world[0][9] = 1; // A: teacher, a, February
    world[0][10] = 3; // A: teacher, b, January
    world[1][9] = 1;
    world[1][11] = 3;
    world[2][9] = 2;
    world[2][11] = 2;
    world[3][9] = 1;
    world[3][11] = 4;
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    #[ignore = "known gap: rules across groups are pairwise; see the module documentation"]
    fn no_combination_across_groups_isolates_a_small_group(
        world in prop::collection::vec(prop::collection::vec(0i64..5, CELLS), MEMBERS),
        k in 3i64..6,
    ) {
        let school = group(&world, &[0]);
        let country = group(&world, &[0, 1, 2]);
        let all = group(&world, &[0, 1, 2, 3]);
        // (members, views that show)
        let mut seen: Vec<(Vec<usize>, ViewFilter)> = Vec::new();
        for f in views(&school, k) {
            if view_shows(&school, &[&country, &all], &f, k).is_none() {
                seen.push((vec![0], f));
            }
        }
        for f in views(&country, k) {
            if view_shows(&country, &[&all], &f, k).is_none()
                && tree_allows(&world, &f, true, k)
            {
                seen.push((vec![0, 1, 2], f));
            }
        }
        for f in views(&all, k) {
            if view_shows(&all, &[], &f, k).is_none() && tree_allows(&world, &f, false, k) {
                seen.push((vec![0, 1, 2, 3], f));
            }
        }
        // atoms: member × cell
        let cells = cells_of(&[0; CELLS]);
        let sizes: Vec<i64> = (0..MEMBERS).flat_map(|m| world[m].clone()).collect();
        let rows: Vec<Vec<bool>> = seen
            .iter()
            .map(|(who, f)| {
                (0..MEMBERS)
                    .flat_map(|m| cells.iter().map(move |c| (m, c)))
                    .map(|(m, c)| who.contains(&m) && f.matches(c))
                    .collect()
            })
            .collect();
        if let Some(set) = isolates(&sizes, &rows, k) {
            let named: Vec<String> = set
                .iter()
                .map(|i| format!("{}:{}/{}/{} ({})", ["A", "B", "E", "alone"][i / CELLS],
                    cells[i % CELLS].role.as_str(), cells[i % CELLS].innovation, cells[i % CELLS].month, sizes[*i]))
                .collect();
            let views: Vec<String> = seen.iter().map(|(w, f)| format!("{w:?} {f:?}")).collect();
            prop_assert!(false, "isolated {:?} with {} views: {:#?}", named, views.len(), views);
        }
    }
}
