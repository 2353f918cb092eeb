//! A group's results from its counts: per category and subcategory the distribution, mean and 95%
//! interval; the categories ranked; everything withheld below the minimum group size. Pure.
use super::stats::{self, Distribution, Estimate, Tier};
use super::suppression;
use crate::instrument::{Instrument, ItemType};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartResult {
    pub id: String,
    pub title: String,
    pub distribution: Distribution,
    pub estimate: Option<Estimate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryResult {
    pub id: String,
    pub title: String,
    pub distribution: Distribution,
    pub estimate: Option<Estimate>,
    pub subcategories: Vec<PartResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupResults {
    pub respondents: i64,
    /// 0 when the results show; otherwise how many more respondents are needed.
    pub more_needed: i64,
    pub categories: Vec<CategoryResult>,
    /// Most in need of work first; a tier holds categories the data cannot tell apart.
    pub ranking: Vec<Tier>,
}

/// `counts`: (item id, value, n) of the group's Likert answers.
pub fn compute(
    inst: &Instrument,
    respondents: i64,
    counts: &[(String, String, i64)],
    k: i64,
) -> GroupResults {
    let more_needed = suppression::more_needed(respondents, k);
    if more_needed > 0 {
        return GroupResults {
            respondents,
            more_needed,
            categories: Vec::new(),
            ranking: Vec::new(),
        };
    }
    let mut per_item: HashMap<&str, Distribution> = HashMap::new();
    for (item, value, n) in counts {
        let Some((_, it)) = inst.find_item(item) else {
            continue;
        };
        let Some(scale) = inst.scale(it) else {
            continue;
        };
        let d = per_item
            .entry(item.as_str())
            .or_insert_with(|| Distribution::new(scale.labels.len()));
        if value == crate::instrument::NOT_APPLICABLE {
            d.not_applicable += n;
        } else if let Ok(v) = value.parse::<i64>() {
            d.add(v, *n);
        }
    }
    let merged = |ids: &mut dyn Iterator<Item = &str>| {
        let mut d = Distribution::default();
        for id in ids {
            if let Some(x) = per_item.get(id) {
                d.merge(x);
            }
        }
        d
    };
    let est = |d: &Distribution| stats::estimate(d.moments(), respondents);
    let categories: Vec<CategoryResult> = inst
        .categories
        .iter()
        .filter(|c| c.is_scored())
        .map(|c| {
            let likert = |s: &crate::instrument::Subcategory| {
                s.items
                    .iter()
                    .filter(|i| i.kind == ItemType::Likert)
                    .map(|i| i.id.clone())
                    .collect::<Vec<_>>()
            };
            let subcategories: Vec<PartResult> = c
                .subcategories
                .iter()
                .map(|s| {
                    let ids = likert(s);
                    let d = merged(&mut ids.iter().map(String::as_str));
                    PartResult {
                        id: s.id.clone(),
                        title: s.title.clone(),
                        estimate: est(&d),
                        distribution: d,
                    }
                })
                .collect();
            let mut d = Distribution::default();
            for s in &subcategories {
                d.merge(&s.distribution);
            }
            CategoryResult {
                id: c.id.clone(),
                title: c.title.clone(),
                estimate: est(&d),
                distribution: d,
                subcategories,
            }
        })
        .collect();
    // only categories on the ranking scale are compared (importance is not agreement)
    let ranked_scale = inst.ranking_scale();
    let ranking = stats::rank(
        &categories
            .iter()
            .filter(|c| {
                inst.categories
                    .iter()
                    .find(|x| x.id == c.id)
                    .is_some_and(|x| x.scale_id() == ranked_scale)
            })
            .filter_map(|c| c.estimate.map(|e| (c.id.clone(), e)))
            .collect::<Vec<_>>(),
    );
    GroupResults {
        respondents,
        more_needed: 0,
        categories,
        ranking,
    }
}

/// The ranking said plainly, most in need of work first: one sentence per tier.
pub fn ranking_text(l: crate::lang::Locale, r: &GroupResults) -> Vec<String> {
    use crate::i18n::td_string;
    let title = |id: &String| {
        r.categories
            .iter()
            .find(|c| c.id == *id)
            .map(|c| c.title.clone())
            .unwrap_or_else(|| id.clone())
    };
    r.ranking
        .iter()
        .enumerate()
        .map(|(i, tier)| {
            let names: Vec<String> = tier.ids.iter().map(title).collect();
            let names_ = crate::lang::join_names(l, &names);
            let names = names_.as_str();
            match (i, tier.ids.len()) {
                (0, 1) => td_string!(l, results.ranking_lowest, names).to_string(),
                (0, _) => td_string!(l, results.ranking_lowest_tied, names).to_string(),
                (_, 1) => td_string!(l, results.ranking_next, names).to_string(),
                (_, _) => td_string!(l, results.ranking_next_tied, names).to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
#[cfg(feature = "ssr")]
mod tests {
    use super::*;

    #[test]
    fn ties_and_overlaps_are_said_plainly() {
        let inst = inst();
        let mut counts = Vec::new();
        // organising and people equally low (same answers), teaching high, structures in between
        for (c, v) in [(0, "2"), (1, "5"), (2, "2"), (3, "4")] {
            for item in inst.categories[c].items() {
                counts.push((item.id.clone(), v.to_string(), 6));
            }
        }
        let r = compute(&inst, 6, &counts, 5);
        let text = ranking_text(crate::lang::Locale::en, &r);
        let (a, b) = (&inst.categories[0].title, &inst.categories[2].title);
        assert_eq!(
            text[0],
            format!(
                "{a} and {b} are equally low: they need most work, and the answers cannot tell them apart."
            )
        );
        assert!(text[1].starts_with("Next: "), "{text:?}");
        // the same ranking in Dutch: the page's language, joined as Dutch joins names
        let dutch = ranking_text(crate::lang::Locale::nl, &r);
        assert_eq!(
            dutch[0],
            format!(
                "Even laag: {a} en {b}. Deze categorieën hebben de meeste aandacht nodig; op grond van de antwoorden zijn ze niet van elkaar te onderscheiden."
            )
        );
        assert!(dutch[1].starts_with("Daarna: "), "{dutch:?}");
    }

    fn inst() -> Instrument {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/instruments/leadership-reflection.toml"
        ))
        .unwrap();
        toml::from_str(&text).unwrap()
    }

    #[test]
    fn importance_categories_are_shown_but_never_ranked_with_agreement() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/instruments/networking-baseline.toml"
        ))
        .unwrap();
        let inst: Instrument = toml::from_str(&text).unwrap();
        assert_eq!(inst.ranking_scale(), Some("agree5"));
        // every importance statement at 1 ("not important"), every agreement statement at 3
        let mut counts = Vec::new();
        for c in &inst.categories {
            for item in c.items().filter(|i| i.kind == ItemType::Likert) {
                let v = if item.scale.as_deref() == Some("importance5") {
                    "1"
                } else {
                    "3"
                };
                counts.push((item.id.clone(), v.to_string(), 6));
            }
        }
        let r = compute(&inst, 6, &counts, 5);
        let ranked: Vec<&str> = r
            .ranking
            .iter()
            .flat_map(|t| t.ids.iter().map(String::as_str))
            .collect();
        assert!(!ranked.is_empty());
        for id in ["conditions", "pln_factors"] {
            assert!(
                !ranked.contains(&id),
                "{id} is on the importance scale: {ranked:?}"
            );
            let c = r.categories.iter().find(|c| c.id == id).unwrap();
            assert_eq!(c.estimate.map(|e| e.mean), Some(1.0), "but it is shown");
        }
    }

    #[test]
    fn small_groups_show_nothing_but_how_many_more_are_needed() {
        let r = compute(&inst(), 4, &[("org_vision_1".into(), "2".into(), 4)], 5);
        assert_eq!(r.more_needed, 1);
        assert!(r.categories.is_empty() && r.ranking.is_empty());
    }

    #[test]
    fn category_means_from_counts_and_ranking() {
        let inst = inst();
        let mut counts = Vec::new();
        // 6 respondents; every organising item 4s, every teaching item 2s, people 3, structures 5
        for (c, v) in [(0, "4"), (1, "2"), (2, "3"), (3, "5")] {
            for item in inst.categories[c].items() {
                counts.push((item.id.clone(), v.to_string(), 6));
            }
        }
        counts.push(("org_vision_1".into(), "na".into(), 1));
        let r = compute(&inst, 6, &counts, 5);
        assert_eq!(r.more_needed, 0);
        let means: Vec<f64> = r
            .categories
            .iter()
            .map(|c| c.estimate.unwrap().mean)
            .collect();
        assert_eq!(means, [4.0, 2.0, 3.0, 5.0]);
        assert_eq!(r.categories[0].distribution.not_applicable, 1);
        assert_eq!(r.ranking[0].ids, ["teaching_learning"]);
        assert_eq!(r.categories[1].subcategories[0].estimate.unwrap().mean, 2.0);
        assert_eq!(r.categories[0].subcategories.len(), 3);
    }
}
