//! The server answers a ward inspector needs offline: their wards, the checklists and the
//! frameworks behind them. Each call asks the server and keeps a copy on the device; when the
//! server cannot be reached, the device's copy answers instead. `prepare_device` refreshes the
//! copies with `GET /api/v1/sync/pull` (the device's `pull_copies`).
//!
//! The copies go through the [`Device`](crate::device::Device) like everything else the page
//! keeps: on the server, which keeps nothing, they are simply absent.

use std::future::Future;

use domain::api::UnitInfo;
use domain::framework::Framework;
use domain::template::ChecklistTemplate;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use uuid::Uuid;

use crate::api::frameworks::get_framework;
use crate::api::org::{get_unit, list_units};
use crate::api::templates::list_templates;
use crate::device::{ThisDevice, templates_copy_key, units_copy_key};

/// The wards the user can see.
pub async fn units(device: ThisDevice, user_id: Uuid) -> Result<Vec<UnitInfo>, ServerFnError> {
    kept(device, &units_copy_key(user_id), list_units()).await
}

/// One ward, from the server or, offline, from the device's copy of the user's wards.
pub async fn unit(
    device: ThisDevice,
    user_id: Uuid,
    id: Uuid,
) -> Result<Option<UnitInfo>, ServerFnError> {
    let answer = get_unit(id).await;
    if unreachable(&answer)
        && let Some(list) = copy::<Vec<UnitInfo>>(device, &units_copy_key(user_id)).await
    {
        return Ok(list.into_iter().find(|u| u.id == id));
    }
    answer
}

/// The checklists the user can start.
pub async fn templates(
    device: ThisDevice,
    user_id: Uuid,
) -> Result<Vec<ChecklistTemplate>, ServerFnError> {
    kept(device, &templates_copy_key(user_id), list_templates()).await
}

/// A framework's full content.
pub async fn framework(device: ThisDevice, id: String) -> Result<Option<Framework>, ServerFnError> {
    kept(
        device,
        &format!("framework:{id}"),
        get_framework(id.clone()),
    )
    .await
}

/// Fetches everything an inspector needs offline, so a ward can be opened and an inspection
/// started there without a connection: one pull for the wards, checklists and open
/// inspections (nothing when they have not changed), then, with `frameworks`, the frameworks
/// the checklists use. Failures are left for the next time.
pub async fn prepare_device(device: ThisDevice, user_id: Uuid, frameworks: bool) {
    let Ok(list) = SendWrapper::new(device.pull_copies(user_id)).await else {
        return;
    };
    if !frameworks {
        return;
    }
    let mut ids: Vec<String> = list.into_iter().map(|t| t.framework_id).collect();
    ids.sort();
    ids.dedup();
    for id in ids {
        let _ = framework(device, id).await;
    }
}

/// Whether an answer failed because the server could not be reached at all.
fn unreachable<T>(answer: &Result<T, ServerFnError>) -> bool {
    matches!(answer, Err(ServerFnError::Request(_)))
}

/// Runs a server call, keeping its answer on the device, or answering from the kept copy when
/// the server cannot be reached.
async fn kept<T>(
    device: ThisDevice,
    key: &str,
    call: impl Future<Output = Result<T, ServerFnError>>,
) -> Result<T, ServerFnError>
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let answer = call.await;
    match &answer {
        Ok(value) => keep(device, key, value).await,
        Err(_) if unreachable(&answer) => {
            if let Some(copy) = copy(device, key).await {
                return Ok(copy);
            }
        }
        Err(_) => {}
    }
    answer
}

// The device's futures are not `Send` (IndexedDB lives on the browser's one thread) while
// resources need `Send` futures. A `SendWrapper` is sound here: in the browser there is one
// thread, and on the server the device answers at once, in the poll that asked.

async fn keep<T: serde::Serialize>(device: ThisDevice, key: &str, value: &T) {
    let Ok(value) = serde_json::to_value(value) else {
        return;
    };
    let _ = SendWrapper::new(device.keep_copy(key, &value)).await;
}

async fn copy<T: serde::de::DeserializeOwned>(device: ThisDevice, key: &str) -> Option<T> {
    let value = SendWrapper::new(device.copy_of(key)).await.ok().flatten()?;
    serde_json::from_value(value).ok()
}
