//! "Open inspections" on "Manage trust": every unfinished inspection of the trust with its
//! owner, so an admin can hand one to the next shift when its owner cannot. The new owner's
//! devices fetch it at their next sign-in; changes still waiting on the old owner's tablet are
//! refused from then on and wait there with the reason. "Finished inspections" lists those
//! finished lately, so one finished by mistake can be reopened (with a reason, audited): its
//! owner's tablet shows it open again after its next sync.

use domain::admin::TrustOverview;
use leptos::prelude::*;

use crate::api::admin::{AdminHandOver, AdminReopen};
use crate::components::form::{ActionError, error_of};

/// The list, each with whom it can go to.
#[component]
pub(super) fn OpenInspections(
    overview: TrustOverview,
    hand_over: ServerAction<AdminHandOver>,
) -> impl IntoView {
    let when = |t: chrono::DateTime<chrono::Utc>| t.format("%-d %b %Y, %H:%M UTC").to_string();
    let takers: Vec<(String, String)> = overview
        .users
        .iter()
        .filter(|u| u.active && u.role.can_inspect())
        .map(|u| (u.id.to_string(), u.name.clone()))
        .collect();
    view! {
        <section aria-labelledby="open-inspections">
            <h2 id="open-inspections">"Open inspections"</h2>
            <p class="hint">
                "Inspections not finished yet. If the inspector who has one cannot carry on, hand it to another: it reaches their device when they next sign in."
            </p>
            <ActionError message=Signal::derive(move || error_of(hand_over.value().get())) />
            {overview.open_inspections.is_empty().then(|| view! { <p>"There are no open inspections."</p> })}
            <ul class="user-list">
                {overview
                    .open_inspections
                    .into_iter()
                    .map(|i| {
                        let select_id = format!("hand-over-{}", i.id);
                        let label = format!("Hand {} to", i.unit_name);
                        let choices: Vec<(String, String)> = takers
                            .iter()
                            .filter(|(id, _)| *id != i.owner_id.to_string())
                            .cloned()
                            .collect();
                        view! {
                            <li class="user">
                                <p class="user__name">
                                    <strong>{i.unit_name.clone()}</strong>
                                    {format!(", {} since {}", i.owner_name, when(i.started_at))}
                                </p>
                                {if choices.is_empty() {
                                    view! { <p class="hint">"Nobody else in your trust can take it on: add or reactivate an inspector first."</p> }.into_any()
                                } else { view! {
                                <ActionForm action=hand_over attr:class="user__form">
                                    <input type="hidden" name="inspection_id" value=i.id.to_string() />
                                    <div class="form-group">
                                        <label class="label" for=select_id.clone()>{label}</label>
                                        <select id=select_id name="to_user_id">
                                            {choices.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                                        </select>
                                    </div>
                                    <button type="submit" class="button button--secondary">
                                        "Hand over" <span class="visually-hidden">{format!(" {} from {}", i.unit_name, i.owner_name)}</span>
                                    </button>
                                </ActionForm>
                                }.into_any() }}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// Inspections finished lately, newest first, each with a form to reopen it.
#[component]
pub(super) fn FinishedInspections(
    overview: TrustOverview,
    reopen: ServerAction<AdminReopen>,
) -> impl IntoView {
    let when = |t: chrono::DateTime<chrono::Utc>| t.format("%-d %b %Y, %H:%M UTC").to_string();
    view! {
        <section aria-labelledby="finished-inspections">
            <h2 id="finished-inspections">"Finished inspections"</h2>
            <p class="hint">
                {format!(
                    "Inspections finished in the last {} days. Reopen one finished by mistake: it goes back to the inspector who finished it, and their tablet shows it open again after its next sync.",
                    domain::admin::FINISHED_LISTED_DAYS
                )}
            </p>
            <ActionError message=Signal::derive(move || error_of(reopen.value().get())) />
            {overview.finished_inspections.is_empty().then(|| view! { <p>"No inspection was finished lately."</p> })}
            <ul class="user-list">
                {overview
                    .finished_inspections
                    .into_iter()
                    .map(|i| {
                        let reason_id = format!("reopen-{}", i.id);
                        view! {
                            <li class="user">
                                <p class="user__name">
                                    <strong>{i.unit_name.clone()}</strong>
                                    {format!(", {}, finished {}", i.owner_name, when(i.finished_at))}
                                </p>
                                <ActionForm action=reopen attr:class="user__form">
                                    <input type="hidden" name="inspection_id" value=i.id.to_string() />
                                    <div class="form-group">
                                        <label class="label" for=reason_id.clone()>"Why reopen it?"</label>
                                        <input class="input" id=reason_id name="reason" autocomplete="off" />
                                    </div>
                                    <button type="submit" class="button button--secondary">
                                        "Reopen" <span class="visually-hidden">{format!(" {} finished by {}", i.unit_name, i.owner_name)}</span>
                                    </button>
                                </ActionForm>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
