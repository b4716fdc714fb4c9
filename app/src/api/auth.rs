//! Sign-in, sign-out, the current user and password changes.
//!
//! Sign-in and sign-out are plain HTML form posts that redirect, so they work before (or
//! without) the wasm bundle and every page after them is a fresh server render.

use domain::api::UserInfo;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::{backend, request_auth, require_signed_in, set_header};

/// The signed-in user, or `None`.
#[server(prefix = "/fn", endpoint = "current_user")]
pub async fn current_user() -> Result<Option<UserInfo>, ServerFnError> {
    Ok(request_auth().caller.map(|c| c.user))
}

/// `next` when it is a path on this site, `None` otherwise: where to go after signing in must
/// never be another site (an open redirect). Only visible ASCII starting with exactly one `/`
/// passes: `//host` and `/\host` name another host, a scheme (`https:`) does not start with `/`,
/// and browsers drop tabs and newlines, so `/<tab>/host` would become `//host`.
pub fn local_path(next: &str) -> Option<&str> {
    let bytes = next.as_bytes();
    let local = bytes.first() == Some(&b'/')
        && bytes.get(1) != Some(&b'/')
        && bytes.iter().all(|b| b.is_ascii_graphic() && *b != b'\\');
    local.then_some(next)
}

/// The sign-in page, coming back to `next` (a local path with its query) afterwards.
pub fn sign_in_path(next: &str) -> String {
    match local_path(next) {
        Some(next) => format!("/sign-in?next={}", query_encode(next)),
        None => "/sign-in".to_owned(),
    }
}

/// Percent-encodes a query parameter's value; `/` stays readable.
fn query_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Checks the credentials and redirects: to `next` when it is a local path, else home (or the
/// password page on a one-time password) on success; back to the sign-in page with a fixed
/// error code (and the same `next`) otherwise.
#[server(prefix = "/fn", endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), ServerFnError> {
    let next = next.as_deref().and_then(local_path);
    let back_with = |code: &str| {
        let mut to = format!("/sign-in?error={code}");
        if let Some(next) = next {
            to.push_str(&format!("&next={}", query_encode(next)));
        }
        leptos_axum::redirect(&to);
    };
    let email = email.trim().to_owned();
    if email.is_empty() || password.is_empty() {
        back_with(if email.is_empty() {
            "missing_email"
        } else {
            "missing_password"
        });
        return Ok(());
    }
    let addr = request_auth().client_addr;
    match backend()?.sign_in(&email, &password, addr.as_deref()).await {
        Ok(signed_in) => {
            set_header(http::header::SET_COOKIE, &signed_in.set_cookie);
            let to = if signed_in.user.must_change_password {
                "/account/password"
            } else {
                next.unwrap_or("/")
            };
            leptos_axum::redirect(to);
        }
        Err(e) => back_with(match e.error.as_str() {
            "rate_limited" => "rate_limited",
            "busy" => "unavailable",
            _ if e.message == domain::api::ONE_TIME_PASSWORD_EXPIRED => "expired",
            _ => "invalid",
        }),
    }
    Ok(())
}

/// Which of the offline sign-ins this device keeps may stay, and how many days one lasts: the
/// device asks about every account it holds whenever it is online.
#[server(prefix = "/fn", endpoint = "offline_sign_in", input = leptos::server_fn::codec::Json)]
pub async fn offline_sign_in(
    held: Vec<domain::api::HeldAccount>,
) -> Result<domain::api::OfflineSignIn, ServerFnError> {
    let caller = require_signed_in()?;
    backend()?
        .offline_sign_in(&caller, &held)
        .await
        .map_err(crate::backend::to_server_error)
}

/// Ends the session and returns to the sign-in page.
#[server(prefix = "/fn", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), ServerFnError> {
    if let Some(caller) = request_auth().caller {
        let clear = backend()?
            .sign_out(&caller)
            .await
            .map_err(crate::backend::to_server_error)?;
        set_header(http::header::SET_COOKIE, &clear);
        // The browser's HTTP cache of the site goes too ("storage" would wipe unsynced work).
        set_header(
            http::header::HeaderName::from_static("clear-site-data"),
            "\"cache\"",
        );
    }
    leptos_axum::redirect("/sign-in?signed_out=1");
    Ok(())
}

/// Replaces the caller's password. Errors come back as a field code for the form.
#[server(prefix = "/fn", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), ServerFnError> {
    let caller = require_signed_in()?;
    let redirect_error =
        |code: &str| leptos_axum::redirect(&format!("/account/password?error={code}"));
    if new_password != confirm_password {
        redirect_error("mismatch");
        return Ok(());
    }
    if domain::api::check_new_password(&new_password).is_err() {
        redirect_error("too_short");
        return Ok(());
    }
    let addr = request_auth().client_addr;
    match backend()?
        .change_password(&caller, &current_password, &new_password, addr.as_deref())
        .await
    {
        Ok(()) => leptos_axum::redirect("/?password_changed=1"),
        Err(e) if e.error == "unauthenticated" => redirect_error("wrong_current"),
        Err(e) if e.error == "rate_limited" => redirect_error("rate_limited"),
        Err(e) if e.error == "busy" => redirect_error("busy"),
        Err(e) => return Err(crate::backend::to_server_error(e)),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        for good in ["/", "/wards/1?tab=2&x=%2F", "/admin/checklists/new"] {
            assert_eq!(local_path(good), Some(good));
        }
        for bad in [
            "",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil.example/path",
            "/\t/evil.example",
            "/a\\b",
            "/caf\u{e9}",
            "/a b",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_sign_in_path_carries_next_encoded() {
        assert_eq!(sign_in_path("/"), "/sign-in?next=/");
        assert_eq!(
            sign_in_path("/wards/7?tab=a%20b&x=%2F"),
            "/sign-in?next=/wards/7%3Ftab%3Da%2520b%26x%3D%252F"
        );
        assert_eq!(sign_in_path("//evil.example"), "/sign-in");
    }
}
