//! `PUT/GET /api/v1/photos/{id}` and `/thumbnail`: every status of the interface, metadata
//! stripped and orientation applied, sizes kept within bounds, scope, and a refused upload
//! leaving nothing behind.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::images::{self, BLUE, RED};
use common::{TestApp, spawn_app, spawn_app_with};
use serde_json::json;
use server::photos::blobs::sha256_hex;
use server::store::prelude::*;
use uuid::Uuid;

fn path(id: Uuid) -> String {
    format!("/api/v1/photos/{id}")
}

/// Every file the local photo store holds.
fn stored_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let root = app.state.config.photo_dir();
    for folder in std::fs::read_dir(root).unwrap() {
        for file in std::fs::read_dir(folder.unwrap().path()).unwrap() {
            files.push(file.unwrap().path());
        }
    }
    files
}

fn close(a: image::Rgb<u8>, b: image::Rgb<u8>) -> bool {
    a.0.iter().zip(b.0).all(|(x, y)| x.abs_diff(y) < 40)
}

#[tokio::test]
async fn exif_is_stripped_and_the_photo_comes_back_the_right_way_up() {
    let app = spawn_app().await;
    let token = app.login("inspector@demo.nhs.test").await;
    let upload = images::jpeg_with_exif();
    assert!(
        upload.windows(8).any(|w| w == b"ReadyCam"),
        "the fixture has camera tags"
    );
    let id = Uuid::now_v7();

    let reply = app
        .put_bytes(&path(id), Some(&token), "image/jpeg", &[], upload.clone())
        .await;
    assert_eq!(
        reply.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let receipt = reply.json();
    assert_eq!(receipt["id"], json!(id));
    assert_eq!(receipt["sha256"], json!(sha256_hex(&upload)));
    assert_eq!(
        (receipt["width"].as_u64(), receipt["height"].as_u64()),
        (Some(32), Some(64))
    );

    for variant in ["", "/thumbnail"] {
        let got = app
            .get(&format!("{}{variant}", path(id)), Some(&token))
            .await;
        assert_eq!(got.status, StatusCode::OK);
        assert_eq!(got.headers["content-type"], "image/jpeg");
        // Never kept in the browser's cache, where it would outlive the session.
        assert_eq!(got.headers["cache-control"], "no-store");
        let markers = images::header_markers(&got.body);
        assert!(
            markers
                .iter()
                .all(|m| !(0xE1..=0xEF).contains(m) && *m != 0xFE),
            "no APP1-APP15 or comment segment may survive: {markers:02X?}"
        );
        for needle in [
            &b"Exif"[..],
            b"ReadyCam",
            b"Ward Tablet",
            b"http://ns.adobe.com",
        ] {
            assert!(!got.body.windows(needle.len()).any(|w| w == needle));
        }
        let seen = image::load_from_memory(&got.body).unwrap().into_rgb8();
        assert_eq!(seen.dimensions(), (32, 64), "turned upright");
        assert!(close(*seen.get_pixel(16, 8), RED), "red on top");
        assert!(close(*seen.get_pixel(16, 56), BLUE), "blue below");
    }
}

#[tokio::test]
async fn large_pictures_are_kept_at_2048_and_thumbnailed_at_320() {
    let app = spawn_app().await;
    let token = app.login("inspector@demo.nhs.test").await;
    for (content_type, bytes) in [
        ("image/png", images::png(&images::two_halves(3000, 1000))),
        ("image/webp", images::webp(&images::two_halves(3000, 1000))),
        ("image/jpeg", images::jpeg(&images::two_halves(1000, 3000))),
    ] {
        let id = Uuid::now_v7();
        let reply = app
            .put_bytes(&path(id), Some(&token), content_type, &[], bytes)
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{content_type}");
        let kept = image::load_from_memory(&app.get(&path(id), Some(&token)).await.body).unwrap();
        let thumb = image::load_from_memory(
            &app.get(&format!("{}/thumbnail", path(id)), Some(&token))
                .await
                .body,
        )
        .unwrap();
        let (w, h) = (
            reply.json()["width"].as_u64().unwrap(),
            reply.json()["height"].as_u64().unwrap(),
        );
        assert_eq!((u64::from(kept.width()), u64::from(kept.height())), (w, h));
        assert_eq!(w.max(h), 2048, "{content_type}");
        assert_eq!(w.min(h), 683, "{content_type}");
        assert_eq!(thumb.width().max(thumb.height()), 320);
        assert_eq!(thumb.width().min(thumb.height()), 107);
    }
}

#[tokio::test]
async fn every_status_of_the_photo_interface_and_refusals_leave_nothing() {
    let app = spawn_app_with(|c| {
        c.max_photo_bytes = 200_000;
        c.photo.max_pixels = 1_000_000;
    })
    .await;
    let token = app.login("inspector@demo.nhs.test").await;
    let board = app.login("board@demo.nhs.test").await;
    let small = images::jpeg(&images::two_halves(400, 200));
    let id = Uuid::now_v7();
    let sha = sha256_hex(&small);

    // 401, 403: nothing kept.
    let reply = app
        .put_bytes(&path(id), None, "image/jpeg", &[], small.clone())
        .await;
    assert_eq!(
        (reply.status, reply.error_code().as_str()),
        (StatusCode::UNAUTHORIZED, "unauthenticated")
    );
    let reply = app
        .put_bytes(&path(id), Some(&board), "image/jpeg", &[], small.clone())
        .await;
    assert_eq!(
        (reply.status, reply.error_code().as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    // 415: a declared type outside the three, or bytes that are none of them.
    let reply = app
        .put_bytes(&path(id), Some(&token), "text/plain", &[], small.clone())
        .await;
    assert_eq!(
        (reply.status, reply.error_code().as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_type")
    );
    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec();
    let reply = app
        .put_bytes(&path(id), Some(&token), "image/jpeg", &[], gif)
        .await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec();
    let reply = app
        .put_bytes(&path(id), Some(&token), "image/png", &[], svg)
        .await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // 422: a checksum that does not match, bytes that do not decode, too many pixels.
    let reply = app
        .put_bytes(
            &path(id),
            Some(&token),
            "image/jpeg",
            &[("x-content-sha256", &"0".repeat(64))],
            small.clone(),
        )
        .await;
    assert_eq!(
        (reply.status, reply.error_code().as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable")
    );
    let mut broken = vec![0xFF, 0xD8, 0xFF, 0xE0];
    broken.extend(b"not really a picture".repeat(20));
    let reply = app
        .put_bytes(&path(id), Some(&token), "image/jpeg", &[], broken)
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let reply = app
        .put_bytes(
            &path(id),
            Some(&token),
            "image/png",
            &[],
            images::png(&images::two_halves(1001, 1000)),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.json()["message"].as_str().unwrap().contains("pixels"));
    // 413: over the size limit.
    let noisy = image::RgbImage::from_fn(900, 900, |x, y| {
        image::Rgb([((x * 7) ^ (y * 13)) as u8, (x * y) as u8, (x + y * 3) as u8])
    });
    let large = images::png(&noisy);
    assert!(large.len() > 200_000);
    let reply = app
        .put_bytes(&path(id), Some(&token), "image/png", &[], large)
        .await;
    assert_eq!(
        (reply.status, reply.error_code().as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "too_large")
    );
    assert!(app.store.photo(id).await.unwrap().is_none());
    assert!(
        stored_files(&app).is_empty(),
        "refused uploads keep nothing"
    );

    // 201, then 200 for the same bytes, 409 for other bytes under the same id.
    let reply = app
        .put_bytes(
            &path(id),
            Some(&token),
            "image/jpeg",
            &[("x-content-sha256", &sha.to_uppercase())],
            small.clone(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(stored_files(&app).len(), 2, "the picture and its thumbnail");
    let again = app
        .put_bytes(&path(id), Some(&token), "image/jpeg", &[], small.clone())
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json(), reply.json());
    let other = images::jpeg(&images::two_halves(20, 40));
    let reply = app
        .put_bytes(&path(id), Some(&token), "image/jpeg", &[], other)
        .await;
    assert_eq!(
        (reply.status, reply.error_code().as_str()),
        (StatusCode::CONFLICT, "conflict")
    );
    assert_eq!(stored_files(&app).len(), 2);

    // Reads: the owning trust and a reviewer with a current grant; 404 for everyone else.
    assert_eq!(
        app.get(&path(id), Some(&board)).await.status,
        StatusCode::OK
    );
    let reviewer = app.login("reviewer@buddy.nhs.test").await;
    assert_eq!(
        app.get(&path(id), Some(&reviewer)).await.status,
        StatusCode::OK
    );
    let outsider = app.login("admin@buddy.nhs.test").await;
    for p in [path(id), format!("{}/thumbnail", path(id))] {
        let reply = app.get(&p, Some(&outsider)).await;
        assert_eq!(
            (reply.status, reply.error_code().as_str()),
            (StatusCode::NOT_FOUND, "not_found")
        );
    }
    // The other trust cannot take over the id either.
    let reply = app
        .put_bytes(&path(id), Some(&outsider), "image/jpeg", &[], small.clone())
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(
        app.get(&path(Uuid::now_v7()), Some(&token)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/photos/not-a-uuid", Some(&token))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&path(id), None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

/// A photo-like picture: smooth shading, so every part of the file carries picture data.
fn shaded(width: u32, height: u32) -> image::RgbImage {
    image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 128])
    })
}

#[tokio::test]
async fn an_upload_cut_short_is_refused_and_nothing_is_kept() {
    let app = spawn_app().await;
    let token = app.login("inspector@demo.nhs.test").await;
    let picture = shaded(600, 400);
    let id = Uuid::now_v7();
    // Cut to a third in transit, sent without a checksum: the JPEG decoder alone would fill
    // the missing lower part with grey and the server keep it.
    for (media_type, whole) in [
        ("image/jpeg", images::jpeg(&picture)),
        ("image/png", images::png(&picture)),
        ("image/webp", images::webp(&picture)),
    ] {
        let cut = whole[..whole.len() / 3].to_vec();
        let reply = app
            .put_bytes(&path(id), Some(&token), media_type, &[], cut)
            .await;
        assert_eq!(
            (reply.status, reply.error_code().as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable"),
            "{media_type}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        assert!(
            !reply.json()["message"].as_str().unwrap().is_empty(),
            "{media_type}: the refusal says why"
        );
    }
    assert_eq!(
        app.get(&path(id), Some(&token)).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(app.store.photo(id).await.unwrap().is_none());
    assert!(stored_files(&app).is_empty(), "a cut upload keeps nothing");

    // The JPEG says plainly that it did not arrive whole; sent whole, it is kept.
    let whole = images::jpeg(&picture);
    let reply = app
        .put_bytes(
            &path(id),
            Some(&token),
            "image/jpeg",
            &[],
            whole[..whole.len() / 3].to_vec(),
        )
        .await;
    assert!(
        reply.json()["message"]
            .as_str()
            .unwrap()
            .contains("did not arrive whole"),
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let reply = app
        .put_bytes(&path(id), Some(&token), "image/jpeg", &[], whole)
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(
        app.get(&path(id), Some(&token)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_inspection_tells_which_photos_have_arrived() {
    let app = spawn_app().await;
    let token = app.login("inspector@demo.nhs.test").await;
    let units = app.get("/api/v1/units", Some(&token)).await.json();
    let unit = units[0]["id"].clone();
    let (inspection, photo) = (Uuid::now_v7(), Uuid::now_v7());
    let push = json!({"device_id": Uuid::now_v7(), "mutations": [
        {"id": Uuid::now_v7(), "kind": "inspection.upsert", "data": {"id": inspection,
            "unit_id": unit, "framework_id": "cqc-kloe-2017", "started_at": "2026-11-26T09:00:00Z",
            "status": "in_progress"}},
        {"id": Uuid::now_v7(), "kind": "finding.record", "data": {"id": Uuid::now_v7(),
            "inspection_id": inspection, "item_code": "S1.8", "response": "met", "note": "",
            "photo_ids": [photo], "observed_at": "2026-11-26T09:01:00Z"}}]});
    assert_eq!(
        app.post("/api/v1/sync/push", Some(&token), push)
            .await
            .status,
        StatusCode::OK
    );
    let view = format!("/api/v1/inspections/{inspection}");
    assert_eq!(
        app.get(&view, Some(&token)).await.json()["photos"],
        json!([{"id": photo, "held": false}])
    );
    let bytes = images::jpeg(&images::two_halves(40, 20));
    assert_eq!(
        app.put_bytes(&path(photo), Some(&token), "image/jpeg", &[], bytes)
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(
        app.get(&view, Some(&token)).await.json()["photos"],
        json!([{"id": photo, "held": true}])
    );
}

#[tokio::test]
async fn uploads_take_a_turn_before_their_body_is_read_and_a_full_house_answers_busy() {
    use axum::body::{Body, Bytes};
    use axum::http::{Request, header};
    use futures::channel::mpsc;
    let app = spawn_app_with(|c| c.photo_uploads_at_once = 1).await;
    let token = app.login("inspector@demo.nhs.test").await;
    // One upload arrives slowly: its body is still coming.
    let (mut more, body) = mpsc::channel::<Result<Bytes, std::io::Error>>(1);
    let slow = Request::put(path(Uuid::now_v7()))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "image/png")
        .body(Body::from_stream(body))
        .unwrap();
    let router = app.router.clone();
    let slow = tokio::spawn(async move {
        use tower::ServiceExt;
        router.oneshot(slow).await.unwrap().status()
    });
    more.try_send(Ok(Bytes::from_static(b"\x89PNG"))).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    // Another upload gets no turn while it reads: it is told the server is busy, and when to
    // come back, without its body being read.
    let busy = app
        .put_bytes(
            &path(Uuid::now_v7()),
            Some(&token),
            "image/png",
            &[],
            images::png(&images::two_halves(8, 8)),
        )
        .await;
    assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(busy.error_code(), "busy");
    assert_eq!(busy.headers[header::RETRY_AFTER], "5");

    // Once the slow one is done, uploads go through again.
    drop(more);
    assert_eq!(slow.await.unwrap(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let ok = app
        .put_bytes(
            &path(Uuid::now_v7()),
            Some(&token),
            "image/png",
            &[],
            images::png(&images::two_halves(8, 8)),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED);
}
