//! The always-visible `role="status"` line that tells the sync state in plain words.
//!
//! It counts the signed-in user's changes waiting in the device's outbox; screen readers
//! announce each change of it, and tests and training material rely on its wording.

use leptos::prelude::*;

use crate::components::layout::UserResource;

/// Bumped after every write to the outbox, so the status line counts again.
#[derive(Clone, Copy)]
pub struct OutboxTick(pub RwSignal<u32>);

impl OutboxTick {
    /// Tells the status line that the outbox changed.
    pub fn bump(self) {
        self.0.update(|n| *n = n.wrapping_add(1));
    }
}

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
    let waiting = LocalResource::new(move || {
        tick.track();
        let user_id = user.get().and_then(|u| u.ok().flatten()).map(|u| u.id);
        async move { count(user_id).await }
    });
    provide_context(Waiting(waiting));
}

/// The status line. The count lives on the device, so the server renders a neutral line and
/// the browser fills in the count.
#[component]
pub fn SyncStatus() -> impl IntoView {
    let Waiting(waiting) = expect_context::<Waiting>();
    view! {
        <p role="status" class="sync-status">
            <Suspense fallback=|| "Checking for changes waiting to sync…">
                {move || Suspend::new(async move {
                    match waiting.await {
                        Some(n) => sync_message(n, None),
                        None => "This device cannot count its waiting changes".to_owned(),
                    }
                })}
            </Suspense>
        </p>
    }
}

/// The user's waiting changes; the whole device's when nobody is known to be signed in.
#[cfg(feature = "hydrate")]
async fn count(user_id: Option<uuid::Uuid>) -> Option<usize> {
    match user_id {
        Some(id) => crate::device::outbox_count(id).await.ok(),
        None => crate::device::outbox_total().await.ok(),
    }
}

#[cfg(not(feature = "hydrate"))]
async fn count(_user_id: Option<uuid::Uuid>) -> Option<usize> {
    None
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
