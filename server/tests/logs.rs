//! What an operator reads: one structured line per request (method, route, status, latency,
//! user and trust, request id, echoed in `x-request-id`), the cause of every 5xx on that line,
//! sign-in refusals with the user id or "unknown email", and never a password, token or cookie.
//!
//! Logs are captured as JSON lines by a subscriber set for this test's thread (the tests run
//! on a current-thread runtime, so every task of the request logs there).
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{PASSWORD, Reply, TestApp, spawn_app};
use serde_json::Value;
use server::clock::Clock;

/// Log output kept in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// Every line, parsed.
    fn lines(&self) -> Vec<Value> {
        self.text()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    /// The request lines (one per request), in order.
    fn requests(&self) -> Vec<Value> {
        self.lines()
            .into_iter()
            .filter(|l| l["target"] == "server::request_log")
            .filter(|l| l["message"] == "request" || l["message"] == "request failed")
            .collect()
    }
}

/// Logs of this thread go to the returned buffer (as the server's defaults filter them) until
/// the guard drops.
fn capture() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_env_filter("info,sqlx=warn")
        .with_writer(move || writer.clone())
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

fn request_id(reply: &Reply) -> String {
    reply
        .headers
        .get("x-request-id")
        .expect("every response carries x-request-id")
        .to_str()
        .unwrap()
        .to_owned()
}

async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn every_request_logs_one_line_with_its_status_and_id() {
    let app = spawn_app().await;
    let token = app.login("inspector@demo.nhs.test").await;
    let inspector = app.caller(&token).await.user;
    let (logs, _guard) = capture();

    let mut replies = vec![
        app.get("/healthz", None).await,
        app.get("/api/v1/units", None).await,
        get_with(&app, "/frameworks?secret=hush", &[]).await,
        get_with(&app, "/", &[("x-request-id", "probe-42.a_b")]).await,
        get_with(&app, "/", &[("x-request-id", "not sane\"id")]).await,
        get_with(
            &app,
            "/",
            &[("cookie", &format!("readyward_session={token}"))],
        )
        .await,
    ];
    replies.push(app.get("/api/v1/units", Some(&token)).await);

    let lines = logs.requests();
    assert_eq!(lines.len(), replies.len(), "{}", logs.text());
    for (reply, line) in replies.iter().zip(&lines) {
        assert_eq!(line["request_id"], request_id(reply), "{line}");
        assert_eq!(line["status"], reply.status.as_u16(), "{line}");
        assert_eq!(line["method"], "GET", "{line}");
        assert!(line["latency_ms"].is_u64(), "{line}");
    }
    assert_eq!(lines[0]["route"], "/healthz");
    assert_eq!(lines[1]["status"], 401);
    // The path only: a query can hold secrets.
    assert_eq!(lines[2]["route"], "/frameworks");
    assert_eq!(lines[2]["status"], 303);
    // A sane incoming id is kept; anything else is replaced by a UUID v7.
    assert_eq!(request_id(&replies[3]), "probe-42.a_b");
    let fresh = uuid::Uuid::parse_str(&request_id(&replies[4])).unwrap();
    assert_eq!(fresh.get_version_num(), 7);
    // Signed in: the user and trust, whether by cookie or by token.
    for line in [&lines[5], &lines[6]] {
        assert_eq!(line["status"], 200, "{line}");
        assert_eq!(line["user_id"], inspector.id.to_string(), "{line}");
        assert_eq!(line["trust_id"], inspector.trust_id.to_string(), "{line}");
    }
    assert_eq!(lines[6]["route"], "/api/v1/units");
    assert!(lines[0].get("user_id").is_none());

    let text = logs.text();
    for secret in [token.as_str(), "hush", "readyward_session"] {
        assert!(!text.contains(secret), "{secret} was logged: {text}");
    }
}

/// The database's own words for a missing table (SQLite, PostgreSQL).
fn table_gone(text: &str) -> bool {
    text.contains("no such table") || text.contains("does not exist")
}

