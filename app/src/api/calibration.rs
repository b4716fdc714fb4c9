//! Server functions of the calibration page (trust admins).

use domain::calibration::view::CalibrationOverview;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::{backend, require_caller, to_server_error};

/// The admin's trust's pairs and how far they agree.
#[server(prefix = "/fn", endpoint = "calibration")]
pub async fn get_calibration() -> Result<CalibrationOverview, ServerFnError> {
    let caller = require_caller()?;
    backend()?
        .calibration(&caller)
        .await
        .map_err(to_server_error)
}

/// Pairs two inspectors to inspect one ward with one checklist within a window.
#[server(prefix = "/fn", endpoint = "calibration_pair")]
pub async fn pair_inspectors(
    unit_id: String,
    template_id: String,
    first_user_id: String,
    second_user_id: String,
    opens_on: String,
    closes_on: String,
) -> Result<(), ServerFnError> {
    use super::admin::{parse_date, parse_id, run};
    crate::backend::require_admin()?;
    let request = domain::calibration::view::PairRequest {
        unit_id: parse_id(&unit_id, "ward")?,
        template_id: parse_id(&template_id, "checklist")?,
        first_user_id: parse_id(&first_user_id, "first inspector")?,
        second_user_id: parse_id(&second_user_id, "second inspector")?,
        opens_on: parse_date(&opens_on, "day the window opens")?,
        closes_on: parse_date(&closes_on, "day the window closes")?,
    };
    run(domain::admin::AdminCommand::PairInspectors(request))
        .await
        .map(|_| ())
}
