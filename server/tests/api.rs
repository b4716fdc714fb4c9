//! External interface v1, driven in-process (and over a loopback socket where the client's
//! address matters): sign-in for every role, throttling, scoping, the framework catalogue, and
//! the JSON errors of bad requests.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{PASSWORD, spawn_app, spawn_app_with};
use serde_json::json;
use server::clock::Clock;
use server::store::prelude::*;

const DEMO_USERS: [(&str, &str); 5] = [
    ("admin@demo.nhs.test", "trust_admin"),
    ("inspector@demo.nhs.test", "ward_inspector"),
    ("board@demo.nhs.test", "board_viewer"),
    ("admin@buddy.nhs.test", "trust_admin"),
    ("reviewer@buddy.nhs.test", "buddy_reviewer"),
];

#[tokio::test]
async fn every_demo_role_signs_in_and_gets_a_cookie_and_a_token() {
    let app = spawn_app().await;
    for (email, role) in DEMO_USERS {
        let reply = app.sign_in(email.to_uppercase(), PASSWORD).await;
        assert_eq!(reply.status, StatusCode::OK, "{email}");
        let body = reply.json();
        assert_eq!(body["user"]["email"], email);
        assert_eq!(body["user"]["role"], role);
        assert!(body["user"]["trust_id"].is_string() && body["user"]["id"].is_string());
        let cookie = reply
            .headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let token = body["token"].as_str().unwrap();
        let me = app.get("/api/v1/auth/me", Some(token)).await;
        assert_eq!(me.json()["email"], email);
    }
}

#[tokio::test]
async fn a_wrong_password_is_401_and_repeated_failures_are_429() {
    let app = spawn_app().await;
    let wrong = json!({"email": "inspector@demo.nhs.test", "password": "not-the-password"});
    for _ in 0..5 {
        let reply = app.post("/api/v1/auth/login", None, wrong.clone()).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert_eq!(reply.error_code(), "unauthenticated");
    }
    let limited = app.post("/api/v1/auth/login", None, wrong).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.error_code(), "rate_limited");
    assert!(limited.headers.contains_key(header::RETRY_AFTER));
    // Even the right password waits out the limit for this account.
    let right = json!({"email": "inspector@demo.nhs.test", "password": PASSWORD});
    assert_eq!(
        app.post("/api/v1/auth/login", None, right).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another account is not affected.
    app.login("board@demo.nhs.test").await;
}

/// Serves the app on a loopback socket as `serve` does, so every request carries its peer's
/// address; returns where it listens.
async fn serve_on_loopback(app: &common::TestApp) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let service = app
        .router
        .clone()
        .into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await.unwrap() });
    addr
}

/// An HTTP client whose connections come from `from` (Linux routes all of 127/8 to loopback).
fn client_from(from: Ipv4Addr) -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .local_address(IpAddr::V4(from))
        .build()
        .unwrap()
}

