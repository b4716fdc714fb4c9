//! The roll-up case by case: wards into core services, sites and the trust, a notice's limit,
//! and where the trust's Well-led comes from.
#![allow(clippy::unwrap_used)]

use uuid::Uuid;

use super::*;
use crate::api::NamedRef;
use crate::rating::Rating::{self, *};
use crate::readiness::ward::{Cell, Overall, WardReadiness};
use crate::readiness::{Readiness, SourceScore, Sources};

const KQS: [&str; 5] = ["safe", "effective", "caring", "responsive", "well_led"];

fn named(n: u128, name: &str) -> NamedRef {
    NamedRef {
        id: Uuid::from_u128(n),
        name: name.to_owned(),
    }
}

fn readiness(rating: Rating) -> Readiness {
    let none = SourceScore {
        score: None,
        count: 0,
        newest: None,
    };
    Readiness {
        score: rating.points().map(|p| f64::from(p) * 25.0),
        rating,
        confidence: 0.5,
        confidence_words: String::new(),
        sources: Sources {
            self_assessment: none,
            mini_inspection: none,
            peer_review: none,
        },
        findings: 0,
        flags: Vec::new(),
    }
}

/// A ward of trust 1 at site `site`, core service `service`, rated `ratings` per key question.
fn ward(n: u128, site: u128, service: u128, ratings: [Rating; 5]) -> UnitReadiness {
    UnitReadiness {
        unit_id: Uuid::from_u128(n),
        unit_name: format!("Ward {n}"),
        site: named(site, &format!("Site {site}")),
        core_service: named(service, &format!("Service {service}")),
        trust: named(1, "Trust"),
        readiness: WardReadiness {
            key_questions: KQS
                .iter()
                .zip(ratings)
                .map(|(code, r)| Cell {
                    code: (*code).to_owned(),
                    readiness: readiness(r),
                })
                .collect(),
            items: Vec::new(),
            overall: Overall {
                readiness: readiness(NotRated),
                rule: Rule::NothingRated,
            },
        },
    }
}

fn bands() -> crate::readiness::rules::Bands {
    crate::readiness::rules::ReadinessRules::built_in()
        .unwrap()
        .bands
}

fn titles() -> Vec<(String, String)> {
    KQS.iter()
        .map(|k| ((*k).to_owned(), k.to_uppercase()))
        .collect()
}

fn principles() -> Principles {
    Principles::built_in().unwrap()
}

fn cell<'a>(level: &'a LevelReadiness, code: &str) -> &'a LevelCell {
    level.key_questions.iter().find(|c| c.code == code).unwrap()
}

#[test]
fn each_level_aggregates_the_same_key_question_below_and_its_own_five_for_overall() {
    let wards = [
        ward(10, 100, 1000, [Good, Good, Good, Good, Good]),
        ward(11, 100, 1000, [RequiresImprovement, Good, Good, Good, Good]),
        ward(12, 100, 1001, [Good, Outstanding, Good, Good, Good]),
    ];
    let up = roll_up(&principles(), &bands(), &titles(), &wards, &[], &[], &[]);
    assert_eq!(up.core_services.len(), 2);
    let first = &up.core_services[0];
    assert_eq!(first.parent, Some(Uuid::from_u128(100)));
    // Two ratings below: X = 1, so one Requires improvement decides.
    assert_eq!(cell(first, "safe").rating, RequiresImprovement);
    assert_eq!(
        cell(first, "safe").basis,
        Basis::Aggregated(Rule::RequiresImprovementThreshold)
    );
    assert_eq!(cell(first, "safe").rated_below, 2);
    // Its overall weighs five key questions (X = 2): one Requires improvement leaves it Good.
    assert_eq!(first.overall.rating, Good);
    assert_eq!(first.overall.basis, Basis::Aggregated(Rule::Good));
    assert_eq!(up.sites.len(), 1);
    assert_eq!(cell(&up.sites[0], "safe").rating, RequiresImprovement);
    assert_eq!(cell(&up.sites[0], "effective").rating, Outstanding);
    assert_eq!(up.trusts.len(), 1);
    assert_eq!(up.trusts[0].id, Uuid::from_u128(1));
}

