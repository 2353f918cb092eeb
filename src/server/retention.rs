//! Retention, once a day: unfinished reflections nobody has touched for `REFLECT_UNFINISHED_DAYS`
//! (default 180) are deleted with their answers, and the export log forgets entries older than
//! `REFLECT_EXPORT_LOG_DAYS` (default 730). Every server runs it; running it twice does nothing
//! more.
use super::AppState;
use crate::error::AppResult;
use std::time::Duration;

/// What one run removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Removed {
    pub unfinished: usize,
    pub export_log: u64,
}

/// `now` minus `days`, in RFC 3339 (what the stored times are written in).
pub fn cutoff(now: time::OffsetDateTime, days: i64) -> String {
    (now - time::Duration::days(days))
        .replace_nanosecond(0)
        .unwrap_or(now)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// One run at `now`.
pub async fn run_once(state: &AppState, now: time::OffsetDateTime) -> AppResult<Removed> {
    let unfinished = crate::reflection::service::forget_unfinished(
        state,
        &cutoff(now, state.config.unfinished_days),
    )
    .await?;
    let export_log = crate::export::service::forget_log_before(
        state,
        &cutoff(now, state.config.export_log_days),
    )
    .await?;
    Ok(Removed {
        unfinished,
        export_log,
    })
}

/// Runs retention a minute after start and then every day, for as long as the server runs.
pub fn spawn_daily(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(60)).await;
        let mut every = tokio::time::interval(Duration::from_secs(24 * 60 * 60));
        loop {
            every.tick().await;
            match run_once(&state, time::OffsetDateTime::now_utc()).await {
                Ok(r) => tracing::info!(
                    unfinished_reflections = r.unfinished,
                    export_log_entries = r.export_log,
                    "retention"
                ),
                Err(e) => tracing::warn!(error = %e, "retention did not run"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cutoff_is_whole_days_back_in_the_stored_form() {
        let now = time::macros::datetime!(2026-12-04 10:20:30.5 UTC);
        assert_eq!(cutoff(now, 180), "2026-06-07T10:20:30Z");
        assert_eq!(cutoff(now, 1), "2026-12-03T10:20:30Z");
        // the stored form compares as text in time order
        assert!(cutoff(now, 1).as_str() < "2026-12-03T10:20:31Z");
    }
}
