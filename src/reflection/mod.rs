//! The reflection: a respondent answers an instrument category by category and ends with a
//! personal profile.
pub mod api;
pub mod chart;
#[cfg(feature = "hydrate")]
mod device;
pub mod form;
pub mod model;
pub mod pages;
pub mod scoring;

#[cfg(feature = "bench")]
pub mod bench;
#[cfg(feature = "ssr")]
mod db;
#[cfg(feature = "ssr")]
pub mod saves;
#[cfg(feature = "ssr")]
pub mod service;