#[test]
fn a_notice_limits_its_core_services_key_question_even_without_evidence() {
    let wards = [ward(10, 100, 1000, [Good, Good, NotRated, Good, Good])];
    let notices = [
        Notice {
            core_service_id: Uuid::from_u128(1000),
            key_question: "safe".to_owned(),
            enforcement: Enforcement::WarningNotice,
        },
        Notice {
            core_service_id: Uuid::from_u128(1000),
            key_question: "caring".to_owned(),
            enforcement: Enforcement::RequirementNotice,
        },
    ];
    let up = roll_up(
        &principles(),
        &bands(),
        &titles(),
        &wards,
        &notices,
        &[],
        &[],
    );
    let service = &up.core_services[0];
    assert_eq!(cell(service, "safe").rating, Inadequate);
    assert_eq!(
        cell(service, "safe").enforcement,
        Some(Enforcement::WarningNotice)
    );
    assert_eq!(cell(service, "caring").rating, RequiresImprovement);
    assert_eq!(cell(&up.sites[0], "safe").rating, Inadequate);
}

#[test]
fn the_trusts_well_led_comes_from_its_own_ratings_or_its_only_site() {
    let one_site = [ward(10, 100, 1000, [Good, Good, Good, Good, Inadequate])];
    let up = roll_up(&principles(), &bands(), &titles(), &one_site, &[], &[], &[]);
    assert_eq!(cell(&up.trusts[0], "well_led").rating, Inadequate);
    assert_eq!(cell(&up.trusts[0], "well_led").basis, Basis::OnlySite);

    let own = TrustWellLed {
        trust_id: Uuid::from_u128(1),
        readiness: readiness(Good),
    };
    let up = roll_up(
        &principles(),
        &bands(),
        &titles(),
        &one_site,
        &[],
        &[],
        std::slice::from_ref(&own),
    );
    assert_eq!(cell(&up.trusts[0], "well_led").rating, Good);
    assert_eq!(cell(&up.trusts[0], "well_led").basis, Basis::TrustEvidence);

    let two_sites = [
        ward(10, 100, 1000, [Good, Good, Good, Good, Inadequate]),
        ward(11, 101, 1001, [Good, Good, Good, Good, Inadequate]),
    ];
    let up = roll_up(
        &principles(),
        &bands(),
        &titles(),
        &two_sites,
        &[],
        &[],
        &[],
    );
    assert_eq!(cell(&up.trusts[0], "well_led").rating, NotRated);
    // Safe, by contrast, is aggregated from both sites.
    assert_eq!(cell(&up.trusts[0], "safe").rating, Good);
    assert_eq!(cell(&up.trusts[0], "safe").rated_below, 2);
}

#[test]
fn a_published_rating_stands_beside_and_carries_forward_where_nothing_was_observed() {
    let wards = [ward(10, 100, 1000, [Good, NotRated, Good, Good, Good])];
    let day = chrono::NaiveDate::from_ymd_opt(2025, 3, 4).unwrap();
    let published = |code: &str, rating| PublishedRating {
        core_service_id: Uuid::from_u128(1000),
        key_question: code.to_owned(),
        rating,
        report_date: day,
    };
    let list = [
        published("safe", RequiresImprovement),
        published("effective", Inadequate),
    ];
    let up = roll_up(&principles(), &bands(), &titles(), &wards, &[], &list, &[]);
    let service = &up.core_services[0];
    // Observed since: the indicative rating stands, the published one beside it.
    assert_eq!(cell(service, "safe").rating, Good);
    assert_eq!(
        cell(service, "safe").published,
        Some((RequiresImprovement, day))
    );
    // Not observed: the published rating carries forward, dated.
    assert_eq!(cell(service, "effective").rating, Inadequate);
    assert_eq!(cell(service, "effective").basis, Basis::Published(day));
}

#[test]
fn each_aggregate_says_what_it_would_take_to_rise() {
    let wards = [
        ward(10, 100, 1000, [Good, Good, Good, Good, Good]),
        ward(11, 100, 1000, [RequiresImprovement, Good, Good, Good, Good]),
    ];
    let notices = [Notice {
        core_service_id: Uuid::from_u128(1000),
        key_question: "caring".to_owned(),
        enforcement: Enforcement::WarningNotice,
    }];
    let up = roll_up(
        &principles(),
        &bands(),
        &titles(),
        &wards,
        &notices,
        &[],
        &[],
    );
    let service = &up.core_services[0];
    let safe = cell(service, "safe").what_it_takes.clone().unwrap();
    assert_eq!(
        safe.sentence("Safe at Service 1000"),
        "Safe at Service 1000 would be Good if Ward 11 reached Good."
    );
    let caring = cell(service, "caring").what_it_takes.clone().unwrap();
    assert!(
        matches!(caring, WhatItTakes::LiftNotice { target: Good, .. }),
        "{caring:?}"
    );
    assert!(up.trusts[0].overall.what_it_takes.is_some());
}
