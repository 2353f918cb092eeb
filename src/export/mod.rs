//! Research export (issue 5, in progress): anonymised responses for R, SPSS or Python.
//!
//! Done so far, pure and unit-tested: Cronbach's alpha and scale scores (`stats`), fresh
//! per-export pseudonyms (`pseudonym`) and the group-size rules that keep every exported group at
//! k or more (`anonymise`). Still to come: the export query and its streaming CSV/JSON writers,
//! the codebook, the R script, the researcher page and the `export` command.
pub mod anonymise;
pub mod pseudonym;
pub mod stats;
