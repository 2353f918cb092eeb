//! Group sizes in an export: every combination of the quasi-identifiers an export carries —
//! country × school × role × innovation × language × version × period — holds at least k
//! respondents, or it is coarsened until it does. The period is the month finished (or started);
//! the exact day is never exported, since "who filled it in on the training day" is easily known
//! in a school. The language is the one the reflection was answered in: one Swedish-speaking
//! teacher in a Dutch school is as easy to name as its only headteacher.
//!
//! For each country × school (within one version and year) whose cells are too small, one step at a
//! time:
//! 1. the month becomes its year;
//! 2. the language becomes "any";
//! 3. the innovation becomes "any";
//! 4. roles become role groups (leaders, teachers, other);
//! 5. role groups become "any";
//! 6. the school becomes "other" (merged with the other small schools of its country);
//! 7. the country becomes "other";
//! 8. what is still in a cell under k — only ever cells already at "other / other / any / any /
//!    any / year" — is left out of the export.
//!
//! The language goes before the innovation: it says less about the questions asked (the answers
//! are item ids and values, the same in every language), and a lone speaker of another language
//! is the likelier small group in a school.
//!
//! The version is never coarsened: answers are read by their version's questions.
//!
//! All small cells take their next step together, then the cells are counted again, until none
//! is under k. Every step and its count is reported for the codebook ([`Step`]; its words are the
//! codebook's, in the codebook's language).
use crate::values::{RespondentRole, RoleGroup};
use std::collections::{BTreeMap, HashMap};

/// What stands in the export for a merged school or country.
pub const OTHER: &str = "other";
/// What stands in the export for a role, innovation or language coarsened away.
pub const ANY: &str = "any";

/// A respondent's quasi-identifiers as stored.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Person {
    pub country: Option<String>,
    pub school: Option<String>,
    pub role: String,
    pub innovation: String,
    pub version: i64,
    /// "YYYY-MM": the month finished (or started, when unfinished).
    pub month: String,
    /// The language answered in (a `lang::Locale` code).
    pub language: String,
}

/// The same, as the export may show them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Shown {
    /// A country code, or [`OTHER`] (also for respondents without a country).
    pub country: String,
    /// A real school id (the export pseudonymises it), or [`OTHER`] (also for no school).
    pub school: String,
    /// A role, a role group (`leaders`, `teachers`, `other roles`) or [`ANY`].
    pub role: String,
    /// The innovation, or [`ANY`].
    pub innovation: String,
    pub version: i64,
    /// "YYYY-MM", or "YYYY" when coarsened.
    pub period: String,
    /// The language answered in, or [`ANY`].
    pub language: String,
}

impl Shown {
    /// Every quasi-identifier at its coarsest: only such groups are ever left out.
    fn fully_merged(&self) -> bool {
        self.country == OTHER
            && self.school == OTHER
            && self.role == ANY
            && self.innovation == ANY
            && self.language == ANY
            && self.period.len() == 4
    }
}

/// How an export names the roles in no role group when it shows role groups.
pub const OTHER_ROLES: &str = "other roles";

/// The role group of a stored role, as an export shows it.
pub fn role_group(role: &str) -> &'static str {
    RespondentRole::parse(role)
        .and_then(RoleGroup::of)
        .map_or(OTHER_ROLES, RoleGroup::as_str)
}

/// How far a school's respondents are coarsened, in the order the steps are taken (the module's
/// list); the report counts the respondents at each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    /// Shown as they are.
    Exact,
    /// The month shown as its year.
    Year,
    /// The language left out too.
    AnyLanguage,
    /// The innovation left out too.
    AnyInnovation,
    /// The role shown as its role group.
    RoleGroup,
    /// The role left out.
    AnyRole,
    /// The school merged into "other".
    OtherSchool,
    /// The country merged into "other".
    OtherCountry,
    /// Left out of the export: a group under k even when merged.
    LeftOut,
}

impl Step {
    /// The step after this one.
    fn next(self) -> Self {
        match self {
            Step::Exact => Step::Year,
            Step::Year => Step::AnyLanguage,
            Step::AnyLanguage => Step::AnyInnovation,
            Step::AnyInnovation => Step::RoleGroup,
            Step::RoleGroup => Step::AnyRole,
            Step::AnyRole => Step::OtherSchool,
            Step::OtherSchool => Step::OtherCountry,
            Step::OtherCountry | Step::LeftOut => Step::LeftOut,
        }
    }
}

