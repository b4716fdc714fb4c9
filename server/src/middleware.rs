//! Request middleware: who is calling, whether a cookie request may change state, and the
//! security headers every response carries.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::caller::RequestAuth;

use crate::auth::session;
use crate::error::ApiError;
use crate::request_log::LoggedCaller;
use crate::state::AppState;

/// How the caller presented their token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Credential {
    Bearer,
    Cookie,
    None,
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

fn cookie_token(headers: &HeaderMap, secure: bool) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|h| session::token_from_cookie_header(h, secure))
}

/// True when a state-changing request plainly comes from this site, by `Sec-Fetch-Site` or by
/// `Origin` matching `Host`. Requests that carry neither header are not from a browser.
fn same_origin(headers: &HeaderMap) -> Option<bool> {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return Some(matches!(site, "same-origin" | "none"));
    }
    let origin = headers.get(header::ORIGIN)?.to_str().ok()?;
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    Some(origin_host.is_some() && origin_host == host)
}

/// Resolves the caller into the request's [`RequestAuth`] extension, and refuses cross-site
/// state-changing requests that would ride on the session cookie.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let secure = state.config.secure_cookies;
    let signed_out_on_device = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(session::signed_out_on_device);
    let (credential, mut token) = match (bearer_token(headers), cookie_token(headers, secure)) {
        (Some(t), _) => (Credential::Bearer, Some(t.to_owned())),
        (None, Some(t)) => (Credential::Cookie, Some(t.to_owned())),
        (None, None) => (Credential::None, None),
    };
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if unsafe_method && credential != Credential::Bearer {
        let verdict = same_origin(headers);
        // A cookie request must prove it is same-origin; any request that says it is
        // cross-site is refused (login CSRF included).
        let refused = match credential {
            Credential::Cookie => verdict != Some(true),
            _ => verdict == Some(false),
        };
        if refused {
            return ApiError::Forbidden("Cross-site requests may not change anything".to_owned())
                .into_response();
        }
    }
    // The device signed out while it could not reach us: that session ends before anything is
    // answered with it, so the tablet's next user never sees it.
    let ended_cookie = match cookie_token(headers, secure) {
        Some(cookie) if signed_out_on_device => Some(cookie.to_owned()),
        _ => None,
    };
    let end_cookie_session = ended_cookie.is_some();
    if let Some(cookie) = ended_cookie {
        if credential == Credential::Cookie {
            token = None;
        }
        if let Err(e) = state.auth.end_session_of(&cookie).await {
            return e.into_response();
        }
    }
    let caller = match token {
        Some(token) => match state.auth.resolve(&token).await {
            Ok(caller) => caller,
            Err(e) => return e.into_response(),
        },
        None => None,
    };
    let client_addr = client_addr(&request, state.config.trust_forwarded_for);
    let logged = caller.as_ref().map(|c| LoggedCaller {
        user_id: c.user.id,
        trust_id: c.user.trust_id,
    });
    request.extensions_mut().insert(RequestAuth {
        caller,
        client_addr,
    });
    let mut response = next.run(request).await;
    if signed_out_on_device {
        forget_offline_sign_out(&mut response, end_cookie_session, secure);
    }
    // For the request's log line, which is written outside this layer.
    if let Some(logged) = logged {
        response.extensions_mut().insert(logged);
    }
    response
}

/// Clears the "signed out while offline" marker and the session cookie it ended, unless the
/// response starts a new session (a sign-in that came with the marker).
fn forget_offline_sign_out(response: &mut Response, session_ended: bool, secure: bool) {
    let name = format!("{}=", session::cookie_name(secure));
    let h = response.headers_mut();
    let starts_session = h
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| v.as_bytes().starts_with(name.as_bytes()));
    let mut clear = vec![session::clearing_signed_out_marker()];
    if session_ended && !starts_session {
        clear.push(session::clearing_cookie(secure));
    }
    for cookie in clear {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            h.append(header::SET_COOKIE, value);
        }
    }
}

/// The client's address: the socket peer, or behind a trusted proxy the last `X-Forwarded-For`
/// entry, the one the proxy itself added (every entry before it came from the client, who can
/// write anything there). `None` when neither is known: a router served without `ConnectInfo`
/// (as `serve` provides) cannot tell its clients apart, and must not count them all as one.
fn client_addr(request: &Request, trust_forwarded_for: bool) -> Option<String> {
    if trust_forwarded_for
        && let Some(last) = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    {
        return Some(last.to_owned());
    }
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    if peer.is_none() {
        static WARNED: std::sync::Once = std::sync::Once::new();
        WARNED.call_once(|| {
            tracing::warn!(
                "requests carry no client address; sign-in is limited per account only \
                 (serve the router with into_make_service_with_connect_info)"
            );
        });
    }
    peer
}

/// The strict policy for everything that is not an HTML page (pages set their own, with a nonce).
const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// HSTS for a year: once a browser has reached the site over HTTPS it never tries plain HTTP.
const HSTS: &str = "max-age=31536000";

/// Adds the security headers to every response; HSTS too when the site is served over HTTPS
/// (TLS here, or `--secure-cookies` behind an HTTPS proxy).
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let is_api = path.starts_with("/api/") || path.starts_with("/fn/");
    let is_service_worker = path == "/sw.js";
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    if state.config.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(self), microphone=(), geolocation=()"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        // Static HTML (the offline shell) runs only scripts from this site, never inline ones;
        // the service worker lives under the policy it is served with, and must fetch.
        let is_html = h
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        let csp = if is_html || is_service_worker {
            STATIC_PAGE_CSP
        } else {
            DEFAULT_CSP
        };
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        );
    }
    if is_api && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        // File names do not change between builds: a browser (and the service worker's precache)
        // must ask again each time, or an old bundle could meet a new server.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    response
}

/// The policy for static HTML and the service worker: a page's, without any inline script.
const STATIC_PAGE_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; manifest-src 'self'; \
     worker-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; \
     object-src 'none'";

/// The policy for an HTML page whose inline hydration script carries `nonce`.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; \
         manifest-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'self'; \
         form-action 'self'; object-src 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn origin_checks() {
        assert_eq!(
            same_origin(&headers(&[("sec-fetch-site", "same-origin")])),
            Some(true)
        );
        assert_eq!(
            same_origin(&headers(&[("sec-fetch-site", "cross-site")])),
            Some(false)
        );
        assert_eq!(
            same_origin(&headers(&[("origin", "http://a.test"), ("host", "a.test")])),
            Some(true)
        );
        assert_eq!(
            same_origin(&headers(&[
                ("origin", "http://evil.test"),
                ("host", "a.test")
            ])),
            Some(false)
        );
        assert_eq!(same_origin(&headers(&[])), None);
    }
}
