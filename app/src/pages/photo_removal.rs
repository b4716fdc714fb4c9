//! `GET /admin/photos/{id}`: a trust admin removes a photo that caught a patient or a record by
//! mistake, with the reason for the audit trail. The server deletes its bytes, refuses its id
//! from then on, and every device drops its copy at its next sync. Reached from the "Remove"
//! link beside each photo an admin sees in the readiness drill-down.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::photos::RemovePhoto;
use crate::components::form::error_of;
use crate::components::params::use_id_param;
use crate::components::reason::{ReasonAndSubmit, StepDone};
use crate::components::signed_in::SignedIn;
use crate::pages::not_found::NotFound;

/// `GET /admin/photos/{id}`.
#[component]
pub fn PhotoRemovalPage() -> impl IntoView {
    view! {
        <Title text="Remove a photo - ReadyWard" />
        <SignedIn render=|user| {
            if !user.role.can_administer() {
                return view! {
                    <h1>"Remove a photo"</h1>
                    <p>"Only trust administrators can remove photos."</p>
                }
                    .into_any();
            }
            view! { <Removal /> }.into_any()
        } />
    }
}

#[component]
fn Removal() -> impl IntoView {
    let id = use_id_param();
    let remove = ServerAction::<RemovePhoto>::new();
    let error = Signal::derive(move || error_of(remove.value().get()));
    // The page changes only once the photo is removed: an error leaves the reason as typed.
    let removed = Memo::new(move |_| remove.value().get().and_then(Result::ok));
    let pending = remove.pending();
    move || {
        let Some(id) = id() else {
            return view! { <NotFound /> }.into_any();
        };
        view! {
            <h1>"Remove a photo"</h1>
            {match removed.get() {
                Some(at) => view! {
                    <StepDone heading="Photo removed" done="Removed" at
                        what_followed="Its files are deleted from the server, it cannot be sent again, and every tablet drops its copy at its next sync. The audit trail keeps your reason, not the picture." />
                }
                    .into_any(),
                None => view! {
                    <p>"Remove a photo that shows a patient, a patient's record or anything else it should not. This cannot be undone: the picture is deleted everywhere."</p>
                    <figure class="photo-to-remove">
                        <img src=format!("/api/v1/photos/{id}") alt="The photo to remove" />
                    </figure>
                    <ActionForm action=remove attr:class="inline-form">
                        <input type="hidden" name="photo_id" value=id.to_string() />
                        <ReasonAndSubmit label="Why is it removed?"
                            hint="Say what it showed without naming anyone, for example \"a patient's face in the background\". The audit trail keeps this."
                            action="Remove photo" busy="Removing…" error pending />
                    </ActionForm>
                }
                    .into_any(),
            }}
        }
            .into_any()
    }
}
