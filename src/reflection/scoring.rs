//! Scoring a reflection: category and subcategory means on the item scale ("not applicable" and
//! unanswered items are left out) and the category that needs most work. Pure and exact: means are
//! compared as fractions, so ties are real ties.
use crate::instrument::{Instrument, ItemType};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::HashMap;

/// A sum of scores and how many there are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub sum: i64,
    pub n: i64,
}

impl Tally {
    pub fn add(&mut self, score: i64) {
        self.sum += score;
        self.n += 1;
    }
    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum as f64 / self.n as f64)
    }
    /// Exact comparison of two means (both must have n > 0).
    pub fn cmp_mean(&self, other: &Tally) -> Ordering {
        (self.sum as i128 * other.n as i128).cmp(&(other.sum as i128 * self.n as i128))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubcategoryScore {
    pub id: String,
    pub title: String,
    pub tally: Tally,
    pub mean: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryScore {
    pub id: String,
    pub title: String,
    pub tally: Tally,
    pub mean: Option<f64>,
    pub not_applicable: usize,
    pub unanswered: usize,
    pub subcategories: Vec<SubcategoryScore>,
    /// The scale of the category's statements (its first scored statement's).
    #[serde(default)]
    pub scale: Option<String>,
    /// Whether the category takes part in "needs most work": on the ranking scale, with enough
    /// answers (see [`enough_answers`]).
    #[serde(default)]
    pub ranked: bool,
}

impl CategoryScore {
    /// How many scored statements the category has.
    pub fn statements(&self) -> usize {
        self.tally.n as usize + self.not_applicable + self.unanswered
    }
}

/// A category is compared only when at least half of its statements have an answer on the
/// scale ("don't know" and unanswered do not count): a mean of one or two answers out of nine
/// says little about the category.
pub fn enough_answers(answered: usize, statements: usize) -> bool {
    answered > 0 && answered * 2 >= statements
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub categories: Vec<CategoryScore>,
    /// The category (or, on a tie, categories) with the lowest mean; empty when nothing was scored.
    pub weakest: Vec<String>,
    /// Highest value of the scale the means are on (e.g. 5).
    pub scale_max: i64,
    /// The scale categories are ranked on: the one most scored categories use. Categories on
    /// another scale (importance beside agreement) are shown, never compared with these.
    #[serde(default)]
    pub ranking_scale: Option<String>,
}

/// `answers`: item id → Likert score (`None` = "not applicable"); items without an entry are
/// unanswered. Only scored categories appear in the profile.
pub fn score(inst: &Instrument, answers: &HashMap<String, Option<i64>>) -> Profile {
    let mut scale_max = 0;
    let categories: Vec<CategoryScore> = inst
        .categories
        .iter()
        .filter(|c| c.is_scored())
        .map(|c| {
            let mut cat = Tally::default();
            let (mut na, mut unanswered) = (0, 0);
            let scale = c.scale_id().map(str::to_string);
            let subcategories = c
                .subcategories
                .iter()
                .map(|s| {
                    let mut t = Tally::default();
                    for item in s.items.iter().filter(|i| i.kind == ItemType::Likert) {
                        if let Some(scale) = inst.scale(item) {
                            scale_max = scale_max.max(scale.max());
                        }
                        match answers.get(&item.id) {
                            Some(Some(v)) => {
                                t.add(*v);
                                cat.add(*v);
                            }
                            Some(None) => na += 1,
                            None => unanswered += 1,
                        }
                    }
                    SubcategoryScore {
                        id: s.id.clone(),
                        title: s.title.clone(),
                        tally: t,
                        mean: t.mean(),
                    }
                })
                .collect();
            CategoryScore {
                id: c.id.clone(),
                title: c.title.clone(),
                tally: cat,
                mean: cat.mean(),
                not_applicable: na,
                unanswered,
                subcategories,
                scale,
                ranked: false,
            }
        })
        .collect();
    let ranking_scale = inst.ranking_scale().map(str::to_string);
    let mut categories = categories;
    for c in &mut categories {
        c.ranked = c.scale == ranking_scale && enough_answers(c.tally.n as usize, c.statements());
    }
    let weakest = weakest(
        categories
            .iter()
            .filter(|c| c.ranked)
            .map(|c| (c.id.as_str(), c.tally)),
    );
    Profile {
        categories,
        weakest,
        scale_max,
        ranking_scale,
    }
}

/// The ids with the lowest mean, all of them on a tie; groups without scores are skipped.
pub fn weakest<'a>(groups: impl Iterator<Item = (&'a str, Tally)>) -> Vec<String> {
    let mut best: Vec<(&str, Tally)> = Vec::new();
    for (id, t) in groups.filter(|(_, t)| t.n > 0) {
        match best.first().map(|(_, b)| t.cmp_mean(b)) {
            None | Some(Ordering::Equal) => best.push((id, t)),
            Some(Ordering::Less) => best = vec![(id, t)],
            Some(Ordering::Greater) => {}
        }
    }
    best.into_iter().map(|(id, _)| id.to_string()).collect()
}

#[cfg(test)]
#[cfg(feature = "ssr")]
mod tests {
    use super::*;

