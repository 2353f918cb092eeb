//! Staff accounts (admins, school coordinators, researchers, facilitators): sign-in with an
//! argon2id-hashed password and a server-side session; respondents never need one.
pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
mod db;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod sessions;
