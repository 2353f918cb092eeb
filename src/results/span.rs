//! Whether some sum or difference of views isolates a small group: exact linear algebra over the
//! rationals (integer rows scaled by their gcd, checked arithmetic). Pure.
//!
//! The respondents are cut into atoms (respondents alike to every view); each view is a row with 1
//! for the atoms it counts. A set of atoms is isolated when its indicator lies in the rows' span:
//! some combination of the views' counts (and sums of answers) gives exactly that set's.

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

/// Integer row echelon form over the rationals. `None` from any method: the arithmetic overflowed
/// (callers then assume the worst).
#[derive(Default)]
struct Span {
    rows: Vec<(usize, Vec<i128>)>,
}

impl Span {
    /// Reduces `x` by the rows; zero means `x` is in the span.
    fn reduce(&self, mut x: Vec<i128>) -> Option<Vec<i128>> {
        for (col, row) in &self.rows {
            if x[*col] != 0 {
                let (a, b) = (row[*col], x[*col]);
                for (xi, ri) in x.iter_mut().zip(row) {
                    *xi = xi.checked_mul(a)?.checked_sub(ri.checked_mul(b)?)?;
                }
                let g = x.iter().fold(0, |g, v| gcd(g, *v));
                if g > 1 {
                    x.iter_mut().for_each(|v| *v /= g);
                }
            }
        }
        Some(x)
    }

    fn add(&mut self, x: Vec<i128>) -> Option<()> {
        let x = self.reduce(x)?;
        if let Some(col) = x.iter().position(|v| *v != 0) {
            self.rows.push((col, x));
        }
        Some(())
    }

    fn contains(&self, x: Vec<i128>) -> Option<bool> {
        Some(self.reduce(x)?.iter().all(|v| *v == 0))
    }
}

/// The most sets of atoms [`isolates`] checks before it gives up.
pub const MAX_SETS: usize = 50_000;

/// `sizes`: respondents per atom; `views`: per view, whether it counts each atom. Returns the first
/// set of atoms with 1..k-1 respondents in all whose indicator lies in the views' span, checking
/// every such set. When it cannot tell (more than [`MAX_SETS`] sets to check, or an overflow) it
/// returns the set it stopped at: callers treat that as isolated.
pub fn isolates(sizes: &[i64], views: &[Vec<bool>], k: i64) -> Option<Vec<usize>> {
    isolates_within(sizes, views, k, MAX_SETS)
}

/// [`isolates`] checking at most `max_sets` sets.
pub fn isolates_within(
    sizes: &[i64],
    views: &[Vec<bool>],
    k: i64,
    max_sets: usize,
) -> Option<Vec<usize>> {
    let live: Vec<usize> = (0..sizes.len()).filter(|i| sizes[*i] > 0).collect();
    let mut span = Span::default();
    for v in views {
        if span
            .add(live.iter().map(|i| i128::from(v[*i])).collect())
            .is_none()
        {
            return Some(Vec::new());
        }
    }
    let small: Vec<usize> = (0..live.len()).filter(|j| sizes[live[*j]] < k).collect();
    // subsets of the small atoms with a total under k
    let mut stack: Vec<(usize, Vec<usize>, i64)> = vec![(0, vec![], 0)];
    let mut checked = 0;
    while let Some((next, set, total)) = stack.pop() {
        if !set.is_empty() {
            checked += 1;
            let mut x = vec![0i128; live.len()];
            set.iter().for_each(|j| x[*j] = 1);
            match span.contains(x) {
                Some(false) if checked < max_sets => {}
                _ => return Some(set.iter().map(|j| live[*j]).collect()),
            }
        }
        for (s, &j) in small.iter().enumerate().skip(next) {
            if total + sizes[live[j]] < k {
                let mut set = set.clone();
                set.push(j);
                stack.push((s + 1, set, total + sizes[live[j]]));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_difference_isolates_and_a_mixture_does_not() {
        // whole (a, b, c) and (a, b): c alone is their difference
        let views = vec![vec![true, true, true], vec![true, true, false]];
        assert_eq!(isolates(&[3, 3, 1], &views, 3), Some(vec![2]));
        // before (stayed, left) and after (stayed, came): neither left nor came alone
        let views = vec![vec![true, true, false], vec![true, false, true]];
        assert_eq!(isolates(&[7, 1, 4], &views, 5), None);
        // nothing small: nothing to isolate
        assert_eq!(isolates(&[5, 6], &[vec![true, false]], 5), None);
    }
}
