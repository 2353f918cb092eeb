//! Group commit for answer saves (server only). A workshop puts hundreds of phones on one server
//! at once and every answer is saved on its own; on SQLite each commit is one fsync and there is
//! one writer, so saving answers one transaction each queues them behind the write lock.
//!
//! Instead, one writer per server takes every save that is waiting, writes them in one
//! transaction of five statements whatever their number, and answers each only after that
//! transaction has committed, so a success reply still means "stored". While a batch commits the
//! next saves gather in the queue: no save waits on a timer, and under load the batches grow by
//! themselves. A save that is refused (the reflection was finished meanwhile) gets its own error
//! and the others go on. If the database fails the batch, nothing of it is stored and each save
//! is tried again in a transaction of its own, so one bad save never takes the others with it.
//!
//! SQLite has one writer, so it gets one, on a thread and a connection of its own. PostgreSQL
//! writes in parallel and every statement is a round trip, so it gets several, each with its own
//! queue; a reflection's saves always go to the same one (by its id), so they keep their order
//! and two batches never wait on each other's rows.
use super::db;
use crate::error::{AppError, AppResult};
use crate::instrument::ParsedAnswer;
use crate::server::db::{Backend, Db};
use std::collections::{HashMap, HashSet};
use tokio::sync::{mpsc, oneshot};

/// The most saves written in one transaction (five binds each in the one INSERT: well inside
/// SQLite's 32,766 and PostgreSQL's 65,535).
const MAX_BATCH: usize = 512;
/// Saves that may wait for the writer before callers wait to enqueue (backpressure).
const QUEUE: usize = 8192;

/// One answer to store (or clear), checked already against its item.
pub struct Save {
    pub reflection_id: String,
    pub item_id: String,
    pub answer: ParsedAnswer,
    pub now: String,
}

/// What a committed save left: the reflection's answered items, read in the same transaction.
pub type Answered = HashSet<String>;

struct Job {
    save: Save,
    reply: oneshot::Sender<AppResult<Answered>>,
}

/// Writer tasks on PostgreSQL (SQLite: one).
const POSTGRES_WRITERS: usize = 8;

/// The handle to the writer tasks; cheap to clone. They end when every handle is dropped.
#[derive(Clone)]
pub struct SaveWriter {
    queues: Vec<mpsc::Sender<Job>>,
}

impl SaveWriter {
    /// Starts the writers. `db` is the writer's database ([`Db::for_writer`]).
    ///
    /// SQLite's one writer runs on a thread of its own, with a runtime of its own: its batch is
    /// half a dozen statements, each a hop to SQLite's connection thread and back, and on the
    /// server's runtime every hop back would queue behind the HTTP requests' tasks (measured:
    /// most of a batch's time under load). PostgreSQL's writers are tasks on the current runtime,
    /// as their connections belong to it.
    pub fn spawn(db: Db) -> Self {
        match db.backend {
            Backend::Sqlite => {
                let (tx, rx) = mpsc::channel(QUEUE);
                let started = std::thread::Builder::new()
                    .name("answer-writer".into())
                    .spawn(move || {
                        match tokio::runtime::Builder::new_current_thread()
                            .enable_all()
                            .build()
                        {
                            Ok(runtime) => runtime.block_on(run(db, rx)),
                            Err(e) => {
                                tracing::error!(error = %e, "the answer writer could not start")
                            }
                        }
                    });
                if let Err(e) = started {
                    // every save then answers "the answer writer has stopped"
                    tracing::error!(error = %e, "the answer writer's thread could not start");
                }
                Self { queues: vec![tx] }
            }
            Backend::Postgres => {
                let writers = POSTGRES_WRITERS;
                let queues = (0..writers)
                    .map(|_| {
                        let (tx, rx) = mpsc::channel(QUEUE / writers);
                        tokio::spawn(run(db.clone(), rx));
                        tx
                    })
                    .collect();
                Self { queues }
            }
        }
    }

    /// Stores one save and answers once it is committed.
    pub async fn save(&self, save: Save) -> AppResult<Answered> {
        let queue = &self.queues[writer_of(&save.reflection_id, self.queues.len())];
        let (reply, answer) = oneshot::channel();
        if queue.send(Job { save, reply }).await.is_err() {
            tracing::error!("the answer writer has stopped");
            return Err(AppError::Internal);
        }
        answer.await.unwrap_or_else(|_| {
            tracing::error!("the answer writer dropped a save");
            Err(AppError::Internal)
        })
    }
}

