//! Signing out from the header or the lock screen: the device and the server both end the
//! session, after the user has been told what stays behind on the tablet.

use leptos::prelude::*;

use crate::components::sync_status::{Waiting, sync_message};
use crate::device::use_device;

/// Signs out on the device and the server ("Sign out" in the header and on the lock screen).
/// Signing out never loses work, but the user should know what stays behind on the tablet.
pub fn sign_out(ev: leptos::ev::SubmitEvent) {
    let Waiting(waiting) = expect_context::<Waiting>();
    let device = use_device();
    if let Some(Some(n)) = waiting.get_untracked()
        && n > 0
    {
        let question = format!(
            "{}. They stay on this device and sync after you sign in again. Sign out now?",
            sync_message(n, None)
        );
        let confirmed = leptos::web_sys::window()
            .and_then(|w| w.confirm_with_message(&question).ok())
            .unwrap_or(true);
        if !confirmed {
            ev.prevent_default();
            return;
        }
    }
    // The device signs out too, even when the server cannot be reached.
    ev.prevent_default();
    leptos::task::spawn_local(crate::components::session::finish_sign_out(device));
}
