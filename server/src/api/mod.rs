//! External interface v1: the REST API under `/api/v1` that devices and integrations use.

mod auth;
mod frameworks;
pub mod openapi;
mod units;

use app::backend::{Caller, RequestAuth};
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::request::Parts;
use axum::routing::{get, post};

use crate::error::ApiError;
use crate::state::AppState;

/// The signed-in caller of an API request; `401 unauthenticated` when there is none.
pub struct Authed(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestAuth>()
            .and_then(|a| a.caller.clone())
            .map(Authed)
            .ok_or(ApiError::Unauthenticated)
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
        .route("/units", get(units::list))
        .route("/units/{id}", get(units::get))
        .route("/openapi.json", get(openapi::document))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(state.config.max_json_bytes));
    Router::new().nest("/api/v1", v1)
}
