//! Disclosure control across groups: the views of everyone, the countries and the networks,
//! decided together. Pure.
//!
//! `pieces.rs` makes every combination of one group's views safe. Views of different groups can
//! still be combined: with everyone 17 (12 on innovation b) and a country 12 (8 on b), all four
//! views hold ≥ k, yet (everyone − everyone on b) − (country − country on b) is the one
//! respondent outside every country on innovation a. So the views above school level are cut
//! into pieces *together*: the respondents are atoms of (school, cell), a view of a group is the
//! atoms of the group's schools that match its filter, and a piece is the atoms that lie in
//! exactly the same shown views, whichever group they belong to.
//!
//! The rule: every piece, without any single school's respondents, keeps 0 or at least k (a
//! respondent in no school is a unit of their own; see [`Unit`]).
//!
//! Why that is enough, for anyone who sees these views and at most one school's own views (a
//! school's coordinator; every other account sees less). Take any sum or difference of shown
//! views that counts exactly a set T of respondents. Outside the coordinator's school S it is a
//! sum of views above school level only, so it counts each piece's part outside S wholly or not
//! at all. If it counts one, T holds that part: at least k. If it counts none, and every piece has
//! respondents outside S (it does: at least k), the above-school views add up to nothing on any
//! respondent, and T is a combination of S's own views — which `pieces.rs` keeps from isolating
//! 1..k-1. Either way T holds 0 or at least k; and the coordinator's knowledge of their own
//! school does not help, since what lies outside S in a piece is at least k on its own. The same
//! argument makes one other school's whole results unreadable: a piece holds no single school.
//!
//! Which views show is decided once, in a fixed order: the whole of everyone, of each country and
//! of each network (larger groups first); then each group's filters in the order of `pieces.rs`
//! (everyone's first); then time windows. A view that would cut a piece into a part that fails
//! the rule is left out. A requested view of a group above school level then shows when it is a
//! union of pieces (and holds ≥ k), like a view of one group under `pieces.rs`.
use std::collections::HashMap;

use super::model::Scope;
use super::pieces::{candidates, windows};
use super::privacy::{CellCount, ViewFilter};
use super::suppression::threshold;

/// One school's released cells with the groups above school level that hold it, or (`school`
/// `None`) the respondents in no school, who are in everyone only and are each a unit of their
/// own, as in the rule that groups above school level need three units.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Unit {
    pub school: Option<String>,
    pub network: Option<String>,
    pub country: Option<String>,
    pub cells: Vec<CellCount>,
}

/// The respondents above school level cut into pieces jointly over everyone, the countries and
/// the networks.
#[derive(Debug, Clone, PartialEq)]
pub struct Joint {
    /// The distinct cells (their `n` unused): a filter is matched once per cell, not per atom.
    cells: Vec<CellCount>,
    /// (unit, cell, respondents) with respondents, unit by unit.
    atoms: Vec<(usize, usize, i64)>,
    /// Per unit, whether it is the respondents in no school (who count in no school's share).
    alone: Vec<bool>,
    /// The atoms of each group above school level, by level and key.
    groups: HashMap<(&'static str, String), Vec<usize>>,
    /// Piece of each atom.
    piece: Vec<usize>,
    /// Respondents per piece.
    size: Vec<i64>,
    /// Per piece, its respondents per unit.
    schools: Vec<HashMap<usize, i64>>,
    k: i64,
}

/// Whether a part of `total` respondents, `largest` of them in one school, may be a piece.
fn holds(total: i64, largest: i64, k: i64) -> bool {
    total == 0 || total - largest >= k
}

/// A group's key in [`Joint::groups`].
fn group_key(g: &Scope) -> (&'static str, String) {
    (g.level(), g.key().to_string())
}

impl Joint {
    fn whole(units: &[Unit], k: i64) -> Joint {
        let mut cells: Vec<CellCount> = Vec::new();
        let mut index: HashMap<CellCount, usize> = HashMap::new();
        let mut atoms = Vec::new();
        let mut schools = HashMap::new();
        let mut groups: HashMap<(&'static str, String), Vec<usize>> = HashMap::new();
        for (u, unit) in units.iter().enumerate() {
            let mut of_unit: Vec<(&'static str, String)> = vec![group_key(&Scope::All)];
            of_unit.extend(unit.country.clone().map(|c| group_key(&Scope::Country(c))));
            of_unit.extend(unit.network.clone().map(|n| group_key(&Scope::Network(n))));
            for c in unit.cells.iter().filter(|c| c.n > 0) {
                let key = CellCount { n: 0, ..c.clone() };
                let cell = *index.entry(key.clone()).or_insert_with(|| {
                    cells.push(key);
                    cells.len() - 1
                });
                for g in &of_unit {
                    groups.entry(g.clone()).or_default().push(atoms.len());
                }
                atoms.push((u, cell, c.n));
                *schools.entry(u).or_default() += c.n;
            }
        }
        Joint {
            cells,
            alone: units.iter().map(|u| u.school.is_none()).collect(),
            groups,
            piece: vec![0; atoms.len()],
            size: vec![atoms.iter().map(|a| a.2).sum()],
            atoms,
            schools: vec![schools],
            k: threshold(k),
        }
    }

    /// The most respondents one school holds of a part (respondents per unit); the respondents
    /// in no school are no school's.
    fn largest(&self, per_unit: &HashMap<usize, i64>) -> i64 {
        per_unit
            .iter()
            .map(|(u, n)| if self.alone[*u] { 0 } else { *n })
            .max()
            .unwrap_or(0)
    }

    /// Whether the whole may show at all: without its largest school, at least k remain.
    fn open(&self) -> bool {
        self.size[0] > 0 && holds(self.size[0], self.largest(&self.schools[0]), self.k)
    }

    /// The view's atoms (of the group, matching the filter).
    fn view<'a>(&'a self, g: &Scope, f: &ViewFilter) -> impl Iterator<Item = usize> + 'a {
        let matches: Vec<bool> = self.cells.iter().map(|c| f.matches(c)).collect();
        let atoms: &[usize] = match g {
            Scope::School(_) => &[],
            _ => self.groups.get(&group_key(g)).map_or(&[], Vec::as_slice),
        };
        atoms
            .iter()
            .copied()
            .filter(move |a| matches[self.atoms[*a].1])
    }

