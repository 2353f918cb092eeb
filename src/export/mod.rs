//! Research export (issue 5, in progress): anonymised responses for R, SPSS or Python.
//!
//! Done so far: Cronbach's alpha and scale scores (`stats`), fresh per-export pseudonyms
//! (`pseudonym`) and the group-size rules that keep every exported group at k or more
//! (`anonymise`) — pure and unit-tested; the long CSV of consenting respondents, streamed, for
//! researchers and admins, logged (`service`, `db`, `api`: `GET /export/responses.csv`). Still to
//! come: wide CSV, JSON, the codebook, the R script, the researcher page and the `export` command.
pub mod anonymise;
pub mod api;
pub mod codebook;
pub mod db;
pub mod pseudonym;
pub mod service;
pub mod stats;
