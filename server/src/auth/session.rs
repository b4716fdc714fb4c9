//! Session tokens and cookies.
//!
//! A token is 32 random bytes; the database keeps only its SHA-256, so a leaked database does
//! not hand out sessions. Browsers get the token in an HttpOnly SameSite=Lax cookie; devices and
//! scripts send it as a bearer token. Over HTTPS the cookie is `Secure` and named with the
//! `__Host-` prefix, which browsers accept only from this exact host over HTTPS, so a sibling
//! subdomain or a plain-HTTP page cannot plant or overwrite it.

use base64::Engine;
use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::config::AuthLimits;
use crate::store::SessionRecord;

/// Name of the session cookie over plain HTTP (local use and tests).
pub const COOKIE_NAME: &str = "readyward_session";

/// Name of the session cookie over HTTPS.
pub const SECURE_COOKIE_NAME: &str = "__Host-readyward_session";

/// The session cookie's name when cookies are (or are not) `Secure`.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_COOKIE_NAME
    } else {
        COOKIE_NAME
    }
}

/// How a session was started, which decides how it expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Browser,
    Device,
}

impl SessionKind {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Browser => "browser",
            SessionKind::Device => "device",
        }
    }
}

/// A fresh random token (URL-safe base64).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored id of a token.
pub fn token_id(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// True once a session has been idle too long or lived too long for its kind.
pub fn is_expired(session: &SessionRecord, now: DateTime<Utc>, limits: &AuthLimits) -> bool {
    has_lapsed(
        session.kind != SessionKind::Device.as_str(),
        session.created_at,
        session.last_seen_at,
        now,
        limits,
    )
}

/// [`is_expired`] for a session known by its parts: a browser's (or a device's), started and
/// last used when.
pub fn has_lapsed(
    browser: bool,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    now: DateTime<Utc>,
    limits: &AuthLimits,
) -> bool {
    let idle = now.signed_duration_since(last_seen_at);
    let age = now.signed_duration_since(created_at);
    let over = |elapsed: chrono::Duration, limit: std::time::Duration| {
        chrono::Duration::from_std(limit).is_ok_and(|limit| elapsed > limit)
    };
    if browser {
        over(idle, limits.browser_idle) || over(age, limits.browser_absolute)
    } else {
        over(idle, limits.device_idle)
    }
}

/// The `Set-Cookie` value that starts a browser session.
pub fn session_cookie(token: &str, limits: &AuthLimits, secure: bool) -> String {
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        cookie_name(secure),
        limits.browser_absolute.as_secs(),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clearing_cookie(secure: bool) -> String {
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        cookie_name(secure),
        if secure { "; Secure" } else { "" }
    )
}

/// Whether a `Cookie` header carries the device's "signed out while offline" marker
/// ([`domain::api::SIGNED_OUT_COOKIE`]).
pub fn signed_out_on_device(header: &str) -> bool {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(name, value)| name == domain::api::SIGNED_OUT_COOKIE && !value.is_empty())
}

/// The `Set-Cookie` value that removes the "signed out while offline" marker once it has done
/// its work.
pub fn clearing_signed_out_marker() -> String {
    format!(
        "{}=; Path=/; SameSite=Lax; Max-Age=0",
        domain::api::SIGNED_OUT_COOKIE
    )
}

/// The session token in a `Cookie` header, if any: only under the name cookies get when they
/// are (or are not) `Secure`, so over HTTPS an unprefixed cookie planted by another host counts
/// for nothing.
pub fn token_from_cookie_header(header: &str, secure: bool) -> Option<&str> {
    let wanted = cookie_name(secure);
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value)
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn session(kind: &str, created_mins_ago: i64, seen_mins_ago: i64) -> SessionRecord {
        let now = Utc::now();
        SessionRecord {
            id: "x".into(),
            user_id: Uuid::nil(),
            kind: kind.into(),
            created_at: now - chrono::Duration::minutes(created_mins_ago),
            last_seen_at: now - chrono::Duration::minutes(seen_mins_ago),
        }
    }

    #[test]
    fn browser_sessions_expire_when_idle_or_old() {
        let limits = AuthLimits::default();
        let now = Utc::now();
        assert!(!is_expired(&session("browser", 60, 5), now, &limits));
        assert!(is_expired(&session("browser", 60, 31), now, &limits));
        assert!(is_expired(&session("browser", 13 * 60, 1), now, &limits));
        assert!(!is_expired(
            &session("device", 60 * 24 * 40, 60 * 24),
            now,
            &limits
        ));
        assert!(is_expired(
            &session("device", 60 * 24 * 40, 60 * 24 * 31),
            now,
            &limits
        ));
    }

    #[test]
    fn cookies_are_http_only_and_same_site() {
        let c = session_cookie("tok", &AuthLimits::default(), true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(c.starts_with("__Host-readyward_session=tok; Path=/;"));
        assert!(!c.contains("Domain"));
        let plain = session_cookie("tok", &AuthLimits::default(), false);
        assert!(plain.starts_with("readyward_session=tok;") && !plain.contains("Secure"));
        assert_eq!(
            token_from_cookie_header("a=b; readyward_session=tok", false),
            Some("tok")
        );
        assert_eq!(token_from_cookie_header("readyward_session=", false), None);
        // Over HTTPS only the prefixed name counts.
        assert_eq!(
            token_from_cookie_header("readyward_session=planted", true),
            None
        );
        assert_eq!(
            token_from_cookie_header("__Host-readyward_session=tok", true),
            Some("tok")
        );
        assert_ne!(token_id("a"), token_id("b"));
    }

    #[test]
    fn the_signed_out_marker_is_found_only_when_set() {
        assert!(signed_out_on_device("a=b; readyward_signed_out=1"));
        assert!(!signed_out_on_device("readyward_signed_out="));
        assert!(!signed_out_on_device("readyward_session=tok"));
        assert!(clearing_signed_out_marker().contains("Max-Age=0"));
    }
}
