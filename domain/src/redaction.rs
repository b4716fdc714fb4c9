//! Note redaction on the wire: a trust admin takes the words out of a note (of a finding, an
//! interview or a reply) that named a patient or said what it should not. The record stays,
//! with its answer and photos; its text is blanked everywhere the server kept it and on every
//! device at its next pull.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::photo::reason_problem;

/// `POST /api/v1/notes/{id}/redaction`: the record whose note is redacted is the path's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoteRedaction {
    /// Why, for the audit trail: say what the note held without repeating it.
    pub reason: String,
}

impl NoteRedaction {
    /// Why the request cannot be taken as it is, in words for the admin.
    pub fn problem(&self) -> Option<String> {
        reason_problem(
            &self.reason,
            "Say why the note is redacted: the audit trail keeps the reason",
        )
    }
}

/// Answer to a redaction: the note is blank from now on, wherever it was kept, and devices
/// blank their copy at their next pull (`redacted_note_ids`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RedactedNote {
    /// The finding, interview or reply.
    pub id: Uuid,
    pub redacted_at: chrono::DateTime<chrono::Utc>,
}

/// Most redacted note ids a pull carries (the newest redactions).
pub const MAX_REDACTED_IN_PULL: usize = 1000;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::photo::MAX_REMOVAL_REASON_CHARS;

    #[test]
    fn a_reason_is_required_and_kept_short() {
        let ask = |reason: &str| {
            NoteRedaction {
                reason: reason.to_owned(),
            }
            .problem()
        };
        assert!(ask("  ").is_some());
        assert!(ask(&"x".repeat(MAX_REMOVAL_REASON_CHARS + 1)).is_some());
        assert_eq!(ask("Named a patient"), None);
    }
}
