//! Server function of the audit trail page (trust admins).

use domain::audit::AuditPage;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::{backend, require_caller, to_server_error};

/// The admin's trust's trail from `from` to `to` (YYYY-MM-DD; blank for the last 30 days).
#[server(prefix = "/fn", endpoint = "audit_log")]
pub async fn audit_log(from: String, to: String) -> Result<AuditPage, ServerFnError> {
    let caller = require_caller()?;
    let day = |text: &str, what: &str| -> Result<Option<chrono::NaiveDate>, ServerFnError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                to_server_error(domain::api::ErrorBody {
                    error: domain::api::ErrorCode::Unprocessable.as_str().to_owned(),
                    message: format!("The {what} date must be a real date"),
                })
            })
    };
    let (from, to) = (day(&from, "start")?, day(&to, "end")?);
    backend()?
        .audit_log(&caller, from, to)
        .await
        .map_err(to_server_error)
}
