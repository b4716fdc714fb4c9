//! The always-visible `role="status"` line that tells the sync state in plain words.
//!
//! Screen readers announce changes to it; tests and training material rely on its wording.

use leptos::prelude::*;

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

/// The status line. Until the device keeps an outbox, nothing can be waiting.
#[component]
pub fn SyncStatus() -> impl IntoView {
    view! {
        <p role="status" class="sync-status">
            {sync_message(0, None)}
        </p>
    }
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
