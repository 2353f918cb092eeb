//! Property tests of the server-side answer validator (issue 6): for every item of the shipped
//! questionnaires and any text at all, `parse_answer` never panics, and what it accepts is
//! canonical (parsing the stored value again gives the same) and within the item's rules — a scale
//! point or "not applicable", a known option (several: known, distinct, not too many), a number
//! in range, a text within its length. Pure: no database.
mod common;

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
