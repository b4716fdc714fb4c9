//! The trust's Well-led as readiness has it: the indicative rating, its score and what it
//! rests on (the trust-level ratings, or the only site's Well-led). Shown after a trust-level
//! rating is saved; it asks the server, so offline it says it will show once online.

use domain::readiness::rollup::Basis;
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::readiness::board_readiness;
use crate::device::OutboxTick;

/// The trust's Well-led now; asked again whenever `refresh` or the outbox changes.
#[component]
pub fn TrustWellLedSummary(trust_id: Uuid, refresh: Signal<u32>) -> impl IntoView {
    let OutboxTick(tick) = expect_context::<OutboxTick>();
    let report = LocalResource::new(move || {
        refresh.track();
        tick.track();
        async move { board_readiness(None, None, None, Some(trust_id)).await }
    });
    // Asked from the browser once the page runs (see `WardSummary`).
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    view! {
        <Show when=move || mounted.get()>
        <Suspense fallback=|| view! { <p>"Asking the server…"</p> }>
            {move || Suspend::new(async move {
                let Ok(report) = report.await else {
                    return view! { <p class="inset">"Readiness shows here when this tablet is online."</p> }.into_any();
                };
                let cell = report
                    .roll_up
                    .trusts
                    .into_iter()
                    .find(|t| t.id == trust_id)
                    .and_then(|t| t.key_questions.into_iter().find(|c| c.code == "well_led"));
                let Some(cell) = cell else {
                    return view! { <p>"No readiness for this trust yet."</p> }.into_any();
                };
                let basis = match cell.basis {
                    Basis::TrustEvidence if cell.score.is_none() => "Nothing counted yet: a trust with several sites takes its Well-led from trust-level ratings only.".to_owned(),
                    Basis::TrustEvidence => "From the trust-level self-assessment and peer review.".to_owned(),
                    Basis::OnlySite => "The trust has one site: its Well-led is that site's.".to_owned(),
                    Basis::Aggregated(_) => "From the ratings below the trust.".to_owned(),
                    Basis::Published(day) => format!("Nothing new: the CQC's rating of {} carries forward.", day.format("%-d %B %Y")),
                };
                view! {
                    <dl class="summary-list" id="trust-well-led">
                        <div class="summary-list__row">
                            <dt>"Well-led, indicative"</dt>
                            <dd><span class=format!("rating rating--{}", cell.rating.as_str())>{cell.rating.label()}</span></dd>
                        </div>
                        <div class="summary-list__row">
                            <dt>"Score"</dt>
                            <dd>{cell.score.map_or("-".to_owned(), |v| format!("{v:.0}%"))}</dd>
                        </div>
                        <div class="summary-list__row">
                            <dt>"Rests on"</dt>
                            <dd>{basis}</dd>
                        </div>
                    </dl>
                }
                    .into_any()
            })}
        </Suspense>
        </Show>
    }
}
