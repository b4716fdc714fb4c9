//! `GET /admin/notes/{id}`: a trust admin redacts the note of a finding, an interview or a
//! reply that named a patient or said what it should not, with the reason for the audit trail.
//! The record keeps its answer and photos; the words leave the server (the record, its
//! history, kept conflicts, the audit trail's content) and every tablet at its next sync.
//! Reached from the "Redact note" link beside each note an admin sees in the readiness
//! drill-down.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::photos::RedactNote;
use crate::components::form::error_of;
use crate::components::params::use_id_param;
use crate::components::reason::{ReasonAndSubmit, StepDone};
use crate::components::signed_in::SignedIn;
use crate::pages::not_found::NotFound;

/// `GET /admin/notes/{id}`.
#[component]
pub fn NoteRedactionPage() -> impl IntoView {
    view! {
        <Title text="Redact a note - ReadyWard" />
        <SignedIn render=|user| {
            if !user.role.can_administer() {
                return view! {
                    <h1>"Redact a note"</h1>
                    <p>"Only trust administrators can redact notes."</p>
                }
                    .into_any();
            }
            view! { <Redaction /> }.into_any()
        } />
    }
}

#[component]
fn Redaction() -> impl IntoView {
    let id = use_id_param();
    let redact = ServerAction::<RedactNote>::new();
    let error = Signal::derive(move || error_of(redact.value().get()));
    // The page changes only once the note is redacted: an error leaves the reason as typed.
    let redacted = Memo::new(move |_| redact.value().get().and_then(Result::ok));
    let pending = redact.pending();
    move || {
        let Some(id) = id() else {
            return view! { <NotFound /> }.into_any();
        };
        view! {
            <h1>"Redact a note"</h1>
            {match redacted.get() {
                Some(at) => view! {
                    <StepDone heading="Note redacted" done="Redacted" at
                        what_followed="The note's words are deleted from the server, its history and the audit trail, and every tablet blanks its copy at its next sync. The answer and photos stay. The audit trail keeps your reason, not the words." />
                }
                    .into_any(),
                None => view! {
                    <p>"Redact a note that names a patient or says anything else it should not. The answer and photos stay; the words are deleted everywhere. This cannot be undone."</p>
                    <ActionForm action=redact attr:class="inline-form">
                        <input type="hidden" name="record_id" value=id.to_string() />
                        <ReasonAndSubmit label="Why is it redacted?"
                            hint="Say what the note held without repeating it, for example \"named a patient\". The audit trail keeps this."
                            action="Redact note" busy="Redacting…" error pending />
                    </ActionForm>
                }
                    .into_any(),
            }}
        }
            .into_any()
    }
}
