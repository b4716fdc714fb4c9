//! The readiness engine: worked cases, the flags, and its properties (proptest).

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::review::Verdict;

fn rules() -> ReadinessRules {
    ReadinessRules::built_in().unwrap_or_else(|e| panic!("{e}"))
}

fn day(n: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default() + chrono::Duration::days(n)
}

fn finding(source: Source, points: u8, on: i64) -> Evidence {
    Evidence {
        source,
        kind: Kind::Finding,
        subject: "S1".to_owned(),
        points,
        on: day(on),
        recorded_on: day(on),
        count: 1,
        verdict: Verdict::Unreviewed,
        doubtful: false,
    }
}

fn rating(source: Source, points: u8, on: i64) -> Evidence {
    Evidence {
        kind: Kind::Rating,
        ..finding(source, points, on)
    }
}

const AS_AT: i64 = 300;

fn codes(r: &Readiness) -> Vec<FlagCode> {
    r.flags.iter().map(|f| f.code).collect()
}

#[test]
fn no_evidence_is_not_rated_with_no_confidence() {
    let r = assess(&rules(), &[], day(AS_AT));
    assert_eq!(
        (r.score, r.rating, r.confidence),
        (None, Rating::NotRated, 0.0)
    );
    assert_eq!(r.confidence_words, "No evidence yet");
    assert_eq!(codes(&r), [FlagCode::NeverObserved]);
}

#[test]
fn meeting_every_prompt_is_good_not_outstanding() {
    let all_met: Vec<Evidence> = (0..10)
        .map(|i| finding(Source::MiniInspection, 3, AS_AT - i))
        .collect();
    let r = assess(&rules(), &all_met, day(AS_AT));
    assert_eq!(r.score, Some(75.0));
    assert_eq!(r.rating, Rating::Good);
    assert_eq!(r.sources.mini_inspection.count, 10);
    assert_eq!(r.sources.mini_inspection.newest, Some(day(AS_AT)));
    assert_eq!(codes(&r), [FlagCode::UnverifiedEvidence], "{:?}", r.flags);
    // Only an outstanding rating can lift it above Good.
    let mut lifted = all_met.clone();
    lifted.push(rating(Source::PeerReview, 4, AS_AT));
    let r = assess(&rules(), &lifted, day(AS_AT));
    assert!(
        r.score.is_some_and(|s| s > 75.0 && s < 100.0),
        "{:?}",
        r.score
    );
}

#[test]
fn evidence_counts_only_once_recorded_and_dated_by_the_day() {
    let late = Evidence {
        recorded_on: day(AS_AT + 1),
        ..finding(Source::MiniInspection, 1, AS_AT)
    };
    let r = assess(
        &rules(),
        &[finding(Source::MiniInspection, 3, AS_AT), late.clone()],
        day(AS_AT),
    );
    assert_eq!(r.findings, 1);
    let r = assess(&rules(), &[late], day(AS_AT + 1));
    assert_eq!(r.score, Some(25.0));
    assert_eq!(r.rating, Rating::Inadequate);
}

#[test]
fn the_newest_rating_of_a_source_and_subject_counts() {
    let sa = [
        rating(Source::SelfAssessment, 4, AS_AT - 50),
        rating(Source::SelfAssessment, 2, AS_AT - 10),
    ];
    let r = assess(&rules(), &sa, day(AS_AT));
    assert_eq!(r.sources.self_assessment.count, 1);
    assert_eq!(r.sources.self_assessment.score, Some(50.0));
    // As at a day before the second, the first counts.
    let r = assess(&rules(), &sa, day(AS_AT - 20));
    assert_eq!(r.sources.self_assessment.score, Some(100.0));
}

