//! Starting a mock inspection from a ward's page: "Checklist" then "Start inspection".
//!
//! The inspection is created on the device: its prompts are copied from the framework into the
//! inspection record, so it reads the same without a connection, and an `inspection.upsert`
//! is queued in the same IndexedDB transaction.

use domain::api::{UnitInfo, UserInfo};
use domain::template::{ChecklistTemplate, suits};
use leptos::prelude::*;

use crate::api::kept;

/// The checklist select and the start button for one ward.
#[component]
pub fn StartInspection(user: UserInfo, unit: UnitInfo) -> impl IntoView {
    let user_id = user.id;
    let templates = Resource::new(|| (), move |_| kept::templates(user_id));
    let chosen = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let starting = RwSignal::new(false);
    let unit_for_start = unit.clone();
    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let Some(template) = templates.get().and_then(|r| r.ok()).and_then(|list| {
            let id = chosen.get_untracked();
            list.into_iter().find(|t| Some(t.id.to_string()) == id)
        }) else {
            error.set(Some("Choose a checklist".to_owned()));
            return;
        };
        starting.set(true);
        begin(
            user.clone(),
            unit_for_start.clone(),
            template,
            error,
            starting,
        );
    };
    view! {
        <section aria-labelledby="start-heading" class="inline-form">
            <h2 id="start-heading">"Start a mock inspection"</h2>
            <Suspense fallback=|| view! { <p>"Loading checklists…"</p> }>
                {move || {
                    let ward_type = unit.ward_type.clone();
                    let start = start.clone();
                    Suspend::new(async move {
                    let list: Vec<ChecklistTemplate> = templates
                        .await
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|t| suits(t, &ward_type))
                        .collect();
                    if chosen.get_untracked().is_none() {
                        chosen.set(list.first().map(|t| t.id.to_string()));
                    }
                    view! {
                        <form on:submit=start>
                            <div class="form-group">
                                <label class="label" for="checklist">"Checklist"</label>
                                <select id="checklist" on:change=move |ev| chosen.set(Some(event_target_value(&ev)))>
                                    {list
                                        .into_iter()
                                        .map(|t| {
                                            let id = t.id.to_string();
                                            let selected = Some(id.clone()) == chosen.get_untracked();
                                            view! {
                                                <option value=id selected=selected>
                                                    {format!("{} ({} prompts)", t.name, t.prompt_codes.len())}
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
                })}}
            </Suspense>
        </section>
    }
}

/// Creates the inspection on the device and opens it.
#[cfg(feature = "hydrate")]
fn begin(
    user: UserInfo,
    unit: UnitInfo,
    template: ChecklistTemplate,
    error: RwSignal<Option<String>>,
    starting: RwSignal<bool>,
) {
    use crate::device::{LocalInspection, LocalPrompt};
    let navigate = leptos_router::hooks::use_navigate();
    leptos::task::spawn_local(async move {
        let framework = match kept::framework(template.framework_id.clone()).await {
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
        let prompts = template
            .prompt_codes
            .iter()
            .filter_map(|code| {
                framework.key_questions.iter().find_map(|kq| {
                    kq.items.iter().find_map(|item| {
                        item.prompts
                            .iter()
                            .find(|p| &p.code == code)
                            .map(|p| LocalPrompt {
                                code: p.code.clone(),
                                text: p.text.clone(),
                                item_code: item.code.clone(),
                                item_title: item.title.clone(),
                                key_question: kq.code.clone(),
                                key_question_title: kq.title.clone(),
                            })
                    })
                })
            })
            .collect();
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
            status: domain::sync::InspectionStatus::InProgress,
        };
        match crate::device::save_inspection(&inspection).await {
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

#[cfg(not(feature = "hydrate"))]
fn begin(
    _user: UserInfo,
    _unit: UnitInfo,
    _template: ChecklistTemplate,
    _error: RwSignal<Option<String>>,
    _starting: RwSignal<bool>,
) {
}
