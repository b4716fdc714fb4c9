//! Each rule of the judge, then properties over random pushes: no push changes a finished
//! inspection and no record moves to another inspection.

use std::collections::HashMap;

use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::inspection::{Interviewee, Response};

const TRUST: Uuid = Uuid::from_u128(0x1);
const OTHER_TRUST: Uuid = Uuid::from_u128(0x2);
const WARD: Uuid = Uuid::from_u128(0x10);
const OTHER_WARD: Uuid = Uuid::from_u128(0x11);

fn pusher() -> Pusher {
    Pusher {
        user_id: Uuid::from_u128(0x100),
        trust_id: TRUST,
        device_id: Uuid::from_u128(0x200),
        role: crate::Role::WardInspector,
        today: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default(),
    }
}

fn held() -> Held<'static> {
    let mut held = Held::default();
    held.units.insert(WARD, TRUST);
    held.units.insert(OTHER_WARD, OTHER_TRUST);
    held
}

fn item(id: u128, change: Change) -> PushItem {
    let (kind, data) = match &change {
        Change::Inspection(d) => (kind::INSPECTION_UPSERT, serde_json::to_value(d)),
        Change::Finding(f) => (kind::FINDING_RECORD, serde_json::to_value(f)),
        Change::Interview(i) => (kind::INTERVIEW_RECORD, serde_json::to_value(i)),
        Change::Assessment(source, a) => (source.kind(), serde_json::to_value(a)),
        Change::Reply(r) => (kind::EVIDENCE_REPLY, serde_json::to_value(r)),
    };
    PushItem {
        mutation: Mutation {
            id: Uuid::from_u128(id),
            kind: kind.to_owned(),
            data: data.unwrap_or_default(),
        },
        change: Ok(change),
    }
}

fn inspection(id: u128, unit: Uuid, status: InspectionStatus) -> Change {
    Change::Inspection(InspectionData {
        id: Uuid::from_u128(id),
        unit_id: unit,
        framework_id: "cqc-kloe-2017".to_owned(),
        template_id: None,
        template_version: None,
        started_at: at(2026, 11, 2, 9, 0, 0),
        status,
    })
}

fn finding(id: u128, inspection: u128, note: &str) -> Change {
    Change::Finding(FindingData {
        id: Uuid::from_u128(id),
        inspection_id: Uuid::from_u128(inspection),
        item_code: "S1.8".into(),
        response: Some(Response::Met),
        note: note.to_owned(),
        photo_ids: Vec::new(),
        observed_at: at(2026, 11, 2, 9, 5, 0),
    })
}

fn interview(id: u128, inspection: u128) -> Change {
    Change::Interview(InterviewData {
        id: Uuid::from_u128(id),
        inspection_id: Uuid::from_u128(inspection),
        interviewee: Interviewee::Staff,
        item_codes: vec!["S1".into()],
        note: "Knows how to raise a concern".to_owned(),
        observed_at: at(2026, 11, 2, 9, 6, 0),
    })
}

/// Judges items in order against `held`, as one batch.
fn run<'a>(held: &mut Held<'a>, items: &'a [PushItem]) -> Vec<Verdict> {
    items.iter().map(|i| judge(held, &pusher(), i)).collect()
}

fn reject(refusal: Refusal) -> Verdict {
    Verdict::Reject(refusal)
}

#[test]
fn a_new_inspection_on_a_ward_of_the_trust_applies_and_is_then_known() {
    let items = [
        item(1, inspection(50, WARD, InspectionStatus::InProgress)),
        item(2, finding(60, 50, "")),
        item(3, interview(70, 50)),
    ];
    let mut held = held();
    assert_eq!(run(&mut held, &items), vec![Verdict::Apply; 3]);
    let kept = held.inspections[&Uuid::from_u128(50)];
    assert_eq!((kept.trust_id, kept.user_id), (TRUST, pusher().user_id));
    assert_eq!(held.records[&Uuid::from_u128(60)], Uuid::from_u128(50));
}

