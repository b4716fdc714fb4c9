//! Photos on the wire: how a device proves a photo arrived whole.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The request header that carries the SHA-256 of a photo's bytes.
pub const PHOTO_SHA_HEADER: &str = "x-content-sha256";

/// `PUT /api/v1/photos/{id}` answers 201 (new) or 200 (the same bytes again) with this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoReceipt {
    pub id: Uuid,
    /// Lower-case hex SHA-256 of the bytes received: a device deletes its copy only when this
    /// matches the hash of what it sent.
    pub sha256: String,
    /// Of the picture as the server keeps it (orientation applied, long side at most 2048 px).
    pub width: u32,
    pub height: u32,
}

/// Longest reason for removing a photo, in characters.
pub const MAX_REMOVAL_REASON_CHARS: usize = 1000;

/// `POST /api/v1/photos/{id}/removal`: a trust admin removes a photo that caught a patient or a
/// record by mistake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoRemoval {
    /// Why, for the audit trail: say what it showed without repeating any personal detail.
    pub reason: String,
}

/// Answer to a removal: the photo's bytes are deleted, its id is refused from now on, and every
/// device drops its copy at its next pull (`removed_photo_ids`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemovedPhoto {
    pub id: uuid::Uuid,
    pub removed_at: chrono::DateTime<chrono::Utc>,
}

impl PhotoRemoval {
    /// Why the request cannot be taken as it is, in words for the admin.
    pub fn problem(&self) -> Option<String> {
        reason_problem(
            &self.reason,
            "Say why the photo is removed: the audit trail keeps the reason",
        )
    }
}

/// What is wrong with the reason an admin gives for an audited step (removing a photo,
/// redacting a note, reopening an inspection): `missing` when there is none, or too long.
pub fn reason_problem(reason: &str, missing: &str) -> Option<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Some(missing.to_owned());
    }
    if reason.chars().count() > MAX_REMOVAL_REASON_CHARS {
        return Some(format!(
            "Keep the reason to {MAX_REMOVAL_REASON_CHARS} characters"
        ));
    }
    None
}

/// Most removed photo ids a pull carries (the newest removals).
pub const MAX_REMOVED_IN_PULL: usize = 1000;
