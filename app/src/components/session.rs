//! Who is signed in, online and offline. The server's session decides while it can be reached;
//! with no connection, the user signed in on this device carries on (see `device::account`).
//! Signing out ends both; when the server cannot be reached, the device leaves a marker that
//! ends the browser's session at its next request (`domain::api::SIGNED_OUT_COOKIE`).

use domain::api::UserInfo;
use leptos::prelude::*;

use crate::api::auth::current_user;
use crate::device::{OutboxTick, ThisDevice};

/// The signed-in user of this page load, shared by the header, the sync engine and the pages.
#[derive(Clone, Copy)]
pub struct UserResource(pub Resource<Result<Option<UserInfo>, ServerFnError>>);

/// The signed-in user: the server's answer, or, when the server cannot be reached, the user
/// signed in on this device.
pub async fn signed_in_user(device: ThisDevice) -> Result<Option<UserInfo>, ServerFnError> {
    match current_user().await {
        Err(ServerFnError::Request(_)) => Ok(device.device_user()),
        answer => answer,
    }
}

/// Keeps the device's session in step with the server's answer once the page has it, and
/// fetches what the user needs offline. The device never takes on a server session of anyone
/// but its own user: on a shared tablet that would hand one nurse's session to the next.
pub fn follow_server_session(
    device: ThisDevice,
    answer: Result<Option<UserInfo>, ServerFnError>,
    tick: OutboxTick,
) {
    match answer {
        Ok(Some(user)) => {
            match device.device_user() {
                Some(mine) if mine.id != user.id => {
                    // Someone else's session: it ends at the next request, and this device's
                    // user signs in again.
                    device.end_device_session();
                    device.set_sign_out_pending(true);
                    device.go_to("/sign-in");
                    return;
                }
                Some(_) => {}
                // Someone signed out here and nobody has signed in since: a session the
                // browser still sends is left over (its end did not reach the server), not
                // a sign-in. It ends, and whoever is here signs in.
                None if device.sign_out_pending() || device.last_signed_out().is_some() => {
                    device.set_sign_out_pending(true);
                    device.go_to("/sign-in");
                    return;
                }
                None => device.start_device_session(&user),
            }
            if !user.must_change_password {
                leptos::task::spawn_local(review_offline_sign_ins(device));
                leptos::task::spawn_local(async move {
                    // The pull goes on every page load: it is one small answer when nothing
                    // changed, and brings an inspection just handed to the user. The
                    // frameworks are fetched again only every few minutes.
                    let stale = device.copies_are_stale(user.id);
                    crate::api::kept::prepare_device(device, user.id, stale).await;
                    if stale {
                        device.mark_copies_fresh(user.id);
                    }
                    // An inspection handed to the user may have arrived: lists read again.
                    tick.bump();
                    crate::mark_body("data-prepared");
                });
            }
        }
        Ok(None) => device.end_device_session(),
        Err(_) => {}
    }
}

/// Asks the server about every offline sign-in the device keeps, and follows its word: a
/// user who changed password or was deactivated can no longer sign in here offline, and the
/// days a verifier lasts come from the server.
async fn review_offline_sign_ins(device: ThisDevice) {
    let Ok(held) = device.held_accounts().await else {
        return;
    };
    if held.is_empty() {
        return;
    }
    if let Ok(answer) = crate::api::auth::offline_sign_in(held.clone()).await {
        let _ = device.follow_offline_sign_in(&held, &answer).await;
    }
}

/// Signs out on the device and the server; when the server cannot be reached, the device
/// signs out now and the server session ends the next time it can be reached.
pub async fn finish_sign_out(device: ThisDevice) {
    if let Some(user) = device.device_user() {
        // Best effort: what cannot be forgotten now is forgotten after the next sync.
        let _ = device.forget_at_sign_out(user.id).await;
    }
    device.end_device_session();
    // Only the server's own success ends its session; an error page from a proxy does not.
    let reached = matches!(device.post_form("/fn/sign_out", &[]).await, Ok(p) if p.ok);
    device.set_sign_out_pending(!reached);
    device.go_to("/sign-in?signed_out=1");
}
