//! Photos in an S3-compatible object store: the store's three calls against a real S3 API
//! (scripts/test.sh starts s3rver from npm and sets `READYWARD_TEST_S3_URL`), and a photo
//! uploaded and read back through the interface with its files only in the bucket.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::images;
use server::photos::blobs::{PhotoStore, sha256_hex};
use server::photos::s3::{S3Bucket, S3Settings};
use uuid::Uuid;

/// How to get the object store the tests need.
const START_S3: &str = "scripts/test.sh starts a throwaway s3rver and sets it; to run these \
    tests alone, start one (cd end2end && npm ci, then node \
    node_modules/s3rver/bin/s3rver.js -d DIR -a 127.0.0.1 -p PORT --configure-bucket \
    readyward-test) and set READYWARD_TEST_S3_URL=http://127.0.0.1:PORT";

/// The test object store, from `READYWARD_TEST_S3_URL`. Without it, or when nothing answers
/// there, these tests fail: a test that did not run must not report success.
async fn settings() -> S3Settings {
    let endpoint = std::env::var("READYWARD_TEST_S3_URL")
        .unwrap_or_else(|_| panic!("READYWARD_TEST_S3_URL is not set. {START_S3}"));
    let _ = rustls::crypto::ring::default_provider().install_default();
    if let Err(e) = reqwest::get(&endpoint).await {
        panic!("cannot reach the object store at {endpoint}: {e}. {START_S3}");
    }
    S3Settings {
        endpoint,
        bucket: "readyward-test".to_owned(),
        region: "us-east-1".to_owned(),
        access_key: "S3RVER".to_owned(),
        secret_key: "S3RVER".to_owned(),
    }
}

#[tokio::test]
async fn the_object_store_keeps_gets_and_forgets_by_hash() {
    let settings = settings().await;
    let store = S3Bucket::new(&settings).unwrap();
    let bytes = format!("ward photo {}", Uuid::now_v7()).into_bytes();
    let key = store.put(bytes.clone()).await.unwrap();
    assert_eq!(key, sha256_hex(&bytes));
    assert_eq!(
        store.put(bytes.clone()).await.unwrap(),
        key,
        "the same bytes, the same key"
    );
    assert_eq!(store.get(&key).await.unwrap(), Some(bytes));
    store.delete(&key).await.unwrap();
    assert_eq!(store.get(&key).await.unwrap(), None);
    store.delete(&key).await.unwrap();
    assert!(store.get("not-a-key").await.is_err());
}

#[tokio::test]
async fn photos_go_to_the_bucket_and_come_back_through_the_interface() {
    let settings = settings().await;
    let app = common::spawn_app_with(|c| c.s3 = Some(settings.clone())).await;
    let token = app.login("inspector@demo.nhs.test").await;
    let id = Uuid::now_v7();
    let path = format!("/api/v1/photos/{id}");
    let upload = images::jpeg(&images::two_halves(600, 300));
    let reply = app
        .put_bytes(&path, Some(&token), "image/jpeg", &[], upload.clone())
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(
        app.put_bytes(&path, Some(&token), "image/jpeg", &[], upload)
            .await
            .status,
        StatusCode::OK
    );
    for variant in ["", "/thumbnail"] {
        let got = app.get(&format!("{path}{variant}"), Some(&token)).await;
        assert_eq!(got.status, StatusCode::OK);
        let seen = image::load_from_memory(&got.body).unwrap();
        assert_eq!(seen.width(), if variant.is_empty() { 600 } else { 320 });
    }
    assert!(
        !app.state.config.photo_dir().exists(),
        "nothing was kept on the server's disk"
    );

    // Removed by an admin, its objects leave the bucket.
    let held = {
        use server::store::prelude::*;
        app.state.store.photo(id).await.unwrap().unwrap()
    };
    let bucket = S3Bucket::new(&settings).unwrap();
    assert!(bucket.get(&held.image_key).await.unwrap().is_some());
    let admin = app.login("admin@demo.nhs.test").await;
    let reply = app
        .post(
            &format!("{path}/removal"),
            Some(&admin),
            serde_json::json!({"reason": "A patient's record on the desk"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    for key in [&held.image_key, &held.thumbnail_key] {
        assert_eq!(bucket.get(key).await.unwrap(), None);
    }
}
