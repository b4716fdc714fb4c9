//! A ward's own page: where it sits in the trust, starting a mock inspection of it (by the
//! trust's staff, or a buddy reviewer of a trust they review), and its readiness.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::kept;
use crate::components::params::use_id_param;
use crate::components::signed_in::SignedIn;
use crate::device::use_device;
use crate::pages::not_found::NotFound;
use crate::pages::readiness::ward_summary::WardSummary;
use crate::pages::start_inspection::StartInspection;

/// `GET /wards/{id}`.
#[component]
pub fn WardPage() -> impl IntoView {
    let id = use_id_param();
    view! {
        <SignedIn render=move |user| {
            let user_id = user.id;
            // Inspectors and admins inspect their trust's wards; a buddy reviewer, the wards of
            // a trust they review, with that trust's checklists.
            let reviewer = user.role == domain::Role::BuddyReviewer;
            let inspects = user.role.can_inspect() || reviewer;
            let device = use_device();
            // The ward and, for inspectors, the checklists, in one resource.
            let unit = Resource::new(id, move |id| async move {
                let unit = match id {
                    Some(id) => kept::unit(device, user_id, id).await?,
                    None => None,
                };
                let templates = if inspects && unit.is_some() {
                    kept::templates(device, user_id).await.unwrap_or_default()
                } else {
                    Vec::new()
                };
                Ok::<_, ServerFnError>((unit, templates))
            });
            view! {
                <Suspense fallback=|| view! { <p>"Loading ward…"</p> }>
                    {move || {
                        let user = user.clone();
                        Suspend::new(async move {
                        match unit.await {
                            Ok((Some(u), templates)) => {
                                let can_inspect = user.role.can_inspect()
                                    || (reviewer && u.trust.id != user.trust_id);
                                let templates: Vec<_> = templates
                                    .into_iter()
                                    .filter(|t| t.usable_in(u.trust.id))
                                    .collect();
                                let start_user = user.clone();
                                let start_unit = u.clone();
                                let ward_type = domain::org::WardType::parse(&u.ward_type)
                                    .map(|w| w.label())
                                    .unwrap_or("Ward");
                                view! {
                                    <Title text=format!("{} - ReadyWard", u.name) />
                                    <nav aria-label="Breadcrumb" class="breadcrumb">
                                        <a href="/">"Home"</a>
                                    </nav>
                                    <span class="caption">{u.trust.name.clone()}</span>
                                    <h1>{u.name.clone()}</h1>
                                    <dl class="summary-list">
                                        <div class="summary-list__row">
                                            <dt>"Type"</dt>
                                            <dd>{ward_type}</dd>
                                        </div>
                                        <div class="summary-list__row">
                                            <dt>"Core service"</dt>
                                            <dd>{u.core_service.name.clone()}</dd>
                                        </div>
                                        <div class="summary-list__row">
                                            <dt>"Site"</dt>
                                            <dd>{u.site.name.clone()}</dd>
                                        </div>
                                    </dl>
                                    {can_inspect.then(|| view! { <StartInspection user=start_user units=vec![start_unit] templates /> })}
                                    <h2>"Readiness"</h2>
                                    {rate_link(user.role, u.id)}
                                    <WardSummary unit_id=u.id />
                                }
                                    .into_any()
                            }
                            Ok((None, _)) => view! { <NotFound /> }.into_any(),
                            Err(e) => {
                                view! { <p class="error-message">{e.to_string()}</p> }.into_any()
                            }
                        }
                    })}}
                </Suspense>
            }
        } />
    }
}

/// Where the user records a rating of this ward, in words for their role.
fn rate_link(role: domain::Role, unit_id: uuid::Uuid) -> Option<impl IntoView> {
    let text = match role {
        domain::Role::BuddyReviewer => "Record a peer review of this ward",
        r if r.can_inspect() => "Record a self-assessment of this ward",
        _ => return None,
    };
    Some(view! {
        <p>
            <a class="button button--secondary" href=format!("/wards/{unit_id}/rate")>{text}</a>
        </p>
    })
}
