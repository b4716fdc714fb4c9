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

/// Checks the credentials and redirects: home (or the password page on a one-time password) on
/// success, back to the sign-in page with a fixed error code otherwise.
#[server(prefix = "/fn", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<(), ServerFnError> {
    let email = email.trim().to_owned();
    if email.is_empty() || password.is_empty() {
        let code = if email.is_empty() {
            "missing_email"
        } else {
            "missing_password"
        };
        leptos_axum::redirect(&format!("/sign-in?error={code}"));
        return Ok(());
    }
    let addr = request_auth().client_addr;
    match backend()?.sign_in(&email, &password, addr.as_deref()).await {
        Ok(signed_in) => {
            set_header(http::header::SET_COOKIE, &signed_in.set_cookie);
            let next = if signed_in.user.must_change_password {
                "/account/password"
            } else {
                "/"
            };
            leptos_axum::redirect(next);
        }
        Err(e) => {
            let code = if e.error == "rate_limited" {
                "rate_limited"
            } else {
                "invalid"
            };
            leptos_axum::redirect(&format!("/sign-in?error={code}"));
        }
    }
    Ok(())
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
    match backend()?
        .change_password(&caller, &current_password, &new_password)
        .await
    {
        Ok(()) => leptos_axum::redirect("/?password_changed=1"),
        Err(e) if e.error == "unauthenticated" => redirect_error("wrong_current"),
        Err(e) => return Err(crate::backend::to_server_error(e)),
    }
    Ok(())
}
