//! Handing an open inspection to the next shift, on the device: asking the server whom to,
//! handing it over once all of it has reached the server, and following what the server says
//! the user owns at each pull (fetching an inspection handed to them, letting go of one handed
//! to someone else).
//!
//! The device deletes nothing that waits to send: an inspection with a change or photo still
//! waiting is neither handed over nor let go.

use std::collections::HashSet;

use domain::hand_over::{HandOverChoices, HandOverRequest};
use domain::inspection::{FindingData, InspectionStatus, InspectionView};
use domain::template::ChecklistTemplate;
use domain::{Framework, api::UnitInfo};
use rexie::TransactionMode;
use uuid::Uuid;
use wasm_bindgen::JsCast;

use super::idb::{FINDINGS, INSPECTIONS, INTERVIEWS, PHOTOS, from_js, get_one, open, to_js};
use super::net::{get_json, post_json, text_of};
use super::photo_store::photo_row;
use super::purge::{forget_if_all_on_server, kept_only_here, still_waiting};
use super::{DeviceError, LocalInspection, StoredPhoto, copy_of, inspections_of, units_copy_key};

/// Whom the user may hand the inspection to (the server is asked: this needs a connection, and
/// all of the inspection must have reached the server).
pub async fn hand_over_choices(
    user_id: Uuid,
    inspection_id: Uuid,
) -> Result<HandOverChoices, DeviceError> {
    not_waiting(user_id, inspection_id).await?;
    let url = format!("/api/v1/inspections/{inspection_id}/hand-over");
    let response = get_json(&url).await.map_err(|_| DeviceError::Unreachable)?;
    answer_of(&response).await
}

/// Hands the user's open inspection to `to` once nothing of it waits on the device, then
/// forgets the device's copy: the server holds all of it and the new owner's devices fetch it.
pub async fn hand_over_inspection(
    user_id: Uuid,
    inspection_id: Uuid,
    to: Uuid,
) -> Result<(), DeviceError> {
    not_waiting(user_id, inspection_id).await?;
    let body = serde_json::to_string(&HandOverRequest { to_user_id: to })
        .map_err(|e| DeviceError::Storage(e.to_string()))?;
    let url = format!("/api/v1/inspections/{inspection_id}/hand-over");
    let response = post_json(&url, &body)
        .await
        .map_err(|_| DeviceError::Unreachable)?;
    let _: InspectionView = answer_of(&response).await?;
    // Anything saved here meanwhile keeps the copy: the server refuses it now, and it waits
    // under Changes on this device with the reason.
    forget_if_all_on_server(user_id, &[inspection_id]).await?;
    Ok(())
}

/// Declines while anything of the inspection is kept only on this device.
async fn not_waiting(user_id: Uuid, inspection_id: Uuid) -> Result<(), DeviceError> {
    if still_waiting(user_id).await?.contains(&inspection_id) {
        return Err(DeviceError::Declined(
            "Some of this inspection has not reached the server yet. It is syncing now: try \
             again once the status line says all changes synced. A change the server refused \
             waits under Changes on this device."
                .to_owned(),
        ));
    }
    if kept_only_here(user_id, inspection_id).await? {
        return Err(DeviceError::Declined(
            "Some notes are only on this device: a note on a prompt with no answer, or an \
             interview note not saved yet. Answer the prompt or save the note, then hand over."
                .to_owned(),
        ));
    }
    Ok(())
}

/// Follows the server's list of the user's open inspections (from a pull): fetches each the
/// device lacks, and lets go of each the device holds for them that is no longer listed, had
/// nothing waiting before the pull was asked (`waiting_before`, so the server had all of it
/// when it answered) and that the server now holds as someone else's. Returns how many were
/// fetched.
pub(super) async fn follow_open_inspections(
    user_id: Uuid,
    listed: &[Uuid],
    waiting_before: &HashSet<Uuid>,
) -> Result<usize, DeviceError> {
    let held = inspections_of(user_id).await?;
    let unlisted = held
        .iter()
        .filter(|i| i.status == InspectionStatus::InProgress)
        .filter(|i| !listed.contains(&i.id) && !waiting_before.contains(&i.id));
    let mut let_go = Vec::new();
    for inspection in unlisted {
        // Only what the server holds as someone else's goes: an inspection it does not hold
        // at all stays, whatever the reason.
        let url = format!("/api/v1/inspections/{}", inspection.id);
        if let Ok(view) = fetch::<InspectionView>(&url).await
            && view.user_id != user_id
        {
            let_go.push(inspection.id);
        }
    }
    forget_if_all_on_server(user_id, &let_go).await?;
    let mut fetched = 0;
    for id in listed {
        if let Some(kept) = held.iter().find(|i| i.id == *id) {
            // Finished here, open on the server: an admin reopened it.
            if kept.status == InspectionStatus::Submitted {
                reopen_here(kept).await?;
            }
            continue;
        }
        // Still on the device under whoever had it before (handed over by an admin): it makes
        // way only if nothing of it is kept here alone; else it waits for them to sync it.
        if let Some(before) = get_one(INSPECTIONS, &id.to_string())
            .await?
            .map(from_js::<LocalInspection>)
            .transpose()?
            && forget_if_all_on_server(before.user_id, &[*id])
                .await?
                .is_empty()
        {
            continue;
        }
        // One that cannot be fetched now is tried again at the next pull; the others go on.
        match take_on(user_id, *id).await {
            Ok(()) => fetched += 1,
            Err(e) => web_sys::console::warn_1(
                &format!("ReadyWard: inspection {id} could not be fetched yet: {e}").into(),
            ),
        }
    }
    Ok(fetched)
}

