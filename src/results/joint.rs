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
use super::release::{Change, enough_changes};
use super::span::isolates;
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
    /// Per unit, its school; `None` for the respondents in no school (who count in no school's
    /// share).
    unit_school: Vec<Option<String>>,
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
            unit_school: units.iter().map(|u| u.school.clone()).collect(),
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
            .map(|(u, n)| {
                if self.unit_school[*u].is_none() {
                    0
                } else {
                    *n
                }
            })
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

/// The units after `pending` (everyone's changes, by school and cell) are released: a school
/// new to the units takes its network and country from `schools` (id, network, country).
pub fn with_changes(
    units: &[Unit],
    pending: &[Change],
    schools: &[(String, Option<String>, Option<String>)],
) -> Vec<Unit> {
    let mut out: Vec<Unit> = units.to_vec();
    for c in pending {
        let u = match out.iter().position(|u| u.school == c.school) {
            Some(u) => u,
            None => {
                let (network, country) = c
                    .school
                    .as_ref()
                    .and_then(|s| schools.iter().find(|x| x.0 == *s))
                    .map(|x| (x.1.clone(), x.2.clone()))
                    .unwrap_or_default();
                out.push(Unit {
                    school: c.school.clone(),
                    network,
                    country,
                    cells: Vec::new(),
                });
                out.len() - 1
            }
        };
        let cell = CellCount {
            round: String::new(),
            ..c.cell.clone()
        };
        let cells = &mut out[u].cells;
        let same = |x: &CellCount| {
            (x.role, &x.innovation, x.version, &x.month, x.language)
                == (
                    cell.role,
                    &cell.innovation,
                    cell.version,
                    &cell.month,
                    cell.language,
                )
        };
        match cells.iter_mut().find(|x| same(x)) {
            Some(x) => x.n += cell.n,
            None => cells.push(cell),
        }
    }
    for u in &mut out {
        u.cells.retain(|c| c.n > 0);
    }
    out.retain(|u| !u.cells.is_empty());
    out
}

/// An atom as the two releases' atoms are matched: its unit's school and its cell (without its
/// count).
type AtomKey = (Option<String>, CellCount);

impl Joint {
    /// Each atom's respondents and piece, by its school and cell.
    fn keyed(&self) -> HashMap<AtomKey, (i64, usize)> {
        let mut out: HashMap<AtomKey, (i64, usize)> = HashMap::new();
        for (a, (u, c, n)) in self.atoms.iter().enumerate() {
            let key = (self.unit_school[*u].clone(), self.cells[*c].clone());
            out.entry(key).or_insert((0, self.piece[a])).0 += n;
        }
        out
    }
}

