//! The home page: the trust's sites, core services and wards as a browsable tree, with a short
//! introduction for the signed-in user's role.

use domain::Role;
use domain::api::{NamedRef, UnitInfo};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::kept;
use crate::components::lock::LockSetting;
use crate::components::signed_in::SignedIn;
use crate::device::use_device;
use crate::pages::open_inspections::OpenInspections;
use crate::pages::review_comments::ReviewComments;
use crate::pages::start_inspection::StartInspection;

/// Consecutive runs of items sharing a key, in order: the server already sorts units in tree
/// order, so grouping runs keeps that order without re-sorting.
fn runs<T, K: PartialEq>(items: Vec<T>, key: impl Fn(&T) -> K) -> Vec<(K, Vec<T>)> {
    let mut groups: Vec<(K, Vec<T>)> = Vec::new();
    for item in items {
        let k = key(&item);
        match groups.last_mut() {
            Some((last, group)) if *last == k => group.push(item),
            _ => groups.push((k, vec![item])),
        }
    }
    groups
}

fn role_intro(role: Role) -> &'static str {
    match role {
        Role::WardInspector => "Choose a ward to see its details and run a mock inspection.",
        Role::TrustAdmin => {
            "Your trust's sites, core services and wards. Use Manage trust to change them."
        }
        Role::BuddyReviewer => {
            "Your own trust's wards, and the wards of each trust you have current access to review. Open one of theirs to run a mini-inspection or record a peer review."
        }
        Role::BoardViewer => "Your trust's sites, core services and wards.",
    }
}

/// `GET /`.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Home - ReadyWard" />
        <SignedIn render=|user| {
            let user_id = user.id;
            let inspects = user.role.can_inspect();
            let device = use_device();
            // The wards and, for inspectors, the checklists, in one resource.
            let units = Resource::new(
                || (),
                move |_| async move {
                    let units = kept::units(device, user_id).await?;
                    let templates = if inspects {
                        kept::templates(device, user_id).await.unwrap_or_default()
                    } else {
                        Vec::new()
                    };
                    Ok::<_, ServerFnError>((units, templates))
                },
            );
            view! {
                <h1>"Hello, " {user.name.clone()}</h1>
                <p class="lede">{role_intro(user.role)}</p>
                {(user.role == Role::BuddyReviewer).then(|| view! { <YourAccess /> })}
                {(inspects || user.role == Role::BuddyReviewer)
                    .then(|| view! { <OpenInspections user_id /> })}
                {inspects.then(|| view! { <ReviewComments user_id /> })}
                <Suspense fallback=|| view! { <p>"Loading wards…"</p> }>
                    {move || {
                        let user = user.clone();
                        Suspend::new(async move {
                        match units.await {
                            Ok((units, _)) if units.is_empty() => {
                                view! { <p>"There are no wards set up yet."</p> }.into_any()
                            }
                            Ok((units, templates)) => {
                                let start = inspects.then(|| {
                                    view! { <StartInspection user=user.clone() units=units.clone() templates /> }
                                });
                                view! {
                                    {start}
                                    <UnitTree units />
                                }
                                    .into_any()
                            }
                            Err(e) => {
                                view! { <p class="error-message">{e.to_string()}</p> }.into_any()
                            }
                        }
                    })}}
                </Suspense>
                <LockSetting />
            }
        } />
    }
}

/// Trust > site > core service > ward, as nested lists with a heading per trust and site.
#[component]
fn UnitTree(units: Vec<UnitInfo>) -> impl IntoView {
    let by_trust = runs(units, |u| u.trust.clone());
    by_trust
        .into_iter()
        .map(|(trust, units)| {
            let sites = runs(units, |u| u.site.clone());
            view! {
                <section class="tree" aria-labelledby=format!("trust-{}", trust.id)>
                    <h2 id=format!("trust-{}", trust.id)>{trust.name.clone()}</h2>
                    {sites.into_iter().map(|(site, units)| view! { <SiteBranch site units /> }).collect_view()}
                </section>
            }
        })
        .collect_view()
}

#[component]
fn SiteBranch(site: NamedRef, units: Vec<UnitInfo>) -> impl IntoView {
    let services = runs(units, |u| u.core_service.clone());
    let count = services.iter().map(|(_, u)| u.len()).sum::<usize>();
    view! {
        <details class="tree__site" open>
            <summary>
                <span class="tree__site-name">{site.name.clone()}</span>
                <span class="tree__count">{format!(" ({count} wards)")}</span>
            </summary>
            {services
                .into_iter()
                .map(|(service, units)| {
                    view! {
                        <h3 class="tree__service">{service.name.clone()}</h3>
                        <ul class="tree__wards">
                            {units
                                .into_iter()
                                .map(|u| {
                                    let ward_type = domain::org::WardType::parse(&u.ward_type)
                                        .map(|w| w.label())
                                        .unwrap_or("Ward");
                                    view! {
                                        <li>
                                            <a href=format!("/wards/{}", u.id) class="card-link">
                                                <span class="card-link__title">{u.name.clone()}</span>
                                                <span class="card-link__meta">{ward_type}</span>
                                            </a>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })
                .collect_view()}
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::runs;

    #[test]
    fn runs_group_consecutive_keys_in_order() {
        let grouped = runs(vec![1, 1, 2, 3, 3, 3], |n| *n);
        let keys: Vec<i32> = grouped.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, vec![1, 2, 3]);
        assert_eq!(grouped[2].1.len(), 3);
    }
}

/// A buddy reviewer's access to each trust: days left, a warning in the last week, and the day
/// an ended grant ended. Needs the server; offline it shows nothing.
#[component]
fn YourAccess() -> impl IntoView {
    let access = Resource::new(|| (), |_| crate::api::admin::my_access());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let grants = access.await.unwrap_or_default();
                let reviewing = grants.iter().any(|g| g.current);
                (!grants.is_empty()).then(|| view! {
                    <section aria-labelledby="your-access" class="access">
                        <h2 id="your-access">"Your access"</h2>
                        {reviewing.then(|| view! { <p><a href="/review" class="button">"Review evidence"</a></p> })}
                        <ul class="access__list">
                            {grants.into_iter().map(|g| {
                                let class = if g.ending_soon || !g.current {
                                    "inset inset--warning"
                                } else {
                                    "inset"
                                };
                                let warning = g.ending_soon.then_some("Warning: ");
                                view! { <li class=class><strong>{warning}</strong>{g.words}</li> }
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Suspense>
    }
}
