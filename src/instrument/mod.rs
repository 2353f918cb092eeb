//! Instruments as data: the types of an instrument file, their validation, and the validation of
//! one answer against its item. Everything here is pure and shared by server and browser.
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

#[cfg(feature = "parser")]
pub mod parse;
#[cfg(feature = "ssr")]
pub mod store;
pub mod translate;

mod answer_error;
pub use answer_error::AnswerError;

pub const NOT_APPLICABLE: &str = "na";
pub const MAX_SHORT_TEXT: usize = 500;
pub const MAX_LONG_TEXT: usize = 5000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    pub id: String,
    pub title: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub scales: BTreeMap<String, Scale>,
    pub categories: Vec<Category>,
    /// In a translation: some of its own texts are still the source language's (shown so).
    #[serde(skip)]
    pub untranslated: bool,
}

fn default_language() -> String {
    "en".into()
}

/// A named answer scale: values 1..=labels.len(), plus an optional "not applicable" option.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub labels: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<String>,
    /// In a translation: some of its own texts are still the source language's (shown so).
    #[serde(skip)]
    pub untranslated: bool,
}

impl Scale {
    pub fn max(&self) -> i64 {
        self.labels.len() as i64
    }
    pub fn label(&self, value: i64) -> Option<&str> {
        usize::try_from(value - 1)
            .ok()
            .and_then(|i| self.labels.get(i))
            .map(String::as_str)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub title: String,
    pub purpose: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reflection_prompt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scored: Option<bool>,
    pub subcategories: Vec<Subcategory>,
    /// In a translation: some of its own texts are still the source language's (shown so).
    #[serde(skip)]
    pub untranslated: bool,
}

impl Category {
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.subcategories.iter().flat_map(|s| s.items.iter())
    }
    /// Scored categories take part in the profile: by default those with Likert items.
    pub fn is_scored(&self) -> bool {
        self.scored
            .unwrap_or_else(|| self.items().any(|i| i.kind == ItemType::Likert))
    }
    /// The scale of the category's statements: its first Likert item's.
    pub fn scale_id(&self) -> Option<&str> {
        self.items()
            .find(|i| i.kind == ItemType::Likert)
            .and_then(|i| i.scale.as_deref())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subcategory {
    pub id: String,
    pub title: String,
    pub items: Vec<Item>,
    /// In a translation: some of its own texts are still the source language's (shown so).
    #[serde(skip)]
    pub untranslated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemType {
    Likert,
    SingleChoice,
    MultipleChoice,
    Number,
    ShortText,
    LongText,
    OneWord,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub value: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: ItemType,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_choices: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integer: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// The answer describes the respondent (their country, type of school, years in the role):
    /// research exports treat it as a quasi-identifier and leave it out where it would single
    /// anyone out.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub identifying: bool,
    /// In a translation: some of its own texts are still the source language's (shown so).
    #[serde(skip)]
    pub untranslated: bool,
}

impl Item {
    /// The longest text accepted for a text item, in characters.
    pub fn text_limit(&self) -> usize {
        let default = match self.kind {
            ItemType::ShortText => 200,
            ItemType::LongText => 2000,
            ItemType::OneWord => 40,
            _ => 0,
        };
        self.max_length.unwrap_or(default)
    }
}

/// An answer in the form it is stored: a canonical text value and, for Likert items, its score
/// (`None` for "not applicable").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredAnswer {
    pub value: String,
    pub score: Option<i64>,
}

/// What a raw answer means once checked against its item.
#[derive(Debug, Clone, PartialEq)]
pub enum ParsedAnswer {
    Store(StoredAnswer),
    /// An empty optional answer: remove any earlier answer.
    Clear,
}

/// How a scale reads in one line: "1 = Not important … 5 = Very important" (empty without labels).
pub fn scale_span(labels: &[String]) -> String {
    match (labels.first(), labels.last()) {
        (Some(a), Some(b)) => format!("1 = {a} … {} = {b}", labels.len()),
        _ => String::new(),
    }
}

impl Instrument {
    /// The scale categories are ranked on ("needs most work"): the one most scored categories
    /// use, the first such on a tie. Categories on another scale (importance beside agreement)
    /// are shown but never compared with these.
    pub fn ranking_scale(&self) -> Option<&str> {
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for s in self
            .categories
            .iter()
            .filter(|c| c.is_scored())
            .filter_map(Category::scale_id)
        {
            match counts.iter_mut().find(|(k, _)| *k == s) {
                Some((_, n)) => *n += 1,
                None => counts.push((s, 1)),
            }
        }
        let mut best: Option<(&str, usize)> = None;
        for (k, n) in counts {
            if best.is_none_or(|(_, b)| n > b) {
                best = Some((k, n));
            }
        }
        best.map(|(k, _)| k)
    }

    pub fn scale(&self, item: &Item) -> Option<&Scale> {
        item.scale.as_ref().and_then(|s| self.scales.get(s))
    }

    pub fn find_item(&self, item_id: &str) -> Option<(usize, &Item)> {
        self.categories
            .iter()
            .enumerate()
            .find_map(|(ci, c)| c.items().find(|i| i.id == item_id).map(|i| (ci, i)))
    }

    /// Checks one raw answer (as sent by a form) against its item. Multiple choice answers are
    /// option values joined by commas. Returns a message a respondent can read on error.
    pub fn parse_answer(&self, item: &Item, raw: &str) -> Result<ParsedAnswer, AnswerError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(ParsedAnswer::Clear);
        }
        let store = |value: String, score: Option<i64>| {
            Ok(ParsedAnswer::Store(StoredAnswer { value, score }))
        };
        match item.kind {
            ItemType::Likert => {
                let scale = self.scale(item).ok_or(AnswerError::NoScale)?;
                if raw == NOT_APPLICABLE && scale.not_applicable.is_some() {
                    return store(NOT_APPLICABLE.into(), None);
                }
                match raw.parse::<i64>() {
                    Ok(v) if (1..=scale.max()).contains(&v) => store(v.to_string(), Some(v)),
                    _ => Err(AnswerError::NotOnScale {
                        typed: raw.to_string(),
                        max: scale.max(),
                        not_applicable: scale.not_applicable.is_some(),
                    }),
                }
            }
            ItemType::SingleChoice => {
                if item.options.iter().any(|o| o.value == raw) {
                    store(raw.into(), None)
                } else {
                    Err(AnswerError::NotAnOption {
                        typed: raw.to_string(),
                    })
                }
            }
            ItemType::MultipleChoice => {
                let mut chosen: Vec<&str> = Vec::new();
                for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    if !item.options.iter().any(|o| o.value == part) {
                        return Err(AnswerError::NotAnOption {
                            typed: part.to_string(),
                        });
                    }
                    if !chosen.contains(&part) {
                        chosen.push(part);
                    }
                }
                if let Some(max) = item.max_choices
                    && chosen.len() > max
                {
                    return Err(AnswerError::TooManyChoices { max });
                }
                // canonical order: the order of the options in the instrument
                let canonical: Vec<&str> = item
                    .options
                    .iter()
                    .map(|o| o.value.as_str())
                    .filter(|v| chosen.contains(v))
                    .collect();
                if canonical.is_empty() {
                    return Ok(ParsedAnswer::Clear);
                }
                store(canonical.join(","), None)
            }
            ItemType::Number => {
                let v: f64 = raw
                    .replace(',', ".")
                    .parse()
                    .ok()
                    .filter(|v: &f64| v.is_finite())
                    .ok_or_else(|| AnswerError::NotANumber {
                        typed: raw.to_string(),
                    })?;
                if item.integer.unwrap_or(true) && v.fract() != 0.0 {
                    return Err(AnswerError::NotWhole);
                }
                if let Some(min) = item.min
                    && v < min
                {
                    return Err(AnswerError::BelowMin { min });
                }
                if let Some(max) = item.max
                    && v > max
                {
                    return Err(AnswerError::AboveMax { max });
                }
                store(format_number(v), None)
            }
            ItemType::ShortText | ItemType::LongText | ItemType::OneWord => {
                let limit = item.text_limit();
                let len = raw.chars().count();
                if len > limit {
                    return Err(AnswerError::TooLong { len, limit });
                }
                if raw
                    .chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
                {
                    return Err(AnswerError::Characters);
                }
                if item.kind == ItemType::OneWord {
                    if raw.split_whitespace().count() > 1 {
                        return Err(AnswerError::OneWord);
                    }
                    return store(raw.to_string(), None);
                }
                store(raw.replace("\r\n", "\n"), None)
            }
        }
    }

    /// A human-readable form of a stored answer value.
    pub fn answer_label(&self, item: &Item, value: &str) -> String {
        match item.kind {
            ItemType::Likert => {
                let scale = self.scale(item);
                if value == NOT_APPLICABLE {
                    return scale
                        .and_then(|s| s.not_applicable.clone())
                        .unwrap_or_else(|| "Not applicable".into());
                }
                value
                    .parse()
                    .ok()
                    .and_then(|v| scale.and_then(|s| s.label(v)))
                    .map(|l| format!("{value} – {l}"))
                    .unwrap_or_else(|| value.to_string())
            }
            ItemType::SingleChoice | ItemType::MultipleChoice => value
                .split(',')
                .map(|v| {
                    item.options
                        .iter()
                        .find(|o| o.value == v)
                        .map(|o| o.label.clone())
                        .unwrap_or_else(|| v.to_string())
                })
                .collect::<Vec<_>>()
                .join(", "),
            _ => value.to_string(),
        }
    }
}

