//! The device's own requests, outside Leptos' server functions: posting a form in the
//! background (so a failure to connect can be handled on the device), the sync API's JSON and
//! photo uploads, and full-page navigation (so the next page is a fresh server render, or the
//! offline shell when there is no server).

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::{DeviceError, Posted};

/// Sends one request with `Accept: application/json` and the given extra headers and body (the
/// session cookie goes with it). `Err` means the server could not be reached.
async fn fetch(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&JsValue>,
) -> Result<web_sys::Response, JsValue> {
    let all = web_sys::Headers::new()?;
    all.set("Accept", "application/json")?;
    for (name, value) in headers {
        all.set(name, value)?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        init.set_body(body);
    }
    init.set_headers(&all.into());
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init)).await?;
    response.dyn_into()
}

/// Posts form fields to a server function the way a browser form would, but asking for the
/// answer rather than a redirect: the next address comes back in the `Location` header.
pub async fn post_form(url: &str, fields: &[(&str, &str)]) -> Result<Posted, DeviceError> {
    let posted = async {
        let params = web_sys::UrlSearchParams::new()?;
        for (name, value) in fields {
            params.append(name, value);
        }
        fetch("POST", url, &[], Some(&params.into())).await
    };
    let response = posted.await.map_err(|_| DeviceError::Unreachable)?;
    Ok(Posted {
        ok: response.ok(),
        location: location_of(&response),
    })
}

/// Posts JSON to the API. `Err` means the server could not be reached.
pub async fn post_json(url: &str, body: &str) -> Result<web_sys::Response, JsValue> {
    let headers = [("Content-Type", "application/json")];
    fetch("POST", url, &headers, Some(&JsValue::from_str(body))).await
}

/// PUTs bytes (a photo) with its media type and SHA-256, as the interface asks.
pub async fn put_bytes(
    url: &str,
    content_type: &str,
    sha256: &str,
    bytes: &[u8],
) -> Result<web_sys::Response, JsValue> {
    let headers = [
        ("Content-Type", content_type),
        (domain::photo::PHOTO_SHA_HEADER, sha256),
    ];
    let body = js_sys::Uint8Array::from(bytes).into();
    fetch("PUT", url, &headers, Some(&body)).await
}

/// GETs a JSON resource of the API.
pub async fn get_json(url: &str) -> Result<web_sys::Response, JsValue> {
    fetch("GET", url, &[], None).await
}

/// The body of a response as text.
pub async fn text_of(response: &web_sys::Response) -> Result<String, JsValue> {
    JsFuture::from(response.text()?)
        .await?
        .as_string()
        .ok_or_else(|| JsValue::from_str("not text"))
}

/// Where a server function asked the browser to go next.
fn location_of(response: &web_sys::Response) -> Option<String> {
    response.headers().get("location").ok().flatten()
}

/// Loads `url` as a whole new page.
pub fn go_to(url: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(url);
    }
}
