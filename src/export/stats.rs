//! Per-category scale scores and Cronbach's alpha for the codebook.

/// A respondent's scale score for a category: the mean of the items they answered (`None` when
/// they answered none).
pub fn scale_score(scores: &[Option<f64>]) -> Option<f64> {
    let answered: Vec<f64> = scores.iter().flatten().copied().collect();
    (!answered.is_empty()).then(|| answered.iter().sum::<f64>() / answered.len() as f64)
}

/// Cronbach's alpha of a category's items over the respondents who answered every item
/// (listwise deletion, as SPSS and R's `psych::alpha` do by default), with that n.
///
/// α = k / (k − 1) · (1 − Σ var(item) / var(total)), sample variances (n − 1). `None` when it is
/// undefined: fewer than 2 items, fewer than 2 complete respondents, or no variance in the totals.
pub fn cronbach_alpha(rows: &[Vec<Option<f64>>]) -> (Option<f64>, usize) {
    let k = rows.first().map_or(0, Vec::len);
    let mut sums = AlphaSums::new(k);
    for r in rows {
        sums.add(r);
    }
    sums.alpha()
}

/// Cronbach's alpha gathered one respondent at a time in constant memory (an export streams
/// its answers): per item the sum and sum of squares, and the same of the totals.
#[derive(Debug, Clone)]
pub struct AlphaSums {
    n: usize,
    items: Vec<(f64, f64)>,
    total: (f64, f64),
}

impl AlphaSums {
    pub fn new(items: usize) -> Self {
        Self {
            n: 0,
            items: vec![(0.0, 0.0); items],
            total: (0.0, 0.0),
        }
    }

    /// Adds one respondent's scores (in item order); incomplete rows are left out (listwise).
    pub fn add(&mut self, row: &[Option<f64>]) {
        if row.is_empty() || row.len() != self.items.len() || row.iter().any(Option::is_none) {
            return;
        }
        let mut total = 0.0;
        for (sums, x) in self.items.iter_mut().zip(row.iter().flatten()) {
            sums.0 += x;
            sums.1 += x * x;
            total += x;
        }
        self.total.0 += total;
        self.total.1 += total * total;
        self.n += 1;
    }

    /// α and the number of complete respondents.
    pub fn alpha(&self) -> (Option<f64>, usize) {
        let (n, k) = (self.n, self.items.len());
        if k < 2 || n < 2 {
            return (None, n);
        }
        let nf = n as f64;
        let variance = |(sum, squares): (f64, f64)| (squares - sum * sum / nf) / (nf - 1.0);
        let item_variances: f64 = self.items.iter().map(|s| variance(*s)).sum();
        let total_variance = variance(self.total);
        if total_variance <= 1e-12 {
            return (None, n);
        }
        let k = k as f64;
        (
            Some(k / (k - 1.0) * (1.0 - item_variances / total_variance)),
            n,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(xs: &[f64]) -> Vec<Option<f64>> {
        xs.iter().copied().map(Some).collect()
    }

    #[test]
    fn alpha_matches_a_hand_computed_case() {
        // 3 items, 4 respondents:
        //   respondents (1,2,2) (2,3,3) (3,3,4) (4,5,5);
        //   item 1: 1,2,3,4 → variance 5/3; item 2: 2,3,3,5 → 4.75/3; item 3: 2,3,4,5 → 5/3;
        //   sum 14.75/3; totals 5, 8, 10, 14 (mean 9.25): squared deviations 18.0625 + 1.5625 +
        //   0.5625 + 22.5625 = 42.75, variance 14.25;
        //   α = 3/2 · (1 − (14.75/3)/14.25) = 3/2 · 28/42.75 = 42/42.75 = 0.982456…
        let rows = vec![
            row(&[1.0, 2.0, 2.0]),
            row(&[2.0, 3.0, 3.0]),
            row(&[3.0, 3.0, 4.0]),
            row(&[4.0, 5.0, 5.0]),
        ];
        let (alpha, n) = cronbach_alpha(&rows);
        assert_eq!(n, 4);
        assert!((alpha.unwrap() - 42.0 / 42.75).abs() < 1e-12);
        assert!((alpha.unwrap() - 0.982_456_140_351).abs() < 1e-9);
    }

    #[test]
    fn alpha_uses_complete_respondents_only_and_says_when_undefined() {
        let mut rows = vec![
            row(&[1.0, 2.0, 2.0]),
            row(&[2.0, 3.0, 3.0]),
            row(&[3.0, 3.0, 4.0]),
            row(&[4.0, 5.0, 5.0]),
        ];
        rows.push(vec![Some(5.0), None, Some(1.0)]);
        let (alpha, n) = cronbach_alpha(&rows);
        assert_eq!(n, 4, "the incomplete respondent is left out");
        assert!((alpha.unwrap() - 0.982_456_140_351).abs() < 1e-9);
        // one item, one respondent, no variance: undefined
        assert_eq!(cronbach_alpha(&[row(&[1.0]), row(&[2.0])]).0, None);
        assert_eq!(cronbach_alpha(&[row(&[1.0, 2.0])]).0, None);
        assert_eq!(
            cronbach_alpha(&[row(&[3.0, 3.0]), row(&[3.0, 3.0])]).0,
            None
        );
        // items that disagree give a negative alpha, reported as it is
        let (a, _) = cronbach_alpha(&[row(&[1.0, 5.0]), row(&[5.0, 1.0]), row(&[3.0, 2.0])]);
        assert!(a.unwrap() < 0.0);
    }

    #[test]
    fn scale_scores_are_the_mean_of_answered_items() {
        assert_eq!(scale_score(&[Some(2.0), None, Some(4.0)]), Some(3.0));
        assert_eq!(scale_score(&[None, None]), None);
    }
}