#[cfg(feature = "ssr")]
fn shorten(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}

fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// One problem found in an instrument file, with the path to where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub reason: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

fn valid_id(id: &str, dashes: bool) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || (dashes && c == '-')
        })
}

/// Checks everything the TOML types cannot: ids, references, scales, limits. Returns every problem
/// found (empty = valid).
pub fn validate(inst: &Instrument) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut err = |path: String, reason: String| problems.push(Problem { path, reason });
    if !valid_id(&inst.id, true) {
        err(
            "id".into(),
            format!(
                "“{}” must be lower-case letters, digits, '-' or '_'",
                inst.id
            ),
        );
    }
    if inst.title.trim().is_empty() {
        err("title".into(), "must not be empty".into());
    }
    for (name, scale) in &inst.scales {
        let path = format!("scales.{name}");
        if !valid_id(name, false) {
            err(
                path.clone(),
                "scale ids must be lower-case letters, digits or '_'".into(),
            );
        }
        if !(2..=11).contains(&scale.labels.len()) {
            err(
                format!("{path}.labels"),
                format!("a scale needs 2 to 11 labels, found {}", scale.labels.len()),
            );
        }
        if scale.labels.iter().any(|l| l.trim().is_empty()) {
            err(format!("{path}.labels"), "labels must not be empty".into());
        }
    }
    if inst.categories.is_empty() {
        err(
            "categories".into(),
            "an instrument needs at least one category".into(),
        );
    }
    let mut ids: HashSet<&str> = HashSet::new();
    for (ci, cat) in inst.categories.iter().enumerate() {
        let cpath = format!("categories[{ci}]");
        if !valid_id(&cat.id, false) {
            err(
                format!("{cpath}.id"),
                format!("“{}” must be lower-case letters, digits or '_'", cat.id),
            );
        }
        if !ids.insert(&cat.id) {
            err(
                format!("{cpath}.id"),
                format!("id “{}” is used twice", cat.id),
            );
        }
        if cat.title.trim().is_empty() {
            err(format!("{cpath}.title"), "must not be empty".into());
        }
        if cat.subcategories.is_empty() {
            err(
                format!("{cpath}.subcategories"),
                "a category needs at least one subcategory".into(),
            );
        }
        for (si, sub) in cat.subcategories.iter().enumerate() {
            let spath = format!("{cpath}.subcategories[{si}]");
            if !valid_id(&sub.id, false) {
                err(
                    format!("{spath}.id"),
                    format!("“{}” must be lower-case letters, digits or '_'", sub.id),
                );
            }
            if !ids.insert(&sub.id) {
                err(
                    format!("{spath}.id"),
                    format!("id “{}” is used twice", sub.id),
                );
            }
            if sub.items.is_empty() {
                err(
                    format!("{spath}.items"),
                    "a subcategory needs at least one item".into(),
                );
            }
            for (ii, item) in sub.items.iter().enumerate() {
                let ipath = format!("{spath}.items[{ii}]");
                if !valid_id(&item.id, false) {
                    err(
                        format!("{ipath}.id"),
                        format!("“{}” must be lower-case letters, digits or '_'", item.id),
                    );
                }
                if !ids.insert(&item.id) {
                    err(
                        format!("{ipath}.id"),
                        format!("id “{}” is used twice", item.id),
                    );
                }
                if item.text.trim().is_empty() {
                    err(format!("{ipath}.text"), "must not be empty".into());
                }
                let choice = matches!(item.kind, ItemType::SingleChoice | ItemType::MultipleChoice);
                let text = matches!(
                    item.kind,
                    ItemType::ShortText | ItemType::LongText | ItemType::OneWord
                );
                match (item.kind, &item.scale) {
                    (ItemType::Likert, None) => err(
                        format!("{ipath}.scale"),
                        "a likert item needs a scale".into(),
                    ),
                    (ItemType::Likert, Some(s)) if !inst.scales.contains_key(s) => {
                        err(format!("{ipath}.scale"), format!("unknown scale “{s}”"))
                    }
                    (ItemType::Likert, Some(_)) => {}
                    (_, Some(_)) => err(
                        format!("{ipath}.scale"),
                        "only likert items take a scale".into(),
                    ),
                    (_, None) => {}
                }
                if choice {
                    if item.options.len() < 2 {
                        err(
                            format!("{ipath}.options"),
                            "a choice item needs at least two options".into(),
                        );
                    }
                    let mut seen = HashSet::new();
                    for (oi, o) in item.options.iter().enumerate() {
                        if !valid_id(&o.value, false) {
                            err(
                                format!("{ipath}.options[{oi}].value"),
                                format!("“{}” must be lower-case letters, digits or '_'", o.value),
                            );
                        }
                        if !seen.insert(&o.value) {
                            err(
                                format!("{ipath}.options[{oi}].value"),
                                format!("option “{}” is used twice", o.value),
                            );
                        }
                    }
                } else if !item.options.is_empty() {
                    err(
                        format!("{ipath}.options"),
                        "only choice items take options".into(),
                    );
                }
                if let Some(m) = item.max_choices
                    && (item.kind != ItemType::MultipleChoice || m == 0 || m > item.options.len())
                {
                    err(
                        format!("{ipath}.max_choices"),
                        "max_choices is for multiple choice, between 1 and the number of options"
                            .into(),
                    );
                }
                if item.kind != ItemType::Number
                    && (item.min.is_some()
                        || item.max.is_some()
                        || item.integer.is_some()
                        || item.unit.is_some())
                {
                    err(
                        ipath.clone(),
                        "min, max, integer and unit are for number items".into(),
                    );
                }
                for (name, bound) in [("min", item.min), ("max", item.max)] {
                    if bound.is_some_and(|v| !v.is_finite()) {
                        // nan or inf: no answer compares sensibly with it, and JSON (the stored
                        // version) cannot hold it
                        err(
                            format!("{ipath}.{name}"),
                            format!("{name} must be a finite number"),
                        );
                    }
                }
                if let (Some(a), Some(b)) = (item.min, item.max)
                    && a > b
                {
                    err(format!("{ipath}.min"), "min is larger than max".into());
                }
                if let Some(len) = item.max_length {
                    let cap = match item.kind {
                        ItemType::ShortText => MAX_SHORT_TEXT,
                        ItemType::LongText => MAX_LONG_TEXT,
                        ItemType::OneWord => 60,
                        _ => 0,
                    };
                    if !text || len == 0 || len > cap {
                        err(
                            format!("{ipath}.max_length"),
                            format!("max_length is for text items, between 1 and {cap}"),
                        );
                    }
                }
            }
        }
    }
    problems
}

