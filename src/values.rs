//! Value types every domain shares, each defined once: the respondent roles and their groups,
//! the innovations, the key of a part of a category, and how names are listed in a sentence.
//! Forms, URLs and SQL carry them as strings; they are checked against these lists at the edge.

/// A respondent's role in their school. Stored, posted and put in addresses as [`Self::as_str`];
/// parsed back with [`Self::parse`] at those edges (serde writes the same ids).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum RespondentRole {
    Headteacher,
    Deputy,
    MiddleLeader,
    Teacher,
    Other,
}

impl RespondentRole {
    /// Every role, in the order forms offer them.
    pub const ALL: [Self; 5] = [
        Self::Headteacher,
        Self::Deputy,
        Self::MiddleLeader,
        Self::Teacher,
        Self::Other,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Headteacher => "headteacher",
            Self::Deputy => "deputy",
            Self::MiddleLeader => "middle_leader",
            Self::Teacher => "teacher",
            Self::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw)
    }

    /// The role's name in language `l`, as a respondent picks it.
    pub fn label(self, l: crate::lang::Locale) -> &'static str {
        use crate::i18n::td_string;
        match self {
            Self::Headteacher => td_string!(l, common.role_headteacher),
            Self::Deputy => td_string!(l, common.role_deputy),
            Self::MiddleLeader => td_string!(l, common.role_middle_leader),
            Self::Teacher => td_string!(l, common.role_teacher),
            Self::Other => td_string!(l, common.role_other),
        }
    }
}

/// The role groups results and exports compare: the leaders beside the teachers.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum RoleGroup {
    Leaders,
    Teachers,
}

impl RoleGroup {
    pub const ALL: [Self; 2] = [Self::Leaders, Self::Teachers];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Leaders => "leaders",
            Self::Teachers => "teachers",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == raw)
    }

    /// The group's roles, in the roles' order.
    pub const fn roles(self) -> &'static [RespondentRole] {
        match self {
            Self::Leaders => &[
                RespondentRole::Headteacher,
                RespondentRole::Deputy,
                RespondentRole::MiddleLeader,
            ],
            Self::Teachers => &[RespondentRole::Teacher],
        }
    }

    /// The stored ids of the group's roles, in the same order.
    pub const fn members(self) -> &'static [&'static str] {
        match self {
            Self::Leaders => LEADER_ROLES,
            Self::Teachers => TEACHER_ROLES,
        }
    }

    /// The group a role belongs to (none for "other").
    pub fn of(role: RespondentRole) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.roles().contains(&role))
    }
}

/// The stored ids of the respondent roles, in the order forms offer them.
pub const ROLE_IDS: &[&str] = &{
    let mut out = [""; RespondentRole::ALL.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = RespondentRole::ALL[i].as_str();
        i += 1;
    }
    out
};

/// The stored ids of the leadership roles, in the roles' order ([`RoleGroup::Leaders`]).
pub const LEADER_ROLES: &[&str] = &[
    RespondentRole::Headteacher.as_str(),
    RespondentRole::Deputy.as_str(),
    RespondentRole::MiddleLeader.as_str(),
];
/// The teachers as a group.
pub const TEACHER_ROLES: &[&str] = &[RespondentRole::Teacher.as_str()];

/// The longest description of "another innovation", in characters.
pub const MAX_INNOVATION_DETAIL: usize = 200;

/// The stored ids of the innovations a reflection is about, in the order forms offer them.
pub const INNOVATIONS: &[&str] = &["data_use", "pln", "other"];

/// An innovation's name in language `l`; `None` for an id that is not one of [`INNOVATIONS`].
pub fn innovation_label(l: crate::lang::Locale, id: &str) -> Option<&'static str> {
    use crate::i18n::td_string;
    match id {
        "data_use" => Some(td_string!(l, common.innovation_data_use)),
        "pln" => Some(td_string!(l, common.innovation_pln)),
        "other" => Some(td_string!(l, common.innovation_other)),
        _ => None,
    }
}

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

/// The key of a part (subcategory) of a category, as forms and the database name it.
pub fn part_key(category: &str, subcategory: &str) -> String {
    format!("{category}/{subcategory}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_groups_read_back_what_they_write() {
        for r in RespondentRole::ALL {
            assert_eq!(RespondentRole::parse(r.as_str()), Some(r));
        }
        for g in RoleGroup::ALL {
            assert_eq!(RoleGroup::parse(g.as_str()), Some(g));
            // a group's name is never a role's: one filter key names one thing
            assert_eq!(RespondentRole::parse(g.as_str()), None);
        }
        assert_eq!(RespondentRole::parse("Teacher"), None);
        assert_eq!(
            RoleGroup::of(RespondentRole::Deputy),
            Some(RoleGroup::Leaders)
        );
        assert_eq!(
            RoleGroup::of(RespondentRole::Teacher),
            Some(RoleGroup::Teachers)
        );
        assert_eq!(RoleGroup::of(RespondentRole::Other), None);
    }

    #[test]
    fn role_ids_are_the_roles_in_order() {
        let ids: Vec<&str> = RespondentRole::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(ids, ROLE_IDS);
        // every innovation has a name in every language, and nothing else has one
        for &l in crate::lang::all() {
            assert!(INNOVATIONS.iter().all(|i| innovation_label(l, i).is_some()));
            assert_eq!(innovation_label(l, "any"), None);
        }
        assert_eq!(
            innovation_label(crate::lang::Locale::nl, "data_use"),
            Some("Datagebruik")
        );
        assert_eq!(
            RespondentRole::Headteacher.label(crate::lang::Locale::nl),
            "Schoolleider / directeur"
        );
        for group in RoleGroup::ALL {
            let ids: Vec<&str> = group.roles().iter().map(|r| r.as_str()).collect();
            assert_eq!(ids, group.members());
            assert!(group.roles().is_sorted());
        }
        // serde writes the stored ids
        for r in RespondentRole::ALL {
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.as_str())
            );
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
}
