//! Who is calling: passwords, sessions, sign-in throttling and the request middleware.

pub mod middleware;
pub mod password;
pub mod service;
pub mod session;

pub use service::AuthService;
