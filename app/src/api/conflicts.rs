//! Server functions of the sync conflicts page (trust admins).

use domain::conflict::ConflictView;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::{backend, require_caller, to_server_error};

/// Conflicts of the admin's trust still to resolve, oldest first.
#[server(prefix = "/fn", endpoint = "list_conflicts")]
pub async fn list_conflicts() -> Result<Vec<ConflictView>, ServerFnError> {
    let caller = require_caller()?;
    backend()?.conflicts(&caller).await.map_err(to_server_error)
}

/// Resolves one conflict: `keep_applied` or `apply_kept`.
#[server(prefix = "/fn", endpoint = "resolve_conflict")]
pub async fn resolve_conflict(seq: i64, resolution: String) -> Result<(), ServerFnError> {
    let caller = crate::backend::require_admin()?;
    let Some(resolution) = domain::conflict::Resolution::parse(&resolution) else {
        return Err(to_server_error(domain::api::ErrorBody {
            error: domain::api::ErrorCode::Unprocessable.as_str().to_owned(),
            message: "Choose which version stands".to_owned(),
        }));
    };
    backend()?
        .resolve_conflict(&caller, seq, resolution)
        .await
        .map_err(to_server_error)
}
