//! Types shared by the reflection's server functions and pages.
use super::scoring::Profile;
use crate::instrument::{Category, Scale};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

pub use crate::values::INNOVATIONS;

pub use crate::values::MAX_INNOVATION_DETAIL;
pub const MAX_ACTION_PLAN: usize = 2000;
pub const MAX_NOTE: usize = 2000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstrumentSummary {
    pub id: String,
    pub version: i64,
    pub title: String,
    pub description: String,
    pub notice: Option<String>,
    pub categories: Vec<String>,
    pub items: usize,
    /// In a translation: whose it is, and that it is not a validated version.
    pub translation_note: Option<String>,
    /// Some of its texts are still in the source language.
    pub untranslated: bool,
}

pub use crate::values::Status;

/// Everything a category page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryView {
    pub token: String,
    pub resume_url: String,
    pub instrument_title: String,
    /// 1-based position of this category and how many there are.
    pub index: usize,
    pub total: usize,
    pub category: Category,
    pub scales: BTreeMap<String, Scale>,
    /// item id → stored value
    pub answers: HashMap<String, String>,
    pub note: Option<String>,
    pub answered_items: usize,
    pub total_items: usize,
    pub status: Status,
}

/// What the island of a category page needs to save answers and move on. The heading, the
/// statements and the buttons are rendered on the server (the island's children), so no
/// instrument text goes to the browser twice and no code to draw them is in the WebAssembly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryFormData {
    pub token: String,
    pub resume_url: String,
    pub instrument_title: String,
    /// 1-based position of this category and how many there are.
    pub index: usize,
    pub total: usize,
    /// The page's item ids, in page order (answers are sent in this order).
    pub items: Vec<String>,
    /// item id → stored value, for the items of this page
    pub answers: HashMap<String, String>,
    pub answered_items: usize,
    pub total_items: usize,
    pub finished: bool,
}

impl From<&CategoryView> for CategoryFormData {
    fn from(view: &CategoryView) -> Self {
        let items: Vec<String> = view.category.items().map(|i| i.id.clone()).collect();
        let answers = items
            .iter()
            .filter_map(|id| view.answers.get(id).map(|v| (id.clone(), v.clone())))
            .collect();
        Self {
            token: view.token.clone(),
            resume_url: view.resume_url.clone(),
            instrument_title: view.instrument_title.clone(),
            index: view.index,
            total: view.total,
            items,
            answers,
            answered_items: view.answered_items,
            total_items: view.total_items,
            finished: view.status == Status::Finished,
        }
    }
}

/// One statement with the respondent's answer, for the weakest category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementAnswer {
    pub text: String,
    pub subcategory: String,
    pub answer: String,
    pub score: Option<i64>,
}

/// Everything the personal profile shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileView {
    pub token: String,
    pub resume_url: String,
    pub instrument_title: String,
    pub instrument_version: i64,
    /// The innovation's id (see `values::INNOVATIONS`); the page names it in its language.
    pub innovation: String,
    /// The respondent's own words for it, as typed.
    #[serde(default)]
    pub innovation_detail: Option<String>,
    pub status: Status,
    pub profile: Profile,
    pub scale_labels: Vec<String>,
    /// Categories on another scale than the ranking one: category id → "1 = … to 5 = …".
    #[serde(default)]
    pub other_scales: BTreeMap<String, String>,
    /// Titles of the weakest categories (more than one on a tie).
    pub weakest_titles: Vec<String>,
    pub weakest_statements: Vec<StatementAnswer>,
    pub action_plan: Option<String>,
    pub notes: Vec<(String, String)>,
    pub first_open_category: usize,
    /// The respondent's school and everyone who answered the same instrument version.
    pub comparisons: Vec<Comparison>,
    /// The earlier reflections this one retakes ("reflect again"), newest first.
    #[serde(default)]
    pub earlier: Vec<Earlier>,
    /// In a workshop: the room's questions (poll, one word).
    pub room: Option<crate::workshops::model::RoomQuestions>,
}

/// An earlier reflection of a retake chain, beside the profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Earlier {
    /// The day it was finished (YYYY-MM-DD).
    pub finished_on: String,
    /// Aligned with the profile's categories; `None` where it has no mean.
    pub means: Vec<Option<f64>>,
    pub action_plan: Option<String>,
}

/// The change of a category's mean since an earlier reflection, when both have one.
pub fn change(now: Option<f64>, then: Option<f64>) -> Option<f64> {
    Some(now? - then?)
}

/// A group's category means beside the respondent's own, or how many more respondents it needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub label: String,
    /// The group's released respondents (0 when even that would reveal a smaller group).
    pub respondents: i64,
    /// Why the group's means do not show, when they do not.
    pub withheld: Option<crate::values::Withheld>,
    /// Aligned with the profile's categories; empty while the group is withheld.
    pub means: Vec<Option<f64>>,
}

/// What saving the action plan did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlanSaved {
    Saved,
    /// An empty plan replaced a saved one.
    Removed,
}

/// The private token in a link as pasted (a whole link, or only the token): 48 hex digits, or
/// nothing.
pub fn token_in_link(link: &str) -> Option<String> {
    link.trim()
        .trim_end_matches('/')
        .rsplit('/')
        .find(|p| p.len() == 48 && p.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_ascii_lowercase)
}

/// Where a category page's buttons lead, parsed once from the form's `go`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Go {
    Back,
    Next,
    Finish,
    Stay,
}

impl Go {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "back" => Self::Back,
            "next" => Self::Next,
            "finish" => Self::Finish,
            "stay" => Self::Stay,
            _ => return None,
        })
    }
}

/// What the browser learns after saving one answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaveOutcome {
    /// 1-based index of the item's category.
    pub category: usize,
    pub category_complete: bool,
    pub answered_items: usize,
    pub total_items: usize,
}

#[cfg(test)]
#[cfg(feature = "ssr")]
mod tests {
    use super::*;

    fn category() -> Category {
        let text = "id='c'\ntitle='C'\npurpose='p'\n\
            [[subcategories]]\nid='s1'\ntitle='S1'\n\
            [[subcategories.items]]\nid='b'\ntype='short_text'\ntext='x'\n\
            [[subcategories.items]]\nid='a'\ntype='short_text'\ntext='x'\n\
            [[subcategories]]\nid='s2'\ntitle='S2'\n\
            [[subcategories.items]]\nid='c'\ntype='short_text'\ntext='x'\n";
        toml::from_str(text).unwrap()
    }

    fn view(status: Status) -> CategoryView {
        CategoryView {
            token: "t".into(),
            resume_url: "http://r/r/t".into(),
            instrument_title: "I".into(),
            index: 2,
            total: 3,
            category: category(),
            scales: BTreeMap::new(),
            answers: [("a", "1"), ("elsewhere", "5"), ("c", "")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            note: None,
            answered_items: 7,
            total_items: 12,
            status,
        }
    }

    /// The island gets the page's items in page order and only their stored answers (another
    /// page's answer is not its business), and whether the reflection is finished.
    #[test]
    fn the_category_island_gets_this_page_only() {
        let data = CategoryFormData::from(&view(Status::InProgress));
        assert_eq!(data.items, ["b", "a", "c"]);
        let expected: HashMap<String, String> = [("a", "1"), ("c", "")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(data.answers, expected);
        assert_eq!((data.index, data.total), (2, 3));
        assert_eq!((data.answered_items, data.total_items), (7, 12));
        assert!(!data.finished);
        assert!(CategoryFormData::from(&view(Status::Finished)).finished);
    }
}
