//! "Manage trust": how long the trust keeps its evidence, photos and audit trail. Once an admin
//! has saved them, the server deletes photos past their period every night.

use domain::admin::TrustOverview;
use domain::retention::{MAX_YEARS, MIN_YEARS};
use leptos::prelude::*;

use crate::api::admin::AdminSetRetention;
use crate::components::dates::date_time;
use crate::components::form::{ActionError, error_of};

/// The section: the periods as they stand, and the form to change them.
#[component]
pub fn RetentionSection(
    overview: TrustOverview,
    set_retention: ServerAction<AdminSetRetention>,
) -> impl IntoView {
    let view = overview.retention;
    let r = view.retention;
    let set = view.changed.is_some();
    let changed = match view.changed {
        Some((by, at)) => format!(
            "Set by {by}, {}.",
            date_time(&at.with_timezone(&chrono::Local))
        ),
        None => "ReadyWard's suggested periods: nobody has set them yet, so no photo is deleted until an administrator saves them.".to_owned(),
    };
    let error = Signal::derive(move || error_of(set_retention.value().get()));
    let field = move |id: &'static str, label: &'static str, hint: &'static str, years: u32| {
        let hint_id = format!("{id}-hint");
        let described = hint_id.clone();
        view! {
            <div class="form-group">
                <label class="label" for=id>{label}</label>
                <p class="hint" id=hint_id>{hint}</p>
                <input class="input input--years" type="number" id=id name=id
                    min=MIN_YEARS max=MAX_YEARS step="1" inputmode="numeric" required value=years
                    aria-invalid=move || error.get().is_some().then_some("true")
                    aria-describedby=move || if error.get().is_some() {
                        format!("{described} retention-error")
                    } else {
                        described.clone()
                    } />
            </div>
        }
    };
    view! {
        <section aria-labelledby="retention">
            <h2 id="retention">"Retention"</h2>
            <dl class="summary-list">
                <div class="summary-list__row"><dt>"Evidence"</dt><dd>{format!("{} years", r.evidence_years)}</dd></div>
                <div class="summary-list__row"><dt>"Photos"</dt><dd>{if set {
                    format!("{} years: deleted every night once older", r.photo_years)
                } else {
                    format!("{} years (suggested)", r.photo_years)
                }}</dd></div>
                <div class="summary-list__row"><dt>"Audit trail"</dt><dd>{format!("{} years", r.log_years)}</dd></div>
            </dl>
            <p class="hint">{changed}</p>
            <p class="hint">"Evidence and the audit trail are kept for at least their periods; ReadyWard does not yet delete them when a period ends."</p>
            <h3>"Change retention"</h3>
            <ActionForm action=set_retention attr:class="inline-form">
                {field("evidence_years", "Evidence, in years", "Findings, interviews, ratings, verdicts and replies.", r.evidence_years)}
                {field("photo_years", "Photos, in years", "No longer than the evidence. Photos older than this are deleted from the server every night.", r.photo_years)}
                {field("log_years", "Audit trail, in years", "At least as long as the evidence.", r.log_years)}
                <ActionError message=error id="retention-error" />
                <button type="submit" class="button">"Save retention"</button>
            </ActionForm>
        </section>
    }
}