/// Whether the groups above school level may release their pending changes together (the rules
/// of `release.rs`): from `before`, the joint pieces of their last release, to `after`, those of
/// the units with the changes added; `pending`: everyone's changes, by school and cell.
///
/// Rule 2 over the joint pieces: every view above school level that shows is a union of its
/// release's joint pieces, so respondents in the same piece of the last release and the same
/// piece of the new one (a *class*) are alike to every view of both, and it is enough that no
/// combination of the pieces of both isolates 1..k-1 respondents (`span.rs`). A school's
/// coordinator may know who in their own school finished or left, so that must also hold with
/// any one school's respondents taken out. Only a school that leaves some class under k needs a
/// check of its own: for the others, the classes under k are the same as with nobody taken out.
pub fn may_release(before: &Joint, after: &Joint, pending: &[Change], k: i64) -> bool {
    let k = threshold(k);
    if !enough_changes(pending, true, k) {
        return false;
    }
    let (was, is) = (before.keyed(), after.keyed());
    // per atom: respondents in the last release, now, and the pending (net, changes)
    let mut per_atom: HashMap<&AtomKey, (i64, i64, i64, i64)> = HashMap::new();
    for (key, (n, _)) in &was {
        per_atom.entry(key).or_default().0 += n;
    }
    for (key, (n, _)) in &is {
        per_atom.entry(key).or_default().1 += n;
    }
    let changed: Vec<(AtomKey, i64, i64)> = pending
        .iter()
        .map(|c| {
            let cell = CellCount {
                n: 0,
                round: String::new(),
                ..c.cell.clone()
            };
            ((c.school.clone(), cell), c.cell.n, c.changes)
        })
        .collect();
    for (key, net, changes) in &changed {
        let e = per_atom.entry(key).or_default();
        e.2 += net;
        e.3 += changes;
    }
    // (piece in the last release, piece in the new one) → respondents, and theirs per school;
    // a release that showed nothing has no pieces anybody saw
    type Class = (Option<usize>, Option<usize>);
    let mut classes: Vec<(Class, i64, HashMap<&str, i64>)> = Vec::new();
    let mut index: HashMap<Class, usize> = HashMap::new();
    let (open_before, open_after) = (before.open(), after.open());
    for (key, (n_before, n_now, net, changes)) in per_atom {
        // who left: (changes - net) / 2, assuming none of them came after the last release
        let left = ((changes - net) / 2).clamp(0, n_before);
        let stayed = n_before - left;
        let came = (n_now - stayed).max(0);
        let b = was.get(key).map(|x| x.1).filter(|_| open_before);
        let a = is.get(key).map(|x| x.1).filter(|_| open_after);
        for (class, n) in [((b, a), stayed), ((b, None), left), ((None, a), came)] {
            if n <= 0 || class == (None, None) {
                continue;
            }
            let i = *index.entry(class).or_insert_with(|| {
                classes.push((class, 0, HashMap::new()));
                classes.len() - 1
            });
            classes[i].1 += n;
            if let Some(school) = key.0.as_deref() {
                *classes[i].2.entry(school).or_default() += n;
            }
        }
    }
    let mut views: Vec<Vec<bool>> = Vec::new();
    if open_before {
        for p in 0..before.size.len() {
            views.push(classes.iter().map(|c| c.0.0 == Some(p)).collect());
        }
    }
    if open_after {
        for p in 0..after.size.len() {
            views.push(classes.iter().map(|c| c.0.1 == Some(p)).collect());
        }
    }
    let sizes: Vec<i64> = classes.iter().map(|c| c.1).collect();
    if isolates(&sizes, &views, k).is_some() {
        return false;
    }
    let mut known: Vec<&str> = classes
        .iter()
        .flat_map(|(_, n, schools)| {
            schools
                .iter()
                .filter(move |(_, m)| n - *m < k)
                .map(|(s, _)| *s)
        })
        .collect();
    known.sort_unstable();
    known.dedup();
    known.into_iter().all(|school| {
        let rest: Vec<i64> = classes
            .iter()
            .map(|(_, n, schools)| n - schools.get(school).copied().unwrap_or(0))
            .collect();
        isolates(&rest, &views, k).is_none()
    })
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

    /// Two countries of three schools, five teachers each: everyone and both countries show.
    fn two_countries(extra: &[(&str, i64)]) -> Vec<Unit> {
        ["x1", "x2", "x3", "y1", "y2", "y3"]
            .iter()
            .map(|s| {
                let more: i64 = extra.iter().filter(|(t, _)| t == s).map(|(_, n)| n).sum();
                school(s, &s[..1], None, vec![on("a", 5 + more)])
            })
            .collect()
    }

    /// Teachers on innovation a who finished, per school.
    fn finished(per_school: &[(&str, i64)]) -> Vec<Change> {
        per_school
            .iter()
            .map(|(s, n)| Change {
                cell: on("a", *n),
                changes: *n,
                school: Some(s.to_string()),
            })
            .collect()
    }

    fn may(changes: &[(&str, i64)]) -> bool {
        let before = decide(&two_countries(&[]), 5);
        let after = decide(&two_countries(changes), 5);
        for c in ["x", "y"] {
            assert!(before.shows(&Scope::Country(c.into()), &ViewFilter::default()));
        }
        may_release(&before, &after, &finished(changes), 5)
    }

    /// Everyone, x and y show. Nine finished in x and one in y: everyone's change has enough
    /// from outside any school, but y's page before and after would differ by one teacher.
    #[test]
    fn a_country_that_shows_never_changes_by_fewer_than_k() {
        let x = [("x1", 3), ("x2", 3), ("x3", 3)];
        assert!(may(&x));
        assert!(!may(&[&x[..], &[("y1", 1)]].concat()));
        // five in y, but two of them in one school: its coordinator would see the other three
        assert!(!may(&[&x[..], &[("y1", 2), ("y2", 2), ("y3", 1)]].concat()));
        assert!(may(&[&x[..], &[("y1", 3), ("y2", 3), ("y3", 3)]].concat()));
        // nine in one school and one elsewhere: not enough from outside the school with the most
        assert!(!may(&[("x1", 9), ("y1", 1)]));
    }

    /// One who left and one who came, in the same cell: a release counts them both.
    #[test]
    fn leavers_count_as_changes() {
        let before = decide(&two_countries(&[]), 5);
        let after = decide(&two_countries(&[]), 5);
        let swapped: Vec<Change> = ["x1", "x2", "x3", "y1", "y2", "y3"]
            .iter()
            .map(|s| Change {
                cell: on("a", 0),
                changes: 2,
                school: Some(s.to_string()),
            })
            .collect();
        // 12 changes; each country's page stays the same count, but its answers change by two
        // per school, six per country
        assert!(may_release(&before, &after, &swapped, 5));
        assert!(!may_release(&before, &after, &swapped[..2], 5));
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
