//! The one release of the groups above school level (server only). A finish or a deletion adds
//! its changes to the pending ones and commits; then [`poke`] wakes one task, which tries
//! `service::release_above` for every instrument with changes waiting, and tries again while
//! more came meanwhile. One attempt runs at a time, so a crowd finishing at once costs one
//! working-out of the joint pieces, not one each.
use crate::server::AppState;

/// Whether the task runs, and whether changes came since its last attempt began.
#[derive(Default)]
pub struct Releaser {
    flags: std::sync::Mutex<Flags>,
    idle: tokio::sync::Notify,
}

#[derive(Default)]
struct Flags {
    running: bool,
    dirty: bool,
}

impl Releaser {
    fn is_settled(&self) -> bool {
        self.flags
            .lock()
            .map(|f| !f.running && !f.dirty)
            .unwrap_or(true)
    }

    /// Waits until no attempt runs or waits: for tests and tools that read the results right
    /// after a change.
    pub async fn settled(&self) {
        loop {
            let notified = self.idle.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.is_settled() {
                return;
            }
            notified.await;
        }
    }

    /// Takes the next attempt, or ends the task when nothing came since the last one began.
    fn next(&self) -> bool {
        let Ok(mut f) = self.flags.lock() else {
            return false;
        };
        if f.dirty {
            f.dirty = false;
            true
        } else {
            f.running = false;
            false
        }
    }
}

/// Ends the task's turn however it ends (a panic too): the next poke starts a new one, and
/// whoever waits for [`Releaser::settled`] looks again.
struct Turn<'a>(&'a Releaser);

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        // an ordinary end was marked by `Releaser::next`, and a new task may run already
        if std::thread::panicking()
            && let Ok(mut f) = self.0.flags.lock()
        {
            f.running = false;
        }
        self.0.idle.notify_waiters();
    }
}

/// Asks for a release attempt above school level: starts the task, or has the running one try
/// once more after its current attempt.
pub fn poke(state: &AppState) {
    let start = match state.releaser.flags.lock() {
        Ok(mut f) => {
            f.dirty = true;
            !std::mem::replace(&mut f.running, true)
        }
        Err(_) => false,
    };
    if start {
        let state = state.clone();
        tokio::spawn(async move {
            let _turn = Turn(&state.releaser);
            while state.releaser.next() {
                attempt(&state).await;
            }
        });
    }
}

/// One attempt for every instrument with changes waiting above school level. A failure is
/// logged; the next poke tries again.
async fn attempt(state: &AppState) {
    let instruments = match super::aggregates::pending_above_instruments(&state.db).await {
        Ok(ids) => ids,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the changes waiting above school level");
            return;
        }
    };
    for id in instruments {
        if let Err(e) = super::service::release_above(state, &id).await {
            tracing::warn!(error = %e, instrument = %id, "a release above school level failed");
        }
    }
}
