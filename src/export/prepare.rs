//! An export's respondents after the privacy rules, held compactly (an export may hold a hundred
//! thousand respondents): per respondent a pseudonym and a few numbers into a table of the
//! export's distinct values; then the answers walked one respondent at a time.
use super::anonymise::{OTHER, Person, Shown, Step, anonymise_counted, withhold_identifying};
use super::db::{self, Answered, ExportFilter};
use super::pseudonym::{Pseudonyms, shuffled};
use crate::instrument::ItemType;
use crate::server::AppState;
use std::collections::HashMap;

/// Written answers are exported (on request) only for respondents in a group of at least this
/// many: the exported country × school × role combination they are in.
pub const TEXT_MIN_GROUP: usize = 10;

/// Written answers (short and long text, one word): free text can identify.
pub fn is_text(kind: ItemType) -> bool {
    matches!(
        kind,
        ItemType::ShortText | ItemType::LongText | ItemType::OneWord
    )
}

/// What an export did beyond showing everyone as they are, and why; counted per respondent in
/// [`Prepared::report`]. Its words, in any language, are the codebook's
/// (`codebook::suppression_text`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Suppression {
    /// Coarsened, or left out, by the group-size rules: the step their school got to.
    Coarsened(Step),
    /// Written answers left out: their exported group holds fewer than this many.
    WrittenAnswers(usize),
    /// Left out by the filters: what the filter asks for is exported coarser for them.
    Filtered,
    /// These answers describing the respondent (item ids) left out.
    Identifying(Vec<String>),
}

/// The export's distinct strings (schools, countries, roles, days, …), each held once.
#[derive(Default)]
pub struct Symbols {
    list: Vec<Box<str>>,
    index: HashMap<Box<str>, u32>,
}

impl Symbols {
    pub fn of(&mut self, s: &str) -> u32 {
        if let Some(i) = self.index.get(s) {
            return *i;
        }
        let i = u32::try_from(self.list.len()).unwrap_or(u32::MAX);
        self.list.push(s.into());
        self.index.insert(s.into(), i);
        i
    }

    pub fn get(&self, i: u32) -> &str {
        self.list.get(i as usize).map_or("", |s| s)
    }
}

/// A kept respondent: the pseudonym and the leading columns (as symbols).
pub struct Lead {
    pub pseudonym: Box<str>,
    pub version: i64,
    /// school, country, role, innovation, version, period, language — as the export shows them.
    pub columns: [u32; 7],
    /// Their written answers may be exported.
    pub text: bool,
    /// Their answers that describe them (items marked `identifying`) are left out.
    pub hide_identifying: bool,
}

/// Where an exported item sits.
#[derive(Debug, Clone)]
pub struct ItemPlace {
    pub version: i64,
    pub category: String,
    pub subcategory: String,
    pub text: bool,
    pub identifying: bool,
}

/// An export's respondents after the privacy rules, ready to write.
pub struct Prepared {
    pub filter: ExportFilter,
    /// Real reflection id → index into `leads`.
    pub index: HashMap<Box<str>, u32>,
    pub leads: Vec<Lead>,
    pub symbols: Symbols,
    /// Per exported item id, its place in each version that has it.
    pub items: HashMap<String, Vec<ItemPlace>>,
    pub versions: Vec<i64>,
    /// What was coarsened, left out or withheld, with how many respondents.
    pub report: Vec<(Suppression, usize)>,
    pub k: usize,
}

impl Prepared {
    /// The place of `item` in `version` if the export carries it for this respondent.
    pub fn place(&self, lead: &Lead, item: &str) -> Option<&ItemPlace> {
        self.items.get(item)?.iter().find(|p| {
            p.version == lead.version
                && (!p.text || lead.text)
                && (!p.identifying || !lead.hide_identifying)
        })
    }

    /// The nine leading columns of a respondent's rows (`service::LONG_COLUMNS`).
    pub fn lead_columns<'a>(&'a self, lead: &'a Lead) -> [&'a str; 9] {
        let c = |i: usize| self.symbols.get(lead.columns[i]);
        [
            &lead.pseudonym,
            c(0),
            c(1),
            c(2),
            c(3),
            &self.filter.instrument,
            c(4),
            c(5),
            c(6),
        ]
    }

    /// Walks `answers` one kept respondent at a time.
    pub fn walk<S>(&self, answers: S) -> Walk<'_, S>
    where
        S: futures::Stream<Item = Result<Vec<Answered>, sqlx::Error>>,
    {
        Walk {
            prep: self,
            answers: Box::pin(answers),
            batch: Vec::new().into_iter(),
            ended: false,
            seen: vec![false; self.leads.len()],
            rest: 0,
        }
    }
}

