//! Retention: how long a trust keeps its evidence, its photos and its audit trail, in whole
//! years. A trust setting its admins see and change on "Manage trust"; the server deletes
//! photos past their period every night.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Fewest years anything is kept.
pub const MIN_YEARS: u32 = 1;
/// Most years a setting may say.
pub const MAX_YEARS: u32 = 30;

/// A trust's retention periods, in years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Retention {
    /// Findings, interviews, ratings, verdicts and replies.
    pub evidence_years: u32,
    /// Photos: they may show people, so they are usually kept for less time than the evidence
    /// they support.
    pub photo_years: u32,
    /// The audit trail: it outlives the evidence whose changes it records.
    pub log_years: u32,
}

impl Default for Retention {
    /// Until an admin chooses: evidence and the log for 8 years, photos for 3.
    fn default() -> Self {
        Retention {
            evidence_years: 8,
            photo_years: 3,
            log_years: 8,
        }
    }
}

impl Retention {
    /// Why these periods cannot be kept, in words for the admin.
    pub fn problem(&self) -> Option<String> {
        let periods = [
            ("Evidence", self.evidence_years),
            ("Photos", self.photo_years),
            ("The audit trail", self.log_years),
        ];
        for (what, years) in periods {
            if !(MIN_YEARS..=MAX_YEARS).contains(&years) {
                return Some(format!(
                    "{what}: choose between {MIN_YEARS} and {MAX_YEARS} years"
                ));
            }
        }
        if self.photo_years > self.evidence_years {
            return Some(
                "Photos are evidence: keep them no longer than the rest of the evidence".to_owned(),
            );
        }
        if self.log_years < self.evidence_years {
            return Some(
                "Keep the audit trail at least as long as the evidence whose changes it records"
                    .to_owned(),
            );
        }
        None
    }
}

/// A trust's retention as its admins see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RetentionView {
    pub retention: Retention,
    /// Who last changed it and when; `None` while the defaults stand.
    pub changed: Option<(String, DateTime<Utc>)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn years(evidence_years: u32, photo_years: u32, log_years: u32) -> Retention {
        Retention {
            evidence_years,
            photo_years,
            log_years,
        }
    }

    #[test]
    fn periods_stay_in_bounds_and_in_order() {
        assert_eq!(Retention::default().problem(), None);
        assert_eq!(years(1, 1, 1).problem(), None);
        assert!(years(0, 0, 0).problem().is_some());
        assert!(years(8, 3, 31).problem().is_some());
        assert!(
            years(3, 4, 8).problem().is_some(),
            "photos outlive evidence"
        );
        assert!(
            years(8, 3, 7).problem().is_some(),
            "log shorter than evidence"
        );
    }
}