    fn inst() -> Instrument {
        let mut s = String::from(
            "id='t'\ntitle='T'\ndescription='d'\n[scales.a]\nlabels=['1','2','3','4','5']\nnot_applicable='NA'\n",
        );
        for c in ["c1", "c2", "c3"] {
            s += &format!(
                "[[categories]]\nid='{c}'\ntitle='{c}'\npurpose='p'\n[[categories.subcategories]]\nid='{c}s'\ntitle='S'\n"
            );
            for i in 1..=3 {
                s += &format!(
                    "[[categories.subcategories.items]]\nid='{c}_{i}'\ntype='likert'\nscale='a'\ntext='x'\n"
                );
            }
        }
        s += "[[categories]]\nid='info'\ntitle='Info'\npurpose='p'\n[[categories.subcategories]]\nid='infos'\ntitle='S'\n[[categories.subcategories.items]]\nid='years'\ntype='number'\ntext='y'\n";
        toml::from_str(&s).unwrap()
    }

    fn answers(list: &[(&str, Option<i64>)]) -> HashMap<String, Option<i64>> {
        list.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn means_skip_not_applicable_and_unanswered() {
        let p = score(
            &inst(),
            &answers(&[
                ("c1_1", Some(2)),
                ("c1_2", None),
                ("c1_3", Some(5)),
                ("c2_1", Some(4)),
            ]),
        );
        let c1 = &p.categories[0];
        assert_eq!(c1.tally, Tally { sum: 7, n: 2 });
        assert_eq!(c1.mean, Some(3.5));
        assert_eq!(c1.not_applicable, 1);
        assert_eq!(p.categories[1].unanswered, 2);
        assert_eq!(p.categories[2].mean, None);
        assert_eq!(p.scale_max, 5);
    }

    #[test]
    fn unscored_categories_are_left_out() {
        let p = score(&inst(), &HashMap::new());
        assert_eq!(
            p.categories
                .iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>(),
            ["c1", "c2", "c3"]
        );
        assert!(p.weakest.is_empty(), "nothing answered, nothing weakest");
    }

    #[test]
    fn weakest_is_the_lowest_mean() {
        let p = score(
            &inst(),
            &answers(&[
                ("c1_1", Some(4)),
                ("c1_2", Some(4)),
                ("c2_1", Some(2)),
                ("c2_2", Some(3)),
                ("c3_1", Some(3)),
                ("c3_2", Some(3)),
            ]),
        );
        assert_eq!(p.weakest, ["c2"]);
    }

    #[test]
    fn a_category_with_too_few_answers_is_not_named() {
        // c1: one answer of three, the lowest mean, but not enough to say it needs most work
        let p = score(
            &inst(),
            &answers(&[
                ("c1_1", Some(1)),
                ("c2_1", Some(3)),
                ("c2_2", Some(3)),
                ("c3_1", Some(4)),
                ("c3_2", None),
                ("c3_3", Some(4)),
            ]),
        );
        assert_eq!(p.weakest, ["c2"]);
        let ranked: Vec<bool> = p.categories.iter().map(|c| c.ranked).collect();
        assert_eq!(ranked, [false, true, true], "c3: two of three on the scale");
        assert_eq!(p.categories[0].statements(), 3);
    }

    #[test]
    fn enough_answers_is_half_of_the_statements() {
        assert!(!enough_answers(0, 0));
        assert!(!enough_answers(1, 3));
        assert!(enough_answers(2, 3));
        assert!(enough_answers(5, 9));
        assert!(!enough_answers(4, 9));
        assert!(enough_answers(1, 2));
    }

    #[test]
    fn categories_on_another_scale_are_never_compared() {
        let t = "id='t'\ntitle='T'\ndescription='d'\n[scales.agree]\nlabels=['1','2','3','4','5']\n[scales.imp]\nlabels=['1','2','3','4','5']\n\
            [[categories]]\nid='a1'\ntitle='A1'\npurpose='p'\n[[categories.subcategories]]\nid='s1'\ntitle='S'\n[[categories.subcategories.items]]\nid='x1'\ntype='likert'\nscale='agree'\ntext='x'\n\
            [[categories]]\nid='i1'\ntitle='I1'\npurpose='p'\n[[categories.subcategories]]\nid='s2'\ntitle='S'\n[[categories.subcategories.items]]\nid='x2'\ntype='likert'\nscale='imp'\ntext='x'\n\
            [[categories]]\nid='a2'\ntitle='A2'\npurpose='p'\n[[categories.subcategories]]\nid='s3'\ntitle='S'\n[[categories.subcategories.items]]\nid='x3'\ntype='likert'\nscale='agree'\ntext='x'\n";
        let inst: Instrument = toml::from_str(t).unwrap();
        let p = score(
            &inst,
            &answers(&[("x1", Some(4)), ("x2", Some(1)), ("x3", Some(3))]),
        );
        assert_eq!(p.ranking_scale.as_deref(), Some("agree"));
        assert_eq!(p.weakest, ["a2"], "importance 1 is not 'needs most work'");
        assert!(!p.categories[1].ranked);
    }

    #[test]
    fn exact_ties_are_all_weakest() {
        // 2/1 and 6/3 and 4/2 are the same mean; compared exactly, not as floats
        let p = score(
            &inst(),
            &answers(&[
                ("c1_1", Some(2)),
                ("c1_2", Some(2)),
                ("c2_1", Some(1)),
                ("c2_2", Some(2)),
                ("c2_3", Some(3)),
                ("c3_1", Some(1)),
                ("c3_2", Some(3)),
            ]),
        );
        assert_eq!(p.weakest, ["c1", "c2", "c3"]);
    }

    #[test]
    fn a_category_with_only_not_applicable_is_not_weakest() {
        let p = score(
            &inst(),
            &answers(&[
                ("c1_1", None),
                ("c1_2", None),
                ("c1_3", None),
                ("c2_1", Some(5)),
                ("c2_2", Some(5)),
            ]),
        );
        assert_eq!(p.weakest, ["c2"]);
    }
}