#[cfg(test)]
#[cfg(feature = "ssr")]
mod tests {
    use super::*;

    fn sample() -> Instrument {
        toml::from_str(
            r#"
id = "t"
title = "T"
description = "d"
[scales.agree5]
labels = ["a","b","c","d","e"]
not_applicable = "NA"
[[categories]]
id = "c1"
title = "C1"
purpose = "p"
[[categories.subcategories]]
id = "s1"
title = "S1"
[[categories.subcategories.items]]
id = "i1"
type = "likert"
scale = "agree5"
text = "x"
[[categories.subcategories.items]]
id = "i2"
type = "multiple_choice"
text = "m"
max_choices = 2
options = [{value="a",label="A"},{value="b",label="B"},{value="c",label="C"}]
[[categories.subcategories.items]]
id = "i3"
type = "number"
text = "n"
min = 0
max = 50
[[categories.subcategories.items]]
id = "i4"
type = "one_word"
text = "w"
"#,
        )
        .unwrap()
    }

    #[test]
    fn shipped_instruments_are_valid() {
        for f in ["leadership-reflection.toml", "networking-baseline.toml"] {
            let text =
                std::fs::read_to_string(format!("{}/instruments/{f}", env!("CARGO_MANIFEST_DIR")))
                    .unwrap();
            let inst: Instrument = toml::from_str(&text).unwrap();
            assert_eq!(validate(&inst), vec![], "{f}");
        }
    }

