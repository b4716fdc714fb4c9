//! Starting a mock inspection: "Ward", "Checklist", then "Start inspection" (on the home page
//! for every ward, and on a ward's own page for that ward).
//!
//! The inspection is created on the device: its prompts are copied from the framework into the
//! inspection record, so it reads the same without a connection, and an `inspection.upsert`
//! is queued in the same IndexedDB transaction. The checklists and frameworks come from the
//! device's copies when there is no connection.

use domain::api::{UnitInfo, UserInfo};
use domain::template::{ChecklistTemplate, suits};
use leptos::prelude::*;
use uuid::Uuid;

use crate::device::{LocalInspection, ThisDevice, use_device};

/// The ward and checklist selects and the start button. `units` are the wards to choose
/// from (the first is chosen to begin with); `templates` the checklists, loaded by the page
/// together with its own data (a third level of nested resources would not hydrate).
#[component]
pub fn StartInspection(
    user: UserInfo,
    units: Vec<UnitInfo>,
    templates: Vec<ChecklistTemplate>,
) -> impl IntoView {
    let ward = RwSignal::new(units.first().map(|u| u.id));
    let chosen = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let starting = RwSignal::new(false);
    let units = StoredValue::new(units);
    let all = StoredValue::new(templates);
    let device = use_device();
    let ward_type = move || {
        let id = ward.get();
        units.with_value(|list| {
            list.iter()
                .find(|u| Some(u.id) == id)
                .map(|u| u.ward_type.clone())
                .unwrap_or_default()
        })
    };
    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let Some(unit) = units.with_value(|list| {
            list.iter()
                .find(|u| Some(u.id) == ward.get_untracked())
                .cloned()
        }) else {
            error.set(Some("Choose a ward".to_owned()));
            return;
        };
        let id = chosen.get_untracked();
        let Some(template) = all.with_value(|list| {
            list.iter()
                .find(|t| Some(t.id.to_string()) == id && suits(t, &unit.ward_type))
                .cloned()
        }) else {
            error.set(Some("Choose a checklist".to_owned()));
            return;
        };
        starting.set(true);
        begin(device, user.clone(), unit, template, error, starting);
    };
    view! {
        <section aria-labelledby="start-heading" class="inline-form">
            <h2 id="start-heading">"Start a mock inspection"</h2>
            {
                        // The checklists that suit the chosen ward, and the one chosen among them.
                        let suitable = move || {
                            let kind = ward_type();
                            all.with_value(|list| {
                                list.iter().filter(|t| suits(t, &kind)).cloned().collect::<Vec<_>>()
                            })
                        };
                        Effect::new(move |_| {
                            let list = suitable();
                            let current = chosen.get_untracked();
                            if !list.iter().any(|t| Some(t.id.to_string()) == current) {
                                chosen.set(list.first().map(|t| t.id.to_string()));
                            }
                        });
                        view! {
                            <form on:submit=start>
                                <div class="form-group">
                                    <label class="label" for="ward">"Ward"</label>
                                    <select
                                        id="ward"
                                        on:change=move |ev| ward.set(event_target_value(&ev).parse::<Uuid>().ok())
                                    >
                                        {units
                                            .get_value()
                                            .into_iter()
                                            .map(|u| {
                                                let selected = Some(u.id) == ward.get_untracked();
                                                view! {
                                                    <option value=u.id.to_string() selected=selected>
                                                        {format!("{} ({})", u.name, u.site.name)}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                </div>
                                <div class="form-group">
                                    <label class="label" for="checklist">"Checklist"</label>
                                    // Every checklist is an option; those that do not suit the chosen
                                    // ward are hidden (a select cannot hold reactive children and
                                    // still hydrate).
                                    <select
                                        id="checklist"
                                        prop:value=move || chosen.get().unwrap_or_default()
                                        on:change=move |ev| chosen.set(Some(event_target_value(&ev)))
                                    >
                                        {all
                                            .get_value()
                                            .into_iter()
                                            .map(|t| {
                                                let id = t.id.to_string();
                                                let label = format!("{} ({} prompts)", t.name, t.prompt_codes.len());
                                                let fits = move || suits(&t, &ward_type());
                                                let hide = fits.clone();
                                                view! {
                                                    <option value=id hidden=move || !hide() disabled=move || !fits()>
                                                        {label}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                </div>
                                {move || error.get().map(|e| view! { <p class="error-message" role="alert">{e}</p> })}
                                <button type="submit" class="button" disabled=move || starting.get()>
                                    {move || if starting.get() { "Starting…" } else { "Start inspection" }}
                                </button>
                            </form>
                        }
            }
        </section>
    }
}

/// Creates the inspection on the device and opens it.
fn begin(
    device: ThisDevice,
    user: UserInfo,
    unit: UnitInfo,
    template: ChecklistTemplate,
    error: RwSignal<Option<String>>,
    starting: RwSignal<bool>,
) {
    let navigate = leptos_router::hooks::use_navigate();
    leptos::task::spawn_local(async move {
        let framework =
            match crate::api::kept::framework(device, template.framework_id.clone()).await {
                Ok(Some(f)) => f,
                _ => {
                    error.set(Some(
                        "The checklist could not be loaded. Check the connection and try again"
                            .to_owned(),
                    ));
                    starting.set(false);
                    return;
                }
            };
        let prompts = domain::inspection::checklist_prompts(&framework, &template.prompt_codes);
        let inspection = LocalInspection {
            id: uuid::Uuid::now_v7(),
            user_id: user.id,
            unit_id: unit.id,
            unit_name: unit.name.clone(),
            template_id: template.id,
            template_version: template.version,
            template_name: template.name.clone(),
            framework_id: template.framework_id.clone(),
            prompts,
            started_at: chrono::Utc::now(),
            status: domain::inspection::InspectionStatus::InProgress,
        };
        match device.save_inspection(&inspection).await {
            Ok(()) => navigate(
                &format!("/inspections/{}", inspection.id),
                Default::default(),
            ),
            Err(e) => {
                error.set(Some(e.to_string()));
                starting.set(false);
            }
        }
    });
}
