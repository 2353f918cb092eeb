//! Group results (issue 3, in progress): the statistics, the privacy rules and the running
//! aggregates are here and tested; the results pages build on them.
#[cfg(feature = "ssr")]
pub mod aggregates;
#[cfg(feature = "ssr")]
pub mod bench;
pub mod compute;
#[cfg(feature = "ssr")]
pub mod db;
pub mod stats;
pub mod suppression;