    /// Respondents of the view per piece.
    fn inside(&self, view: &[usize]) -> Vec<i64> {
        let mut inside = vec![0; self.size.len()];
        for a in view {
            inside[self.piece[*a]] += self.atoms[*a].2;
        }
        inside
    }

    /// Adds a view of a group to the shown ones if every part it cuts a piece into keeps the rule.
    fn offer(&mut self, g: &Scope, f: &ViewFilter) -> bool {
        let view: Vec<usize> = self.view(g, f).collect();
        let inside = self.inside(&view);
        let k = self.k;
        if inside.iter().sum::<i64>() < k {
            return false;
        }
        let cut: Vec<bool> = inside
            .iter()
            .zip(&self.size)
            .map(|(i, size)| *i > 0 && i < size)
            .collect();
        if !cut.contains(&true) {
            // a union of pieces already: it shows, and cuts nothing
            return true;
        }
        // the cut pieces' parts inside, per unit
        let mut in_units: HashMap<usize, HashMap<usize, i64>> = HashMap::new();
        for a in &view {
            let p = self.piece[*a];
            if cut[p] {
                let (u, _, n) = self.atoms[*a];
                *in_units.entry(p).or_default().entry(u).or_default() += n;
            }
        }
        for (p, in_unit) in &in_units {
            let out: HashMap<usize, i64> = self.schools[*p]
                .iter()
                .map(|(u, n)| (*u, n - in_unit.get(u).copied().unwrap_or(0)))
                .collect();
            if !holds(inside[*p], self.largest(in_unit), k)
                || !holds(self.size[*p] - inside[*p], self.largest(&out), k)
            {
                return false;
            }
        }
        // the part inside of each cut piece becomes a new piece
        let mut split: Vec<Option<usize>> = vec![None; self.size.len()];
        let mut cut_pieces: Vec<(usize, HashMap<usize, i64>)> = in_units.into_iter().collect();
        cut_pieces.sort_by_key(|(p, _)| *p);
        for (p, in_unit) in cut_pieces {
            self.size[p] -= inside[p];
            for (u, n) in &in_unit {
                if let Some(left) = self.schools[p].get_mut(u) {
                    *left -= n;
                }
            }
            self.schools[p].retain(|_, n| *n > 0);
            split[p] = Some(self.size.len());
            self.size.push(inside[p]);
            self.schools.push(in_unit);
        }
        for a in view {
            if let Some(q) = split[self.piece[a]] {
                self.piece[a] = q;
            }
        }
        true
    }

