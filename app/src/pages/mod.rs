//! One module per screen.

pub mod admin;
pub mod audit;
pub mod calibration;
pub mod change_password;
pub mod checklists;
pub mod conflicts;
pub mod frameworks;
pub mod home;
pub mod inspection;
pub mod not_found;
pub mod note_redaction;
pub mod open_inspections;
pub mod photo_removal;
pub mod rate;
pub mod readiness;
pub mod review;
pub mod review_comments;
pub mod sign_in;
pub mod start_inspection;
pub mod sync_ledger;
pub mod ward;