#[test]
fn the_flags_say_why_in_words() {
    let mut evidence: Vec<Evidence> = (0..3)
        .map(|i| finding(Source::MiniInspection, 1, AS_AT - i))
        .collect();
    evidence.push(rating(Source::SelfAssessment, 4, AS_AT));
    let r = assess(&rules(), &evidence, day(AS_AT));
    assert_eq!(
        codes(&r),
        [
            FlagCode::SourcesDisagree,
            FlagCode::SelfAssessmentOptimistic,
            FlagCode::ThinEvidence,
            FlagCode::UnverifiedEvidence
        ]
    );
    assert_eq!(
        r.flags[0].reason,
        "The sources disagree: the self-assessment says Outstanding, mini-inspections find Inadequate."
    );
    assert_eq!(
        r.flags[1].reason,
        "The self-assessment says Outstanding, but mini-inspections find Inadequate."
    );
    assert_eq!(
        r.flags[2].reason,
        "Only 3 findings: at least 5 are needed to judge."
    );
    assert_eq!(
        r.confidence_words,
        "2 sources, 3 findings, newest from today, sources disagree"
    );
    let old = assess(
        &rules(),
        &[finding(Source::MiniInspection, 3, 0)],
        day(AS_AT),
    );
    assert!(codes(&old).contains(&FlagCode::Stale));
    assert!(
        old.flags
            .iter()
            .any(|f| f.reason == "The newest evidence is 300 days old, older than 180 days.")
    );
}

#[test]
fn the_same_inputs_give_the_same_bits() {
    // The wasm client checks the same case (app/tests): any platform difference shows.
    let (r, same) = reference::check(&rules());
    assert!(same, "score {:?}, confidence {}", r.score, r.confidence);
}

fn points() -> impl Strategy<Value = u8> {
    1u8..=3
}

fn findings_strategy() -> impl Strategy<Value = Vec<(u8, i64)>> {
    proptest::collection::vec((points(), 0i64..AS_AT), 0..40)
}

fn mini(list: &[(u8, i64)]) -> Vec<Evidence> {
    list.iter()
        .map(|(p, on)| finding(Source::MiniInspection, *p, *on))
        .collect()
}

proptest! {
    #[test]
    fn a_met_finding_never_lowers_and_a_not_met_never_raises_the_mini_inspection_score(
        list in findings_strategy(), on in 0i64..AS_AT,
    ) {
        let before = assess(&rules(), &mini(&list), day(AS_AT)).sources.mini_inspection.score;
        let mut met = mini(&list);
        met.push(finding(Source::MiniInspection, 3, on));
        let with_met = assess(&rules(), &met, day(AS_AT)).sources.mini_inspection.score;
        let mut not_met = mini(&list);
        not_met.push(finding(Source::MiniInspection, 1, on));
        let with_not_met = assess(&rules(), &not_met, day(AS_AT)).sources.mini_inspection.score;
        if let Some(before) = before {
            prop_assert!(with_met.unwrap_or_default() >= before);
            prop_assert!(with_not_met.unwrap_or_default() <= before);
        }
    }

    #[test]
    fn older_evidence_never_weighs_more_than_the_same_evidence_newer(
        a in 0i64..5000, b in 0i64..5000, half_life in 1u32..1000,
    ) {
        let (newer, older) = (a.min(b), a.max(b));
        prop_assert!(decay::weight(older, half_life) <= decay::weight(newer, half_life));
    }

    #[test]
    fn an_old_not_met_weighs_less_the_older_it_is(
        list in findings_strategy(), on in 0i64..AS_AT, earlier in 1i64..200,
    ) {
        let mut recent = mini(&list);
        recent.push(finding(Source::MiniInspection, 1, on));
        let mut older = mini(&list);
        older.push(finding(Source::MiniInspection, 1, on - earlier));
        let recent = assess(&rules(), &recent, day(AS_AT)).sources.mini_inspection.score;
        let older = assess(&rules(), &older, day(AS_AT)).sources.mini_inspection.score;
        prop_assert!(older.unwrap_or_default() >= recent.unwrap_or_default());
    }

    #[test]
    fn agreement_between_sources_never_lowers_confidence(
        list in proptest::collection::vec((points(), 0i64..AS_AT), 1..40),
        near in 1u8..=4, far in 1u8..=4,
    ) {
        let observed = assess(&rules(), &mini(&list), day(AS_AT)).sources.mini_inspection.score.unwrap_or_default();
        let distance = |p: u8| (f64::from(p) * 25.0 - observed).abs();
        prop_assume!(distance(near) <= distance(far));
        let with = |p: u8| {
            let mut e = mini(&list);
            e.push(rating(Source::SelfAssessment, p, AS_AT));
            assess(&rules(), &e, day(AS_AT)).confidence
        };
        prop_assert!(with(near) >= with(far));
    }

    #[test]
    fn alike_findings_grouped_count_as_each_one(
        list in proptest::collection::vec((points(), 0i64..AS_AT, 1u32..5), 1..20),
    ) {
        let each: Vec<Evidence> = list
            .iter()
            .flat_map(|(p, on, n)| (0..*n).map(move |_| finding(Source::MiniInspection, *p, *on)))
            .collect();
        let grouped: Vec<Evidence> = list
            .iter()
            .map(|(p, on, n)| Evidence { count: *n, ..finding(Source::MiniInspection, *p, *on) })
            .collect();
        let (a, b) = (assess(&rules(), &each, day(AS_AT)), assess(&rules(), &grouped, day(AS_AT)));
        prop_assert_eq!(a.findings, b.findings);
        prop_assert_eq!(a.confidence.to_bits(), b.confidence.to_bits());
        prop_assert_eq!(
            a.score.map(f64::to_bits),
            b.score.map(f64::to_bits)
        );
    }
}

