//! A level's cell opened on a real report: what lies beneath each level, and the sentences
//! that say how its rating was reached.
#![allow(clippy::unwrap_used)]

use uuid::Uuid;

use super::*;
use crate::pages::readiness::fixture::{filters, report};

fn level(report: &ReadinessReport, id: u128) -> LevelReadiness {
    let roll_up = &report.roll_up;
    roll_up
        .trusts
        .iter()
        .chain(&roll_up.sites)
        .chain(&roll_up.core_services)
        .find(|l| l.id == Uuid::from_u128(id))
        .cloned()
        .unwrap()
}

fn names(rows: &[BelowRow]) -> Vec<&str> {
    rows.iter().map(|r| r.name.as_str()).collect()
}

#[test]
fn each_level_opens_onto_the_level_beneath_it() {
    let report = report(1);
    let none = filters(&[]);
    let trust = beneath(&report, &level(&report, 1), "safe", &none);
    assert_eq!(names(&trust), ["Northfield General"]);
    assert!(
        trust[0].href.starts_with("/readiness/levels/"),
        "{}",
        trust[0].href
    );

    let site = beneath(&report, &level(&report, 100), "safe", &none);
    assert_eq!(names(&site), ["Service 1000", "Service 1001"]);

    let service = beneath(&report, &level(&report, 1000), "safe", &none);
    assert_eq!(names(&service), ["Ward 10", "Ward 11"]);
    assert!(
        service[0]
            .href
            .starts_with(&format!("/readiness/wards/{}", Uuid::from_u128(10)))
    );
    // A ward's row carries its confidence and its flags in words.
    assert!(
        service[0].notes[0].starts_with("confidence "),
        "{:?}",
        service[0].notes
    );
    assert!(
        service[0].notes.len() > 1,
        "ward 10 is flagged: {:?}",
        service[0].notes
    );
    assert_eq!(service[1].rating, Rating::NotRated);
    assert_eq!(service[1].score, None);
}

#[test]
fn an_overall_opens_onto_its_own_five_key_questions() {
    let report = report(1);
    let rows = beneath(&report, &level(&report, 1000), "overall", &filters(&[]));
    assert_eq!(
        names(&rows),
        ["Safe", "Effective", "Caring", "Responsive", "Well-led"]
    );
    assert!(rows[0].href.ends_with("kq=safe"), "{}", rows[0].href);
}

#[test]
fn a_drill_keeps_the_day_and_trust_on_every_link_beneath() {
    let report = report(1);
    let trust = Uuid::from_u128(1).to_string();
    let chosen = filters(&[("as_of", "2026-05-01"), ("trust", &trust)]);
    for row in beneath(&report, &level(&report, 100), "safe", &chosen) {
        assert!(row.href.contains("as_of=2026-05-01"), "{}", row.href);
        assert!(row.href.contains(&trust), "{}", row.href);
    }
}

#[test]
fn how_a_rating_was_reached_reads_as_a_sentence() {
    let report = report(3);
    let service = level(&report, 1001);
    let safe = level_cell(&service, "safe").unwrap();
    assert_eq!(safe.rated_below, 1);
    let words = basis_words(safe, "wards");
    assert!(
        words.starts_with("Aggregated from 1 rated ward by"),
        "{words}"
    );
    assert_eq!(
        score_words(safe)
            .as_deref()
            .map(|w| w.contains("mean score")),
        Some(true)
    );

    let trust = level(&report, 1);
    let well_led = level_cell(&trust, "well_led").unwrap();
    let words = basis_words(well_led, "sites");
    assert_eq!(
        words,
        "The trust has one site, so its Well-led is that site's."
    );
}

#[test]
fn trust_level_well_led_nobody_rated_says_so_rather_than_where_it_came_from() {
    let cell = LevelCell {
        code: "well_led".to_owned(),
        rating: Rating::NotRated,
        basis: Basis::TrustEvidence,
        enforcement: None,
        score: None,
        published: None,
        rated_below: 0,
        what_it_takes: None,
    };
    let words = basis_words(&cell, "sites");
    assert!(words.contains("nobody has rated"), "{words}");
    assert_eq!(score_words(&cell), None);
    let rated = LevelCell {
        rating: Rating::Good,
        score: Some(75.0),
        ..cell
    };
    assert_eq!(score_words(&rated).as_deref(), Some(" with a score of 75%"));
    assert!(basis_words(&rated, "sites").contains("trust-level self-assessment"));
}
