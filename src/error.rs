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
    /// The browser did not reach the server (no connection). Made in the browser only.
    #[error("The connection to the server is lost.")]
    Unreachable,
}

impl AppError {
    pub fn invalid(msg: impl Into<String>) -> Self {
        Self::Invalid(msg.into())
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

/// The one place an error becomes HTTP: its status, and the response of a handler outside the
/// server functions (downloads, the live stream).
#[cfg(feature = "ssr")]
impl AppError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Unreachable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// Sets this error's status on the response being made (a page or a server function),
    /// unless something (a plain form's 303 back to its page) already chose one.
    pub fn set_status(&self) {
        if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
            && res.0.read().is_ok_and(|parts| parts.status.is_none())
        {
            res.set_status(self.status());
        }
    }
}

#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        (self.status(), self.to_string()).into_response()
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// A server function's error goes out with its own status (see [`AppError::status`]).
    fn ser(&self) -> server_fn::Bytes {
        #[cfg(feature = "ssr")]
        self.set_status();
        // the browser shows the message as it comes: in the language of the request
        #[cfg(feature = "ssr")]
        let localized = self.localized(crate::lang::current());
        #[cfg(feature = "ssr")]
        let this = &localized;
        #[cfg(not(feature = "ssr"))]
        let this = self;
        serde_json::to_vec(this)
            .map(server_fn::Bytes::from)
            .unwrap_or_else(|_| server_fn::Bytes::from_static(br#""Internal""#))
    }

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m)
            | ServerFnErrorErr::MissingArg(m)
            | ServerFnErrorErr::Deserialization(m)
            | ServerFnErrorErr::UnsupportedRequestMethod(m) => Self::BadRequest(m),
            // the browser's request did not go through (in the browser: no connection)
            ServerFnErrorErr::Request(_) if cfg!(feature = "hydrate") => Self::Unreachable,
            ServerFnErrorErr::Request(m) => Self::BadRequest(m),
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

/// Too many wrong workshop codes from one client.
pub const JOIN_TOO_MANY: &str =
    "Too many wrong codes from this device. Wait a minute, then check the code on the screen.";
/// Too many wrong school codes from one client.
pub const SCHOOL_TOO_MANY: &str = "Too many wrong school codes from this device. Wait a minute, then ask your school for its code.";

/// A yes-or-no field (a checkbox's or a hidden field's value) holding something else.
pub const YES_OR_NO: &str = "A yes-or-no field holds another value. Reload the page and try again.";

/// Every message with a fixed text that the server can answer a form with. A plain form (no
/// JavaScript) goes back to its page with `?error=<code>`, and the page shows the message of that
/// code: nobody can put words in a page through its address. A message built with values (a name,
/// a length) is sent as its kind's code and shown as that kind's general message. A unit test scans
/// the source so that no fixed message is missing here.
const FORM_MESSAGES: &[&str] = &[
    "Enter a valid e-mail address.",
    "Choose a role for the account.",
    "A school coordinator needs a school.",
    "That school does not exist.",
    "An account with this e-mail address exists already.",
    "Too many sign-in attempts from this device. Wait a minute and try again.",
    "Too many sign-in attempts for this address. Wait a minute and try again.",
    "Many people are signing in right now. Try again in a moment.",
    "The e-mail address or the password is not right.",
    "Please sign in to see this page.",
    "Your account may not see or change this.",
    "No reflection belongs to this link. Check that you copied the whole private link.",
    "No such download.",
    "Only researchers and administrators export responses.",
    "Choose a questionnaire to export.",
    "Choose a version of the questionnaire.",
    "Dates are written as YYYY-MM-DD.",
    "Choose a role from the list.",
    "Choose an innovation from the list.",
    "Choose a language from the list.",
    "A country is a two-letter code, e.g. NL.",
    "Choose your role.",
    "Choose the innovation you reflect on.",
    "Say in a few words which innovation you reflect on.",
    "Say whether your answers may be used for research (yes or no).",
    "A school code has at most 16 characters.",
    "No school has this code. Check it, or leave the field empty.",
    "This workshop uses another questionnaire: open it from the workshop's join page.",
    "The workshop is closed, so it accepts no more answers. Your earlier answers are kept.",
    "This reflection is finished, so its answers can no longer be changed. Your profile shows them.",
    "This category has no reflection question.",
    "Finish the reflection first; the action plan belongs to its profile.",
    "The action plan contains characters that cannot be stored.",
    "Write one or two steps first: an empty action plan is not saved.",
    "Tick the box to confirm that all your answers should be deleted.",
    "There is no such results page.",
    "A version is a whole number.",
    "There is no such questionnaire.",
    "Choose an innovation focus from the list.",
    "Give months as YYYY-MM, e.g. 2026-09.",
    "The first month comes after the last one.",
    "There is no such country.",
    "There is no such network.",
    "There is no such school.",
    "Only the school's coordinators and administrators see a school's results.",
    "A country is its two-letter ISO code, e.g. NL, BE or GB.",
    "That network does not exist.",
    "Too many new reflections from this device. Wait a minute and try again.",
    "Very many reflections were started with this school code just now. Wait a minute and try again.",
    "Many people are joining this workshop from your network just now. Wait a few seconds and press Start again.",
    "Only facilitators and administrators run workshops.",
    "There is no such workshop.",
    "Choose a questionnaire from the list.",
    "Choose parts of categories from the questionnaire's list.",
    "Choose at least one category for the workshop.",
    "Choose categories from the questionnaire's list.",
    "The poll “Which category needs most work?” needs at least two categories.",
    "A workshop is open or closed.",
    "A workshop code has 8 digits, like 9161 8750.",
    "No workshop has this code. Check it on the screen.",
    "This workshop is closed: it accepts no answers now.",
    "This reflection belongs to no workshop with questions for the room.",
    "The workshop is closed, so it accepts no more answers.",
    "Choose one of the workshop's categories.",
    "This workshop asks no one-word question.",
    "Say which word to hide.",
    "The workshop's questionnaire is gone.",
    "Only a school's coordinators and administrators run its rounds.",
    "There is no such round.",
    "Choose one of your schools.",
    "Say in a few words which innovation the round is about.",
    "The last day comes before the first day.",
    "The last day has passed already.",
    "Choose leaders or teachers.",
    "This round takes no invitation codes: anyone with the group link may answer.",
    "This round is closed: it accepts no new reflections.",
    "This round has not opened yet. Try again on its first day.",
    "Make between 1 and 500 codes at once.",
    "This link opens no round. Ask your school for the current link.",
    "This round is for invited people: type the code from your invitation.",
    "This invitation code is not valid or has been used. Check it, or ask your school for a new one.",
    "Finish this reflection first; then you can reflect again and see the change.",
    "A network coordinator needs a network.",
    "This account has been disabled. Ask an administrator to enable it again.",
    "You cannot disable your own account.",
    "At least one administrator must stay enabled.",
    "There is no such account.",
    "The current password is not right.",
    "This school has reflections or rounds, so it stays: its answers count in its network's, country's and everyone's results. You can rename it.",
    "This network has schools: move them to another network (or to none) first.",
    JOIN_TOO_MANY,
    SCHOOL_TOO_MANY,
    YES_OR_NO,
];

/// FNV-1a: a short, stable fingerprint of a message (the same on the server and in the browser).
fn fingerprint(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

impl AppError {
    fn kind_code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid",
            Self::NotFound(_) => "not-found",
            Self::Conflict(_) => "conflict",
            Self::Unauthorized(_) => "sign-in",
            Self::Forbidden(_) => "forbidden",
            Self::TooManyRequests(_) => "too-many",
            Self::BadRequest(_) => "bad-request",
            Self::Internal => "internal",
            Self::Unreachable => "unreachable",
        }
    }

    /// The code a plain form's page is sent back with: `m` and the message's fingerprint for a
    /// fixed message, else the kind (see [`FORM_MESSAGES`]).
    pub fn form_code(&self) -> String {
        let message = self.to_string();
        if FORM_MESSAGES.contains(&message.as_str()) {
            format!("m{:08x}", fingerprint(&message))
        } else {
            self.kind_code().to_string()
        }
    }
}

impl AppError {
    /// The same error with its fixed message in language `l` (see [`in_language`]).
    pub fn localized(&self, l: crate::lang::Locale) -> AppError {
        match self {
            Self::Invalid(m) => Self::Invalid(in_language(l, m)),
            Self::NotFound(m) => Self::NotFound(in_language(l, m)),
            Self::Conflict(m) => Self::Conflict(in_language(l, m)),
            Self::Unauthorized(m) => Self::Unauthorized(in_language(l, m)),
            Self::Forbidden(m) => Self::Forbidden(in_language(l, m)),
            Self::TooManyRequests(m) => Self::TooManyRequests(in_language(l, m)),
            other => other.clone(),
        }
    }

