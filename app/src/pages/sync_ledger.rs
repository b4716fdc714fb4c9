//! `GET /sync`: every change and photo of the signed-in user still on this device, with its
//! state ("Waiting to send", or "Refused" with the server's reason). A refused one never blocks
//! the rest; here the user tries it again or, after confirming, discards it.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::signed_in::SignedIn;
use crate::components::sync_status::{OutboxTick, Sending, sync_now};

/// What a ledger line stands for: a queued change (by its place) or a photo (by its id).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Debug, Clone, Copy, PartialEq)]
enum Record {
    Change(f64),
    Photo(uuid::Uuid),
}

/// One line of the ledger.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    record: Record,
    what: String,
    queued: String,
    refused: Option<String>,
}

#[cfg(feature = "hydrate")]
async fn load(user_id: uuid::Uuid) -> Result<Vec<Line>, String> {
    let queued = crate::device::queued_of(user_id)
        .await
        .map_err(|e| e.to_string())?;
    let photos = crate::device::waiting_photos(user_id)
        .await
        .map_err(|e| e.to_string())?;
    let changes = queued.into_iter().map(|q| Line {
        record: Record::Change(q.seq),
        what: domain::sync::describe_change(&q.entry.mutation.kind, &q.entry.mutation.data),
        queued: q.entry.queued_at.format("%d %b %Y %H:%M").to_string(),
        refused: q.entry.refused,
    });
    // Photo ids are v7 UUIDs: their first 48 bits are when the photo was taken.
    let photos = photos.into_iter().map(|p| Line {
        record: Record::Photo(p.id),
        what: format!("Photo for {}", p.item_code),
        queued: taken_at(p.id),
        refused: p.refused,
    });
    Ok(changes.chain(photos).collect())
}

#[cfg(feature = "hydrate")]
fn taken_at(id: uuid::Uuid) -> String {
    id.get_timestamp()
        .and_then(|t| {
            let (secs, _) = t.to_unix();
            chrono::DateTime::from_timestamp(i64::try_from(secs).ok()?, 0)
        })
        .map(|t| t.format("%d %b %Y %H:%M").to_string())
        .unwrap_or_default()
}

#[cfg(not(feature = "hydrate"))]
async fn load(_user_id: uuid::Uuid) -> Result<Vec<Line>, String> {
    Ok(Vec::new())
}

/// `GET /sync`.
#[component]
pub fn SyncLedgerPage() -> impl IntoView {
    view! {
        <Title text="Changes on this device - ReadyWard" />
        <SignedIn render=|user| {
            let OutboxTick(tick) = expect_context::<OutboxTick>();
            let user_id = user.id;
            let mounted = RwSignal::new(false);
            Effect::new(move |_| mounted.set(true));
            let ledger = LocalResource::new(move || {
                tick.track();
                load(user_id)
            });
            view! {
                <h1>"Changes on this device"</h1>
                <p class="lede">
                    "Everything you recorded stays on this device until the server has it. "
                    "A change the server refuses waits here with the reason; the rest still sync."
                </p>
                <button type="button" class="button" on:click=move |_| sync_now()>"Sync now"</button>
                // The ledger lives on the device only: the server and the hydrating page both show
                // the placeholder, and the device's records replace it once the page is running.
                {move || {
                    if !mounted.get() {
                        return view! { <p>"Reading this device…"</p> }.into_any();
                    }
                    view! {
                        <Suspense fallback=|| view! { <p>"Reading this device…"</p> }>
                            {move || Suspend::new(async move {
                                match ledger.await {
                                    Err(e) => view! { <p class="error-message" role="alert">{e}</p> }.into_any(),
                                    Ok(lines) => view! { <Ledger lines tick /> }.into_any(),
                                }
                            })}
                        </Suspense>
                    }
                    .into_any()
                }}
            }
        } />
    }
}

#[component]
fn Ledger(lines: Vec<Line>, tick: RwSignal<u32>) -> impl IntoView {
    let empty = lines.is_empty();
    let sending = use_context::<Sending>().map(|Sending(s)| s);
    view! {
        {empty.then(|| view! { <p class="inset">"All changes synced. Nothing waits on this device."</p> })}
        {(!lines.is_empty()).then(|| view! {
            <table class="table">
                <caption class="visually-hidden">"Changes waiting on this device"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Change"</th>
                        <th scope="col">"Recorded"</th>
                        <th scope="col">"State"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {lines.into_iter().map(|line| {
                        let record = line.record;
                        let what = line.what.clone();
                        let actions = line.refused.is_some().then(|| {
                            let what = what.clone();
                            view! {
                                <button type="button" class="button button--secondary"
                                    on:click=move |_| retry(record, tick)>
                                    "Try again" <span class="visually-hidden">{format!(": {what}")}</span>
                                </button>
                                " "
                                <button type="button" class="button button--secondary"
                                    on:click=move |_| discard(record, tick)>
                                    "Discard" <span class="visually-hidden">{format!(": {}", line.what)}</span>
                                </button>
                            }
                        });
                        view! {
                            <tr>
                                <td>{what}</td>
                                <td>{line.queued}</td>
                                <td>{move || match &line.refused {
                                    Some(reason) => format!("Refused: {reason}"),
                                    None if sending.is_some_and(|s| s.get()) => "Sending…".to_owned(),
                                    None => "Waiting to send".to_owned(),
                                }}</td>
                                <td>{actions}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        })}
    }
}

#[cfg(feature = "hydrate")]
fn retry(record: Record, tick: RwSignal<u32>) {
    leptos::task::spawn_local(async move {
        let _ = match record {
            Record::Change(seq) => crate::device::set_refusal(seq, None).await,
            Record::Photo(id) => crate::device::set_photo_refusal(id, None).await,
        };
        tick.update(|n| *n = n.wrapping_add(1));
        sync_now();
    });
}

#[cfg(feature = "hydrate")]
fn discard(record: Record, tick: RwSignal<u32>) {
    let sure = leptos::web_sys::window()
        .and_then(|w| {
            w.confirm_with_message(
                "Discard this change? It has not reached the server and cannot be brought back.",
            )
            .ok()
        })
        .unwrap_or(false);
    if !sure {
        return;
    }
    leptos::task::spawn_local(async move {
        let _ = match record {
            Record::Change(seq) => crate::device::acknowledge(&[seq]).await,
            Record::Photo(id) => crate::device::forget_photo(id).await,
        };
        tick.update(|n| *n = n.wrapping_add(1));
    });
}

#[cfg(not(feature = "hydrate"))]
fn retry(_: Record, _: RwSignal<u32>) {}

#[cfg(not(feature = "hydrate"))]
fn discard(_: Record, _: RwSignal<u32>) {}
