//! Mutations as a device would push them, for the sync and hand-over suites.

use domain::sync::kind;
use serde_json::{Value, json};
use uuid::Uuid;

/// An `inspection.upsert` of the walk-round framework on `unit_id`, with a fresh mutation id.
pub fn upsert(id: Uuid, unit_id: Uuid, status: &str) -> Value {
    json!({"id": Uuid::now_v7(), "kind": kind::INSPECTION_UPSERT, "data": {
        "id": id, "unit_id": unit_id, "framework_id": "cqc-kloe-2017",
        "template_id": null, "template_version": null,
        "started_at": "2026-11-25T09:00:00Z", "status": status}})
}

/// A `finding.record` answering S1.8, with a fresh mutation id.
pub fn finding(id: Uuid, inspection_id: Uuid, response: &str, note: &str) -> Value {
    json!({"id": Uuid::now_v7(), "kind": kind::FINDING_RECORD, "data": {
        "id": id, "inspection_id": inspection_id, "item_code": "S1.8", "response": response,
        "note": note, "photo_ids": [], "observed_at": "2026-11-25T09:05:00Z"}})
}
