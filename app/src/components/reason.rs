//! The "why" of an information-governance step (removing a photo, redacting a note): a reason
//! field for the audit trail with its error beside it, the button that does the step once, and
//! the panel that says it is done.

use leptos::prelude::*;

use crate::components::form::ActionError;

/// The reason field (`name="reason"`) and the submit button of a form that removes or redacts
/// something; `error` is the action's, `pending` disables the button while it runs.
#[component]
pub fn ReasonAndSubmit(
    /// The question, e.g. "Why is it removed?".
    label: &'static str,
    /// How to word the reason without repeating personal details.
    hint: &'static str,
    /// The button's words, e.g. "Remove photo".
    action: &'static str,
    /// The button's words while the step runs, e.g. "Removing…".
    busy: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(into)] pending: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="form-group" class:form-group--error=move || error.get().is_some()>
            <label class="label" for="reason">{label}</label>
            <p class="hint" id="reason-hint">{hint}</p>
            <ActionError message=error id="reason-error" />
            <textarea class="input textarea" id="reason" name="reason" rows="3"
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=move || if error.get().is_some() {
                    "reason-hint reason-error"
                } else {
                    "reason-hint"
                }></textarea>
        </div>
        // Once: a second click while the first is on its way does nothing.
        <button type="submit" class="button button--warning" disabled=move || pending.get()>
            {move || if pending.get() { busy } else { action }}
        </button>
    }
}

/// Says the step is done, when (`at`, local time) and what followed; takes focus so a screen
/// reader says so.
#[component]
pub fn StepDone(
    heading: &'static str,
    /// The sentences after "Removed 3 June 2026 at 10:15." (`done` is the first word).
    done: &'static str,
    at: chrono::DateTime<chrono::Utc>,
    what_followed: &'static str,
) -> impl IntoView {
    let panel = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(panel) = panel.get() {
            let _ = panel.focus();
        }
    });
    let when = at
        .with_timezone(&chrono::Local)
        .format("%-d %B %Y at %H:%M");
    view! {
        <div class="panel" role="status" tabindex="-1" node_ref=panel>
            <h2>{heading}</h2>
            <p>{format!("{done} {when}. {what_followed}")}</p>
            <p><a href="/readiness">"Back to readiness"</a></p>
        </div>
    }
}