    /// The message in language `l`: a fixed message (see [`in_language`]), the general
    /// messages of internal errors, unreadable requests and a lost connection; a message built
    /// with values (a name, a length) as it is.
    pub fn message_in(&self, l: crate::lang::Locale) -> String {
        use crate::i18n::td_string;
        match self {
            Self::Internal => td_string!(l, errors.internal).to_string(),
            Self::Unreachable => td_string!(l, errors.unreachable).to_string(),
            Self::BadRequest(_) => td_string!(l, errors.bad_request).to_string(),
            other => in_language(l, &other.to_string()),
        }
    }
}

/// A fixed message (one of [`FORM_MESSAGES`]) in language `l`, staff messages included; a message
/// built with values (a name, a length) as it is.
pub fn in_language(l: crate::lang::Locale, english: &str) -> String {
    use crate::i18n::td_string;
    let t = |s: &str| s.to_string();
    match english {
        "No reflection belongs to this link. Check that you copied the whole private link." => {
            t(td_string!(l, errors.unknown_reflection))
        }
        "Choose your role." => t(td_string!(l, errors.choose_role)),
        "Choose the innovation you reflect on." => t(td_string!(l, errors.choose_innovation)),
        "Say in a few words which innovation you reflect on." => {
            t(td_string!(l, errors.describe_innovation))
        }
        "Say whether your answers may be used for research (yes or no)." => {
            t(td_string!(l, errors.consent))
        }
        "A school code has at most 16 characters." => t(td_string!(l, errors.school_code_long)),
        "No school has this code. Check it, or leave the field empty." => {
            t(td_string!(l, errors.school_code_unknown))
        }
        "This workshop uses another questionnaire: open it from the workshop's join page." => {
            t(td_string!(l, errors.workshop_other_questionnaire))
        }
        "The workshop is closed, so it accepts no more answers. Your earlier answers are kept." => {
            t(td_string!(l, errors.workshop_closed_kept))
        }
        "This reflection is finished, so its answers can no longer be changed. Your profile shows them." => {
            t(td_string!(l, errors.finished))
        }
        "This category has no reflection question." => {
            t(td_string!(l, errors.no_reflection_question))
        }
        "Finish the reflection first; the action plan belongs to its profile." => {
            t(td_string!(l, errors.finish_first))
        }
        "The action plan contains characters that cannot be stored." => {
            t(td_string!(l, errors.plan_characters))
        }
        "Write one or two steps first: an empty action plan is not saved." => {
            t(td_string!(l, errors.plan_empty))
        }
        "Tick the box to confirm that all your answers should be deleted." => {
            t(td_string!(l, errors.confirm_delete))
        }
        "Too many new reflections from this device. Wait a minute and try again." => {
            t(td_string!(l, errors.too_many_reflections))
        }
        "Very many reflections were started with this school code just now. Wait a minute and try again." => {
            t(td_string!(l, errors.school_code_busy))
        }
        "Many people are joining this workshop from your network just now. Wait a few seconds and press Start again." => {
            t(td_string!(l, errors.workshop_busy))
        }
        "A workshop code has 8 digits, like 9161 8750." => {
            t(td_string!(l, errors.workshop_code_form))
        }
        "No workshop has this code. Check it on the screen." => {
            t(td_string!(l, errors.workshop_code_unknown))
        }
        "This workshop is closed: it accepts no answers now." => {
            t(td_string!(l, errors.workshop_closed))
        }
        "The workshop is closed, so it accepts no more answers." => {
            t(td_string!(l, errors.workshop_closed_short))
        }
        "Only a school's coordinators and administrators run its rounds." => {
            t(td_string!(l, errors.round_forbidden))
        }
        "There is no such round." => t(td_string!(l, errors.round_missing)),
        "Choose one of your schools." => t(td_string!(l, errors.round_school)),
        "Say in a few words which innovation the round is about." => {
            t(td_string!(l, errors.round_describe_innovation))
        }
        "The last day comes before the first day." => t(td_string!(l, errors.round_dates_reversed)),
        "The last day has passed already." => t(td_string!(l, errors.round_closes_past)),
        "Choose leaders or teachers." => t(td_string!(l, errors.round_group)),
        "This round takes no invitation codes: anyone with the group link may answer." => {
            t(td_string!(l, errors.round_no_invitations))
        }
        "This round is closed: it accepts no new reflections." => {
            t(td_string!(l, errors.round_closed))
        }
        "This round has not opened yet. Try again on its first day." => {
            t(td_string!(l, errors.round_not_open))
        }
        "Make between 1 and 500 codes at once." => t(td_string!(l, errors.round_invitation_count)),
        "This link opens no round. Ask your school for the current link." => {
            t(td_string!(l, errors.round_link_unknown))
        }
        "This round is for invited people: type the code from your invitation." => {
            t(td_string!(l, errors.round_invitation_needed))
        }
        "This invitation code is not valid or has been used. Check it, or ask your school for a new one." => {
            t(td_string!(l, errors.round_invitation_unknown))
        }
        "Finish this reflection first; then you can reflect again and see the change." => {
            t(td_string!(l, errors.retake_unfinished))
        }
        "A network coordinator needs a network." => {
            t(td_string!(l, errors.network_coordinator_network))
        }
        "This account has been disabled. Ask an administrator to enable it again." => {
            t(td_string!(l, errors.account_disabled))
        }
        "You cannot disable your own account." => t(td_string!(l, errors.disable_self)),
        "At least one administrator must stay enabled." => t(td_string!(l, errors.last_admin)),
        "There is no such account." => t(td_string!(l, errors.no_account)),
        "The current password is not right." => t(td_string!(l, errors.current_password_wrong)),
        "This school has reflections or rounds, so it stays: its answers count in its network's, country's and everyone's results. You can rename it." => {
            t(td_string!(l, errors.school_in_use))
        }
        "This network has schools: move them to another network (or to none) first." => {
            t(td_string!(l, errors.network_in_use))
        }
        JOIN_TOO_MANY => t(td_string!(l, errors.join_wrong_codes)),
        SCHOOL_TOO_MANY => t(td_string!(l, errors.school_wrong_codes)),
        YES_OR_NO => t(td_string!(l, errors.yes_or_no)),
        "Please sign in to see this page." => t(td_string!(l, errors.sign_in)),
        "Your account may not see or change this." => t(td_string!(l, errors.forbidden)),
        "Enter a valid e-mail address." => t(td_string!(l, errors.email_invalid)),
        "Choose a role for the account." => t(td_string!(l, errors.account_role)),
        "A school coordinator needs a school." => t(td_string!(l, errors.coordinator_school)),
        "That school does not exist." => t(td_string!(l, errors.school_missing)),
        "An account with this e-mail address exists already." => {
            t(td_string!(l, errors.account_exists))
        }
        "Too many sign-in attempts from this device. Wait a minute and try again." => {
            t(td_string!(l, errors.sign_in_device))
        }
        "Too many sign-in attempts for this address. Wait a minute and try again." => {
            t(td_string!(l, errors.sign_in_address))
        }
        "Many people are signing in right now. Try again in a moment." => {
            t(td_string!(l, errors.sign_in_busy))
        }
        "The e-mail address or the password is not right." => {
            t(td_string!(l, errors.sign_in_wrong))
        }
        "No such download." => t(td_string!(l, errors.no_download)),
        "Only researchers and administrators export responses." => {
            t(td_string!(l, errors.export_forbidden))
        }
        "Choose a questionnaire to export." => t(td_string!(l, errors.export_questionnaire)),
        "Choose a version of the questionnaire." => t(td_string!(l, errors.export_version)),
        "Dates are written as YYYY-MM-DD." => t(td_string!(l, errors.date_form)),
        "Choose a role from the list." => t(td_string!(l, errors.role_from_list)),
        "Choose an innovation from the list." => t(td_string!(l, errors.innovation_from_list)),
        "Choose a language from the list." => t(td_string!(l, errors.language_from_list)),
        "A country is a two-letter code, e.g. NL." => t(td_string!(l, errors.country_code)),
        "There is no such results page." => t(td_string!(l, errors.no_results_page)),
        "A version is a whole number." => t(td_string!(l, errors.version_number)),
        "There is no such questionnaire." => t(td_string!(l, errors.no_questionnaire)),
        "Choose an innovation focus from the list." => t(td_string!(l, errors.innovation_focus)),
        "Give months as YYYY-MM, e.g. 2026-09." => t(td_string!(l, errors.month_form)),
        "The first month comes after the last one." => t(td_string!(l, errors.months_reversed)),
        "There is no such country." => t(td_string!(l, errors.no_country)),
        "There is no such network." => t(td_string!(l, errors.no_network)),
        "There is no such school." => t(td_string!(l, errors.no_school)),
        "Only the school's coordinators and administrators see a school's results." => {
            t(td_string!(l, errors.school_results_forbidden))
        }
        "A country is its two-letter ISO code, e.g. NL, BE or GB." => {
            t(td_string!(l, errors.country_iso))
        }
        "That network does not exist." => t(td_string!(l, errors.network_missing)),
        "Only facilitators and administrators run workshops." => {
            t(td_string!(l, errors.workshops_forbidden))
        }
        "There is no such workshop." => t(td_string!(l, errors.no_workshop)),
        "Choose a questionnaire from the list." => t(td_string!(l, errors.questionnaire_from_list)),
        "Choose parts of categories from the questionnaire's list." => {
            t(td_string!(l, errors.parts_from_list))
        }
        "Choose at least one category for the workshop." => {
            t(td_string!(l, errors.workshop_no_category))
        }
        "Choose categories from the questionnaire's list." => {
            t(td_string!(l, errors.categories_from_list))
        }
        "The poll “Which category needs most work?” needs at least two categories." => {
            t(td_string!(l, errors.poll_two_categories))
        }
        "A workshop is open or closed." => t(td_string!(l, errors.workshop_status)),
        "This reflection belongs to no workshop with questions for the room." => {
            t(td_string!(l, errors.no_room_questions))
        }
        "Choose one of the workshop's categories." => t(td_string!(l, errors.workshop_category)),
        "This workshop asks no one-word question." => t(td_string!(l, errors.no_word_question)),
        "Say which word to hide." => t(td_string!(l, errors.word_to_hide)),
        "The workshop's questionnaire is gone." => {
            t(td_string!(l, errors.workshop_questionnaire_gone))
        }
        other => other.to_string(),
    }
}

/// The message for a code from [`AppError::form_code`], in the page's language; `None` for
/// anything else, so text in the address never reaches the page.
pub fn form_message(code: &str) -> Option<String> {
    let l = crate::lang::current();
    form_message_in(l, code)
}

/// [`form_message`] in language `l`.
pub fn form_message_in(l: crate::lang::Locale, code: &str) -> Option<String> {
    use crate::i18n::td_string;
    if let Some(hex) = code.strip_prefix('m') {
        return FORM_MESSAGES
            .iter()
            .find(|m| format!("{:08x}", fingerprint(m)) == hex)
            .map(|m| in_language(l, m));
    }
    let t = |s: &str| Some(s.to_string());
    match code {
        "invalid" => t(td_string!(l, errors.invalid)),
        "not-found" => t(td_string!(l, errors.not_found)),
        "conflict" => t(td_string!(l, errors.conflict)),
        "sign-in" => t(td_string!(l, errors.sign_in)),
        "forbidden" => t(td_string!(l, errors.forbidden)),
        "too-many" => t(td_string!(l, errors.too_many_attempts)),
        "bad-request" => t(td_string!(l, errors.bad_request)),
        "internal" => t(td_string!(l, errors.internal)),
        "unreachable" => t(td_string!(l, errors.unreachable)),
        _ => None,
    }
}

/// The English messages as the source writes them, for the check that the `errors` translations
/// match them word for word.
#[cfg(test)]
fn form_message_english(code: &str) -> Option<String> {
    if let Some(hex) = code.strip_prefix('m') {
        return FORM_MESSAGES
            .iter()
            .find(|m| format!("{:08x}", fingerprint(m)) == hex)
            .map(|m| m.to_string());
    }
    let general = match code {
        "invalid" => "Something in the form is not right. Check what you entered and try again.",
        "not-found" => "That was not found. Check the code, the link or the name and try again.",
        "conflict" => "That cannot be done now: it exists already, or it is closed or finished.",
        "sign-in" => "Please sign in to see this page.",
        "forbidden" => "Your account may not see or change this.",
        "too-many" => "Too many attempts. Wait a minute and try again.",
        "bad-request" => "The request could not be read. Reload the page and try again.",
        "internal" => return Some(AppError::Internal.to_string()),
        "unreachable" => return Some(AppError::Unreachable.to_string()),
        _ => return None,
    };
    Some(general.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn messages_speak_the_page_language() {
        use crate::lang::Locale;
        let general = [
            "invalid",
            "not-found",
            "conflict",
            "sign-in",
            "forbidden",
            "too-many",
            "bad-request",
            "internal",
            "unreachable",
        ];
        let codes = general.iter().map(ToString::to_string).chain(
            FORM_MESSAGES
                .iter()
                .map(|m| format!("m{:08x}", fingerprint(m))),
        );
        for code in codes {
            assert_eq!(
                form_message_in(Locale::en, &code),
                form_message_english(&code),
                "{code}"
            );
            for &l in crate::lang::all().iter().filter(|l| **l != Locale::en) {
                let m = form_message_in(l, &code).unwrap();
                if general.contains(&code.as_str()) {
                    assert_ne!(Some(m), form_message_english(&code), "{code} in {l}");
                }
            }
        }
        // every fixed message is translated, staff messages included: each arm of `in_language`
        // names its message word for word
        for &l in crate::lang::all().iter().filter(|l| **l != Locale::en) {
            let translated = FORM_MESSAGES
                .iter()
                .filter(|m| in_language(l, m) != **m)
                .count();
            assert_eq!(translated, FORM_MESSAGES.len(), "{l}");
        }
    }

    /// The fixed messages in the source (outside tests and benchmarks): every `AppError` variant
    /// or `AppError::invalid` called with a string literal.
    fn fixed_messages_in_source() -> Vec<String> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs")
                    && !p.to_string_lossy().contains("bench")
                {
                    out.push(p);
                }
            }
        }
        let mut files = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let heads = [
            "Invalid(",
            "NotFound(",
            "Conflict(",
            "Unauthorized(",
            "Forbidden(",
            "TooManyRequests(",
            "BadRequest(",
            "invalid(",
        ];
        let mut found = Vec::new();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let text = text.split("#[cfg(test)]").next().unwrap_or_default();
            for prefix in ["AppError::", "Self::"] {
                for (at, _) in text.match_indices(prefix) {
                    let rest = &text[at + prefix.len()..];
                    let Some(head) = heads.iter().find(|h| rest.starts_with(**h)) else {
                        continue;
                    };
                    let rest = rest[head.len()..].trim_start();
                    let Some(body) = rest.strip_prefix('"') else {
                        continue;
                    };
                    let end = body.find('"').unwrap();
                    found.push(body[..end].to_string());
                }
            }
        }
        found
    }

    #[test]
    fn every_fixed_message_has_a_code() {
        let found = fixed_messages_in_source();
        assert!(
            found.len() > 50,
            "the scan finds the messages: {}",
            found.len()
        );
        for m in &found {
            assert!(
                FORM_MESSAGES.contains(&m.as_str()),
                "add to FORM_MESSAGES: {m:?}"
            );
        }
        let mut codes: Vec<u32> = FORM_MESSAGES.iter().map(|m| fingerprint(m)).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), FORM_MESSAGES.len(), "fingerprints are unique");
    }

    #[test]
    fn codes_round_trip_and_built_messages_fall_back_to_their_kind() {
        let e = AppError::invalid("Choose your role.");
        assert!(e.form_code().starts_with('m'));
        assert_eq!(
            form_message(&e.form_code()).as_deref(),
            Some("Choose your role.")
        );
        let built = AppError::Conflict("A network called “North” exists already.".into());
        assert_eq!(built.form_code(), "conflict");
        assert!(form_message("conflict").unwrap().contains("exists already"));
        assert_eq!(
            form_message(&AppError::Internal.form_code()),
            Some(AppError::Internal.to_string())
        );
        assert_eq!(form_message("You have won a prize"), None);
        assert_eq!(form_message("m00000000"), None);
    }

    proptest! {
        /// Whatever is put in the address, the page shows one of the fixed messages or nothing.
        #[test]
        fn no_text_from_the_address_reaches_the_page(code in "\\PC{0,40}") {
            if let Some(m) = form_message(&code) {
                prop_assert!(
                    FORM_MESSAGES.contains(&m.as_str())
                        || ["invalid", "not-found", "conflict", "sign-in", "forbidden", "too-many",
                            "bad-request", "internal", "unreachable"].contains(&code.as_str())
                );
                prop_assert!(!m.contains(&code) || code.len() < 3);
            }
        }
    }
}
