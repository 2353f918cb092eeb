//! Types shared by the workshops' server functions and pages.
use serde::{Deserialize, Serialize};

pub const MAX_TITLE: usize = 120;
pub const MAX_WORD_PROMPT: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkshopStatus {
    Open,
    Closed,
}

impl WorkshopStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(Self::Open),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }
}

/// One workshop as its facilitator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workshop {
    pub id: String,
    pub title: String,
    pub instrument_id: String,
    pub instrument_title: String,
    /// (id, title) of the chosen categories, in the instrument's order.
    pub categories: Vec<(String, String)>,
    pub ask_poll: bool,
    pub word_prompt: Option<String>,
    /// 8 digits, stored without the space.
    pub code: String,
    pub status: WorkshopStatus,
    /// The address participants open (the QR code holds it).
    pub join_url: String,
    /// The QR code of `join_url`, as SVG made by the server.
    pub qr_svg: String,
}

/// What the facilitator can choose from when creating a workshop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstrumentChoice {
    pub id: String,
    pub title: String,
    pub categories: Vec<CategoryChoice>,
}

/// A category to choose, with its parts (subcategories) as ("category/subcategory", title).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryChoice {
    pub id: String,
    pub title: String,
    pub parts: Vec<(String, String)>,
}

pub use crate::values::part_key;

/// A workshop as a reflection made in it sees it (the questionnaire loads it with the
/// reflection): what it asks, and whether it is open.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomFrame {
    pub id: String,
    pub code: String,
    pub title: String,
    pub instrument_id: String,
    pub category_ids: Vec<String>,
    /// chosen "category/subcategory" ids (none: whole categories)
    pub part_ids: Vec<String>,
    pub ask_poll: bool,
    pub word_prompt: Option<String>,
    pub open: bool,
}

impl RoomFrame {
    /// The instrument as the workshop asks it: its categories, and of those the chosen parts.
    pub fn limit(&self, inst: &crate::instrument::Instrument) -> crate::instrument::Instrument {
        limit(inst, &self.category_ids, &self.part_ids)
    }
}

/// The instrument limited to the chosen categories and, within a category of which some parts
/// (subcategories) were chosen, to those parts. A category with no part chosen stays whole.
pub fn limit(
    inst: &crate::instrument::Instrument,
    categories: &[String],
    parts: &[String],
) -> crate::instrument::Instrument {
    let mut limited = inst.clone();
    limited.categories.retain(|c| categories.contains(&c.id));
    for c in &mut limited.categories {
        let chosen = |s: &crate::instrument::Subcategory| parts.contains(&part_key(&c.id, &s.id));
        if c.subcategories.iter().any(chosen) {
            let keep: Vec<_> = c
                .subcategories
                .iter()
                .filter(|s| chosen(s))
                .cloned()
                .collect();
            c.subcategories = keep;
        }
    }
    limited
}

/// The facilitator's page: their workshops and the choices for a new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkshopList {
    pub workshops: Vec<(String, String, String, WorkshopStatus)>,
    pub instruments: Vec<InstrumentChoice>,
}

/// The longest one-word answer, in characters.
pub const MAX_WORD: usize = 40;

/// The room's questions for one participant, with their answers so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomQuestions {
    pub workshop_title: String,
    /// (category id, title) to choose from; empty when the workshop asks no poll.
    pub poll_options: Vec<(String, String)>,
    pub word_prompt: Option<String>,
    pub poll_answer: Option<String>,
    pub word_answer: Option<String>,
    pub open: bool,
}

/// A one-word answer as stored: trimmed and lower case; `Ok(None)` when empty.
pub fn normalise_word(raw: &str) -> Result<Option<String>, String> {
    let w = raw.trim().to_lowercase();
    if w.is_empty() {
        return Ok(None);
    }
    if w.chars().any(char::is_whitespace) {
        return Err("Give one word only.".into());
    }
    if w.chars().count() > MAX_WORD {
        return Err(format!("A word has at most {MAX_WORD} characters."));
    }
    if !w.chars().any(char::is_alphanumeric) {
        return Err("A word needs at least one letter or digit.".into());
    }
    Ok(Some(w))
}

