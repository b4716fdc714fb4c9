//! The rules for replies to a reviewer's doubt: only the finding's owner replies, in their own
//! trust, about a finding the server holds under the inspection named and a reviewer doubted,
//! and a reply is sent once.

use chrono::NaiveDate;
use uuid::Uuid;

use super::*;
use crate::Role;
use crate::inspection::InspectionStatus;
use crate::review::ReplyData;
use crate::sync::{Mutation, kind};

const TRUST: Uuid = Uuid::from_u128(0x1);
const OWNER: Uuid = Uuid::from_u128(0x100);
const INSPECTION: Uuid = Uuid::from_u128(0x50);
const FINDING: Uuid = Uuid::from_u128(0x60);

fn pusher(user_id: Uuid, role: Role) -> Pusher {
    Pusher {
        user_id,
        trust_id: TRUST,
        device_id: Uuid::from_u128(0x200),
        role,
        today: NaiveDate::from_ymd_opt(2026, 6, 15).unwrap_or_default(),
    }
}

/// A finished inspection of `trust` owned by `OWNER`, with one finding a reviewer challenged.
fn held(trust: Uuid) -> Held<'static> {
    let mut held = Held::default();
    held.inspections.insert(
        INSPECTION,
        HeldInspection {
            trust_id: trust,
            user_id: OWNER,
            status: InspectionStatus::Submitted,
        },
    );
    held.records.insert(FINDING, INSPECTION);
    held.doubted.insert(FINDING);
    held
}

fn reply(id: u128, record_id: Uuid) -> PushItem {
    let data = ReplyData {
        id: Uuid::from_u128(id),
        record_id,
        inspection_id: INSPECTION,
        note: "A new photo of the checked resuscitation trolley".to_owned(),
        photo_ids: vec![Uuid::from_u128(0x700)],
        written_at: chrono::DateTime::default(),
    };
    PushItem {
        mutation: Mutation {
            id: Uuid::now_v7(),
            kind: kind::EVIDENCE_REPLY.to_owned(),
            data: serde_json::to_value(&data).unwrap_or_default(),
        },
        change: Ok(Change::Reply(data)),
    }
}

#[test]
fn the_owner_replies_about_a_finished_finding_once() {
    let mut held = held(TRUST);
    let owner = pusher(OWNER, Role::WardInspector);
    let first = reply(0x900, FINDING);
    assert_eq!(judge(&mut held, &owner, &first), Verdict::Apply);
    let again = reply(0x900, FINDING);
    assert_eq!(
        judge(&mut held, &owner, &again),
        Verdict::Reject(Refusal::ReplySent)
    );
    assert_eq!(
        judge(&mut held, &owner, &reply(0x901, FINDING)),
        Verdict::Apply
    );
}

#[test]
fn nobody_else_replies_and_an_unknown_finding_is_refused() {
    let someone = pusher(Uuid::from_u128(0x101), Role::WardInspector);
    let v = judge(&mut held(TRUST), &someone, &reply(0x900, FINDING));
    assert_eq!(v, Verdict::Reject(Refusal::NotYours));

    let owner = pusher(OWNER, Role::WardInspector);
    let v = judge(
        &mut held(Uuid::from_u128(0x2)),
        &owner,
        &reply(0x900, FINDING),
    );
    assert_eq!(v, Verdict::Reject(Refusal::InspectionElsewhere));

    let v = judge(
        &mut held(TRUST),
        &owner,
        &reply(0x900, Uuid::from_u128(0x61)),
    );
    assert_eq!(v, Verdict::Reject(Refusal::UnknownFinding));

    // Held but never doubted (an interview, a reply, a finding nobody challenged).
    let mut undoubted = held(TRUST);
    undoubted.doubted.clear();
    let v = judge(&mut undoubted, &owner, &reply(0x900, FINDING));
    assert_eq!(v, Verdict::Reject(Refusal::NotDoubted));

    let reviewer = pusher(OWNER, Role::BuddyReviewer);
    let v = judge(&mut held(TRUST), &reviewer, &reply(0x900, FINDING));
    assert!(matches!(v, Verdict::Reject(Refusal::Role(_))), "{v:?}");
}

#[test]
fn an_empty_reply_is_refused_by_its_content() {
    let catalogue = crate::Catalogue::built_in().unwrap_or_else(|e| panic!("{e}"));
    let m = Mutation {
        id: Uuid::now_v7(),
        kind: kind::EVIDENCE_REPLY.to_owned(),
        data: serde_json::json!({
            "id": Uuid::now_v7(), "record_id": FINDING, "inspection_id": INSPECTION,
            "note": " ", "photo_ids": [], "written_at": "2026-06-15T09:00:00Z"
        }),
    };
    assert!(check(&catalogue, &m).is_err());
}
