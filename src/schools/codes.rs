//! School join codes: 8 characters from an alphabet without look-alikes (no 0/O, no 1/I/L),
//! shown as `ABCD-EFGH`, typed in any case with or without spaces and dashes. 31^8 ≈ 8.5 × 10^11
//! codes. Pure.

/// Upper-case letters and digits that cannot be mistaken for each other when read aloud or
/// copied from a projector.
pub const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
pub const LENGTH: usize = 8;

/// A new code from `random` (one value per character; the caller supplies randomness).
pub fn from_random(random: impl IntoIterator<Item = u32>) -> String {
    random
        .into_iter()
        .take(LENGTH)
        .map(|r| ALPHABET[r as usize % ALPHABET.len()] as char)
        .collect()
}

/// What a person typed, as stored: separators and spaces removed, upper case.
pub fn normalise(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_uppercase()
}

/// `ABCDEFGH` → `ABCD-EFGH` (other lengths unchanged).
pub fn display(code: &str) -> String {
    if code.len() == LENGTH && code.is_ascii() {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_avoid_look_alikes_and_round_trip() {
        for ch in b"01OIL" {
            assert!(!ALPHABET.contains(ch));
        }
        let code = from_random([0, 1, 2, 3, 30, 31, 100, 7]);
        assert_eq!(code.len(), LENGTH);
        assert!(code.bytes().all(|b| ALPHABET.contains(&b)));
        assert_eq!(display("ABCDEFGH"), "ABCD-EFGH");
        assert_eq!(normalise(" abcd - efgh "), "ABCDEFGH");
        assert_eq!(normalise(&display(&code)), code);
    }
}
