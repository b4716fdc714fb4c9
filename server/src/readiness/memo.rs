//! What this server has computed of readiness, kept while the database says it still holds.
//!
//! The database moves a counter per ward (and per trust) in the same transaction as any change
//! to its readiness (`readiness_versions`). A ward's cells are kept here under the counter they
//! were computed at and used again only while the counter is unchanged; a whole answer, under
//! the epoch of each trust it read (moved with any of the trust's counters, and when a ward
//! is added). So a page view recomputes only the wards a sync changed since, and
//! servers sharing one database each notice every change: nothing here is the only copy of
//! anything.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Bytes;
use chrono::NaiveDate;
use domain::readiness::Readiness;
use domain::readiness::ward::{ReadinessReport, WardReadiness};
use uuid::Uuid;

/// One computed answer, and its JSON (plain and gzipped) once a caller has asked for it: a
/// trust's answer is a few hundred kilobytes, and compressing it per request would cost more
/// than everything else a repeat request does.
#[derive(Debug)]
pub struct Answer {
    pub report: ReadinessReport,
    json: OnceLock<Bytes>,
    gzip: OnceLock<Bytes>,
}

impl Answer {
    pub fn new(report: ReadinessReport) -> Answer {
        Answer {
            report,
            json: OnceLock::new(),
            gzip: OnceLock::new(),
        }
    }

    /// The report as JSON, serialised once however many callers read it.
    pub fn json(&self) -> Bytes {
        self.json
            .get_or_init(|| Bytes::from(serde_json::to_vec(&self.report).unwrap_or_default()))
            .clone()
    }

    /// The JSON gzipped, once.
    pub fn gzip(&self) -> Bytes {
        self.gzip
            .get_or_init(|| {
                use std::io::Write;
                let mut encoder =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                let written = encoder
                    .write_all(&self.json())
                    .and_then(|()| encoder.finish());
                Bytes::from(written.unwrap_or_default())
            })
            .clone()
    }
}

/// A ward (or a trust's own evidence) read in a framework as at a day.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScopeKey {
    pub scope: Uuid,
    pub framework: String,
    pub as_of: NaiveDate,
}

/// Everything an answer depends on besides the rules (fixed while the server runs): the
/// question and the epoch of each trust read, which moves with any change to its wards, their
/// evidence or its own.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AnswerKey {
    pub framework: String,
    pub as_of: NaiveDate,
    pub items: bool,
    pub unit_id: Option<Uuid>,
    /// (trust, epoch) of every trust read, in the order read.
    pub epochs: Vec<(Uuid, i64)>,
}

/// A bounded map of values computed at a counter.
struct Shelf<K, V> {
    map: Mutex<HashMap<K, (i64, Arc<V>)>>,
    limit: usize,
}

impl<K: Eq + Hash, V> Shelf<K, V> {
    fn new(limit: usize) -> Self {
        Shelf {
            map: Mutex::new(HashMap::new()),
            limit,
        }
    }

    fn get(&self, key: &K, version: i64) -> Option<Arc<V>> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key)
            .filter(|(v, _)| *v == version)
            .map(|(_, value)| value.clone())
    }

    fn put(&self, key: K, version: i64, value: Arc<V>) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        // Past days asked once and wards long unread go wholesale: simpler than an LRU, and
        // everything is recomputable.
        if map.len() >= self.limit {
            map.clear();
        }
        map.insert(key, (version, value));
    }
}

/// The server's computed readiness: per ward, per trust, per answer.
pub struct Memo {
    wards: Shelf<ScopeKey, WardReadiness>,
    trusts: Shelf<ScopeKey, Readiness>,
    answers: Shelf<AnswerKey, Answer>,
}

impl Default for Memo {
    fn default() -> Self {
        Memo {
            // Today's only (see `answer`): every ward of the trusts served, in each framework;
            // the answers of each caller's scope, framework and detail.
            wards: Shelf::new(20_000),
            trusts: Shelf::new(2_000),
            answers: Shelf::new(32),
        }
    }
}

impl Memo {
    /// A ward's cells computed at `version`, if kept.
    pub fn ward(&self, key: &ScopeKey, version: i64) -> Option<Arc<WardReadiness>> {
        self.wards.get(key, version)
    }

    pub fn keep_ward(&self, key: ScopeKey, version: i64, ward: Arc<WardReadiness>) {
        self.wards.put(key, version, ward);
    }

    /// A trust's own (trust-level Well-led) readiness computed at `version`, if kept.
    pub fn trust(&self, key: &ScopeKey, version: i64) -> Option<Arc<Readiness>> {
        self.trusts.get(key, version)
    }

    pub fn keep_trust(&self, key: ScopeKey, version: i64, readiness: Arc<Readiness>) {
        self.trusts.put(key, version, readiness);
    }

    /// A whole answer computed for exactly this key.
    pub fn answer(&self, key: &AnswerKey) -> Option<Arc<Answer>> {
        self.answers.get(key, 0)
    }

    pub fn keep_answer(&self, key: AnswerKey, answer: Arc<Answer>) {
        self.answers.put(key, 0, answer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_value_serves_only_its_own_counter() {
        let shelf: Shelf<u8, &str> = Shelf::new(2);
        shelf.put(1, 7, Arc::new("seven"));
        assert_eq!(shelf.get(&1, 7).as_deref(), Some(&"seven"));
        assert!(shelf.get(&1, 8).is_none(), "a moved counter is a miss");
        shelf.put(2, 1, Arc::new("two"));
        shelf.put(3, 1, Arc::new("three"));
        assert!(shelf.get(&1, 7).is_none(), "a full shelf starts again");
        assert_eq!(shelf.get(&3, 1).as_deref(), Some(&"three"));
    }
}
