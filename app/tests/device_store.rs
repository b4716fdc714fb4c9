//! The device store in a real browser's IndexedDB (headless Chromium via wasm-bindgen-test):
//! every answer is stored together with its outbox entry, each user's work stays apart, and a
//! finished inspection refuses changes.
#![allow(clippy::unwrap_used)]

// These tests need a browser: a native build stops here rather than pass having run nothing.
#[cfg(not(target_arch = "wasm32"))]
compile_error!(
    "the device store tests run in a browser: cargo test -p app --target \
     wasm32-unknown-unknown --no-default-features --features hydrate"
);

use app::device::{self, DeviceError, LocalInspection};
use chrono::Utc;
use domain::inspection::ChecklistPrompt;
use domain::inspection::{InspectionStatus, Response};
use domain::sync::kind;
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn inspection(user_id: Uuid) -> LocalInspection {
    LocalInspection {
        id: Uuid::now_v7(),
        user_id,
        unit_id: Uuid::now_v7(),
        unit_name: "Ward 10".into(),
        template_id: Uuid::now_v7(),
        template_version: 1,
        template_name: "Walk-round".into(),
        framework_id: "cqc-kloe-2017".into(),
        prompts: vec![ChecklistPrompt {
            code: "S1.8".into(),
            text: "Clean".into(),
            item_code: "S1".into(),
            item_title: "Safeguarding".into(),
            key_question: "safe".into(),
            key_question_title: "Safe".into(),
        }],
        started_at: Utc::now(),
        status: InspectionStatus::InProgress,
    }
}

#[wasm_bindgen_test]
async fn answers_are_stored_with_their_outbox_entries() {
    let user = Uuid::now_v7();
    let started = inspection(user);
    device::save_inspection(&started).await.unwrap();
    assert_eq!(device::outbox_count(user).await, Ok(1));
    assert_eq!(
        device::inspection(started.user_id, started.id)
            .await
            .unwrap(),
        Some(started.clone())
    );

    // A note without an answer is kept, but nothing is queued yet.
    let mut finding = device::blank_finding(started.id, &"S1.8".into());
    finding.note = "Sharps bin overfull".into();
    device::record_finding(user, &finding).await.unwrap();
    assert_eq!(device::outbox_count(user).await, Ok(1));

    finding.response = Some(Response::NotMet);
    device::record_finding(user, &finding).await.unwrap();
    finding.response = Some(Response::PartiallyMet);
    device::record_finding(user, &finding).await.unwrap();
    let stored = device::findings_of(started.id).await.unwrap();
    assert_eq!(
        stored,
        vec![finding.clone()],
        "one finding, holding the latest answer"
    );

    let queued = device::outbox_of(user).await.unwrap();
    let kinds: Vec<&str> = queued.iter().map(|e| e.mutation.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            kind::INSPECTION_UPSERT,
            kind::FINDING_RECORD,
            kind::FINDING_RECORD
        ]
    );
    assert_eq!(queued[2].mutation.data["response"], "partially_met");
    assert_eq!(queued[2].mutation.data["id"], finding.id.to_string());
    assert_ne!(
        queued[1].mutation.id, queued[2].mutation.id,
        "each change has its own id"
    );

    // Another user of the same tablet sees none of it.
    let other = Uuid::now_v7();
    assert_eq!(device::outbox_count(other).await, Ok(0));
    assert!(device::inspections_of(other).await.unwrap().is_empty());
    assert_eq!(device::inspections_of(user).await.unwrap().len(), 1);
}

