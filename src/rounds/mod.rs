//! A school's rounds: the coordinator invites the school's leaders and teachers to reflect on one
//! innovation with one questionnaire, through two group links and, optionally, one-time
//! invitation codes; sees participation (coarsened) while the round runs; closes it by hand or
//! by date.
pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
mod db;
#[cfg(feature = "ssr")]
pub mod invitations;
#[cfg(feature = "ssr")]
pub mod service;
