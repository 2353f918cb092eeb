//! Group results (issue 3, in progress): the statistics and the privacy rules are here and tested;
//! the results pages build on them.
pub mod stats;
pub mod suppression;