#[wasm_bindgen_test]
async fn another_user_of_the_tablet_can_neither_see_nor_change_an_inspection() {
    let owner = Uuid::now_v7();
    let colleague = Uuid::now_v7();
    let started = inspection(owner);
    device::save_inspection(&started).await.unwrap();
    assert_eq!(device::inspection(colleague, started.id).await, Ok(None));
    let mut finding = device::blank_finding(started.id, &"S1.8".into());
    finding.response = Some(Response::NotMet);
    // Refused as if it were not there, and nothing is stored or queued.
    assert_eq!(
        device::record_finding(colleague, &finding).await,
        Err(DeviceError::Missing)
    );
    assert_eq!(
        device::finish_inspection(colleague, started.id).await.err(),
        Some(DeviceError::Missing)
    );
    assert!(device::findings_of(started.id).await.unwrap().is_empty());
    assert_eq!(device::outbox_count(colleague).await, Ok(0));
    // The owner still can.
    device::record_finding(owner, &finding).await.unwrap();
    assert_eq!(device::findings_of(started.id).await.unwrap().len(), 1);
}

#[wasm_bindgen_test]
async fn a_finished_inspection_leaves_the_device_only_once_all_of_it_has_synced() {
    let user = Uuid::now_v7();
    let started = inspection(user);
    device::save_inspection(&started).await.unwrap();
    let mut finding = device::blank_finding(started.id, &"S1.8".into());
    finding.response = Some(Response::Met);
    device::record_finding(user, &finding).await.unwrap();
    device::finish_inspection(user, started.id).await.unwrap();
    // Finished, but its changes still wait: it stays.
    assert_eq!(device::forget_synced_finished(user).await, Ok(0));
    assert!(
        device::inspection(user, started.id)
            .await
            .unwrap()
            .is_some()
    );
    // An open inspection of the same user stays even when nothing of it waits.
    let open = inspection(user);
    device::save_inspection(&open).await.unwrap();
    let waiting = device::queued_of(user).await.unwrap();
    device::acknowledge(&waiting).await.unwrap();
    assert_eq!(device::forget_synced_finished(user).await, Ok(1));
    assert_eq!(device::inspection(user, started.id).await, Ok(None));
    assert!(device::findings_of(started.id).await.unwrap().is_empty());
    assert!(device::inspection(user, open.id).await.unwrap().is_some());
    // Signing out says what stays.
    let words = device::forget_at_sign_out(user).await.unwrap();
    assert_eq!(
        words,
        "Left on this device for you alone: 1 open inspection. Only you can open it, by signing in here again."
    );
}

#[wasm_bindgen_test]
async fn a_finished_inspection_is_read_only() {
    let user = Uuid::now_v7();
    let started = inspection(user);
    device::save_inspection(&started).await.unwrap();
    let finished = device::finish_inspection(started.user_id, started.id)
        .await
        .unwrap();
    assert_eq!(finished.status, InspectionStatus::Submitted);
    assert_eq!(device::outbox_count(user).await, Ok(2));
    let mut finding = device::blank_finding(started.id, &"S1.8".into());
    finding.response = Some(Response::Met);
    assert_eq!(
        device::record_finding(user, &finding).await,
        Err(DeviceError::Finished)
    );
    assert!(device::findings_of(started.id).await.unwrap().is_empty());
    assert_eq!(
        device::outbox_count(user).await,
        Ok(2),
        "nothing queued for a refused change"
    );
    assert_eq!(
        device::finish_inspection(started.user_id, started.id)
            .await
            .err(),
        Some(DeviceError::Finished)
    );
    let missing = device::blank_finding(Uuid::now_v7(), &"S1.8".into());
    assert_eq!(
        device::record_finding(user, &missing).await,
        Err(DeviceError::Missing)
    );
}

/// The device judges its own writes by the server's rule: a finding kept under one
/// inspection cannot be written under another, and nothing of the refused write is kept.
#[wasm_bindgen_test]
async fn a_finding_never_moves_to_another_inspection_on_the_device() {
    let user = Uuid::now_v7();
    let (first, second) = (inspection(user), inspection(user));
    device::save_inspection(&first).await.unwrap();
    device::save_inspection(&second).await.unwrap();
    let mut finding = device::blank_finding(first.id, &"S1.8".into());
    finding.response = Some(Response::Met);
    device::record_finding(user, &finding).await.unwrap();
    let queued = device::outbox_count(user).await;

    let mut moved = finding.clone();
    moved.inspection_id = second.id;
    assert!(matches!(
        device::record_finding(user, &moved).await,
        Err(DeviceError::Refused(_))
    ));
    assert_eq!(device::outbox_count(user).await, queued);
    assert!(device::findings_of(second.id).await.unwrap().is_empty());
    assert_eq!(device::findings_of(first.id).await.unwrap(), vec![finding]);
}