/// Shows a kept inspection open again, as the server holds it (reopened by a trust admin).
async fn reopen_here(kept: &LocalInspection) -> Result<(), DeviceError> {
    let mut reopened = kept.clone();
    reopened.status = InspectionStatus::InProgress;
    let db = open().await?;
    let tx = db.transaction(&[INSPECTIONS], TransactionMode::ReadWrite)?;
    tx.store(INSPECTIONS)?.put(&to_js(&reopened)?, None).await?;
    tx.commit().await?;
    Ok(())
}

/// Fetches an inspection handed to the user, with its checklist, findings, interview notes and
/// photos, and keeps it as theirs.
async fn take_on(user_id: Uuid, id: Uuid) -> Result<(), DeviceError> {
    let view: InspectionView = fetch(&format!("/api/v1/inspections/{id}")).await?;
    let template: Option<ChecklistTemplate> = match (view.template_id, view.template_version) {
        (Some(t), Some(v)) => Some(fetch(&format!("/api/v1/templates/{t}/versions/{v}")).await?),
        _ => None,
    };
    let framework = framework(&view.framework_id).await?;
    let codes = match &template {
        Some(t) => t.prompt_codes.clone(),
        // Pushed without a checklist: the prompts it answered, in the framework's order.
        None => framework
            .prompts()
            .map(|(_, p)| p.code.clone())
            .filter(|c| {
                view.findings
                    .iter()
                    .any(|f| f.item_code.as_str() == c.as_str())
            })
            .collect(),
    };
    let units: Vec<UnitInfo> = copy_of(&units_copy_key(user_id))
        .await?
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let inspection = LocalInspection {
        id,
        user_id,
        unit_id: view.unit_id,
        unit_name: units
            .iter()
            .find(|u| u.id == view.unit_id)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| "A ward".to_owned()),
        template_id: view.template_id.unwrap_or_default(),
        template_version: view.template_version.unwrap_or_default(),
        template_name: template
            .as_ref()
            .map(|t| t.name.clone())
            .unwrap_or_else(|| "Checklist".to_owned()),
        framework_id: view.framework_id.clone(),
        prompts: domain::inspection::checklist_prompts(&framework, &codes),
        started_at: view.started_at,
        status: view.status,
    };
    let mut photos = Vec::new();
    for photo in view.photos.iter().filter(|p| p.held) {
        let Some(finding) = view
            .findings
            .iter()
            .find(|f| f.photo_ids.contains(&photo.id))
        else {
            continue;
        };
        let blob = photo_blob(photo.id).await?;
        let held = StoredPhoto {
            id: photo.id,
            blob,
            width: 0,
            height: 0,
        };
        photos.push(photo_row(None, id, finding.item_code.as_str(), &held)?);
    }
    let db = open().await?;
    let tx = db.transaction(
        &[INSPECTIONS, FINDINGS, INTERVIEWS, PHOTOS],
        TransactionMode::ReadWrite,
    )?;
    for f in &view.findings {
        let finding = FindingData {
            id: f.id,
            inspection_id: id,
            item_code: f.item_code.clone(),
            response: f.response,
            note: f.note.clone(),
            photo_ids: f.photo_ids.clone(),
            observed_at: f.observed_at,
        };
        tx.store(FINDINGS)?.put(&to_js(&finding)?, None).await?;
    }
    for interview in &view.interviews {
        tx.store(INTERVIEWS)?.put(&to_js(interview)?, None).await?;
    }
    for row in &photos {
        tx.store(PHOTOS)?.put(row, None).await?;
    }
    tx.store(INSPECTIONS)?
        .put(&to_js(&inspection)?, None)
        .await?;
    tx.commit().await?;
    Ok(())
}

async fn photo_blob(id: Uuid) -> Result<web_sys::Blob, DeviceError> {
    let response = get_json(&format!("/api/v1/photos/{id}"))
        .await
        .map_err(|_| DeviceError::Unreachable)?;
    if response.status() != 200 {
        return Err(DeviceError::Unreachable);
    }
    let promise = response.blob().map_err(|_| DeviceError::Unreachable)?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| DeviceError::Unreachable)?
        .dyn_into()
        .map_err(|_| DeviceError::Unreachable)
}

/// The framework an inspection was recorded against: the device's copy, else the server's.
async fn framework(id: &str) -> Result<Framework, DeviceError> {
    if let Some(kept) = copy_of(&format!("framework:{id}")).await?
        && let Ok(framework) = serde_json::from_value(kept)
    {
        return Ok(framework);
    }
    fetch(&format!("/api/v1/frameworks/{id}")).await
}

async fn fetch<T: serde::de::DeserializeOwned>(url: &str) -> Result<T, DeviceError> {
    let response = get_json(url).await.map_err(|_| DeviceError::Unreachable)?;
    answer_of(&response).await
}

/// A 200's body, or the server's reason for another status (`Unreachable` when there is none).
async fn answer_of<T: serde::de::DeserializeOwned>(
    response: &web_sys::Response,
) -> Result<T, DeviceError> {
    let text = text_of(response)
        .await
        .map_err(|_| DeviceError::Unreachable)?;
    if response.status() == 200 {
        return serde_json::from_str(&text).map_err(|e| DeviceError::Storage(e.to_string()));
    }
    match serde_json::from_str::<domain::api::ErrorBody>(&text) {
        Ok(e) => Err(DeviceError::Declined(e.message)),
        Err(_) => Err(DeviceError::Unreachable),
    }
}
