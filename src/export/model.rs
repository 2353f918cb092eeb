//! Types shared by the export's server functions and pages.
use serde::{Deserialize, Serialize};

/// The filters as a form or URL gives them (every field optional text).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportParams {
    pub instrument: Option<String>,
    pub version: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub country: Option<String>,
    pub network: Option<String>,
    pub school: Option<String>,
    pub role: Option<String>,
    pub innovation: Option<String>,
    /// The language answered in (a language code: en, nl, cs, sl, es, sv).
    pub language: Option<String>,
    pub unfinished: Option<String>,
    /// "yes": written answers too (only from groups of at least 10).
    pub text: Option<String>,
}

impl ExportParams {
    /// The filters as a query string (empty fields left out), for the download links.
    pub fn query(&self) -> String {
        [
            ("instrument", &self.instrument),
            ("version", &self.version),
            ("from", &self.from),
            ("to", &self.to),
            ("country", &self.country),
            ("network", &self.network),
            ("school", &self.school),
            ("role", &self.role),
            ("innovation", &self.innovation),
            ("language", &self.language),
            ("unfinished", &self.unfinished),
            ("text", &self.text),
        ]
        .into_iter()
        .filter_map(|(k, v)| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", urlencoding::encode(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
    }
}

/// What an export would hold: counts only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportPreview {
    /// Respondents exported: 0 or at least the minimum group size.
    pub respondents: i64,
    pub minimum_group_size: i64,
    /// (what was done, respondents; `None` for fewer than the minimum group size — the preview
    /// never gives an exact count under k).
    pub suppression: Vec<(String, Option<i64>)>,
}

/// What the researcher page's filters offer: (id, name) pairs and country codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterChoices {
    pub instruments: Vec<(String, String)>,
    pub networks: Vec<(String, String)>,
    pub schools: Vec<(String, String)>,
    pub countries: Vec<String>,
}

/// One research export as the log holds it (never the data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportLogEntry {
    /// When it began (RFC 3339, UTC).
    pub at: String,
    /// The account that exported.
    pub email: String,
    pub format: String,
    /// The filters as JSON.
    pub filters: String,
    /// The rows written, once the download was written to the end.
    pub rows: Option<i64>,
}

/// How many of the newest export log entries the admin page shows.
pub const EXPORT_LOG_SHOWN: i64 = 500;
