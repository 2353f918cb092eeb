//! Live workshops: a facilitator creates a workshop on a subset of an
//! instrument's categories, with an optional category poll and a one-word question, and gets an
//! 8-digit join code, a join link and a QR code; the workshop can be opened, closed and reopened. Participants answer the room's questions; the presenter view shows the room's results
//! live (`live`: server-sent events, coalesced, across servers through PostgreSQL) once the room
//! is big enough and the facilitator reveals them (`room`).
pub mod api;
pub mod chart;
pub mod codes;
pub mod model;
pub mod pages;
pub mod room;

#[cfg(feature = "bench")]
pub mod bench;
#[cfg(feature = "ssr")]
mod db;
#[cfg(feature = "ssr")]
pub mod live;
#[cfg(feature = "ssr")]
pub mod service;
