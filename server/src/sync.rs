//! Sync: a push checked and judged, who may read an inspection, pull, and handing an open
//! inspection to the next shift.
//!
//! What a change may do is decided once, in `domain::sync::judge`, which the device's own
//! write path uses too; the store reads what a batch needs, applies the verdicts and keeps
//! conflicts in one durable transaction.

use domain::Role;
use domain::api::NamedRef;
use domain::caller::Caller;
use domain::hand_over::{HandOverChoices, HandOverRefusal, Held, Person, judge_hand_over};
use domain::inspection::{InspectionStatus, InspectionView};
use domain::readiness::london::london_date;
use domain::sync::judge::{PushItem, Pusher};
use domain::sync::{MAX_PUSH_MUTATIONS, PullResponse, PushRequest, PushResponse};
use uuid::Uuid;

use crate::access;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::Store;
use crate::store::prelude::*;

/// Applies a push for the caller: 403 for a role that does not record inspections, 413 over
/// the mutation limit, otherwise one result per mutation.
pub async fn push(
    state: &AppState,
    caller: &Caller,
    request: PushRequest,
) -> Result<PushResponse, ApiError> {
    // Inspectors and admins push their trust's records; a buddy reviewer, peer reviews (the
    // judge holds each to its kinds).
    if !caller.user.role.can_inspect() && caller.user.role != Role::BuddyReviewer {
        return Err(ApiError::Forbidden(
            "Your role does not record inspections".to_owned(),
        ));
    }
    if request.mutations.len() > MAX_PUSH_MUTATIONS {
        return Err(ApiError::TooLarge(format!(
            "A push may carry at most {MAX_PUSH_MUTATIONS} mutations"
        )));
    }
    let mut items: Vec<PushItem> = request
        .mutations
        .into_iter()
        .map(|m| PushItem::checked(&state.catalogue, m))
        .collect();
    crate::redaction::keep_redacted_blank(&state.store, &mut items).await?;
    let pusher = Pusher {
        user_id: caller.user.id,
        trust_id: caller.user.trust_id,
        device_id: request.device_id,
        role: caller.user.role,
        today: state.clock.today(),
    };
    let results = state.store.push(&pusher, &items, state.clock.now()).await?;
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
    if !access::visible_trusts(&state.store, caller, state.clock.today())
        .await?
        .contains(&trust)
    {
        return Err(ApiError::NotFound);
    }
    // A calibration partner's answers stay unseen until both have finished.
    if crate::calibration::hidden_from(&state.store, caller.user.id, id, state.clock.today())
        .await?
    {
        return Err(ApiError::NotFound);
    }
    Ok(view)
}

/// What the caller's devices keep for offline use (the templates and wards only when they
/// changed since `since`), and the caller's open inspections.
pub async fn pull(
    state: &AppState,
    caller: &Caller,
    since: Option<&str>,
) -> Result<PullResponse, ApiError> {
    let templates = crate::templates::for_caller(&state.store, caller, state.clock.today()).await?;
    let units = access::units(&state.store, caller, state.clock.today()).await?;
    // Always whole: a device's own records change without the server knowing, so it compares
    // this list with what it holds at every pull.
    let open_inspections = state.store.open_inspections_of(caller.user.id).await?;
    // Always whole too: a doubt resolved drops out, so the device replaces its list.
    let comments = crate::review::comments_for(&state.store, caller).await?;
    let removed_photo_ids = state
        .store
        .removed_photos_for(caller.user.trust_id, caller.user.id)
        .await?;
    let redacted_note_ids = state
        .store
        .redacted_notes_for(caller.user.trust_id, caller.user.id)
        .await?;
    let snapshot = serde_json::to_vec(&(&templates, &units)).map_err(anyhow::Error::from)?;
    let cursor = crate::photos::blobs::sha256_hex(&snapshot)[..32].to_owned();
    if since == Some(cursor.as_str()) {
        return Ok(PullResponse {
            cursor,
            templates: Vec::new(),
            units: Vec::new(),
            comments,
            removed_photo_ids,
            redacted_note_ids,
            open_inspections,
        });
    }
    Ok(PullResponse {
        cursor,
        templates,
        units,
        comments,
        removed_photo_ids,
        redacted_note_ids,
        open_inspections,
    })
}

/// An inspection of the caller's own trust as the hand-over rule sees it; 404 for any other
/// (a reviewer's grant lets them read, never hand over), 403 for a buddy reviewer's
/// inspection of the trust (the independent source stays theirs).
async fn held_in_own_trust(store: &Store, caller: &Caller, id: Uuid) -> Result<Held, ApiError> {
    let head = store
        .inspection_head(id)
        .await?
        .filter(|h| h.trust_id == caller.user.trust_id)
        .ok_or(ApiError::NotFound)?;
    let owner_trust = store.user_by_id(head.owner).await?.map(|u| u.trust_id);
    if owner_trust != Some(head.trust_id) {
        return Err(ApiError::Forbidden(
            "A buddy reviewer's inspection stays with them: it cannot be handed over".to_owned(),
        ));
    }
    Ok(Held {
        trust_id: head.trust_id,
        owner: head.owner,
        status: head.status,
    })
}

fn person_of(caller: &Caller) -> Person {
    Person {
        id: caller.user.id,
        trust_id: caller.user.trust_id,
        role: caller.user.role,
        active: true,
    }
}

