//! Minimum group sizes: a group's results show only from `k` respondents, and no hidden group may
//! be worked out by subtracting shown groups from a shown total (secondary suppression). Pure.

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

/// Which parts of a partition may show, given that the total of the partition shows too.
///
/// A part shows only with ≥ k respondents. If the hidden parts together hold 1..k-1 respondents,
/// the total minus the shown parts would reveal them, so the smallest shown parts are hidden too
/// until the hidden remainder is 0 or ≥ k. When that cannot be reached, `total_shows` is false:
/// show the total only if the caller also shows no part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    pub total_shows: bool,
    pub shows: Vec<bool>,
}

pub fn suppress_partition(parts: &[i64], k: i64) -> Partition {
    let k = threshold(k);
    let total: i64 = parts.iter().sum();
    let mut shows: Vec<bool> = parts.iter().map(|&n| n >= k).collect();
    let hidden = |shows: &[bool]| {
        parts
            .iter()
            .zip(shows)
            .filter(|(_, s)| !**s)
            .map(|(n, _)| *n)
            .sum::<i64>()
    };
    while (1..k).contains(&hidden(&shows)) {
        // hide the smallest part still shown
        match parts
            .iter()
            .enumerate()
            .filter(|(i, _)| shows[*i])
            .min_by_key(|(_, n)| **n)
        {
            Some((i, _)) => shows[i] = false,
            None => break,
        }
    }
    let remainder = hidden(&shows);
    Partition {
        total_shows: total >= k && (remainder == 0 || remainder >= k),
        shows,
    }
}

/// A filtered subgroup of a shown group (e.g. the teachers of a school): it shows only when it and
/// the rest of the group are both 0 or ≥ k, so the pair cannot reveal a small rest.
pub fn subgroup_shows(group: i64, subgroup: i64, k: i64) -> bool {
    let k = threshold(k);
    let rest = group - subgroup;
    subgroup >= k && (rest == 0 || rest >= k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn threshold_never_below_three() {
        assert_eq!(threshold(1), 3);
        assert_eq!(threshold(5), 5);
        assert_eq!(more_needed(4, 5), 1);
        assert_eq!(more_needed(9, 5), 0);
    }

    #[test]
    fn one_small_part_takes_the_next_smallest_with_it() {
        // school of 16: 10 teachers, 5 middle leaders, 1 headteacher
        let p = suppress_partition(&[10, 5, 1], 5);
        assert_eq!(p.shows, [true, false, false]);
        assert!(p.total_shows, "hidden remainder 6 ≥ 5");
    }

    #[test]
    fn total_hides_when_the_remainder_stays_small() {
        let p = suppress_partition(&[1, 2], 5);
        assert_eq!(p.shows, [false, false]);
        assert!(!p.total_shows);
    }

    #[test]
    fn teachers_of_a_school_minus_the_one_leader() {
        assert!(!subgroup_shows(7, 6, 5), "7 − 6 teachers = 1 leader");
        assert!(subgroup_shows(12, 6, 5));
        assert!(subgroup_shows(6, 6, 5));
        assert!(!subgroup_shows(6, 4, 5));
    }

    proptest! {
        /// Every number shown is backed by ≥ k respondents, and the hidden parts can only be
        /// derived (total − shown) as a group of 0 or ≥ k respondents.
        #[test]
        fn nothing_small_can_be_shown_or_derived(parts in prop::collection::vec(0i64..20, 1..8), k in 1i64..8) {
            let kk = threshold(k);
            let p = suppress_partition(&parts, k);
            for (n, shows) in parts.iter().zip(&p.shows) {
                if *shows { prop_assert!(*n >= kk); }
            }
            let hidden: i64 = parts.iter().zip(&p.shows).filter(|(_, s)| !**s).map(|(n, _)| *n).sum();
            if p.total_shows {
                prop_assert!(parts.iter().sum::<i64>() >= kk);
                prop_assert!(hidden == 0 || hidden >= kk, "derivable hidden group of {hidden}");
            }
            // no part that could show safely is hidden needlessly when nothing is small
            if parts.iter().all(|n| *n == 0 || *n >= kk) {
                for (n, shows) in parts.iter().zip(&p.shows) {
                    prop_assert_eq!(*shows, *n >= kk);
                }
            }
        }

        #[test]
        fn a_shown_subgroup_never_reveals_a_small_rest(group in 0i64..40, sub in 0i64..40, k in 1i64..8) {
            prop_assume!(sub <= group);
            if subgroup_shows(group, sub, k) {
                let kk = threshold(k);
                prop_assert!(sub >= kk);
                prop_assert!(group - sub == 0 || group - sub >= kk);
            }
        }
    }
}