#[wasm_bindgen_test]
async fn interview_notes_are_queued_and_kept_per_inspection() {
    use domain::inspection::{InterviewData, Interviewee};
    let user = Uuid::now_v7();
    let started = inspection(user);
    device::save_inspection(&started).await.unwrap();
    let interview = InterviewData {
        id: Uuid::now_v7(),
        inspection_id: started.id,
        interviewee: Interviewee::Staff,
        item_codes: vec!["W3".into(), "W7".into()],
        note: "Knows how to raise a concern; has used Freedom to Speak Up".into(),
        observed_at: Utc::now(),
    };
    device::record_interview(user, &interview).await.unwrap();
    assert_eq!(
        device::interviews_of(started.id).await.unwrap(),
        vec![interview.clone()]
    );
    let queued = device::outbox_of(user).await.unwrap();
    assert_eq!(queued[1].mutation.kind, kind::INTERVIEW_RECORD);
    assert_eq!(queued[1].mutation.data["interviewee"], "staff");
    assert_eq!(queued[1].mutation.data["item_codes"][1], "W7");
    device::finish_inspection(started.user_id, started.id)
        .await
        .unwrap();
    let late = InterviewData {
        id: Uuid::now_v7(),
        ..interview
    };
    assert_eq!(
        device::record_interview(user, &late).await,
        Err(DeviceError::Finished)
    );
}

/// A PNG of the given size, drawn by the browser.
async fn picture(width: u32, height: u32) -> web_sys::Blob {
    use wasm_bindgen::JsCast;
    let canvas: web_sys::HtmlCanvasElement = leptos::prelude::document()
        .create_element("canvas")
        .unwrap()
        .unchecked_into();
    canvas.set_width(width);
    canvas.set_height(height);
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let done =
            wasm_bindgen::prelude::Closure::once_into_js(move |blob: wasm_bindgen::JsValue| {
                let _ = resolve.call1(&wasm_bindgen::JsValue::NULL, &blob);
            });
        canvas.to_blob(done.unchecked_ref()).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .unwrap()
        .unchecked_into()
}

#[wasm_bindgen_test]
async fn photos_are_downscaled_and_stored_with_their_finding() {
    let big = picture(3000, 1000).await;
    let small = device::downscale(&big).await.unwrap();
    assert_eq!((small.width, small.height), (2048, 683));
    assert_eq!(small.blob.type_(), "image/jpeg");

    let user = Uuid::now_v7();
    let started = inspection(user);
    device::save_inspection(&started).await.unwrap();
    let photo = device::StoredPhoto {
        id: Uuid::now_v7(),
        blob: small.blob,
        width: 2048,
        height: 683,
    };
    let mut finding = device::blank_finding(started.id, &"S1.8".into());
    finding.response = Some(Response::NotMet);
    finding.photo_ids.push(photo.id);
    device::add_photo(user, &finding, &photo).await.unwrap();
    // The upsert, the finding and the photo itself all wait to sync.
    assert_eq!(device::outbox_count(user).await, Ok(3));
    let stored = device::photos_of(started.id).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0].id, stored[0].width), (photo.id, 2048));
    assert!(stored[0].blob.size() > 1000.0);
    assert_eq!(
        device::findings_of(started.id).await.unwrap()[0].photo_ids,
        vec![photo.id]
    );

    finding.photo_ids.clear();
    device::remove_photo(user, &finding, photo.id)
        .await
        .unwrap();
    assert!(device::photos_of(started.id).await.unwrap().is_empty());
    assert_eq!(
        device::outbox_count(user).await,
        Ok(3),
        "photo gone, the changed finding queued"
    );
}

