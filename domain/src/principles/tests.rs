//! The ratings principles, case by case, and one property: a better underlying rating never
//! makes the aggregate worse.

use proptest::prelude::*;

use super::*;
use Rating::{
    Good as G, Inadequate as I, NotRated as N, Outstanding as O, RequiresImprovement as RI,
};

fn principles() -> Principles {
    Principles::built_in().unwrap_or_else(|e| panic!("{e}"))
}

fn of(ratings: &[Rating]) -> (Rating, Rule) {
    let entries: Vec<Underlying> = ratings.iter().map(|r| Underlying::from(*r)).collect();
    let a = principles()
        .aggregate(&entries)
        .unwrap_or_else(|e| panic!("{e}"));
    (a.rating, a.rule)
}

#[test]
fn the_threshold_grows_with_the_number_of_rated_entries() {
    let p = principles();
    let xs: Vec<usize> = (1..=10).map(|n| p.threshold(n)).collect();
    assert_eq!(xs, [1, 1, 1, 2, 2, 2, 2, 2, 3, 3]);
    assert_eq!(p.threshold(200), 3);
}

#[test]
fn nothing_to_aggregate_is_refused_and_nothing_rated_is_not_rated() {
    assert_eq!(principles().aggregate(&[]), Err(PrinciplesError::NoRatings));
    assert_eq!(of(&[N, N]), (N, Rule::NothingRated));
}

#[test]
fn up_to_three_ratings_one_decides() {
    assert_eq!(of(&[O]), (O, Rule::OutstandingThreshold));
    assert_eq!(of(&[G]), (G, Rule::Good));
    assert_eq!(of(&[O, G, G]), (O, Rule::OutstandingThreshold));
    assert_eq!(of(&[O, G, RI]), (RI, Rule::RequiresImprovementThreshold));
    assert_eq!(of(&[G, G, I]), (I, Rule::InadequateThreshold));
    // Not rated entries are left out: two rated, X = 1.
    assert_eq!(of(&[O, N, G, N, N]), (O, Rule::OutstandingThreshold));
}

#[test]
fn four_to_eight_ratings_two_decide() {
    assert_eq!(of(&[O, G, G, G]), (G, Rule::Good));
    assert_eq!(of(&[O, O, G, G]), (O, Rule::OutstandingThreshold));
    assert_eq!(of(&[RI, G, G, G]), (G, Rule::Good));
    assert_eq!(
        of(&[RI, RI, G, G, G]),
        (RI, Rule::RequiresImprovementThreshold)
    );
    assert_eq!(of(&[I, RI, G, G]), (RI, Rule::RequiresImprovementThreshold));
    assert_eq!(of(&[I, I, O, O, O]), (I, Rule::InadequateThreshold));
    // Outstanding needs every other rating Good or better.
    assert_eq!(of(&[O, O, O, RI, G]), (G, Rule::Good));
}

#[test]
fn nine_or_more_ratings_three_decide() {
    let mut nine = vec![O, O, G, G, G, G, G, G, G];
    assert_eq!(of(&nine), (G, Rule::Good));
    nine[2] = O;
    assert_eq!(of(&nine), (O, Rule::OutstandingThreshold));
    assert_eq!(
        of(&[RI, RI, RI, G, G, G, G, G, G]),
        (RI, Rule::RequiresImprovementThreshold)
    );
    assert_eq!(of(&[I, I, G, G, G, G, G, G, G]), (G, Rule::Good));
}

#[test]
fn enforcement_limits_the_rating_it_is_recorded_against_first() {
    let p = principles();
    let with = |rating, enforcement| Underlying {
        rating,
        enforcement: Some(enforcement),
    };
    let rn = Enforcement::RequirementNotice;
    let wn = Enforcement::WarningNotice;
    assert_eq!(p.limited(with(O, rn)), RI);
    assert_eq!(p.limited(with(I, rn)), I);
    assert_eq!(p.limited(with(G, wn)), I);
    assert_eq!(p.limited(with(N, rn)), RI);
    let a = p
        .aggregate(&[with(G, rn)])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((a.rating, a.rule), (RI, Rule::RequiresImprovementThreshold));
    let a = p
        .aggregate(&[with(O, wn), O.into(), O.into(), G.into()])
        .unwrap_or_else(|e| panic!("{e}"));
    // Four rated, X = 2: one Inadequate is not enough, and it stops Outstanding.
    assert_eq!((a.rating, a.rule), (G, Rule::Good));
}

#[test]
fn principles_that_cannot_hold_are_refused() {
    let good = include_str!("../../data/rules/cqc-ratings-principles.json");
    let closed = good.replace("\"up_to\": null", "\"up_to\": 20");
    assert!(Principles::from_json(&closed).is_err());
    let zero = good.replace("\"at_least\": 1", "\"at_least\": 0");
    assert!(Principles::from_json(&zero).is_err());
    assert!(Principles::from_json("{}").is_err());
}

fn rated() -> impl Strategy<Value = Rating> {
    prop_oneof![Just(O), Just(G), Just(RI), Just(I)]
}

proptest! {
    #[test]
    fn a_better_underlying_rating_never_makes_the_aggregate_worse(
        ratings in proptest::collection::vec(rated(), 1..14),
        at in any::<prop::sample::Index>(),
        better in rated(),
    ) {
        let i = at.index(ratings.len());
        prop_assume!(better.points() > ratings[i].points());
        let before = of(&ratings).0;
        let mut improved = ratings.clone();
        improved[i] = better;
        let after = of(&improved).0;
        prop_assert!(after.points() >= before.points(), "{ratings:?} -> {improved:?}: {before:?} -> {after:?}");
    }
}
