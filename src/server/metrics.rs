//! Prometheus metrics (issue 19): requests by route and status with their latency, answer saves
//! and the writer's batch sizes, live streams open, the database pool, and how many group
//! results were shown or withheld. Recorded with the `metrics` crate; rendered in Prometheus's
//! text format by `metrics-exporter-prometheus` on `REFLECT_METRICS_ADDR` only: a listener of its
//! own, never the public address, and none unless that variable is set (nothing is recorded then).
//!
//! Labels are routes' patterns (`/r/{token}/c/{category}`, never a path as typed), status codes
//! and fixed words: no token, address, account or answer reaches a metric.
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::time::Duration;

/// Requests answered, by route pattern, method and status.
pub const REQUESTS: &str = "reflect_http_requests_total";
/// Time to the start of the response, by route pattern.
pub const REQUEST_SECONDS: &str = "reflect_http_request_duration_seconds";
/// Answer saves committed (one per answer).
pub const SAVES: &str = "reflect_answer_saves_total";
/// Answer saves per group commit of the save writer.
pub const SAVE_BATCH: &str = "reflect_answer_save_batch_size";
/// Live room streams (presenter screens) open now.
pub const LIVE_STREAMS: &str = "reflect_live_streams_open";
/// Database connections, by state (`idle`, `in_use`), read at each scrape.
pub const POOL: &str = "reflect_db_pool_connections";
/// Group results asked for, by outcome (`shown`, `withheld`).
pub const RESULTS: &str = "reflect_group_results_total";

/// Starts recording; the handle renders what was recorded. `None` when a recorder is already
/// installed in this process (the metrics then go to that one).
pub fn install() -> Option<PrometheusHandle> {
    let latency = [
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
    ];
    let batches = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0];
    let builder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.into()), &latency)
        .and_then(|b| b.set_buckets_for_metric(Matcher::Full(SAVE_BATCH.into()), &batches));
    match builder.and_then(|b| b.install_recorder()) {
        Ok(handle) => {
            describe();
            // shown from the start, not only once a screen has opened
            metrics::gauge!(LIVE_STREAMS).set(0.0);
            Some(handle)
        }
        Err(e) => {
            tracing::warn!(error = %e, "metrics are not recorded");
            None
        }
    }
}

fn describe() {
    metrics::describe_counter!(
        REQUESTS,
        "Requests answered, by route pattern, method and status."
    );
    metrics::describe_histogram!(
        REQUEST_SECONDS,
        metrics::Unit::Seconds,
        "Time until the response starts, by route pattern."
    );
    metrics::describe_counter!(SAVES, "Answer saves committed.");
    metrics::describe_histogram!(SAVE_BATCH, "Answer saves per group commit.");
    metrics::describe_gauge!(LIVE_STREAMS, "Live room streams open.");
    metrics::describe_gauge!(POOL, "Database connections, by state.");
    metrics::describe_counter!(
        RESULTS,
        "Group results asked for, by outcome: shown, or withheld by the disclosure rules."
    );
}

/// Counts one answered request.
pub fn request(route: &str, method: &str, status: u16, latency: Duration) {
    let route = route.to_string();
    metrics::counter!(REQUESTS, "route" => route.clone(), "method" => method.to_string(), "status" => status.to_string())
        .increment(1);
    metrics::histogram!(REQUEST_SECONDS, "route" => route).record(latency.as_secs_f64());
}

/// Counts a committed batch of answer saves: its size, and how many it stored (a save to a
/// finished reflection stores nothing).
pub fn saved(batch: usize, stored: usize) {
    metrics::counter!(SAVES).increment(stored as u64);
    metrics::histogram!(SAVE_BATCH).record(batch as f64);
}

/// Counts a group result: shown, or withheld.
pub fn group_result(shown: bool) {
    let outcome = if shown { "shown" } else { "withheld" };
    metrics::counter!(RESULTS, "outcome" => outcome).increment(1);
}

/// One live stream, counted as open while this lives.
#[derive(Debug)]
pub struct LiveStream(());

impl LiveStream {
    pub fn open() -> Self {
        metrics::gauge!(LIVE_STREAMS).increment(1.0);
        LiveStream(())
    }
}

impl Drop for LiveStream {
    fn drop(&mut self) {
        metrics::gauge!(LIVE_STREAMS).decrement(1.0);
    }
}

/// Serves `GET /metrics` on `addr` until the process ends: the pool's use as of now, then
/// everything recorded. Returns the address bound.
pub async fn serve(
    addr: std::net::SocketAddr,
    handle: PrometheusHandle,
    db: super::db::Db,
) -> std::io::Result<std::net::SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let handle = handle.clone();
            let db = db.clone();
            async move {
                let size = db.pool.size() as f64;
                let idle = db.pool.num_idle() as f64;
                metrics::gauge!(POOL, "state" => "idle").set(idle);
                metrics::gauge!(POOL, "state" => "in_use").set((size - idle).max(0.0));
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    )],
                    handle.render(),
                )
            }
        }),
    );
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "the metrics listener stopped");
        }
    });
    Ok(bound)
}
