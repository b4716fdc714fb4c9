//! Information governance: a trust admin removes a photo that caught a patient by mistake. Its
//! bytes are deleted, reads answer 404, its id is refused for good, the audit trail keeps the
//! reason and not the image, and pulls tell every device to drop its copy.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::images;
use common::spawn_app;
use serde_json::json;
use uuid::Uuid;

/// Every file the local photo store holds.
fn stored_files(app: &common::TestApp) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let Ok(folders) = std::fs::read_dir(app.state.config.photo_dir()) else {
        return files;
    };
    for folder in folders {
        for file in std::fs::read_dir(folder.unwrap().path()).unwrap() {
            files.push(file.unwrap().path());
        }
    }
    files
}

#[tokio::test]
async fn an_admin_removes_a_photo_and_it_is_gone_for_good() {
    let app = spawn_app().await;
    let inspector = app.login("inspector@demo.nhs.test").await;
    let admin = app.login("admin@demo.nhs.test").await;
    let other_admin = app.login("admin@buddy.nhs.test").await;
    let id = Uuid::now_v7();
    let photo = format!("/api/v1/photos/{id}");
    let bytes = images::jpeg(&images::two_halves(400, 200));
    let reply = app
        .put_bytes(&photo, Some(&inspector), "image/jpeg", &[], bytes.clone())
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let files_before = stored_files(&app).len();
    assert_eq!(files_before, 2, "the picture and its thumbnail");
    let removal = format!("{photo}/removal");
    let reason = json!({"reason": "A patient's face in the background"});

    // Signed out 401; not an admin 403; another trust's admin 404; no reason 422; and each
    // leaves the photo as it was.
    assert_eq!(
        app.post(&removal, None, reason.clone()).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.post(&removal, Some(&inspector), reason.clone())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post(&removal, Some(&other_admin), reason.clone())
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let empty = app
        .post(&removal, Some(&admin), json!({"reason": "  "}))
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.post(
            &format!("/api/v1/photos/{}/removal", Uuid::now_v7()),
            Some(&admin),
            reason.clone()
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&photo, Some(&inspector)).await.status,
        StatusCode::OK
    );

    let removed = app.post(&removal, Some(&admin), reason.clone()).await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.json());
    let removed_at = removed.json()["removed_at"].clone();

    // The bytes are deleted (the S3 suite checks the bucket), and reads are not found.
    assert_eq!(stored_files(&app), Vec::<std::path::PathBuf>::new());
    for variant in ["", "/thumbnail"] {
        let got = app.get(&format!("{photo}{variant}"), Some(&admin)).await;
        assert_eq!(got.status, StatusCode::NOT_FOUND);
    }
    // The id is refused from now on, the same bytes too.
    let again = app
        .put_bytes(&photo, Some(&inspector), "image/jpeg", &[], bytes)
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again.json()["message"]
            .as_str()
            .unwrap()
            .contains("removed")
    );

    // Asked again, it answers with the first removal and writes nothing more.
    let twice = app.post(&removal, Some(&admin), reason).await;
    assert_eq!(twice.status, StatusCode::OK);
    assert_eq!(twice.json()["removed_at"], removed_at);

    // Audited once, with the reason and without the picture.
    let audited = app
        .count_behind_its_back(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'photo.remove' \
             AND content LIKE '%face in the background%' AND content NOT LIKE '%image_key%'",
        )
        .await;
    assert_eq!(audited, 1);

    // Every device of the trust is told to drop its copy.
    for token in [&inspector, &admin] {
        let pull = app.get("/api/v1/sync/pull", Some(token)).await.json();
        assert_eq!(pull["removed_photo_ids"], json!([id]));
    }
    let elsewhere = app.login("reviewer@buddy.nhs.test").await;
    let pull = app.get("/api/v1/sync/pull", Some(&elsewhere)).await.json();
    assert_eq!(pull["removed_photo_ids"], json!([]));
}

/// Sends `bytes` as a new photo; the status.
async fn upload(app: &common::TestApp, token: &str, id: Uuid, bytes: &[u8]) -> StatusCode {
    let path = format!("/api/v1/photos/{id}");
    app.put_bytes(&path, Some(token), "image/jpeg", &[], bytes.to_vec())
        .await
        .status
}

