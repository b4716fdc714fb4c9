//! Server functions of the board's readiness pages: the heatmap's report, and one ward's
//! trend over recent months for the drill-down.

use chrono::NaiveDate;
use domain::readiness::ward::{ReadinessReport, UnitReadiness};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::backend::{backend, require_caller, to_server_error};

/// One point of a ward's trend: its readiness as it stood at the end of a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    pub as_of: NaiveDate,
    pub ward: UnitReadiness,
}

#[cfg(feature = "ssr")]
fn query(
    as_of: Option<String>,
    framework: Option<String>,
    unit_id: Option<Uuid>,
) -> Result<domain::readiness::ward::ReadinessQuery, ServerFnError> {
    let as_of = match as_of.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => Some(NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            to_server_error(domain::api::ErrorBody {
                error: domain::api::ErrorCode::Unprocessable.as_str().to_owned(),
                message: "Enter the 'as at' date as a day, month and year".to_owned(),
            })
        })?),
    };
    Ok(domain::readiness::ward::ReadinessQuery {
        as_of,
        unit_id,
        trust_id: None,
        framework: framework.filter(|f| !f.is_empty()),
        items: None,
    })
}

/// Readiness of every ward the caller may see (of one trust, or one ward, when named), rolled
/// up, as at a day (today when empty).
#[server(prefix = "/fn", endpoint = "readiness_report")]
pub async fn board_readiness(
    as_of: Option<String>,
    framework: Option<String>,
    unit_id: Option<Uuid>,
    trust_id: Option<Uuid>,
) -> Result<ReadinessReport, ServerFnError> {
    let caller = require_caller()?;
    let query = domain::readiness::ward::ReadinessQuery {
        trust_id,
        ..query(as_of, framework, unit_id)?
    };
    backend()?
        .readiness(&caller, &query)
        .await
        .map_err(to_server_error)
}

/// The findings (with notes and photos) and ratings behind one cell of a ward: `kq` a key
/// question's code or `overall`.
#[server(prefix = "/fn", endpoint = "readiness_cell")]
pub async fn readiness_cell(
    unit_id: Uuid,
    kq: String,
    as_of: Option<String>,
    framework: Option<String>,
) -> Result<domain::readiness::detail::CellEvidence, ServerFnError> {
    let caller = require_caller()?;
    let q = query(as_of, framework, Some(unit_id))?;
    backend()?
        .cell_evidence(&caller, unit_id, &kq, q.as_of, q.framework.as_deref())
        .await
        .map_err(to_server_error)
}

/// One ward's readiness at the end of each of the last `months` months and at `as_of`,
/// oldest first: trends are computed from the record history, never stored by hand.
#[server(prefix = "/fn", endpoint = "readiness_trend")]
pub async fn readiness_trend(
    unit_id: Uuid,
    as_of: Option<String>,
    framework: Option<String>,
) -> Result<Vec<TrendPoint>, ServerFnError> {
    use chrono::{Datelike, Months};
    let caller = require_caller()?;
    let backend = backend()?;
    let last = query(as_of.clone(), framework.clone(), Some(unit_id))?;
    let now = backend
        .readiness(&caller, &last)
        .await
        .map_err(to_server_error)?;
    let mut days = Vec::new();
    let first_of_month = now.as_of.with_day(1).unwrap_or(now.as_of);
    for back in (0..6).rev() {
        if let Some(day) = first_of_month
            .checked_sub_months(Months::new(back))
            .and_then(|d| d.pred_opt())
        {
            days.push(day);
        }
    }
    let mut points = Vec::new();
    for day in days {
        let q = domain::readiness::ward::ReadinessQuery {
            as_of: Some(day),
            ..last.clone()
        };
        let report = backend
            .readiness(&caller, &q)
            .await
            .map_err(to_server_error)?;
        points.extend(
            report
                .units
                .into_iter()
                .next()
                .map(|ward| TrendPoint { as_of: day, ward }),
        );
    }
    points.extend(now.units.into_iter().next().map(|ward| TrendPoint {
        as_of: now.as_of,
        ward,
    }));
    Ok(points)
}