/// The writer that takes a reflection's saves: always the same one.
fn writer_of(reflection_id: &str, writers: usize) -> usize {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(reflection_id, &mut h);
    (std::hash::Hasher::finish(&h) % writers as u64) as usize
}

async fn run(db: Db, mut rx: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        write(&db, std::mem::take(&mut batch)).await;
    }
}

/// Writes a batch and answers every job in it.
async fn write(db: &Db, jobs: Vec<Job>) {
    let saves: Vec<&Save> = jobs.iter().map(|j| &j.save).collect();
    match write_together(db, &saves).await {
        Ok(outcomes) => {
            let stored = outcomes.iter().filter(|o| o.is_ok()).count();
            crate::server::metrics::saved(jobs.len(), stored);
            for (job, outcome) in jobs.into_iter().zip(outcomes) {
                // a caller that went away (client gone, timeout) no longer needs the reply
                let _ = job.reply.send(outcome);
            }
        }
        Err(e) if jobs.len() > 1 => {
            tracing::warn!(error = %e, saves = jobs.len(), "a batch of saves failed; saving each on its own");
            for job in jobs {
                let outcome = match write_together(db, &[&job.save]).await {
                    Ok(mut v) => {
                        let outcome = v.pop().unwrap_or(Err(AppError::Internal));
                        crate::server::metrics::saved(1, usize::from(outcome.is_ok()));
                        outcome
                    }
                    Err(e) => Err(e.into()),
                };
                let _ = job.reply.send(outcome);
            }
        }
        // a batch of one failed on its own: nothing to retry apart
        Err(e) => {
            if let Some(job) = jobs.into_iter().next() {
                let _ = job.reply.send(Err(e.into()));
            }
        }
    }
}

/// One transaction for all `saves`; the outer error means nothing was stored. A fixed number of
/// statements whatever the batch's size: lock every reflection that is still in progress, read
/// what they have answered, then write each (reflection, item)'s last answer of the batch.
async fn write_together(db: &Db, saves: &[&Save]) -> Result<Vec<AppResult<Answered>>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let mut ids: Vec<&str> = saves.iter().map(|s| s.reflection_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let now = saves
        .iter()
        .map(|s| s.now.as_str())
        .max()
        .unwrap_or_default();
    // locked first, so on PostgreSQL the answers read next are the committed state behind the lock
    let open: HashSet<String> = db::lock_in_progress_many(&mut tx, &ids, now)
        .await?
        .into_iter()
        .collect();
    let open_ids: Vec<&str> = ids.into_iter().filter(|id| open.contains(*id)).collect();
    let before = db::answered_items_of(&mut tx, &open_ids).await?;
    let plan = plan(saves, &open, before);
    db::upsert_answers(&mut tx, &plan.stores).await?;
    db::delete_answers(&mut tx, &plan.clears).await?;
    tx.commit().await?;
    Ok(plan.outcomes)
}

/// What a batch writes and answers, worked out from the saves in their order.
struct Plan<'a> {
    /// One per save: the answered items right after it (the batch's earlier saves before it), or
    /// its refusal.
    outcomes: Vec<AppResult<Answered>>,
    /// The last answer of the batch for each (reflection, item) it stores …
    stores: Vec<db::AnswerRow<'a>>,
    /// … or clears.
    clears: Vec<(&'a str, &'a str)>,
}

