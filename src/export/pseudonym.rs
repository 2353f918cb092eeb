//! Fresh pseudonyms per export: the same real id gets the same pseudonym within one export and an
//! unrelated one in the next, so two exports cannot be joined by id. Numbers are handed out in a
//! random order, so a pseudonym says nothing about when a respondent or school was created.
use rand::seq::SliceRandom;
use std::collections::HashMap;

/// `n` pseudonyms `<prefix>0001` … in a random order (at least four digits, more when needed).
pub fn shuffled(prefix: &str, n: usize) -> Vec<String> {
    let mut numbers: Vec<usize> = (1..=n).collect();
    numbers.shuffle(&mut rand::rngs::OsRng);
    let width = n.to_string().len().max(4);
    numbers
        .into_iter()
        .map(|n| format!("{prefix}{n:0width$}"))
        .collect()
}

pub struct Pseudonyms {
    prefix: &'static str,
    map: HashMap<String, String>,
}

impl Pseudonyms {
    /// Pseudonyms `<prefix>0001`, `<prefix>0002`, … for `ids` (duplicates allowed), shuffled.
    pub fn new<'a>(prefix: &'static str, ids: impl IntoIterator<Item = &'a str>) -> Self {
        let mut unique: Vec<&str> = ids.into_iter().collect();
        unique.sort_unstable();
        unique.dedup();
        let map = unique
            .iter()
            .map(|id| id.to_string())
            .zip(shuffled(prefix, unique.len()))
            .collect();
        Self { prefix, map }
    }

    /// The pseudonym of a real id; `None` for an id this export does not hold.
    pub fn of(&self, id: &str) -> Option<&str> {
        self.map.get(id).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn prefix(&self) -> &'static str {
        self.prefix
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_within_an_export_and_fresh_across_exports() {
        let ids: Vec<String> = (0..200).map(|i| format!("reflection-{i:03}")).collect();
        let a = Pseudonyms::new(
            "R",
            ids.iter().map(String::as_str).chain(["reflection-007"]),
        );
        assert_eq!(a.len(), 200);
        assert_eq!(a.of("reflection-007"), a.of("reflection-007"));
        assert_eq!(a.of("unknown"), None);
        let mut seen: Vec<&str> = ids.iter().map(|i| a.of(i).unwrap()).collect();
        assert!(seen.iter().all(|p| p.starts_with('R') && p.len() == 5));
        assert!(
            seen.iter().all(|p| !p.contains("reflection")),
            "no real id leaks"
        );
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 200, "one pseudonym per id");
        // a second export of the same ids: (almost surely) a different assignment
        let b = Pseudonyms::new("R", ids.iter().map(String::as_str));
        let same = ids.iter().filter(|i| a.of(i) == b.of(i)).count();
        assert!(same < 20, "{same} of 200 ids kept their pseudonym");
        // not in creation order
        let in_order = ids.windows(2).filter(|w| a.of(&w[0]) < a.of(&w[1])).count();
        assert!(in_order < 150, "{in_order}");
    }
}
