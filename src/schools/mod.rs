//! Schools (with their join codes), networks of schools and countries: the groups whose results
//! are shown together. Created by an admin.
pub mod api;
pub mod codes;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
mod db;
pub mod import;
#[cfg(feature = "ssr")]
pub mod service;
