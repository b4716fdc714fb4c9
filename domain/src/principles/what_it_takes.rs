//! "What would it take": for an aggregate rating (a key question at a site, a site across its
//! core services, ...), the fewest underlying ratings that would each have to rise one step for
//! the aggregate to rise one step, named, and said in one sentence ("Safe at Northfield General
//! would be Good if Ward 7 and the Emergency Department reached Good").
//!
//! This module owns that search and its sentence; the rating itself stays with
//! [`Principles::aggregate`], which is asked again about every answer before it is given. Where
//! an enforcement notice holds a rating down, raising that rating does not help: the notice has
//! to be lifted, and the answer says so.
//!
//! The change considered for each underlying rating is the least that raises what it counts as:
//! - a notice that holds it below its own rating is lifted (it then counts as its own rating);
//! - otherwise it rises one step, and a notice that would then hold it back is lifted with it;
//! - a rating that is not rated stays out, as does one that is already Outstanding.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::{Enforcement, Principles, Underlying};
use crate::rating::Rating;
use crate::readiness::rules::Bands;

/// One underlying rating, with the name it goes by and, where known, its readiness score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Named<'a> {
    /// As it should read in a sentence ("Ward 7", "the Emergency Department").
    pub name: &'a str,
    pub underlying: Underlying,
    /// Its readiness score (a percentage, as banded by [`Bands`]): the closer it is to the
    /// next band, the sooner it is proposed. `None` when there is none; those come last.
    pub score: Option<f64>,
}

/// One underlying rating rising a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub name: String,
    pub from: Rating,
    pub to: Rating,
}

/// An enforcement notice that would have to be lifted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// The underlying rating it is recorded against.
    pub name: String,
    pub enforcement: Enforcement,
}

/// What it would take for an aggregate to rise one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WhatItTakes {
    /// The aggregate is Outstanding already.
    AlreadyBest,
    /// Nothing beneath it is rated, so it has no rating to raise.
    NothingRated,
    /// Enforcement holds it down: these notices must be lifted, and these ratings (often none)
    /// must rise a step as well. A rating that must both rise and lose its notice is in both.
    LiftNotice {
        /// The rating the aggregate would then have: at least one step up, and lifting a
        /// notice can take it further.
        target: Rating,
        notices: Vec<Notice>,
        steps: Vec<Step>,
    },
    /// These ratings must each rise one step.
    Raise {
        /// The rating the aggregate would then have, one step up.
        target: Rating,
        steps: Vec<Step>,
    },
    /// No set of one-step changes reaches `target`, the next rating up (Outstanding needs
    /// every rating Good or better, and an Inadequate one cannot get there in a step).
    OutOfReach { target: Rating },
}

/// The one change considered for an entry (see the module doc).
#[derive(Debug, Clone, Copy)]
struct Change<'a> {
    index: usize,
    name: &'a str,
    /// What the entry counts as now, and after the change.
    now: Rating,
    after: Rating,
    /// Its own rating's rise, if it rises.
    rise: Option<(Rating, Rating)>,
    /// The notice lifted, if one is.
    lift: Option<Enforcement>,
    /// The next band's floor less the score, when rising and scored.
    distance: Option<f64>,
}

/// The rating one step up; `None` above Outstanding or when not rated.
fn next_up(rating: Rating) -> Option<Rating> {
    match rating {
        Rating::Inadequate => Some(Rating::RequiresImprovement),
        Rating::RequiresImprovement => Some(Rating::Good),
        Rating::Good => Some(Rating::Outstanding),
        Rating::Outstanding | Rating::NotRated => None,
    }
}

/// The lowest score of a rating's band; `None` for Inadequate (no floor) and not rated.
fn floor(bands: &Bands, rating: Rating) -> Option<u8> {
    match rating {
        Rating::Outstanding => Some(bands.outstanding),
        Rating::Good => Some(bands.good),
        Rating::RequiresImprovement => Some(bands.requires_improvement),
        Rating::Inadequate | Rating::NotRated => None,
    }
}

