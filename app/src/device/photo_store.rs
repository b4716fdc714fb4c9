//! Photos on the device: stored with the finding that names them, waiting for upload, marked
//! uploaded or refused, and forgotten once the server holds them and their inspection is done.

use domain::SubjectCode;
use domain::inspection::{FindingData, InspectionStatus};
use domain::sync::judge::Change;
use rexie::TransactionMode;
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::findings::queued_finding;
use super::idb::{FINDINGS, INSPECTIONS, PHOTOS, field, from_js, open, rows_under};
use super::write::{PhotoChange, record_in_open_inspection};
use super::{DeviceError, LocalInspection, StoredPhoto, WaitingPhoto};

/// A photo as the device stores it: under the inspection and prompt it belongs to, waiting for
/// upload by `uploader` (the `user_id` index holds photos still to upload; a photo the server
/// holds already has none).
pub(super) fn photo_row(
    uploader: Option<Uuid>,
    inspection_id: Uuid,
    item_code: &str,
    photo: &StoredPhoto,
) -> Result<JsValue, DeviceError> {
    use js_sys::Reflect;
    let value = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| {
        Reflect::set(&value, &JsValue::from_str(k), v)
            .map_err(|_| DeviceError::Storage("photo".into()))
    };
    set("id", &JsValue::from_str(&photo.id.to_string()))?;
    set(
        "inspection_id",
        &JsValue::from_str(&inspection_id.to_string()),
    )?;
    if let Some(user_id) = uploader {
        set("user_id", &JsValue::from_str(&user_id.to_string()))?;
    }
    set("item_code", &JsValue::from_str(item_code))?;
    set("width", &JsValue::from(photo.width))?;
    set("height", &JsValue::from(photo.height))?;
    set("blob", &photo.blob)?;
    Ok(value.into())
}

/// Stores a photo with the finding that now names it, in one transaction.
pub async fn add_photo(
    user_id: Uuid,
    finding: &FindingData,
    photo: &StoredPhoto,
) -> Result<(), DeviceError> {
    let value = photo_row(
        Some(user_id),
        finding.inspection_id,
        &finding.item_code,
        photo,
    )?;
    record_in_open_inspection(
        user_id,
        Change::Finding(finding.clone()),
        queued_finding(user_id, finding)?,
        PhotoChange::Add(value),
        None,
    )
    .await
}

/// Deletes a photo and stores the finding without it, in one transaction.
pub async fn remove_photo(
    user_id: Uuid,
    finding: &FindingData,
    photo_id: Uuid,
) -> Result<(), DeviceError> {
    record_in_open_inspection(
        user_id,
        Change::Finding(finding.clone()),
        queued_finding(user_id, finding)?,
        PhotoChange::Remove(photo_id),
        None,
    )
    .await
}

/// The photos of an inspection on this device.
pub async fn photos_of(inspection_id: Uuid) -> Result<Vec<StoredPhoto>, DeviceError> {
    use wasm_bindgen::JsCast;
    Ok(rows_under(PHOTOS, "inspection_id", inspection_id)
        .await?
        .iter()
        .filter_map(|row| {
            Some(StoredPhoto {
                id: Uuid::parse_str(&field(row, "id")?.as_string()?).ok()?,
                blob: field(row, "blob")?.dyn_into().ok()?,
                width: field(row, "width")?.as_f64()? as u32,
                height: field(row, "height")?.as_f64()? as u32,
            })
        })
        .collect())
}

/// Changes one photo record in place; `Missing` when it is gone.
async fn update_photo(
    id: Uuid,
    change: impl FnOnce(&JsValue) -> Result<bool, JsValue>,
) -> Result<(), DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[PHOTOS], TransactionMode::ReadWrite)?;
    let store = tx.store(PHOTOS)?;
    let Some(row) = store.get(JsValue::from_str(&id.to_string())).await? else {
        tx.abort().await?;
        return Err(DeviceError::Missing);
    };
    change(&row).map_err(|_| DeviceError::Storage("photo".into()))?;
    store.put(&row, None).await?;
    tx.commit().await?;
    Ok(())
}