#[test]
fn verified_evidence_weighs_more_and_doubted_evidence_waits_outside() {
    let rules = rules();
    let good = Evidence {
        verdict: Verdict::Verified,
        ..finding(Source::MiniInspection, 3, AS_AT)
    };
    let poor = finding(Source::MiniInspection, 1, AS_AT);
    // Unreviewed alike: (3 + 1) / 2 = 2 points = 50%. Verified counts twice: (6 + 1) / 3.
    let plain = assess(
        &rules,
        &[finding(Source::MiniInspection, 3, AS_AT), poor.clone()],
        day(AS_AT),
    );
    assert_eq!(plain.score, Some(50.0));
    assert!(codes(&plain).contains(&FlagCode::UnverifiedEvidence));
    let weighed = assess(&rules, &[good.clone(), poor.clone()], day(AS_AT));
    assert_eq!(weighed.score, Some(7.0 / 3.0 * 25.0));
    assert!(!codes(&weighed).contains(&FlagCode::UnverifiedEvidence));
    for doubt in [Verdict::Challenged, Verdict::Insufficient] {
        let doubted = Evidence {
            verdict: doubt,
            ..poor.clone()
        };
        let r = assess(&rules, &[good.clone(), doubted], day(AS_AT));
        assert_eq!(r.score, Some(75.0), "{doubt:?} is left out");
        assert_eq!(r.findings, 1);
    }
    // With only doubted evidence there is no score, and so nothing rests on unverified evidence.
    let only = Evidence {
        verdict: Verdict::Challenged,
        ..poor
    };
    let r = assess(&rules, &[only], day(AS_AT));
    assert_eq!(r.score, None);
    assert!(!codes(&r).contains(&FlagCode::UnverifiedEvidence));
}

#[test]
fn a_poorly_calibrated_assessors_findings_weigh_less_and_earn_less_confidence() {
    let rules = rules();
    assert_eq!(rules.poorly_calibrated_percent, 50);
    let ten = |points| Evidence {
        count: 10,
        ..finding(Source::MiniInspection, points, AS_AT)
    };
    let (met, not_met) = (ten(3), ten(1));
    let doubtful = |e: &Evidence| Evidence {
        doubtful: true,
        ..e.clone()
    };
    // Alike: (3 + 1) / 2 = 2 points = 50%. The not met findings at half: (3 + 0.5) / 1.5.
    let plain = assess(&rules, &[met.clone(), not_met.clone()], day(AS_AT));
    let halved = assess(&rules, &[met.clone(), doubtful(&not_met)], day(AS_AT));
    assert_eq!(plain.score, Some(50.0));
    assert_eq!(halved.score, Some(3.5 / 1.5 * 25.0));
    assert!(halved.confidence < plain.confidence, "{halved:?}");
    assert!(!codes(&plain).contains(&FlagCode::PoorlyCalibrated));
    let flag = halved
        .flags
        .iter()
        .find(|f| f.code == FlagCode::PoorlyCalibrated)
        .unwrap_or_else(|| panic!("{:?}", halved.flags));
    assert!(
        flag.reason.starts_with("10 findings of 20 come"),
        "{}",
        flag.reason
    );
    assert!(flag.code.warns());
    // Everything from one such assessor: the same score (the weights are all alike), less
    // confidence.
    let all = assess(&rules, &[doubtful(&met), doubtful(&not_met)], day(AS_AT));
    assert_eq!(all.score, plain.score);
    assert!(all.confidence < halved.confidence);
}
