//! One log line per request, and the request id that ties a request's lines together.
//!
//! Every request gets an id: the caller's `x-request-id` when it is sane, else a new UUID v7. It
//! goes back in the response's `x-request-id` header, and every line logged while the request is
//! handled sits in a `request` span carrying it. When the response is ready, one line says what
//! happened: method, matched route (or path, never the query), status, latency, the signed-in
//! user and trust, and for a 5xx its cause. Cookies, tokens, passwords and queries are never
//! logged.
//!
//! Causes reach that line two ways: an [`ApiError`](crate::error::ApiError) response carries its
//! [`ErrorCause`] in its extensions; a server function (whose response Leptos builds) writes it
//! into the request's [`CauseSlot`] with [`record_cause`].

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;
use uuid::Uuid;

/// The header a request id comes in and goes back in.
pub const REQUEST_ID: &str = "x-request-id";

/// The current request's id, in its extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Who made the request, as the auth middleware found them; it puts this in the response's
/// extensions for the request's log line.
#[derive(Debug, Clone, Copy)]
pub struct LoggedCaller {
    pub user_id: Uuid,
    pub trust_id: Uuid,
}

/// Why a response is a 5xx, in the response's extensions.
#[derive(Debug, Clone)]
pub struct ErrorCause(pub String);

/// Where code that cannot touch the response (server functions) leaves the cause of a 5xx; in
/// the request's extensions, shared with the copy Leptos keeps in its context.
#[derive(Debug, Clone, Default)]
pub struct CauseSlot(Arc<Mutex<Option<String>>>);

impl CauseSlot {
    /// Keeps the first cause recorded.
    pub fn record(&self, cause: String) {
        if let Ok(mut slot) = self.0.lock()
            && slot.is_none()
        {
            *slot = Some(cause);
        }
    }

    fn take(&self) -> Option<String> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }

    fn is_empty(&self) -> bool {
        self.0.lock().map(|slot| slot.is_none()).unwrap_or(true)
    }
}

/// Records the cause of a 5xx from code running in a server function or page render. Outside a
/// request it is logged at once instead.
pub fn record_cause(cause: &anyhow::Error) {
    let slot = leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CauseSlot>().cloned());
    match slot {
        Some(slot) => slot.record(format!("{cause:#}")),
        None => tracing::error!(error = %format!("{cause:#}"), "failed outside a request"),
    }
}

/// A request id worth keeping from the caller: 1 to 64 letters, digits, `-`, `_` or `.`.
fn sane_request_id(value: &HeaderValue) -> Option<String> {
    let id = value.to_str().ok()?;
    let sane = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    sane.then(|| id.to_owned())
}

/// Gives the request its id and span, and logs its one line when the response is ready.
pub async fn log_requests(mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(sane_request_id)
        .unwrap_or_else(|| Uuid::now_v7().to_string());
    let method = request.method().clone();
    // The route pattern (`/wards/{id}`) when one matched, else the path; never the query.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| request.uri().path().to_owned());
    let slot = CauseSlot::default();
    request.extensions_mut().insert(RequestId(id.clone()));
    request.extensions_mut().insert(slot.clone());

    let span = tracing::info_span!("request", request_id = %id);
    let mut response = next.run(request).instrument(span).await;

    let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let status = response.status().as_u16();
    let caller = response.extensions().get::<LoggedCaller>().copied();
    let user_id = caller.map(|c| tracing::field::display(c.user_id));
    let trust_id = caller.map(|c| tracing::field::display(c.trust_id));
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID), value);
    }
    if response.status().is_server_error() {
        let cause = response
            .extensions()
            .get::<ErrorCause>()
            .map(|c| c.0.clone())
            .or_else(|| slot.take())
            .unwrap_or_else(|| "no cause was recorded".to_owned());
        tracing::error!(
            request_id = %id, %method, %route, status, latency_ms, user_id, trust_id,
            error = %cause, "request failed"
        );
    } else {
        tracing::info!(
            request_id = %id, %method, %route, status, latency_ms, user_id, trust_id,
            "request"
        );
    }
    response
}

/// Largest server function error body read to find the cause of a 5xx.
const MAX_ERROR_BODY: usize = 4096;

/// For a server function's 5xx whose cause nothing recorded (Leptos answers 500 itself when the
/// arguments cannot be read, for example), records the error text of its body.
pub async fn server_fn_causes(request: Request, next: Next) -> Response {
    let is_server_fn = request.uri().path().starts_with("/fn/");
    let slot = request.extensions().get::<CauseSlot>().cloned();
    let response = next.run(request).await;
    let Some(slot) = slot else {
        return response;
    };
    if !is_server_fn || !response.status().is_server_error() || !slot.is_empty() {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_ERROR_BODY)
        .await
        .unwrap_or_default();
    let text: String = String::from_utf8_lossy(&bytes).chars().take(300).collect();
    slot.record(format!("server function error: {text}"));
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sane_request_ids_are_kept() {
        let keep = |v: &'static str| sane_request_id(&HeaderValue::from_static(v));
        assert_eq!(keep("abc-123_x.y").as_deref(), Some("abc-123_x.y"));
        assert_eq!(keep(""), None);
        assert_eq!(keep("has space"), None);
        assert_eq!(keep("a\"b"), None);
        assert_eq!(keep("x".repeat(65).leak()), None);
    }
}
