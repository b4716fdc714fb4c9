//! Photos of a prompt: taken with the camera, downscaled and kept on the device with the
//! finding that names them, shown from the device until the server holds them.

use std::collections::HashMap;

use domain::SubjectCode;
use domain::inspection::FindingData;
use leptos::prelude::*;
use uuid::Uuid;

use super::ByCode;
use super::{Kept, anchor, latest_of};
use crate::device::{DeviceError, OutboxTick, StoredPhoto, ThisDevice, use_device};

/// "Add photo" for one prompt, with the photos already taken and a way to remove each.
#[component]
pub(super) fn PhotoField(
    code: SubjectCode,
    user_id: Uuid,
    inspection_id: Uuid,
    findings: RwSignal<ByCode>,
    latest: StoredValue<ByCode>,
    finished: RwSignal<bool>,
    photos: RwSignal<HashMap<Uuid, String>>,
    error: RwSignal<Option<String>>,
    tick: OutboxTick,
) -> impl IntoView {
    let input_id = format!("{}-photo", anchor(&code));
    let busy = RwSignal::new(false);
    let device = use_device();
    let current = latest_of(latest, inspection_id, code.clone());
    let on_file = {
        let current = current.clone();
        move |ev: leptos::ev::Event| {
            let input: leptos::web_sys::HtmlInputElement = event_target(&ev);
            let kept = Kept {
                user_id,
                findings,
                latest,
            };
            add_photo(device, input, current(), kept, photos, busy, error, tick);
        }
    };
    let photo_ids = {
        let code = code.clone();
        Memo::new(move |_| {
            findings
                .read()
                .get(&code)
                .map(|f| f.photo_ids.clone())
                .unwrap_or_default()
        })
    };
    let shown = {
        move || {
            let photo_ids = photo_ids.get();
            let urls = photos.get();
            photo_ids
                .iter()
                .enumerate()
                // A photo the server confirmed has left the device: show the server's thumbnail.
                .map(|(n, id)| {
                    let url = urls
                        .get(id)
                        .cloned()
                        .unwrap_or_else(|| format!("/api/v1/photos/{id}/thumbnail"));
                    (n, *id, url)
                })
                .collect::<Vec<_>>()
        }
    };
    view! {
        <div class="photos">
            <ul class="photos__list">
                {move || {
                    let code = code.clone();
                    let current = current.clone();
                    shown()
                        .into_iter()
                        .map(|(n, id, url)| {
                            let current = current.clone();
                            view! {
                                <li class="photo">
                                    <img src=url alt=format!("Photo {} for {}", n + 1, code) />
                                    <button type="button" class="button button--secondary" disabled=move || finished.get()
                                        on:click=move |_| {
                                            let mut f = current();
                                            f.photo_ids.retain(|p| *p != id);
                                            remove_photo(device, f, id, Kept { user_id, findings, latest }, photos, error, tick);
                                        }>
                                        "Remove photo" <span class="visually-hidden">{format!(" {}", n + 1)}</span>
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <label class="label" for=input_id.clone()>"Add photo"</label>
            <input type="file" class="file-input" id=input_id accept="image/*" capture="environment"
                disabled=move || finished.get() || busy.get() on:change=on_file />
            {move || busy.get().then(|| view! { <p class="hint">"Saving photo…"</p> })}
        </div>
    }
}

/// Downscales the chosen file, stores it with the finding that names it, and shows it.
#[allow(clippy::too_many_arguments)]
fn add_photo(
    device: ThisDevice,
    input: leptos::web_sys::HtmlInputElement,
    finding: FindingData,
    kept: Kept,
    photos: RwSignal<HashMap<Uuid, String>>,
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    tick: OutboxTick,
) {
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    busy.set(true);
    leptos::task::spawn_local(async move {
        let result = async {
            let small = device.downscale(&file).await?;
            let photo = StoredPhoto {
                id: Uuid::now_v7(),
                blob: small.blob,
                width: small.width,
                height: small.height,
            };
            let mut finding = finding;
            finding.photo_ids.push(photo.id);
            device.add_photo(kept.user_id, &finding, &photo).await?;
            Ok::<_, DeviceError>((finding, photo))
        }
        .await;
        match result {
            Ok((finding, photo)) => {
                if let Some(url) = device.object_url(&photo.blob) {
                    photos.update(|p| {
                        p.insert(photo.id, url);
                    });
                }
                kept.confirm(finding);
                error.set(None);
                tick.bump();
            }
            Err(e) => error.set(Some(e.to_string())),
        }
        input.set_value("");
        busy.set(false);
    });
}

/// Deletes a photo from the device together with its mention in the finding.
fn remove_photo(
    device: ThisDevice,
    finding: FindingData,
    photo_id: Uuid,
    kept: Kept,
    photos: RwSignal<HashMap<Uuid, String>>,
    error: RwSignal<Option<String>>,
    tick: OutboxTick,
) {
    leptos::task::spawn_local(async move {
        let result = async { device.remove_photo(kept.user_id, &finding, photo_id).await }.await;
        match result {
            Ok(()) => {
                photos.update(|p| {
                    if let Some(url) = p.remove(&photo_id) {
                        let _ = leptos::web_sys::Url::revoke_object_url(&url);
                    }
                });
                kept.confirm(finding);
                tick.bump();
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    });
}
