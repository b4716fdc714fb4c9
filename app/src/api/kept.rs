//! The server answers a ward inspector needs offline: their wards, the checklists and the
//! frameworks behind them. Each call asks the server and keeps a copy on the device; when the
//! server cannot be reached, the device's copy answers instead. `prepare_device` refreshes the
//! copies with `GET /api/v1/sync/pull`.

use std::future::Future;

use domain::api::UnitInfo;
use domain::framework::Framework;
use domain::template::ChecklistTemplate;
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::frameworks::get_framework;
use crate::api::org::{get_unit, list_units};
use crate::api::templates::list_templates;

fn units_key(user_id: Uuid) -> String {
    format!("units:{user_id}")
}

/// The wards the user can see.
pub async fn units(user_id: Uuid) -> Result<Vec<UnitInfo>, ServerFnError> {
    kept(&units_key(user_id), list_units()).await
}

/// One ward, from the server or, offline, from the device's copy of the user's wards.
pub async fn unit(user_id: Uuid, id: Uuid) -> Result<Option<UnitInfo>, ServerFnError> {
    let answer = get_unit(id).await;
    if unreachable(&answer)
        && let Some(list) = copy::<Vec<UnitInfo>>(&units_key(user_id)).await
    {
        return Ok(list.into_iter().find(|u| u.id == id));
    }
    answer
}

fn templates_key(user_id: Uuid) -> String {
    format!("templates:{user_id}")
}

/// The checklists the user can start.
pub async fn templates(user_id: Uuid) -> Result<Vec<ChecklistTemplate>, ServerFnError> {
    kept(&templates_key(user_id), list_templates()).await
}

/// A framework's full content.
pub async fn framework(id: String) -> Result<Option<Framework>, ServerFnError> {
    kept(&format!("framework:{id}"), get_framework(id.clone())).await
}

/// Fetches everything an inspector needs offline, so a ward can be opened and an inspection
/// started there without a connection: one pull for the wards and checklists (nothing when
/// they have not changed), then the frameworks they use. Failures are left for the next time.
pub async fn prepare_device(user_id: Uuid) {
    let Some(list) = pull(user_id).await else {
        return;
    };
    let mut ids: Vec<String> = list.into_iter().map(|t| t.framework_id).collect();
    ids.sort();
    ids.dedup();
    for id in ids {
        let _ = framework(id).await;
    }
}

/// Whether an answer failed because the server could not be reached at all.
fn unreachable<T>(answer: &Result<T, ServerFnError>) -> bool {
    matches!(answer, Err(ServerFnError::Request(_)))
}

/// Runs a server call, keeping its answer on the device, or answering from the kept copy when
/// the server cannot be reached.
async fn kept<T>(
    key: &str,
    call: impl Future<Output = Result<T, ServerFnError>>,
) -> Result<T, ServerFnError>
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let answer = call.await;
    match &answer {
        Ok(value) => keep(key, value).await,
        Err(_) if unreachable(&answer) => {
            if let Some(copy) = copy(key).await {
                return Ok(copy);
            }
        }
        Err(_) => {}
    }
    answer
}

/// `GET /api/v1/sync/pull` since the device's cursor: replaces the kept wards and checklists
/// when they changed, and returns the checklists.
#[cfg(feature = "hydrate")]
async fn pull(user_id: Uuid) -> Option<Vec<ChecklistTemplate>> {
    use crate::device::{copy_of, keep_copy};
    use domain::sync::PullResponse;
    send_wrapper::SendWrapper::new(async move {
        let cursor_key = format!("pull-cursor:{user_id}");
        let since: Option<String> = copy_of(&cursor_key).await.ok().flatten();
        let url = match &since {
            Some(cursor) => format!("/api/v1/sync/pull?since={cursor}"),
            None => "/api/v1/sync/pull".to_owned(),
        };
        let response = crate::device::net::get_json(&url).await.ok()?;
        if response.status() != 200 {
            return None;
        }
        let text = crate::device::net::text_of(&response).await.ok()?;
        let pulled: PullResponse = serde_json::from_str(&text).ok()?;
        if pulled.unchanged_since(since.as_deref()) {
            return copy_of(&templates_key(user_id)).await.ok().flatten();
        }
        keep_copy(&units_key(user_id), &pulled.units).await.ok()?;
        keep_copy(&templates_key(user_id), &pulled.templates)
            .await
            .ok()?;
        keep_copy(&cursor_key, &pulled.cursor).await.ok()?;
        Some(pulled.templates)
    })
    .await
}

#[cfg(not(feature = "hydrate"))]
async fn pull(_user_id: Uuid) -> Option<Vec<ChecklistTemplate>> {
    None
}

// IndexedDB futures are not `Send`; resources need `Send` futures, and the browser has one
// thread, so a `SendWrapper` is sound here.
#[cfg(feature = "hydrate")]
async fn keep<T: serde::Serialize>(key: &str, value: &T) {
    let _ = send_wrapper::SendWrapper::new(crate::device::keep_copy(key, value)).await;
}

#[cfg(not(feature = "hydrate"))]
async fn keep<T: serde::Serialize>(_key: &str, _value: &T) {}

#[cfg(feature = "hydrate")]
async fn copy<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    send_wrapper::SendWrapper::new(crate::device::copy_of(key))
        .await
        .ok()
        .flatten()
}

#[cfg(not(feature = "hydrate"))]
async fn copy<T: serde::de::DeserializeOwned>(_key: &str) -> Option<T> {
    None
}
