//! Server functions behind the pages, grouped by domain. Each has an explicit endpoint under
//! `/fn/` so the URLs stay stable across builds (a cached wasm bundle must not call a 404).
//! Devices and integrations use the versioned REST API instead.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod calibration;
pub mod conflicts;
pub mod frameworks;
pub mod kept;
pub mod org;
pub mod photos;
pub mod readiness;
pub mod review;
pub mod templates;
