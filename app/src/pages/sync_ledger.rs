//! `GET /sync`: every change and photo of the signed-in user on this device, with its state:
//! "Waiting to send", "Sending…", "Refused" with the server's reason, or "Synced" and when (the
//! newest synced records are kept as receipts). A refused one never blocks the rest; here the
//! user tries it again or, after confirming, discards it.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::signed_in::SignedIn;
use crate::components::sync_status::Sending;
use crate::device::{OutboxTick, ThisDevice, use_device};

/// What a ledger line stands for: a queued change (by its place), a photo (by its id), or a
/// record the server already has.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Record {
    Change(f64),
    Photo(uuid::Uuid),
    Synced,
}

/// One line of the ledger.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    record: Record,
    what: String,
    queued: String,
    refused: Option<String>,
    /// When the server acknowledged it, in words; `None` while it waits.
    synced: Option<String>,
}

/// A moment in the device's own time.
fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    crate::components::dates::date_time(&t.with_timezone(&chrono::Local))
}

async fn load(device: ThisDevice, user_id: uuid::Uuid) -> Result<Vec<Line>, String> {
    let queued = device.queued_of(user_id).await.map_err(|e| e.to_string())?;
    let photos = device
        .waiting_photos(user_id)
        .await
        .map_err(|e| e.to_string())?;
    let synced = device.synced_of(user_id).await.map_err(|e| e.to_string())?;
    let changes = queued.into_iter().map(|q| Line {
        record: Record::Change(q.seq),
        what: domain::sync::describe_change(&q.entry.mutation.kind, &q.entry.mutation.data),
        queued: when(q.entry.queued_at),
        refused: q.entry.refused,
        synced: None,
    });
    // Photo ids are v7 UUIDs: they say when the photo was taken.
    let photos = photos.into_iter().map(|p| Line {
        record: Record::Photo(p.id),
        what: format!("Photo for {}", p.item_code),
        queued: crate::device::made_at(p.id).map(when).unwrap_or_default(),
        refused: p.refused,
        synced: None,
    });
    let synced = synced.into_iter().map(|r| Line {
        record: Record::Synced,
        what: r.what,
        queued: when(r.recorded_at),
        refused: None,
        synced: Some(when(r.synced_at)),
    });
    Ok(changes.chain(photos).chain(synced).collect())
}

/// `GET /sync`.
#[component]
pub fn SyncLedgerPage() -> impl IntoView {
    view! {
        <Title text="Changes on this device - ReadyWard" />
        <SignedIn render=|user| {
            let OutboxTick(tick) = expect_context::<OutboxTick>();
            let device = use_device();
            let user_id = user.id;
            let mounted = RwSignal::new(false);
            Effect::new(move |_| mounted.set(true));
            let ledger = LocalResource::new(move || {
                tick.track();
                load(device, user_id)
            });
            view! {
                <h1>"Changes on this device"</h1>
                <p class="lede">
                    "Everything you recorded stays on this device until the server has it, and "
                    "is then listed here as synced. A change the server refuses waits here with "
                    "the reason; the rest still sync."
                </p>
                <button type="button" class="button" on:click=move |_| device.sync_now()>"Sync now"</button>
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
    let nothing_waits = lines.iter().all(|l| l.synced.is_some());
    let sending = use_context::<Sending>().map(|Sending(s)| s);
    let device = use_device();
    view! {
        {nothing_waits.then(|| view! { <p class="inset">"All changes synced. Nothing waits on this device."</p> })}
        {(!lines.is_empty()).then(|| view! {
            <table class="table">
                <caption class="visually-hidden">"Changes on this device, waiting first, then synced"</caption>
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
                                    on:click=move |_| retry(device, record, tick)>
                                    "Try again" <span class="visually-hidden">{format!(": {what}")}</span>
                                </button>
                                " "
                                <button type="button" class="button button--secondary"
                                    on:click=move |_| discard(device, record, tick)>
                                    "Discard" <span class="visually-hidden">{format!(": {}", line.what)}</span>
                                </button>
                            }
                        });
                        view! {
                            <tr>
                                <td>{what}</td>
                                <td>{line.queued}</td>
                                <td>{move || match (&line.synced, &line.refused) {
                                    (Some(at), _) => format!("Synced {at}"),
                                    (None, Some(reason)) => format!("Refused: {reason}"),
                                    _ if sending.is_some_and(|s| s.get()) => "Sending…".to_owned(),
                                    _ => "Waiting to send".to_owned(),
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

fn retry(device: ThisDevice, record: Record, tick: RwSignal<u32>) {
    leptos::task::spawn_local(async move {
        let _ = match record {
            Record::Change(seq) => device.set_refusal(seq, None).await,
            Record::Photo(id) => device.set_photo_refusal(id, None).await,
            Record::Synced => Ok(()),
        };
        tick.update(|n| *n = n.wrapping_add(1));
        device.sync_now();
    });
}

fn discard(device: ThisDevice, record: Record, tick: RwSignal<u32>) {
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
            Record::Change(seq) => device.discard_change(seq).await,
            Record::Photo(id) => device.forget_photo(id).await,
            Record::Synced => Ok(()),
        };
        tick.update(|n| *n = n.wrapping_add(1));
    });
}