#[test]
fn a_ward_of_another_trust_or_an_unknown_one_is_refused() {
    let items = [
        item(1, inspection(50, OTHER_WARD, InspectionStatus::InProgress)),
        item(
            2,
            inspection(51, Uuid::from_u128(0x99), InspectionStatus::InProgress),
        ),
    ];
    let why = reject(Refusal::WardElsewhere);
    assert_eq!(run(&mut held(), &items), vec![why.clone(), why]);
}

#[test]
fn a_finding_for_an_unknown_inspection_is_refused() {
    let items = [item(1, finding(60, 50, ""))];
    assert_eq!(
        run(&mut held(), &items),
        vec![reject(Refusal::UnknownInspection)]
    );
}

#[test]
fn another_trusts_inspection_cannot_be_written_to() {
    let mut held = held();
    held.inspections.insert(
        Uuid::from_u128(50),
        HeldInspection {
            trust_id: OTHER_TRUST,
            user_id: Uuid::from_u128(0x300),
            status: InspectionStatus::InProgress,
        },
    );
    let items = [
        item(1, finding(60, 50, "")),
        item(2, inspection(50, WARD, InspectionStatus::Submitted)),
    ];
    let why = reject(Refusal::InspectionElsewhere);
    assert_eq!(run(&mut held, &items), vec![why.clone(), why]);
}

#[test]
fn a_finished_inspection_refuses_every_later_change_in_the_same_batch() {
    let items = [
        item(1, inspection(50, WARD, InspectionStatus::InProgress)),
        item(2, inspection(50, WARD, InspectionStatus::Submitted)),
        item(3, finding(60, 50, "too late")),
        item(4, interview(70, 50)),
        item(5, inspection(50, WARD, InspectionStatus::InProgress)),
    ];
    let why = reject(Refusal::Finished);
    assert_eq!(
        run(&mut held(), &items),
        vec![
            Verdict::Apply,
            Verdict::Apply,
            why.clone(),
            why.clone(),
            why
        ]
    );
}

#[test]
fn a_record_never_moves_to_another_inspection() {
    let items = [
        item(1, inspection(50, WARD, InspectionStatus::InProgress)),
        item(2, inspection(51, WARD, InspectionStatus::InProgress)),
        item(3, finding(60, 50, "first")),
        item(4, finding(60, 51, "moved")),
        item(5, finding(60, 50, "edited where it is")),
    ];
    let verdicts = run(&mut held(), &items);
    assert_eq!(verdicts[3], reject(Refusal::RecordElsewhere));
    assert_eq!(verdicts[4], Verdict::Apply);
}

#[test]
fn a_repeat_is_a_duplicate_and_a_reused_id_with_other_content_a_conflict() {
    let first = item(1, inspection(50, WARD, InspectionStatus::InProgress));
    let again = first.clone();
    let mut reused = item(1, inspection(50, WARD, InspectionStatus::Submitted));
    reused.mutation.id = first.mutation.id;
    let items = [first, again, reused];
    let mut held = held();
    assert_eq!(
        run(&mut held, &items),
        vec![Verdict::Apply, Verdict::Duplicate, Verdict::Conflict]
    );
    // The conflict changed nothing.
    assert_eq!(
        held.inspections[&Uuid::from_u128(50)].status,
        InspectionStatus::InProgress
    );
}

#[test]
fn a_repeat_of_a_change_applied_in_an_earlier_push_is_a_duplicate() {
    let first = item(1, finding(60, 50, "note"));
    let mut held = held();
    held.mutations.insert(
        first.mutation.id,
        Earlier {
            kind: Cow::Owned(first.mutation.kind.clone()),
            data: Cow::Owned(first.mutation.data.clone()),
            trust_id: TRUST,
        },
    );
    let items = [first];
    assert_eq!(run(&mut held, &items), vec![Verdict::Duplicate]);
}

