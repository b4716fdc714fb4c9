//! Sync: how a push is judged before the store applies it, and who may read an inspection.
//!
//! Each mutation is parsed by its kind and checked against the framework data here; the store
//! then applies the batch in order in one durable transaction, deciding what depends on the
//! database (a repeat, a reused id, a finished inspection, another trust's record).

use std::sync::Arc;

use app::backend::Caller;
use domain::Catalogue;
use domain::sync::{
    FindingData, InspectionData, InspectionView, InterviewData, MAX_PUSH_MUTATIONS, Mutation,
    PullResponse, PushRequest, PushResponse, kind,
};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::access;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{Change, PushItem, Pusher};

/// Longest note or interview text accepted, in characters.
const MAX_NOTE_CHARS: usize = 20_000;
/// Most photos one finding may name.
const MAX_PHOTOS_PER_FINDING: usize = 50;

/// Applies a push for the caller: 403 for a role that does not record inspections, 413 over
/// the mutation limit, otherwise one result per mutation.
pub async fn push(
    state: &AppState,
    caller: &Caller,
    request: PushRequest,
) -> Result<PushResponse, ApiError> {
    if !caller.user.role.can_inspect() {
        return Err(ApiError::Forbidden(
            "Your role does not record inspections".to_owned(),
        ));
    }
    if request.mutations.len() > MAX_PUSH_MUTATIONS {
        return Err(ApiError::TooLarge(format!(
            "A push may carry at most {MAX_PUSH_MUTATIONS} mutations"
        )));
    }
    let items: Vec<PushItem> = request
        .mutations
        .into_iter()
        .map(|m| PushItem {
            change: check(&state.catalogue, &m),
            mutation_id: m.id,
            kind: m.kind,
            data: m.data,
        })
        .collect();
    let pusher = Pusher {
        user_id: caller.user.id,
        trust_id: caller.user.trust_id,
        device_id: request.device_id,
    };
    let results = state.store.apply_push(&pusher, &items).await?;
    Ok(PushResponse { results })
}

/// An inspection with everything the server holds of it; 404 unless the caller's trust owns it
/// or they hold a current review grant for that trust.
pub async fn inspection(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
) -> Result<InspectionView, ApiError> {
    let (trust, view) = state
        .store
        .inspection_view(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !access::visible_trusts(&state.store, caller)
        .await?
        .contains(&trust)
    {
        return Err(ApiError::NotFound);
    }
    Ok(view)
}

/// What the caller's devices keep for offline use, or nothing when `since` is still current.
pub async fn pull(
    state: &AppState,
    caller: &Caller,
    since: Option<&str>,
) -> Result<PullResponse, ApiError> {
    let templates = crate::templates::for_caller(&state.store, caller).await?;
    let units = access::units(&state.store, caller).await?;
    let snapshot = serde_json::to_vec(&(&templates, &units)).map_err(anyhow::Error::from)?;
    let cursor = crate::photos::blobs::sha256_hex(&snapshot)[..32].to_owned();
    if since == Some(cursor.as_str()) {
        return Ok(PullResponse {
            cursor,
            templates: Vec::new(),
            units: Vec::new(),
            comments: Vec::new(),
        });
    }
    Ok(PullResponse {
        cursor,
        templates,
        units,
        comments: Vec::new(),
    })
}

fn parse<T: DeserializeOwned>(m: &Mutation) -> Result<T, String> {
    serde_json::from_value(m.data.clone())
        .map_err(|e| format!("the data of {} is not valid: {e}", m.kind))
}

fn known_code(catalogue: &Catalogue, code: &str) -> bool {
    catalogue.all().iter().any(|f| f.has_code(code))
}

fn note_fits(note: &str) -> Result<(), String> {
    if note.chars().count() > MAX_NOTE_CHARS {
        Err(format!("notes are limited to {MAX_NOTE_CHARS} characters"))
    } else {
        Ok(())
    }
}

/// What a mutation asks for, or why it cannot be applied whatever the database holds.
pub(crate) fn check(catalogue: &Arc<Catalogue>, m: &Mutation) -> Change {
    let checked = match m.kind.as_str() {
        kind::INSPECTION_UPSERT => parse::<InspectionData>(m).and_then(|d| {
            if catalogue.get(&d.framework_id).is_none() {
                Err(format!("unknown framework {}", d.framework_id))
            } else {
                Ok(Change::Inspection(d))
            }
        }),
        kind::FINDING_RECORD => parse::<FindingData>(m).and_then(|f| {
            if !known_code(catalogue, &f.item_code) {
                Err(format!("unknown prompt or item code {}", f.item_code))
            } else if f.photo_ids.len() > MAX_PHOTOS_PER_FINDING {
                Err(format!(
                    "a finding may name at most {MAX_PHOTOS_PER_FINDING} photos"
                ))
            } else {
                note_fits(&f.note).map(|()| Change::Finding(f))
            }
        }),
        kind::INTERVIEW_RECORD => parse::<InterviewData>(m).and_then(|i| {
            if let Some(code) = i.item_codes.iter().find(|c| !known_code(catalogue, c)) {
                Err(format!("unknown item code {code}"))
            } else if i.note.trim().is_empty() {
                Err("an interview note needs some text".to_owned())
            } else {
                note_fits(&i.note).map(|()| Change::Interview(i))
            }
        }),
        other => Err(format!("unknown kind {other:?}")),
    };
    checked.unwrap_or_else(Change::Invalid)
}
