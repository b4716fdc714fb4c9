//! The organisation tree the caller may see.

use domain::api::UnitInfo;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::backend::{backend, require_caller, to_server_error};

/// Every unit the caller may see, in tree order (trust, site, core service, ward).
#[server(prefix = "/fn", endpoint = "list_units")]
pub async fn list_units() -> Result<Vec<UnitInfo>, ServerFnError> {
    let caller = require_caller()?;
    backend()?.units(&caller).await.map_err(to_server_error)
}

/// One unit, or `None` when it does not exist or belongs to a trust the caller cannot see.
#[server(prefix = "/fn", endpoint = "get_unit")]
pub async fn get_unit(id: Uuid) -> Result<Option<UnitInfo>, ServerFnError> {
    let caller = require_caller()?;
    match backend()?.unit(&caller, id).await {
        Ok(unit) => Ok(Some(unit)),
        Err(e) if e.error == "not_found" => Ok(None),
        Err(e) => Err(to_server_error(e)),
    }
}
