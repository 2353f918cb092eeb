//! Types shared by the accounts' server functions and pages.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages schools, networks and accounts; sees every result.
    Admin,
    /// Sees the results of their own schools, and the aggregates above school level.
    Coordinator,
    /// Sees the results of every school of their network, and the aggregates above school level.
    NetworkCoordinator,
    /// Exports anonymised data; sees the aggregates above school level.
    Researcher,
    /// Runs live workshops; sees the aggregates above school level.
    Facilitator,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Coordinator,
        Role::NetworkCoordinator,
        Role::Researcher,
        Role::Facilitator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::NetworkCoordinator => "network_coordinator",
            Role::Researcher => "researcher",
            Role::Facilitator => "facilitator",
        }
    }

    /// The role's name in language `l`.
    pub fn label(self, l: crate::lang::Locale) -> &'static str {
        use crate::i18n::td_string;
        match self {
            Role::Admin => td_string!(l, staff.account_role_admin),
            Role::Coordinator => td_string!(l, staff.account_role_coordinator),
            Role::NetworkCoordinator => td_string!(l, staff.account_role_network_coordinator),
            Role::Researcher => td_string!(l, staff.account_role_researcher),
            Role::Facilitator => td_string!(l, staff.account_role_facilitator),
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// The signed-in user, as pages see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: String,
    pub email: String,
    pub role: Role,
    /// Schools whose results this user may see (coordinators).
    pub school_ids: Vec<String>,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether this user may see one school's results.
    pub fn can_view_school(&self, school_id: &str) -> bool {
        self.is_admin() || self.school_ids.iter().any(|s| s == school_id)
    }
}

/// One account in the admin's list (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: String,
    pub email: String,
    pub role: Role,
    /// The names of its schools (a coordinator's) or networks (a network coordinator's).
    pub schools: Vec<String>,
    /// Disabled by an admin: cannot sign in.
    pub disabled: bool,
}

/// One signed-in session, as an admin sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// Names the session for ending it; never the session's id.
    pub handle: String,
    /// When it began (UTC), unknown for sessions older than this record.
    pub started: Option<String>,
    /// When it ends unless used again (UTC).
    pub ends: String,
}

/// An account on its admin page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDetail {
    pub summary: UserSummary,
    pub sessions: Vec<SessionSummary>,
}

pub const MIN_PASSWORD: usize = 12;
pub const MAX_PASSWORD: usize = 128;
pub const MAX_EMAIL: usize = 254;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_school_access() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
        let coordinator = CurrentUser {
            id: "u".into(),
            email: "c@example.org".into(),
            role: Role::Coordinator,
            school_ids: vec!["s1".into()],
        };
        assert!(coordinator.can_view_school("s1"));
        assert!(!coordinator.can_view_school("s2"));
        let admin = CurrentUser {
            role: Role::Admin,
            school_ids: vec![],
            ..coordinator
        };
        assert!(admin.can_view_school("s2"));
    }
}
