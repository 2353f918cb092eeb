//! Group statistics from counts: mean, 95% interval and the ranking of categories from most to
//! least in need of work, with ties and overlapping intervals said plainly. Pure.
use serde::{Deserialize, Serialize};

/// Answers to a 1..=k scale as counts per value (index 0 = value 1), plus "not applicable".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distribution {
    pub counts: Vec<i64>,
    pub not_applicable: i64,
}

impl Distribution {
    pub fn new(points: usize) -> Self {
        Self {
            counts: vec![0; points],
            not_applicable: 0,
        }
    }
    pub fn add(&mut self, value: i64, n: i64) {
        if let Some(c) = usize::try_from(value - 1)
            .ok()
            .and_then(|i| self.counts.get_mut(i))
        {
            *c += n;
        }
    }
    pub fn merge(&mut self, other: &Distribution) {
        if self.counts.len() < other.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.not_applicable += other.not_applicable;
    }
    pub fn n(&self) -> i64 {
        self.counts.iter().sum()
    }
    pub fn moments(&self) -> Moments {
        let mut m = Moments::default();
        for (i, c) in self.counts.iter().enumerate() {
            let v = (i + 1) as f64;
            m.n += c;
            m.sum += v * *c as f64;
            m.sum_sq += v * v * *c as f64;
        }
        m
    }
}

/// n, Σx and Σx² of a sample.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    pub n: i64,
    pub sum: f64,
    pub sum_sq: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    pub n: i64,
}

impl Estimate {
    pub fn overlaps(&self, other: &Estimate) -> bool {
        self.low <= other.high && other.low <= self.high
    }
}

/// The difference `a − b` of two independent groups' means, with its 95% interval: the two
/// standard errors combined, and Student's t with the smaller group's degrees of freedom (a
/// cautious stand-in for Welch's). Unknown when either interval is (fewer than two units).
pub fn difference(a: &Estimate, b: &Estimate) -> Estimate {
    let mean = a.mean - b.mean;
    let n = a.n.min(b.n);
    let se = |e: &Estimate| (e.high - e.mean) / t95(e.n - 1);
    if a.n < 2 || b.n < 2 || !a.high.is_finite() || !b.high.is_finite() {
        return Estimate {
            mean,
            low: f64::NEG_INFINITY,
            high: f64::INFINITY,
            n,
        };
    }
    let half = t95(n - 1) * (se(a).powi(2) + se(b).powi(2)).sqrt();
    Estimate {
        mean,
        low: mean - half,
        high: mean + half,
        n,
    }
}

/// Two-sided 95% quantile of Student's t with `df` degrees of freedom.
pub fn t95(df: i64) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        d if d < 1 => f64::INFINITY,
        d if d <= 30 => TABLE[(d - 1) as usize],
        d if d <= 40 => 2.021,
        d if d <= 60 => 2.000,
        d if d <= 120 => 1.980,
        _ => 1.960,
    }
}

/// Mean and 95% t-interval. `clusters` is the number of independent units (respondents): with
/// several answers per respondent in a category, the interval uses the respondents, not the
/// answers, as its n — wider, and honest about answers of one person hanging together.
pub fn estimate(m: Moments, clusters: i64) -> Option<Estimate> {
    if m.n == 0 {
        return None;
    }
    let n = m.n as f64;
    let mean = m.sum / n;
    let units = clusters.clamp(1, m.n);
    if m.n < 2 || units < 2 {
        return Some(Estimate {
            mean,
            low: f64::NEG_INFINITY,
            high: f64::INFINITY,
            n: units,
        });
    }
    let var = ((m.sum_sq - m.sum * m.sum / n) / (n - 1.0)).max(0.0);
    let half = t95(units - 1) * (var / units as f64).sqrt();
    Some(Estimate {
        mean,
        low: mean - half,
        high: mean + half,
        n: units,
    })
}

/// One ranked entry: categories in a tier have the same mean or intervals that overlap the
/// tier's lowest, so the data cannot tell them apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tier {
    pub ids: Vec<String>,
}