/// Whom the caller may hand an inspection to: 404 outside their trust, 403 unless they own it
/// or administer the trust, 409 once it is finished.
pub async fn hand_over_choices(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
) -> Result<HandOverChoices, ApiError> {
    let held = held_in_own_trust(&state.store, caller, id).await?;
    let users = state.store.users_of_trust(held.trust_id).await?;
    let owner = users
        .iter()
        .find(|u| u.id == held.owner)
        .map(|u| NamedRef {
            id: u.id,
            name: u.name.clone(),
        })
        .ok_or_else(|| anyhow::anyhow!("inspection {id} has an owner outside its trust"))?;
    // Asked about the owner: every refusal but "theirs already" applies to the choices too.
    match judge_hand_over(person_of(caller), held, Some(person_of(caller))) {
        Ok(()) | Err(HandOverRefusal::SameOwner | HandOverRefusal::NotAnInspector) => {}
        Err(refusal) => return Err(refused(refusal)),
    }
    let partners =
        crate::calibration::kept_from(&state.store, held.owner, id, state.clock.today()).await?;
    let mut colleagues: Vec<NamedRef> = users
        .into_iter()
        .filter(|u| u.id != held.owner && !partners.contains(&u.id))
        .filter(|u| domain::hand_over::can_take_over(record_person(u), held.trust_id))
        .map(|u| NamedRef {
            id: u.id,
            name: u.name,
        })
        .collect();
    colleagues.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(HandOverChoices { owner, colleagues })
}

/// Hands an open inspection to another inspector of the trust. The refusals of
/// [`hand_over_choices`], and 422 for someone who cannot take it on.
pub async fn hand_over(
    store: &Store,
    caller: &Caller,
    id: Uuid,
    to_user_id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    let held = held_in_own_trust(store, caller, id).await?;
    let to = store
        .user_by_id(to_user_id)
        .await?
        .map(|u| record_person(&u));
    judge_hand_over(person_of(caller), held, to).map_err(refused)?;
    // Handing a calibration half to its partner would show them the answers they must not see.
    if crate::calibration::kept_from(store, held.owner, id, london_date(now))
        .await?
        .contains(&to_user_id)
    {
        return Err(ApiError::Unprocessable(
            "They are paired with its inspector for calibration: they may not take it on until \
             both have finished"
                .to_owned(),
        ));
    }
    if !store.hand_over(id, held.owner, to_user_id, now).await? {
        return Err(ApiError::Conflict(
            "This inspection changed while it was being handed over: look again and retry"
                .to_owned(),
        ));
    }
    tracing::info!(
        user_id = %caller.user.id, trust_id = %caller.user.trust_id, inspection_id = %id,
        from = %held.owner, to = %to_user_id, "inspection handed over"
    );
    Ok(())
}

/// Reopens an inspection finished by mistake: 403 for anyone but a trust admin (and for a
/// buddy reviewer's inspection of the trust: the independent source stays as its reviewer
/// left it), 404 for another trust's, 409 for one still open, 422 without a reason. Audited
/// in the same transaction; the owner's devices show it open again after their next pull,
/// which lists it among their open inspections.
pub async fn reopen(
    store: &Store,
    caller: &Caller,
    id: Uuid,
    reason: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    if !caller.user.role.can_administer() {
        return Err(ApiError::Forbidden(
            "Only the trust's administrators reopen inspections".to_owned(),
        ));
    }
    let head = store
        .inspection_head(id)
        .await?
        .filter(|h| h.trust_id == caller.user.trust_id)
        .ok_or(ApiError::NotFound)?;
    let owner = store.user_by_id(head.owner).await?;
    if owner.as_ref().is_none_or(|o| o.trust_id != head.trust_id) {
        return Err(ApiError::Forbidden(
            "A buddy reviewer's inspection stays as they finished it".to_owned(),
        ));
    }
    if head.status != InspectionStatus::Submitted {
        return Err(ApiError::Conflict(
            "This inspection is open already".to_owned(),
        ));
    }
    if let Some(problem) = domain::photo::reason_problem(
        reason,
        "Say why it is reopened: the audit trail keeps the reason",
    ) {
        return Err(ApiError::Unprocessable(problem));
    }
    let reason = reason.trim();
    let tx = store.begin().await?;
    if !tx.reopen(id, head.owner, now).await? {
        return Err(ApiError::Conflict(
            "This inspection changed meanwhile: look again".to_owned(),
        ));
    }
    tx.calibration_may_move(head.trust_id, head.owner).await?;
    crate::admin::audited(
        &tx,
        caller,
        now,
        "inspection.reopen",
        id,
        serde_json::json!({ "status": "submitted" }),
        serde_json::json!({ "status": "in_progress", "reason": reason, "owner": head.owner }),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user_id = %caller.user.id, inspection_id = %id, "inspection reopened");
    Ok(())
}

fn record_person(u: &crate::store::UserRecord) -> Person {
    Person {
        id: u.id,
        trust_id: u.trust_id,
        role: domain::Role::parse(&u.role).unwrap_or(domain::Role::BoardViewer),
        active: u.active,
    }
}

fn refused(refusal: HandOverRefusal) -> ApiError {
    let message = refusal.to_string();
    match refusal {
        HandOverRefusal::NotTheirs => ApiError::Forbidden(message),
        HandOverRefusal::Finished => ApiError::Conflict(message),
        HandOverRefusal::NotAnInspector | HandOverRefusal::SameOwner => {
            ApiError::Unprocessable(message)
        }
    }
}
