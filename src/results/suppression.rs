//! Minimum group sizes: a group's results show only from `k` respondents. Which views may show
//! beside each other (secondary suppression) is decided in `privacy.rs`. Pure.

/// The smallest threshold anyone can configure.
pub const MIN_K: i64 = 3;
pub const DEFAULT_K: i64 = 5;

/// A configured threshold, never below `MIN_K`.
pub fn threshold(configured: i64) -> i64 {
    configured.max(MIN_K)
}

/// How many more respondents a group needs before it shows (0 when it shows).
pub fn more_needed(n: i64, k: i64) -> i64 {
    (threshold(k) - n).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_never_below_three() {
        assert_eq!(threshold(1), 3);
        assert_eq!(threshold(5), 5);
        assert_eq!(more_needed(4, 5), 1);
        assert_eq!(more_needed(9, 5), 0);
    }
}
