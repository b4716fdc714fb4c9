//! Copies of server answers the device needs to work offline: the user's wards, the checklists
//! and the frameworks behind them. Each is replaced whenever the server answers again.

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

use domain::sync::PullResponse;
use domain::template::ChecklistTemplate;
use uuid::Uuid;

use super::idb::{COPIES, from_js, get_one, put_one, to_js};
use super::net::{get_json, text_of};
use super::{DeviceError, comments_copy_key, templates_copy_key, units_copy_key};

/// How long copies count as fresh before a page load fetches them again.
const FRESH_MS: f64 = 5.0 * 60_000.0;

fn fresh_key(user_id: uuid::Uuid) -> String {
    format!("readyward.copies_at.{user_id}")
}

/// Whether the user's copies are missing or older than a few minutes.
pub fn copies_are_stale(user_id: uuid::Uuid) -> bool {
    let at = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(&fresh_key(user_id)).ok().flatten())
        .and_then(|v| v.parse::<f64>().ok());
    at.is_none_or(|at| js_sys::Date::now() - at > FRESH_MS)
}

/// Notes that the user's copies were just fetched.
pub fn mark_copies_fresh(user_id: uuid::Uuid) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(&fresh_key(user_id), &js_sys::Date::now().to_string());
    }
}

/// Keeps the latest copy of an answer under `key`.
pub async fn keep_copy(key: &str, value: &serde_json::Value) -> Result<(), DeviceError> {
    keep_typed(key, value).await
}

/// The latest copy kept under `key`, if any.
pub async fn copy_of(key: &str) -> Result<Option<serde_json::Value>, DeviceError> {
    copy_typed(key).await
}

/// `GET /api/v1/sync/pull` since the device's cursor: replaces the kept wards and checklists
/// when they changed, follows the user's open inspections (one handed to them is fetched, one
/// handed away let go) and returns the checklists (`Unreachable` when the pull failed).
pub async fn pull_copies(user_id: Uuid) -> Result<Vec<ChecklistTemplate>, DeviceError> {
    let cursor_key = format!("pull-cursor:{user_id}");
    let since: Option<String> = copy_typed(&cursor_key).await?;
    // Read before asking: what had nothing waiting then, the server had whole when it answered.
    let waiting_before = super::purge::still_waiting(user_id).await?;
    let url = match &since {
        Some(cursor) => format!("/api/v1/sync/pull?since={cursor}"),
        None => "/api/v1/sync/pull".to_owned(),
    };
    let response = get_json(&url).await.map_err(|_| DeviceError::Unreachable)?;
    if response.status() != 200 {
        return Err(DeviceError::Unreachable);
    }
    let text = text_of(&response)
        .await
        .map_err(|_| DeviceError::Unreachable)?;
    let pulled: PullResponse =
        serde_json::from_str(&text).map_err(|e| DeviceError::Storage(e.to_string()))?;
    let templates = if pulled.unchanged_since(since.as_deref()) {
        copy_typed(&templates_copy_key(user_id))
            .await?
            .unwrap_or_default()
    } else {
        keep_typed(&units_copy_key(user_id), &pulled.units).await?;
        keep_typed(&templates_copy_key(user_id), &pulled.templates).await?;
        keep_typed(&cursor_key, &pulled.cursor).await?;
        pulled.templates
    };
    // Whole at every pull: a doubt resolved drops out.
    keep_typed(&comments_copy_key(user_id), &pulled.comments).await?;
    // A photo a trust admin removed leaves this device too, whoever took it.
    super::photo_store::forget_photos(&pulled.removed_photo_ids).await?;
    // So does a note a trust admin redacted.
    super::findings::blank_notes(&pulled.redacted_note_ids).await?;
    // After the wards are kept: an inspection fetched takes its ward's name from them.
    super::hand_over::follow_open_inspections(user_id, &pulled.open_inspections, &waiting_before)
        .await?;
    Ok(templates)
}

async fn keep_typed<T: Serialize>(key: &str, value: &T) -> Result<(), DeviceError> {
    let record = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| {
        js_sys::Reflect::set(&record, &JsValue::from_str(k), v)
            .map(|_| ())
            .map_err(|_| DeviceError::Storage("copy".into()))
    };
    set("key", &JsValue::from_str(key))?;
    set("value", &to_js(value)?)?;
    set("saved_at", &JsValue::from(js_sys::Date::now()))?;
    put_one(COPIES, &record.into()).await
}

async fn copy_typed<T: DeserializeOwned>(key: &str) -> Result<Option<T>, DeviceError> {
    let Some(record) = get_one(COPIES, key).await? else {
        return Ok(None);
    };
    let value = js_sys::Reflect::get(&record, &JsValue::from_str("value"))
        .map_err(|_| DeviceError::Storage("copy".into()))?;
    from_js(value).map(Some)
}
