//! "Your open inspections": the signed-in inspector's unfinished inspections on this device,
//! including one handed over to them (fetched at the last pull), each a link to carry on. Read
//! from the device, so it works offline, and read again whenever the device's records change.

use leptos::prelude::*;
use uuid::Uuid;

use crate::components::dates::date_time;
use crate::device::{LocalInspection, OutboxTick, use_device};
use domain::inspection::InspectionStatus;

/// The list, shown once the page runs (the server keeps no one's inspections).
#[component]
pub fn OpenInspections(user_id: Uuid) -> impl IntoView {
    let device = use_device();
    let OutboxTick(tick) = expect_context::<OutboxTick>();
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    let open = LocalResource::new(move || {
        tick.track();
        async move {
            let mut list: Vec<LocalInspection> =
                device.inspections_of(user_id).await.unwrap_or_default();
            list.retain(|i| i.status == InspectionStatus::InProgress);
            list
        }
    });
    move || {
        mounted.get().then(|| {
            view! {
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let list = open.await;
                        (!list.is_empty()).then(|| view! { <OpenList list /> })
                    })}
                </Suspense>
            }
        })
    }
}

#[component]
fn OpenList(list: Vec<LocalInspection>) -> impl IntoView {
    view! {
        <section aria-labelledby="open-inspections-heading">
            <h2 id="open-inspections-heading">"Your open inspections"</h2>
            <ul class="tree__wards">
                {list.into_iter().map(|i| {
                    let started = date_time(&i.started_at.with_timezone(&chrono::Local));
                    view! {
                        <li>
                            <a href=format!("/inspections/{}", i.id) class="card-link">
                                <span class="card-link__title">{i.unit_name.clone()}</span>
                                <span class="card-link__meta">{format!("{} · started {started}", i.template_name)}</span>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
