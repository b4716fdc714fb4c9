//! The framework catalogue, for the framework browser.

use domain::framework::{Framework, FrameworkSummary};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::{backend, require_caller};

/// Every framework version the server knows.
#[server(prefix = "/fn", endpoint = "list_frameworks")]
pub async fn list_frameworks() -> Result<Vec<FrameworkSummary>, ServerFnError> {
    require_caller()?;
    Ok(backend()?
        .catalogue()
        .all()
        .iter()
        .map(Framework::summary)
        .collect())
}

/// One framework with all its key questions, items and prompts; `None` for an unknown id.
#[server(prefix = "/fn", endpoint = "get_framework")]
pub async fn get_framework(id: String) -> Result<Option<Framework>, ServerFnError> {
    require_caller()?;
    Ok(backend()?.catalogue().get(&id).cloned())
}
