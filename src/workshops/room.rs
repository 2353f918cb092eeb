//! The room's live results from its participants' answers: pure logic, no I/O.
//!
//! Rules: nothing shows until at least `k` participants have answered (the live minimum group
//! size) *and* the facilitator has revealed the results. Then each category shows once `k`
//! participants have answered in it; the poll once `k` have voted; the word cloud once `k` have
//! given a word (k is the room's minimum: 5 unless configured, never below 3). Hidden words never
//! show in the cloud. The words are listed for the facilitator to moderate once enough have given
//! one, before the reveal; presenter screens draw the cloud only after it.
//!
//! Releases: a category's mean and distribution are the participants' answers, so a watcher who
//! saw them change with each arrival would see one person's answers. They show as *released*: a
//! category's first release comes once k participants have answered in it, and the next only
//! when at least k participants have joined or left it since (see [`needs_release`]); between
//! releases the room shows the last one, even when answers change. Poll votes and words are public
//! answers to the room and stay live once their minimum is reached.
use super::model::{RoomCategory, RoomStage, RoomView, WordCount};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A category's figures as last released to the room.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Release {
    /// The participants (reflection ids) whose answers the release holds.
    pub members: BTreeSet<String>,
    pub mean: f64,
    pub distribution: Vec<i64>,
    /// The mean's 95% interval over the participants' category means (none for fewer than two;
    /// releases stored before intervals have none).
    #[serde(default)]
    pub interval: Option<(f64, f64)>,
}

/// Whether a category with these participants now needs a new release: the first once it has
/// k; later ones once at least k participants have joined or left it since the last.
pub fn needs_release(now: &BTreeSet<&str>, last: Option<&Release>, k: i64) -> bool {
    let k = usize::try_from(k.max(1)).unwrap_or(usize::MAX);
    if now.len() < k {
        return false;
    }
    match last {
        None => true,
        Some(r) => {
            let joined = now.iter().filter(|m| !r.members.contains(**m)).count();
            let left = r
                .members
                .iter()
                .filter(|m| !now.contains(m.as_str()))
                .count();
            joined + left >= k
        }
    }
}

/// The mean of the participants' category means and its 95% interval (each participant one unit).
fn person_means(means: impl Iterator<Item = f64>) -> crate::results::stats::Estimate {
    let mut m = crate::results::stats::Moments::default();
    for x in means {
        m.n += 1;
        m.sum += x;
        m.sum_sq += x * x;
    }
    let units = m.n;
    crate::results::stats::estimate(m, units).unwrap_or(crate::results::stats::Estimate {
        mean: f64::NAN,
        low: f64::NEG_INFINITY,
        high: f64::INFINITY,
        n: 0,
    })
}

/// One row of "the room's vote beside its reflections": a category, the votes it got as the one
/// that needs most work, and where the room's own answers rank it (1 = needs most work; categories
/// whose intervals overlap share a rank).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoteBeside {
    pub title: String,
    pub votes: i64,
    pub rank: usize,
    /// Whether other categories share the rank (the data cannot tell them apart).
    pub tied: bool,
    pub mean: f64,
    pub interval: Option<(f64, f64)>,
}

