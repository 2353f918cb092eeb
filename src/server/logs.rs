//! Request logs: one line per request with a request id, the method, the route's pattern (never
//! the path as typed: private links carry tokens), the status and the time taken. No address,
//! no user agent, no query string, no body: nothing in the logs leads to a person or an answer.
//! `REFLECT_LOG_FORMAT=json` writes each line as a JSON object for a log collector.
use axum::body::Body;
use axum::extract::MatchedPath;
use axum::http::{HeaderValue, Request, Response};
use std::time::Duration;
use tracing::Span;

/// The request id header: kept from a proxy when it is a plain id, made here otherwise; sent
/// back with the response.
pub const REQUEST_ID: &str = "x-request-id";

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

impl LogFormat {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "text" => Some(Self::Text),
            "json" => Some(Self::Json),
            _ => None,
        }
    }
}

/// Starts the process's logging on standard error (standard output is for data: `reflect export`).
pub fn init(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn".into());
    // colours only for a person at a terminal, never in a file or a journal
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
}

/// An id from outside is kept only when it is short and plain (letters, digits, `-`, `_`, `.`).
fn plain_id(v: &HeaderValue) -> bool {
    let b = v.as_bytes();
    (1..=64).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// Gives every request an id (in its headers, for the log line) and its response the same.
pub async fn request_id(
    mut req: Request<Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let id = match req.headers().get(REQUEST_ID) {
        Some(v) if plain_id(v) => v.clone(),
        _ => HeaderValue::from_str(&uuid::Uuid::new_v4().simple().to_string())
            .unwrap_or(HeaderValue::from_static("-")),
    };
    req.headers_mut().insert(REQUEST_ID, id.clone());
    let mut res = next.run(req).await;
    res.headers_mut().insert(REQUEST_ID, id);
    res
}

/// The span of one request: its id, method and route pattern.
pub fn span(req: &Request<Body>) -> Span {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("(no route)", MatchedPath::as_str);
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", id, method = %req.method(), route)
}

/// Counts every request in the metrics (server/metrics.rs) by its route's pattern, never its
/// path.
pub async fn count(req: Request<Body>, next: axum::middleware::Next) -> axum::response::Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("(no route)", MatchedPath::as_str)
        .to_string();
    let method = req.method().clone();
    let start = std::time::Instant::now();
    let res = next.run(req).await;
    super::metrics::request(
        &route,
        method.as_str(),
        res.status().as_u16(),
        start.elapsed(),
    );
    res
}

/// The line written when a response starts.
pub fn on_response<B>(res: &Response<B>, latency: Duration, _span: &Span) {
    tracing::info!(
        status = res.status().as_u16(),
        ms = latency.as_millis() as u64,
        "answered"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_ids_are_checked() {
        assert_eq!(LogFormat::parse("json"), Some(LogFormat::Json));
        assert_eq!(LogFormat::parse(" Text "), Some(LogFormat::Text));
        assert_eq!(LogFormat::parse("xml"), None);
        assert!(plain_id(&HeaderValue::from_static("b7a1-42_x.9")));
        for bad in ["", "has space", "quote\"", "a{b}"] {
            assert!(!plain_id(&HeaderValue::from_str(bad).unwrap()), "{bad:?}");
        }
        let long = "a".repeat(65);
        assert!(!plain_id(&HeaderValue::from_str(&long).unwrap()));
    }
}
