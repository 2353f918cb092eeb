//! The rules of a category page in the browser, kept pure so they are tested beside them: which
//! answers on the page are not stored yet, the order in which answers are sent, and when the page
//! may move on by itself.
use std::collections::{BTreeMap, HashMap};

/// What a category page's form holds, item by item, as its fields are named: `answers[ID]` for
/// radio buttons (only the checked one), number and text fields, `multi[ID][OPTION]` for the
/// checkboxes of a multiple-choice item (in the page's order, which is the instrument's).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FormState(BTreeMap<String, String>);

impl FormState {
    /// Reads one field: its name, whether it is a radio button or checkbox, whether it is checked,
    /// and its value.
    pub fn add_field(&mut self, name: &str, toggle: bool, checked: bool, value: &str) {
        if let Some(rest) = name.strip_prefix("multi[")
            && let Some((item, option)) = rest.strip_suffix(']').and_then(|r| r.split_once("]["))
        {
            let entry = self.0.entry(item.to_string()).or_default();
            if checked {
                if !entry.is_empty() {
                    entry.push(',');
                }
                entry.push_str(option);
            }
        } else if let Some(item) = name
            .strip_prefix("answers[")
            .and_then(|r| r.strip_suffix(']'))
        {
            if toggle {
                if checked {
                    self.0.insert(item.to_string(), value.to_string());
                }
            } else {
                self.0.insert(item.to_string(), value.to_string());
            }
        }
    }

    pub fn get(&self, item: &str) -> Option<&str> {
        self.0.get(item).map(String::as_str)
    }

    /// The answers the form shows that are not the stored ones, to be sent in page order
    /// (`order`: the page's item ids). An empty field that has nothing stored is no change; a
    /// radio group with nothing checked is not in the form at all, so a stored choice is never
    /// cleared by it.
    pub fn unsaved(
        &self,
        order: &[String],
        stored: &HashMap<String, String>,
    ) -> Vec<(String, String)> {
        order
            .iter()
            .filter_map(|id| {
                let shown = self.0.get(id)?;
                let same = match stored.get(id) {
                    Some(s) => s == shown,
                    None => shown.trim().is_empty(),
                };
                (!same).then(|| (id.clone(), shown.clone()))
            })
            .collect()
    }
}

/// Whether a failed save is worth sending again or was refused for good (the answer itself, the
/// reflection's state); and of those sent again, whether the server was not reached at all (no
/// connection: the answers wait on the device) or failed itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    Unreachable,
    Retry,
    Refused,
}

/// Answers waiting to be sent, one at a time and in the order given; a newer answer to an item
/// replaces a waiting older one, so the last choice always arrives last.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SaveQueue {
    waiting: Vec<(String, String)>,
    in_flight: Option<(String, String)>,
    error: Option<(String, Failure)>,
    saved: usize,
}

/// What the page says about its answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveState {
    /// Nothing changed on this page yet.
    Idle,
    /// Some answers are on their way.
    Saving,
    /// Every answer given on this page is stored.
    Saved,
    /// The last attempt failed; the answers still to send stay on the page.
    NotSaved(String),
    /// The server could not be reached: the answers still to send wait on the device and go
    /// when the connection returns.
    Waiting,
}

impl SaveQueue {
    pub fn push(&mut self, item: String, value: String) {
        self.waiting.retain(|(i, _)| *i != item);
        self.waiting.push((item, value));
    }

    /// The next answer to send, unless one is on its way already.
    pub fn start_next(&mut self) -> Option<(String, String)> {
        if self.in_flight.is_some() || self.waiting.is_empty() {
            return None;
        }
        let next = self.waiting.remove(0);
        self.in_flight = Some(next.clone());
        Some(next)
    }

    pub fn succeeded(&mut self) {
        if self.in_flight.take().is_some() {
            self.saved += 1;
            if self.waiting.is_empty() {
                self.error = None;
            }
        }
    }

    /// The answer on its way failed: a retryable one goes back to the front (unless a newer
    /// answer to the same item is waiting); a refused one is dropped.
    pub fn failed(&mut self, message: String, kind: Failure) {
        if let Some((item, value)) = self.in_flight.take()
            && kind != Failure::Refused
            && !self.waiting.iter().any(|(i, _)| *i == item)
        {
            self.waiting.insert(0, (item, value));
        }
        self.error = Some((message, kind));
    }

