//! ReadyWard's domain: the facts both the server and the wasm client must agree on.
//!
//! Nothing here does I/O. The framework content itself lives in `data/` as versioned JSON and is
//! only parsed and checked here, so the CQC's wording can change without touching code.

pub mod admin;
pub mod api;
pub mod assessment;
pub mod audit;
pub mod calibration;
pub mod caller;
pub mod code;
pub mod conflict;
pub mod crosswalk;
pub mod framework;
pub mod grant;
pub mod hand_over;
pub mod inspection;
pub mod org;
pub mod photo;
pub mod principles;
pub mod rating;
pub mod readiness;
pub mod redaction;
pub mod retention;
pub mod review;
pub mod role;
pub mod sync;
pub mod template;

pub use code::{ItemCode, PromptCode, SubjectCode};
pub use framework::{Catalogue, Framework};
pub use role::Role;
