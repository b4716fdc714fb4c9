//! Wire types of external interface v1 (`/api/v1`), shared by the server, the app and tests.
//!
//! Field names here are the contract devices depend on: change them only with a new version.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::role::Role;

/// The body of every error response: a machine code and a sentence for people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
}

/// The machine codes of error bodies, each with its HTTP status: one table for the REST API
/// and the pages' server functions alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    MalformedJson,
    InvalidBody,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    TooLarge,
    UnsupportedType,
    Unprocessable,
    RateLimited,
    MethodNotAllowed,
    Busy,
    InternalError,
}

impl ErrorCode {
    const ALL: [ErrorCode; 13] = [
        ErrorCode::MalformedJson,
        ErrorCode::InvalidBody,
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::Conflict,
        ErrorCode::TooLarge,
        ErrorCode::UnsupportedType,
        ErrorCode::Unprocessable,
        ErrorCode::RateLimited,
        ErrorCode::MethodNotAllowed,
        ErrorCode::Busy,
        ErrorCode::InternalError,
    ];

    /// The code as sent in `{"error": ...}`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MalformedJson => "malformed_json",
            ErrorCode::InvalidBody => "invalid_body",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::UnsupportedType => "unsupported_type",
            ErrorCode::Unprocessable => "unprocessable",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Busy => "busy",
            ErrorCode::InternalError => "internal_error",
        }
    }

    /// The HTTP status that goes with the code.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::MalformedJson => 400,
            ErrorCode::Unauthenticated => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Conflict => 409,
            ErrorCode::TooLarge => 413,
            ErrorCode::UnsupportedType => 415,
            ErrorCode::InvalidBody | ErrorCode::Unprocessable => 422,
            ErrorCode::RateLimited => 429,
            ErrorCode::InternalError => 500,
            ErrorCode::Busy => 503,
        }
    }

    /// Parses a code; unknown codes are internal errors.
    pub fn parse(code: &str) -> ErrorCode {
        ErrorCode::ALL
            .into_iter()
            .find(|c| c.as_str() == code)
            .unwrap_or(ErrorCode::InternalError)
    }
}

/// The message of a sign-in refused because the one-time password given is too old (its code
/// is `unauthenticated`): the pages tell it apart by this text.
/// A cookie a device sets (readable by scripts, no secret in it) when it signs out without a
/// connection: the next request that reaches the server ends the session the browser still
/// holds before anything else is answered, so the tablet's next user never inherits it.
pub const SIGNED_OUT_COOKIE: &str = "readyward_signed_out";

pub const ONE_TIME_PASSWORD_EXPIRED: &str =
    "This one-time password has expired. Ask your trust admin for a new one";

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// The signed-in user, as the API and the pages describe them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserInfo {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub trust_id: Uuid,
    /// The user's own trust, for the page header.
    pub trust_name: String,
    /// Set on a one-time password: the user must choose their own before anything else.
    pub must_change_password: bool,
}

/// An account a device keeps an offline sign-in for, as it asks the server about it: who, and
/// when the device made its verifier of their password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldAccount {
    pub user_id: Uuid,
    pub kept_since: chrono::DateTime<chrono::Utc>,
}

/// The server's word on a device's offline sign-ins: how many days a verifier lasts, and which
/// of the accounts asked about may keep theirs (the rest changed password, were deactivated,
/// or are not the caller's trust's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfflineSignIn {
    pub days: u32,
    pub keep: Vec<Uuid>,
}

/// Days an offline sign-in lasts on a device until the server says otherwise.
pub const DEFAULT_OFFLINE_SIGN_IN_DAYS: u32 = 14;

/// Answer to a successful sign-in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    /// Bearer token for devices and scripts; browsers also get it as an HttpOnly cookie.
    pub token: String,
    pub user: UserInfo,
}

/// `POST /api/v1/auth/password`: replace the caller's password.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// An id and a display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NamedRef {
    pub id: Uuid,
    pub name: String,
}

/// A ward or unit with where it sits: what `GET /api/v1/units` lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitInfo {
    pub id: Uuid,
    pub name: String,
    pub ward_type: String,
    pub site: NamedRef,
    pub core_service: NamedRef,
    pub trust: NamedRef,
}

/// Shortest password the product accepts; long passphrases beat complexity rules.
pub const MIN_PASSWORD_LEN: usize = 10;

/// Checks a new password against the product's one rule; the error is a sentence for the field.
pub fn check_new_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(format!(
            "Enter a password of at least {MIN_PASSWORD_LEN} characters"
        ));
    }
    if password.len() > 1024 {
        return Err("Enter a password of at most 1024 characters".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_round_trip() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), code);
            assert!((400..600).contains(&code.status()));
        }
        assert_eq!(ErrorCode::parse("nonsense"), ErrorCode::InternalError);
    }

    #[test]
    fn short_passwords_are_refused_with_a_sentence() {
        assert!(check_new_password("short").is_err_and(|m| m.contains("at least")));
        assert!(check_new_password("a long enough passphrase").is_ok());
    }
}
