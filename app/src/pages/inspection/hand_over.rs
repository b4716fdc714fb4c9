//! "Hand over": passing an open inspection to the next shift. The owner chooses an inspector
//! of the trust (the server lists them, so this needs a connection); once everything recorded
//! has reached the server, the inspection is handed over and removed from this device. The new
//! owner finds it under "Your open inspections" on the home page.

use domain::api::NamedRef;
use leptos::prelude::*;
use uuid::Uuid;

use crate::device::{ThisDevice, use_device};

/// Where the choice stands.
#[derive(Clone, PartialEq)]
enum Step {
    /// Nothing asked yet.
    Idle,
    /// Asking the server whom to.
    Asking,
    /// The colleagues to choose from.
    Choosing(Vec<NamedRef>),
}

/// The hand-over section; `handed_to` is set once it is done (the page becomes read-only).
#[component]
pub(super) fn HandOver(
    user_id: Uuid,
    inspection_id: Uuid,
    finished: RwSignal<bool>,
    handed_to: RwSignal<Option<String>>,
) -> impl IntoView {
    let device = use_device();
    let step = RwSignal::new(Step::Idle);
    let chosen = RwSignal::new(None::<Uuid>);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    // The button pressed goes away at each step: focus follows to what replaced it.
    let select_ref = NodeRef::<leptos::html::Select>::new();
    let done_ref = NodeRef::<leptos::html::P>::new();
    Effect::new(move |_| {
        if let Some(el) = select_ref.get() {
            let _ = el.focus();
        }
    });
    Effect::new(move |_| {
        if let Some(el) = done_ref.get() {
            let _ = el.focus();
        }
    });
    let ask = move |_| {
        problem.set(None);
        step.set(Step::Asking);
        // Whatever still waits goes now, while the user chooses.
        device.sync_now();
        leptos::task::spawn_local(async move {
            match device.hand_over_choices(user_id, inspection_id).await {
                Ok(choices) if choices.colleagues.is_empty() => {
                    problem.set(Some(
                        "There is nobody else in your trust who can take this inspection on."
                            .to_owned(),
                    ));
                    step.set(Step::Idle);
                }
                Ok(choices) => {
                    chosen.set(choices.colleagues.first().map(|c| c.id));
                    step.set(Step::Choosing(choices.colleagues));
                }
                Err(e) => {
                    problem.set(Some(words(&e)));
                    step.set(Step::Idle);
                }
            }
        });
    };
    let give = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(to), Step::Choosing(colleagues)) = (chosen.get(), step.get()) else {
            return;
        };
        let name = colleagues
            .iter()
            .find(|c| c.id == to)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        give_to(
            device,
            (user_id, inspection_id, to, name),
            busy,
            problem,
            (finished, handed_to),
        );
    };
    view! {
        <section class="inline-form" aria-labelledby="hand-over-heading" hidden=move || finished.get() && handed_to.get().is_none()>
            <h2 id="hand-over-heading">"Hand over to another inspector"</h2>
            {move || match handed_to.get() {
                Some(name) => view! {
                    <p role="status" tabindex="-1" node_ref=done_ref>{format!("Handed over to {name}. It has been removed from this device; {name} will find it under Your open inspections on the home page.")}</p>
                    <p><a href="/">"Go to the home page"</a></p>
                }.into_any(),
                None => view! {
                    <p>"If your shift ends before the inspection does, another inspector can carry on where you stopped. Everything you recorded must reach the server first; the inspection is then removed from this device."</p>
                    {move || problem.get().map(|p| view! { <p class="error-message" role="alert">{p}</p> })}
                    {move || match step.get() {
                        Step::Idle => view! {
                            <button type="button" class="button button--secondary" on:click=ask>"Choose who takes over"</button>
                        }.into_any(),
                        Step::Asking => view! { <p role="status">"Finding the inspectors of your trust…"</p> }.into_any(),
                        Step::Choosing(colleagues) => view! {
                            <form on:submit=give>
                                <div class="form-group">
                                    <label class="label" for="hand-over-to">"Hand over to"</label>
                                    <select id="hand-over-to" node_ref=select_ref on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())>
                                        {colleagues.into_iter().map(|c| view! {
                                            <option value=c.id.to_string()>{c.name}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <button type="submit" class="button" disabled=move || busy.get()>
                                    {move || if busy.get() { "Handing over…" } else { "Hand over" }}
                                </button>
                            </form>
                        }.into_any(),
                    }}
                }.into_any(),
            }}
        </section>
    }
}

/// Hands the inspection over; on success the page becomes read-only and says to whom.
fn give_to(
    device: ThisDevice,
    (user_id, inspection_id, to, name): (Uuid, Uuid, Uuid, String),
    busy: RwSignal<bool>,
    problem: RwSignal<Option<String>>,
    (finished, handed_to): (RwSignal<bool>, RwSignal<Option<String>>),
) {
    busy.set(true);
    problem.set(None);
    leptos::task::spawn_local(async move {
        match device
            .hand_over_inspection(user_id, inspection_id, to)
            .await
        {
            Ok(()) => {
                handed_to.set(Some(name));
                finished.set(true);
            }
            Err(e) => problem.set(Some(words(&e))),
        }
        busy.set(false);
    });
}

fn words(e: &crate::device::DeviceError) -> String {
    match e {
        crate::device::DeviceError::Unreachable => {
            "The server could not be reached. Handing over needs a connection: try again when you have one."
                .to_owned()
        }
        other => other.to_string(),
    }
}
