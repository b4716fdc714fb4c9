//! The rules for ratings: self-assessment by the trust's own staff of its own wards, peer
//! review by a buddy reviewer under a current grant, corrections only by the author, and
//! what a rating must say.

use chrono::NaiveDate;
use serde_json::json;
use uuid::Uuid;

use super::*;
use crate::Role;
use crate::assessment::{AssessmentData, AssessmentSource};
use crate::rating::Rating;
use crate::sync::Mutation;

const TRUST: Uuid = Uuid::from_u128(0x1);
const OTHER_TRUST: Uuid = Uuid::from_u128(0x2);
const WARD: Uuid = Uuid::from_u128(0x10);
const OTHER_WARD: Uuid = Uuid::from_u128(0x11);

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, d).unwrap_or_default()
}

fn pusher(role: Role) -> Pusher {
    Pusher {
        user_id: Uuid::from_u128(0x100),
        trust_id: TRUST,
        device_id: Uuid::from_u128(0x200),
        role,
        today: day(15),
    }
}

fn held() -> Held<'static> {
    let mut held = Held::default();
    held.units.insert(WARD, TRUST);
    held.units.insert(OTHER_WARD, OTHER_TRUST);
    held
}

fn rating(unit: Uuid) -> AssessmentData {
    AssessmentData {
        id: Uuid::from_u128(0x900),
        unit_id: Some(unit),
        trust_id: None,
        item_code: "S1".into(),
        rating: Rating::Good,
        justification: "Safeguarding training at 96%; audits clean".to_owned(),
        evidence_date: day(10),
    }
}

fn item(source: AssessmentSource, a: AssessmentData) -> PushItem {
    PushItem {
        mutation: Mutation {
            id: Uuid::now_v7(),
            kind: source.kind().to_owned(),
            data: serde_json::to_value(&a).unwrap_or_default(),
        },
        change: Ok(Change::Assessment(source, a)),
    }
}

/// Judges one rating against a copy of `held`.
fn verdict(
    held: &Held<'static>,
    who: &Pusher,
    source: AssessmentSource,
    a: AssessmentData,
) -> Verdict {
    let item = item(source, a);
    let mut held: Held<'_> = held.clone();
    judge(&mut held, who, &item)
}

#[test]
fn inspectors_and_admins_self_assess_their_own_trusts_wards_only() {
    for role in [Role::WardInspector, Role::TrustAdmin] {
        let who = pusher(role);
        let held = held();
        let own = verdict(&held, &who, AssessmentSource::SelfAssessment, rating(WARD));
        assert_eq!(own, Verdict::Apply);
        let other = AssessmentData {
            id: Uuid::from_u128(0x901),
            ..rating(OTHER_WARD)
        };
        let elsewhere = verdict(&held, &who, AssessmentSource::SelfAssessment, other);
        assert_eq!(elsewhere, Verdict::Reject(Refusal::WardElsewhere));
    }
}

#[test]
fn a_reviewer_may_not_self_assess_nor_an_inspector_peer_review() {
    let reviewer = pusher(Role::BuddyReviewer);
    let v = verdict(
        &held(),
        &reviewer,
        AssessmentSource::SelfAssessment,
        rating(WARD),
    );
    assert!(matches!(v, Verdict::Reject(Refusal::Role(_))), "{v:?}");
    let inspector = pusher(Role::WardInspector);
    let v = verdict(
        &held(),
        &inspector,
        AssessmentSource::PeerReview,
        rating(OTHER_WARD),
    );
    assert!(matches!(v, Verdict::Reject(Refusal::Role(_))), "{v:?}");
}

fn inspection_item(id: u128, unit: Uuid) -> PushItem {
    let data = crate::inspection::InspectionData {
        id: Uuid::from_u128(id),
        unit_id: unit,
        framework_id: "cqc-kloe-2017".to_owned(),
        template_id: None,
        template_version: None,
        started_at: chrono::DateTime::default(),
        status: crate::inspection::InspectionStatus::InProgress,
    };
    PushItem {
        mutation: Mutation {
            id: Uuid::now_v7(),
            kind: "inspection.upsert".to_owned(),
            data: json!({}),
        },
        change: Ok(Change::Inspection(data)),
    }
}

