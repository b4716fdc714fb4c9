//! Who is signed in, online and offline. The server's session decides while it can be reached;
//! with no connection, the user signed in on this device carries on (see `device::account`).
//! Signing out ends both, and finishes on the server later if it could not be reached.

use domain::api::UserInfo;
use leptos::prelude::*;

use crate::api::auth::current_user;

/// The signed-in user of this page load, shared by the header, the sync engine and the pages.
#[derive(Clone, Copy)]
pub struct UserResource(pub Resource<Result<Option<UserInfo>, ServerFnError>>);

/// The signed-in user: the server's answer, or, when the server cannot be reached, the user
/// signed in on this device.
pub async fn signed_in_user() -> Result<Option<UserInfo>, ServerFnError> {
    let answer = current_user().await;
    #[cfg(feature = "hydrate")]
    if matches!(answer, Err(ServerFnError::Request(_))) {
        return Ok(crate::device::device_user());
    }
    answer
}

/// Keeps the device's session in step with the server's answer once the page has it, and
/// fetches what the user needs offline.
pub fn follow_server_session(answer: Result<Option<UserInfo>, ServerFnError>) {
    #[cfg(feature = "hydrate")]
    {
        use crate::device::{
            device_user, end_device_session, set_sign_out_pending, sign_out_pending,
            start_device_session,
        };
        match answer {
            Ok(Some(_)) if sign_out_pending() && device_user().is_none() => {
                // Signed out on the device while the server was away: finish it now.
                leptos::task::spawn_local(finish_sign_out());
            }
            Ok(Some(user)) => {
                if device_user().map(|d| d.id) != Some(user.id) {
                    start_device_session(&user);
                }
                if !user.must_change_password {
                    leptos::task::spawn_local(async move {
                        // Fresh copies are kept for a few minutes rather than fetched again
                        // on every page load.
                        if crate::device::copies_are_stale(user.id) {
                            crate::api::kept::prepare_device(user.id).await;
                            crate::device::mark_copies_fresh(user.id);
                        }
                        crate::mark_body("data-prepared");
                    });
                }
            }
            Ok(None) => {
                end_device_session();
                set_sign_out_pending(false);
            }
            Err(_) => {}
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = answer;
}

/// Signs out on the device and the server; when the server cannot be reached, the device
/// signs out now and the server session ends the next time it can be reached.
#[cfg(feature = "hydrate")]
pub async fn finish_sign_out() {
    use crate::device::{end_device_session, set_sign_out_pending};
    end_device_session();
    let reached = crate::browser::post_form("/fn/sign_out", &[]).await.is_ok();
    set_sign_out_pending(!reached);
    crate::browser::go_to("/sign-in?signed_out=1");
}