/// Ranks from most to least in need of work (lowest mean first) into tiers.
pub fn rank(items: &[(String, Estimate)]) -> Vec<Tier> {
    let mut sorted: Vec<&(String, Estimate)> = items.iter().collect();
    sorted.sort_by(|a, b| a.1.mean.total_cmp(&b.1.mean).then_with(|| a.0.cmp(&b.0)));
    let mut tiers: Vec<(Estimate, Vec<String>)> = Vec::new();
    for (id, e) in sorted {
        match tiers.last_mut() {
            Some((first, ids)) if first.overlaps(e) || first.mean == e.mean => ids.push(id.clone()),
            _ => tiers.push((*e, vec![id.clone()])),
        }
    }
    tiers.into_iter().map(|(_, ids)| Tier { ids }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(counts: &[i64]) -> Distribution {
        Distribution {
            counts: counts.to_vec(),
            not_applicable: 0,
        }
    }

    #[test]
    fn mean_and_interval_by_hand() {
        // values 2, 4, 4, 6 on a 6-point scale: mean 4, s² = 8/3, s = 1.633, se = 0.8165,
        // t(3) = 3.182 → half width 2.598
        let m = dist(&[0, 1, 0, 2, 0, 1]).moments();
        assert_eq!((m.n, m.sum, m.sum_sq), (4, 16.0, 72.0));
        let e = estimate(m, 4).unwrap();
        assert!((e.mean - 4.0).abs() < 1e-12);
        assert!((e.high - e.mean - 2.598).abs() < 1e-3, "{e:?}");
        assert!((e.mean - e.low - 2.598).abs() < 1e-3);
    }

    #[test]
    fn fewer_respondents_than_answers_widen_the_interval() {
        let m = dist(&[2, 4, 6, 4, 2]).moments();
        let per_answer = estimate(m, 18).unwrap();
        let per_person = estimate(m, 6).unwrap();
        assert_eq!(per_answer.mean, per_person.mean);
        assert!(per_person.high - per_person.low > per_answer.high - per_answer.low);
    }

    #[test]
    fn no_answers_no_estimate_one_answer_no_interval() {
        assert_eq!(estimate(Moments::default(), 0), None);
        let e = estimate(dist(&[0, 1]).moments(), 1).unwrap();
        assert_eq!(e.mean, 2.0);
        assert!(e.low.is_infinite() && e.high.is_infinite());
    }

    #[test]
    fn t_quantiles() {
        assert_eq!(t95(1), 12.706);
        assert_eq!(t95(30), 2.042);
        assert_eq!(t95(1000), 1.960);
        assert!(t95(0).is_infinite());
    }

    fn est(mean: f64, half: f64) -> Estimate {
        Estimate {
            mean,
            low: mean - half,
            high: mean + half,
            n: 10,
        }
    }

    #[test]
    fn ranking_groups_overlapping_intervals_and_ties() {
        let items = vec![
            ("communication".to_string(), est(3.0, 0.2)),
            ("vision".to_string(), est(2.9, 0.2)),
            ("resourcing".to_string(), est(4.0, 0.1)),
            ("structures".to_string(), est(4.0, 0.0)),
        ];
        let tiers = rank(&items);
        assert_eq!(tiers[0].ids, ["vision", "communication"]);
        assert_eq!(
            tiers[1].ids,
            ["resourcing", "structures"],
            "equal means are one tier"
        );
        assert_eq!(tiers.len(), 2);
    }

    #[test]
    fn clearly_separated_categories_are_separate_tiers() {
        let items = vec![
            ("a".to_string(), est(2.0, 0.1)),
            ("b".to_string(), est(3.0, 0.1)),
            ("c".to_string(), est(4.0, 0.1)),
        ];
        let tiers = rank(&items);
        assert_eq!(
            tiers.iter().map(|t| t.ids.len()).collect::<Vec<_>>(),
            [1, 1, 1]
        );
        assert_eq!(tiers[0].ids, ["a"]);
    }

    #[test]
    fn distributions_merge() {
        let mut a = dist(&[1, 2, 3]);
        a.merge(&Distribution {
            counts: vec![1, 1, 1, 1],
            not_applicable: 2,
        });
        assert_eq!(a.counts, [2, 3, 4, 1]);
        assert_eq!(a.not_applicable, 2);
        a.add(2, 5);
        a.add(9, 5);
        assert_eq!(a.n(), 15);
    }

    #[test]
    fn a_difference_of_means_combines_both_errors() {
        // 1..=5 once each: mean 3, variance 2.5, standard error √0.5; five 2s: no spread
        let a = estimate(dist(&[1, 1, 1, 1, 1]).moments(), 5).unwrap();
        let b = estimate(dist(&[0, 5, 0, 0, 0]).moments(), 5).unwrap();
        let d = difference(&a, &b);
        assert!((d.mean - 1.0).abs() < 1e-9);
        let half = t95(4) * 0.5f64.sqrt();
        assert!((d.high - d.mean - half).abs() < 1e-9, "{d:?}");
        assert!((d.mean - d.low - half).abs() < 1e-9, "{d:?}");
        // the same group twice: √2 times one standard error, and the mean difference 0
        let same = difference(&a, &a);
        assert!(same.mean.abs() < 1e-12);
        assert!((same.high - t95(4) * 1.0).abs() < 1e-9, "{same:?}");
        // the smaller group's degrees of freedom
        let c = estimate(dist(&[1, 1, 1, 1, 1, 1, 1, 1, 1, 1]).moments(), 10).unwrap();
        assert_eq!(difference(&c, &a).n, 5);
        // one unit: nothing is known about the spread
        let one = estimate(dist(&[0, 0, 1]).moments(), 1).unwrap();
        let unknown = difference(&a, &one);
        assert!(unknown.low.is_infinite() && unknown.high.is_infinite());
        assert!((unknown.mean - 0.0).abs() < 1e-12);
    }
}