fn show(p: &Person, step: Step) -> Option<Shown> {
    let role = match step {
        Step::Exact | Step::Year | Step::AnyLanguage | Step::AnyInnovation => p.role.clone(),
        Step::RoleGroup => role_group(&p.role).to_string(),
        _ => ANY.to_string(),
    };
    let period = match step {
        Step::Exact => p.month.clone(),
        _ => p.month.chars().take(4).collect(),
    };
    let language = match step {
        Step::Exact | Step::Year => p.language.clone(),
        _ => ANY.to_string(),
    };
    let innovation = match step {
        Step::Exact | Step::Year | Step::AnyLanguage => p.innovation.clone(),
        _ => ANY.to_string(),
    };
    let school = match (&p.school, step >= Step::OtherSchool) {
        (Some(s), false) => s.clone(),
        _ => OTHER.to_string(),
    };
    let country = match (&p.country, step >= Step::OtherCountry) {
        (Some(c), false) => c.clone(),
        _ => OTHER.to_string(),
    };
    (step != Step::LeftOut).then_some(Shown {
        country,
        school,
        role,
        innovation,
        version: p.version,
        period,
        language,
    })
}

/// The outcome: per input person what the export shows (`None`: left out), and what was done.
#[derive(Debug, Clone, PartialEq)]
pub struct Anonymised {
    pub shown: Vec<Option<Shown>>,
    /// Respondents per step beyond "exact": (the step, how many respondents it touched).
    pub report: Vec<(Step, usize)>,
}

/// Applies the rules to `people` with minimum group size `k`.
pub fn anonymise(people: &[Person], k: usize) -> Anonymised {
    let mut tuples: BTreeMap<&Person, usize> = BTreeMap::new();
    for p in people {
        *tuples.entry(p).or_default() += 1;
    }
    let counted: Vec<(Person, usize)> = tuples.into_iter().map(|(p, n)| (p.clone(), n)).collect();
    let (shown_of, report) = anonymise_counted(&counted, k);
    let index: HashMap<&Person, usize> = counted
        .iter()
        .enumerate()
        .map(|(i, (p, _))| (p, i))
        .collect();
    let shown = people
        .iter()
        .map(|p| index.get(p).and_then(|i| shown_of[*i].clone()))
        .collect();
    Anonymised { shown, report }
}

/// The same over distinct quasi-identifier tuples with how many respondents carry each (how an
/// export of many respondents calls it: a few thousand tuples at most). Per tuple what the export
/// shows, and the report.
pub fn anonymise_counted(
    tuples: &[(Person, usize)],
    k: usize,
) -> (Vec<Option<Shown>>, Vec<(Step, usize)>) {
    // Steps are taken per country × school, within one version and year: those never merge, so a
    // small group of one version or year does not drag the others of its school along.
    type Pair = (Option<String>, Option<String>, i64, String);
    let mut step: HashMap<Pair, Step> = HashMap::new();
    let pair = |p: &Person| {
        (
            p.country.clone(),
            p.school.clone(),
            p.version,
            p.month.chars().take(4).collect::<String>(),
        )
    };
    loop {
        let mut cells: HashMap<Shown, (usize, Vec<Pair>)> = HashMap::new();
        for (p, n) in tuples {
            let s = *step.get(&pair(p)).unwrap_or(&Step::Exact);
            if let Some(shown) = show(p, s) {
                let cell = cells.entry(shown).or_default();
                cell.0 += n;
                cell.1.push(pair(p));
            }
        }
        let (last, others): (Vec<_>, Vec<_>) = cells
            .into_iter()
            .filter(|(_, (n, _))| *n < k)
            .partition(|(cell, _)| cell.fully_merged());
        // leave anyone out only once nothing else can still join them
        let small: Vec<Pair> = if others.is_empty() { last } else { others }
            .into_iter()
            .flat_map(|(_, (_, pairs))| pairs)
            .collect();
        if small.is_empty() {
            break;
        }
        let mut advanced: Vec<Pair> = small;
        advanced.sort();
        advanced.dedup();
        for p in advanced {
            let s = step.entry(p).or_insert(Step::Exact);
            *s = s.next();
        }
    }
    let mut counts: BTreeMap<Step, usize> = BTreeMap::new();
    let shown = tuples
        .iter()
        .map(|(p, n)| {
            let s = *step.get(&pair(p)).unwrap_or(&Step::Exact);
            *counts.entry(s).or_default() += n;
            show(p, s)
        })
        .collect();
    let report = counts
        .into_iter()
        .filter(|(s, _)| *s != Step::Exact)
        .collect();
    (shown, report)
}