/// Whether `rating` is `target` or better.
fn reaches(rating: Rating, target: Rating) -> bool {
    target.is_at_or_below(rating)
}

fn change_of<'a>(
    principles: &Principles,
    bands: &Bands,
    index: usize,
    entry: &Named<'a>,
) -> Option<Change<'a>> {
    let own = entry.underlying;
    if own.rating == Rating::NotRated {
        return None;
    }
    let now = principles.limited(own);
    let base = Change {
        index,
        name: entry.name,
        now,
        after: own.rating,
        rise: None,
        lift: None,
        distance: None,
    };
    if now != own.rating {
        // The notice holds it below its own rating: lifting it is the change.
        return own.enforcement.map(|e| Change {
            lift: Some(e),
            ..base
        });
    }
    let to = next_up(own.rating)?;
    let risen = Underlying { rating: to, ..own };
    let lift = if principles.limited(risen) == to {
        None
    } else {
        own.enforcement
    };
    let distance = entry
        .score
        .filter(|s| s.is_finite())
        .and_then(|s| floor(bands, to).map(|f| f64::from(f) - s));
    Some(Change {
        after: to,
        rise: Some((own.rating, to)),
        lift,
        distance,
        ..base
    })
}

/// The order changes are proposed in: lifting a notice alone first (the notice is what holds
/// the rating down), then the rises closest to their next band (unscored last), then the
/// lowest rating, then by name and place, so the answer never depends on the input's order of
/// equals beyond that.
fn preferred(a: &Change<'_>, b: &Change<'_>) -> Ordering {
    let distance = match (a.distance, b.distance) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    a.rise
        .is_some()
        .cmp(&b.rise.is_some())
        .then(distance)
        .then_with(|| a.now.points().cmp(&b.now.points()))
        .then_with(|| a.name.cmp(b.name))
        .then_with(|| a.index.cmp(&b.index))
}

/// The first `need` of `changes` (already in preferred order) that pass `helps`, or `None` when
/// there are not that many.
fn first<'c, 'a>(
    changes: &'c [Change<'a>],
    need: usize,
    helps: impl Fn(&Change<'a>) -> bool,
) -> Option<Vec<&'c Change<'a>>> {
    let picked: Vec<&Change<'a>> = changes.iter().filter(|c| helps(c)).take(need).collect();
    (picked.len() == need).then_some(picked)
}