#[wasm_bindgen_test]
async fn acknowledged_changes_leave_the_outbox_and_refused_ones_wait() {
    let user = Uuid::now_v7();
    let started = inspection(user);
    device::save_inspection(&started).await.unwrap();
    let mut finding = device::blank_finding(started.id, &"S1.8".into());
    finding.response = Some(Response::Met);
    device::record_finding(user, &finding).await.unwrap();

    let queued = device::queued_of(user).await.unwrap();
    assert_eq!(queued.len(), 2);
    assert!(queued[0].seq < queued[1].seq, "oldest first");
    assert_eq!(queued[0].entry.mutation.kind, kind::INSPECTION_UPSERT);

    // The server refused the finding: it stays, marked, until the user retries or discards it.
    device::set_refusal(
        queued[1].seq,
        Some("the inspection has been finished".into()),
    )
    .await
    .unwrap();
    device::acknowledge(&queued[..1]).await.unwrap();
    let left = device::queued_of(user).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(
        left[0].entry.refused.as_deref(),
        Some("the inspection has been finished")
    );
    assert_eq!(left[0].entry.mutation, queued[1].entry.mutation);
    device::set_refusal(left[0].seq, None).await.unwrap();
    assert_eq!(
        device::queued_of(user).await.unwrap()[0].entry.refused,
        None
    );
    assert_eq!(device::outbox_count(user).await, Ok(1));

    // The acknowledged change is kept as a receipt for the ledger, in words.
    let synced = device::synced_of(user).await.unwrap();
    assert_eq!(synced.len(), 1);
    assert_eq!(
        synced[0].what,
        domain::sync::describe_change(
            &queued[0].entry.mutation.kind,
            &queued[0].entry.mutation.data
        )
    );
    assert_eq!(synced[0].recorded_at, queued[0].entry.queued_at);

    // Discarding a refused change removes it without a receipt.
    device::discard_change(left[0].seq).await.unwrap();
    assert_eq!(device::outbox_count(user).await, Ok(0));
    assert_eq!(device::synced_of(user).await.unwrap().len(), 1);
}

#[wasm_bindgen_test]
async fn the_device_keeps_only_the_newest_receipts() {
    let user = Uuid::now_v7();
    let records: Vec<device::SyncedRecord> = (0..device::SYNCED_KEPT + 10)
        .map(|n| device::SyncedRecord {
            user_id: user,
            what: format!("Change {n}"),
            recorded_at: Utc::now(),
            synced_at: Utc::now() + chrono::Duration::milliseconds(i64::from(n)),
        })
        .collect();
    device::note_synced(&records).await.unwrap();
    let kept = device::synced_of(user).await.unwrap();
    assert_eq!(kept.len(), device::SYNCED_KEPT as usize);
    assert_eq!(kept[0].what, format!("Change {}", device::SYNCED_KEPT + 9));
    assert_eq!(kept.last().unwrap().what, "Change 10");
}

#[wasm_bindgen_test]
async fn an_uploaded_photo_stops_waiting_and_leaves_once_its_inspection_is_finished() {
    let user = Uuid::now_v7();
    let started = inspection(user);
    device::save_inspection(&started).await.unwrap();
    let (kept, refused) = (Uuid::now_v7(), Uuid::now_v7());
    let mut finding = device::blank_finding(started.id, &"S1.8".into());
    finding.response = Some(Response::Met);
    for id in [kept, refused] {
        finding.photo_ids.push(id);
        let photo = device::StoredPhoto {
            id,
            blob: picture(40, 20).await,
            width: 40,
            height: 20,
        };
        device::add_photo(user, &finding, &photo).await.unwrap();
    }
    let waiting = device::waiting_photos(user).await.unwrap();
    assert_eq!(waiting.len(), 2);
    assert_eq!(waiting[0].item_code, "S1.8");

    // The server refused one (it waits, marked) and confirmed the other (it stops waiting but
    // stays viewable while the inspection is open).
    device::set_photo_refusal(refused, Some("not a picture".into()))
        .await
        .unwrap();
    device::mark_photo_uploaded(kept).await.unwrap();
    let waiting = device::waiting_photos(user).await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(
        (waiting[0].id, waiting[0].refused.as_deref()),
        (refused, Some("not a picture"))
    );
    device::forget_uploaded_photos_of_finished().await.unwrap();
    assert_eq!(device::photos_of(started.id).await.unwrap().len(), 2);

    // Finished: the uploaded photo's blob leaves the device; the refused one stays for the user.
    device::finish_inspection(started.user_id, started.id)
        .await
        .unwrap();
    device::forget_uploaded_photos_of_finished().await.unwrap();
    let left = device::photos_of(started.id).await.unwrap();
    assert_eq!(left.iter().map(|p| p.id).collect::<Vec<_>>(), vec![refused]);
    assert_eq!(
        device::mark_photo_uploaded(kept).await,
        Err(DeviceError::Missing)
    );
}

