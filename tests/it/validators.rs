//! Property tests of the server-side validators (issue 6). The answer validator: for every item
//! of the shipped questionnaires and any text at all, `parse_answer` never panics, and what it
//! accepts is canonical (parsing the stored value again gives the same) and within the item's
//! rules — a scale point or "not applicable", a known option (several: known, distinct, not too
//! many), a number in range, a text within its length. School join codes and the workshop's
//! one-word answer likewise (workshop codes are property-tested beside their code). Pure: no
//! database.
use crate::common;

use proptest::prelude::*;
use reflect::instrument::{Instrument, ItemType, NOT_APPLICABLE, ParsedAnswer};

static INSTRUMENTS: std::sync::LazyLock<Vec<Instrument>> = std::sync::LazyLock::new(|| {
    reflect::instrument::store::load_dir(&common::instruments_dir())
        .unwrap()
        .into_iter()
        .map(|(_, i)| i)
        .collect()
});

/// Any text, and texts near the valid ones (numbers, option-like words, commas, "na").
fn raw() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9]{1,3}",
        "-?[0-9]{1,4}(\\.[0-9]{1,4})?(e[0-9]{1,3})?",
        "(na|NA|[a-z_]{1,12})(,(na|[a-z_]{1,12})){0,6}",
        " *[1-5] *",
        "[a-z]{1,50}( [a-z]{1,10}){0,3}",
        "\\PC{0,600}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn accepted_answers_are_canonical_and_within_the_item_s_rules(
        which in 0..2usize,
        pick in any::<prop::sample::Index>(),
        raw in raw(),
        options_instead in any::<bool>(),
        chosen in proptest::collection::vec(any::<prop::sample::Index>(), 1..5),
    ) {
        let all = &*INSTRUMENTS;
        let inst = &all[which % all.len()];
        let items: Vec<_> = inst.categories.iter().flat_map(|c| c.items()).collect();
        let item = items[pick.index(items.len())];
        // for choice items, half the time real option values (possibly repeated, too many)
        let raw = if options_instead && !item.options.is_empty() {
            chosen
                .iter()
                .map(|i| item.options[i.index(item.options.len())].value.as_str())
                .collect::<Vec<_>>()
                .join(",")
        } else {
            raw
        };
        let Ok(parsed) = inst.parse_answer(item, &raw) else {
            return Ok(()); // refused with a message: fine
        };
        let ParsedAnswer::Store(stored) = parsed else {
            prop_assert!(raw.trim().is_empty(), "only an empty answer clears: {:?}", raw);
            return Ok(());
        };
        // canonical: the stored value parses to itself
        prop_assert_eq!(
            inst.parse_answer(item, &stored.value),
            Ok(ParsedAnswer::Store(stored.clone())),
            "{} {:?}", item.id, raw
        );
        match item.kind {
            ItemType::Likert => {
                let scale = inst.scale(item).unwrap();
                if stored.value == NOT_APPLICABLE {
                    prop_assert!(scale.not_applicable.is_some());
                    prop_assert_eq!(stored.score, None);
                } else {
                    let v: i64 = stored.value.parse().unwrap();
                    prop_assert!((1..=scale.max()).contains(&v));
                    prop_assert_eq!(stored.score, Some(v));
                }
            }
            ItemType::SingleChoice => {
                prop_assert!(item.options.iter().any(|o| o.value == stored.value));
            }
            ItemType::MultipleChoice => {
                let parts: Vec<&str> = stored.value.split(',').collect();
                prop_assert!(parts.iter().all(|p| item.options.iter().any(|o| o.value == *p)));
                let mut distinct = parts.clone();
                distinct.sort_unstable();
                distinct.dedup();
                prop_assert_eq!(distinct.len(), parts.len(), "no option twice");
                prop_assert!(parts.len() <= item.max_choices.unwrap_or(item.options.len()));
            }
            ItemType::Number => {
                let n: f64 = stored.value.parse().unwrap();
                prop_assert!(n.is_finite());
                prop_assert!(item.min.is_none_or(|m| n >= m) && item.max.is_none_or(|m| n <= m));
                if item.integer.unwrap_or(true) {
                    prop_assert_eq!(n.fract(), 0.0);
                }
            }
            ItemType::ShortText | ItemType::LongText | ItemType::OneWord => {
                prop_assert!(stored.value.chars().count() <= item.text_limit());
                prop_assert!(!stored.value.trim().is_empty());
                if item.kind == ItemType::OneWord {
                    prop_assert!(!stored.value.contains(char::is_whitespace));
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    /// School codes as typed: whatever is typed, the stored form has no spaces or dashes, is
    /// upper case and normalises to itself; a real code typed in any case, with any spaces and
    /// dashes, or as it is displayed, finds the same code.
    #[test]
    fn school_codes_normalise_to_one_form(
        typed in any::<String>(),
        random in proptest::collection::vec(any::<u32>(), 8),
        lower in any::<bool>(),
        separators in proptest::collection::vec(prop_oneof![Just(""), Just(" "), Just("-"), Just(" - ")], 8),
    ) {
        use reflect::schools::codes;
        let stored = codes::normalise(&typed);
        prop_assert!(!stored.chars().any(|c| c.is_whitespace() || c == '-'));
        prop_assert_eq!(codes::normalise(&stored), stored.clone());
        prop_assert_eq!(stored.to_uppercase(), stored);

        let code = codes::from_random(random);
        prop_assert_eq!(code.len(), codes::LENGTH);
        prop_assert!(code.bytes().all(|b| codes::ALPHABET.contains(&b)));
        let mut typed = String::new();
        for (ch, sep) in code.chars().zip(&separators) {
            typed.push_str(sep);
            typed.push(if lower { ch.to_ascii_lowercase() } else { ch });
        }
        prop_assert_eq!(codes::normalise(&typed), code.clone());
        prop_assert_eq!(codes::normalise(&codes::display(&code)), code);
    }

    /// The workshop's one-word answer: never panics; what it accepts is one word, trimmed, lower
    /// case, at most MAX_WORD characters with a letter or digit, and accepted again as itself;
    /// blank input is no answer.
    #[test]
    fn one_word_answers_are_canonical(raw in prop_oneof![
        any::<String>(),
        "\\PC{0,60}",
        " *[A-Za-z0-9äöüé-]{1,45} *",
        "[a-z]{1,10} [a-z]{1,10}",
        "[ \\t\\n]*",
    ]) {
        use reflect::workshops::model::{MAX_WORD, normalise_word};
        match normalise_word(&raw) {
            Ok(Some(w)) => {
                prop_assert!(!w.chars().any(char::is_whitespace));
                prop_assert!(w.chars().count() <= MAX_WORD);
                prop_assert!(w.chars().any(char::is_alphanumeric));
                prop_assert_eq!(w.to_lowercase(), w.clone());
                prop_assert_eq!(normalise_word(&w), Ok(Some(w.clone())));
            }
            Ok(None) => prop_assert!(raw.trim().is_empty()),
            Err(message) => prop_assert!(!message.is_empty() && !raw.trim().is_empty()),
        }
    }
}