/// The poll beside the measured ranking, ordered by the ranking: only when both the poll and
/// every category's figures show.
pub fn vote_beside(view: &RoomView) -> Vec<VoteBeside> {
    if view.poll.is_empty() || view.categories.iter().any(|c| c.mean.is_none()) {
        return Vec::new();
    }
    let top = view.scale.len().max(1) as f64;
    let estimates: Vec<(String, crate::results::stats::Estimate)> = view
        .categories
        .iter()
        .filter_map(|c| {
            let mean = c.mean?;
            let (low, high) = c.interval.unwrap_or((mean, mean));
            // within the scale: a t interval of a few people can reach past its ends
            let (low, high) = (low.max(1.0), high.min(top));
            Some((
                c.id.clone(),
                crate::results::stats::Estimate {
                    mean,
                    low,
                    high,
                    n: c.respondents,
                },
            ))
        })
        .collect();
    let tiers = crate::results::stats::rank(&estimates);
    let mut rows = Vec::new();
    for (t, tier) in tiers.iter().enumerate() {
        for id in &tier.ids {
            let Some((ci, c)) = view
                .categories
                .iter()
                .enumerate()
                .find(|(_, c)| &c.id == id)
            else {
                continue;
            };
            let e = estimates.iter().find(|(x, _)| x == id).map(|(_, e)| *e);
            rows.push(VoteBeside {
                title: c.title.clone(),
                votes: view.poll.get(ci).map_or(0, |(_, n)| *n),
                rank: t + 1,
                tied: tier.ids.len() > 1,
                mean: c.mean.unwrap_or_default(),
                interval: c.interval.and(e.map(|e| (e.low, e.high))),
            });
        }
    }
    rows
}

/// A chosen category as the room needs it.
pub struct CategoryDef {
    pub id: String,
    pub title: String,
    /// Its scored (Likert) items.
    pub items: Vec<String>,
}

/// The room's raw material, as read from the database.
#[derive(Debug, Default)]
pub struct RoomInput {
    pub statuses: Vec<crate::values::Status>,
    /// (reflection id, item id, score 1..=points)
    pub scores: Vec<(String, String, i64)>,
    /// (poll category id, word)
    pub room_answers: Vec<(Option<String>, Option<String>)>,
    pub hidden_words: Vec<String>,
    /// The last release per category id.
    pub releases: HashMap<String, Release>,
}

impl RoomInput {
    /// Applies an answer a participant stored: their score for the item, or none (cleared, or
    /// not a scored answer). The scores are then as if read again after the answer.
    pub fn apply(&mut self, reflection_id: &str, item_id: &str, score: Option<i64>) {
        let scores = &mut self.scores;
        let at = scores
            .iter()
            .position(|(r, i, _)| r == reflection_id && i == item_id);
        match (at, score) {
            (Some(at), Some(score)) => scores[at].2 = score,
            (Some(at), None) => {
                scores.swap_remove(at);
            }
            (None, Some(score)) => scores.push((reflection_id.into(), item_id.into(), score)),
            (None, None) => {}
        }
    }
}

/// The most words a cloud shows; the rest are the rarest.
pub const MAX_CLOUD_WORDS: usize = 60;