/// Saving a note as it is typed: while no push has had the finding's waiting change, each save
/// rewrites it (one change per note, not one per keystroke); once a push may have carried it,
/// the next save queues a new change and the one sent is never touched again.
#[wasm_bindgen_test]
async fn typed_notes_replace_only_a_change_never_sent() {
    let user = Uuid::now_v7();
    let started = inspection(user);
    device::save_inspection(&started).await.unwrap();

    // A note alone stays on the device, as before.
    let mut finding = device::blank_finding(started.id, &"S1.8".into());
    finding.note = "Sh".into();
    device::save_finding_draft(user, &finding).await.unwrap();
    assert_eq!(device::outbox_count(user).await, Ok(1));

    // Answered, then typed on: the answer's waiting change takes the newer text in place.
    finding.response = Some(Response::NotMet);
    device::record_finding(user, &finding).await.unwrap();
    let answered = device::queued_of(user).await.unwrap()[1].clone();
    for text in ["Sharps", "Sharps bin", "Sharps bin overfull"] {
        finding.note = text.into();
        device::save_finding_draft(user, &finding).await.unwrap();
    }
    let queued = device::queued_of(user).await.unwrap();
    assert_eq!(queued.len(), 2, "one waiting change for the finding");
    assert_eq!(queued[1].seq, answered.seq, "same place in the queue");
    assert_eq!(queued[1].entry.mutation.id, answered.entry.mutation.id);
    assert_eq!(queued[1].entry.mutation.data["note"], "Sharps bin overfull");
    assert_eq!(queued[1].entry.mutation.data["response"], "not_met");
    assert_eq!(
        device::findings_of(started.id).await.unwrap(),
        vec![finding.clone()]
    );

    // A push takes both: they are marked as sent before they leave.
    let pushed = device::hand_over(user, 100).await.unwrap();
    assert_eq!(pushed.len(), 2);
    assert!(pushed.iter().all(|q| q.entry.sent));
    assert!(
        device::queued_of(user)
            .await
            .unwrap()
            .iter()
            .all(|q| q.entry.sent)
    );

    // Typing after that never rewrites what was sent: a new change, then that one is rewritten.
    finding.note = "Sharps bin overfull in bay 2".into();
    device::save_finding_draft(user, &finding).await.unwrap();
    finding.note = "Sharps bin overfull in bay 2, reported".into();
    device::save_finding_draft(user, &finding).await.unwrap();
    let queued = device::queued_of(user).await.unwrap();
    assert_eq!(queued.len(), 3);
    assert_eq!(
        queued[1].entry, pushed[1].entry,
        "the sent change is untouched"
    );
    assert_ne!(queued[2].entry.mutation.id, pushed[1].entry.mutation.id);
    assert!(!queued[2].entry.sent);
    assert_eq!(
        queued[2].entry.mutation.data["note"],
        "Sharps bin overfull in bay 2, reported"
    );

    // Nor is a change the server refused (it was sent); and an entry stored before the device
    // marked what it sent counts as sent.
    device::set_refusal(queued[2].seq, Some("refused".into()))
        .await
        .unwrap();
    finding.note = "Sharps bin emptied".into();
    device::save_finding_draft(user, &finding).await.unwrap();
    let queued = device::queued_of(user).await.unwrap();
    assert_eq!(queued.len(), 4);
    assert_eq!(
        queued[2].entry.mutation.data["note"],
        "Sharps bin overfull in bay 2, reported"
    );
    let old: device::OutboxEntry = serde_json::from_value(serde_json::json!({
        "user_id": user,
        "mutation": queued[3].entry.mutation,
        "queued_at": queued[3].entry.queued_at,
    }))
    .unwrap();
    assert!(old.sent);

    // A finished inspection takes no more typing.
    device::finish_inspection(started.user_id, started.id)
        .await
        .unwrap();
    finding.note = "Too late".into();
    assert_eq!(
        device::save_finding_draft(user, &finding).await,
        Err(DeviceError::Finished)
    );
}

