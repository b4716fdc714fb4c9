//! The always-visible `role="status"` line that tells the sync state in plain words.
//!
//! It counts the signed-in user's changes waiting in the device's outbox; screen readers
//! announce each change of it, and tests and training material rely on its wording. The sync
//! engine itself belongs to the device (`device::engine`); this starts it and shows what it
//! reports.

use leptos::prelude::*;

use crate::components::session::UserResource;
use crate::device::OutboxTick;
use crate::device::{SyncSignals, ThisDevice, use_device};

/// The plain-words sentence for a number of records still waiting to sync.
pub fn sync_message(waiting: usize, failure: Option<&str>) -> String {
    let waiting_text = match waiting {
        1 => "1 change waiting to sync".to_owned(),
        n => format!("{n} changes waiting to sync"),
    };
    match (waiting, failure) {
        (_, Some(reason)) => format!("Sync failed: {reason}. {waiting_text}"),
        (0, None) => "All changes synced".to_owned(),
        (_, None) => waiting_text,
    }
}

/// The number of records waiting to sync on this device for the signed-in user (`None` when it
/// cannot be read), recounted whenever the outbox changes.
#[derive(Clone, Copy)]
pub struct Waiting(pub LocalResource<Option<usize>>);

/// Starts counting waiting records for the page (called once, by the layout).
pub fn provide_waiting() {
    let UserResource(user) = expect_context::<UserResource>();
    let OutboxTick(tick) = expect_context::<OutboxTick>();
    let device = use_device();
    let waiting = LocalResource::new(move || {
        tick.track();
        let user_id = user.get().and_then(|u| u.ok().flatten()).map(|u| u.id);
        async move { count(device, user_id).await }
    });
    provide_context(Waiting(waiting));
}

/// The failure that pauses sync until the user signs in again (their session ended).
const SIGN_IN_AGAIN: &str = "sign in again to sync";

/// Why the last sync failed; `None` once a sync goes through.
#[derive(Clone, Copy)]
pub struct SyncFailure(pub RwSignal<Option<String>>);

/// Whether a sync is under way right now (the ledger shows its lines as "Sending").
#[derive(Clone, Copy)]
pub struct Sending(pub RwSignal<bool>);

/// Starts the sync engine for the page (called once, by the layout, after `provide_waiting`).
pub fn provide_sync() {
    let failure = RwSignal::new(None::<String>);
    provide_context(SyncFailure(failure));
    let sending = RwSignal::new(false);
    provide_context(Sending(sending));
    let UserResource(user) = expect_context::<UserResource>();
    let tick = expect_context::<OutboxTick>();
    let Waiting(waiting) = expect_context::<Waiting>();
    let device = use_device();
    let signals = SyncSignals {
        failure,
        sending,
        tick,
    };
    Effect::new(move |started: Option<bool>| {
        if started == Some(true) {
            return true;
        }
        let Some(Ok(Some(u))) = user.get() else {
            return false;
        };
        device.start_sync(u.id, signals);
        true
    });
    // A newly queued change goes out shortly after (a burst of taps makes one push).
    Effect::new(move |before: Option<usize>| {
        let now = waiting.get().flatten().unwrap_or(0);
        if now > before.unwrap_or(0) {
            device.sync_soon();
        }
        now
    });
}

/// The status line, with "Sync now". The count lives on the device, so the server renders a
/// neutral line and the browser fills in the count.
#[component]
pub fn SyncStatus() -> impl IntoView {
    let Waiting(waiting) = expect_context::<Waiting>();
    let SyncFailure(failure) = expect_context::<SyncFailure>();
    let device = use_device();
    view! {
        <div class="sync-bar">
            <p role="status" class="sync-status">
                <Suspense fallback=|| "Checking for changes waiting to sync…">
                    {move || Suspend::new(async move {
                        match waiting.await {
                            Some(n) => {
                                let reason = failure.get().filter(|_| n > 0);
                                sync_message(n, reason.as_deref())
                            }
                            None => "This device cannot count its waiting changes".to_owned(),
                        }
                    })}
                </Suspense>
            </p>
            <button type="button" class="button button--secondary" on:click=move |_| device.sync_now()>
                "Sync now"
            </button>
            {move || {
                (failure.get().as_deref() == Some(SIGN_IN_AGAIN))
                    .then(|| view! { <a href="/sign-in" class="sync-bar__details">"Sign in again"</a> })
            }}
            <a href="/sync" class="sync-bar__details">"Changes on this device"</a>
        </div>
    }
}

/// The user's waiting changes; the whole device's when nobody is known to be signed in.
async fn count(device: ThisDevice, user_id: Option<uuid::Uuid>) -> Option<usize> {
    match user_id {
        Some(id) => device.outbox_count(id).await,
        None => device.outbox_total().await,
    }
    .ok()
}

#[cfg(test)]
mod tests {
    use super::sync_message;

    #[test]
    fn words_the_interface_keeps() {
        assert_eq!(sync_message(0, None), "All changes synced");
        assert_eq!(sync_message(1, None), "1 change waiting to sync");
        assert_eq!(sync_message(3, None), "3 changes waiting to sync");
        assert_eq!(
            sync_message(2, Some("no connection")),
            "Sync failed: no connection. 2 changes waiting to sync"
        );
    }
}
