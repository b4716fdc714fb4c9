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
