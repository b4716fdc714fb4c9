//! Checklist templates for trust admins: the list, and a builder that picks framework prompts,
//! puts them in the order inspectors will meet them, and names the ward types they suit.
//! Saving an existing checklist makes its next version; inspections keep the version they used.

use domain::PromptCode;
use domain::framework::{Framework, FrameworkSummary};
use domain::org::WardType;
use domain::template::{ChecklistTemplate, DEFAULT_TEMPLATE_FRAMEWORK, TemplateDraft};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

use crate::api::frameworks::{get_framework, list_frameworks};
use crate::api::templates::{ArchiveTemplate, SaveTemplate, list_templates};
use crate::components::form::{ActionError, error_of, message};
use crate::components::params::use_id_param;
use crate::components::signed_in::SignedIn;

fn ward_type_labels(codes: &[String]) -> String {
    if codes.is_empty() {
        return "Every ward type".to_owned();
    }
    codes
        .iter()
        .map(|c| WardType::parse(c).map_or(c.as_str(), |w| w.label()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `GET /admin/checklists`.
#[component]
pub fn ChecklistsPage() -> impl IntoView {
    view! {
        <Title text="Checklists - ReadyWard" />
        <SignedIn render=|user| {
            if !user.role.can_administer() {
                return view! { <p>"Only trust administrators can manage checklists."</p> }.into_any();
            }
            let archive = ServerAction::<ArchiveTemplate>::new();
            let list = Resource::new(move || archive.version().get(), |_| list_templates());
            view! {
                <nav aria-label="Breadcrumb" class="breadcrumb"><a href="/admin">"Manage trust"</a></nav>
                <h1>"Checklists"</h1>
                <p class="lede">"Inspectors choose one of these when they start an inspection."</p>
                <p><a class="button" href="/admin/checklists/new">"Create a checklist"</a></p>
                <ActionError message=Signal::derive(move || error_of(archive.value().get())) />
                <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        list.await.map(|templates| view! {
                            <ul class="user-list">
                                {templates.into_iter().map(|t| view! { <TemplateRow t archive /> }).collect_view()}
                            </ul>
                        }).map_err(|e| message(&e))
                    })}
                </Suspense>
            }.into_any()
        } />
    }
}

#[component]
fn TemplateRow(t: ChecklistTemplate, archive: ServerAction<ArchiveTemplate>) -> impl IntoView {
    let hidden = format!(" {}", t.name);
    view! {
        <li class="user">
            <p class="user__name">
                <strong>{t.name.clone()}</strong>
                " "
                <span class="hint">
                    {format!(
                        "Version {} · {} prompt{} · {}",
                        t.version,
                        t.prompt_codes.len(),
                        if t.prompt_codes.len() == 1 { "" } else { "s" },
                        ward_type_labels(&t.ward_types),
                    )}
                </span>
                {t.built_in.then(|| view! { <span class="tag tag--grey">"Built in"</span> })}
            </p>
            {(!t.built_in).then(|| view! {
                <div class="user__form">
                    <a class="button button--secondary" href=format!("/admin/checklists/{}", t.id)>
                        "Edit" <span class="visually-hidden">{hidden.clone()}</span>
                    </a>
                    <ActionForm action=archive>
                        <input type="hidden" name="id" value=t.id.to_string() />
                        <button type="submit" class="button button--secondary">
                            "Withdraw" <span class="visually-hidden">{hidden.clone()}</span>
                        </button>
                    </ActionForm>
                </div>
            })}
        </li>
    }
}

/// Everything the builder starts from, loaded in one go.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct BuilderData {
    existing: Option<ChecklistTemplate>,
    frameworks: Vec<FrameworkSummary>,
    framework: Option<Framework>,
}

async fn load_builder(id: Option<Uuid>) -> Result<BuilderData, ServerFnError> {
    let existing = match id {
        Some(id) => list_templates()
            .await?
            .into_iter()
            .find(|t| t.id == id && !t.built_in),
        None => None,
    };
    let framework_id = existing.as_ref().map_or_else(
        || DEFAULT_TEMPLATE_FRAMEWORK.to_owned(),
        |t| t.framework_id.clone(),
    );
    Ok(BuilderData {
        frameworks: list_frameworks().await?,
        framework: get_framework(framework_id).await?,
        existing,
    })
}

