//! Copies of server answers the device needs to work offline: the user's wards, the checklists
//! and the frameworks behind them. Each is replaced whenever the server answers again.

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

use super::DeviceError;
use super::idb::{COPIES, from_js, get_one, put_one, to_js};

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
pub async fn keep_copy<T: Serialize>(key: &str, value: &T) -> Result<(), DeviceError> {
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

/// The latest copy kept under `key`, if any.
pub async fn copy_of<T: DeserializeOwned>(key: &str) -> Result<Option<T>, DeviceError> {
    let Some(record) = get_one(COPIES, key).await? else {
        return Ok(None);
    };
    let value = js_sys::Reflect::get(&record, &JsValue::from_str("value"))
        .map_err(|_| DeviceError::Storage("copy".into()))?;
    from_js(value).map(Some)
}
