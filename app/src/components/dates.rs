//! Dates and times as the screens write them: "26 Nov 2026 09:05".

use chrono::{DateTime, TimeZone};

/// A moment in words, in the time zone it is given in (the server renders UTC; the device's own
/// screens pass local time).
pub fn date_time<Tz: TimeZone>(t: &DateTime<Tz>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    t.format("%d %b %Y %H:%M").to_string()
}
