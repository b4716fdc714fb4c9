//! Retention: a trust admin sets how long evidence, photos and the audit trail are kept
//! (audited; out-of-order periods refused), and the nightly sweep deletes the photos past
//! their period, as a removal would, while newer ones stay; until an admin sets the periods,
//! nothing is deleted.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::{images, spawn_app};
use domain::retention::Retention;
use serde_json::json;
use server::clock::Clock;
use server::error::ApiError;
use uuid::Uuid;

fn years(evidence_years: u32, photo_years: u32, log_years: u32) -> Retention {
    Retention {
        evidence_years,
        photo_years,
        log_years,
    }
}

#[tokio::test]
async fn an_admin_sets_retention_and_only_an_admin() {
    let app = spawn_app().await;
    let admin = app.caller(&app.login("admin@demo.nhs.test").await).await;
    let inspector = app
        .caller(&app.login("inspector@demo.nhs.test").await)
        .await;
    let now = app.clock.now();
    let trust = admin.user.trust_id;
    let shown = server::retention::view(&app.store, trust).await.unwrap();
    assert_eq!(shown.retention, Retention::default());
    assert_eq!(shown.changed, None);

    let refused = server::retention::set(&app.store, &inspector, &years(5, 2, 6), now).await;
    assert!(
        matches!(refused, Err(ApiError::Forbidden(_))),
        "{refused:?}"
    );
    let refused = server::retention::set(&app.store, &admin, &years(2, 3, 6), now).await;
    assert!(
        matches!(refused, Err(ApiError::Unprocessable(_))),
        "{refused:?}"
    );
    assert_eq!(
        server::retention::view(&app.store, trust)
            .await
            .unwrap()
            .changed,
        None
    );

    server::retention::set(&app.store, &admin, &years(5, 2, 6), now)
        .await
        .unwrap();
    let shown = server::retention::view(&app.store, trust).await.unwrap();
    assert_eq!(shown.retention, years(5, 2, 6));
    assert_eq!(shown.changed.unwrap().0, admin.user.name);
    let audited = app
        .count_behind_its_back(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'retention.set' \
             AND content LIKE '%\"photo_years\":2%'",
        )
        .await;
    assert_eq!(audited, 1);
    // Another trust keeps its own.
    let buddy = app.caller(&app.login("admin@buddy.nhs.test").await).await;
    let theirs = server::retention::view(&app.store, buddy.user.trust_id)
        .await
        .unwrap();
    assert_eq!(theirs.retention, Retention::default());
}

/// Sends a new photo as the demo inspector (signed in afresh: the clock moves by years here).
async fn upload(app: &common::TestApp, id: Uuid, width: u32) {
    let token = app.login("inspector@demo.nhs.test").await;
    let bytes = images::jpeg(&images::two_halves(width, 200));
    let path = format!("/api/v1/photos/{id}");
    let reply = app
        .put_bytes(&path, Some(&token), "image/jpeg", &[], bytes)
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
}

/// How a read of the photo answers the demo inspector.
async fn read(app: &common::TestApp, id: Uuid) -> StatusCode {
    let token = app.login("inspector@demo.nhs.test").await;
    app.get(&format!("/api/v1/photos/{id}"), Some(&token))
        .await
        .status
}

#[tokio::test]
async fn photos_past_their_period_are_deleted_and_newer_ones_stay() {
    let app = spawn_app().await;
    let (old, new) = (Uuid::now_v7(), Uuid::now_v7());
    upload(&app, old, 400).await;
    app.clock.advance(chrono::TimeDelta::days(400));
    upload(&app, new, 500).await;
    // Nobody chose a period yet: the suggested ones delete nothing.
    assert_eq!(server::retention::sweep(&app.state).await.unwrap(), 0);
    assert_eq!(read(&app, old).await, StatusCode::OK);
    let admin = app.caller(&app.login("admin@demo.nhs.test").await).await;
    server::retention::set(&app.store, &admin, &years(8, 1, 8), app.clock.now())
        .await
        .unwrap();

    assert_eq!(server::retention::sweep(&app.state).await.unwrap(), 1);
    assert_eq!(read(&app, old).await, StatusCode::NOT_FOUND);
    assert_eq!(read(&app, new).await, StatusCode::OK);
    let token = app.login("inspector@demo.nhs.test").await;
    // Years old, on no tablet: not listed among the removals devices act on.
    let pull = app.get("/api/v1/sync/pull", Some(&token)).await.json();
    assert_eq!(pull["removed_photo_ids"], json!([]));
    let audited = app
        .count_behind_its_back(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'photo.expire' \
             AND actor_id IS NULL AND content LIKE '%retention period ended%'",
        )
        .await;
    assert_eq!(audited, 1);
    // Nothing more is due until the newer photo's year is up.
    assert_eq!(server::retention::sweep(&app.state).await.unwrap(), 0);
    app.clock.advance(chrono::TimeDelta::days(400));
    assert_eq!(server::retention::sweep(&app.state).await.unwrap(), 1);
    assert_eq!(read(&app, new).await, StatusCode::NOT_FOUND);
}
