//! Workshop join codes: 8 digits, shown as `9161 8750`, typed with or without spaces and dashes.
//! 9 × 10^7 codes (no leading zero, so a code never looks shorter than it is). Pure.

pub const LENGTH: usize = 8;

/// A new code from `random` (one value per digit; the caller supplies randomness).
pub fn from_random(random: impl IntoIterator<Item = u32>) -> String {
    random
        .into_iter()
        .take(LENGTH)
        .enumerate()
        .map(|(i, r)| {
            let d = if i == 0 { 1 + r % 9 } else { r % 10 };
            char::from(b'0' + d as u8)
        })
        .collect()
}

/// What a participant typed, as stored: spaces and dashes ignored; `None` unless 8 digits remain.
pub fn normalise(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    (code.len() == LENGTH && code.bytes().all(|b| b.is_ascii_digit())).then_some(code)
}

/// `91618750` → `9161 8750`.
pub fn display(code: &str) -> String {
    if code.len() == LENGTH && code.is_ascii() {
        format!("{} {}", &code[..4], &code[4..])
    } else {
        code.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_read_as_two_groups_of_four() {
        assert_eq!(display("91618750"), "9161 8750");
        assert_eq!(normalise(" 9161-8750 ").as_deref(), Some("91618750"));
        assert_eq!(normalise("9161 875"), None);
        assert_eq!(normalise("9161 87500"), None);
        assert_eq!(normalise("9161 875O"), None, "letter O is not zero");
        assert_eq!(from_random([0, 0, 0, 0, 0, 0, 0, 0]), "10000000");
    }

    proptest! {
        #[test]
        fn every_new_code_normalises_to_itself(r in prop::collection::vec(any::<u32>(), 8)) {
            let code = from_random(r);
            prop_assert_eq!(code.len(), LENGTH);
            prop_assert_eq!(normalise(&display(&code)), Some(code.clone()));
            prop_assert!(!code.starts_with('0'));
        }
    }
}