#[test]
fn only_the_inspector_who_started_an_inspection_changes_it() {
    let started = [item(1, inspection(50, WARD, InspectionStatus::InProgress))];
    let theirs = [
        item(2, finding(60, 50, "overwritten")),
        item(3, interview(70, 50)),
        item(4, inspection(50, WARD, InspectionStatus::Submitted)),
    ];
    let mut held = held();
    assert_eq!(run(&mut held, &started), vec![Verdict::Apply]);
    let colleague = Pusher {
        user_id: Uuid::from_u128(0x101),
        ..pusher()
    };
    for change in &theirs {
        assert_eq!(
            judge(&mut held, &colleague, change),
            reject(Refusal::NotYours)
        );
    }
    assert_eq!(run(&mut held, &theirs), vec![Verdict::Apply; 3]);
}

#[test]
fn a_change_id_another_trust_used_is_refused_not_compared() {
    let first = item(1, finding(60, 50, "note"));
    let mut held = held();
    held.mutations.insert(
        first.mutation.id,
        Earlier {
            kind: Cow::Owned(first.mutation.kind.clone()),
            data: Cow::Owned(first.mutation.data.clone()),
            trust_id: OTHER_TRUST,
        },
    );
    // Neither the same content (a duplicate) nor other content (a conflict, kept for review
    // beside the other trust's) is told apart: both are refused alike.
    let items = [
        item(1, finding(60, 50, "note")),
        item(1, finding(61, 50, "other")),
    ];
    assert_eq!(run(&mut held, &items), vec![reject(Refusal::IdTaken); 2]);
}

#[test]
fn a_refused_change_is_not_remembered_so_it_is_judged_again() {
    let items = [
        item(1, finding(60, 50, "before its inspection")),
        item(2, inspection(50, WARD, InspectionStatus::InProgress)),
    ];
    let mut held = held();
    run(&mut held, &items);
    assert!(!held.mutations.contains_key(&Uuid::from_u128(1)));
    let retry = [items[0].clone()];
    assert_eq!(run(&mut held, &retry), vec![Verdict::Apply]);
}

#[test]
fn a_change_that_did_not_parse_is_refused_with_its_reason() {
    let bad = PushItem {
        mutation: Mutation {
            id: Uuid::from_u128(1),
            kind: "photo.teleport".to_owned(),
            data: json!({}),
        },
        change: Err("unknown kind \"photo.teleport\"".to_owned()),
    };
    let items = [bad];
    assert_eq!(
        run(&mut held(), &items),
        vec![reject(Refusal::Invalid(
            "unknown kind \"photo.teleport\"".to_owned()
        ))]
    );
}

#[test]
fn the_owner_of_an_inspection_stays_who_started_it() {
    let mut held = held();
    let starter = Uuid::from_u128(0x300);
    held.inspections.insert(
        Uuid::from_u128(50),
        HeldInspection {
            trust_id: TRUST,
            user_id: starter,
            status: InspectionStatus::InProgress,
        },
    );
    let items = [item(1, inspection(50, WARD, InspectionStatus::Submitted))];
    run(&mut held, &items);
    assert_eq!(held.inspections[&Uuid::from_u128(50)].user_id, starter);
}

#[test]
fn wanted_names_each_id_once() {
    let items = [
        item(1, inspection(50, WARD, InspectionStatus::InProgress)),
        item(2, finding(60, 50, "")),
        item(3, finding(60, 50, "again")),
        item(3, interview(70, 50)),
    ];
    let wanted = Wanted::of(&items);
    assert_eq!(wanted.mutations.len(), 3);
    assert_eq!(wanted.inspections, vec![Uuid::from_u128(50)]);
    assert_eq!(
        wanted.records,
        vec![Uuid::from_u128(60), Uuid::from_u128(70)]
    );
    assert_eq!(wanted.units, vec![WARD]);
}

fn catalogue() -> Catalogue {
    Catalogue::built_in().unwrap_or_else(|e| panic!("{e}"))
}

