//! Group results: which category needs most work per school, network, country and all, from the
//! running aggregates, with the minimum group size and secondary suppression in every view.
#[cfg(feature = "ssr")]
pub mod above;
#[cfg(test)]
mod adversary;
#[cfg(feature = "ssr")]
pub mod aggregates;
pub mod api;
#[cfg(feature = "bench")]
pub mod bench;
pub mod chart;
pub mod compute;
#[cfg(test)]
mod cross_groups;
#[cfg(feature = "ssr")]
mod db;
#[cfg(feature = "ssr")]
pub mod joint;
pub mod model;
pub mod pages;
pub mod pieces;
pub mod privacy;
pub mod release;
#[cfg(feature = "ssr")]
pub mod report;
pub mod report_page;
#[cfg(feature = "ssr")]
pub mod report_pdf;
#[cfg(feature = "ssr")]
pub mod service;
pub mod span;
pub mod stats;
pub mod suppression;
