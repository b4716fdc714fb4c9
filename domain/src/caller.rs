//! Who is asking: the signed-in user of a request, as the server's auth resolved it.
//!
//! Kept in the domain so the server's access rules and the pages' server functions share one
//! type without the server's rules depending on the UI crate.

use crate::api::UserInfo;

/// The signed-in user of the current request and the session that proves it.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: UserInfo,
    /// Identifies the session row (a hash, never the token itself).
    pub session_id: String,
}

/// What the auth middleware knows about the current request, put in its extensions.
#[derive(Debug, Clone, Default)]
pub struct RequestAuth {
    pub caller: Option<Caller>,
    /// The client's address, for rate limiting sign-in; `None` when the server does not know
    /// it (a router served without connection information), so unrelated clients are never
    /// pooled under one made-up address.
    pub client_addr: Option<String>,
}
