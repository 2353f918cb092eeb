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
    pub categories: Vec<(String, String)>,
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
}
