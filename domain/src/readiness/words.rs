//! The flags of a cell and what its confidence rests on, in plain English.

use super::rules::ReadinessRules;
use super::{Flag, FlagCode, Source, Sources};
use crate::rating::Rating;

fn source_name(source: Source) -> &'static str {
    match source {
        Source::SelfAssessment => "the self-assessment",
        Source::MiniInspection => "mini-inspections",
        Source::PeerReview => "the peer review",
    }
}

fn says(source: Source) -> &'static str {
    match source {
        Source::MiniInspection => "find",
        _ => "says",
    }
}

/// Each source's indicative rating, where it has a score.
fn ratings(rules: &ReadinessRules, sources: &Sources) -> Vec<(Source, Rating)> {
    sources
        .each()
        .iter()
        .filter_map(|(source, s)| Some((*source, rules.rating_of(s.score?))))
        .collect()
}

fn steps(a: Rating, b: Rating) -> u8 {
    a.points().zip(b.points()).map_or(0, |(a, b)| a.abs_diff(b))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The flags of a cell, in a fixed order.
pub(super) fn flags(
    rules: &ReadinessRules,
    sources: &Sources,
    findings: usize,
    newest_age: Option<i64>,
) -> Vec<Flag> {
    let mut flags = Vec::new();
    let rated = ratings(rules, sources);
    let best = rated.iter().max_by_key(|(_, r)| r.points());
    let worst = rated.iter().min_by_key(|(_, r)| r.points());
    if let (Some((hi_source, hi)), Some((lo_source, lo))) = (best, worst)
        && steps(*hi, *lo) >= 2
    {
        flags.push(Flag {
            code: FlagCode::SourcesDisagree,
            reason: format!(
                "The sources disagree: {} {} {}, {} {} {}.",
                source_name(*hi_source),
                says(*hi_source),
                hi.label(),
                source_name(*lo_source),
                says(*lo_source),
                lo.label()
            ),
        });
    }
    let own = rated.iter().find(|(s, _)| *s == Source::SelfAssessment);
    let others = rated
        .iter()
        .filter(|(s, _)| *s != Source::SelfAssessment)
        .min_by_key(|(_, r)| r.points());
    if let (Some((_, own)), Some((other_source, other))) = (own, others)
        && own.points() > other.points()
    {
        flags.push(Flag {
            code: FlagCode::SelfAssessmentOptimistic,
            reason: format!(
                "The self-assessment says {}, but {} {} {}.",
                own.label(),
                source_name(*other_source),
                says(*other_source),
                other.label()
            ),
        });
    }
    if let Some(age) = newest_age
        && age > i64::from(rules.half_life_days)
    {
        flags.push(Flag {
            code: FlagCode::Stale,
            reason: format!(
                "The newest evidence is {age} days old, older than {} days.",
                rules.half_life_days
            ),
        });
    }
    if findings > 0 && findings < rules.thin_evidence_findings {
        flags.push(Flag {
            code: FlagCode::ThinEvidence,
            reason: format!(
                "Only {}: at least {} are needed to judge.",
                plural(findings, "finding", "findings"),
                rules.thin_evidence_findings
            ),
        });
    }
    if findings == 0 {
        flags.push(Flag {
            code: FlagCode::NeverObserved,
            reason: "No mini-inspection, by the trust or a buddy reviewer, has looked at this yet."
                .to_owned(),
        });
    }
    flags
}

/// The flag of a score that rests only on evidence nobody at the buddy trust has verified.
pub(super) fn unverified() -> Flag {
    Flag {
        code: FlagCode::UnverifiedEvidence,
        reason: "Nobody from the buddy trust has verified the evidence behind this score yet."
            .to_owned(),
    }
}

/// The flag of a score resting partly on findings of an assessor whose paired-inspection
/// calibration agreed poorly.
pub(super) fn poorly_calibrated(doubtful: usize, findings: usize) -> Flag {
    Flag {
        code: FlagCode::PoorlyCalibrated,
        reason: format!(
            "{} of {findings} come from assessors whose calibration agreed poorly: they count for \
             less until their agreement improves.",
            plural(doubtful, "finding", "findings")
        ),
    }
}

/// "2 sources, 41 findings, newest 12 days old, sources agree".
pub(super) fn confidence_words(
    present: usize,
    findings: usize,
    newest_age: i64,
    spread: f64,
    rules: &ReadinessRules,
) -> String {
    let agreement = if present < 2 {
        "nothing to compare with"
    } else if spread < 12.5 {
        "sources agree"
    } else if spread < f64::from(rules.bands.outstanding - rules.bands.good) * 2.0 {
        "sources differ a little"
    } else {
        "sources disagree"
    };
    let age = match newest_age {
        0 => "newest from today".to_owned(),
        1 => "newest 1 day old".to_owned(),
        n => format!("newest {n} days old"),
    };
    format!(
        "{}, {}, {age}, {agreement}",
        plural(present, "source", "sources"),
        plural(findings, "finding", "findings")
    )
}