    /// Whether a view of a group above school level may show: the whole may show, and the view
    /// holds ≥ k and is a union of pieces.
    pub fn shows(&self, g: &Scope, f: &ViewFilter) -> bool {
        if !self.open() {
            return false;
        }
        let view: Vec<usize> = self.view(g, f).collect();
        let inside = self.inside(&view);
        inside.iter().sum::<i64>() >= self.k
            && inside
                .iter()
                .zip(&self.size)
                .all(|(i, size)| *i == 0 || i == size)
    }

    /// Respondents per piece, and per piece its largest school's (for tests).
    pub fn sizes(&self) -> Vec<(i64, i64)> {
        self.size
            .iter()
            .zip(&self.schools)
            .map(|(n, s)| (*n, self.largest(s)))
            .collect()
    }
}

/// The groups above school level and their cells: everyone, then the countries, then the
/// networks, each larger groups first (then by name).
fn groups(units: &[Unit]) -> Vec<(Scope, Vec<CellCount>)> {
    let mut countries: HashMap<&str, Vec<CellCount>> = HashMap::new();
    let mut networks: HashMap<&str, Vec<CellCount>> = HashMap::new();
    for u in units {
        if let Some(c) = &u.country {
            countries
                .entry(c)
                .or_default()
                .extend(u.cells.iter().cloned());
        }
        if let Some(n) = &u.network {
            networks
                .entry(n)
                .or_default()
                .extend(u.cells.iter().cloned());
        }
    }
    let ordered = |m: HashMap<&str, Vec<CellCount>>, scope: fn(String) -> Scope| {
        let mut v: Vec<(i64, &str, Vec<CellCount>)> = m
            .into_iter()
            .map(|(key, cells)| (cells.iter().map(|c| c.n).sum::<i64>(), key, cells))
            .collect();
        v.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        v.into_iter()
            .map(|(_, key, cells)| (scope(key.to_string()), cells))
            .collect::<Vec<_>>()
    };
    let everyone: Vec<CellCount> = units.iter().flat_map(|u| u.cells.iter().cloned()).collect();
    let mut out = vec![(Scope::All, everyone)];
    out.extend(ordered(countries, Scope::Country));
    out.extend(ordered(networks, Scope::Network));
    out
}

/// The joint pieces of the groups above school level (see the module documentation).
pub fn decide(units: &[Unit], k: i64) -> Joint {
    let k = threshold(k);
    let mut j = Joint::whole(units, k);
    if !j.open() {
        return j;
    }
    let groups = groups(units);
    let whole = ViewFilter::default();
    for (g, _) in &groups {
        j.offer(g, &whole);
    }
    for (g, cells) in &groups {
        for f in candidates(cells).into_iter().filter(|f| *f != whole) {
            j.offer(g, &f);
        }
    }
    for (g, cells) in &groups {
        for f in windows(cells, k).into_iter().filter(|f| *f != whole) {
            j.offer(g, &f);
        }
    }
    j
}

/// What the joint pieces of an instrument were worked out from, cheaply read: every group's last
/// release (level, key, when) and every school's network and country. When neither changed, the
/// released cells did not either.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stamp {
    pub releases: Vec<(String, String, String)>,
    pub schools: Vec<(String, Option<String>, Option<String>)>,
}

/// The joint pieces worked out last, per instrument and k, with the stamp they were worked out
/// from. Shared by every request of one server; at most [`Memo::MAX`] entries.
#[derive(Default)]
pub struct Memo {
    known: std::sync::Mutex<Known>,
    /// Held while joint pieces are worked out, so that pages which all find the memo stale after
    /// a release wait for one computation instead of each running their own.
    pub working: tokio::sync::Mutex<()>,
}

/// The memo's joint pieces by instrument and k, with their stamp.
type Known = HashMap<(String, i64), (Stamp, std::sync::Arc<Joint>)>;

impl Memo {
    pub const MAX: usize = 64;

    /// The joint pieces of `instrument` and `k` if they were worked out from `stamp`.
    pub fn get(&self, instrument: &str, k: i64, stamp: &Stamp) -> Option<std::sync::Arc<Joint>> {
        let known = self.known.lock().ok()?;
        let (s, j) = known.get(&(instrument.to_string(), k))?;
        (s == stamp).then(|| j.clone())
    }

