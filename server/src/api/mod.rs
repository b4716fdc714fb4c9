//! External interface v1: the REST API under `/api/v1` that devices and integrations use.

mod auth;
mod frameworks;
mod notes;
pub mod openapi;
mod photos;
mod ratings;
mod readiness;
mod review;
mod sync;
mod templates;
mod units;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::request::Parts;
use axum::routing::{get, post, put};
use domain::caller::{Caller, RequestAuth};

use crate::error::ApiError;
use crate::state::AppState;

/// The signed-in caller of an API request; `401 unauthenticated` when there is none, and
/// `403` while they still hold a one-time password (except for the calls that replace it).
pub struct Authed(pub Caller);

/// What a caller on a one-time password may still do.
// Paths as seen inside the nested `/api/v1` router.
const ONE_TIME_PASSWORD_PATHS: [&str; 3] = ["/auth/password", "/auth/logout", "/auth/me"];

impl<S: Send + Sync> FromRequestParts<S> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let caller = parts
            .extensions
            .get::<RequestAuth>()
            .and_then(|a| a.caller.clone())
            .ok_or(ApiError::Unauthenticated)?;
        let path = parts.uri.path();
        if caller.user.must_change_password && !ONE_TIME_PASSWORD_PATHS.contains(&path) {
            return Err(ApiError::Forbidden(
                "Choose your own password first (POST /api/v1/auth/password)".to_owned(),
            ));
        }
        Ok(Authed(caller))
    }
}

/// The `/api/v1` routes; unknown paths and methods get the interface's JSON errors too.
pub fn router(state: &AppState) -> Router<AppState> {
    let v1 = Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/me", get(auth::me))
        .route("/auth/password", post(auth::change_password))
        .route("/frameworks", get(frameworks::list))
        .route("/frameworks/{id}", get(frameworks::get))
        .route("/templates", get(templates::list))
        .route(
            "/templates/{id}/versions/{version}",
            get(templates::version),
        )
        .route("/sync/push", post(sync::push))
        .route("/sync/pull", get(sync::pull))
        .route("/inspections/{id}", get(sync::inspection))
        .route(
            "/inspections/{id}/hand-over",
            get(sync::hand_over_choices).post(sync::hand_over),
        )
        .route("/inspections/{id}/reopen", post(sync::reopen))
        .route("/photos/{id}", put(photos::put).get(photos::get))
        .route("/photos/{id}/thumbnail", get(photos::thumbnail))
        .route("/photos/{id}/removal", post(photos::remove))
        .route("/notes/{id}/redaction", post(notes::redact))
        .route("/ratings/aggregate", post(ratings::aggregate))
        .route("/readiness", get(readiness::get))
        .route("/review/queue", get(review::queue))
        .route("/evidence/{id}/verdicts", post(review::give_verdict))
        .route("/units", get(units::list))
        .route("/units/{id}", get(units::get))
        .route("/openapi.json", get(openapi::document))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(state.config.max_json_bytes));
    Router::new().nest("/api/v1", v1)
}