/// The fewest changes that take the aggregate of `entries` one step up, preferred as in the
/// module doc, or why there are none.
///
/// Why picking in preferred order is the minimum: no change makes a rated entry unrated, so the
/// number rated, and with it X, stays put, and the aggregate depends only on how many count as
/// Inadequate, as Requires improvement or worse, and as Outstanding. Every change moves one
/// entry, so it lowers each count below by at most one. From Inadequate, Requires improvement
/// needs fewer than X Inadequate: at least (#Inadequate - X + 1) changes, and any that many
/// changes of Inadequate entries do. From Requires improvement, Good needs fewer than X at
/// Requires improvement or worse: at least (#RI-or-worse - X + 1) changes, and any that many
/// that take such entries to Good or better do. From Good, Outstanding needs every entry Good or
/// better, so each one below must change to Good or better (or it is out of reach), and then X
/// Outstanding, so the shortfall must come from changes of Good entries to Outstanding. In each
/// case the helpful changes are interchangeable, so the first that many in preferred order are
/// both the fewest and the preferred.
pub fn what_it_takes(principles: &Principles, bands: &Bands, entries: &[Named<'_>]) -> WhatItTakes {
    let underlying: Vec<Underlying> = entries.iter().map(|e| e.underlying).collect();
    let Ok(current) = principles.aggregate(&underlying) else {
        // Only an empty slice is refused: nothing there is rated.
        return WhatItTakes::NothingRated;
    };
    let target = match current.rating {
        Rating::NotRated => return WhatItTakes::NothingRated,
        Rating::Outstanding => return WhatItTakes::AlreadyBest,
        rating => match next_up(rating) {
            Some(target) => target,
            None => return WhatItTakes::AlreadyBest,
        },
    };
    let x = current.threshold;
    let counted: Vec<Rating> = underlying.iter().map(|u| principles.limited(*u)).collect();
    let count = |f: &dyn Fn(Rating) -> bool| counted.iter().filter(|r| f(**r)).count();
    let inadequate = count(&|r| r == Rating::Inadequate);
    let ri_or_worse = count(&|r| r.is_at_or_below(Rating::RequiresImprovement));
    let outstanding = count(&|r| r == Rating::Outstanding);

    let mut changes: Vec<Change<'_>> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| change_of(principles, bands, i, e))
        .collect();
    changes.sort_by(preferred);

    let below_good = |r: Rating| r.is_at_or_below(Rating::RequiresImprovement);
    let chosen = match target {
        Rating::RequiresImprovement => first(&changes, (inadequate + 1).saturating_sub(x), |c| {
            c.now == Rating::Inadequate
        }),
        Rating::Good => first(&changes, (ri_or_worse + 1).saturating_sub(x), |c| {
            below_good(c.now) && reaches(c.after, Rating::Good)
        }),
        _ => {
            let forced: Vec<&Change<'_>> = changes
                .iter()
                .filter(|c| below_good(c.now) && reaches(c.after, Rating::Good))
                .collect();
            let to_outstanding = forced
                .iter()
                .filter(|c| c.after == Rating::Outstanding)
                .count();
            let short = x.saturating_sub(outstanding + to_outstanding);
            let more = first(&changes, short, |c| {
                c.now == Rating::Good && c.after == Rating::Outstanding
            });
            match more {
                Some(more) if forced.len() == ri_or_worse => {
                    let mut all = forced;
                    all.extend(more);
                    all.sort_by(|a, b| preferred(a, b));
                    Some(all)
                }
                _ => None,
            }
        }
    };
    let Some(chosen) = chosen else {
        return WhatItTakes::OutOfReach { target };
    };

    // Ask the principles again, so the answer can never promise what they would not give.
    let mut changed = underlying;
    for c in &chosen {
        if let Some(u) = changed.get_mut(c.index) {
            if let Some((_, to)) = c.rise {
                u.rating = to;
            }
            if c.lift.is_some() {
                u.enforcement = None;
            }
        }
    }
    let reached = match principles.aggregate(&changed) {
        Ok(a) if reaches(a.rating, target) => a.rating,
        _ => return WhatItTakes::OutOfReach { target },
    };

    let notices: Vec<Notice> = chosen
        .iter()
        .filter_map(|c| {
            c.lift.map(|enforcement| Notice {
                name: c.name.to_owned(),
                enforcement,
            })
        })
        .collect();
    let steps: Vec<Step> = chosen
        .iter()
        .filter_map(|c| {
            c.rise.map(|(from, to)| Step {
                name: c.name.to_owned(),
                from,
                to,
            })
        })
        .collect();
    if notices.is_empty() {
        WhatItTakes::Raise {
            target: reached,
            steps,
        }
    } else {
        WhatItTakes::LiftNotice {
            target: reached,
            notices,
            steps,
        }
    }
}

/// "A", "A and B", "A, B and C".
fn joined<S: AsRef<str>>(parts: &[S]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", rest.join(", "), last.as_ref())
        }
    }
}

fn notice_words(enforcement: Enforcement) -> &'static str {
    match enforcement {
        Enforcement::RequirementNotice => "requirement notice",
        Enforcement::WarningNotice => "warning notice",
    }
}

