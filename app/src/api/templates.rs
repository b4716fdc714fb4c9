//! Checklist templates for the pages: listing (anyone signed in), saving and withdrawing (admins).

use domain::template::{ChecklistTemplate, TemplateDraft};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::backend::{backend, require_caller, to_server_error};

/// The newest version of each checklist the caller may use.
#[server(prefix = "/fn", endpoint = "list_templates")]
pub async fn list_templates() -> Result<Vec<ChecklistTemplate>, ServerFnError> {
    let caller = require_caller()?;
    backend()?.templates(&caller).await.map_err(to_server_error)
}

/// Saves a checklist: a new one, or the next version of an existing one.
#[server(prefix = "/fn", endpoint = "save_template", input = Json)]
pub async fn save_template(draft: TemplateDraft) -> Result<ChecklistTemplate, ServerFnError> {
    let caller = require_caller()?;
    backend()?
        .save_template(&caller, draft)
        .await
        .map_err(to_server_error)
}

/// Withdraws a checklist from devices; its earlier versions stay on record.
#[server(prefix = "/fn", endpoint = "archive_template")]
pub async fn archive_template(id: uuid::Uuid) -> Result<(), ServerFnError> {
    let caller = require_caller()?;
    backend()?
        .archive_template(&caller, id)
        .await
        .map_err(to_server_error)
}
