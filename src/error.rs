//! The one error type of the app.
//!
//! Use `AppError::Invalid` for input a user can correct (the message is shown to them as is),
//! `NotFound` for unknown ids, tokens and codes, `Conflict` for requests that are valid but not
//! allowed in the current state (answering a finished reflection), `BadRequest` for malformed
//! requests (wrong types, missing fields), and `Internal` for everything else. The cause of an
//! `Internal` error is logged on the server and never sent to the browser.
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// Not signed in (or the session ended).
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but this account may not do or see this.
    #[error("{0}")]
    Forbidden(String),
    /// Too many attempts in a short time (sign-in, join codes).
    #[error("{0}")]
    TooManyRequests(String),
    #[error("The request could not be read: {0}")]
    BadRequest(String),
    #[error("Something went wrong on our side. Your earlier answers are safe; please try again.")]
    Internal,
}

impl AppError {
    pub fn invalid(msg: impl Into<String>) -> Self {
        Self::Invalid(msg.into())
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid(_) => 422,
            Self::NotFound(_) => 404,
            Self::Conflict(_) => 409,
            Self::BadRequest(_) => 400,
            Self::Unauthorized(_) => 401,
            Self::Forbidden(_) => 403,
            Self::TooManyRequests(_) => 429,
            Self::Internal => 500,
        }
    }

    pub fn sign_in() -> Self {
        Self::Unauthorized("Please sign in to see this page.".into())
    }

    pub fn forbidden() -> Self {
        Self::Forbidden("Your account may not see or change this.".into())
    }

    pub fn unknown_reflection() -> Self {
        Self::NotFound(
            "No reflection belongs to this link. Check that you copied the whole private link."
                .into(),
        )
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m)
            | ServerFnErrorErr::MissingArg(m)
            | ServerFnErrorErr::Deserialization(m)
            | ServerFnErrorErr::Request(m)
            | ServerFnErrorErr::UnsupportedRequestMethod(m) => Self::BadRequest(m),
            ServerFnErrorErr::Registration(m) => Self::NotFound(m),
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failure");
                #[cfg(not(feature = "ssr"))]
                let _ = other;
                Self::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "database error");
        Self::Internal
    }
}

pub type AppResult<T> = Result<T, AppError>;
