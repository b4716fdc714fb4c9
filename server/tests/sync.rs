//! `POST /api/v1/sync/push` and `GET /api/v1/inspections/{id}`: every status of the interface,
//! and the push rules told once against SQLite and once against PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use chrono::Utc;
use common::changes::{finding, upsert};
use common::{PASSWORD, spawn_app};
use domain::sync::Mutation;
use domain::sync::judge::{PushItem, Pusher};
use domain::sync::{PushStatus, kind};
use serde_json::{Value, json};
use server::clock::Clock;
use server::store::Store;
use server::store::prelude::*;
use uuid::Uuid;

fn statuses(reply: &Value) -> Vec<String> {
    reply["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_owned())
        .collect()
}

async fn ward_of(app: &common::TestApp, token: &str) -> Uuid {
    let units = app.get("/api/v1/units", Some(token)).await.json();
    units[0]["id"].as_str().unwrap().parse().unwrap()
}

/// The same batch sent twice at the same moment (a device retrying while its first push is
/// still in flight): every change is applied once and reported as a duplicate once, on both
/// databases (PostgreSQL runs the two pushes truly at once and retries the one that lost).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_push_twice_at_once_applies_each_change_once() {
    let app = spawn_app().await;
    let token = app.login("inspector@demo.nhs.test").await;
    let unit = ward_of(&app, &token).await;
    for _ in 0..4 {
        let inspection = Uuid::now_v7();
        let findings: Vec<Uuid> = (0..20).map(|_| Uuid::now_v7()).collect();
        let mut mutations = vec![upsert(inspection, unit, "in_progress")];
        mutations.extend(findings.iter().map(|f| finding(*f, inspection, "met", "")));
        let batch = json!({"device_id": Uuid::now_v7(), "mutations": mutations});
        let (a, b) = tokio::join!(
            app.post("/api/v1/sync/push", Some(&token), batch.clone()),
            app.post("/api/v1/sync/push", Some(&token), batch.clone()),
        );
        assert_eq!((a.status, b.status), (StatusCode::OK, StatusCode::OK));
        let (a, b) = (statuses(&a.json()), statuses(&b.json()));
        for (x, y) in a.iter().zip(&b) {
            let mut pair = [x.as_str(), y.as_str()];
            pair.sort_unstable();
            assert_eq!(pair, ["applied", "duplicate"], "{a:?} {b:?}");
        }
        for f in &findings {
            assert_eq!(app.store.history(*f).await.unwrap().len(), 1);
        }
        let view = app
            .get(&format!("/api/v1/inspections/{inspection}"), Some(&token))
            .await
            .json();
        assert_eq!(view["findings"].as_array().unwrap().len(), 20);
    }
}

