//! The CQC's ratings principles, applied: an aggregate rating from the ratings below it (a core
//! service's key questions, a site's core services, ...), with the principle that decided.
//!
//! The limiters and the thresholds are data (`data/rules/cqc-ratings-principles.json`, with
//! their source and what could not be confirmed), not code. Every rating derived here is
//! indicative: the CQC applies these principles "normally".

pub mod what_it_takes;

use serde::{Deserialize, Serialize};

use crate::rating::Rating;

/// Enforcement action recorded against the rating it limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Enforcement {
    /// Limits the rating to Requires improvement at best.
    RequirementNotice,
    /// Makes the rating Inadequate.
    WarningNotice,
}

impl Enforcement {
    /// The stable code, as sent and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Enforcement::RequirementNotice => "requirement_notice",
            Enforcement::WarningNotice => "warning_notice",
        }
    }

    /// Parses the stable code.
    pub fn from_code(code: &str) -> Option<Enforcement> {
        [Enforcement::RequirementNotice, Enforcement::WarningNotice]
            .into_iter()
            .find(|e| e.as_str() == code)
    }
}

/// One underlying rating, with any enforcement action against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Underlying {
    pub rating: Rating,
    pub enforcement: Option<Enforcement>,
}

impl From<Rating> for Underlying {
    fn from(rating: Rating) -> Self {
        Underlying {
            rating,
            enforcement: None,
        }
    }
}

/// The principle that decided an aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Nothing below was rated.
    NothingRated,
    /// At least X underlying ratings are Inadequate.
    InadequateThreshold,
    /// At least X are Requires improvement or worse.
    RequiresImprovementThreshold,
    /// At least X are Outstanding and none is below Good.
    OutstandingThreshold,
    /// None of the above: Good.
    Good,
}

/// An aggregate rating and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aggregate {
    pub rating: Rating,
    pub rule: Rule,
    /// The X of the thresholds for this many rated entries (0 when nothing was rated).
    pub threshold: usize,
}

/// Why ratings could not be aggregated, or the principles could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrinciplesError {
    #[error("There are no ratings to aggregate")]
    NoRatings,
    #[error("The ratings principles could not be read: {0}")]
    Unreadable(String),
}

/// The thresholds' X for up to `up_to` rated entries (`None`: any number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Threshold {
    pub up_to: Option<usize>,
    pub at_least: usize,
    /// Which of the thresholds the CQC's pages confirm for this row, in words.
    pub confirmed: String,
}

/// What each enforcement action limits a rating to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limiters {
    pub requirement_notice: Rating,
    pub warning_notice: Rating,
}

/// The ratings principles as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principles {
    pub id: String,
    pub version: String,
    pub title: String,
    pub source: String,
    pub note: String,
    pub limiters: Limiters,
    pub thresholds: Vec<Threshold>,
}

impl Principles {
    /// The principles shipped with ReadyWard, checked.
    pub fn built_in() -> Result<Principles, PrinciplesError> {
        Principles::from_json(include_str!("../data/rules/cqc-ratings-principles.json"))
    }

    /// Reads and checks principles: thresholds in rising order, each X at least 1, the last
    /// row for any number.
    pub fn from_json(json: &str) -> Result<Principles, PrinciplesError> {
        let p: Principles =
            serde_json::from_str(json).map_err(|e| PrinciplesError::Unreadable(e.to_string()))?;
        let rising = p.thresholds.windows(2).all(|w| {
            matches!((w[0].up_to, w[1].up_to), (Some(a), Some(b)) if a < b)
                || (w[0].up_to.is_some() && w[1].up_to.is_none())
        });
        let open_ended = p.thresholds.last().is_some_and(|t| t.up_to.is_none());
        if !rising || !open_ended || p.thresholds.iter().any(|t| t.at_least == 0) {
            return Err(PrinciplesError::Unreadable(
                "thresholds must rise, each need at least one rating, and the last cover any number"
                    .to_owned(),
            ));
        }
        Ok(p)
    }

    /// X for `n` rated entries.
    pub fn threshold(&self, n: usize) -> usize {
        self.thresholds
            .iter()
            .find(|t| t.up_to.is_none_or(|up_to| n <= up_to))
            .map_or(1, |t| t.at_least)
    }

    /// The rating an underlying rating counts as once its enforcement action is applied.
    pub fn limited(&self, entry: Underlying) -> Rating {
        match entry.enforcement {
            None => entry.rating,
            Some(Enforcement::RequirementNotice) => {
                entry.rating.at_best(self.limiters.requirement_notice)
            }
            Some(Enforcement::WarningNotice) => entry.rating.at_best(self.limiters.warning_notice),
        }
    }

    /// Aggregates underlying ratings: limiters first, `NotRated` left out, then with n rated
    /// entries and X = [`Principles::threshold`]`(n)`: at least X Inadequate gives Inadequate;
    /// else at least X Requires improvement or worse gives Requires improvement; else at
    /// least X Outstanding and none below Good gives Outstanding; else Good.
    pub fn aggregate(&self, entries: &[Underlying]) -> Result<Aggregate, PrinciplesError> {
        if entries.is_empty() {
            return Err(PrinciplesError::NoRatings);
        }
        let rated: Vec<Rating> = entries
            .iter()
            .map(|e| self.limited(*e))
            .filter(|r| *r != Rating::NotRated)
            .collect();
        if rated.is_empty() {
            return Ok(Aggregate {
                rating: Rating::NotRated,
                rule: Rule::NothingRated,
                threshold: 0,
            });
        }
        let x = self.threshold(rated.len());
        let count = |f: fn(&Rating) -> bool| rated.iter().filter(|r| f(r)).count();
        let inadequate = count(|r| *r == Rating::Inadequate);
        let ri_or_worse = count(|r| r.is_at_or_below(Rating::RequiresImprovement));
        let outstanding = count(|r| *r == Rating::Outstanding);
        let (rating, rule) = if inadequate >= x {
            (Rating::Inadequate, Rule::InadequateThreshold)
        } else if ri_or_worse >= x {
            (
                Rating::RequiresImprovement,
                Rule::RequiresImprovementThreshold,
            )
        } else if outstanding >= x && ri_or_worse == 0 {
            (Rating::Outstanding, Rule::OutstandingThreshold)
        } else {
            (Rating::Good, Rule::Good)
        };
        Ok(Aggregate {
            rating,
            rule,
            threshold: x,
        })
    }
}

/// One entry of `POST /api/v1/ratings/aggregate`: a rating, or a rating with enforcement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum AggregateEntry {
    Rating(Rating),
    WithEnforcement {
        rating: Rating,
        #[serde(default)]
        enforcement: Option<Enforcement>,
    },
}

impl From<AggregateEntry> for Underlying {
    fn from(entry: AggregateEntry) -> Self {
        match entry {
            AggregateEntry::Rating(rating) => rating.into(),
            AggregateEntry::WithEnforcement {
                rating,
                enforcement,
            } => Underlying {
                rating,
                enforcement,
            },
        }
    }
}

/// `POST /api/v1/ratings/aggregate`: the underlying ratings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AggregateRequest {
    pub ratings: Vec<AggregateEntry>,
}

/// The answer: the aggregate rating and the principle that decided it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AggregateResponse {
    pub rating: Rating,
    pub rule: Rule,
}

#[cfg(test)]
mod tests;