    #[test]
    fn sample_is_valid() {
        assert!(validate(&sample()).is_empty());
    }

    #[test]
    fn duplicate_ids_and_unknown_scale_are_reported_with_path() {
        let mut inst = sample();
        inst.categories[0].subcategories[0].items[1].id = "i1".into();
        inst.categories[0].subcategories[0].items[0].scale = Some("nope".into());
        let problems = validate(&inst);
        assert!(
            problems
                .iter()
                .any(|p| p.path == "categories[0].subcategories[0].items[1].id"
                    && p.reason.contains("used twice"))
        );
        assert!(problems.iter().any(
            |p| p.path == "categories[0].subcategories[0].items[0].scale"
                && p.reason.contains("unknown scale")
        ));
    }

    #[test]
    fn choice_without_options_and_bad_ids_are_rejected() {
        let mut inst = sample();
        inst.categories[0].subcategories[0].items[1]
            .options
            .truncate(1);
        inst.categories[0].id = "Bad Id".into();
        let problems = validate(&inst);
        assert!(
            problems
                .iter()
                .any(|p| p.path.ends_with("items[1].options"))
        );
        assert!(problems.iter().any(|p| p.path == "categories[0].id"));
    }

    #[test]
    fn number_bounds_must_be_finite() {
        // TOML allows `min = nan` and `max = inf`; neither compares with an answer nor survives
        // the JSON the versions are stored as
        let mut inst = sample();
        inst.categories[0].subcategories[0].items[2].min = Some(f64::NAN);
        inst.categories[0].subcategories[0].items[2].max = Some(f64::INFINITY);
        let problems = validate(&inst);
        assert!(
            problems
                .iter()
                .any(|p| p.path.ends_with("items[2].min") && p.reason.contains("finite"))
        );
        assert!(problems.iter().any(|p| p.path.ends_with("items[2].max")));
        assert!(validate(&sample()).is_empty());
    }