    /// Every answer not known to be stored, in the order it goes: the one on its way, then the
    /// waiting ones. What the page keeps on the device in case it is closed or reloaded.
    pub fn pending(&self) -> Vec<(String, String)> {
        self.in_flight
            .iter()
            .chain(self.waiting.iter())
            .cloned()
            .collect()
    }

    /// Whether answers wait for the connection to return (the last attempt did not reach the
    /// server).
    pub fn waits_for_connection(&self) -> bool {
        matches!(self.error, Some((_, Failure::Unreachable))) && !self.waiting.is_empty()
    }

    pub fn is_idle(&self) -> bool {
        self.in_flight.is_none() && self.waiting.is_empty()
    }

    pub fn state(&self) -> SaveState {
        if let Some((e, kind)) = &self.error
            && self.in_flight.is_none()
        {
            return match kind {
                Failure::Unreachable if !self.waiting.is_empty() => SaveState::Waiting,
                _ => SaveState::NotSaved(e.clone()),
            };
        }
        if !self.is_idle() {
            SaveState::Saving
        } else if self.saved > 0 {
            SaveState::Saved
        } else {
            SaveState::Idle
        }
    }
}

/// Seconds the page waits, visibly, before it moves on by itself.
pub const ADVANCE_SECONDS: u32 = 3;

