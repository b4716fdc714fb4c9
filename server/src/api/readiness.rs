//! `GET /api/v1/readiness`: every ward the caller may see, cell by cell, as at a day.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

use super::Authed;
use crate::error::ApiError;
use crate::state::AppState;
use domain::readiness::ward::ReadinessQuery;

/// `GET /api/v1/readiness?as_of=&unit_id=&trust_id=&framework=&items=`.
#[utoipa::path(get, path = "/api/v1/readiness",
    params(("as_of" = Option<String>, Query, description = "YYYY-MM-DD: readiness as it stood at the end of that day (England)"),
        ("unit_id" = Option<uuid::Uuid>, Query, description = "one ward only"),
        ("trust_id" = Option<uuid::Uuid>, Query, description = "one trust only (a buddy reviewer's granted trust, or their own)"),
        ("framework" = Option<String>, Query, description = "cqc-kloe-2017 (default) or cqc-saf-2024"),
        ("items" = Option<bool>, Query, description = "true: each ward's KLOE or quality statement cells too (always with unit_id)")),
    responses((status = 200, description = "units: one entry per ward, with key_questions, overall and (asked for) items; core_services, sites and trusts rolled up"),
        (status = 401, body = domain::api::ErrorBody), (status = 404, body = domain::api::ErrorBody),
        (status = 422, body = domain::api::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Authed(caller): Authed,
    headers: HeaderMap,
    query: Result<Query<ReadinessQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::Unprocessable(e.body_text()))?;
    let answer = crate::readiness::answer(&state, &caller, &query).await?;
    let json = [(header::CONTENT_TYPE, "application/json")];
    // Compressed once per answer, not per request (the compression layer leaves it be).
    Ok(if accepts_gzip(&headers) {
        (
            json,
            [
                (header::CONTENT_ENCODING, "gzip"),
                (header::VARY, "accept-encoding"),
            ],
            answer.gzip(),
        )
            .into_response()
    } else {
        (json, [(header::VARY, "accept-encoding")], answer.json()).into_response()
    })
}

/// Whether the client takes gzip (named in Accept-Encoding, and not with q=0).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            parts.next().is_some_and(|c| c.eq_ignore_ascii_case("gzip"))
                && parts.all(|p| {
                    p.strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_none_or(|q| q > 0.0)
                })
        })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_served_to_clients_that_name_it() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_ENCODING, value.parse().unwrap());
            accepts_gzip(&headers)
        };
        assert!(with("gzip, deflate, br"));
        assert!(with("br;q=1.0, GZIP;q=0.5"));
        assert!(!with("br"));
        assert!(!with("gzip;q=0"));
        assert!(!with("gzip;q=0.0"));
        assert!(with("gzip;q=0.1"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