#[tokio::test]
async fn a_push_applies_in_order_and_a_retry_is_a_duplicate() {
    let app = spawn_app().await;
    let token = app.login("inspector@demo.nhs.test").await;
    let unit = ward_of(&app, &token).await;
    let (inspection, f1) = (Uuid::now_v7(), Uuid::now_v7());
    let photo = Uuid::now_v7();
    let mut answer = finding(f1, inspection, "met", "Clean and tidy");
    answer["data"]["photo_ids"] = json!([photo]);
    let interview = json!({"id": Uuid::now_v7(), "kind": kind::INTERVIEW_RECORD, "data": {
        "id": Uuid::now_v7(), "inspection_id": inspection, "interviewee": "patient",
        "item_codes": ["C1"], "note": "Staff were kind", "observed_at": "2026-11-25T09:10:00Z"}});
    let batch = json!({"device_id": Uuid::now_v7(),
        "mutations": [upsert(inspection, unit, "in_progress"), answer, interview]});

    let first = app
        .post("/api/v1/sync/push", Some(&token), batch.clone())
        .await;
    assert_eq!(
        first.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    assert_eq!(statuses(&first.json()), ["applied", "applied", "applied"]);
    // The whole batch again (a retry after a lost answer): nothing is written twice.
    let again = app
        .post("/api/v1/sync/push", Some(&token), batch.clone())
        .await;
    assert_eq!(
        statuses(&again.json()),
        ["duplicate", "duplicate", "duplicate"]
    );

    // A changed answer is a new mutation for the same record: the record changes.
    let changed = json!({"device_id": Uuid::now_v7(),
        "mutations": [finding(f1, inspection, "not_met", "Sharps bin overfull")]});
    assert_eq!(
        statuses(
            &app.post("/api/v1/sync/push", Some(&token), changed)
                .await
                .json()
        ),
        ["applied"]
    );

    let view = app
        .get(&format!("/api/v1/inspections/{inspection}"), Some(&token))
        .await;
    assert_eq!(view.status, StatusCode::OK);
    let view = view.json();
    assert_eq!(view["unit_id"], unit.to_string());
    assert_eq!(view["status"], "in_progress");
    assert_eq!(view["findings"].as_array().unwrap().len(), 1);
    assert_eq!(view["findings"][0]["response"], "not_met");
    assert_eq!(view["findings"][0]["note"], "Sharps bin overfull");
    assert_eq!(view["interviews"][0]["item_codes"], json!(["C1"]));
    // The photo the first answer named is expected, not yet held (the new answer dropped it).
    assert_eq!(view["photos"], json!([]));
}

#[tokio::test]
async fn a_reused_id_is_a_conflict_and_bad_changes_are_rejected_alone() {
    let app = spawn_app().await;
    let token = app.login("inspector@demo.nhs.test").await;
    let unit = ward_of(&app, &token).await;
    let inspection = Uuid::now_v7();
    let start = upsert(inspection, unit, "in_progress");
    let mut reused = finding(Uuid::now_v7(), inspection, "met", "");
    reused["id"] = start["id"].clone();
    let mut unknown_code = finding(Uuid::now_v7(), inspection, "met", "");
    unknown_code["data"]["item_code"] = json!("Z9.9");
    let other_trust_unit = {
        let buddy = app.login("admin@buddy.nhs.test").await;
        ward_of(&app, &buddy).await
    };
    let batch = json!({"device_id": Uuid::now_v7(), "mutations": [
        start.clone(),
        reused,
        unknown_code,
        {"id": Uuid::now_v7(), "kind": "photo.teleport", "data": {"id": Uuid::now_v7()}},
        finding(Uuid::now_v7(), Uuid::now_v7(), "met", "no such inspection"),
        upsert(Uuid::now_v7(), other_trust_unit, "in_progress"),
        {"id": Uuid::now_v7(), "kind": kind::FINDING_RECORD, "data": {"id": "not-a-uuid"}},
        finding(Uuid::now_v7(), inspection, "partially_met", "still applies"),
    ]});
    let reply = app
        .post("/api/v1/sync/push", Some(&token), batch)
        .await
        .json();
    assert_eq!(
        statuses(&reply),
        [
            "applied", "conflict", "rejected", "rejected", "rejected", "rejected", "rejected",
            "applied"
        ]
    );
    for r in &reply["results"].as_array().unwrap()[2..7] {
        assert!(!r["error"].as_str().unwrap().is_empty(), "{r}");
    }
    // The conflict was kept for review and overwrote nothing.
    let view = app
        .get(&format!("/api/v1/inspections/{inspection}"), Some(&token))
        .await
        .json();
    assert_eq!(view["findings"].as_array().unwrap().len(), 1);

    // A finding never moves to another inspection.
    let (second, moved) = (Uuid::now_v7(), Uuid::now_v7());
    let moving = json!({"device_id": Uuid::now_v7(), "mutations": [
        finding(moved, inspection, "met", "here"),
        upsert(second, unit, "in_progress"),
        finding(moved, second, "met", "moved"),
    ]});
    let reply = app
        .post("/api/v1/sync/push", Some(&token), moving)
        .await
        .json();
    assert_eq!(statuses(&reply), ["applied", "applied", "rejected"]);

    // Once submitted, the inspection takes no more changes.
    let finish = json!({"device_id": Uuid::now_v7(), "mutations": [
        upsert(inspection, unit, "submitted"),
        finding(Uuid::now_v7(), inspection, "met", "too late"),
        upsert(inspection, unit, "in_progress"),
    ]});
    let reply = app
        .post("/api/v1/sync/push", Some(&token), finish)
        .await
        .json();
    assert_eq!(statuses(&reply), ["applied", "rejected", "rejected"]);
}

/// Pushes `mutations` as the holder of `token`; the reply's JSON.
async fn push(app: &common::TestApp, token: &str, mutations: Vec<Value>) -> Value {
    let batch = json!({"device_id": Uuid::now_v7(), "mutations": mutations});
    app.post("/api/v1/sync/push", Some(token), batch)
        .await
        .json()
}

#[tokio::test]
async fn only_the_inspector_who_started_an_inspection_pushes_to_it() {
    let app = spawn_app().await;
    let inspector = app.login("inspector@demo.nhs.test").await;
    let colleague = app.login("admin@demo.nhs.test").await;
    let units = app.get("/api/v1/units", Some(&inspector)).await.json();
    let unit: Uuid = units[0]["id"].as_str().unwrap().parse().unwrap();
    let other_unit: Uuid = units[1]["id"].as_str().unwrap().parse().unwrap();
    let (inspection, answer) = (Uuid::now_v7(), Uuid::now_v7());
    let started = push(
        &app,
        &inspector,
        vec![
            upsert(inspection, unit, "in_progress"),
            finding(answer, inspection, "met", "mine"),
        ],
    )
    .await;
    assert_eq!(statuses(&started), ["applied", "applied"]);

    // Someone else of the same trust can neither move it to another ward, overwrite or add to
    // its findings, nor finish it.
    let reply = push(
        &app,
        &colleague,
        vec![
            upsert(inspection, other_unit, "in_progress"),
            finding(answer, inspection, "not_met", "overwritten"),
            finding(Uuid::now_v7(), inspection, "met", "added"),
            upsert(inspection, unit, "submitted"),
        ],
    )
    .await;
    assert_eq!(statuses(&reply), ["rejected"; 4]);
    for r in reply["results"].as_array().unwrap() {
        assert_eq!(
            r["error"],
            "the inspection belongs to someone else (started by them or handed over to them): only they can change it"
        );
    }
    let view = app
        .get(
            &format!("/api/v1/inspections/{inspection}"),
            Some(&inspector),
        )
        .await
        .json();
    assert_eq!(
        (&view["unit_id"], &view["status"]),
        (&json!(unit), &json!("in_progress"))
    );
    assert_eq!(view["findings"].as_array().unwrap().len(), 1);
    assert_eq!(view["findings"][0]["note"], "mine");
}

#[tokio::test]
async fn a_change_id_another_trust_used_is_refused_and_shows_nothing_of_it() {
    let app = spawn_app().await;
    let inspector = app.login("inspector@demo.nhs.test").await;
    let stranger = app.login("admin@buddy.nhs.test").await;
    let start = upsert(
        Uuid::now_v7(),
        ward_of(&app, &inspector).await,
        "in_progress",
    );
    assert_eq!(
        statuses(&push(&app, &inspector, vec![start.clone()]).await),
        ["applied"]
    );
    // The same id from another trust, with the same content and with its own: neither a
    // duplicate nor a conflict kept for review beside the demo trust's change.
    let mut own = upsert(
        Uuid::now_v7(),
        ward_of(&app, &stranger).await,
        "in_progress",
    );
    own["id"] = start["id"].clone();
    let reply = push(&app, &stranger, vec![start, own]).await;
    assert_eq!(statuses(&reply), ["rejected", "rejected"]);
    assert_eq!(
        reply["results"][0]["error"],
        "this change id is already taken: make a new one"
    );
    assert_eq!(
        app.count_behind_its_back("SELECT COUNT(*) FROM sync_conflicts")
            .await,
        0
    );
}

#[tokio::test]
async fn every_error_status_of_push_and_inspection_reads() {
    let app = spawn_app().await;
    let token = app.login("inspector@demo.nhs.test").await;
    let body = json!({"device_id": Uuid::now_v7(), "mutations": []});
    assert_eq!(
        app.post("/api/v1/sync/push", None, body.clone())
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let not_json = app
        .post_raw("/api/v1/sync/push", Some(&token), "{not json")
        .await;
    assert_eq!(
        (not_json.status, not_json.error_code().as_str()),
        (StatusCode::BAD_REQUEST, "malformed_json")
    );
    let shapeless = app
        .post("/api/v1/sync/push", Some(&token), json!({"mutations": []}))
        .await;
    assert_eq!(
        (shapeless.status, shapeless.error_code().as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body")
    );
    let board = app.login("board@demo.nhs.test").await;
    let forbidden = app
        .post("/api/v1/sync/push", Some(&board), body.clone())
        .await;
    assert_eq!(
        (forbidden.status, forbidden.error_code().as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    let many: Vec<Value> = (0..501)
        .map(|_| finding(Uuid::now_v7(), Uuid::now_v7(), "met", ""))
        .collect();
    let too_many = app
        .post(
            "/api/v1/sync/push",
            Some(&token),
            json!({"device_id": Uuid::now_v7(), "mutations": many}),
        )
        .await;
    assert_eq!(
        (too_many.status, too_many.error_code().as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "too_large")
    );
    let huge = format!(
        r#"{{"device_id":"{}","mutations":[],"pad":"{}"}}"#,
        Uuid::now_v7(),
        "x".repeat(6 * 1024 * 1024)
    );
    let too_big = app.post_raw("/api/v1/sync/push", Some(&token), &huge).await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
    let empty = app.post("/api/v1/sync/push", Some(&token), body).await;
    assert_eq!(
        (empty.status, empty.json()),
        (StatusCode::OK, json!({"results": []}))
    );

    // Another trust's inspection reads as not found, as does an unknown one.
    let unit = ward_of(&app, &token).await;
    let inspection = Uuid::now_v7();
    let start = json!({"device_id": Uuid::now_v7(), "mutations": [upsert(inspection, unit, "in_progress")]});
    app.post("/api/v1/sync/push", Some(&token), start).await;
    let path = format!("/api/v1/inspections/{inspection}");
    assert_eq!(app.get(&path, Some(&board)).await.status, StatusCode::OK);
    let outsider = app.login("admin@buddy.nhs.test").await;
    assert_eq!(
        app.get(&path, Some(&outsider)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(
            &format!("/api/v1/inspections/{}", Uuid::now_v7()),
            Some(&token)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/inspections/not-a-uuid", Some(&token))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&path, None).await.status, StatusCode::UNAUTHORIZED);
}

/// The store's side of the rules, the same on both databases.
async fn push_story(store: Store) {
    server::seed::seed_demo(&store, PASSWORD, Utc::now())
        .await
        .unwrap();
    let inspector = store
        .user_by_email("inspector@demo.nhs.test")
        .await
        .unwrap()
        .unwrap();
    let unit = store.units_of_trust(inspector.trust_id).await.unwrap()[0].id;
    let pusher = Pusher {
        user_id: inspector.id,
        trust_id: inspector.trust_id,
        device_id: Uuid::now_v7(),
        role: domain::Role::WardInspector,
        today: chrono::Utc::now().date_naive(),
    };
    let inspection = Uuid::now_v7();
    let catalogue = domain::Catalogue::built_in().unwrap();
    let item = |value: Value| {
        PushItem::checked(
            &catalogue,
            serde_json::from_value::<Mutation>(value).unwrap(),
        )
    };
    let finding_id = Uuid::now_v7();
    let items = vec![
        item(upsert(inspection, unit, "in_progress")),
        item(finding(finding_id, inspection, "met", "first")),
        item(finding(finding_id, inspection, "not_met", "second")),
    ];
    let results = store.push(&pusher, &items, Utc::now()).await.unwrap();
    assert!(
        results.iter().all(|r| r.status == PushStatus::Applied),
        "{results:?}"
    );
    let repeat = store.push(&pusher, &items, Utc::now()).await.unwrap();
    assert!(
        repeat.iter().all(|r| r.status == PushStatus::Duplicate),
        "{repeat:?}"
    );
    let mut reused = items[1].clone();
    reused.mutation.data["note"] = json!("changed under the same id");
    let conflict = store.push(&pusher, &[reused], Utc::now()).await.unwrap();
    assert_eq!(conflict[0].status, PushStatus::Conflict);

    let (trust, view) = store.inspection_view(inspection).await.unwrap().unwrap();
    assert_eq!(trust, inspector.trust_id);
    assert_eq!(view.findings.len(), 1);
    assert_eq!(view.findings[0].note, "second");
    assert!(view.started_at < Utc::now());
}

#[tokio::test]
async fn push_story_on_sqlite() {
    let storage = common::sqlite_store().await;
    push_story(storage.store.clone()).await;
}

#[tokio::test]
async fn push_story_on_postgres() {
    let storage = common::postgres_store(&common::postgres_admin_url()).await;
    push_story(storage.store.clone()).await;
}

#[tokio::test]
async fn pull_returns_the_lists_until_the_cursor_is_current_and_again_after_a_change() {
    let app = spawn_app().await;
    let reviewer = app.login("reviewer@buddy.nhs.test").await;
    assert_eq!(
        app.get("/api/v1/sync/pull", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    let first = app.get("/api/v1/sync/pull", Some(&reviewer)).await;
    assert_eq!(first.status, StatusCode::OK);
    let first = first.json();
    let cursor = first["cursor"].as_str().unwrap().to_owned();
    assert!(
        first["units"].as_array().unwrap().len() >= 20,
        "granted wards"
    );
    assert!(!first["templates"].as_array().unwrap().is_empty());
    assert_eq!(first["comments"], json!([]));

    let same = app
        .get(
            &format!("/api/v1/sync/pull?since={cursor}"),
            Some(&reviewer),
        )
        .await
        .json();
    assert_eq!(
        same,
        json!({"cursor": cursor, "templates": [], "units": [], "comments": [], "removed_photo_ids": [], "redacted_note_ids": [], "open_inspections": []})
    );

    // The grant ends: the reviewer's devices must drop the other trust's wards.
    let admin = app.caller(&app.login("admin@demo.nhs.test").await).await;
    let grant = server::admin::overview(&app.store, &admin, app.clock.today())
        .await
        .unwrap()
        .grants[0]
        .id;
    server::admin::end_grant(&app.store, &admin, grant, app.clock.now())
        .await
        .unwrap();
    let after = app
        .get(
            &format!("/api/v1/sync/pull?since={cursor}"),
            Some(&reviewer),
        )
        .await
        .json();
    assert_ne!(after["cursor"], json!(cursor));
    assert!(
        after["units"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["trust"]["name"] != server::seed::DEMO_TRUST)
    );
    let stale = app
        .get("/api/v1/sync/pull?since=not-a-cursor", Some(&reviewer))
        .await;
    assert_eq!(stale.status, StatusCode::OK);
    assert_eq!(stale.json()["cursor"], after["cursor"]);
}
