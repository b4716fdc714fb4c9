//! Pieces shared by every page.

pub mod dates;
pub mod form;
pub mod layout;
pub mod lock;
pub mod params;
pub mod photo_thumbs;
pub mod reason;
pub mod session;
pub mod sign_out;
pub mod signed_in;
pub mod sync_status;
pub mod verdict;