/// The "if ..." part: notices by kind, then rises by the rating reached, lowest first.
fn conditions(notices: &[Notice], steps: &[Step]) -> String {
    let mut clauses = Vec::new();
    for kind in [Enforcement::WarningNotice, Enforcement::RequirementNotice] {
        let names: Vec<&str> = notices
            .iter()
            .filter(|n| n.enforcement == kind)
            .map(|n| n.name.as_str())
            .collect();
        if !names.is_empty() {
            let plural = if names.len() > 1 { "s" } else { "" };
            clauses.push(format!(
                "the {}{plural} on {} were lifted",
                notice_words(kind),
                joined(&names)
            ));
        }
    }
    for to in [
        Rating::RequiresImprovement,
        Rating::Good,
        Rating::Outstanding,
    ] {
        let names: Vec<&str> = steps
            .iter()
            .filter(|s| s.to == to)
            .map(|s| s.name.as_str())
            .collect();
        if !names.is_empty() {
            clauses.push(format!("{} reached {}", joined(&names), to.label()));
        }
    }
    joined(&clauses)
}

impl WhatItTakes {
    /// The answer as one plain-English sentence about `subject`, the aggregate's own name
    /// ("Safe at Northfield General").
    pub fn sentence(&self, subject: &str) -> String {
        match self {
            WhatItTakes::AlreadyBest => format!("{subject} is already Outstanding."),
            WhatItTakes::NothingRated => {
                format!("{subject} has nothing rated beneath it yet, so it has no rating to raise.")
            }
            WhatItTakes::LiftNotice {
                target,
                notices,
                steps,
            } => format!(
                "{subject} would be {} if {}.",
                target.label(),
                conditions(notices, steps)
            ),
            WhatItTakes::Raise { target, steps } => format!(
                "{subject} would be {} if {}.",
                target.label(),
                conditions(&[], steps)
            ),
            WhatItTakes::OutOfReach { target } => format!(
                "{subject} could not be {} through one-step rises alone: some rating beneath it \
                 would have to rise further.",
                target.label()
            ),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::readiness::rules::ReadinessRules;
    use Rating::{
        Good as G, Inadequate as I, NotRated as N, Outstanding as O, RequiresImprovement as RI,
    };

    fn principles() -> Principles {
        Principles::built_in().unwrap()
    }

    fn bands() -> Bands {
        ReadinessRules::built_in().unwrap().bands
    }

    fn plain<'a>(name: &'a str, rating: Rating, score: Option<f64>) -> Named<'a> {
        Named {
            name,
            underlying: rating.into(),
            score,
        }
    }