fn mutation(kind: &str, data: serde_json::Value) -> Mutation {
    Mutation {
        id: Uuid::from_u128(9),
        kind: kind.to_owned(),
        data,
    }
}

#[test]
fn check_refuses_what_no_state_could_make_valid() {
    let catalogue = catalogue();
    let Change::Finding(good) = finding(60, 50, "") else {
        unreachable!()
    };
    let good_json = serde_json::to_value(&good).unwrap_or_default();
    assert!(
        check(
            &catalogue,
            &mutation(kind::FINDING_RECORD, good_json.clone())
        )
        .is_ok()
    );
    let mut unknown_code = good_json.clone();
    unknown_code["item_code"] = json!("Z9.9");
    let mut long_note = good_json.clone();
    long_note["note"] = json!("x".repeat(MAX_NOTE_CHARS + 1));
    let mut many_photos = good_json.clone();
    many_photos["photo_ids"] = json!(vec![Uuid::nil(); MAX_PHOTOS_PER_FINDING + 1]);
    let refusals = [
        (
            kind::FINDING_RECORD,
            unknown_code,
            "unknown prompt or item code Z9.9",
        ),
        (
            kind::FINDING_RECORD,
            long_note,
            "notes are limited to 20000 characters",
        ),
        (
            kind::FINDING_RECORD,
            many_photos,
            "a finding may name at most 50 photos",
        ),
        (
            kind::FINDING_RECORD,
            json!({"id": 1}),
            "the data of finding.record is not valid",
        ),
        (
            "photo.teleport",
            good_json,
            "unknown kind \"photo.teleport\"",
        ),
    ];
    for (kind, data, why) in refusals {
        let got = check(&catalogue, &mutation(kind, data));
        assert!(
            matches!(&got, Err(reason) if reason.starts_with(why)),
            "{why}: {got:?}"
        );
    }
    let Change::Interview(mut blank) = interview(70, 50) else {
        unreachable!()
    };
    blank.note = "  ".to_owned();
    let data = serde_json::to_value(&blank).unwrap_or_default();
    assert_eq!(
        check(&catalogue, &mutation(kind::INTERVIEW_RECORD, data)),
        Err("an interview note needs some text".to_owned())
    );
    let Change::Inspection(mut elsewhere) = inspection(50, WARD, InspectionStatus::InProgress)
    else {
        unreachable!()
    };
    elsewhere.framework_id = "cqc-1999".to_owned();
    let data = serde_json::to_value(&elsewhere).unwrap_or_default();
    assert_eq!(
        check(&catalogue, &mutation(kind::INSPECTION_UPSERT, data)),
        Err("unknown framework cqc-1999".to_owned())
    );
}

/// A random change over a few inspections, records and mutation ids, so that repeats,
/// reused ids, moves and finishing all happen often.
fn any_item() -> impl Strategy<Value = PushItem> {
    let status = prop_oneof![
        3 => Just(InspectionStatus::InProgress),
        1 => Just(InspectionStatus::Submitted),
    ];
    let change = prop_oneof![
        (
            50u128..53,
            status,
            prop_oneof![Just(WARD), Just(OTHER_WARD)]
        )
            .prop_map(|(id, status, ward)| inspection(id, ward, status)),
        (60u128..64, 50u128..53, "[ab]").prop_map(|(id, of, note)| finding(id, of, &note)),
        (70u128..73, 50u128..53).prop_map(|(id, of)| interview(id, of)),
    ];
    (1u128..12, change).prop_map(|(id, change)| item(id, change))
}

