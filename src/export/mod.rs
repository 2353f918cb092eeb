//! Research export (issue 5, in progress): anonymised responses for R, SPSS or Python.
//!
//! Done so far: Cronbach's alpha and scale scores (`stats`), fresh per-export pseudonyms
//! (`pseudonym`) and the group-size rules that keep every exported group at k or more
//! (`anonymise`) — pure and unit-tested; the long CSV of consenting respondents, streamed, for
//! researchers and admins, logged (`service`, `db`, `download`: `GET /export/responses.csv`); the codebook (`codebook`);
//! the researcher page `/export` with a preview (`pages`, `api`). Still to come: wide CSV, JSON,
//! the R script, free text on request and the benchmark. `reflect export` (`cli`) writes the same
//! downloads to standard output.
pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod anonymise;
#[cfg(feature = "ssr")]
pub mod cli;
#[cfg(feature = "ssr")]
pub mod codebook;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod download;
#[cfg(feature = "ssr")]
pub mod pseudonym;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod stats;