/// Fills the computed part of `view` (counts, stage, categories, poll, words) from `input`.
/// `view` comes in with its workshop fields, `k`, `revealed`, `scale`, `ask_poll` and
/// `word_prompt` set. Returns the categories' new releases, to be stored (category id, release).
pub fn fill(
    view: &mut RoomView,
    cats: &[CategoryDef],
    input: &RoomInput,
) -> Vec<(String, Release)> {
    let points = view.scale.len();
    let k = view.k;
    view.joined = input.statuses.len() as i64;
    view.finished = input
        .statuses
        .iter()
        .filter(|s| **s == crate::values::Status::Finished)
        .count() as i64;

    // which category each scored item belongs to
    let item_category: HashMap<&str, usize> = cats
        .iter()
        .enumerate()
        .flat_map(|(ci, c)| c.items.iter().map(move |i| (i.as_str(), ci)))
        .collect();
    // per category: per participant (sum, n) and the distribution of answers
    let mut per_person: Vec<BTreeMap<&str, (i64, i64)>> = vec![BTreeMap::new(); cats.len()];
    let mut distributions: Vec<Vec<i64>> = vec![vec![0; points]; cats.len()];
    let mut answered: BTreeSet<&str> = BTreeSet::new();
    let mut answers = 0;
    for (reflection, item, score) in &input.scores {
        let Some(&ci) = item_category.get(item.as_str()) else {
            continue;
        };
        let Some(slot) = usize::try_from(score - 1).ok().filter(|s| *s < points) else {
            continue;
        };
        answers += 1;
        answered.insert(reflection);
        distributions[ci][slot] += 1;
        let e = per_person[ci].entry(reflection).or_insert((0, 0));
        e.0 += score;
        e.1 += 1;
    }
    view.answered = answered.len() as i64;
    view.answers = answers;
    view.stage = if view.answered < k {
        RoomStage::TooFew
    } else if !view.revealed {
        RoomStage::Waiting
    } else {
        RoomStage::Shown
    };
    let shown = view.stage == RoomStage::Shown;

    let mut released = Vec::new();
    view.categories = cats
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let people = &per_person[ci];
            let respondents = people.len() as i64;
            let members: BTreeSet<&str> = people.keys().copied().collect();
            let mut last = input.releases.get(&c.id).cloned();
            if needs_release(&members, last.as_ref(), k) {
                let estimate =
                    person_means(people.values().map(|(sum, n)| *sum as f64 / *n as f64));
                let release = Release {
                    members: members.iter().map(|m| m.to_string()).collect(),
                    mean: estimate.mean,
                    distribution: distributions[ci].clone(),
                    interval: (estimate.low.is_finite() && estimate.high.is_finite())
                        .then_some((estimate.low, estimate.high)),
                };
                released.push((c.id.clone(), release.clone()));
                last = Some(release);
            }
            let visible = (shown && respondents >= k).then_some(last).flatten();
            RoomCategory {
                id: c.id.clone(),
                title: c.title.clone(),
                respondents: visible
                    .as_ref()
                    .map_or(respondents, |r| r.members.len() as i64),
                more_needed: (k - respondents).max(0),
                mean: visible.as_ref().map(|r| r.mean),
                interval: visible.as_ref().and_then(|r| r.interval),
                distribution: visible.map(|r| r.distribution).unwrap_or_default(),
            }
        })
        .collect();

    let votes: Vec<&str> = input
        .room_answers
        .iter()
        .filter_map(|(p, _)| p.as_deref())
        .filter(|p| cats.iter().any(|c| c.id == *p))
        .collect();
    view.poll_answers = votes.len() as i64;
    view.poll = if shown && view.ask_poll && view.poll_answers >= k {
        cats.iter()
            .map(|c| {
                let n = votes.iter().filter(|v| **v == c.id).count() as i64;
                (c.title.clone(), n)
            })
            .collect()
    } else {
        Vec::new()
    };

    let words: Vec<&str> = input
        .room_answers
        .iter()
        .filter_map(|(_, w)| w.as_deref())
        .collect();
    view.word_answers = words.len() as i64;
    let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
    for w in &words {
        *counts.entry(w).or_default() += 1;
    }
    let mut visible: Vec<WordCount> = Vec::new();
    let mut hidden: Vec<WordCount> = Vec::new();
    for (word, count) in counts {
        let wc = WordCount {
            word: word.to_string(),
            count,
        };
        if input.hidden_words.iter().any(|h| h == word) {
            hidden.push(wc);
        } else {
            visible.push(wc);
        }
    }
    let cloud_shows = view.word_prompt.is_some() && view.word_answers >= k;
    // most frequent first, then alphabetical
    visible.sort_by(|a, b| b.count.cmp(&a.count).then(a.word.cmp(&b.word)));
    visible.truncate(MAX_CLOUD_WORDS);
    // The facilitator moderates as soon as there are enough words, before revealing; presenter
    // screens draw the cloud only once the room's results are shown.
    if cloud_shows {
        view.words = visible;
        view.hidden_words = hidden;
    } else {
        view.words = Vec::new();
        view.hidden_words = Vec::new();
    }
    released
}

