//! The clock the server reads "now" from, passed in so tests can set it.
//!
//! Nothing below a request handler reads the wall clock: handlers ask the [`Clock`] in the
//! shared state and pass the time down, so grant expiry, session ageing and (later) "readiness
//! as at a date" can be tested without waiting.

use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

/// Where "now" comes from.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in England: grants, rating dates and "as at" all name days as the trust
    /// lives them, so 00:30 in British Summer Time is already tomorrow.
    fn today(&self) -> NaiveDate {
        domain::readiness::london::london_date(self.now())
    }
}

/// The wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until moved: for tests.
#[derive(Debug)]
pub struct ManualClock {
    at: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock showing `at`.
    pub fn new(at: DateTime<Utc>) -> ManualClock {
        ManualClock { at: Mutex::new(at) }
    }

    /// Sets the time.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.at.lock().unwrap_or_else(|p| p.into_inner()) = at;
    }

    /// Moves the time on.
    pub fn advance(&self, by: TimeDelta) {
        let mut at = self.at.lock().unwrap_or_else(|p| p.into_inner());
        *at += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.at.lock().unwrap_or_else(|p| p.into_inner())
    }
}
