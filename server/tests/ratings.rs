//! `POST /api/v1/ratings/aggregate`: the ratings principles over HTTP, with the interface's
//! errors. The principles themselves are tested case by case in `domain`.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::spawn_app;
use serde_json::{Value, json};

async fn aggregate(app: &common::TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    let reply = app
        .post("/api/v1/ratings/aggregate", Some(token), body)
        .await;
    let json = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
    (reply.status, json)
}

#[tokio::test]
async fn ratings_aggregate_by_the_principles_and_say_which_decided() {
    let app = spawn_app().await;
    let token = app.login("board@demo.nhs.test").await;
    let cases = [
        (
            json!(["good", "outstanding", "good"]),
            "outstanding",
            "outstanding_threshold",
        ),
        (
            json!(["outstanding", "good", "good", "good"]),
            "good",
            "good",
        ),
        (
            json!([
                "requires_improvement",
                "requires_improvement",
                "good",
                "good"
            ]),
            "requires_improvement",
            "requires_improvement_threshold",
        ),
        (
            json!(["inadequate", "good"]),
            "inadequate",
            "inadequate_threshold",
        ),
        (
            json!(["not_rated", "not_rated"]),
            "not_rated",
            "nothing_rated",
        ),
        // Limiters first: a requirement notice holds Outstanding to Requires improvement.
        (
            json!([{"rating": "outstanding", "enforcement": "requirement_notice"}]),
            "requires_improvement",
            "requires_improvement_threshold",
        ),
        (
            json!([{"rating": "good", "enforcement": "warning_notice"}, "good", "good"]),
            "inadequate",
            "inadequate_threshold",
        ),
        (
            json!([{"rating": "good"}, "outstanding"]),
            "outstanding",
            "outstanding_threshold",
        ),
    ];
    for (ratings, rating, rule) in cases {
        let (status, body) = aggregate(&app, &token, json!({ "ratings": ratings })).await;
        assert_eq!(status, StatusCode::OK, "{ratings}");
        assert_eq!(body, json!({"rating": rating, "rule": rule}), "{ratings}");
    }
}

#[tokio::test]
async fn bad_lists_get_a_clear_error() {
    let app = spawn_app().await;
    let token = app.login("inspector@demo.nhs.test").await;
    let (status, body) = aggregate(&app, &token, json!({"ratings": []})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "unprocessable");
    for bad in [
        json!({"ratings": ["great"]}),
        json!({"ratings": [{"rating": "good", "enforcement": "caution"}]}),
        json!({"ratings": "good"}),
        json!({}),
    ] {
        let (status, body) = aggregate(&app, &token, bad.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(body["error"], "invalid_body", "{bad}");
    }
    let reply = app
        .post_raw("/api/v1/ratings/aggregate", Some(&token), "not json")
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let reply = app
        .post(
            "/api/v1/ratings/aggregate",
            None,
            json!({"ratings": ["good"]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_interface_document_describes_the_new_routes() {
    let app = spawn_app().await;
    let doc = app.get("/api/v1/openapi.json", None).await.json();
    for path in [
        "/api/v1/ratings/aggregate",
        "/api/v1/inspections/{id}/hand-over",
        "/api/v1/templates/{id}/versions/{version}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
}
