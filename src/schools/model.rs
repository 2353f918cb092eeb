//! Types shared by the schools' server functions and pages.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct School {
    pub id: String,
    /// Stored without separators; shown with `codes::display`.
    pub code: String,
    pub name: String,
    pub network_id: Option<String>,
    pub network_name: Option<String>,
    /// ISO 3166-1 alpha-2, lower case.
    pub country: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Network {
    pub id: String,
    pub name: String,
    pub schools: i64,
}

/// Everything the admin page lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directory {
    pub schools: Vec<School>,
    pub networks: Vec<Network>,
    pub countries: Vec<String>,
}

pub const MAX_NAME: usize = 120;

/// A country code as typed: two letters, stored in lower case.
pub fn normalise_country(s: &str) -> Option<String> {
    let c = s.trim().to_lowercase();
    (c.len() == 2 && c.chars().all(|ch| ch.is_ascii_lowercase())).then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_two_letters() {
        assert_eq!(normalise_country(" NL "), Some("nl".into()));
        assert_eq!(normalise_country("nld"), None);
        assert_eq!(normalise_country("n1"), None);
        assert_eq!(normalise_country(""), None);
    }
}
