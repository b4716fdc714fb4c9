//! A buddy reviewer's access to another trust as the reviewer sees it: whether it has started,
//! how many days are left, a warning in its last week, and the day it ended.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Days before the end from which the reviewer is warned.
pub const WARN_DAYS: i64 = 7;

/// One grant of access to a trust, from the reviewer's side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewerAccess {
    pub trust_id: Uuid,
    pub trust_name: String,
    pub starts_on: NaiveDate,
    /// The last day of access.
    pub ends_on: NaiveDate,
}

/// Where a grant stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    NotYet,
    /// Current, with the days left after today.
    Current {
        days_left: i64,
    },
    Ended,
}

fn long(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

impl ReviewerAccess {
    /// Where it stands on `today` (a day in England).
    pub fn standing(&self, today: NaiveDate) -> Standing {
        if today < self.starts_on {
            Standing::NotYet
        } else if today > self.ends_on {
            Standing::Ended
        } else {
            Standing::Current {
                days_left: (self.ends_on - today).num_days(),
            }
        }
    }

    /// Whether it ends within the warning week.
    pub fn ending_soon(&self, today: NaiveDate) -> bool {
        matches!(self.standing(today), Standing::Current { days_left } if days_left < WARN_DAYS)
    }

    /// The sentence the reviewer reads.
    pub fn words(&self, today: NaiveDate) -> String {
        let trust = &self.trust_name;
        match self.standing(today) {
            Standing::NotYet => {
                format!("Your access to {trust} starts on {}.", long(self.starts_on))
            }
            Standing::Ended => format!(
                "Your access to {trust} ended on {}. Ask its trust administrator to extend it.",
                long(self.ends_on)
            ),
            Standing::Current { days_left: 0 } => {
                format!("Your access to {trust} ends at the end of today.")
            }
            Standing::Current { days_left } => format!(
                "Your access to {trust} ends on {}: {days_left} {} left after today.",
                long(self.ends_on),
                if days_left == 1 { "day" } else { "days" }
            ),
        }
    }
}

/// A grant as the reviewer's pages show it on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessView {
    pub access: ReviewerAccess,
    pub words: String,
    pub current: bool,
    pub ending_soon: bool,
}

impl AccessView {
    /// How `access` reads on `today`.
    pub fn on(access: ReviewerAccess, today: NaiveDate) -> AccessView {
        AccessView {
            words: access.words(today),
            current: matches!(access.standing(today), Standing::Current { .. }),
            ending_soon: access.ending_soon(today),
            access,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap_or_default()
    }

    fn access() -> ReviewerAccess {
        ReviewerAccess {
            trust_id: Uuid::nil(),
            trust_name: "Northfield NHS Trust".into(),
            starts_on: day(5),
            ends_on: day(20),
        }
    }

    #[test]
    fn days_left_count_after_today_and_the_last_week_warns() {
        let a = access();
        assert_eq!(a.standing(day(4)), Standing::NotYet);
        assert_eq!(a.standing(day(5)), Standing::Current { days_left: 15 });
        assert!(!a.ending_soon(day(13)));
        assert!(a.ending_soon(day(14)));
        assert!(a.ending_soon(day(20)));
        assert_eq!(a.standing(day(21)), Standing::Ended);
        assert!(!a.ending_soon(day(21)));
    }

    #[test]
    fn each_standing_says_its_date() {
        let a = access();
        assert_eq!(
            a.words(day(1)),
            "Your access to Northfield NHS Trust starts on 5 December 2026."
        );
        assert_eq!(
            a.words(day(19)),
            "Your access to Northfield NHS Trust ends on 20 December 2026: 1 day left after today."
        );
        assert_eq!(
            a.words(day(20)),
            "Your access to Northfield NHS Trust ends at the end of today."
        );
        assert!(a.words(day(22)).contains("ended on 20 December 2026"));
    }
}