/// An interview note being written is kept per user and inspection until "Save" records it.
#[wasm_bindgen_test]
async fn an_unsaved_interview_note_is_kept_until_it_is_recorded() {
    use device::InterviewDraft;
    use domain::inspection::{InterviewData, Interviewee};
    let user = Uuid::now_v7();
    let started = inspection(user);
    device::save_inspection(&started).await.unwrap();
    let draft = InterviewDraft {
        interviewee: Interviewee::Patient,
        item_codes: vec!["C1".into()],
        note: "Staff were kind".into(),
    };
    device::save_interview_draft(user, started.id, &draft)
        .await
        .unwrap();
    assert_eq!(
        device::interview_draft(user, started.id).await,
        Ok(Some(draft.clone()))
    );
    assert_eq!(
        device::interview_draft(Uuid::now_v7(), started.id).await,
        Ok(None),
        "another user of the tablet sees none of it"
    );
    assert_eq!(
        device::outbox_count(user).await,
        Ok(1),
        "a draft is not a change"
    );

    // Emptied, it is forgotten.
    let empty = InterviewDraft {
        item_codes: Vec::new(),
        note: "  ".into(),
        ..draft.clone()
    };
    device::save_interview_draft(user, started.id, &empty)
        .await
        .unwrap();
    assert_eq!(device::interview_draft(user, started.id).await, Ok(None));

    // Recorded, it is gone in the same step.
    device::save_interview_draft(user, started.id, &draft)
        .await
        .unwrap();
    let interview = InterviewData {
        id: Uuid::now_v7(),
        inspection_id: started.id,
        interviewee: draft.interviewee,
        item_codes: draft.item_codes.clone(),
        note: draft.note.clone(),
        observed_at: Utc::now(),
    };
    device::record_interview(user, &interview).await.unwrap();
    assert_eq!(device::interview_draft(user, started.id).await, Ok(None));
    assert_eq!(device::outbox_count(user).await, Ok(2));
}

#[wasm_bindgen_test]
async fn pages_reach_the_same_store_through_the_device_in_context() {
    use leptos::prelude::Owner;
    let owner = Owner::new();
    owner.set();
    device::provide_device();
    let here = device::use_device();

    let user = Uuid::now_v7();
    let started = inspection(user);
    here.save_inspection(&started).await.unwrap();
    // What the interface wrote, the store holds, and the other way round.
    assert_eq!(
        device::inspection(started.user_id, started.id)
            .await
            .unwrap(),
        Some(started.clone())
    );
    let mut finding = device::blank_finding(started.id, &"S1.8".into());
    finding.response = Some(Response::Met);
    device::record_finding(user, &finding).await.unwrap();
    assert_eq!(here.findings_of(started.id).await.unwrap(), vec![finding]);
    assert_eq!(here.outbox_count(user).await, Ok(2));
    assert_eq!(
        here.finish_inspection(started.user_id, started.id)
            .await
            .unwrap()
            .status,
        InspectionStatus::Submitted
    );
    let mut late = device::blank_finding(started.id, &"S1.8".into());
    late.response = Some(Response::NotMet);
    assert_eq!(
        here.record_finding(user, &late).await,
        Err(DeviceError::Finished)
    );
}