/// What the rules say of one change, worked out from the reference model alone.
fn expected_verdict(
    item: &PushItem,
    change: &Change,
    applied: &HashMap<Uuid, &PushItem>,
    inspections: &HashMap<Uuid, InspectionStatus>,
    owner_of: &HashMap<Uuid, Uuid>,
) -> Verdict {
    if let Some(earlier) = applied.get(&item.mutation.id) {
        let same = earlier.mutation.kind == item.mutation.kind
            && earlier.mutation.data == item.mutation.data;
        return if same {
            Verdict::Duplicate
        } else {
            Verdict::Conflict
        };
    }
    let inspection = change.inspection_id().unwrap_or_default();
    let refusal = match (change, inspections.get(&inspection)) {
        (Change::Inspection(d), _) if d.unit_id != WARD => Some(Refusal::WardElsewhere),
        (_, Some(InspectionStatus::Submitted)) => Some(Refusal::Finished),
        (Change::Finding(_) | Change::Interview(_), None) => Some(Refusal::UnknownInspection),
        _ => match owner_of.get(&change.record_id()) {
            Some(owner) if *owner != inspection => Some(Refusal::RecordElsewhere),
            _ => None,
        },
    };
    refusal.map_or(Verdict::Apply, Verdict::Reject)
}

proptest! {
    #[test]
    /// Every verdict matches a reference model of the rules, and whatever it lets through never
    /// changes a finished inspection nor moves a record.
    fn no_push_changes_a_finished_inspection_or_moves_a_record(
        batches in prop::collection::vec(prop::collection::vec(any_item(), 1..12), 1..6)
    ) {
        // What a store would hold, kept by applying only what the judge let through.
        let mut inspections: HashMap<Uuid, InspectionStatus> = HashMap::new();
        let mut owner_of: HashMap<Uuid, Uuid> = HashMap::new();
        let mut applied: HashMap<Uuid, &PushItem> = HashMap::new();
        for batch in &batches {
            // Each push starts from what the store holds, read afresh.
            let mut held = held();
            for (id, earlier) in &applied {
                held.mutations.insert(*id, Earlier {
                    kind: Cow::Borrowed(&earlier.mutation.kind),
                    data: Cow::Borrowed(&earlier.mutation.data),
                    trust_id: TRUST,
                });
            }
            for (id, status) in &inspections {
                held.inspections.insert(*id, HeldInspection {
                    trust_id: TRUST, user_id: pusher().user_id, status: *status,
                });
            }
            held.records.extend(owner_of.iter().map(|(r, i)| (*r, *i)));
            for item in batch {
                let Ok(change) = &item.change else { continue };
                let expected = expected_verdict(item, change, &applied, &inspections, &owner_of);
                let verdict = judge(&mut held, &pusher(), item);
                prop_assert_eq!(&verdict, &expected);
                if verdict != Verdict::Apply {
                    continue;
                }
                let inspection = change.inspection_id().unwrap_or_default();
                prop_assert!(
                    inspections.get(&inspection) != Some(&InspectionStatus::Submitted),
                    "a change to finished inspection {inspection} was applied"
                );
                if let Some(owner) = owner_of.get(&change.record_id()) {
                    prop_assert_eq!(*owner, inspection, "a record moved");
                }
                match change {
                    Change::Inspection(d) => {
                        prop_assert_eq!(d.unit_id, WARD);
                        inspections.insert(d.id, d.status);
                    }
                    _ => {
                        owner_of.insert(change.record_id(), inspection);
                    }
                }
                prop_assert!(!applied.contains_key(&item.mutation.id), "a mutation id applied twice");
                applied.insert(item.mutation.id, item);
            }
        }
    }
}

fn at(year: i32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, second)
        .single()
        .unwrap_or_default()
}

#[test]
fn refusals_read_as_the_sentences_devices_show() {
    let result = Verdict::Reject(Refusal::Finished).result(Uuid::nil());
    assert_eq!(result.status, PushStatus::Rejected);
    assert_eq!(
        result.error.as_deref(),
        Some("the inspection has been finished and can no longer change")
    );
    let conflict = Verdict::Conflict.result(Uuid::nil());
    assert_eq!(conflict.status, PushStatus::Conflict);
    assert!(Verdict::Apply.result(Uuid::nil()).error.is_none());
}