fn finding_item(inspection: u128) -> PushItem {
    let data = crate::inspection::FindingData {
        id: Uuid::now_v7(),
        inspection_id: Uuid::from_u128(inspection),
        item_code: "S1.1".into(),
        response: Some(crate::inspection::Response::Met),
        note: String::new(),
        photo_ids: Vec::new(),
        observed_at: chrono::DateTime::default(),
    };
    PushItem {
        mutation: Mutation {
            id: Uuid::now_v7(),
            kind: "finding.record".to_owned(),
            data: json!({}),
        },
        change: Ok(Change::Finding(data)),
    }
}

#[test]
fn a_reviewer_inspects_a_granted_trusts_ward_as_that_trusts_inspection() {
    let reviewer = pusher(Role::BuddyReviewer);
    let mut current = held();
    current.grants = vec![(OTHER_TRUST, day(1), day(30))];
    let start = inspection_item(0x500, OTHER_WARD);
    assert_eq!(judge(&mut current, &reviewer, &start), Verdict::Apply);
    assert_eq!(
        current.inspections[&Uuid::from_u128(0x500)].trust_id,
        OTHER_TRUST,
        "the reviewed trust's inspection"
    );
    let finding = finding_item(0x500);
    assert_eq!(judge(&mut current, &reviewer, &finding), Verdict::Apply);
    // The reviewed trust's own inspector cannot write into it.
    let theirs = Pusher {
        user_id: Uuid::from_u128(0x101),
        trust_id: OTHER_TRUST,
        ..pusher(Role::WardInspector)
    };
    let v = judge(&mut current.clone(), &theirs, &finding_item(0x500));
    assert_eq!(v, Verdict::Reject(Refusal::NotYours));
    // Nor can the reviewer move it to a ward of another trust.
    let moved = inspection_item(0x500, WARD);
    let v = judge(&mut current.clone(), &reviewer, &moved);
    assert!(matches!(v, Verdict::Reject(_)), "{v:?}");
}

#[test]
fn a_reviewers_inspection_needs_a_current_grant_and_never_their_own_trust() {
    let reviewer = pusher(Role::BuddyReviewer);
    // Their own trust's ward: never independent.
    let v = judge(&mut held(), &reviewer, &inspection_item(0x500, WARD));
    assert!(matches!(v, Verdict::Reject(Refusal::Role(_))), "{v:?}");
    // No grant at all.
    let v = judge(&mut held(), &reviewer, &inspection_item(0x500, OTHER_WARD));
    assert_eq!(v, Verdict::Reject(Refusal::NoGrant(GrantState::None)));
    // A grant that ended: the inspection begun under it takes nothing more, and says when.
    let mut ended = held();
    ended.grants = vec![(OTHER_TRUST, day(1), day(10))];
    ended.inspections.insert(
        Uuid::from_u128(0x500),
        HeldInspection {
            trust_id: OTHER_TRUST,
            user_id: reviewer.user_id,
            status: crate::inspection::InspectionStatus::InProgress,
        },
    );
    let v = judge(&mut ended.clone(), &reviewer, &finding_item(0x500));
    assert_eq!(
        v,
        Verdict::Reject(Refusal::NoGrant(GrantState::Ended(day(10))))
    );
    assert!(
        v.result(Uuid::nil())
            .error
            .unwrap_or_default()
            .contains("10 June 2026")
    );
}

#[test]
fn a_board_member_pushes_no_inspections() {
    let board = pusher(Role::BoardViewer);
    let v = judge(&mut held(), &board, &inspection_item(0x500, WARD));
    assert!(matches!(v, Verdict::Reject(Refusal::Role(_))), "{v:?}");
}

