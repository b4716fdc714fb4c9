//! `/api/v1/auth/*`: sign in, sign out, who am I, change password.

use axum::Extension;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::api::{ChangePasswordRequest, LoginRequest, LoginResponse, UserInfo};
use domain::caller::RequestAuth;

use super::Authed;
use crate::auth::session::{self, SessionKind};

/// The header that asks a browser to forget what it holds of the site.
const CLEAR_SITE_DATA: header::HeaderName = header::HeaderName::from_static("clear-site-data");
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;

/// A browser's fetch carries `Origin` or `Sec-Fetch-Site`; devices' native clients and scripts
/// do not, and get the long-lived device session.
fn session_kind(headers: &HeaderMap) -> SessionKind {
    if headers.contains_key(header::ORIGIN) || headers.contains_key("sec-fetch-site") {
        SessionKind::Browser
    } else {
        SessionKind::Device
    }
}

/// `POST /api/v1/auth/login`.
#[utoipa::path(post, path = "/api/v1/auth/login", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = domain::api::ErrorBody),
              (status = 429, body = domain::api::ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    Extension(request_auth): Extension<RequestAuth>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let kind = session_kind(&headers);
    let (token, user) = state
        .auth
        .sign_in(
            &body.email,
            &body.password,
            request_auth.client_addr.as_deref(),
            kind,
        )
        .await?;
    let cookie = session::session_cookie(&token, state.auth.limits(), state.config.secure_cookies);
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(LoginResponse { token, user }),
    )
        .into_response())
}

/// `POST /api/v1/auth/logout`: the token is dead afterwards, and a browser empties its HTTP
/// cache of this site (`Clear-Site-Data: "cache"`; never `"storage"`, which would wipe work
/// not yet synced).
#[utoipa::path(post, path = "/api/v1/auth/logout", responses((status = 204), (status = 401, body = domain::api::ErrorBody)))]
pub async fn logout(
    State(state): State<AppState>,
    Authed(caller): Authed,
) -> Result<Response, ApiError> {
    state.auth.sign_out(&caller).await?;
    let clear = session::clearing_cookie(state.config.secure_cookies);
    Ok((
        StatusCode::NO_CONTENT,
        [
            (header::SET_COOKIE, clear),
            (CLEAR_SITE_DATA, "\"cache\"".to_owned()),
        ],
    )
        .into_response())
}

/// `GET /api/v1/auth/me`: the signed-in user.
#[utoipa::path(get, path = "/api/v1/auth/me", responses((status = 200, body = UserInfo), (status = 401, body = domain::api::ErrorBody)))]
pub async fn me(Authed(caller): Authed) -> Json<UserInfo> {
    Json(caller.user)
}

/// `POST /api/v1/auth/password`: replace the caller's password.
#[utoipa::path(post, path = "/api/v1/auth/password", request_body = ChangePasswordRequest,
    responses((status = 204), (status = 401, body = domain::api::ErrorBody), (status = 422, body = domain::api::ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    Extension(request_auth): Extension<RequestAuth>,
    Authed(caller): Authed,
    ApiJson(body): ApiJson<ChangePasswordRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .auth
        .change_password(
            &caller,
            &body.current_password,
            &body.new_password,
            request_auth.client_addr.as_deref(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
