//! Server-rendered pages beside static files: every page keeps its own nonce policy, whatever
//! else the server is doing at the same moment (a service worker precaching dozens of files
//! while the next page renders is the everyday case).
#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::spawn_app_with;
use tokio::task::JoinSet;

const FILES: usize = 40;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_keep_their_nonce_policy_while_files_are_served_alongside() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir(site.path().join("pkg")).unwrap();
    for i in 0..FILES {
        std::fs::write(site.path().join(format!("pkg/chunk_{i}.wasm")), [0u8; 64]).unwrap();
    }
    let root = site.path().to_path_buf();
    let app = spawn_app_with(move |c| c.site_root = root).await;
    let token = app.login("inspector@demo.nhs.test").await;
    let cookie = format!("readyward_session={token}");
    let ward = app.get("/api/v1/units", Some(&token)).await.json()[0]["id"]
        .as_str()
        .map(str::to_owned);

    let mut requests = JoinSet::new();
    for round in 0..12 {
        let page = match (&ward, round % 2) {
            (Some(id), 1) => format!("/wards/{id}"),
            _ => "/".to_owned(),
        };
        let app_router = app.router.clone();
        let cookie = cookie.clone();
        requests.spawn(async move {
            let request = Request::get(&page)
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap();
            (page, send(app_router, request).await)
        });
        for i in 0..FILES {
            let app_router = app.router.clone();
            let path = format!("/pkg/chunk_{i}.wasm");
            requests.spawn(async move {
                let request = Request::get(&path).body(Body::empty()).unwrap();
                (path, send(app_router, request).await)
            });
        }
    }

    let mut pages = 0;
    while let Some(done) = requests.join_next().await {
        let (path, (status, csp, cache, body)) = done.unwrap();
        assert_eq!(status, StatusCode::OK, "{path}");
        if path.starts_with("/pkg/") {
            assert!(
                !csp.contains("nonce-"),
                "{path} took a page's policy: {csp}"
            );
            // Names do not change between builds, so a browser must ask again each time.
            assert_eq!(cache, "no-cache", "{path}");
            continue;
        }
        pages += 1;
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("{path} has no nonce in its policy: {csp}"));
        assert!(
            body.contains(&format!("nonce=\"{nonce}\"")),
            "{path}: the policy's nonce is not the scripts' nonce"
        );
    }
    assert_eq!(pages, 12);
}

/// Status, CSP, Cache-Control and body of a response.
async fn send(
    router: axum::Router,
    request: Request<Body>,
) -> (StatusCode, String, String, String) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let (csp, cache) = {
        let header = |name| {
            response
                .headers()
                .get(name)
                .map(|v: &axum::http::HeaderValue| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        (
            header(header::CONTENT_SECURITY_POLICY),
            header(header::CACHE_CONTROL),
        )
    };
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        csp,
        cache,
        String::from_utf8_lossy(&body).into_owned(),
    )
}