#[tokio::test]
async fn the_same_picture_goes_everywhere_in_the_trust_and_nowhere_else() {
    let app = spawn_app().await;
    let inspector = app.login("inspector@demo.nhs.test").await;
    let admin = app.login("admin@demo.nhs.test").await;
    let buddy_admin = app.login("admin@buddy.nhs.test").await;
    let bytes = images::jpeg(&images::two_halves(300, 200));
    let (first, second, elsewhere) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    for id in [first, second] {
        assert_eq!(
            upload(&app, &inspector, id, &bytes).await,
            StatusCode::CREATED
        );
    }
    assert_eq!(
        upload(&app, &buddy_admin, elsewhere, &bytes).await,
        StatusCode::CREATED
    );
    let held = stored_files(&app).len();
    let reply = app
        .post(
            &format!("/api/v1/photos/{first}/removal"),
            Some(&admin),
            json!({"reason": "A patient's wristband is readable"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);

    // The second photo of the trust is the same picture: it goes too, and devices drop both.
    let got = app
        .get(&format!("/api/v1/photos/{second}"), Some(&inspector))
        .await;
    assert_eq!(got.status, StatusCode::NOT_FOUND);
    let pull = app.get("/api/v1/sync/pull", Some(&inspector)).await.json();
    let mut dropped: Vec<Uuid> = serde_json::from_value(pull["removed_photo_ids"].clone()).unwrap();
    dropped.sort();
    assert_eq!(dropped, vec![first, second]);
    // Another trust's photo of the same bytes is theirs to govern: it still reads.
    let got = app
        .get(&format!("/api/v1/photos/{elsewhere}"), Some(&buddy_admin))
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(stored_files(&app).len(), held, "kept for the other trust");
    // Sent again under a new id, the removed picture is refused and nothing is kept for it.
    assert_eq!(
        upload(&app, &inspector, Uuid::now_v7(), &bytes).await,
        StatusCode::CONFLICT
    );
    assert_eq!(stored_files(&app).len(), held);
}

#[tokio::test]
async fn a_removed_photo_leaves_the_findings_that_named_it() {
    let app = spawn_app().await;
    let inspector = app.login("inspector@demo.nhs.test").await;
    let admin = app.login("admin@demo.nhs.test").await;
    let (kept, removed) = (Uuid::now_v7(), Uuid::now_v7());
    let bytes = [
        images::jpeg(&images::two_halves(300, 200)),
        images::jpeg(&images::two_halves(200, 300)),
    ];
    for (id, bytes) in [kept, removed].into_iter().zip(&bytes) {
        assert_eq!(
            upload(&app, &inspector, id, bytes).await,
            StatusCode::CREATED
        );
    }
    let units = app.get("/api/v1/units", Some(&inspector)).await.json();
    let unit: Uuid = units[0]["id"].as_str().unwrap().parse().unwrap();
    let (inspection, finding) = (Uuid::now_v7(), Uuid::now_v7());
    let answer = |photos: Vec<Uuid>| {
        let mut m = common::changes::finding(finding, inspection, "not_met", "Sharps bin full");
        m["data"]["photo_ids"] = json!(photos);
        m
    };
    let push = |mutations: Vec<serde_json::Value>| json!({"device_id": Uuid::now_v7(), "mutations": mutations});
    let reply = app
        .post(
            "/api/v1/sync/push",
            Some(&inspector),
            push(vec![
                common::changes::upsert(inspection, unit, "in_progress"),
                answer(vec![kept, removed]),
            ]),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let reply = app
        .post(
            &format!("/api/v1/photos/{removed}/removal"),
            Some(&admin),
            json!({"reason": "A patient's notes are legible"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let photos_named = |view: serde_json::Value| view["findings"][0]["photo_ids"].clone();
    let view = app
        .get(&format!("/api/v1/inspections/{inspection}"), Some(&admin))
        .await;
    assert_eq!(photos_named(view.json()), json!([kept]));

    // A device that has not pulled since sends the finding again naming it: it stays out.
    let reply = app
        .post(
            "/api/v1/sync/push",
            Some(&inspector),
            push(vec![answer(vec![kept, removed])]),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
    let view = app
        .get(&format!("/api/v1/inspections/{inspection}"), Some(&admin))
        .await;
    assert_eq!(photos_named(view.json()), json!([kept]));
}
