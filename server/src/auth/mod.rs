//! Who is calling: passwords (argon2id behind a gate), sessions and sign-in limits. The
//! request middleware that resolves the caller lives in `crate::middleware`.

pub mod password;
pub mod service;
pub mod session;

pub use service::AuthService;