/// Whether a change may start the countdown to the next category: only when it gave the first
/// answer to the last unanswered statement, by pointer or touch (never while someone arrows
/// through a radio group with the keyboard), on a page that is not the last, and never when a
/// complete page is revisited (then no statement was unanswered).
pub fn starts_advance(
    was_unanswered: bool,
    page_complete_now: bool,
    by_pointer: bool,
    last_page: bool,
) -> bool {
    was_unanswered && page_complete_now && by_pointer && !last_page
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn form_reads_radios_fields_and_checkboxes() {
        let mut f = FormState::default();
        f.add_field("answers[a]", true, false, "1");
        f.add_field("answers[a]", true, true, "4");
        f.add_field("answers[b]", true, false, "1");
        f.add_field("answers[n]", false, false, "7");
        f.add_field("multi[m][x]", true, true, "on");
        f.add_field("multi[m][y]", true, false, "on");
        f.add_field("multi[m][z]", true, true, "on");
        f.add_field("multi[e][x]", true, false, "on");
        f.add_field("token", false, false, "abc");
        assert_eq!(f.get("a"), Some("4"));
        assert_eq!(
            f.get("b"),
            None,
            "an untouched radio group is not an answer"
        );
        assert_eq!(f.get("n"), Some("7"));
        assert_eq!(f.get("m"), Some("x,z"));
        assert_eq!(f.get("e"), Some(""));
        assert_eq!(f.get("token"), None);
    }

    #[test]
    fn unsaved_lists_only_real_changes_in_page_order() {
        let mut f = FormState::default();
        f.add_field("answers[a]", true, true, "4");
        f.add_field("answers[b]", false, false, "");
        f.add_field("answers[c]", false, false, "");
        f.add_field("answers[d]", true, true, "2");
        f.add_field("multi[m][x]", true, false, "on");
        let stored: HashMap<String, String> = [("a", "4"), ("c", "old"), ("d", "5")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(
            f.unsaved(&ids(&["d", "c", "b", "a", "m", "z"]), &stored),
            vec![("d".into(), "2".into()), ("c".into(), "".into())]
        );
    }

    #[test]
    fn queue_sends_one_at_a_time_and_last_choice_last() {
        let mut q = SaveQueue::default();
        assert_eq!(q.state(), SaveState::Idle);
        q.push("a".into(), "1".into());
        q.push("b".into(), "2".into());
        assert_eq!(q.start_next(), Some(("a".into(), "1".into())));
        assert_eq!(q.start_next(), None, "one on its way at a time");
        q.push("a".into(), "3".into());
        assert_eq!(q.state(), SaveState::Saving);
        q.succeeded();
        assert_eq!(q.start_next(), Some(("b".into(), "2".into())));
        q.succeeded();
        assert_eq!(q.start_next(), Some(("a".into(), "3".into())));
        q.succeeded();
        assert_eq!(q.start_next(), None);
        assert_eq!(q.state(), SaveState::Saved);
    }

    #[test]
    fn a_failed_save_is_kept_unless_refused_or_replaced() {
        let mut q = SaveQueue::default();
        q.push("a".into(), "1".into());
        q.start_next();
        q.failed("offline".into(), Failure::Retry);
        assert_eq!(q.state(), SaveState::NotSaved("offline".into()));
        assert_eq!(q.start_next(), Some(("a".into(), "1".into())));
        q.push("a".into(), "2".into());
        q.failed("offline".into(), Failure::Retry);
        assert_eq!(
            q.start_next(),
            Some(("a".into(), "2".into())),
            "the newer answer wins"
        );
        q.failed("no such answer".into(), Failure::Refused);
        assert_eq!(q.start_next(), None);
        assert_eq!(q.state(), SaveState::NotSaved("no such answer".into()));
        q.push("b".into(), "1".into());
        q.start_next();
        q.succeeded();
        assert_eq!(q.state(), SaveState::Saved);
    }

    #[test]
    fn without_a_connection_answers_wait_and_are_kept_in_order() {
        let mut q = SaveQueue::default();
        q.push("a".into(), "1".into());
        q.push("b".into(), "2".into());
        q.start_next();
        assert_eq!(
            q.pending(),
            vec![("a".into(), "1".into()), ("b".into(), "2".into())],
            "the answer on its way is kept too"
        );
        q.failed("Failed to fetch".into(), Failure::Unreachable);
        assert_eq!(q.state(), SaveState::Waiting);
        assert!(q.waits_for_connection());
        q.push("a".into(), "3".into());
        assert_eq!(
            q.pending(),
            vec![("b".into(), "2".into()), ("a".into(), "3".into())],
            "a newer answer replaces the kept one and goes last"
        );
        // the connection returns: everything goes, in order
        assert_eq!(q.start_next(), Some(("b".into(), "2".into())));
        q.succeeded();
        assert_eq!(q.start_next(), Some(("a".into(), "3".into())));
        q.succeeded();
        assert!(q.pending().is_empty());
        assert!(!q.waits_for_connection());
        assert_eq!(q.state(), SaveState::Saved);
        // a server failure is not a lost connection
        q.push("c".into(), "1".into());
        q.start_next();
        q.failed("Something went wrong".into(), Failure::Retry);
        assert_eq!(
            q.state(),
            SaveState::NotSaved("Something went wrong".into())
        );
        assert!(!q.waits_for_connection());
    }

    #[test]
    fn advance_only_on_the_first_answer_to_the_last_statement_by_pointer() {
        assert!(starts_advance(true, true, true, false));
        assert!(
            !starts_advance(false, true, true, false),
            "a revisited complete page"
        );
        assert!(!starts_advance(true, true, false, false), "keyboard");
        assert!(!starts_advance(true, false, true, false), "statements left");
        assert!(
            !starts_advance(true, true, true, true),
            "the last page has Finish"
        );
    }

    proptest! {
        /// Whatever is pushed, sent, failed and retried: once everything went through, the last
        /// value pushed for each item is the last value sent for it, and nothing is sent twice
        /// in a row needlessly.
        #[test]
        fn queue_ends_with_every_items_last_value(ops in prop::collection::vec((0u8..4, 0u8..5, 0u8..3), 1..60)) {
            let mut q = SaveQueue::default();
            let mut last_pushed: HashMap<String, String> = HashMap::new();
            let mut last_sent: HashMap<String, String> = HashMap::new();
            for (item, value, op) in ops {
                let (item, value) = (format!("i{item}"), value.to_string());
                q.push(item.clone(), value.clone());
                last_pushed.insert(item, value);
                if let Some((i, v)) = q.start_next() {
                    if op == 0 {
                        q.failed("offline".into(), Failure::Retry);
                    } else if op == 1 {
                        q.failed("Failed to fetch".into(), Failure::Unreachable);
                        // what the device keeps holds every item's last value
                        let kept: HashMap<String, String> = q.pending().into_iter().collect();
                        for (item, v) in &kept {
                            prop_assert_eq!(Some(v), last_pushed.get(item));
                        }
                    } else {
                        last_sent.insert(i, v);
                        q.succeeded();
                    }
                }
            }
            while let Some((i, v)) = q.start_next() {
                last_sent.insert(i, v);
                q.succeeded();
            }
            prop_assert_eq!(last_sent, last_pushed);
            prop_assert_eq!(q.state(), SaveState::Saved);
        }
    }
}
