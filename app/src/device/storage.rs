//! The browser's storage for this site: asking it to keep our data (`persist()`), and how much
//! is used and left (`estimate()`), so the device can warn before it runs short.

use js_sys::Reflect;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use super::{DeviceError, StorageState};

/// Reads the storage state (`None` when the browser does not tell); with `ask` it first asks
/// the browser to make storage persistent.
pub async fn storage_state(ask: bool) -> Result<Option<StorageState>, DeviceError> {
    Ok(read(ask).await)
}

async fn read(ask: bool) -> Option<StorageState> {
    let storage = web_sys::window()?.navigator().storage();
    let persisted = if ask {
        storage.persist().ok()
    } else {
        storage.persisted().ok()
    };
    let persisted = match persisted {
        Some(p) => JsFuture::from(p)
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        None => false,
    };
    let estimate = JsFuture::from(storage.estimate().ok()?).await.ok()?;
    let number = |key: &str| {
        Reflect::get(&estimate, &JsValue::from_str(key))
            .ok()?
            .as_f64()
    };
    Some(StorageState {
        usage: number("usage")?,
        quota: number("quota")?,
        persisted,
    })
}
