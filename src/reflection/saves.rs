//! Group commit for answer saves (server only). A workshop puts hundreds of phones on one server
//! at once and every answer is saved on its own; on SQLite each commit is one fsync and there is
//! one writer, so saving answers one transaction each queues them behind the write lock.
//!
//! Instead, one writer task per server takes every save that is waiting, writes them in one
//! transaction and answers each only after that transaction has committed, so a success reply
//! still means "stored". While a batch commits the next saves gather in the queue: no save waits
//! on a timer, and under load the batches grow by themselves. A save that is refused (the
//! reflection was finished meanwhile) gets its own error and the others go on. If the database
//! fails the batch, nothing of it is stored and each save is tried again in a transaction of its
//! own, so one bad save never takes the others with it.
//!
//! SQLite has one writer, so it gets one writer task. PostgreSQL writes in parallel and every
//! statement is a round trip, so it gets several, each with its own queue; a reflection's saves
//! always go to the same one (by its id), so they keep their order and two batches never wait on
//! each other's rows.
use super::db;
use crate::error::{AppError, AppResult};
use crate::instrument::ParsedAnswer;
use crate::server::db::{Backend, Db};
use std::collections::HashSet;
use tokio::sync::{mpsc, oneshot};

/// The most saves written in one transaction.
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
    /// Starts the writer tasks on the current tokio runtime.
    pub fn spawn(db: Db) -> Self {
        let writers = match db.backend {
            Backend::Sqlite => 1,
            Backend::Postgres => POSTGRES_WRITERS,
        };
        let queues = (0..writers)
            .map(|_| {
                let (tx, rx) = mpsc::channel(QUEUE / writers);
                tokio::spawn(run(db.clone(), rx));
                tx
            })
            .collect();
        Self { queues }
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
            for (job, outcome) in jobs.into_iter().zip(outcomes) {
                // a caller that went away (client gone, timeout) no longer needs the reply
                let _ = job.reply.send(outcome);
            }
        }
        Err(e) if jobs.len() > 1 => {
            tracing::warn!(error = %e, saves = jobs.len(), "a batch of saves failed; saving each on its own");
            for job in jobs {
                let outcome = match write_together(db, &[&job.save]).await {
                    Ok(mut v) => v.pop().unwrap_or(Err(AppError::Internal)),
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

/// One transaction for all `saves`; the outer error means nothing was stored.
async fn write_together(db: &Db, saves: &[&Save]) -> Result<Vec<AppResult<Answered>>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let mut outcomes = Vec::with_capacity(saves.len());
    for s in saves {
        if !db::lock_in_progress(&mut tx, &s.reflection_id, &s.now).await? {
            outcomes.push(Err(super::service::finished_error()));
            continue;
        }
        match &s.answer {
            ParsedAnswer::Store(a) => {
                db::upsert_answer(&mut tx, &s.reflection_id, &s.item_id, a, &s.now).await?
            }
            ParsedAnswer::Clear => db::delete_answer(&mut tx, &s.reflection_id, &s.item_id).await?,
        }
        // exactly the state this save left (with the batch's earlier saves before it)
        let answered = db::answered_items_in(&mut tx, &s.reflection_id).await?;
        outcomes.push(Ok(answered.into_iter().collect()));
    }
    tx.commit().await?;
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    use super::writer_of;

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
