//! Value types every domain shares, each defined once: the respondent roles and their groups,
//! the innovations, the key of a part of a category, and how names are listed in a sentence.
//! Forms, URLs and SQL carry them as strings; they are checked against these lists at the edge.

/// The respondent roles: (stored id, label), in the order forms offer them.
pub const ROLES: &[(&str, &str)] = &[
    ("headteacher", "Headteacher / principal"),
    ("deputy", "Deputy or assistant head"),
    ("middle_leader", "Middle leader (e.g. team or subject lead)"),
    ("teacher", "Teacher"),
    ("other", "Other"),
];

/// The stored ids of [`ROLES`], in the same order.
pub const ROLE_IDS: &[&str] = &["headteacher", "deputy", "middle_leader", "teacher", "other"];

/// The leadership roles as one group, sorted.
pub const LEADER_ROLES: &[&str] = &["deputy", "headteacher", "middle_leader"];
/// The teachers as a group.
pub const TEACHER_ROLES: &[&str] = &["teacher"];

/// The innovations a reflection is about: (stored id, label).
pub const INNOVATIONS: &[(&str, &str)] = &[
    ("data_use", "Data use"),
    ("pln", "Professional learning network (PLN)"),
    ("other", "Other"),
];

/// Where a reflection stands: answering, or finished (its answers closed, its profile made).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Status {
    InProgress,
    Finished,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "in_progress",
            Self::Finished => "finished",
        }
    }
    pub fn parse(s: &str) -> Self {
        if s == "finished" {
            Self::Finished
        } else {
            Self::InProgress
        }
    }
}

/// Why a group's figures are not shown: one idea, one type, in every view (results pages,
/// written answers, the profile's comparison columns, the room's comparison).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Withheld {
    /// The group needs this many more respondents.
    MoreNeeded(i64),
    /// Shown beside other views, it would let someone work out a smaller group.
    WouldReveal,
}

/// A form's yes-or-no answer (checkboxes, hidden toggles, consent), parsed once at the edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YesNo {
    Yes,
    No,
}

impl YesNo {
    /// "yes" or "no"; anything else is no answer of this kind.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "yes" => Some(Self::Yes),
            "no" => Some(Self::No),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::No => "no",
        }
    }

    /// A checkbox: ticked only when it sent "yes".
    pub fn ticked(raw: Option<&str>) -> bool {
        raw.and_then(Self::parse) == Some(Self::Yes)
    }

    /// The value a toggle sends to turn `on` on or off.
    pub fn of(on: bool) -> Self {
        if on { Self::Yes } else { Self::No }
    }
}

/// The label of `key` in a list of (id, label); the key itself when it is not in the list.
pub fn label_of(list: &[(&str, &str)], key: &str) -> String {
    list.iter()
        .find(|(k, _)| *k == key)
        .map(|(_, l)| l.to_string())
        .unwrap_or_else(|| key.to_string())
}

/// The key of a part (subcategory) of a category, as forms and the database name it.
pub fn part_key(category: &str, subcategory: &str) -> String {
    format!("{category}/{subcategory}")
}

/// "vision and goals", "A and B", "A, B and C".
pub fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {}", rest.join(", "), last),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_ids_are_the_roles_in_order() {
        let ids: Vec<&str> = ROLES.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, ROLE_IDS);
        for group in [LEADER_ROLES, TEACHER_ROLES] {
            assert!(group.iter().all(|r| ROLE_IDS.contains(r)));
            assert!(group.is_sorted());
        }
    }

    #[test]
    fn yes_and_no_are_the_only_answers() {
        for v in [YesNo::Yes, YesNo::No] {
            assert_eq!(YesNo::parse(v.as_str()), Some(v));
        }
        assert_eq!(YesNo::parse("Yes"), None);
        assert_eq!(YesNo::parse(""), None);
        assert!(YesNo::ticked(Some("yes")));
        assert!(!YesNo::ticked(Some("on")));
        assert!(!YesNo::ticked(None));
        assert_eq!(YesNo::of(true), YesNo::Yes);
    }

    #[test]
    fn names_are_listed_as_in_a_sentence() {
        let n = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(join_names(&n(&[])), "");
        assert_eq!(join_names(&n(&["A"])), "A");
        assert_eq!(join_names(&n(&["A", "B"])), "A and B");
        assert_eq!(join_names(&n(&["A", "B", "C"])), "A, B and C");
    }
}