/// What a participant learns from a code: only an open workshop's title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinTarget {
    pub code: String,
    pub title: String,
    pub instrument_id: String,
}

/// Where the room's results stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoomStage {
    /// Fewer participants have answered than the live minimum group size.
    TooFew,
    /// Enough answers; the facilitator has not revealed them yet.
    Waiting,
    /// Revealed: the numbers show.
    Shown,
}

/// One chosen category in the room.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoomCategory {
    pub id: String,
    pub title: String,
    /// Participants with at least one scored answer in the category.
    pub respondents: i64,
    /// How many more participants this category needs before it shows (0 once it may).
    pub more_needed: i64,
    /// The mean of the participants' category means; `None` until shown.
    pub mean: Option<f64>,
    /// Its 95% interval over the participants; `None` until shown or for fewer than two.
    #[serde(default)]
    pub interval: Option<(f64, f64)>,
    /// Answers per scale point (1 = first label); empty until shown.
    pub distribution: Vec<i64>,
}

/// A word of the word cloud with the number of participants who gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordCount {
    pub word: String,
    pub count: i64,
}

/// The room's live results, as the presenter screens and the facilitator see them. Sent whole
/// with every update (it is small).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoomView {
    pub workshop_id: String,
    pub title: String,
    pub code: String,
    pub join_url: String,
    pub open: bool,
    /// Reflections started in the workshop.
    pub joined: i64,
    pub finished: i64,
    /// Participants with at least one scored answer.
    pub answered: i64,
    /// Scored answers in the room (counts up as answers arrive).
    pub answers: i64,
    /// The live minimum group size.
    pub k: i64,
    pub revealed: bool,
    pub stage: RoomStage,
    /// The scale's labels, lowest first.
    pub scale: Vec<String>,
    pub categories: Vec<RoomCategory>,
    pub ask_poll: bool,
    pub poll_answers: i64,
    /// (category title, votes) in the workshop's order; empty until shown.
    pub poll: Vec<(String, i64)>,
    pub word_prompt: Option<String>,
    pub word_answers: i64,
    /// Visible words, most frequent first; empty until shown.
    pub words: Vec<WordCount>,
    /// Words the facilitator has hidden (with their counts), for the facilitator's controls.
    pub hidden_words: Vec<WordCount>,
}

impl RoomView {
    /// How many more answering participants the room needs before it may show.
    pub fn more_needed(&self) -> i64 {
        (self.k - self.answered).max(0)
    }
}

/// Everyone's category means beside the room (same questionnaire version, the room's categories
/// in order), under the results pages' rules.
pub type RoomComparison = crate::results::model::GroupMeans;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_normalised_for_the_cloud() {
        assert_eq!(
            normalise_word("  Trust ").unwrap().as_deref(),
            Some("trust")
        );
        assert_eq!(normalise_word("").unwrap(), None);
        assert_eq!(
            normalise_word("co-creation").unwrap().as_deref(),
            Some("co-creation")
        );
        assert!(normalise_word("two words").is_err());
        assert!(normalise_word("---").is_err());
        assert!(normalise_word(&"x".repeat(MAX_WORD + 1)).is_err());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn workshops_limit_the_questionnaire_to_categories_and_parts() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/instruments/leadership-reflection.toml"
        ))
        .unwrap();
        let inst: crate::instrument::Instrument = toml::from_str(&text).unwrap();
        let cats: Vec<String> = inst.categories.iter().map(|c| c.id.clone()).collect();
        let first = &inst.categories[0];
        assert!(
            first.subcategories.len() >= 2,
            "the sample has parts to choose"
        );
        let part = part_key(&first.id, &first.subcategories[1].id);
        // one part of the first category; the second category whole
        let limited = limit(&inst, &cats[..2], std::slice::from_ref(&part));
        assert_eq!(limited.categories.len(), 2);
        assert_eq!(
            limited.categories[0]
                .subcategories
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>(),
            [first.subcategories[1].id.as_str()]
        );
        assert_eq!(limited.categories[1], inst.categories[1]);
        // parts of categories not chosen change nothing
        let limited = limit(&inst, &cats[1..2], &[part]);
        assert_eq!(limited.categories, vec![inst.categories[1].clone()]);
    }
}
