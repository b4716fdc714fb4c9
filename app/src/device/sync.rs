//! Draining the outbox to `POST /api/v1/sync/push`: the user's oldest changes first, in
//! batches, each deleted only after the server acknowledged it (applied, a duplicate, or a
//! conflict it kept for review). A change the server refuses is marked with the reason and
//! waits for the user; the rest carry on.

use domain::sync::{PushRequest, PushResponse, PushStatus};
use uuid::Uuid;

use super::{DeviceError, acknowledge, queued_of, set_refusal};

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
        let batch: Vec<_> = queued_of(user_id)
            .await?
            .into_iter()
            .filter(|q| q.entry.refused.is_none())
            .take(PUSH_BATCH)
            .collect();
        if batch.is_empty() {
            return Ok(acknowledged);
        }
        let request = PushRequest {
            device_id,
            mutations: batch.iter().map(|q| q.entry.mutation.clone()).collect(),
        };
        let body = serde_json::to_string(&request)
            .map_err(|e| SyncError::Server(format!("the changes could not be prepared: {e}")))?;
        let response = crate::browser::post_json("/api/v1/sync/push", &body)
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
        let text = crate::browser::text_of(&response)
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
                Some(_) => done.push(queued.seq),
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
