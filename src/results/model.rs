//! Types shared by the results' server functions and pages.
use super::compute::GroupResults;
use crate::values::{RespondentRole, RoleGroup};
use serde::{Deserialize, Serialize};

/// A role filter the pages offer: a role group, or one role (the single role "teacher" is the
/// group "teachers", so it is not offered twice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleOption {
    Group(RoleGroup),
    One(RespondentRole),
}

impl RoleOption {
    /// Every option, in the order the pages offer them.
    pub fn all() -> Vec<Self> {
        RoleGroup::ALL
            .into_iter()
            .map(Self::Group)
            .chain(
                RespondentRole::ALL
                    .into_iter()
                    .filter(|r| *r != RespondentRole::Teacher)
                    .map(Self::One),
            )
            .collect()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Group(g) => g.as_str(),
            Self::One(r) => r.as_str(),
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::all().into_iter().find(|o| o.as_str() == raw)
    }

    /// The roles the option stands for, sorted.
    pub fn roles(self) -> Vec<RespondentRole> {
        match self {
            Self::Group(g) => g.roles().to_vec(),
            Self::One(r) => vec![r],
        }
    }
}

/// The roles a role option's key stands for.
pub fn roles_of(option: &str) -> Option<Vec<RespondentRole>> {
    RoleOption::parse(option).map(RoleOption::roles)
}

/// What a results page asks for: the query string of `/results/<level>/<key>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultsQuery {
    pub instrument: Option<String>,
    pub version: Option<i64>,
    /// A key of a [`RoleOption`].
    pub role: Option<String>,
    pub innovation: Option<String>,
    /// The code of the language answered in (`lang::code`).
    pub language: Option<String>,
    /// `YYYY-MM`, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    /// A round of the school (its id); school results only.
    #[serde(default)]
    pub round: Option<String>,
}

pub use crate::values::Withheld;

/// A group's category means as a column beside something else (the personal profile, a
/// workshop's room), under every rule of the results pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupMeans {
    /// The respondents of the group's last release (0 when even that would reveal too much).
    pub respondents: i64,
    /// Why no means show, when none do (then `means` is empty).
    pub withheld: Option<Withheld>,
    /// One per column asked for (see [`MeanOf`]); `None` where there is no mean.
    pub means: Vec<Option<f64>>,
}

/// Which mean a column of [`GroupMeans`] holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeanOf {
    /// A whole category's, by id.
    Category(String),
    /// One part (subcategory) of a category: (category id, subcategory id).
    Part(String, String),
    /// No comparable mean (several parts of a category).
    Nothing,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapRow {
    pub category: String,
    pub leaders: Option<f64>,
    pub teachers: Option<f64>,
}

/// Leaders' and teachers' views of the same group, side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Gap {
    Shown(Vec<GapRow>),
    Withheld,
    /// The page is already filtered by role.
    NotApplicable,
}

/// A results page's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultsView {
    pub title: String,
    /// `all`, `country/nl`, `network/<id>` or `school/<id>`.
    pub path: String,
    pub instrument_id: String,
    pub instrument_title: String,
    pub instruments: Vec<(String, String)>,
    pub versions: Vec<i64>,
    /// The languages the group's released respondents answered in (and the one asked for, if
    /// none did), in the order of `lang::all`: the language filter's options.
    #[serde(default)]
    pub languages: Vec<crate::lang::Locale>,
    /// A school's rounds (id, the day it was opened), newest first; empty above school level.
    #[serde(default)]
    pub rounds: Vec<(String, String)>,
    /// The query after dates were widened to whole periods (see `widened`).
    pub query: ResultsQuery,
    pub widened: bool,
    pub k: i64,
    /// The group releases together with everyone, the countries and the networks (it is one of
    /// them).
    #[serde(default)]
    pub together: bool,
    pub withheld: Option<Withheld>,
    pub results: Option<GroupResults>,
    /// The labels of the scale categories are ranked on.
    pub scale_labels: Vec<String>,
    /// Categories on another scale (importance beside agreement): id → that scale's labels. They
    /// are shown with their own labels and never ranked.
    #[serde(default)]
    pub other_scales: std::collections::BTreeMap<String, Vec<String>>,
    pub gap: Gap,
    pub free_text: FreeText,
    /// When the group last released its figures (RFC 3339); `None` before its first release.
    #[serde(default)]
    pub released_at: Option<String>,
}

/// Written answers show only from this many respondents (or the minimum group size, if larger).
pub const FREE_TEXT_K: i64 = 10;

/// The written answers of a group, per question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FreeText {
    /// The questionnaire asks for none (or the group's results are withheld anyway).
    NoQuestions,
    Withheld(Withheld),
    /// Per question its text and the answers, in alphabetical order.
    Shown(Vec<(String, Vec<String>)>),
}

/// The groups a signed-in user can open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultsIndex {
    pub countries: Vec<String>,
    pub networks: Vec<(String, String)>,
    /// (id, name, join code) of the schools this user may see.
    pub schools: Vec<(String, String, String)>,
    pub instruments: Vec<(String, String)>,
}

/// The networking baseline's per-country view: per question, the distribution of answers by
/// country and overall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountryComparison {
    pub instrument_id: String,
    pub instrument_title: String,
    pub k: i64,
    /// Countries shown, with their respondents; the last column is "All".
    pub columns: Vec<(String, i64)>,
    /// Countries withheld (too few respondents, or they would reveal a smaller group).
    pub withheld_countries: usize,
    pub questions: Vec<QuestionRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionRow {
    pub id: String,
    pub text: String,
    pub category: String,
    /// Option labels (for numbers: none; see `means`).
    pub options: Vec<String>,
    /// Per column, the count per option.
    pub counts: Vec<Vec<i64>>,
}