/// The user's photos still on this device.
pub async fn waiting_photos(user_id: Uuid) -> Result<Vec<WaitingPhoto>, DeviceError> {
    use wasm_bindgen::JsCast;
    Ok(rows_under(PHOTOS, "user_id", user_id)
        .await?
        .iter()
        .filter_map(|row| {
            Some(WaitingPhoto {
                id: Uuid::parse_str(&field(row, "id")?.as_string()?).ok()?,
                item_code: SubjectCode::from(
                    field(row, "item_code")?.as_string().unwrap_or_default(),
                ),
                blob: field(row, "blob")?.dyn_into().ok()?,
                refused: field(row, "refused").and_then(|r| r.as_string()),
            })
        })
        .collect())
}

/// Marks a photo the server confirmed: it leaves the waiting count (the `user_id` index only
/// holds photos still to upload) but stays viewable here until its inspection is finished.
pub async fn mark_photo_uploaded(id: Uuid) -> Result<(), DeviceError> {
    use wasm_bindgen::JsCast;
    update_photo(id, |row| {
        let user = js_sys::Reflect::get(row, &JsValue::from_str("user_id"))?;
        js_sys::Reflect::set(row, &JsValue::from_str("uploaded_by"), &user)?;
        js_sys::Reflect::delete_property(
            row.unchecked_ref::<js_sys::Object>(),
            &JsValue::from_str("user_id"),
        )
    })
    .await
}

/// Deletes the blobs of uploaded photos whose inspection is finished: the server holds them,
/// and a finished inspection shows the server's copies.
pub async fn forget_uploaded_photos_of_finished() -> Result<(), DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[PHOTOS, INSPECTIONS], TransactionMode::ReadWrite)?;
    let photos = tx.store(PHOTOS)?;
    let inspections = tx.store(INSPECTIONS)?;
    for row in photos.get_all(None, None).await? {
        if field(&row, "uploaded_by").is_none() {
            continue;
        }
        let (Some(id), Some(inspection_id)) = (field(&row, "id"), field(&row, "inspection_id"))
        else {
            continue;
        };
        let finished = match inspections.get(inspection_id).await? {
            Some(record) => {
                from_js::<LocalInspection>(record)?.status == InspectionStatus::Submitted
            }
            None => true,
        };
        if finished {
            photos.delete(id).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Removes a photo from the device: after the server confirmed it holds the same bytes, or
/// when the user discards a refused one.
pub async fn forget_photo(id: Uuid) -> Result<(), DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[PHOTOS], TransactionMode::ReadWrite)?;
    tx.store(PHOTOS)?
        .delete(JsValue::from_str(&id.to_string()))
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes the photos with these ids from the device, any that are here (those a trust admin
/// removed), in one transaction.
pub(super) async fn forget_photos(ids: &[Uuid]) -> Result<(), DeviceError> {
    if ids.is_empty() {
        return Ok(());
    }
    let db = open().await?;
    let tx = db.transaction(&[PHOTOS, FINDINGS], TransactionMode::ReadWrite)?;
    let photos = tx.store(PHOTOS)?;
    for id in ids {
        photos.delete(JsValue::from_str(&id.to_string())).await?;
    }
    // The findings kept here stop naming them, whether or not this device held the picture:
    // no empty frame on the page. (A device keeps few findings: its open inspections' and
    // those waiting to sync.)
    let gone: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let findings = tx.store(FINDINGS)?;
    for row in findings.get_all(None, None).await? {
        let Some(named) = field(&row, "photo_ids").map(|v| js_sys::Array::from(&v)) else {
            continue;
        };
        let kept: js_sys::Array = named
            .iter()
            .filter(|p| {
                p.as_string()
                    .is_none_or(|p| !gone.contains(&p.to_lowercase()))
            })
            .collect();
        if kept.length() != named.length() {
            js_sys::Reflect::set(&row, &JsValue::from_str("photo_ids"), &kept)
                .map_err(|_| DeviceError::Storage("finding".into()))?;
            findings.put(&row, None).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Marks a photo the server refused, with its reason, or clears the mark (`None`: retry).
pub async fn set_photo_refusal(id: Uuid, reason: Option<String>) -> Result<(), DeviceError> {
    let reason = reason.map_or(JsValue::UNDEFINED, |r| JsValue::from_str(&r));
    update_photo(id, |row| {
        js_sys::Reflect::set(row, &JsValue::from_str("refused"), &reason)
    })
    .await
}