/// An answer the export carries: item id, value, and where the item sits.
pub type Carried<'p> = (String, String, &'p ItemPlace);

/// Every kept respondent with the answers the export carries for them ((item id, value, where
/// the item sits) by item id), in the answers' order, then those without any answer.
pub struct Walk<'p, S> {
    prep: &'p Prepared,
    answers: std::pin::Pin<Box<S>>,
    batch: std::vec::IntoIter<Answered>,
    ended: bool,
    seen: Vec<bool>,
    /// Where the pass over respondents without answers has got to.
    rest: usize,
}

impl<'p, S> Walk<'p, S>
where
    S: futures::Stream<Item = Result<Vec<Answered>, sqlx::Error>>,
{
    pub async fn next(&mut self) -> Result<Option<(&'p Lead, Vec<Carried<'p>>)>, sqlx::Error> {
        use futures::StreamExt;
        let prep = self.prep;
        loop {
            let Some(Answered {
                reflection,
                answers,
            }) = self.batch.next()
            else {
                if !self.ended {
                    match self.answers.next().await {
                        Some(batch) => self.batch = batch?.into_iter(),
                        None => self.ended = true,
                    }
                    continue;
                }
                // then those without answers
                while self.rest < prep.leads.len() {
                    self.rest += 1;
                    if !self.seen[self.rest - 1] {
                        return Ok(Some((&prep.leads[self.rest - 1], Vec::new())));
                    }
                }
                return Ok(None);
            };
            let Some(&i) = prep.index.get(reflection.as_str()) else {
                continue; // left out by the group-size rules
            };
            let lead = &prep.leads[i as usize];
            self.seen[i as usize] = true;
            let carried = answers
                .into_iter()
                .filter_map(|(item, value)| prep.place(lead, &item).map(|p| (item, value, p)))
                .collect();
            return Ok(Some((lead, carried)));
        }
    }
}

