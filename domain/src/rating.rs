//! The CQC's four ratings (and "not rated"), their order and their place on the 1-4 scale.

use serde::{Deserialize, Serialize};

/// A rating, best first. `NotRated` stands where a question was not assessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Outstanding,
    Good,
    RequiresImprovement,
    Inadequate,
    NotRated,
}

impl Rating {
    /// The four ratings an assessment can give, best first.
    pub const RATED: [Rating; 4] = [
        Rating::Outstanding,
        Rating::Good,
        Rating::RequiresImprovement,
        Rating::Inadequate,
    ];

    /// The rating on the CQC's scale: 4 outstanding ... 1 inadequate; `None` when not rated.
    pub fn points(self) -> Option<u8> {
        match self {
            Rating::Outstanding => Some(4),
            Rating::Good => Some(3),
            Rating::RequiresImprovement => Some(2),
            Rating::Inadequate => Some(1),
            Rating::NotRated => None,
        }
    }

    /// The stable code, as sent and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Outstanding => "outstanding",
            Rating::Good => "good",
            Rating::RequiresImprovement => "requires_improvement",
            Rating::Inadequate => "inadequate",
            Rating::NotRated => "not_rated",
        }
    }

    /// Parses the stable code; `None` for anything else.
    pub fn from_code(code: &str) -> Option<Rating> {
        Rating::RATED
            .into_iter()
            .chain([Rating::NotRated])
            .find(|r| r.as_str() == code)
    }

    /// The rating in words, for screens ("Requires improvement").
    pub fn label(self) -> &'static str {
        match self {
            Rating::Outstanding => "Outstanding",
            Rating::Good => "Good",
            Rating::RequiresImprovement => "Requires improvement",
            Rating::Inadequate => "Inadequate",
            Rating::NotRated => "Not rated",
        }
    }

    /// The worse of two ratings (a limiter: "at best"); a rated one is worse than `NotRated`.
    pub fn at_best(self, limit: Rating) -> Rating {
        match (self.points(), limit.points()) {
            (Some(a), Some(b)) if b < a => limit,
            (None, Some(_)) => limit,
            _ => self,
        }
    }

    /// Whether this rating is `other` or worse (both rated).
    pub fn is_at_or_below(self, other: Rating) -> bool {
        matches!((self.points(), other.points()), (Some(a), Some(b)) if a <= b)
    }
}

#[cfg(test)]
mod tests {
    use super::Rating;

    #[test]
    fn ratings_order_and_limit() {
        assert_eq!(
            Rating::Good.at_best(Rating::RequiresImprovement),
            Rating::RequiresImprovement
        );
        assert_eq!(
            Rating::Inadequate.at_best(Rating::RequiresImprovement),
            Rating::Inadequate
        );
        assert_eq!(
            Rating::NotRated.at_best(Rating::Inadequate),
            Rating::Inadequate
        );
        assert!(Rating::Inadequate.is_at_or_below(Rating::RequiresImprovement));
        assert!(!Rating::Good.is_at_or_below(Rating::RequiresImprovement));
        assert!(!Rating::NotRated.is_at_or_below(Rating::Good));
        for r in Rating::RATED {
            let json = serde_json::to_string(&r).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
        }
    }
}
