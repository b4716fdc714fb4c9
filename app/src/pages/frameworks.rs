//! The framework browser: key questions > items (KLOEs or quality statements) > prompts, so
//! inspectors can read what they will check before they walk the ward.

use domain::framework::{Framework, Item};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::frameworks::{get_framework, list_frameworks};
use crate::components::signed_in::SignedIn;
use crate::pages::not_found::NotFound;

/// `GET /frameworks`.
#[component]
pub fn FrameworksPage() -> impl IntoView {
    view! {
        <Title text="Frameworks - ReadyWard" />
        <SignedIn render=|_| {
            let list = Resource::new(|| (), |_| list_frameworks());
            view! {
                <h1>"Frameworks"</h1>
                <p class="lede">"The CQC frameworks ReadyWard checks against, in plain words."</p>
                <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        list.await
                            .map(|list| {
                                view! {
                                    <ul class="card-list">
                                        {list
                                            .into_iter()
                                            .map(|f| {
                                                view! {
                                                    <li>
                                                        <a href=format!("/frameworks/{}", f.id) class="card-link">
                                                            <span class="card-link__title">{f.title}</span>
                                                            <span class="card-link__meta">
                                                                "Version " {f.version}
                                                            </span>
                                                        </a>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                            })
                            .map_err(|e| e.to_string())
                    })}
                </Suspense>
            }
        } />
    }
}

/// `GET /frameworks/{id}`.
#[component]
pub fn FrameworkPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    view! {
        <SignedIn render=move |_| {
            let framework = Resource::new(id, get_framework);
            view! {
                <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match framework.await {
                            Ok(Some(f)) => view! { <FrameworkView framework=f /> }.into_any(),
                            Ok(None) => view! { <NotFound /> }.into_any(),
                            Err(e) => view! { <p class="error-message">{e.to_string()}</p> }.into_any(),
                        }
                    })}
                </Suspense>
            }
        } />
    }
}

#[component]
fn FrameworkView(framework: Framework) -> impl IntoView {
    let prompt_count = framework.prompts().count();
    let observable = framework
        .prompts()
        .filter(|(_, p)| p.ward_observable)
        .count();
    let confirmed = framework.prompts().filter(|(_, p)| p.confirmed).count();
    view! {
        <Title text=format!("{} - ReadyWard", framework.title) />
        <nav aria-label="Breadcrumb" class="breadcrumb">
            <a href="/frameworks">"Frameworks"</a>
        </nav>
        <h1>{framework.title.clone()}</h1>
        <p class="lede">
            {format!(
                "{} prompts, {} of them can be checked on a ward walk-round.",
                prompt_count,
                observable,
            )}
        </p>
        <p class="hint">
            {format!(
                "Written in plain words from CQC's published guidance. {confirmed} of {prompt_count} prompts have been checked against CQC's own pages.",
            )}
        </p>
        <nav aria-label="Key questions" class="jump-links">
            <ul>
                {framework
                    .key_questions
                    .iter()
                    .map(|kq| {
                        view! {
                            <li>
                                <a href=format!("#kq-{}", kq.code)>{kq.title.clone()}</a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
        {framework
            .key_questions
            .into_iter()
            .map(|kq| {
                view! {
                    <section aria-labelledby=format!("kq-{}", kq.code)>
                        <h2 id=format!("kq-{}", kq.code)>{kq.title} ": " {kq.question}</h2>
                        {kq.items.into_iter().map(|item| view! { <ItemView item /> }).collect_view()}
                    </section>
                }
            })
            .collect_view()}
        {(!framework.evidence_categories.is_empty())
            .then(|| {
                view! {
                    <section aria-labelledby="evidence-categories">
                        <h2 id="evidence-categories">"Evidence categories"</h2>
                        <ul>
                            {framework
                                .evidence_categories
                                .into_iter()
                                .map(|c| view! { <li>{c.title}</li> })
                                .collect_view()}
                        </ul>
                    </section>
                }
            })}
    }
}

#[component]
fn ItemView(item: Item) -> impl IntoView {
    let count = item.prompts.len();
    view! {
        <details class="item" id=format!("item-{}", item.code)>
            <summary>
                <span class="item__code">{item.code.to_string()}</span>
                " "
                <span class="item__title">{item.title.clone()}</span>
                <span class="item__count">{format!(" ({count} prompts)")}</span>
            </summary>
            <ul class="prompt-list">
                {item
                    .prompts
                    .into_iter()
                    .map(|p| {
                        view! {
                            <li class="prompt">
                                <span class="prompt__code">{p.code.to_string()}</span>
                                " "
                                <span class="prompt__text">{p.text}</span>
                                {p
                                    .ward_observable
                                    .then(|| view! { <span class="tag">"Ward walk-round"</span> })}
                                {(!p.sectors.is_empty())
                                    .then(|| {
                                        view! {
                                            <span class="tag tag--grey">
                                                {format!("Only: {}", p.sectors.join(", ").replace('_', " "))}
                                            </span>
                                        }
                                    })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </details>
    }
}
