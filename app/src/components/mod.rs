//! Pieces shared by every page.

pub mod form;
pub mod layout;
pub mod params;
pub mod signed_in;
pub mod sync_status;
