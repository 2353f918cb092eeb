//! The adversary of the privacy property tests (tests only): a viewer who takes every view that
//! shows and combines any number of them with any rational coefficients, checked with exact
//! integer row reduction.
use super::pieces::pieces;
use super::privacy::{CellCount, ViewFilter, periods, role_options, snap};
use crate::lang::Locale;
use crate::values::RespondentRole as R;
use proptest::prelude::*;
use std::collections::HashSet;

/// A cell of respondents who answered in English.
pub fn cell(role: R, innovation: &str, version: i64, month: &str, n: i64) -> CellCount {
    cell_in(Locale::en, role, innovation, version, month, n)
}

/// A cell of respondents who answered in `language`.
pub fn cell_in(
    language: Locale,
    role: R,
    innovation: &str,
    version: i64,
    month: &str,
    n: i64,
) -> CellCount {
    CellCount {
        role,
        innovation: innovation.into(),
        version,
        month: month.into(),
        language,
        round: String::new(),
        n,
    }
}

/// A language filter.
pub fn language(l: Locale) -> ViewFilter {
    ViewFilter {
        language: Some(l),
        ..Default::default()
    }
}

/// A role filter of exactly these roles.
pub fn roles(rs: &[R]) -> ViewFilter {
    let mut rs: Vec<R> = rs.to_vec();
    rs.sort();
    ViewFilter {
        roles: Some(rs),
        ..Default::default()
    }
}

pub const T_ROLES: [R; 4] = [R::Headteacher, R::Deputy, R::Teacher, R::Other];
pub const T_INNOVATIONS: [&str; 2] = ["a", "b"];
pub const T_VERSIONS: [i64; 2] = [1, 2];
pub const T_MONTHS: [&str; 3] = ["2024-01", "2024-02", "2024-03"];
pub const T_LANGUAGES: [Locale; 2] = [Locale::en, Locale::nl];
/// Cells of the test world: roles × innovations × versions × months × languages.
pub const T_CELLS: usize =
    T_ROLES.len() * T_INNOVATIONS.len() * T_VERSIONS.len() * T_MONTHS.len() * T_LANGUAGES.len();

/// The test world's cells with these respondents (`T_CELLS` numbers, in cell order).
pub fn world_cells(ns: &[i64]) -> Vec<CellCount> {
    let mut cells = Vec::new();
    let mut it = ns.iter();
    for r in T_ROLES {
        for i in T_INNOVATIONS {
            for v in T_VERSIONS {
                for m in T_MONTHS {
                    for l in T_LANGUAGES {
                        cells.push(cell_in(l, r, i, v, m, *it.next().unwrap()));
                    }
                }
            }
        }
    }
    cells
}

/// Every view the pages can ask for, snapped the way the pages snap it.
pub fn every_view(own: &[CellCount], k: i64) -> Vec<ViewFilter> {
    every_view_over(own, k, &T_VERSIONS, &T_INNOVATIONS, &T_LANGUAGES, &T_MONTHS)
}

/// Every view the pages can ask for in a world of these versions, innovations, languages and
/// months (every role option), snapped the way the pages snap it, each once.
pub fn every_view_over(
    own: &[CellCount],
    k: i64,
    versions: &[i64],
    innovations: &[&str],
    languages: &[Locale],
    months: &[&str],
) -> Vec<ViewFilter> {
    let months: Vec<Option<String>> = std::iter::once(None)
        .chain(months.iter().map(|m| Some(m.to_string())))
        .collect();
    let mut seen: HashSet<ViewFilter> = HashSet::new();
    let mut out = Vec::new();
    for version in std::iter::once(None).chain(versions.iter().copied().map(Some)) {
        for roles in role_options() {
            for innovation in
                std::iter::once(None).chain(innovations.iter().map(|i| Some(i.to_string())))
            {
                for language in std::iter::once(None).chain(languages.iter().copied().map(Some)) {
                    let undated = ViewFilter {
                        version,
                        roles: roles.clone(),
                        innovation: innovation.clone(),
                        language,
                        round: None,
                        from: None,
                        to: None,
                    };
                    // the periods ignore the filter's dates: the same for every window
                    let ps = periods(own, &undated, k);
                    for from in &months {
                        for to in &months {
                            let f = ViewFilter {
                                from: from.clone(),
                                to: to.clone(),
                                ..undated.clone()
                            };
                            let s = snap(&f, &ps);
                            if seen.insert(s.clone()) {
                                out.push(s);
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// The views of a group that show under the pieces rule.
pub fn shown_views(own: &[CellCount], k: i64) -> Vec<ViewFilter> {
    let p = pieces(own, k);
    every_view(own, k)
        .into_iter()
        .filter(|f| p.shows(f))
        .collect()
}

/// Every set of atoms with 1..k-1 respondents that some combination of the views isolates (see
/// `span.rs`), without a limit on the sets checked.
///
/// Atoms that every view counts alike are merged first: any combination counts them all or none,
/// so a set it isolates is a union of such classes, and the answer is the same — found with far
/// fewer sets to try. The set returned holds every atom of the classes found.
pub fn isolates(sizes: &[i64], views: &[Vec<bool>], k: i64) -> Option<Vec<usize>> {
    let mut classes: Vec<(Vec<bool>, Vec<usize>)> = Vec::new();
    let mut index: std::collections::HashMap<Vec<bool>, usize> = Default::default();
    for atom in (0..sizes.len()).filter(|i| sizes[*i] > 0) {
        let column: Vec<bool> = views.iter().map(|v| v[atom]).collect();
        let c = *index.entry(column.clone()).or_insert_with(|| {
            classes.push((column, Vec::new()));
            classes.len() - 1
        });
        classes[c].1.push(atom);
    }
    let merged: Vec<i64> = classes
        .iter()
        .map(|(_, atoms)| atoms.iter().map(|a| sizes[*a]).sum())
        .collect();
    let rows: Vec<Vec<bool>> = (0..views.len())
        .map(|v| classes.iter().map(|(column, _)| column[v]).collect())
        .collect();
    let set = super::span::isolates_within(&merged, &rows, k, usize::MAX)?;
    let mut atoms: Vec<usize> = set
        .into_iter()
        .flat_map(|c| classes[c].1.iter().copied())
        .collect();
    atoms.sort_unstable();
    Some(atoms)
}

/// [`isolates`] with the group's cells as the atoms: the cells with respondents that some
/// combination of the views isolates.
pub fn isolated(own: &[CellCount], shown: &[ViewFilter], k: i64) -> Option<Vec<CellCount>> {
    let sizes: Vec<i64> = own.iter().map(|c| c.n).collect();
    let views: Vec<Vec<bool>> = shown
        .iter()
        .map(|f| own.iter().map(|c| f.matches(c)).collect())
        .collect();
    isolates(&sizes, &views, k).map(|set| set.into_iter().map(|i| own[i].clone()).collect())
}

/// Random groups of the test world (some cells empty) and a k from 3 to 5.
pub fn world() -> impl Strategy<Value = (Vec<CellCount>, i64)> {
    (
        prop::collection::vec((0i64..7, 0u8..4), T_CELLS),
        1u8..=3,
        3i64..6,
    )
        .prop_map(|(cells, density, k)| {
            let ns: Vec<i64> = cells
                .into_iter()
                .map(|(n, z)| if z < density { n } else { 0 })
                .collect();
            (world_cells(&ns), k)
        })
}
