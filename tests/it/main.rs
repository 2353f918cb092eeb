//! Reflect's integration tests: one test binary, a module per domain, each on the real router
//! and a real database (SQLite, and PostgreSQL when it is reachable). One binary links the app
//! once instead of once per file.
#![allow(clippy::unwrap_used)] // a panic is how a test fails
#[macro_use]
mod common;

mod accounts;
mod admin;
mod aggregates;
mod assets;
mod crash;
mod export;
mod hardening;
mod hostile;
mod instruments;
mod languages;
mod nodes;
mod operations;
mod reflection;
mod report;
mod results;
mod retake;
mod rounds;
mod validators;
mod workshops;
