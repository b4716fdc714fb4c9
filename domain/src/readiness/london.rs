//! The calendar date in England of a moment: evidence counts "as at" a day when it was recorded
//! by the end of that day, Europe/London time (GMT, or BST from 01:00 UTC on the last Sunday of
//! March to 01:00 UTC on the last Sunday of October).

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};

/// The date in England at `at`.
pub fn london_date(at: DateTime<Utc>) -> NaiveDate {
    let year = at.year();
    let summer = bst_change(year, 3)..bst_change(year, 10);
    if summer.contains(&at) {
        (at + Duration::hours(1)).date_naive()
    } else {
        at.date_naive()
    }
}

/// 01:00 UTC on the last Sunday of `month` (March or October) of `year`.
fn bst_change(year: i32, month: u32) -> DateTime<Utc> {
    let last_day = NaiveDate::from_ymd_opt(year, month + 1, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or_default();
    let back = last_day.weekday().num_days_from_sunday();
    let sunday = last_day - Duration::days(i64::from(back));
    debug_assert_eq!(sunday.weekday(), Weekday::Sun);
    Utc.from_utc_datetime(&sunday.and_hms_opt(1, 0, 0).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap_or_default()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn late_evening_in_summer_is_already_tomorrow_in_england() {
        // BST in 2026: 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(london_date(at("2026-07-01T23:30:00Z")), day(2026, 7, 2));
        assert_eq!(london_date(at("2026-07-01T22:59:59Z")), day(2026, 7, 1));
        assert_eq!(london_date(at("2026-12-01T23:30:00Z")), day(2026, 12, 1));
        assert_eq!(london_date(at("2026-03-29T00:59:59Z")), day(2026, 3, 29));
        assert_eq!(london_date(at("2026-03-28T23:30:00Z")), day(2026, 3, 28));
        assert_eq!(london_date(at("2026-10-24T23:30:00Z")), day(2026, 10, 25));
        assert_eq!(london_date(at("2026-10-25T23:30:00Z")), day(2026, 10, 25));
    }
}
