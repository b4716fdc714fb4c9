//! A ward's readiness in a small table: each key question's indicative rating, score, flags
//! and how many self-assessment and peer review ratings count, linking to the drill-down.
//! Shown on the ward's page and after a rating is saved; it asks the server, so offline it
//! says it will show once online.

use leptos::prelude::*;
use uuid::Uuid;

use super::rows::flag_label;
use crate::api::readiness::board_readiness;
use crate::device::OutboxTick;

/// The ward's readiness as the server has it now; asked again whenever `refresh` or the
/// outbox changes (a sync may have just counted something).
#[component]
pub fn WardSummary(unit_id: Uuid, #[prop(optional)] refresh: Option<Signal<u32>>) -> impl IntoView {
    let OutboxTick(tick) = expect_context::<OutboxTick>();
    let report = LocalResource::new(move || {
        if let Some(r) = refresh {
            r.track();
        }
        tick.track();
        async move { board_readiness(None, None, Some(unit_id), None).await }
    });
    // Asked from the browser once the page runs, never while the server renders it: what the
    // server would render could not match what the browser hydrates.
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    view! {
        <Show when=move || mounted.get()>
        <Suspense fallback=|| view! { <p>"Asking the server…"</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(r) => {
                        let Some(ward) = r.units.into_iter().next() else {
                            return view! { <p>"No readiness for this ward."</p> }.into_any();
                        };
                        let as_of = r.as_of.format("%-d %B %Y").to_string();
                        view! {
                            <table class="table" id="ward-readiness">
                                <caption class="visually-hidden">"This ward's indicative readiness by key question, as at " {as_of}</caption>
                                <thead><tr>
                                    <th scope="col">"Key question"</th>
                                    <th scope="col">"Indicative rating"</th>
                                    <th scope="col">"Score"</th>
                                    <th scope="col">"Flags"</th>
                                    <th scope="col">"Self-assessment"</th>
                                    <th scope="col">"Peer review (ratings and findings)"</th>
                                </tr></thead>
                                <tbody>
                                    {ward.readiness.key_questions.into_iter().map(|c| {
                                        let title = r.key_questions.iter().find(|(k, _)| *k == c.code).map(|(_, t)| t.clone()).unwrap_or_default();
                                        let s = c.readiness.sources;
                                        let count = |n: usize| if n == 1 { "1 rating".to_owned() } else { format!("{n} ratings") };
                                        let items = |n: usize| if n == 1 { "1 item".to_owned() } else { format!("{n} items") };
                                        let flags: Vec<&str> = c.readiness.flags.iter().map(|f| flag_label(f.code)).collect();
                                        view! {
                                            <tr>
                                                <th scope="row"><a href=format!("/readiness/wards/{unit_id}?kq={}", c.code)>{title}</a></th>
                                                <td><span class=format!("rating rating--{}", c.readiness.rating.as_str())>{c.readiness.rating.label()}</span></td>
                                                <td>{c.readiness.score.map_or("-".to_owned(), |v| format!("{v:.0}%"))}</td>
                                                <td>{if flags.is_empty() { "None".to_owned() } else { flags.join(", ") }}</td>
                                                <td>{count(s.self_assessment.count)}</td>
                                                <td>{items(s.peer_review.count)}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }
                            .into_any()
                    }
                    Err(_) => view! { <p class="inset">"Readiness shows here when this tablet is online."</p> }.into_any(),
                }
            })}
        </Suspense>
        </Show>
    }
}