/// `open`: the saves' reflections that are in progress; `before`: their (reflection, item)
/// answered before the batch.
fn plan<'a>(saves: &[&'a Save], open: &HashSet<String>, before: Vec<(String, String)>) -> Plan<'a> {
    let mut answered: HashMap<String, Answered> = HashMap::new();
    for (reflection, item) in before {
        answered.entry(reflection).or_default().insert(item);
    }
    let mut last: HashMap<(&str, &str), &Save> = HashMap::new();
    let mut outcomes = Vec::with_capacity(saves.len());
    for s in saves {
        if !open.contains(&s.reflection_id) {
            outcomes.push(Err(super::service::finished_error()));
            continue;
        }
        let items = answered.entry(s.reflection_id.clone()).or_default();
        match &s.answer {
            ParsedAnswer::Store(_) => items.insert(s.item_id.clone()),
            ParsedAnswer::Clear => items.remove(&s.item_id),
        };
        outcomes.push(Ok(items.clone()));
        last.insert((&s.reflection_id, &s.item_id), s);
    }
    let (mut stores, mut clears) = (Vec::new(), Vec::new());
    for ((reflection, item), s) in last {
        match &s.answer {
            ParsedAnswer::Store(a) => stores.push((reflection, item, a, s.now.as_str())),
            ParsedAnswer::Clear => clears.push((reflection, item)),
        }
    }
    Plan {
        outcomes,
        stores,
        clears,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrument::StoredAnswer;

    fn save(reflection: &str, item: &str, value: Option<&str>, now: &str) -> Save {
        Save {
            reflection_id: reflection.into(),
            item_id: item.into(),
            answer: match value {
                Some(v) => ParsedAnswer::Store(StoredAnswer {
                    value: v.into(),
                    score: v.parse().ok(),
                }),
                None => ParsedAnswer::Clear,
            },
            now: now.into(),
        }
    }

    fn set(items: &[&str]) -> Answered {
        items.iter().map(|i| i.to_string()).collect()
    }

    #[test]
    fn a_batch_answers_each_save_with_the_state_it_left_and_writes_each_item_s_last_answer() {
        let saves = [
            save("a", "q1", Some("2"), "t1"),
            save("b", "q1", Some("5"), "t2"),
            save("a", "q2", Some("3"), "t3"),
            save("a", "q1", Some("4"), "t4"),
            save("a", "q9", None, "t5"),
            save("f", "q1", Some("1"), "t6"),
            save("b", "q1", None, "t7"),
        ];
        let refs: Vec<&Save> = saves.iter().collect();
        let open = ["a", "b"].iter().map(|s| s.to_string()).collect();
        let before = vec![("a".into(), "q9".into()), ("b".into(), "q7".into())];
        let plan = plan(&refs, &open, before);

        let outcomes: Vec<Result<Answered, String>> = plan
            .outcomes
            .into_iter()
            .map(|o| o.map_err(|e| e.to_string()))
            .collect();
        assert_eq!(outcomes[0], Ok(set(&["q9", "q1"])));
        assert_eq!(outcomes[1], Ok(set(&["q7", "q1"])));
        assert_eq!(outcomes[2], Ok(set(&["q9", "q1", "q2"])));
        assert_eq!(outcomes[3], Ok(set(&["q9", "q1", "q2"])));
        assert_eq!(outcomes[4], Ok(set(&["q1", "q2"])));
        assert_eq!(
            outcomes[5],
            Err(crate::reflection::service::finished_error().to_string())
        );
        assert_eq!(outcomes[6], Ok(set(&["q7"])));

        let mut stores: Vec<(&str, &str, &str, &str)> = plan
            .stores
            .iter()
            .map(|(r, i, a, t)| (*r, *i, a.value.as_str(), *t))
            .collect();
        stores.sort();
        assert_eq!(stores, [("a", "q1", "4", "t4"), ("a", "q2", "3", "t3")]);
        let mut clears = plan.clears.clone();
        clears.sort();
        assert_eq!(clears, [("a", "q9"), ("b", "q1")]);
    }

    #[test]
    fn a_batch_of_finished_reflections_writes_nothing() {
        let saves = [
            save("f", "q1", Some("1"), "t1"),
            save("f", "q2", None, "t2"),
        ];
        let refs: Vec<&Save> = saves.iter().collect();
        let plan = plan(&refs, &HashSet::new(), Vec::new());
        assert!(plan.outcomes.iter().all(|o| o.is_err()));
        assert!(plan.stores.is_empty() && plan.clears.is_empty());
    }

    #[test]
    fn a_reflection_always_goes_to_the_same_writer_and_all_writers_are_used() {
        let ids: Vec<String> = (0..200).map(|i| format!("reflection-{i}")).collect();
        let mut used = [false; 8];
        for id in &ids {
            let w = writer_of(id, 8);
            assert_eq!(w, writer_of(id, 8));
            used[w] = true;
        }
        assert!(used.iter().all(|u| *u));
        assert!(ids.iter().all(|id| writer_of(id, 1) == 0));
    }
}
