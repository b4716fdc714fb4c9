//! Copies of server answers the device needs to work offline: the user's wards, the checklists
//! and the frameworks behind them. Each is replaced whenever the server answers again.

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

use super::DeviceError;
use super::idb::{COPIES, from_js, get_one, put_one, to_js};

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