#[test]
fn a_peer_review_needs_a_grant_covering_today_and_says_when_it_ended() {
    let reviewer = pusher(Role::BuddyReviewer);
    let mut current = held();
    current.grants = vec![(OTHER_TRUST, day(1), day(30))];
    let v = verdict(
        &current,
        &reviewer,
        AssessmentSource::PeerReview,
        rating(OTHER_WARD),
    );
    assert_eq!(v, Verdict::Apply);

    let mut ended = held();
    ended.grants = vec![
        (OTHER_TRUST, day(1), day(5)),
        (OTHER_TRUST, day(6), day(14)),
    ];
    let v = verdict(
        &ended,
        &reviewer,
        AssessmentSource::PeerReview,
        rating(OTHER_WARD),
    );
    assert_eq!(
        v,
        Verdict::Reject(Refusal::NoGrant(GrantState::Ended(day(14))))
    );
    assert_eq!(
        v.result(Uuid::nil()).error.as_deref(),
        Some("your review grant for this trust ended on 14 June 2026: ask the trust for a new one")
    );

    let mut later = held();
    later.grants = vec![(OTHER_TRUST, day(20), day(30))];
    let v = verdict(
        &later,
        &reviewer,
        AssessmentSource::PeerReview,
        rating(OTHER_WARD),
    );
    assert_eq!(
        v,
        Verdict::Reject(Refusal::NoGrant(GrantState::Starts(day(20))))
    );

    let v = verdict(
        &held(),
        &reviewer,
        AssessmentSource::PeerReview,
        rating(OTHER_WARD),
    );
    assert_eq!(v, Verdict::Reject(Refusal::NoGrant(GrantState::None)));
    // Of the reviewer's own trust, a rating is never independent.
    let mut own = held();
    own.grants = vec![(TRUST, day(1), day(30))];
    let v = verdict(&own, &reviewer, AssessmentSource::PeerReview, rating(WARD));
    assert!(matches!(v, Verdict::Reject(Refusal::Role(_))), "{v:?}");
}

#[test]
fn only_the_author_corrects_a_rating_and_evidence_is_not_from_the_future() {
    let mut held = held();
    held.assessments.insert(
        Uuid::from_u128(0x900),
        HeldAssessment {
            source: AssessmentSource::SelfAssessment,
            user_id: Uuid::from_u128(0x101),
        },
    );
    let who = pusher(Role::WardInspector);
    let v = verdict(&held, &who, AssessmentSource::SelfAssessment, rating(WARD));
    assert_eq!(v, Verdict::Reject(Refusal::RatingNotYours));
    let future = AssessmentData {
        id: Uuid::from_u128(0x902),
        evidence_date: day(16),
        ..rating(WARD)
    };
    let v = verdict(&held, &who, AssessmentSource::SelfAssessment, future);
    assert_eq!(v, Verdict::Reject(Refusal::EvidenceInFuture));
}

#[test]
fn a_rating_names_an_item_a_rating_and_a_reason_and_only_well_led_rates_the_trust() {
    let catalogue = crate::Catalogue::built_in().unwrap_or_else(|e| panic!("{e}"));
    let check_of = |data: serde_json::Value| {
        let m = Mutation {
            id: Uuid::now_v7(),
            kind: "self_assessment.record".to_owned(),
            data,
        };
        check(&catalogue, &m)
    };
    let good = json!({"id": Uuid::now_v7(), "unit_id": WARD, "item_code": "QS-S1", "rating": "good",
        "justification": "ok", "evidence_date": "2026-06-01"});
    assert!(check_of(good.clone()).is_ok());
    let mut prompt = good.clone();
    prompt["item_code"] = json!("S1.1");
    assert!(check_of(prompt).is_err_and(|e| e.contains("unknown KLOE")));
    let mut unrated = good.clone();
    unrated["rating"] = json!("not_rated");
    assert!(check_of(unrated).is_err());
    let mut blank = good.clone();
    blank["justification"] = json!("  ");
    assert!(check_of(blank).is_err_and(|e| e.contains("justification")));
    let mut trust_safe = good.clone();
    trust_safe["unit_id"] = json!(null);
    trust_safe["trust_id"] = json!(TRUST);
    assert!(check_of(trust_safe.clone()).is_err_and(|e| e.contains("Well-led")));
    trust_safe["item_code"] = json!("W1");
    assert!(check_of(trust_safe.clone()).is_ok());
    trust_safe.as_object_mut().map(|o| o.remove("trust_id"));
    assert!(check_of(trust_safe).is_err_and(|e| e.contains("trust_id")));
}

#[test]
fn the_judge_accepts_exactly_the_source_pages_offer_each_role() {
    let mut granted = held();
    granted.grants = vec![(OTHER_TRUST, day(1), day(30))];
    for role in Role::ALL {
        let who = pusher(role);
        for (ward, own) in [(WARD, true), (OTHER_WARD, false)] {
            for source in [
                AssessmentSource::SelfAssessment,
                AssessmentSource::PeerReview,
            ] {
                let v = verdict(&granted, &who, source, rating(ward));
                let offered = AssessmentSource::of_rater(role, own) == Some(source);
                assert_eq!(
                    v == Verdict::Apply,
                    offered,
                    "{role:?} rating {} ward as {source:?}: {v:?}",
                    if own { "own" } else { "other" }
                );
            }
        }
    }
}
