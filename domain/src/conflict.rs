//! Sync conflicts: the same change id arrived again with other content. Nothing is
//! overwritten; a trust admin compares the two versions and decides.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A change kept for review, beside what its mutation id applied first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictView {
    /// Identifies the conflict for resolving it.
    pub seq: i64,
    pub mutation_id: Uuid,
    pub kind: String,
    /// What the mutation id applied first (absent if that record is gone).
    pub applied: Option<serde_json::Value>,
    pub applied_by: Option<String>,
    pub applied_at: Option<DateTime<Utc>>,
    /// What arrived again under the same id, kept but not applied.
    pub kept: serde_json::Value,
    pub kept_by: String,
    pub kept_at: DateTime<Utc>,
}

/// How a trust admin resolves a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Keep what was applied first; the kept version is set aside.
    KeepApplied,
    /// Apply the version sent again, as a new change (the first stays in the history).
    ApplyKept,
}

impl Resolution {
    /// The stable code, as stored and as forms send it.
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::KeepApplied => "keep_applied",
            Resolution::ApplyKept => "apply_kept",
        }
    }

    /// Reads a code back.
    pub fn parse(code: &str) -> Option<Resolution> {
        [Resolution::KeepApplied, Resolution::ApplyKept]
            .into_iter()
            .find(|r| r.as_str() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolutions_read_back_their_codes() {
        for r in [Resolution::KeepApplied, Resolution::ApplyKept] {
            assert_eq!(Resolution::parse(r.as_str()), Some(r));
        }
        assert_eq!(Resolution::parse("both"), None);
    }
}