/// Answers that describe a respondent (country, school type, years in the role: items marked
/// `identifying`) are quasi-identifiers too. Per respondent: their exported cell (any id for the
/// country × school × role they are shown with) and the tuple of their identifying answers
/// (`None`: they gave none). Returns per respondent whether those answers must be left out.
///
/// Within a cell, every tuple shared by fewer than k is left out; the left-out respondents join
/// those who gave no such answer, and while that group is above zero but under k, the next
/// smallest tuples are left out too. So every group the export shows — cell × tuple, and cell ×
/// "none given" — holds at least k respondents, as long as the cell itself does.
pub fn withhold_identifying(people: &[(u32, Option<u32>)], k: usize) -> Vec<bool> {
    let mut counts: HashMap<(u32, Option<u32>), usize> = HashMap::new();
    for p in people {
        *counts.entry(*p).or_default() += 1;
    }
    let mut by_cell: BTreeMap<u32, Vec<(Option<u32>, usize)>> = BTreeMap::new();
    for ((cell, tuple), n) in &counts {
        by_cell.entry(*cell).or_default().push((*tuple, *n));
    }
    let mut withheld: std::collections::HashSet<(u32, u32)> = std::collections::HashSet::new();
    for (cell, mut tuples) in by_cell {
        let none = tuples
            .iter()
            .find(|(t, _)| t.is_none())
            .map_or(0, |(_, n)| *n);
        // smallest first (ties by tuple, so the outcome does not depend on hashing)
        let mut given: Vec<(usize, u32)> = tuples
            .drain(..)
            .filter_map(|(t, n)| t.map(|t| (n, t)))
            .collect();
        given.sort_unstable();
        let mut out = none;
        for (n, t) in given {
            if n < k || (out > 0 && out < k) {
                withheld.insert((cell, t));
                out += n;
            } else {
                break;
            }
        }
    }
    people
        .iter()
        .map(|(cell, t)| t.is_some_and(|t| withheld.contains(&(*cell, t))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::RespondentRole as R;
    use proptest::prelude::*;

    fn person(country: &str, school: &str, role: R) -> Person {
        Person {
            country: (!country.is_empty()).then(|| country.to_string()),
            school: (!school.is_empty()).then(|| school.to_string()),
            role: role.as_str().to_string(),
            innovation: "pln".into(),
            version: 1,
            month: "2026-11".into(),
            language: "nl".into(),
        }
    }

    fn many(n: usize, p: Person) -> Vec<Person> {
        vec![p; n]
    }

    #[test]
    fn big_enough_groups_stay_as_they_are() {
        let mut people = many(5, person("nl", "a", R::Teacher));
        people.extend(many(6, person("nl", "a", R::Headteacher)));
        let a = anonymise(&people, 5);
        assert!(a.report.is_empty());
        assert_eq!(a.shown[0].as_ref().unwrap().role, R::Teacher.as_str());
        assert_eq!(a.shown[5].as_ref().unwrap().school, "a");
    }

    #[test]
    fn one_headteacher_makes_the_school_s_roles_coarser() {
        let mut people = many(5, person("nl", "a", R::Teacher));
        people.push(person("nl", "a", R::Headteacher));
        people.extend(many(3, person("nl", "a", R::Deputy)));
        people.extend(many(2, person("nl", "a", R::MiddleLeader)));
        let a = anonymise(&people, 5);
        let roles: Vec<&str> = a
            .shown
            .iter()
            .map(|s| s.as_ref().unwrap().role.as_str())
            .collect();
        // the 6 leaders together are a group of 6; the teachers stay teachers
        assert_eq!(
            roles
                .iter()
                .filter(|r| **r == RoleGroup::Leaders.as_str())
                .count(),
            6
        );
        assert_eq!(
            roles
                .iter()
                .filter(|r| **r == RoleGroup::Teachers.as_str())
                .count(),
            5,
            "{roles:?}"
        );
    }

    #[test]
    fn small_schools_merge_into_other_and_a_lone_respondent_is_left_out() {
        let mut people = many(6, person("nl", "a", R::Teacher));
        people.extend(many(3, person("nl", "b", R::Teacher)));
        people.extend(many(2, person("nl", "c", R::Teacher)));
        people.push(person("be", "d", R::Teacher));
        let a = anonymise(&people, 5);
        let schools: Vec<Option<&str>> = a
            .shown
            .iter()
            .map(|s| s.as_ref().map(|s| s.school.as_str()))
            .collect();
        assert_eq!(schools.iter().filter(|s| **s == Some("a")).count(), 6);
        assert_eq!(schools.iter().filter(|s| **s == Some(OTHER)).count(), 5);
        assert_eq!(
            schools[11], None,
            "one respondent in a country of one: left out"
        );
        assert!(a.report.contains(&(Step::LeftOut, 1)), "{:?}", a.report);
    }

    #[test]
    fn a_lone_speaker_of_another_language_makes_the_school_s_language_any() {
        // six teachers answered in Dutch, one in Swedish: the Swedish one alone is a group of one
        let mut people = many(6, person("nl", "a", R::Teacher));
        let mut swede = person("nl", "a", R::Teacher);
        swede.language = "sv".into();
        people.push(swede);
        let k = 5;
        let a = anonymise(&people, k);
        let expected = Shown {
            country: "nl".into(),
            school: "a".into(),
            role: R::Teacher.as_str().into(),
            innovation: "pln".into(),
            version: 1,
            period: "2026".into(),
            language: ANY.into(),
        };
        // the month first (still 6 + 1), then the language: all seven one group, nothing more
        assert_eq!(a.shown, vec![Some(expected); 7]);
        assert_eq!(a.report, [(Step::AnyLanguage, 7)]);
        let mut cells: HashMap<&Shown, usize> = HashMap::new();
        for s in a.shown.iter().flatten() {
            *cells.entry(s).or_default() += 1;
        }
        assert!(cells.values().all(|n| *n >= k), "{cells:?}");
        // five of each language: big enough groups keep their language and month
        let mut people = many(5, person("nl", "a", R::Teacher));
        let mut swede = person("nl", "a", R::Teacher);
        swede.language = "sv".into();
        people.extend(many(5, swede));
        let a = anonymise(&people, k);
        assert!(a.report.is_empty(), "{:?}", a.report);
        assert_eq!(a.shown[9].as_ref().unwrap().language, "sv");
        assert_eq!(a.shown[9].as_ref().unwrap().period, "2026-11");
    }

    #[test]
    fn rare_school_types_are_left_out_until_no_group_is_small() {
        // cell 0: 6 × type 1, 2 × type 2, 1 × none; cell 1: 5 × type 1
        let mut people: Vec<(u32, Option<u32>)> = vec![(0, Some(1)); 6];
        people.extend([(0, Some(2)), (0, Some(2)), (0, None)]);
        people.extend(vec![(1, Some(1)); 5]);
        let out = withhold_identifying(&people, 5);
        // type 2 (2 people) goes; with the one who gave none that is 3 < 5: type 1 goes too
        assert!(out[..8].iter().all(|w| *w), "{out:?}");
        assert!(!out[8], "nothing to leave out for who gave none");
        assert!(out[9..].iter().all(|w| !w), "a cell of 5 keeps its answers");
        // big enough groups keep theirs
        let mut people = vec![(0, Some(1)); 5];
        people.extend(vec![(0, Some(2)); 5]);
        assert!(withhold_identifying(&people, 5).iter().all(|w| !w));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn no_exported_group_is_under_k(
            groups in proptest::collection::vec(
                (0..3usize, 0..8usize, 0..5usize, 1..9usize, (0..3usize, 1..3i64, 0..4usize, 0..3usize)),
                1..30,
            ),
            k in 3..7usize,
        ) {
            let countries = ["nl", "be", ""];
            let roles = R::ALL;
            let innovations = ["pln", "data_use", "other"];
            let months = ["2025-11", "2026-01", "2026-02", "2026-11"];
            let languages = ["nl", "sv", "en"];
            let mut people = Vec::new();
            for (c, s, r, n, (i, v, m, l)) in groups {
                // a school lies in one country; "" is no school / no country
                let school = if s == 7 { String::new() } else { format!("{}-{s}", countries[c]) };
                let mut p = person(countries[c], &school, roles[r]);
                p.innovation = innovations[i].into();
                p.version = v;
                p.month = months[m].into();
                p.language = languages[l].into();
                people.extend(many(n, p));
            }
            let a = anonymise(&people, k);
            prop_assert_eq!(a.shown.len(), people.len());
            let mut cells: HashMap<&Shown, usize> = HashMap::new();
            let mut schools: HashMap<&str, usize> = HashMap::new();
            let mut countries_n: HashMap<&str, usize> = HashMap::new();
            let mut roles_n: HashMap<(&str, &str), usize> = HashMap::new();
            let mut languages_n: HashMap<(&str, &str), usize> = HashMap::new();
            for s in a.shown.iter().flatten() {
                *cells.entry(s).or_default() += 1;
                *schools.entry(&s.school).or_default() += 1;
                *countries_n.entry(&s.country).or_default() += 1;
                *roles_n.entry((&s.country, &s.role)).or_default() += 1;
                *languages_n.entry((&s.school, &s.language)).or_default() += 1;
            }
            for (cell, n) in &cells {
                prop_assert!(*n >= k, "{:?} has {} < {}", cell, n, k);
            }
            // sums of cells of at least k are at least k: each single dimension too
            prop_assert!(schools
                .values()
                .chain(countries_n.values())
                .chain(roles_n.values())
                .chain(languages_n.values())
                .all(|n| *n >= k));
            // a language is shown as answered or as "any"; in the order of the steps: "any" language
            // only with the year, "any" innovation only with "any" language
            for (s, p) in a.shown.iter().zip(&people) {
                if let Some(s) = s {
                    prop_assert!(s.language == p.language || s.language == ANY, "{:?}", s);
                    prop_assert!(s.language != ANY || s.period.len() == 4, "{:?}", s);
                    prop_assert!(s.innovation != ANY || s.language == ANY, "{:?}", s);
                }
            }
            // only the last, fully merged groups under k are left out: per version and year
            let mut left_out: HashMap<(i64, String), usize> = HashMap::new();
            for (s, p) in a.shown.iter().zip(&people) {
                if s.is_none() {
                    *left_out.entry((p.version, p.month[..4].to_string())).or_default() += 1;
                }
            }
            prop_assert!(left_out.values().all(|n| *n < k), "{:?} left out", left_out);
            // the report counts exactly the respondents shown otherwise than they are
            let touched: usize = a.report.iter().map(|(_, n)| n).sum();
            let changed = a
                .shown
                .iter()
                .zip(&people)
                .filter(|(s, p)| s.as_ref() != show(p, Step::Exact).as_ref())
                .count();
            prop_assert_eq!(touched, changed);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn no_identifying_group_is_under_k(
            people in proptest::collection::vec((0..4u32, proptest::option::of(0..6u32)), 1..80),
            k in 2..7usize,
        ) {
            let out = withhold_identifying(&people, k);
            let mut cells: HashMap<u32, usize> = HashMap::new();
            let mut shown: HashMap<(u32, Option<u32>), usize> = HashMap::new();
            for ((cell, t), w) in people.iter().zip(&out) {
                *cells.entry(*cell).or_default() += 1;
                *shown.entry((*cell, if *w { None } else { *t })).or_default() += 1;
                prop_assert!(!(*w && t.is_none()));
            }
            for ((cell, t), n) in &shown {
                // only cells that are themselves big enough are promised anything
                if cells[cell] >= k {
                    prop_assert!(*n >= k, "cell {} tuple {:?}: {} < {}", cell, t, n, k);
                }
            }
        }
    }
}