/// Whose results: everyone, one school, a network's schools or a country's schools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    School(String),
    Network(String),
    Country(String),
}

impl Scope {
    /// The group of a results address `/results/<level>/<key>` (a country's code in lower case).
    pub fn parse(level: &str, key: String) -> Option<Self> {
        Some(match level {
            "all" => Self::All,
            "country" => Self::Country(key.to_lowercase()),
            "network" => Self::Network(key),
            "school" => Self::School(key),
            _ => return None,
        })
    }

    /// The level as addresses and the aggregate tables name it.
    pub fn level(&self) -> &'static str {
        match self {
            Self::All => "all",
            Self::School(_) => "school",
            Self::Network(_) => "network",
            Self::Country(_) => "country",
        }
    }

    /// The group's key within its level ("" for everyone).
    pub fn key(&self) -> &str {
        match self {
            Self::All => "",
            Self::School(k) | Self::Network(k) | Self::Country(k) => k,
        }
    }

    /// The part of a results address after `/results/`.
    pub fn path(&self) -> String {
        match self {
            Self::All => "all".to_string(),
            _ => format!("{}/{}", self.level(), self.key()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_option_stands_for_known_roles() {
        let options = RoleOption::all();
        assert_eq!(options.len(), 6);
        for option in options {
            assert_eq!(RoleOption::parse(option.as_str()), Some(option));
            let roles = roles_of(option.as_str()).unwrap();
            assert!(!roles.is_empty());
            assert!(
                roles
                    .iter()
                    .all(|r| crate::values::ROLE_IDS.contains(&r.as_str()))
            );
        }
        assert_eq!(
            roles_of(RespondentRole::Deputy.as_str()).unwrap(),
            [RespondentRole::Deputy]
        );
        assert_eq!(
            roles_of(RoleGroup::Leaders.as_str()).unwrap(),
            RoleGroup::Leaders.roles()
        );
        // the single role "teacher" is offered as the option "teachers"
        assert_eq!(roles_of(RespondentRole::Teacher.as_str()), None);
        assert_eq!(roles_of("nobody"), None);
    }

    #[test]
    fn a_scope_reads_back_from_its_address() {
        for s in [
            Scope::All,
            Scope::School("s-1".into()),
            Scope::Network("n".into()),
            Scope::Country("nl".into()),
        ] {
            let (level, key) = match s.path().split_once('/') {
                Some((l, k)) => (l.to_string(), k.to_string()),
                None => (s.path(), String::new()),
            };
            assert_eq!(Scope::parse(&level, key), Some(s));
        }
        assert_eq!(
            Scope::parse("country", "NL".into()),
            Some(Scope::Country("nl".into()))
        );
        assert_eq!(Scope::parse("planet", "x".into()), None);
    }
}

/// A school's report on one round (`/rounds/:id/report`, and as PDF): shown once the round has
/// closed, from what its groups have released, under every rule of the results pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundReport {
    pub round_id: String,
    pub school: String,
    pub instrument_title: String,
    /// The innovation focus in words.
    pub innovation: String,
    /// The day the round was opened, its first and its last day (`YYYY-MM-DD`).
    pub opened_on: String,
    pub opens_on: Option<String>,
    pub closes_on: Option<String>,
    pub k: i64,
    pub status: ReportStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ReportStatus {
    /// The round still runs: its report comes when it closes.
    NotClosed,
    /// The round's figures may not show (too few, or they would reveal a smaller group).
    Withheld(Withheld),
    Ready(Box<ReportBody>),
}

/// A column of figures beside the round's: a group's respondents and, per category of
/// [`ReportBody::categories`], its estimate; or why it does not show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportColumn {
    pub name: String,
    pub respondents: i64,
    pub withheld: Option<Withheld>,
    pub estimates: Vec<Option<super::stats::Estimate>>,
}

/// One category of the report: the round's figure, leaders', teachers' and the gap between
/// them (teachers minus leaders, as on the results pages), each with its 95% interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportCategory {
    pub id: String,
    pub title: String,
    pub all: Option<super::stats::Estimate>,
    pub leaders: Option<super::stats::Estimate>,
    pub teachers: Option<super::stats::Estimate>,
    pub gap: Option<super::stats::Estimate>,
}

/// The category that needs most work (several when the data cannot tell them apart), and the
/// statements behind it with the round's mean for each, lowest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weakest {
    pub title: String,
    pub estimate: Option<super::stats::Estimate>,
    pub statements: Vec<(String, f64)>,
}

/// The previous round of the school on the same questionnaire, and the change per category
/// (this round minus that one, with its 95% interval).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviousRound {
    pub opened_on: String,
    pub column: ReportColumn,
    pub change: Vec<Option<super::stats::Estimate>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportBody {
    pub respondents: i64,
    /// Leaders and teachers: respondents, or why the group does not show on its own.
    pub leaders: Result<i64, Withheld>,
    pub teachers: Result<i64, Withheld>,
    /// The labels of the scale the categories are on (1 = the first).
    pub scale_labels: Vec<String>,
    /// The categories on the ranking scale, in the questionnaire's order.
    pub categories: Vec<ReportCategory>,
    pub weakest: Vec<Weakest>,
    /// The school's network, its country and everyone, where each may show.
    pub comparison: Vec<ReportColumn>,
    pub previous: Option<PreviousRound>,
    pub free_text: FreeText,
    /// When the school last released its figures (RFC 3339).
    pub released_at: Option<String>,
}
