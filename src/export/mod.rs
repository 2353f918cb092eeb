//! Research export: anonymised responses for R, SPSS or Python.
//!
//! Pure and unit-tested: Cronbach's alpha and scale scores (`stats`), fresh per-export
//! pseudonyms (`pseudonym`), the group-size rules that keep every exported group at k or more
//! (`anonymise`), the R script (`rscript`). The respondents of an export after those rules, held
//! compactly (`prepare`). Downloads for researchers and admins, logged: long and wide CSV and
//! JSON of consenting respondents, streamed (`service`, `db`, `download`; one driver and a
//! writer per format in `format`), the codebook (`codebook`; it and the R script in the request's
//! language); the researcher page `/export` with
//! a preview (`pages`, `api`); `reflect export` writes the same to standard output (`cli`);
//! `reflect-bench export` measures it (`bench`).
pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod anonymise;
#[cfg(feature = "bench")]
pub mod bench;
#[cfg(feature = "ssr")]
pub mod cli;
#[cfg(feature = "ssr")]
pub mod codebook;
#[cfg(feature = "ssr")]
mod db;
#[cfg(feature = "ssr")]
pub mod download;
#[cfg(feature = "ssr")]
mod format;
#[cfg(feature = "ssr")]
pub mod prepare;
#[cfg(feature = "ssr")]
pub mod pseudonym;
#[cfg(feature = "ssr")]
pub mod rscript;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod stats;