/// Font size (in `em`) of a word in the cloud: from 1 for the rarest to 3.5 for the most given.
pub fn word_size(count: i64, max: i64) -> f64 {
    if max <= 1 {
        return 1.6;
    }
    let t = ((count - 1) as f64 / (max - 1) as f64).clamp(0.0, 1.0);
    ((1.0 + 2.5 * t.sqrt()) * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cats() -> Vec<CategoryDef> {
        vec![
            CategoryDef {
                id: "vision".into(),
                title: "Vision".into(),
                items: vec!["v1".into(), "v2".into()],
            },
            CategoryDef {
                id: "comm".into(),
                title: "Communication".into(),
                items: vec!["c1".into()],
            },
        ]
    }

    fn view(k: i64, revealed: bool) -> RoomView {
        RoomView {
            workshop_id: "w".into(),
            title: "T".into(),
            code: "12345678".into(),
            join_url: String::new(),
            open: true,
            joined: 0,
            finished: 0,
            answered: 0,
            answers: 0,
            k,
            revealed,
            stage: RoomStage::TooFew,
            scale: vec!["1".into(), "2".into(), "3".into(), "4".into()],
            categories: vec![],
            ask_poll: true,
            poll_answers: 0,
            poll: vec![],
            word_prompt: Some("One word?".into()),
            word_answers: 0,
            words: vec![],
            hidden_words: vec![],
        }
    }

    fn s(r: &str, item: &str, score: i64) -> (String, String, i64) {
        (r.into(), item.into(), score)
    }

    fn room(people: usize) -> RoomInput {
        let mut input = RoomInput::default();
        for p in 0..people {
            let r = format!("r{p}");
            input.statuses.push(crate::values::Status::InProgress);
            // everyone: vision 1 and 3 (mean 2), communication 4
            input.scores.push(s(&r, "v1", 1));
            input.scores.push(s(&r, "v2", 3));
            input.scores.push(s(&r, "c1", 4));
            input.room_answers.push((
                Some("vision".into()),
                Some(if p == 0 { "trust" } else { "time" }.into()),
            ));
        }
        input
    }

    #[test]
    fn the_vote_shows_beside_the_measured_ranking_with_intervals() {
        // nothing beside before the reveal
        let mut v = view(3, false);
        fill(&mut v, &cats(), &room(4));
        assert!(vote_beside(&v).is_empty());
        // four people: everyone voted for vision; the room measured vision 2, communication 4
        let mut v = view(3, true);
        let mut input = room(4);
        // one person answers communication 2: its mean 3.5, interval from the four people
        input.scores.retain(|(r, i, _)| !(r == "r3" && i == "c1"));
        input.scores.push(s("r3", "c1", 2));
        fill(&mut v, &cats(), &input);
        let rows = vote_beside(&v);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].title.as_str(), rows[0].votes, rows[0].rank),
            ("Vision", 4, 1)
        );
        assert_eq!(
            rows[0].interval,
            Some((2.0, 2.0)),
            "everyone alike: no width"
        );
        assert_eq!(
            (rows[1].title.as_str(), rows[1].votes),
            ("Communication", 0)
        );
        let (low, high) = rows[1].interval.unwrap();
        assert!((rows[1].mean - 3.5).abs() < 1e-12);
        // s = 1, se = 0.5, t(3) = 3.182: 3.5 ± 1.591, which reaches below vision's 2 (and is cut
        // at the scale's top, 4)
        assert!((low - (3.5 - 1.591)).abs() < 1e-9, "{low}");
        assert_eq!(high, 4.0);
        assert_eq!(rows[1].rank, 1, "overlapping intervals share the rank");
        assert!(rows[0].tied && rows[1].tied);
        // with everyone alike in communication too, the ranks part
        let mut v = view(3, true);
        fill(&mut v, &cats(), &room(4));
        let rows = vote_beside(&v);
        assert_eq!(rows.iter().map(|r| r.rank).collect::<Vec<_>>(), vec![1, 2]);
        assert!(!rows[0].tied);
    }

    #[test]
    fn nothing_shows_below_k_or_before_the_reveal() {
        let mut v = view(3, true);
        fill(&mut v, &cats(), &room(2));
        assert_eq!(
            (v.stage, v.answered, v.more_needed()),
            (RoomStage::TooFew, 2, 1)
        );
        assert!(
            v.categories
                .iter()
                .all(|c| c.mean.is_none() && c.distribution.is_empty())
        );
        assert!(v.poll.is_empty() && v.words.is_empty());

        let mut v = view(3, false);
        fill(&mut v, &cats(), &room(3));
        assert_eq!(v.stage, RoomStage::Waiting);
        assert!(v.categories.iter().all(|c| c.mean.is_none()));
        assert!(v.poll.is_empty());
        assert_eq!((v.poll_answers, v.word_answers), (3, 3));
        // listed for moderation before the reveal
        assert_eq!(v.words.len(), 2);
    }

    #[test]
    fn revealed_rooms_show_means_distributions_poll_and_words() {
        let mut v = view(3, true);
        let mut input = room(5);
        input.hidden_words.push("trust".into());
        fill(&mut v, &cats(), &input);
        assert_eq!(v.stage, RoomStage::Shown);
        assert_eq!((v.joined, v.answered, v.answers), (5, 5, 15));
        let vision = &v.categories[0];
        assert_eq!(vision.mean, Some(2.0));
        assert_eq!(vision.distribution, vec![5, 0, 5, 0]);
        assert_eq!(v.categories[1].mean, Some(4.0));
        assert_eq!(
            v.poll,
            vec![("Vision".to_string(), 5), ("Communication".to_string(), 0)]
        );
        assert_eq!(
            v.words,
            vec![WordCount {
                word: "time".into(),
                count: 4
            }]
        );
        assert_eq!(v.hidden_words[0].word, "trust");
    }

    #[test]
    fn a_category_with_too_few_answers_stays_hidden() {
        let mut v = view(3, true);
        let mut input = room(3);
        // only two people answered communication
        input.scores.retain(|(r, i, _)| !(i == "c1" && r == "r2"));
        fill(&mut v, &cats(), &input);
        assert!(v.categories[0].mean.is_some());
        assert_eq!(v.categories[1].mean, None);
        assert_eq!(v.categories[1].more_needed, 1);
    }

    #[test]
    fn each_participant_weighs_the_same_in_a_category_mean() {
        let mut v = view(3, true);
        let mut input = room(3);
        // r0 answered only v1 = 4: their category mean is 4, the others' 2
        input.scores.retain(|(r, _, _)| r != "r0");
        input.scores.push(s("r0", "v1", 4));
        input.scores.push(s("r0", "c1", 4));
        fill(&mut v, &cats(), &input);
        let mean = v.categories[0].mean.unwrap();
        assert!((mean - 8.0 / 3.0).abs() < 1e-9, "{mean}");
    }

    #[test]
    fn unknown_items_and_scores_are_ignored() {
        let mut v = view(3, true);
        let mut input = room(3);
        input.scores.push(s("r9", "elsewhere", 2));
        input.scores.push(s("r9", "v1", 9));
        fill(&mut v, &cats(), &input);
        assert_eq!((v.answered, v.answers), (3, 9));
    }

    #[test]
    fn the_room_shows_releases_not_each_arrival() {
        // k = 3: the first release holds r0..r2 (vision mean 2)
        let mut v = view(3, true);
        let first = fill(&mut v, &cats(), &room(3));
        assert_eq!(first.len(), 2, "vision and communication are released");
        let releases: HashMap<String, Release> = first.into_iter().collect();
        // a fourth participant (vision 4 and 4) and a changed answer of r0: the room still
        // shows the release, so neither can be read off it
        let mut input = room(3);
        input.releases = releases.clone();
        input.scores.push(s("r3", "v1", 4));
        input.scores.push(s("r3", "v2", 4));
        input.scores[0].2 = 3;
        let mut v = view(3, true);
        assert!(fill(&mut v, &cats(), &input).is_empty());
        assert_eq!(
            (v.categories[0].mean, v.categories[0].respondents),
            (Some(2.0), 3)
        );
        assert_eq!(v.categories[0].distribution, vec![3, 0, 3, 0]);
        // two more join (3 since the release): a new release with all six
        for r in ["r4", "r5"] {
            input.scores.push(s(r, "v1", 4));
            input.scores.push(s(r, "v2", 4));
        }
        let mut v = view(3, true);
        let next = fill(&mut v, &cats(), &input);
        assert_eq!(next.len(), 1);
        assert_eq!(next[0].0, "vision");
        assert_eq!(v.categories[0].respondents, 6);
        // r0 now 3 and 3 = 3; r1, r2: 2; r3..r5: 4 → (3 + 2 + 2 + 12) / 6
        let mean = v.categories[0].mean.unwrap();
        assert!((mean - 19.0 / 6.0).abs() < 1e-9, "{mean}");
        // leaving counts as a change too: two left and one joined since a release of three
        let release = Release {
            interval: None,
            members: ["a", "b", "c"].iter().map(|m| m.to_string()).collect(),
            mean: 2.0,
            distribution: vec![],
        };
        let now: BTreeSet<&str> = ["c", "d", "e"].into_iter().collect();
        assert!(needs_release(&now, Some(&release), 3));
        let now: BTreeSet<&str> = ["a", "b", "c", "d"].into_iter().collect();
        assert!(!needs_release(&now, Some(&release), 3));
        assert!(!needs_release(&["a", "b"].into_iter().collect(), None, 3));
    }

    #[test]
    fn word_sizes_grow_with_counts() {
        assert_eq!(word_size(1, 1), 1.6);
        assert_eq!(word_size(1, 10), 1.0);
        assert_eq!(word_size(10, 10), 3.5);
        assert!(word_size(3, 10) < word_size(6, 10));
    }

    mod applied {
        use super::*;
        use proptest::prelude::*;

        /// (participant, item, score or none): items of both categories and one of neither.
        fn answers() -> impl Strategy<Value = Vec<(usize, usize, Option<i64>)>> {
            prop::collection::vec((0..7usize, 0..4usize, prop::option::of(0..6i64)), 0..80)
        }

        const ITEMS: [&str; 4] = ["v1", "v2", "c1", "x9"];

        proptest! {
            /// A room's task applies each saved answer to the rows it read instead of reading
            /// them again: whatever the answers and their order, the room then shows exactly
            /// what a fresh read would, and releases exactly the same.
            #[test]
            fn applying_answers_is_reading_again(before in answers(), after in answers(), k in 3i64..5, revealed: bool) {
                let mut stored: BTreeMap<(String, String), i64> = BTreeMap::new();
                let write = |stored: &mut BTreeMap<(String, String), i64>, (p, i, score): (usize, usize, Option<i64>)| {
                    let key = (format!("r{p}"), ITEMS[i].to_string());
                    match score {
                        Some(score) => { stored.insert(key, score); }
                        None => { stored.remove(&key); }
                    }
                };
                for a in &before {
                    write(&mut stored, *a);
                }
                let read = |stored: &BTreeMap<(String, String), i64>| RoomInput {
                    statuses: vec![crate::values::Status::InProgress; 7],
                    scores: stored.iter().map(|((r, i), s)| (r.clone(), i.clone(), *s)).collect(),
                    ..RoomInput::default()
                };
                let mut copy = read(&stored);
                for a in &after {
                    write(&mut stored, *a);
                    let (p, i, score) = *a;
                    copy.apply(&format!("r{p}"), ITEMS[i], score);
                }
                let fresh = read(&stored);
                let mut sorted = copy.scores.clone();
                sorted.sort();
                prop_assert_eq!(&sorted, &fresh.scores);
                let (mut a, mut b) = (view(k, revealed), view(k, revealed));
                let (ra, rb) = (fill(&mut a, &cats(), &copy), fill(&mut b, &cats(), &fresh));
                prop_assert_eq!(a, b);
                prop_assert_eq!(ra, rb);
            }
        }
    }
}