/// Reads the filter's respondents, applies the group-size rules, hands out pseudonyms and
/// decides whose written answers may go out.
pub async fn prepare(state: &AppState, f: ExportFilter) -> Result<Prepared, sqlx::Error> {
    struct Pending {
        id: Box<str>,
        tuple: u32,
        version: i64,
        network: Option<Box<str>>,
    }
    // The group-size rules run over everyone of the questionnaire (finished, or unfinished too when
    // asked for); every filter then picks respondents by what the export shows of them (country,
    // school, role, innovation, language, version, period). So every export is a set of rows of
    // one anonymised whole: a filter that the whole shows coarser (a small school as "other", a
    // headteacher as "leaders", a month as its year, a lone Swedish speaker's language as "any")
    // selects nobody there, and two exports joined on their answers show nothing a single export
    // does not.
    let base = ExportFilter {
        instrument: f.instrument.clone(),
        unfinished: f.unfinished,
        ..Default::default()
    };
    let mut symbols = Symbols::default();
    let mut tuples: Vec<(Person, usize)> = Vec::new();
    let mut tuple_index: HashMap<Person, u32> = HashMap::new();
    let mut pending: Vec<Pending> = Vec::new();
    db::each_respondent(&state.db.pool, &base, |r| {
        let person = Person {
            country: r.country,
            school: r.school_id,
            role: r.role,
            innovation: r.innovation,
            version: r.instrument_version,
            month: r.day.chars().take(7).collect(),
            language: r.language,
        };
        let tuple = match tuple_index.get(&person) {
            Some(t) => *t,
            None => {
                let t = u32::try_from(tuples.len()).unwrap_or(u32::MAX);
                tuples.push((person.clone(), 0));
                tuple_index.insert(person, t);
                t
            }
        };
        tuples[tuple as usize].1 += 1;
        pending.push(Pending {
            id: r.id.into(),
            tuple,
            version: r.instrument_version,
            network: r.network_id.map(Into::into),
        });
    })
    .await?;
    drop(tuple_index);

    let k = usize::try_from(state.config.min_group_size).unwrap_or(5);
    let (shown, steps) = anonymise_counted(&tuples, k);
    let mut report: Vec<(Suppression, usize)> = steps
        .into_iter()
        .map(|(step, n)| (Suppression::Coarsened(step), n))
        .collect();
    // written answers: only from exported groups of at least TEXT_MIN_GROUP
    let mut cells: HashMap<&Shown, usize> = HashMap::new();
    for (s, (_, n)) in shown.iter().zip(&tuples) {
        if let Some(s) = s {
            *cells.entry(s).or_default() += n;
        }
    }
    let text_ok: Vec<bool> = shown
        .iter()
        .map(|s| {
            f.text
                && s.as_ref()
                    .is_some_and(|s| cells[s] >= TEXT_MIN_GROUP.max(k))
        })
        .collect();
    if f.text {
        let withheld: usize = shown
            .iter()
            .zip(&tuples)
            .zip(&text_ok)
            .filter(|((s, _), ok)| s.is_some() && !**ok)
            .map(|((_, (_, n)), _)| n)
            .sum();
        if withheld > 0 {
            report.push((Suppression::WrittenAnswers(TEXT_MIN_GROUP.max(k)), withheld));
        }
    }
    let schools = Pseudonyms::new(
        "S",
        shown
            .iter()
            .flatten()
            .map(|s| s.school.as_str())
            .filter(|s| *s != OTHER),
    );
    // per tuple: the shown school (pseudonymised), country, role, innovation, version, period and
    // language as symbols
    let shown_columns: Vec<Option<[u32; 7]>> = shown
        .iter()
        .map(|s| {
            s.as_ref().map(|s| {
                [
                    symbols.of(schools.of(&s.school).unwrap_or(OTHER)),
                    symbols.of(&s.country),
                    symbols.of(&s.role),
                    symbols.of(&s.innovation),
                    symbols.of(&s.version.to_string()),
                    symbols.of(&s.period),
                    symbols.of(&s.language),
                ]
            })
        })
        .collect();
    // the filters on what the export shows
    let selected = |p: &Pending| -> bool {
        let Some(s) = &shown[p.tuple as usize] else {
            return false;
        };
        f.country.as_ref().is_none_or(|c| s.country == *c)
            && f.school.as_ref().is_none_or(|x| s.school == *x)
            && f.role.as_ref().is_none_or(|r| s.role == *r)
            && f.innovation.as_ref().is_none_or(|i| s.innovation == *i)
            && f.language.as_ref().is_none_or(|l| s.language == *l)
            && f.version.is_none_or(|v| s.version == v)
            && period_within(&s.period, f.from.as_deref(), f.to.as_deref())
            && f.network
                .as_ref()
                .is_none_or(|n| s.school != OTHER && p.network.as_deref() == Some(n.as_str()))
    };
    let coarser = pending
        .iter()
        .filter(|p| {
            shown[p.tuple as usize].is_some()
                && !selected(p)
                && raw_match(&f, &tuples[p.tuple as usize].0, p.network.as_deref())
        })
        .count();
    if coarser > 0 {
        report.push((Suppression::Filtered, coarser));
    }
    let kept = pending.iter().filter(|p| selected(p)).count();
    let mut pseudonyms = shuffled("R", kept).into_iter();
    let mut index = HashMap::with_capacity(kept);
    let mut leads = Vec::with_capacity(kept);
    let mut versions: Vec<i64> = Vec::new();
    for p in pending {
        if !selected(&p) {
            continue;
        }
        let Some(columns) = shown_columns[p.tuple as usize] else {
            continue;
        };
        if !versions.contains(&p.version) {
            versions.push(p.version);
        }
        index.insert(p.id, u32::try_from(leads.len()).unwrap_or(u32::MAX));
        leads.push(Lead {
            pseudonym: pseudonyms.next().unwrap_or_default().into(),
            version: p.version,
            columns,
            text: text_ok[p.tuple as usize],
            hide_identifying: false,
        });
    }
    versions.sort_unstable();
    let mut items: HashMap<String, Vec<ItemPlace>> = HashMap::new();
    for &v in &versions {
        if let Some(inst) = state.instruments.get(&f.instrument, v) {
            for c in &inst.categories {
                for s in &c.subcategories {
                    for i in &s.items {
                        let text = is_text(i.kind);
                        if text && !f.text {
                            continue;
                        }
                        items.entry(i.id.clone()).or_default().push(ItemPlace {
                            version: v,
                            category: c.id.clone(),
                            subcategory: s.id.clone(),
                            text,
                            identifying: false,
                        });
                    }
                }
            }
        }
    }
    // answers that describe the respondent: marked in any version of the questionnaire
    let mut identifying: Vec<String> = Vec::new();
    let latest = state.instruments.latest(&f.instrument).map(|l| l.version);
    for v in versions.iter().copied().chain(latest) {
        if let Some(inst) = state.instruments.get(&f.instrument, v) {
            for i in inst.categories.iter().flat_map(|c| c.items()) {
                if i.identifying && !identifying.contains(&i.id) {
                    identifying.push(i.id.clone());
                }
            }
        }
    }
    for (id, places) in items.iter_mut() {
        for p in places {
            p.identifying = identifying.contains(id);
        }
    }
    let hidden = hide_identifying(state, &f, &identifying, &index, &mut leads, k).await?;
    if hidden > 0 {
        report.push((Suppression::Identifying(identifying.clone()), hidden));
    }
    Ok(Prepared {
        filter: f,
        index,
        leads,
        symbols,
        items,
        versions,
        report,
        k,
    })
}

