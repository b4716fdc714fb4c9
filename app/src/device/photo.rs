//! Photos on the device: downscaled before they are stored (long side at most 2048 px, the
//! camera's orientation applied, re-encoded as JPEG, which also drops the camera's metadata),
//! then kept in IndexedDB as Blobs until the server has them.

use js_sys::Promise;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, HtmlCanvasElement, ImageBitmap, ImageBitmapOptions, ImageOrientation};

use super::{DeviceError, Downscaled, PHOTO_MAX_LONG_SIDE, fit_within};

/// JPEG quality of stored photos: visually clean, a few hundred KB at 2048 px.
const JPEG_QUALITY: f64 = 0.85;

fn js_err(what: &str) -> impl Fn(JsValue) -> DeviceError + '_ {
    move |e| {
        DeviceError::Storage(format!(
            "{what}: {}",
            e.as_string().unwrap_or_else(|| format!("{e:?}"))
        ))
    }
}

/// Decodes an image file (orientation applied), scales it down and re-encodes it as JPEG.
pub async fn downscale(file: &Blob) -> Result<Downscaled, DeviceError> {
    let window = web_sys::window().ok_or_else(|| DeviceError::Storage("no window".into()))?;
    let options = ImageBitmapOptions::new();
    options.set_image_orientation(ImageOrientation::FromImage);
    let promise = window
        .create_image_bitmap_with_blob_and_image_bitmap_options(file, &options)
        .map_err(js_err("this file is not a picture"))?;
    let bitmap: ImageBitmap = JsFuture::from(promise)
        .await
        .map_err(js_err("this file is not a picture the device can read"))?
        .unchecked_into();
    let (width, height) = fit_within(bitmap.width(), bitmap.height(), PHOTO_MAX_LONG_SIDE);
    let canvas: HtmlCanvasElement = leptos::prelude::document()
        .create_element("canvas")
        .map_err(js_err("canvas"))?
        .unchecked_into();
    canvas.set_width(width);
    canvas.set_height(height);
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(js_err("canvas"))?
        .ok_or_else(|| DeviceError::Storage("canvas".into()))?
        .unchecked_into();
    context
        .draw_image_with_image_bitmap_and_dw_and_dh(
            &bitmap,
            0.0,
            0.0,
            f64::from(width),
            f64::from(height),
        )
        .map_err(js_err("drawing the photo"))?;
    bitmap.close();
    let encoded = Promise::new(&mut |resolve, reject| {
        let on_error = reject.clone();
        let done = Closure::once_into_js(move |blob: JsValue| {
            let _ = if blob.is_null() {
                reject.call0(&JsValue::NULL)
            } else {
                resolve.call1(&JsValue::NULL, &blob)
            };
        });
        if let Err(e) = canvas.to_blob_with_type_and_encoder_options(
            done.unchecked_ref(),
            "image/jpeg",
            &JsValue::from_f64(JPEG_QUALITY),
        ) {
            let _ = on_error.call1(&JsValue::NULL, &e);
        }
    });
    let blob: Blob = JsFuture::from(encoded)
        .await
        .map_err(js_err("encoding the photo"))?
        .unchecked_into();
    Ok(Downscaled {
        blob,
        width,
        height,
    })
}

/// A link the page can show a stored photo through (revoke it when done).
pub fn object_url(blob: &Blob) -> Option<String> {
    web_sys::Url::create_object_url_with_blob(blob).ok()
}