#[tokio::test]
async fn a_5xx_logs_its_cause_with_the_request_id() {
    let app = spawn_app().await;
    let token = app.login("inspector@demo.nhs.test").await;
    // Break the storage under the server: the units table is gone.
    app.execute_behind_its_back("ALTER TABLE units RENAME TO units_gone")
        .await;
    let (logs, _guard) = capture();

    // Through the REST API, and through a page's server function.
    let api = app.get("/api/v1/units", Some(&token)).await;
    let page_fn = Request::post("/fn/list_units")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let page_fn = app.send(page_fn).await;

    let lines = logs.requests();
    assert_eq!(lines.len(), 2, "{}", logs.text());
    for (reply, line) in [&api, &page_fn].into_iter().zip(&lines) {
        assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(line["request_id"], request_id(reply), "{line}");
        assert_eq!(line["status"], 500, "{line}");
        assert_eq!(line["level"], "ERROR", "{line}");
        let cause = line["error"].as_str().unwrap_or_default();
        assert!(table_gone(cause), "no cause: {line}");
    }
    // The caller is told nothing of it.
    assert!(!table_gone(&String::from_utf8_lossy(&api.body)));
    assert!(!table_gone(&String::from_utf8_lossy(&page_fn.body)));
}

#[tokio::test]
async fn sign_in_refusals_name_the_user_or_an_unknown_email_and_never_the_password() {
    let app = spawn_app().await;
    let token = app.login("inspector@demo.nhs.test").await;
    let inspector = app.caller(&token).await.user;
    let (logs, _guard) = capture();

    let wrong = "Wrong-Horse-Battery-7";
    for email in ["inspector@demo.nhs.test", "nobody@elsewhere.test"] {
        let reply = app
            .post(
                "/api/v1/auth/login",
                None,
                serde_json::json!({"email": email, "password": wrong}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    app.login("inspector@demo.nhs.test").await;

    let lines = logs.lines();
    let refused: Vec<&Value> = lines
        .iter()
        .filter(|l| l["message"] == "sign-in refused")
        .collect();
    assert_eq!(refused.len(), 2, "{}", logs.text());
    assert_eq!(refused[0]["level"], "WARN");
    assert_eq!(refused[0]["user_id"], inspector.id.to_string());
    assert_eq!(refused[0]["trust_id"], inspector.trust_id.to_string());
    assert_eq!(refused[1]["user"], "unknown email");
    assert!(refused[1].get("user_id").is_none());
    let signed_in = lines
        .iter()
        .find(|l| l["message"] == "signed in")
        .expect("a sign-in is logged");
    assert_eq!(signed_in["user_id"], inspector.id.to_string());

    let text = logs.text();
    for secret in [
        wrong,
        PASSWORD,
        "nobody@elsewhere.test",
        "inspector@demo.nhs.test",
    ] {
        assert!(!text.contains(secret), "{secret} was logged: {text}");
    }
}

#[tokio::test]
async fn admin_changes_are_logged_with_the_acting_admin() {
    let app = spawn_app().await;
    let token = app.login("admin@demo.nhs.test").await;
    let admin = app.caller(&token).await;
    let inspector = app
        .caller(&app.login("inspector@demo.nhs.test").await)
        .await;
    let (logs, _guard) = capture();

    server::admin::reset_password(&app.store, &admin, inspector.user.id, app.clock.now())
        .await
        .unwrap();
    let lines = logs.lines();
    let reset = lines
        .iter()
        .find(|l| {
            l["message"]
                .as_str()
                .unwrap_or_default()
                .contains("reset a password")
        })
        .unwrap_or_else(|| panic!("not logged: {}", logs.text()));
    assert_eq!(reset["level"], "INFO");
    assert_eq!(reset["user_id"], admin.user.id.to_string());
    assert_eq!(reset["trust_id"], admin.user.trust_id.to_string());
    assert_eq!(reset["target_user_id"], inspector.user.id.to_string());
}