/// The first and last day of a period ("YYYY-MM" or "YYYY"), as YYYY-MM-DD.
fn period_days(period: &str) -> (String, String) {
    if period.len() == 4 {
        return (format!("{period}-01-01"), format!("{period}-12-31"));
    }
    let year: i32 = period.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
    let month: u8 = period.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    let last = time::Month::try_from(month)
        .map(|m| m.length(year))
        .unwrap_or(31);
    (format!("{period}-01"), format!("{period}-{last:02}"))
}

/// Whether a shown period lies wholly within the filter's days (inclusive, YYYY-MM-DD).
fn period_within(period: &str, from: Option<&str>, to: Option<&str>) -> bool {
    let (first, last) = period_days(period);
    from.is_none_or(|d| first.as_str() >= d) && to.is_none_or(|d| last.as_str() <= d)
}

/// Whether a respondent's real country, school, network, role, innovation, language, version and
/// day match the filter (the day by their month: the export never holds the day).
fn raw_match(f: &ExportFilter, p: &Person, network: Option<&str>) -> bool {
    let (first, last) = period_days(&p.month);
    f.innovation.as_ref().is_none_or(|i| p.innovation == *i)
        && f.language.as_ref().is_none_or(|l| p.language == *l)
        && f.version.is_none_or(|v| p.version == v)
        && f.from.as_deref().is_none_or(|d| last.as_str() >= d)
        && f.to.as_deref().is_none_or(|d| first.as_str() <= d)
        && f.country
            .as_ref()
            .is_none_or(|c| p.country.as_ref() == Some(c))
        && f.school
            .as_ref()
            .is_none_or(|x| p.school.as_ref() == Some(x))
        && f.role.as_ref().is_none_or(|r| p.role == *r)
        && f.network
            .as_ref()
            .is_none_or(|n| network == Some(n.as_str()))
}

/// Marks the respondents whose identifying answers must stay out (see
/// [`withhold_identifying`]); how many.
async fn hide_identifying(
    state: &AppState,
    f: &ExportFilter,
    identifying: &[String],
    index: &HashMap<Box<str>, u32>,
    leads: &mut [Lead],
    k: usize,
) -> Result<usize, sqlx::Error> {
    if identifying.is_empty() {
        return Ok(0);
    }
    let mut given: Vec<Vec<(String, String)>> = vec![Vec::new(); leads.len()];
    for (reflection, item, value) in db::identifying_answers(&state.db.pool, f, identifying).await?
    {
        if let Some(i) = index.get(reflection.as_str()) {
            given[*i as usize].push((item, value));
        }
    }
    let mut cells: HashMap<[u32; 7], u32> = HashMap::new();
    let mut tuples: HashMap<Vec<(String, String)>, u32> = HashMap::new();
    let people: Vec<(u32, Option<u32>)> = leads
        .iter()
        .zip(given)
        .map(|(lead, mut answers)| {
            let key = lead.columns;
            let next = cells.len() as u32;
            let cell = *cells.entry(key).or_insert(next);
            let tuple = (!answers.is_empty()).then(|| {
                answers.sort();
                let next = tuples.len() as u32;
                *tuples.entry(answers).or_insert(next)
            });
            (cell, tuple)
        })
        .collect();
    let hide = withhold_identifying(&people, k);
    let mut hidden = 0;
    for (lead, h) in leads.iter_mut().zip(hide) {
        lead.hide_identifying = h;
        hidden += usize::from(h);
    }
    Ok(hidden)
}