/// `GET /admin/checklists/new` and `GET /admin/checklists/{id}`.
#[component]
pub fn ChecklistBuilderPage() -> impl IntoView {
    let editing = use_id_param();
    view! {
        <Title text="Checklist - ReadyWard" />
        <SignedIn render=move |user| {
            if !user.role.can_administer() {
                return view! { <p>"Only trust administrators can manage checklists."</p> }.into_any();
            }
            let data = Resource::new(editing, load_builder);
            view! {
                <nav aria-label="Breadcrumb" class="breadcrumb"><a href="/admin/checklists">"Checklists"</a></nav>
                <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        data.await.map(|data| view! { <Builder data /> }).map_err(|e| message(&e))
                    })}
                </Suspense>
            }.into_any()
        } />
    }
}

#[component]
fn Builder(data: BuilderData) -> impl IntoView {
    let BuilderData {
        existing,
        frameworks,
        framework: initial,
    } = data;
    let id = existing.as_ref().map(|t| t.id);
    let heading = if existing.is_some() {
        "Edit checklist"
    } else {
        "Create a checklist"
    };
    let name = RwSignal::new(
        existing
            .as_ref()
            .map(|t| t.name.clone())
            .unwrap_or_default(),
    );
    let framework_id = RwSignal::new(initial.as_ref().map(|f| f.id.clone()).unwrap_or_default());
    let ward_types = RwSignal::new(
        existing
            .as_ref()
            .map(|t| t.ward_types.clone())
            .unwrap_or_default(),
    );
    let chosen = RwSignal::new(
        existing
            .as_ref()
            .map(|t| t.prompt_codes.clone())
            .unwrap_or_default(),
    );
    // The framework whose prompts are on offer; swapping it clears the choice.
    let framework = RwSignal::new(initial);
    let change_framework = move |id: String| {
        framework_id.set(id.clone());
        chosen.set(Vec::new());
        leptos::task::spawn_local(async move {
            framework.set(get_framework(id).await.ok().flatten());
        });
    };
    let save = ServerAction::<SaveTemplate>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            navigate("/admin/checklists", Default::default());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveTemplate {
            draft: TemplateDraft {
                id,
                name: name.get_untracked(),
                framework_id: framework_id.get_untracked(),
                ward_types: ward_types.get_untracked(),
                prompt_codes: chosen.get_untracked(),
            },
        });
    };
    view! {
        <h1>{heading}</h1>
        <form on:submit=submit novalidate>
            <div class="form-group">
                <label class="label" for="checklist-name">"Checklist name"</label>
                <input class="input" id="checklist-name" bind:value=name />
            </div>
            <div class="form-group">
                <label class="label" for="checklist-framework">"Framework"</label>
                <select id="checklist-framework" on:change=move |ev| change_framework(event_target_value(&ev))>
                    {frameworks
                        .into_iter()
                        .map(|f| {
                            let selected = f.id == framework_id.get_untracked();
                            view! { <option value=f.id.clone() selected=selected>{f.title}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <fieldset class="fieldset">
                <legend class="label">"Ward types it suits"</legend>
                <p class="hint">"Leave all unticked if it suits every ward."</p>
                {WardType::ALL.into_iter().map(|w| {
                    let code = w.as_str().to_owned();
                    let toggle_code = code.clone();
                    let input_id = format!("ward-type-{code}");
                    view! {
                        <div class="checkbox">
                            <input type="checkbox" id=input_id.clone()
                                prop:checked=move || ward_types.read().contains(&code)
                                on:change=move |_| ward_types.update(|list| toggle(list, &toggle_code)) />
                            <label for=input_id>{w.label()}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <ChosenPrompts chosen framework />
            <h2>"Prompts to choose from"</h2>
            {move || framework.get().map(|f| view! { <PromptPicker framework=f chosen /> })}
            <ActionError message=Signal::derive(move || error_of(save.value().get())) />
            <button type="submit" class="button" disabled=move || save.pending().get()>
                {move || if save.pending().get() { "Saving…" } else { "Save checklist" }}
            </button>
        </form>
    }
}

/// Takes `item` out of the list if it is there, else adds it at the end.
fn toggle<T: PartialEq + Clone>(list: &mut Vec<T>, item: &T) {
    if let Some(i) = list.iter().position(|c| c == item) {
        list.remove(i);
    } else {
        list.push(item.clone());
    }
}

/// The chosen prompts in order, each with buttons to move it or take it out.
#[component]
fn ChosenPrompts(
    chosen: RwSignal<Vec<PromptCode>>,
    framework: RwSignal<Option<Framework>>,
) -> impl IntoView {
    let text_of = move |code: &str| {
        framework
            .read()
            .as_ref()
            .and_then(|f| {
                f.prompts()
                    .find(|(_, p)| p.code == code)
                    .map(|(_, p)| p.text.clone())
            })
            .unwrap_or_default()
    };
    let shift = move |i: usize, up: bool| {
        chosen.update(|list| {
            let j = if up { i.checked_sub(1) } else { Some(i + 1) };
            if let Some(j) = j.filter(|j| *j < list.len()) {
                list.swap(i, j);
            }
        })
    };
    view! {
        <h2 id="chosen-heading">
            {move || format!("Chosen prompts ({}), in the order inspectors will see them", chosen.read().len())}
        </h2>
        <ol class="chosen-list" aria-labelledby="chosen-heading">
            {move || {
                let list = chosen.get();
                let last = list.len().saturating_sub(1);
                list.into_iter().enumerate().map(|(i, code)| {
                    let remove_code = code.clone();
                    view! {
                        <li class="chosen">
                            <span class="chosen__text"><strong>{code.to_string()}</strong> " " {text_of(&code)}</span>
                            <span class="chosen__buttons">
                                <button type="button" class="button button--secondary" disabled=i == 0
                                    on:click=move |_| shift(i, true)>
                                    "Up" <span class="visually-hidden">{format!(" {code}")}</span>
                                </button>
                                <button type="button" class="button button--secondary" disabled=i == last
                                    on:click=move |_| shift(i, false)>
                                    "Down" <span class="visually-hidden">{format!(" {code}")}</span>
                                </button>
                                <button type="button" class="button button--secondary"
                                    on:click=move |_| chosen.update(|l| toggle(l, &remove_code))>
                                    "Remove" <span class="visually-hidden">{format!(" {code}")}</span>
                                </button>
                            </span>
                        </li>
                    }
                }).collect_view()
            }}
        </ol>
    }
}

/// Every prompt of the framework as a checkbox, grouped by item.
#[component]
fn PromptPicker(framework: Framework, chosen: RwSignal<Vec<PromptCode>>) -> impl IntoView {
    framework.key_questions.into_iter().map(|kq| view! {
        <h3>{kq.title}</h3>
        {kq.items.into_iter().map(|item| view! {
            <details class="item">
                <summary><span class="item__code">{item.code.to_string()}</span> " " {item.title.clone()}</summary>
                {item.prompts.into_iter().map(|p| {
                    let code = p.code.clone();
                    let toggle_code = code.clone();
                    let input_id = format!("prompt-{}", code.replace('.', "-"));
                    view! {
                        <div class="checkbox checkbox--prompt">
                            <input type="checkbox" id=input_id.clone()
                                prop:checked=move || chosen.read().contains(&code)
                                on:change=move |_| chosen.update(|l| toggle(l, &toggle_code)) />
                            <label for=input_id>
                                <strong>{p.code.to_string()}</strong> " " {p.text}
                                {p.ward_observable.then(|| view! { <span class="tag">"Ward walk-round"</span> })}
                            </label>
                        </div>
                    }
                }).collect_view()}
            </details>
        }).collect_view()}
    }).collect_view()
}