    pub fn put(&self, instrument: &str, k: i64, stamp: Stamp, joint: std::sync::Arc<Joint>) {
        if let Ok(mut known) = self.known.lock() {
            let key = (instrument.to_string(), k);
            if known.len() >= Self::MAX && !known.contains_key(&key) {
                known.clear();
            }
            known.insert(key, (stamp, joint));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::adversary::cell;
    use crate::values::RespondentRole as R;

    fn school(name: &str, country: &str, network: Option<&str>, cells: Vec<CellCount>) -> Unit {
        Unit {
            school: Some(name.into()),
            network: network.map(str::to_string),
            country: Some(country.into()),
            cells,
        }
    }

    fn on(innovation: &str, n: i64) -> CellCount {
        cell(R::Teacher, innovation, 1, "2024-01", n)
    }

    fn innovation(i: &str) -> ViewFilter {
        ViewFilter {
            innovation: Some(i.into()),
            ..Default::default()
        }
    }

    /// The attack of the module documentation (k = 4): everyone 19, 14 on b; country x 12, 8 on
    /// b. The one respondent outside every country on a would be
    /// (everyone − everyone on b) − (x − x on b).
    #[test]
    fn the_same_filter_on_two_groups_does_not_isolate_their_difference() {
        let units = vec![
            school("s1", "x", None, vec![on("a", 2), on("b", 3)]),
            school("s2", "x", None, vec![on("a", 1), on("b", 3)]),
            school("s3", "x", None, vec![on("a", 1), on("b", 2)]),
            school("t1", "y", None, vec![on("b", 2)]),
            school("t2", "y", None, vec![on("b", 2)]),
            school("t3", "y", None, vec![on("b", 2)]),
            Unit {
                school: None,
                network: None,
                country: None,
                cells: vec![on("a", 1)],
            },
        ];
        let j = decide(&units, 4);
        let x = Scope::Country("x".into());
        let whole = ViewFilter::default();
        assert!(j.shows(&Scope::All, &whole), "{:?}", j.sizes());
        assert!(j.shows(&x, &whole));
        // y beside x and everyone would be everyone − x − y: the one respondent in no school
        assert!(!j.shows(&Scope::Country("y".into()), &whole));
        // of the four views of the attack, at least one stays hidden
        assert!(
            !(j.shows(&Scope::All, &innovation("b")) && j.shows(&x, &innovation("b"))),
            "{:?}",
            j.sizes()
        );
        // every piece keeps k without its largest school
        assert!(j.sizes().iter().all(|(n, l)| *n == 0 || n - l >= 4));
    }

    /// A network with schools in two countries. Its part in each country becomes a piece beside
    /// the countries; one school alone there is refused. (No sum or difference of everyone, x, y
    /// and the network gives that one school, but the rule is sufficient, not exact: this is its
    /// price.)
    #[test]
    fn a_network_across_countries_shows_only_when_no_piece_is_one_school() {
        let units = vec![
            school("a", "x", Some("n"), vec![on("a", 5)]),
            school("b", "x", Some("n"), vec![on("a", 5)]),
            school("c", "x", None, vec![on("a", 5)]),
            school("c2", "x", None, vec![on("a", 5)]),
            school("d", "y", Some("n"), vec![on("a", 5)]),
            school("e", "y", None, vec![on("a", 5)]),
            school("f", "y", None, vec![on("a", 5)]),
            school("g", "y", None, vec![on("a", 5)]),
        ];
        let j = decide(&units, 5);
        let n = Scope::Network("n".into());
        let whole = ViewFilter::default();
        assert!(j.shows(&Scope::All, &whole));
        assert!(j.shows(&Scope::Country("x".into()), &whole));
        assert!(j.shows(&Scope::Country("y".into()), &whole));
        assert!(!j.shows(&n, &whole), "{:?}", j.sizes());
        // with a second school of the network in y, it shows
        let mut more = units.clone();
        more[5].network = Some("n".into());
        let j = decide(&more, 5);
        assert!(j.shows(&n, &whole), "{:?}", j.sizes());
        assert!(j.shows(&Scope::Country("y".into()), &whole));
    }

    /// Everyone of two schools and nothing else: without the larger school fewer than k remain,
    /// so nothing above school level shows.
    #[test]
    fn nothing_shows_when_one_school_is_almost_everyone() {
        let units = vec![
            school("a", "x", None, vec![on("a", 20)]),
            school("b", "x", None, vec![on("a", 3)]),
        ];
        let j = decide(&units, 5);
        assert!(!j.shows(&Scope::All, &ViewFilter::default()));
        assert!(!j.shows(&Scope::Country("x".into()), &ViewFilter::default()));
    }
}
