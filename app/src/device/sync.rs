//! Draining the outbox to `POST /api/v1/sync/push`: the user's oldest changes first, in
//! batches, each deleted only after the server acknowledged it (applied, a duplicate, or a
//! conflict it kept for review). A change the server refuses is marked with the reason and
//! waits for the user; the rest carry on. Photos follow, one per request (`upload_photos`).

use domain::photo::PhotoReceipt;
use domain::sync::{PushRequest, PushResponse, PushStatus};
use uuid::Uuid;

use super::{
    DeviceError, SyncedRecord, acknowledge, forget_uploaded_photos_of_finished, hand_over, made_at,
    mark_photo_uploaded, note_synced, set_photo_refusal, set_refusal, waiting_photos,
};

/// Changes sent per request.
pub const PUSH_BATCH: usize = 100;
const DEVICE_KEY: &str = "readyward.device_id";

/// Why a sync stopped, in words for the status line ("Sync failed: <reason>").
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SyncError {
    #[error("no connection")]
    Offline,
    #[error("sign in again to sync")]
    SignedOut,
    #[error("{0}")]
    Server(String),
    #[error("{0}")]
    Device(#[from] DeviceError),
}

/// This browser's id, made once and kept: the server records which device sent each change.
pub fn device_id() -> Uuid {
    let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
    if let Some(id) = storage
        .as_ref()
        .and_then(|s| s.get_item(DEVICE_KEY).ok().flatten())
        .and_then(|v| v.parse().ok())
    {
        return id;
    }
    let id = Uuid::new_v4();
    if let Some(s) = storage {
        let _ = s.set_item(DEVICE_KEY, &id.to_string());
    }
    id
}

/// Sends the user's waiting changes until none are left (or the server stops answering),
/// returning how many the server acknowledged.
pub async fn drain(user_id: Uuid) -> Result<usize, SyncError> {
    let device_id = device_id();
    let mut acknowledged = 0;
    loop {
        let batch = hand_over(user_id, PUSH_BATCH).await?;
        if batch.is_empty() {
            return Ok(acknowledged);
        }
        let request = PushRequest {
            device_id,
            mutations: batch.iter().map(|q| q.entry.mutation.clone()).collect(),
        };
        let body = serde_json::to_string(&request)
            .map_err(|e| SyncError::Server(format!("the changes could not be prepared: {e}")))?;
        let response = crate::device::net::post_json("/api/v1/sync/push", &body)
            .await
            .map_err(|_| SyncError::Offline)?;
        match response.status() {
            200 => {}
            401 => return Err(SyncError::SignedOut),
            403 => {
                return Err(SyncError::Server(
                    "this account may not record inspections".to_owned(),
                ));
            }
            status => {
                return Err(SyncError::Server(format!(
                    "the server could not take the changes (status {status})"
                )));
            }
        }
        let text = crate::device::net::text_of(&response)
            .await
            .map_err(|_| SyncError::Offline)?;
        let answer: PushResponse = serde_json::from_str(&text)
            .map_err(|_| SyncError::Server("the server's answer could not be read".to_owned()))?;
        let mut done = Vec::new();
        let mut refused = 0;
        for queued in &batch {
            match answer
                .results
                .iter()
                .find(|r| r.id == queued.entry.mutation.id)
            {
                Some(r) if r.status == PushStatus::Rejected => {
                    let reason = r.error.clone().unwrap_or_else(|| "refused".to_owned());
                    set_refusal(queued.seq, Some(reason)).await?;
                    refused += 1;
                }
                Some(_) => done.push(queued.clone()),
                // Not in the answer: not acknowledged, so it stays for the next try.
                None => {}
            }
        }
        acknowledge(&done).await?;
        acknowledged += done.len();
        if done.is_empty() && refused == 0 {
            return Err(SyncError::Server(
                "the server did not acknowledge the changes".to_owned(),
            ));
        }
    }
}

/// Uploads the user's photos, one per request with the SHA-256 of its bytes, returning how
/// many the server confirmed. A photo stops waiting only when the server answered 200 or 201
/// with that same hash (its blob goes once its inspection is finished); one the server refuses
/// is marked with the reason and the others go on. A broken upload is simply sent whole again
/// next time, starting with that photo.
pub async fn upload_photos(user_id: Uuid) -> Result<usize, SyncError> {
    let mut confirmed = 0;
    for photo in waiting_photos(user_id).await? {
        if photo.refused.is_some() {
            continue;
        }
        let bytes = blob_bytes(&photo.blob).await?;
        let sha256 = sha256_hex(&bytes).await?;
        let media_type = match photo.blob.type_() {
            t if t.is_empty() => "image/jpeg".to_owned(),
            t => t,
        };
        let url = format!("/api/v1/photos/{}", photo.id);
        let response = crate::device::net::put_bytes(&url, &media_type, &sha256, &bytes)
            .await
            .map_err(|_| SyncError::Offline)?;
        let status = response.status();
        let text = crate::device::net::text_of(&response)
            .await
            .map_err(|_| SyncError::Offline)?;
        match status {
            200 | 201 => {
                let receipt: PhotoReceipt = serde_json::from_str(&text).map_err(|_| {
                    SyncError::Server("the server's answer could not be read".to_owned())
                })?;
                if receipt.sha256 != sha256 {
                    return Err(SyncError::Server(
                        "a photo did not arrive whole; it will be sent again".to_owned(),
                    ));
                }
                mark_photo_uploaded(photo.id).await?;
                let now = chrono::Utc::now();
                note_synced(&[SyncedRecord {
                    user_id,
                    what: format!("Photo for {}", photo.item_code),
                    recorded_at: made_at(photo.id).unwrap_or(now),
                    synced_at: now,
                }])
                .await?;
                confirmed += 1;
            }
            401 => return Err(SyncError::SignedOut),
            403 => {
                return Err(SyncError::Server(
                    "this account may not record inspections".to_owned(),
                ));
            }
            409 | 413 | 415 | 422 => {
                let reason = serde_json::from_str::<domain::api::ErrorBody>(&text)
                    .map(|e| e.message)
                    .unwrap_or_else(|_| format!("refused (status {status})"));
                set_photo_refusal(photo.id, Some(reason)).await?;
            }
            status => {
                return Err(SyncError::Server(format!(
                    "the server could not take a photo (status {status})"
                )));
            }
        }
    }
    forget_uploaded_photos_of_finished().await?;
    super::purge::forget_synced_finished(user_id).await?;
    Ok(confirmed)
}

async fn blob_bytes(blob: &web_sys::Blob) -> Result<Vec<u8>, SyncError> {
    let buffer = wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
        .await
        .map_err(|_| DeviceError::Storage("a photo could not be read".into()))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

async fn sha256_hex(bytes: &[u8]) -> Result<String, SyncError> {
    let failed = |_| DeviceError::Storage("the photo's checksum could not be made".into());
    let subtle = web_sys::window()
        .ok_or_else(|| DeviceError::Storage("no window".into()))?
        .crypto()
        .map_err(failed)?
        .subtle();
    let promise = subtle
        .digest_with_str_and_u8_array("SHA-256", bytes)
        .map_err(failed)?;
    let digest = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(failed)?;
    Ok(super::account::hex(
        &js_sys::Uint8Array::new(&digest).to_vec(),
    ))
}