/// Signs in over the socket; the status and the interface's error code, if any.
async fn login_over(
    client: &reqwest::Client,
    server: SocketAddr,
    email: &str,
    password: &str,
) -> (StatusCode, String) {
    let reply = client
        .post(format!("http://{server}/api/v1/auth/login"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(json!({"email": email, "password": password}).to_string())
        .send()
        .await
        .unwrap();
    let status = reply.status();
    let body: serde_json::Value = serde_json::from_slice(&reply.bytes().await.unwrap()).unwrap();
    let code = body["error"].as_str().unwrap_or_default().to_owned();
    (status, code)
}

#[tokio::test]
async fn failures_are_limited_per_client_address() {
    let app = spawn_app_with(|c| {
        c.auth.login_failures_per_addr = 3;
        c.auth.login_failures_per_email = 100;
    })
    .await;
    let server = serve_on_loopback(&app).await;
    let first = client_from(Ipv4Addr::new(127, 0, 0, 1));
    let second = client_from(Ipv4Addr::new(127, 0, 0, 2));
    for i in 0..3 {
        let email = format!("nobody{i}@demo.nhs.test");
        assert_eq!(
            login_over(&first, server, &email, "x").await,
            (StatusCode::UNAUTHORIZED, "unauthenticated".to_owned())
        );
    }
    // The address that failed three times waits, even with the right password ...
    assert_eq!(
        login_over(&first, server, "admin@demo.nhs.test", PASSWORD).await,
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited".to_owned())
    );
    // ... while another address signs in, and its own failures count apart.
    assert_eq!(
        login_over(&second, server, "admin@demo.nhs.test", PASSWORD)
            .await
            .0,
        StatusCode::OK
    );
    for i in 0..3 {
        let email = format!("nobody{i}@demo.nhs.test");
        assert_eq!(
            login_over(&second, server, &email, "x").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        login_over(&second, server, "inspector@demo.nhs.test", PASSWORD)
            .await
            .0,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_address_it_added_is_limited() {
    let app = spawn_app_with(|c| {
        c.auth.login_failures_per_addr = 3;
        c.auth.login_failures_per_email = 100;
        c.trust_forwarded_for = true;
    })
    .await;
    let login = |forwarded_for: &str, email: &str, password: &str| {
        Request::post("/api/v1/auth/login")
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-forwarded-for", forwarded_for)
            .body(Body::from(
                json!({"email": email, "password": password}).to_string(),
            ))
            .unwrap()
    };
    // The proxy appends the address it saw; whatever comes before it, the client wrote, and
    // a new made-up value on every attempt must not buy a fresh allowance.
    for i in 0..3 {
        let email = format!("nobody{i}@demo.nhs.test");
        let spoofed = format!("198.51.100.{i}, 203.0.113.7");
        let reply = app.send(login(&spoofed, &email, "x")).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let limited = app
        .send(login(
            "198.51.100.99, 203.0.113.7",
            "admin@demo.nhs.test",
            PASSWORD,
        ))
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let other = app
        .send(login(
            "203.0.113.7, 203.0.113.8",
            "admin@demo.nhs.test",
            PASSWORD,
        ))
        .await;
    assert_eq!(other.status, StatusCode::OK);

    // An IPv6 client holds a whole /64: its addresses share one allowance.
    for i in 0..3 {
        let email = format!("nobody{i}@demo.nhs.test");
        let addr = format!("2001:db8:7:1::{:x}", i + 1);
        assert_eq!(
            app.send(login(&addr, &email, "x")).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.send(login("2001:db8:7:1::ffff", "admin@demo.nhs.test", PASSWORD))
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        app.send(login("2001:db8:7:2::1", "admin@demo.nhs.test", PASSWORD))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn attempts_sent_all_at_once_are_held_to_the_limit() {
    let app = spawn_app_with(|c| {
        c.auth.login_failures_per_email = 5;
        c.auth.password_checks_at_once = 4;
        c.auth.password_check_wait = std::time::Duration::from_secs(30);
    })
    .await;
    let attempts = (0..40).map(|_| app.sign_in("admin@demo.nhs.test", "guess"));
    let replies = futures::future::join_all(attempts).await;
    let checked = replies
        .iter()
        .filter(|r| r.status == StatusCode::UNAUTHORIZED)
        .count();
    let refused = replies
        .iter()
        .filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    // Attempts counted at the same moment may each see the others: fewer than the limit may
    // be checked, never more.
    assert!(
        checked <= 5,
        "{checked} passwords checked past a limit of 5"
    );
    assert_eq!(
        checked + refused,
        40,
        "every attempt was answered 401 or 429"
    );
    // ... and the right password now waits too.
    let reply = app.sign_in("admin@demo.nhs.test", PASSWORD).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn password_checks_beyond_the_servers_capacity_are_told_it_is_busy() {
    // One check at a time and no waiting: the others are shed at once, with a time to retry.
    let app = spawn_app_with(|c| {
        c.auth.login_failures_per_email = 100;
        c.auth.password_checks_at_once = 1;
        c.auth.password_check_wait = std::time::Duration::ZERO;
    })
    .await;
    let attempts = (0..20).map(|i| app.sign_in(format!("nobody{i}@demo.nhs.test"), "guess"));
    let replies = futures::future::join_all(attempts).await;
    let busy: Vec<_> = replies
        .iter()
        .filter(|r| r.status == StatusCode::SERVICE_UNAVAILABLE)
        .collect();
    assert!(!busy.is_empty(), "twenty checks at once on one turn");
    assert!(busy.len() < 20, "the first check had its turn");
    for reply in busy {
        assert_eq!(reply.error_code(), "busy");
        assert_eq!(reply.headers[header::RETRY_AFTER], "1");
    }
    assert!(replies.iter().all(|r| matches!(
        r.status,
        StatusCode::UNAUTHORIZED | StatusCode::SERVICE_UNAVAILABLE
    )));
}

#[tokio::test]
async fn an_email_too_long_to_exist_is_refused_before_anything_is_stored() {
    let app = spawn_app().await;
    let email = format!("{}@demo.nhs.test", "a".repeat(300));
    for _ in 0..3 {
        let reply = app.sign_in(&email, "x").await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(reply.error_code(), "invalid_body");
    }
    let app_failures = app
        .count_behind_its_back("SELECT COUNT(*) FROM login_failures")
        .await;
    assert_eq!(app_failures, 0);
}

#[tokio::test]
async fn failed_sign_ins_are_kept_only_for_the_window() {
    let app = spawn_app().await;
    for i in 0..3 {
        let body = json!({"email": format!("nobody{i}@demo.nhs.test"), "password": "x"});
        app.post("/api/v1/auth/login", None, body).await;
    }
    assert_eq!(
        app.count_behind_its_back("SELECT COUNT(*) FROM login_failures")
            .await,
        3
    );
    // Past the window, the next failure takes the old ones away.
    app.clock.advance(chrono::Duration::minutes(16));
    let body = json!({"email": "someone@demo.nhs.test", "password": "x"});
    app.post("/api/v1/auth/login", None, body).await;
    assert_eq!(
        app.count_behind_its_back("SELECT COUNT(*) FROM login_failures")
            .await,
        1
    );
}

#[tokio::test]
async fn wrong_current_passwords_count_as_failed_sign_ins() {
    let app = spawn_app_with(|c| c.auth.login_failures_per_email = 3).await;
    let token = app.login("inspector@demo.nhs.test").await;
    let change = |current: &str| json!({"current_password": current, "new_password": "a brand new password"});
    for _ in 0..3 {
        let reply = app
            .post("/api/v1/auth/password", Some(&token), change("guess"))
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let reply = app
        .post("/api/v1/auth/password", Some(&token), change(PASSWORD))
        .await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.error_code(), "rate_limited");
    // Signing in again is held back as well: they are one count.
    let reply = app.sign_in("inspector@demo.nhs.test", PASSWORD).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn requests_without_a_client_address_are_not_counted_as_one_client() {
    // In-process requests carry no peer address. Pooling them under one made-up address
    // would let any client's failures lock every other client out.
    let app = spawn_app_with(|c| {
        c.auth.login_failures_per_addr = 3;
        c.auth.login_failures_per_email = 100;
    })
    .await;
    for i in 0..5 {
        let body = json!({"email": format!("nobody{i}@demo.nhs.test"), "password": "x"});
        assert_eq!(
            app.post("/api/v1/auth/login", None, body).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    app.login("admin@demo.nhs.test").await;
}

#[tokio::test]
async fn an_unknown_email_is_401_like_a_wrong_password() {
    let app = spawn_app().await;
    let reply = app.sign_in("who@x.test", "whatever").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json()["message"], "Email or password is not right");
}

#[tokio::test]
async fn unauthenticated_calls_are_401_and_public_ones_are_open() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/units",
        "/api/v1/frameworks",
        "/api/v1/frameworks/cqc-kloe-2017",
        "/api/v1/auth/me",
    ] {
        let reply = app.get(path, None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(reply.error_code(), "unauthenticated");
    }
    assert_eq!(
        app.get("/api/v1/units", Some("made-up-token")).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.get("/healthz", None).await.status, StatusCode::OK);
    let doc = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.json()["paths"]["/api/v1/units"].is_object());
}

#[tokio::test]
async fn an_inspector_sees_their_trusts_wards_and_none_of_the_buddy_trusts() {
    let app = spawn_app().await;
    let token = app.login("inspector@demo.nhs.test").await;
    let units = app.get("/api/v1/units", Some(&token)).await.json();
    let units = units.as_array().unwrap();
    assert!(units.len() >= 20, "{} units", units.len());
    assert!(
        units
            .iter()
            .all(|u| u["trust"]["name"] == server::seed::DEMO_TRUST)
    );
    for field in ["id", "name", "ward_type"] {
        assert!(units[0][field].is_string(), "{field}");
    }
    for nested in ["site", "core_service", "trust"] {
        assert!(units[0][nested]["id"].is_string() && units[0][nested]["name"].is_string());
    }

    // A buddy trust's unit is 404 for them, exactly like a unit that does not exist.
    let buddy_token = app.login("admin@buddy.nhs.test").await;
    let buddy_units = app.get("/api/v1/units", Some(&buddy_token)).await.json();
    let buddy_unit = buddy_units[0]["id"].as_str().unwrap();
    assert!(
        buddy_units
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["trust"]["name"] == server::seed::BUDDY_TRUST)
    );
    let hidden = app
        .get(&format!("/api/v1/units/{buddy_unit}"), Some(&token))
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let missing = app
        .get(
            &format!("/api/v1/units/{}", uuid::Uuid::now_v7()),
            Some(&token),
        )
        .await;
    assert_eq!((missing.status, missing.body), (hidden.status, hidden.body));
}

#[tokio::test]
async fn a_buddy_reviewer_sees_the_granted_trust_only_while_the_grant_runs() {
    let app = spawn_app().await;
    let token = app.login("reviewer@buddy.nhs.test").await;
    let units = app.get("/api/v1/units", Some(&token)).await.json();
    let trusts: std::collections::BTreeSet<String> = units
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["trust"]["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        trusts.contains(server::seed::DEMO_TRUST) && trusts.contains(server::seed::BUDDY_TRUST)
    );

    // The demo grant runs 180 days from today: on its last day the reviewer still sees the
    // trust, the day after they do not.
    let trusts_seen = |units: serde_json::Value| -> std::collections::BTreeSet<String> {
        units
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["trust"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    app.clock.advance(chrono::TimeDelta::days(180));
    let token = app.login("reviewer@buddy.nhs.test").await;
    let units = app.get("/api/v1/units", Some(&token)).await.json();
    assert!(trusts_seen(units).contains(server::seed::DEMO_TRUST));
    app.clock.advance(chrono::TimeDelta::days(1));
    let units = app.get("/api/v1/units", Some(&token)).await.json();
    assert!(!trusts_seen(units).contains(server::seed::DEMO_TRUST));

    // The buddy trust's own admin holds no grant.
    let admin = app.login("admin@buddy.nhs.test").await;
    let units = app.get("/api/v1/units", Some(&admin)).await.json();
    assert!(
        units
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["trust"]["name"] == server::seed::BUDDY_TRUST)
    );
}

#[tokio::test]
async fn frameworks_come_back_with_27_kloes_and_34_quality_statements() {
    let app = spawn_app().await;
    let token = app.login("board@demo.nhs.test").await;
    let list = app.get("/api/v1/frameworks", Some(&token)).await.json();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["cqc-kloe-2017", "cqc-saf-2024"]);
    assert!(list[0]["title"].is_string() && list[0]["version"].is_string());

    let count_items = |f: &serde_json::Value| -> usize {
        f["key_questions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["items"].as_array().unwrap().len())
            .sum()
    };
    let kloe = app
        .get("/api/v1/frameworks/cqc-kloe-2017", Some(&token))
        .await
        .json();
    assert_eq!(count_items(&kloe), 27);
    let codes: Vec<&str> = kloe["key_questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["safe", "effective", "caring", "responsive", "well_led"]
    );
    let s1 = &kloe["key_questions"][0]["items"][0];
    assert_eq!(s1["code"], "S1");
    let prompt = &s1["prompts"][0];
    assert_eq!(prompt["code"], "S1.1");
    assert!(
        prompt["text"].is_string()
            && prompt["ward_observable"].is_boolean()
            && prompt["confirmed"].is_boolean()
    );

    let saf = app
        .get("/api/v1/frameworks/cqc-saf-2024", Some(&token))
        .await
        .json();
    assert_eq!(count_items(&saf), 34);
    assert_eq!(saf["evidence_categories"].as_array().unwrap().len(), 6);
    assert_eq!(saf["key_questions"][4]["items"][7]["code"], "QS-W8");

    let unknown = app.get("/api/v1/frameworks/cqc-1999", Some(&token)).await;
    assert_eq!(
        (unknown.status, unknown.error_code()),
        (StatusCode::NOT_FOUND, "not_found".to_owned())
    );
}

#[tokio::test]
async fn malformed_requests_get_4xx_json_errors() {
    let app = spawn_app_with(|c| c.max_json_bytes = 64 * 1024).await;
    let cases: Vec<(&str, String, StatusCode, &str)> = vec![
        (
            "not json",
            "{\"email\": ".to_owned(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "wrong types",
            json!({"email": 5, "password": []}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "missing fields",
            json!({"mail": "x"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "an array",
            "[]".to_owned(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "oversized",
            format!("{{\"email\": \"{}\"}}", "a".repeat(100 * 1024)),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
        ),
    ];
    for (what, body, status, code) in cases {
        let reply = app.post_raw("/api/v1/auth/login", None, &body).await;
        assert_eq!(reply.status, status, "{what}");
        assert_eq!(reply.error_code(), code, "{what}");
        assert!(reply.json()["message"].is_string());
    }
    let no_type = Request::post("/api/v1/auth/login")
        .body(Body::from("{}"))
        .unwrap();
    let reply = app.send(no_type).await;
    assert_eq!(
        (reply.status, reply.error_code()),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_type".to_owned()
        )
    );

    let token = app.login("inspector@demo.nhs.test").await;
    for path in [
        "/api/v1/units/not-a-uuid",
        "/api/v1/nothing-here",
        "/api/v1/units/%ZZ",
    ] {
        let reply = app.get(path, Some(&token)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(reply.error_code(), "not_found");
    }
    let wrong_method = app
        .send(
            Request::delete("/api/v1/units")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.error_code(), "method_not_allowed");
}

#[tokio::test]
async fn logout_kills_the_token() {
    let app = spawn_app().await;
    let token = app.login("inspector@demo.nhs.test").await;
    let reply = app.post_raw("/api/v1/auth/logout", Some(&token), "").await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/units", Some(&token)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn idle_sessions_expire() {
    let app = spawn_app().await;
    let token = app.login("inspector@demo.nhs.test").await;
    // Used within 30 days, a device token lives on; 30 idle days end it.
    app.clock.advance(chrono::TimeDelta::days(29));
    assert_eq!(
        app.get("/api/v1/units", Some(&token)).await.status,
        StatusCode::OK
    );
    app.clock
        .advance(chrono::TimeDelta::days(30) + chrono::TimeDelta::seconds(1));
    assert_eq!(
        app.get("/api/v1/units", Some(&token)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn cookie_requests_that_change_state_must_be_same_origin() {
    let app = spawn_app().await;
    let token = app.login("inspector@demo.nhs.test").await;
    let cookie = format!("readyward_session={token}");
    let cross = Request::post("/api/v1/auth/logout")
        .header(header::COOKIE, &cookie)
        .header(header::ORIGIN, "https://evil.example")
        .header(header::HOST, "readyward.test")
        .body(Body::empty())
        .unwrap();
    let reply = app.send(cross).await;
    assert_eq!(
        (reply.status, reply.error_code()),
        (StatusCode::FORBIDDEN, "forbidden".to_owned())
    );
    // Reading with the cookie works, and the session survived the refused request.
    let read = Request::get("/api/v1/units")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(read).await.status, StatusCode::OK);
    let same = Request::post("/api/v1/auth/logout")
        .header(header::COOKIE, &cookie)
        .header("sec-fetch-site", "same-origin")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(same).await.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn responses_carry_security_headers() {
    let app = spawn_app().await;
    let reply = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(reply.headers["x-content-type-options"], "nosniff");
    assert_eq!(reply.headers["x-frame-options"], "DENY");
    assert_eq!(reply.headers["referrer-policy"], "no-referrer");
    assert!(
        reply.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    // Plain HTTP (local use): no HSTS, which would lock a browser out of http://localhost.
    assert!(
        !reply
            .headers
            .contains_key(header::STRICT_TRANSPORT_SECURITY)
    );
}

#[tokio::test]
async fn behind_https_the_session_cookie_is_host_only_and_browsers_keep_to_https() {
    let app = spawn_app_with(|c| c.secure_cookies = true).await;
    let reply = app.sign_in("inspector@demo.nhs.test", PASSWORD).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.headers[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000"
    );
    let cookie = reply.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("__Host-readyward_session="), "{cookie}");
    assert!(cookie.contains("; Path=/;") && cookie.contains("; Secure"));
    let token = reply.json()["token"].as_str().unwrap().to_owned();
    let me = |cookie: String| {
        Request::get("/api/v1/auth/me")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(
        app.send(me(format!("__Host-readyward_session={token}")))
            .await
            .status,
        StatusCode::OK
    );
    // A cookie without the prefix could have been planted by another host: it counts for
    // nothing.
    assert_eq!(
        app.send(me(format!("readyward_session={token}")))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_session_signed_out_on_an_offline_device_ends_at_its_next_request() {
    let app = spawn_app().await;
    let reply = app.sign_in("admin@demo.nhs.test", PASSWORD).await;
    let token = reply.json()["token"].as_str().unwrap().to_owned();
    let me = |cookie: String| {
        Request::get("/api/v1/auth/me")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap()
    };
    // The tablet signed out with no connection and left its marker: the browser's session
    // cookie is not honoured, and both cookies are cleared.
    let reply = app
        .send(me(format!(
            "readyward_session={token}; readyward_signed_out=1"
        )))
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let cleared = reply.set_cookies();
    assert!(
        cleared
            .iter()
            .any(|c| c.starts_with("readyward_signed_out=;") && c.contains("Max-Age=0")),
        "{cleared:?}"
    );
    assert!(
        cleared
            .iter()
            .any(|c| c.starts_with("readyward_session=;") && c.contains("Max-Age=0")),
        "{cleared:?}"
    );
    // The session is gone on the server too, not just forgotten by this browser.
    assert_eq!(
        app.send(me(format!("readyward_session={token}")))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // Beside a bearer token (a device's own), the browser's cookie session still ends.
    let browser = app.sign_in("admin@demo.nhs.test", PASSWORD).await.json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let device = app.login("admin@demo.nhs.test").await;
    let both = Request::get("/api/v1/auth/me")
        .header(header::AUTHORIZATION, format!("Bearer {device}"))
        .header(
            header::COOKIE,
            format!("readyward_session={browser}; readyward_signed_out=1"),
        )
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(both).await.status, StatusCode::OK);
    assert_eq!(
        app.send(me(format!("readyward_session={browser}")))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // A sign-in that comes with a stale marker keeps its new session cookie.
    let fresh = app
        .send(
            Request::post("/api/v1/auth/login")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::COOKIE, "readyward_signed_out=1")
                .body(Body::from(
                    json!({"email": "admin@demo.nhs.test", "password": PASSWORD}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(fresh.status, StatusCode::OK);
    let set = fresh.set_cookies();
    assert!(
        !set.iter().any(|c| c.starts_with("readyward_session=;")),
        "{set:?}"
    );
}

#[tokio::test]
async fn a_device_keeps_offline_sign_in_only_for_current_passwords_of_active_users_of_its_trust() {
    let app = spawn_app_with(|c| c.auth.offline_sign_in_days = 3).await;
    let token = app.login("inspector@demo.nhs.test").await;
    let id_of = |email: &'static str| {
        let store = app.store.clone();
        async move { store.user_by_email(email).await.unwrap().unwrap().id }
    };
    let (inspector, admin, board, other_trust) = (
        id_of("inspector@demo.nhs.test").await,
        id_of("admin@demo.nhs.test").await,
        id_of("board@demo.nhs.test").await,
        id_of("admin@buddy.nhs.test").await,
    );
    app.execute_behind_its_back(
        "UPDATE users SET active = false WHERE email = 'board@demo.nhs.test'",
    )
    .await;
    let now = app.clock.now();
    let ask = |held: serde_json::Value| {
        Request::post("/fn/offline_sign_in")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from(json!({ "held": held }).to_string()))
            .unwrap()
    };
    let reply = app
        .send(ask(json!([
            {"user_id": inspector, "kept_since": now},
            // Kept before the admin's password was last set: it changed since.
            {"user_id": admin, "kept_since": now - chrono::Duration::days(400)},
            {"user_id": board, "kept_since": now},
            {"user_id": other_trust, "kept_since": now},
            {"user_id": uuid::Uuid::now_v7(), "kept_since": now},
        ])))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json(), json!({"days": 3, "keep": [inspector]}));

    // Without a session nobody is told anything.
    let anonymous = Request::post("/fn/offline_sign_in")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({ "held": [] }).to_string()))
        .unwrap();
    assert_eq!(app.send(anonymous).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn signing_out_empties_the_browsers_cache_of_the_site_but_not_its_storage() {
    let app = spawn_app().await;
    let token = app.login("inspector@demo.nhs.test").await;
    let reply = app
        .post("/api/v1/auth/logout", Some(&token), json!({}))
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(reply.headers["clear-site-data"], "\"cache\"");
}

#[tokio::test]
async fn a_one_time_password_expires_and_says_so() {
    let app = spawn_app().await;
    let made = app.clock.now();
    let one_time = server::seed::create_trust(
        &app.store,
        "Westmoor NHS Trust",
        "lead@westmoor.nhs.test",
        "Ada Lead",
        made,
    )
    .await
    .unwrap();
    let sign_in = |password: &str| app.sign_in("lead@westmoor.nhs.test", password.to_owned());
    // Within 72 hours it works (and must then be changed) ...
    app.clock.advance(chrono::Duration::hours(71));
    assert_eq!(sign_in(&one_time).await.status, StatusCode::OK);
    // ... after that it is refused, and the person is told why and what to do.
    app.clock.advance(chrono::Duration::hours(2));
    let reply = sign_in(&one_time).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.error_code(), "unauthenticated");
    assert_eq!(
        reply.json()["message"],
        domain::api::ONE_TIME_PASSWORD_EXPIRED
    );
    // A wrong password is still just wrong: the expiry says nothing to a guesser.
    let reply = sign_in("not-the-password").await;
    assert_eq!(reply.json()["message"], "Email or password is not right");

    // A reset gives a fresh one with its own 72 hours.
    let lead = app
        .store
        .user_by_email("lead@westmoor.nhs.test")
        .await
        .unwrap()
        .unwrap();
    let admin = domain::caller::Caller {
        user: server::auth::service::user_info(&lead).unwrap(),
        session_id: String::new(),
    };
    let fresh = server::admin::reset_password(&app.store, &admin, lead.id, app.clock.now())
        .await
        .unwrap();
    assert_eq!(sign_in(&fresh.password).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_one_time_password_must_be_changed_and_then_works() {
    let app = spawn_app().await;
    let one_time = server::seed::create_trust(
        &app.store,
        "Westmoor NHS Trust",
        "lead@westmoor.nhs.test",
        "Ada Lead",
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let reply = app.sign_in("lead@westmoor.nhs.test", &one_time).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["user"]["must_change_password"], true);
    let token = reply.json()["token"].as_str().unwrap().to_owned();
    let blocked = app.get("/api/v1/units", Some(&token)).await;
    assert_eq!(
        (blocked.status, blocked.error_code()),
        (StatusCode::FORBIDDEN, "forbidden".to_owned())
    );
    assert_eq!(
        app.get("/api/v1/auth/me", Some(&token)).await.status,
        StatusCode::OK
    );
    let short = app
        .post(
            "/api/v1/auth/password",
            Some(&token),
            json!({"current_password": one_time, "new_password": "short"}),
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ok = app
        .post(
            "/api/v1/auth/password",
            Some(&token),
            json!({"current_password": one_time, "new_password": "a much longer passphrase"}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT);
    let again = app
        .sign_in("lead@westmoor.nhs.test", "a much longer passphrase")
        .await;
    assert_eq!(again.json()["user"]["must_change_password"], false);
    // A new trust starts empty and sees nothing of the demo trust.
    assert_eq!(
        app.get("/api/v1/units", Some(&token)).await.json(),
        json!([])
    );
}

#[tokio::test]
async fn page_server_functions_refuse_without_a_500() {
    let app = spawn_app().await;
    let form = |path: &str| {
        Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(""))
            .unwrap()
    };
    let reply = app.send(form("/fn/list_units")).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let reply = app.send(form("/fn/no_such_function")).await;
    assert_eq!(
        (reply.status, reply.error_code()),
        (StatusCode::NOT_FOUND, "not_found".to_owned())
    );

    // An inspector calling an admin function is refused with 403.
    let token = app.login("inspector@demo.nhs.test").await;
    let call = Request::post("/fn/admin_add_site")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from("name=Sneaky"))
        .unwrap();
    assert_eq!(app.send(call).await.status, StatusCode::FORBIDDEN);
}