    #[test]
    fn unknown_fields_are_a_parse_error() {
        let err = toml::from_str::<Instrument>(
            "id='x'\ntitle='t'\ndescription='d'\ncategories=[]\ncolour='red'\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("colour"), "{err}");
    }

    #[test]
    fn likert_answers_are_checked_against_the_scale() {
        let inst = sample();
        let item = &inst.categories[0].subcategories[0].items[0];
        assert_eq!(
            inst.parse_answer(item, "4"),
            Ok(ParsedAnswer::Store(StoredAnswer {
                value: "4".into(),
                score: Some(4)
            }))
        );
        assert_eq!(
            inst.parse_answer(item, "na"),
            Ok(ParsedAnswer::Store(StoredAnswer {
                value: "na".into(),
                score: None
            }))
        );
        assert!(inst.parse_answer(item, "6").is_err());
        assert!(inst.parse_answer(item, "0").is_err());
        assert!(inst.parse_answer(item, "abc").is_err());
        assert_eq!(inst.parse_answer(item, " "), Ok(ParsedAnswer::Clear));
    }

    #[test]
    fn multiple_choice_is_canonical_and_limited() {
        let inst = sample();
        let item = &inst.categories[0].subcategories[0].items[1];
        assert_eq!(
            inst.parse_answer(item, "b,a,b"),
            Ok(ParsedAnswer::Store(StoredAnswer {
                value: "a,b".into(),
                score: None
            }))
        );
        assert_eq!(
            inst.parse_answer(item, "a,b,c"),
            Err(AnswerError::TooManyChoices { max: 2 })
        );
        assert!(inst.parse_answer(item, "a,z").is_err());
    }

    #[test]
    fn numbers_and_words_are_checked() {
        let inst = sample();
        let num = &inst.categories[0].subcategories[0].items[2];
        assert!(inst.parse_answer(num, "51").is_err());
        assert!(inst.parse_answer(num, "2.5").is_err());
        assert!(inst.parse_answer(num, "NaN").is_err());
        assert_eq!(
            inst.parse_answer(num, "12"),
            Ok(ParsedAnswer::Store(StoredAnswer {
                value: "12".into(),
                score: None
            }))
        );
        let word = &inst.categories[0].subcategories[0].items[3];
        assert!(inst.parse_answer(word, "two words").is_err());
        assert!(
            inst.parse_answer(word, &"x".repeat(41)).unwrap_err()
                == AnswerError::TooLong { len: 41, limit: 40 }
        );
        assert!(inst.parse_answer(word, "trust").is_ok());
    }
}