    fn noticed<'a>(name: &'a str, rating: Rating, enforcement: Enforcement) -> Named<'a> {
        Named {
            name,
            underlying: Underlying {
                rating,
                enforcement: Some(enforcement),
            },
            score: None,
        }
    }

    fn unnamed(ratings: &[Rating]) -> Vec<Named<'static>> {
        ratings.iter().map(|r| plain("Ward", *r, None)).collect()
    }

    fn take(entries: &[Named<'_>]) -> WhatItTakes {
        what_it_takes(&principles(), &bands(), entries)
    }

    fn step(name: &str, from: Rating, to: Rating) -> Step {
        Step {
            name: name.to_owned(),
            from,
            to,
        }
    }

    #[test]
    fn one_requires_improvement_among_goods_is_the_one_to_raise() {
        let entries = [
            plain("Ward 1", G, Some(70.0)),
            plain("Ward 7", RI, Some(50.0)),
            plain("Ward 2", G, Some(80.0)),
        ];
        let answer = take(&entries);
        assert_eq!(
            answer,
            WhatItTakes::Raise {
                target: G,
                steps: vec![step("Ward 7", RI, G)]
            }
        );
        assert_eq!(
            answer.sentence("Safe at Northfield General"),
            "Safe at Northfield General would be Good if Ward 7 reached Good."
        );
    }

    #[test]
    fn the_example_from_the_issue_reads_as_written() {
        // Five rated, X = 2: three at Requires improvement, two must rise, the nearest Good.
        let entries = [
            plain("Ward 7", RI, Some(60.0)),
            plain("Ward 9", RI, Some(45.0)),
            plain("the Emergency Department", RI, Some(55.0)),
            plain("Ward 2", G, None),
            plain("Ward 3", G, None),
        ];
        assert_eq!(
            take(&entries).sentence("Safe at Northfield General"),
            "Safe at Northfield General would be Good if Ward 7 and the Emergency Department \
             reached Good."
        );
    }

    #[test]
    fn inadequate_ratings_are_raised_until_fewer_than_x_remain() {
        // Nine rated, X = 3: three Inadequate make it Inadequate, one rise is enough.
        let mut nine = unnamed(&[I, I, I, G, G, G, G, G, G]);
        nine[1].name = "Ward 2";
        nine[1].score = Some(30.0);
        match take(&nine) {
            WhatItTakes::Raise { target, steps } => {
                assert_eq!(target, RI);
                assert_eq!(steps, [step("Ward 2", I, RI)]);
            }
            other => panic!("{other:?}"),
        }
        // Six rated, X = 2: two Inadequate; one rise leaves one, below X.
        let six = unnamed(&[I, I, G, G, G, G]);
        assert!(matches!(take(&six), WhatItTakes::Raise { target: RI, steps } if steps.len() == 1));
    }

    #[test]
    fn raising_the_worst_is_not_always_what_helps() {
        // Nine rated, X = 3: four at Requires improvement or worse. Raising an Inadequate one
        // to Requires improvement changes nothing; the two at Requires improvement must rise.
        let entries = [
            plain("A", I, Some(38.0)),
            plain("B", I, Some(38.0)),
            plain("C", RI, Some(40.0)),
            plain("D", RI, Some(41.0)),
            plain("E", G, None),
            plain("F", G, None),
            plain("G", G, None),
            plain("H", G, None),
            plain("J", G, None),
        ];
        assert_eq!(
            take(&entries),
            WhatItTakes::Raise {
                target: G,
                steps: vec![step("D", RI, G), step("C", RI, G)]
            }
        );
    }

    #[test]
    fn already_outstanding_and_nothing_rated_have_no_next_step() {
        assert_eq!(take(&unnamed(&[O, G])), WhatItTakes::AlreadyBest);
        assert_eq!(take(&unnamed(&[N, N])), WhatItTakes::NothingRated);
        assert_eq!(take(&[]), WhatItTakes::NothingRated);
        assert_eq!(
            WhatItTakes::AlreadyBest.sentence("Caring at Ward 7"),
            "Caring at Ward 7 is already Outstanding."
        );
        assert_eq!(
            WhatItTakes::NothingRated.sentence("Caring at Ward 7"),
            "Caring at Ward 7 has nothing rated beneath it yet, so it has no rating to raise."
        );
    }

    #[test]
    fn a_warning_notice_that_holds_it_down_must_be_lifted() {
        let entries = [
            noticed("Ward 3", G, Enforcement::WarningNotice),
            plain("Ward 4", G, None),
            plain("Ward 5", G, None),
        ];
        let answer = take(&entries);
        assert_eq!(
            answer,
            WhatItTakes::LiftNotice {
                target: G,
                notices: vec![Notice {
                    name: "Ward 3".to_owned(),
                    enforcement: Enforcement::WarningNotice
                }],
                steps: vec![]
            }
        );
        assert_eq!(
            answer.sentence("Safe at Northfield General"),
            "Safe at Northfield General would be Good if the warning notice on Ward 3 were lifted."
        );
    }

    #[test]
    fn lifting_a_notice_comes_before_an_equally_small_rise() {
        // Four rated, X = 2: the notice's Inadequate and the RI make two below Good.
        let entries = [
            plain("Ward 1", RI, Some(62.0)),
            noticed("Ward 3", G, Enforcement::WarningNotice),
            plain("Ward 4", G, None),
            plain("Ward 5", G, None),
        ];
        assert!(matches!(
            take(&entries),
            WhatItTakes::LiftNotice { target: G, notices, steps }
                if notices.len() == 1 && steps.is_empty()
        ));
    }

    #[test]
    fn a_requirement_notice_must_go_for_a_rise_to_count() {
        let entries = [
            noticed("Ward 5", RI, Enforcement::RequirementNotice),
            plain("Ward 6", G, None),
        ];
        let answer = take(&entries);
        assert_eq!(
            answer,
            WhatItTakes::LiftNotice {
                target: G,
                notices: vec![Notice {
                    name: "Ward 5".to_owned(),
                    enforcement: Enforcement::RequirementNotice
                }],
                steps: vec![step("Ward 5", RI, G)]
            }
        );
        assert_eq!(
            answer.sentence("Well-led at Ward 5"),
            "Well-led at Ward 5 would be Good if the requirement notice on Ward 5 were lifted \
             and Ward 5 reached Good."
        );
    }

    #[test]
    fn the_one_closest_to_its_next_band_is_proposed() {
        let entries = [
            plain("Ward 1", I, Some(20.0)),
            plain("Ward 2", I, None),
            plain("Ward 3", I, Some(35.0)),
            plain("Ward 4", G, None),
        ];
        // Four rated, X = 2: three Inadequate, two must rise; 35 and 20 are nearer 39.
        match take(&entries) {
            WhatItTakes::Raise { steps, .. } => {
                let names: Vec<&str> = steps.iter().map(|s| s.name.as_str()).collect();
                assert_eq!(names, ["Ward 3", "Ward 1"]);
            }
            other => panic!("{other:?}"),
        }
        // Unscored ties fall to the lowest rating, then the name.
        let entries = [
            plain("B", RI, None),
            plain("A", RI, None),
            plain("C", G, None),
        ];
        assert!(matches!(
            take(&entries),
            WhatItTakes::Raise { steps, .. } if steps.len() == 2 && steps[0].name == "A"
        ));
    }

    #[test]
    fn outstanding_needs_everything_good_and_x_outstanding() {
        // Five rated, X = 2: one Outstanding, one RI.
        let entries = [
            plain("Ward 1", RI, Some(60.0)),
            plain("Ward 2", G, Some(86.0)),
            plain("Ward 3", G, Some(70.0)),
            plain("Ward 4", G, None),
            plain("Ward 5", O, None),
        ];
        let answer = take(&entries);
        assert_eq!(
            answer,
            WhatItTakes::Raise {
                target: O,
                steps: vec![step("Ward 2", G, O), step("Ward 1", RI, G)]
            }
        );
        assert_eq!(
            answer.sentence("Responsive at St Anne's"),
            "Responsive at St Anne's would be Outstanding if Ward 1 reached Good and Ward 2 \
             reached Outstanding."
        );
        // An Inadequate rating cannot reach Good in one step.
        let answer = take(&unnamed(&[I, G, G, G, O, O]));
        assert_eq!(answer, WhatItTakes::OutOfReach { target: O });
        assert_eq!(
            answer.sentence("Responsive at St Anne's"),
            "Responsive at St Anne's could not be Outstanding through one-step rises alone: \
             some rating beneath it would have to rise further."
        );
    }

    #[test]
    fn names_are_joined_as_a_list() {
        assert_eq!(joined::<&str>(&[]), "");
        assert_eq!(joined(&["A"]), "A");
        assert_eq!(joined(&["A", "B"]), "A and B");
        assert_eq!(joined(&["A", "B", "C"]), "A, B and C");
    }

    /// The model's one change, written out again: lift a notice that holds the rating below its
    /// own, or else rise a step, losing a notice that would hold the rise back.
    fn one_change(p: &Principles, u: Underlying) -> Underlying {
        if u.rating == N {
            return u;
        }
        if p.limited(u) != u.rating {
            return Underlying {
                enforcement: None,
                ..u
            };
        }
        let Some(to) = next_up(u.rating) else {
            return u;
        };
        let risen = Underlying { rating: to, ..u };
        if p.limited(risen) == to {
            risen
        } else {
            to.into()
        }
    }

    fn rating() -> impl Strategy<Value = Rating> {
        prop_oneof![Just(O), Just(G), Just(RI), Just(I), Just(N)]
    }

    fn enforcement() -> impl Strategy<Value = Option<Enforcement>> {
        prop_oneof![
            6 => Just(None),
            1 => Just(Some(Enforcement::RequirementNotice)),
            1 => Just(Some(Enforcement::WarningNotice)),
        ]
    }

    const NAMES: [&str; 8] = ["E0", "E1", "E2", "E3", "E4", "E5", "E6", "E7"];

    proptest! {
        #[test]
        fn the_proposal_reaches_the_next_rating_and_nothing_smaller_does(
            drawn in proptest::collection::vec(
                (rating(), enforcement(), proptest::option::of(0u8..=100)),
                1..=8,
            ),
        ) {
            let p = principles();
            let entries: Vec<Named<'_>> = drawn
                .iter()
                .zip(NAMES)
                .map(|((rating, enforcement, score), name)| Named {
                    name,
                    underlying: Underlying { rating: *rating, enforcement: *enforcement },
                    score: score.map(f64::from),
                })
                .collect();
            let underlying: Vec<Underlying> = entries.iter().map(|e| e.underlying).collect();
            let current = p.aggregate(&underlying).unwrap().rating;
            let answer = what_it_takes(&p, &bands(), &entries);
            let index = |name: &str| NAMES.iter().position(|n| *n == name).unwrap();
            // Whether changing the entries in `set` (bits) reaches `target`.
            let reaches_with = |set: u32, target: Rating| {
                let changed: Vec<Underlying> = underlying
                    .iter()
                    .enumerate()
                    .map(|(i, u)| if set & (1 << i) != 0 { one_change(&p, *u) } else { *u })
                    .collect();
                reaches(p.aggregate(&changed).unwrap().rating, target)
            };
            let all = (1u32 << entries.len()) - 1;
            match &answer {
                WhatItTakes::NothingRated => prop_assert_eq!(current, N),
                WhatItTakes::AlreadyBest => prop_assert_eq!(current, O),
                WhatItTakes::OutOfReach { target } => {
                    prop_assert_eq!(Some(*target), next_up(current));
                    for set in 0..=all {
                        prop_assert!(!reaches_with(set, *target), "{set:b} reaches {target:?}");
                    }
                }
                WhatItTakes::Raise { target: reached, steps }
                | WhatItTakes::LiftNotice { target: reached, steps, .. } => {
                    let notices = match &answer {
                        WhatItTakes::LiftNotice { notices, .. } => notices.clone(),
                        _ => Vec::new(),
                    };
                    let next = next_up(current).unwrap();
                    // Apply exactly what the answer says.
                    let mut changed = underlying.clone();
                    let mut set = 0u32;
                    for s in steps {
                        let i = index(&s.name);
                        prop_assert_eq!(changed[i].rating, s.from);
                        prop_assert_eq!(Some(s.to), next_up(s.from));
                        changed[i].rating = s.to;
                        set |= 1 << i;
                    }
                    for n in &notices {
                        let i = index(&n.name);
                        prop_assert_eq!(changed[i].enforcement, Some(n.enforcement));
                        changed[i].enforcement = None;
                        set |= 1 << i;
                    }
                    let after = p.aggregate(&changed).unwrap().rating;
                    prop_assert_eq!(after, *reached);
                    prop_assert!(reaches(after, next), "{current:?} -> {after:?}");
                    // What it says is the model's one change for each entry named.
                    let modelled: Vec<Underlying> = underlying
                        .iter()
                        .enumerate()
                        .map(|(i, u)| if set & (1 << i) != 0 { one_change(&p, *u) } else { *u })
                        .collect();
                    prop_assert_eq!(&modelled, &changed);
                    // And no smaller set of changes reaches the next rating.
                    let k = set.count_ones();
                    for smaller in (0..=all).filter(|s| s.count_ones() < k) {
                        prop_assert!(!reaches_with(smaller, next), "{smaller:b} beats {set:b}");
                    }
                }
            }
        }
    }
}
