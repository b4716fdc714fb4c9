//! How much this device holds for ReadyWard, shown as an inspection opens.

use leptos::prelude::*;

use crate::device::{ThisDevice, storage_message, use_device};

/// How much the device holds and has room for, with a warning when it runs short. Asks the
/// browser to keep the data (persistent storage) as the inspection opens.
#[component]
pub(super) fn StorageInfo() -> impl IntoView {
    let device = use_device();
    let state = LocalResource::new(move || read_storage(device));
    // A placeholder of the same height keeps the prompts from moving when the figures arrive.
    move || {
        match state.get().flatten() {
        None => view! { <p class="hint">"Checking the storage on this device…"</p> }.into_any(),
        Some((text, low)) => {
            view! {
                <p class="hint">{text}</p>
                {low.then(|| view! {
                    <p class="warning" role="alert">
                        "Storage on this device is running short. Sync and finish inspections before taking more photos."
                    </p>
                })}
            }
            .into_any()
        }
    }
    }
}

async fn read_storage(device: ThisDevice) -> Option<(String, bool)> {
    let s = device.storage_state(true).await.ok()??;
    Some(storage_message(s.usage, s.quota, s.persisted))
}
