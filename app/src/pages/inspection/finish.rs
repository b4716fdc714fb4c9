//! "Finish inspection": how many prompts are still unanswered, and the button that makes the
//! inspection read-only (queued like any other change).

use leptos::prelude::*;
use uuid::Uuid;

use super::ByCode;
use crate::device::{OutboxTick, ThisDevice, use_device};

/// The finish section at the end of the page.
#[component]
pub(super) fn Finish(
    user_id: Uuid,
    inspection_id: Uuid,
    total: usize,
    findings: RwSignal<ByCode>,
    finished: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    tick: OutboxTick,
) -> impl IntoView {
    let answered = move || {
        findings
            .read()
            .values()
            .filter(|f| f.response.is_some())
            .count()
    };
    let device = use_device();
    let finish = move |_| finish_it(device, user_id, inspection_id, finished, error, tick);
    view! {
        <section class="inline-form" aria-labelledby="finish-heading">
            <h2 id="finish-heading">"Finish"</h2>
            <p>{move || {
                let left = total - answered();
                if left == 0 { "Every prompt is answered.".to_owned() } else { format!("{left} prompts are still unanswered.") }
            }}</p>
            <button type="button" class="button" on:click=finish disabled=move || finished.get()>
                "Finish inspection"
            </button>
        </section>
    }
}

fn finish_it(
    device: ThisDevice,
    user_id: Uuid,
    id: Uuid,
    finished: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    tick: OutboxTick,
) {
    leptos::task::spawn_local(async move {
        match device.finish_inspection(user_id, id).await {
            Ok(_) => {
                finished.set(true);
                tick.bump();
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    });
}
