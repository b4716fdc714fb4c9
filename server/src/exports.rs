//! Downloads a user asks for from a page: the board's heatmap as CSV, holding exactly the rows
//! and columns the page shows for the same filters, and an admin's period of the audit trail.
//! Every field is quoted and any that a spreadsheet would run as a formula is defused.

use std::collections::HashMap;

use app::pages::readiness::filters::Filters;
use app::pages::readiness::rows::{Heatmap, cell_text, heatmap};
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use domain::caller::RequestAuth;
use domain::readiness::ward::ReadinessQuery;

use crate::error::ApiError;
use crate::state::AppState;

/// `GET /readiness.csv?<the heatmap's filters>`: signed-out callers go to the sign-in page.
pub async fn readiness_csv(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let Some(caller) = auth.caller else {
        let back = format!(
            "/readiness?{}",
            Filters::from_query(|k| params.get(k).cloned()).query()
        );
        return Ok(Redirect::to(&app::api::auth::sign_in_path(&back)).into_response());
    };
    if caller.user.must_change_password {
        return Err(ApiError::Forbidden(
            "Choose your own password first".to_owned(),
        ));
    }
    let filters = Filters::from_query(|k| params.get(k).cloned());
    let day = |text: &Option<String>| -> Result<Option<NaiveDate>, ApiError> {
        text.as_deref()
            .map(|t| {
                NaiveDate::parse_from_str(t, "%Y-%m-%d")
                    .map_err(|_| ApiError::Unprocessable(format!("{t} is not a date (YYYY-MM-DD)")))
            })
            .transpose()
    };
    let query = ReadinessQuery {
        as_of: day(&filters.as_of)?,
        unit_id: None,
        trust_id: filters.trust,
        framework: filters.framework.clone(),
        items: None,
    };
    let report = crate::readiness::readiness(&state, &caller, &query).await?;
    let before = match day(&filters.since)? {
        Some(since) => Some(
            crate::readiness::readiness(
                &state,
                &caller,
                &ReadinessQuery {
                    as_of: Some(since),
                    ..query.clone()
                },
            )
            .await?,
        ),
        None => None,
    };
    let map = heatmap(&report, before.as_ref(), &filters);
    let body = heatmap_csv(&map, &report.as_of.to_string());
    let name = format!("readiness-{}.csv", report.as_of);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// `GET /audit.csv?from=YYYY-MM-DD&to=YYYY-MM-DD`: a trust admin's period of the trail.
pub async fn audit_csv(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let Some(caller) = auth.caller else {
        return Ok(Redirect::to(&app::api::auth::sign_in_path("/admin/audit")).into_response());
    };
    if caller.user.must_change_password {
        return Err(ApiError::Forbidden(
            "Choose your own password first".to_owned(),
        ));
    }
    let day = |name: &str| -> Result<NaiveDate, ApiError> {
        let text = params.get(name).map(String::as_str).unwrap_or_default();
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| ApiError::Unprocessable(format!("{name} must be a date (YYYY-MM-DD)")))
    };
    let (from, to) = (day("from")?, day("to")?);
    let body = crate::audit::browse::csv(&state, &caller, from, to).await?;
    let name = format!("audit-{from}-to-{to}.csv");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// The heatmap as CSV: a header naming the date and that ratings are indicative, then one line
/// per row shown.
pub fn heatmap_csv(map: &Heatmap, as_of: &str) -> String {
    let mut out = String::new();
    let mut line = |fields: Vec<String>| {
        let quoted: Vec<String> = fields.iter().map(|f| field(f)).collect();
        out.push_str(&quoted.join(","));
        out.push_str("\r\n");
    };
    line(vec![format!(
        "Indicative readiness as at {as_of} (ReadyWard's reading of the evidence, not a CQC rating)"
    )]);
    let mut header = vec!["Level".to_owned(), "Site".to_owned(), "Name".to_owned()];
    header.extend(map.columns.iter().map(|(_, title)| title.clone()));
    line(header);
    for row in &map.trusts {
        let mut fields = vec![row.kind.label().to_owned(), String::new(), row.name.clone()];
        fields.extend(row.cells.iter().map(cell_text));
        line(fields);
    }
    for (site, rows) in &map.sites {
        for row in rows {
            let mut fields = vec![row.kind.label().to_owned(), site.clone(), row.name.clone()];
            fields.extend(row.cells.iter().map(cell_text));
            line(fields);
        }
    }
    out
}

/// One CSV field, quoted; text a spreadsheet would read as a formula starts with `'`.
pub fn field(text: &str) -> String {
    let defused = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    format!("\"{}\"", defused.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("Ward 7"), "\"Ward 7\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+1"), "\"'+1\"");
        assert_eq!(field("-1"), "\"'-1\"");
        assert_eq!(field("@SUM(A1)"), "\"'@SUM(A1)\"");
    }
}
