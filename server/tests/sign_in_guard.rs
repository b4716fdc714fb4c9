//! Who may open a page is decided before anything renders: a signed-out request for a page
//! that needs sign-in is a 303 to `/sign-in?next=<page>` whatever its `Accept` header (curl,
//! link previews and monitors send none or `*/*`), public routes are untouched, and after
//! signing in the user comes back to `next` only when it is a path on this site.
#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{PASSWORD, Reply, TestApp, spawn_app, spawn_app_with};

/// These tests render pages through Leptos, whose reactive runtime is shared by the whole
/// process. Renders on several test runtimes at once (each test has its own) can leave one
/// waiting forever, about once in twenty runs of this file; the server itself runs one
/// runtime. So the tests here take turns.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A GET with the given `Accept` header (none when `None`) and optional session cookie.
async fn get_page(app: &TestApp, path: &str, accept: Option<&str>, cookie: Option<&str>) -> Reply {
    let mut request = Request::get(path);
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT, accept);
    }
    if let Some(token) = cookie {
        request = request.header(header::COOKIE, format!("readyward_session={token}"));
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

fn location(reply: &Reply) -> &str {
    reply
        .headers
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_default()
}

#[tokio::test]
async fn signed_out_page_requests_are_sent_to_sign_in_whatever_they_accept() {
    let _turn = TURN.lock().await;
    let app = spawn_app().await;
    let ward = "0190a0b0-0000-7000-8000-000000000001";
    let mut pages: Vec<(String, String)> = [
        ("/", "/sign-in?next=/"),
        ("/frameworks", "/sign-in?next=/frameworks"),
        ("/admin", "/sign-in?next=/admin"),
        (
            "/admin/checklists/new",
            "/sign-in?next=/admin/checklists/new",
        ),
        ("/account/password", "/sign-in?next=/account/password"),
        // Rendered from the device's store, but only for the user signed in on it.
        (
            "/inspections/0190a0b0-0000-7000-8000-000000000001",
            "/sign-in?next=/inspections/0190a0b0-0000-7000-8000-000000000001",
        ),
        ("/sync", "/sign-in?next=/sync"),
    ]
    .map(|(page, to)| (page.to_owned(), to.to_owned()))
    .into();
    // The query comes along, percent-encoded.
    pages.push((
        format!("/wards/{ward}?tab=2&x=%2F"),
        format!("/sign-in?next=/wards/{ward}%3Ftab%3D2%26x%3D%252F"),
    ));
    for (page, expected) in &pages {
        for accept in [None, Some("*/*"), Some("text/html,application/xhtml+xml")] {
            let reply = get_page(&app, page, accept, None).await;
            assert_eq!(reply.status, StatusCode::SEE_OTHER, "{page} {accept:?}");
            assert_eq!(location(&reply), expected, "{page} {accept:?}");
            assert!(
                reply.body.is_empty(),
                "{page} {accept:?}: nothing is rendered"
            );
        }
    }
    // HEAD, as monitors send it, too.
    let head = app
        .send(Request::head("/").body(Body::empty()).unwrap())
        .await;
    assert_eq!(head.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&head), "/sign-in?next=/");
}

#[tokio::test]
async fn public_routes_are_not_redirected() {
    let _turn = TURN.lock().await;
    let site = tempfile::tempdir().unwrap();
    for file in ["sw.js", "manifest.webmanifest", "shell.html", "pwa.js"] {
        std::fs::write(site.path().join(file), "x").unwrap();
    }
    let root = site.path().to_path_buf();
    let app = spawn_app_with(move |c| c.site_root = root).await;
    for path in [
        "/sign-in",
        "/sign-in?next=/wards",
        "/healthz",
        "/sw.js",
        "/manifest.webmanifest",
        "/shell.html",
        "/pwa.js",
        "/api/v1/openapi.json",
    ] {
        let reply = get_page(&app, path, None, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert!(reply.headers.get(header::LOCATION).is_none(), "{path}");
    }
    assert_eq!(
        get_page(&app, "/api/v1/units", None, None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get_page(&app, "/no/such/page", None, None).await.status,
        StatusCode::NOT_FOUND
    );
    let current_user = Request::post("/fn/current_user")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(current_user).await.status, StatusCode::OK);
}

#[tokio::test]
async fn signed_in_pages_render_and_a_one_time_password_goes_to_the_password_page() {
    let _turn = TURN.lock().await;
    let app = spawn_app().await;
    let token = app.login("inspector@demo.nhs.test").await;
    let home = get_page(&app, "/", None, Some(&token)).await;
    assert_eq!(home.status, StatusCode::OK);

    let one_time = server::seed::create_trust(
        &app.store,
        "Westmoor NHS Trust",
        "lead@westmoor.nhs.test",
        "Ada Lead",
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let login = app
        .post(
            "/api/v1/auth/login",
            None,
            serde_json::json!({"email": "lead@westmoor.nhs.test", "password": one_time}),
        )
        .await;
    let lead = login.json()["token"].as_str().unwrap().to_owned();
    let home = get_page(&app, "/frameworks", Some("*/*"), Some(&lead)).await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&home), "/account/password");
    let password_page = get_page(&app, "/account/password", None, Some(&lead)).await;
    assert_eq!(password_page.status, StatusCode::OK);
}

/// Posts the sign-in form as a browser without the wasm bundle would (a plain form post).
async fn sign_in(app: &TestApp, password: &str, next: Option<&str>) -> Reply {
    let mut form = format!(
        "email=inspector%40demo.nhs.test&password={}",
        urlencode(password)
    );
    if let Some(next) = next {
        form.push_str(&format!("&next={}", urlencode(next)));
    }
    let request = Request::post("/fn/sign_in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .body(Body::from(form))
        .unwrap();
    app.send(request).await
}

fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn after_sign_in_only_a_local_next_is_followed() {
    let _turn = TURN.lock().await;
    let app = spawn_app().await;
    let followed = sign_in(&app, PASSWORD, Some("/wards/abc?tab=2")).await;
    assert_eq!(followed.status, StatusCode::FOUND);
    assert_eq!(location(&followed), "/wards/abc?tab=2");
    assert!(followed.headers.get(header::SET_COOKIE).is_some());

    for evil in [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
    ] {
        let reply = sign_in(&app, PASSWORD, Some(evil)).await;
        assert_eq!(reply.status, StatusCode::FOUND, "{evil:?}");
        assert_eq!(location(&reply), "/", "{evil:?} was followed");
    }
    let plain = sign_in(&app, PASSWORD, None).await;
    assert_eq!(location(&plain), "/");

    // A wrong password comes back to the form, keeping a local `next` and dropping any other.
    let wrong = sign_in(&app, "not-the-password", Some("/sync")).await;
    assert_eq!(location(&wrong), "/sign-in?error=invalid&next=/sync");
    let wrong = sign_in(&app, "not-the-password", Some("//evil.example")).await;
    assert_eq!(location(&wrong), "/sign-in?error=invalid");
}

#[tokio::test]
async fn the_sign_in_form_carries_only_a_local_next() {
    let _turn = TURN.lock().await;
    let app = spawn_app().await;
    let page = get_page(&app, "/sign-in?next=/wards/abc%3Ftab%3D2", None, None).await;
    let html = String::from_utf8_lossy(&page.body);
    assert!(
        html.contains(r#"name="next" value="/wards/abc?tab=2""#),
        "no hidden next in the form: {html}"
    );
    let page = get_page(&app, "/sign-in?next=//evil.example", None, None).await;
    let html = String::from_utf8_lossy(&page.body);
    assert!(!html.contains("evil.example"), "{html}");
}
