//! A reference case with the exact bits its score and confidence must have: the native tests
//! and the wasm tests (`app/tests/readiness_in_browser.rs`) both check it, so any difference in
//! arithmetic between the server and the browser shows.

use chrono::{Duration, NaiveDate};

use super::rules::ReadinessRules;
use super::{Evidence, Kind, Readiness, Source, assess};

/// The score's bits for [`evidence`] as at [`AS_AT`] under the built-in rules.
pub const SCORE_BITS: u64 = 4634817263740222383;
/// The confidence's bits.
pub const CONFIDENCE_BITS: u64 = 4604119971053405471;

fn day(n: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default() + Duration::days(n)
}

/// The day the reference case is assessed as at.
pub fn as_at() -> NaiveDate {
    day(300)
}

/// Findings of different ages from two sources, and a self-assessment.
pub fn evidence() -> Vec<Evidence> {
    let item = |source, kind, points, ago: i64| Evidence {
        source,
        kind,
        subject: "S1".to_owned(),
        points,
        on: day(300 - ago),
        recorded_on: day(300 - ago),
        count: 1,
        verdict: crate::review::Verdict::Unreviewed,
        doubtful: false,
    };
    vec![
        item(Source::MiniInspection, Kind::Finding, 3, 17),
        item(Source::MiniInspection, Kind::Finding, 2, 101),
        item(Source::MiniInspection, Kind::Finding, 1, 240),
        item(Source::PeerReview, Kind::Finding, 3, 33),
        item(Source::SelfAssessment, Kind::Rating, 4, 5),
    ]
}

/// The reference case assessed here, and whether its bits are the reference bits.
pub fn check(rules: &ReadinessRules) -> (Readiness, bool) {
    let r = assess(rules, &evidence(), as_at());
    let same =
        r.score.map(f64::to_bits) == Some(SCORE_BITS) && r.confidence.to_bits() == CONFIDENCE_BITS;
    (r, same)
}
