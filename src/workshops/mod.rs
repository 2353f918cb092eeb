//! Live workshops (issue 4, in progress): a facilitator creates a workshop on a subset of an
//! instrument's categories, with an optional category poll and a one-word question, and gets an
//! 8-digit join code, a join link and a QR code; the workshop can be opened, closed and reopened.
pub mod api;
pub mod codes;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod service;
