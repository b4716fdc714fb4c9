//! Handing an open inspection to the next shift (`/api/v1/inspections/{id}/hand-over`): who
//! may, to whom, what the new owner's pull lists, and that only the owner pushes afterwards.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use chrono::Utc;
use common::changes::upsert;
use common::{PASSWORD, TestApp, spawn_app};
use serde_json::{Value, json};
use server::clock::Clock;
use server::store::NewUser;
use server::store::prelude::*;
use uuid::Uuid;

/// A met answer to S1.8 with a note, as a new finding.
fn answer(inspection_id: Uuid, note: &str) -> Value {
    common::changes::finding(Uuid::now_v7(), inspection_id, "met", note)
}

async fn push(app: &TestApp, token: &str, mutations: Vec<Value>) -> Vec<String> {
    let batch = json!({"device_id": Uuid::now_v7(), "mutations": mutations});
    let reply = app.post("/api/v1/sync/push", Some(token), batch).await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_owned())
        .collect()
}

/// A second ward inspector of the demo trust, signed in: (their id, token).
async fn night_shift(app: &TestApp, active: bool) -> (Uuid, String) {
    let demo_admin = app
        .store
        .user_by_email("admin@demo.nhs.test")
        .await
        .unwrap();
    let id = Uuid::now_v7();
    let email = format!("night-{id}@demo.nhs.test");
    let user = NewUser {
        id,
        trust_id: demo_admin.unwrap().trust_id,
        email: email.clone(),
        name: format!("Night Nurse {}", &id.to_string()[..4]),
        role: "ward_inspector".to_owned(),
        password_hash: server::auth::password::hash(PASSWORD).unwrap(),
        must_change_password: false,
    };
    app.store.create_user(&user, Utc::now()).await.unwrap();
    let token = app.login(&email).await;
    if !active {
        app.store
            .update_user(id, "ward_inspector", false)
            .await
            .unwrap();
    }
    (id, token)
}

async fn open_inspection(app: &TestApp, token: &str) -> (Uuid, Uuid) {
    let units = app.get("/api/v1/units", Some(token)).await.json();
    let unit: Uuid = units[0]["id"].as_str().unwrap().parse().unwrap();
    let id = Uuid::now_v7();
    let pushed = push(
        app,
        token,
        vec![upsert(id, unit, "in_progress"), answer(id, "day")],
    )
    .await;
    assert_eq!(pushed, ["applied", "applied"]);
    (id, unit)
}

fn hand_over_path(id: Uuid) -> String {
    format!("/api/v1/inspections/{id}/hand-over")
}

fn listed(pull: &Value) -> Vec<Uuid> {
    serde_json::from_value(pull["open_inspections"].clone()).unwrap()
}

#[tokio::test]
async fn the_owner_hands_an_open_inspection_to_the_next_shift() {
    let app = spawn_app().await;
    let day = app.login("inspector@demo.nhs.test").await;
    let (night_id, night) = night_shift(&app, true).await;
    let (id, unit) = open_inspection(&app, &day).await;
    let night_before = app.get("/api/v1/sync/pull", Some(&night)).await.json();
    assert!(!listed(&night_before).contains(&id));
    assert!(listed(&app.get("/api/v1/sync/pull", Some(&day)).await.json()).contains(&id));

    // The owner is offered the trust's other active inspectors and admins, by name.
    let choices = app.get(&hand_over_path(id), Some(&day)).await;
    assert_eq!(choices.status, StatusCode::OK);
    let choices = choices.json();
    assert_eq!(choices["owner"]["name"], "Sam Okafor");
    let offered: Vec<Uuid> = choices["colleagues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(offered.contains(&night_id));
    let board = app.store.user_by_email("board@demo.nhs.test").await;
    assert!(!offered.contains(&board.unwrap().unwrap().id));

    let reply = app
        .post(
            &hand_over_path(id),
            Some(&day),
            json!({"to_user_id": night_id}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.json());
    assert_eq!(reply.json()["user_id"], night_id.to_string());
    assert_eq!(reply.json()["findings"][0]["note"], "day");

    // The new owner's pull lists it (even asked with a current cursor: that list is always
    // whole), the old owner's no longer does.
    let night_after = app
        .get(
            &format!(
                "/api/v1/sync/pull?since={}",
                night_before["cursor"].as_str().unwrap()
            ),
            Some(&night),
        )
        .await
        .json();
    assert_eq!(night_after["cursor"], night_before["cursor"]);
    assert_eq!(night_after["units"], json!([]));
    assert!(listed(&night_after).contains(&id));
    assert!(!listed(&app.get("/api/v1/sync/pull", Some(&day)).await.json()).contains(&id));

    // From now on only the new owner's changes count; the old owner's are refused with why.
    assert_eq!(
        push(&app, &night, vec![answer(id, "night")]).await,
        ["applied"]
    );
    assert_eq!(
        push(
            &app,
            &day,
            vec![answer(id, "late"), upsert(id, unit, "submitted")]
        )
        .await,
        ["rejected", "rejected"]
    );
    assert_eq!(
        push(&app, &night, vec![upsert(id, unit, "submitted")]).await,
        ["applied"]
    );
    // Finished, it stays with whoever finished it.
    let day_id = app.caller(&day).await.user.id;
    let again = app
        .post(
            &hand_over_path(id),
            Some(&night),
            json!({"to_user_id": day_id}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(
        app.get(&hand_over_path(id), Some(&night)).await.status,
        StatusCode::CONFLICT
    );
    assert!(!listed(&app.get("/api/v1/sync/pull", Some(&night)).await.json()).contains(&id));
}

#[tokio::test]
async fn a_trust_admin_hands_over_anyones_open_inspection_and_nobody_else_can() {
    let app = spawn_app().await;
    let day = app.login("inspector@demo.nhs.test").await;
    let admin = app.login("admin@demo.nhs.test").await;
    let (night_id, night) = night_shift(&app, true).await;
    let (id, _) = open_inspection(&app, &day).await;

    // A colleague of the same trust may not hand it over, nor take it for themselves.
    for who in [&night, &app.login("board@demo.nhs.test").await] {
        let reply = app
            .post(
                &hand_over_path(id),
                Some(who),
                json!({"to_user_id": night_id}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        assert_eq!(reply.error_code(), "forbidden");
        assert_eq!(
            app.get(&hand_over_path(id), Some(who)).await.status,
            StatusCode::FORBIDDEN
        );
    }
    // Another trust (a reviewer with a grant included) is told it does not exist.
    for email in ["admin@buddy.nhs.test", "reviewer@buddy.nhs.test"] {
        let other = app.login(email).await;
        let reply = app
            .post(
                &hand_over_path(id),
                Some(&other),
                json!({"to_user_id": night_id}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{email}");
        let choices = app.get(&hand_over_path(id), Some(&other)).await;
        assert_eq!(choices.status, StatusCode::NOT_FOUND, "{email}");
    }
    let unknown = hand_over_path(Uuid::now_v7());
    let reply = app
        .post(&unknown, Some(&admin), json!({"to_user_id": night_id}))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.post(&hand_over_path(id), None, json!({"to_user_id": night_id}))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );

    // Only an active inspector or admin of the trust can take it on; nothing changes otherwise.
    let (inactive_id, _) = night_shift(&app, false).await;
    let board_id = app
        .store
        .user_by_email("board@demo.nhs.test")
        .await
        .unwrap()
        .unwrap()
        .id;
    let buddy_id = app
        .store
        .user_by_email("admin@buddy.nhs.test")
        .await
        .unwrap()
        .unwrap()
        .id;
    for to in [inactive_id, board_id, buddy_id, Uuid::now_v7()] {
        let reply = app
            .post(&hand_over_path(id), Some(&admin), json!({"to_user_id": to}))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(reply.error_code(), "unprocessable");
    }
    for bad in [json!({}), json!({"to_user_id": "nobody"})] {
        let reply = app.post(&hand_over_path(id), Some(&admin), bad).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let day_id = app.caller(&day).await.user.id;
    let view = app
        .get(&format!("/api/v1/inspections/{id}"), Some(&day))
        .await;
    assert_eq!(view.status, StatusCode::OK);
    assert_eq!(view.json()["user_id"], day_id.to_string());
    let same = app
        .post(
            &hand_over_path(id),
            Some(&admin),
            json!({"to_user_id": day_id}),
        )
        .await;
    assert_eq!(same.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Checked again as it is written: the owner changed, or the one taking it on was
    // deactivated, since the caller looked: nothing changes.
    let now = chrono::Utc::now();
    assert!(
        !app.store
            .hand_over(id, night_id, day_id, now)
            .await
            .unwrap()
    );
    assert!(
        !app.store
            .hand_over(id, day_id, inactive_id, now)
            .await
            .unwrap()
    );
    assert!(
        !app.store
            .hand_over(id, day_id, board_id, now)
            .await
            .unwrap()
    );

    let reply = app
        .post(
            &hand_over_path(id),
            Some(&admin),
            json!({"to_user_id": night_id}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(listed(&app.get("/api/v1/sync/pull", Some(&night)).await.json()).contains(&id));
    assert_eq!(
        push(&app, &night, vec![answer(id, "night")]).await,
        ["applied"]
    );
}

#[tokio::test]
async fn a_device_reads_the_checklist_version_an_inspection_was_started_on() {
    let app = spawn_app().await;
    let token = app.login("inspector@demo.nhs.test").await;
    let templates = app.get("/api/v1/templates", Some(&token)).await.json();
    let first = &templates[0];
    let path = format!(
        "/api/v1/templates/{}/versions/{}",
        first["id"].as_str().unwrap(),
        first["version"]
    );
    let reply = app.get(&path, Some(&token)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["prompt_codes"], first["prompt_codes"]);
    let missing = format!(
        "/api/v1/templates/{}/versions/999",
        first["id"].as_str().unwrap()
    );
    assert_eq!(
        app.get(&missing, Some(&token)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&path, None).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn manage_trust_lists_open_inspections_and_the_admin_hands_one_over_from_there() {
    use axum::body::Body;
    use axum::http::{Request, header};
    use server::clock::Clock;
    let app = spawn_app().await;
    let day = app.login("inspector@demo.nhs.test").await;
    let admin = app.login("admin@demo.nhs.test").await;
    let (night_id, night) = night_shift(&app, true).await;
    let (id, _) = open_inspection(&app, &day).await;

    let admin_caller = app.caller(&admin).await;
    let overview = server::admin::overview(&app.store, &admin_caller, app.clock.today())
        .await
        .unwrap();
    let listed = overview
        .open_inspections
        .iter()
        .find(|i| i.id == id)
        .unwrap();
    assert_eq!(listed.owner_name, "Sam Okafor");
    assert!(!listed.unit_name.is_empty());

    let hand_over = |token: &str, to: Uuid| {
        Request::post("/fn/admin_hand_over")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from(format!("inspection_id={id}&to_user_id={to}")))
            .unwrap()
    };
    // Not the inspector's to give away through the admin page, and not to a board member.
    assert_eq!(
        app.send(hand_over(&day, night_id)).await.status,
        StatusCode::FORBIDDEN
    );
    let board = app
        .store
        .user_by_email("board@demo.nhs.test")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        app.send(hand_over(&admin, board.id)).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.send(hand_over(&admin, night_id)).await.status,
        StatusCode::OK
    );
    assert!(listed_in_pull(&app, &night).await.contains(&id));
    let overview = server::admin::overview(&app.store, &admin_caller, app.clock.today())
        .await
        .unwrap();
    let listed = overview
        .open_inspections
        .iter()
        .find(|i| i.id == id)
        .unwrap();
    assert_eq!(listed.owner_id, night_id);
}

async fn listed_in_pull(app: &TestApp, token: &str) -> Vec<Uuid> {
    listed(&app.get("/api/v1/sync/pull", Some(token)).await.json())
}

#[tokio::test]
async fn a_trust_admin_reopens_an_inspection_finished_by_mistake() {
    let app = spawn_app().await;
    let inspector = app.login("inspector@demo.nhs.test").await;
    let admin = app.login("admin@demo.nhs.test").await;
    let other_admin = app.login("admin@buddy.nhs.test").await;
    let (id, unit) = open_inspection(&app, &inspector).await;
    let path = format!("/api/v1/inspections/{id}/reopen");
    let reason = json!({"reason": "Finished before bay 3 was checked"});

    // Still open: nothing to reopen.
    let open = app.post(&path, Some(&admin), reason.clone()).await;
    assert_eq!(open.status, StatusCode::CONFLICT);
    assert_eq!(
        push(&app, &inspector, vec![upsert(id, unit, "submitted")]).await,
        ["applied"]
    );
    assert!(!listed(&app.get("/api/v1/sync/pull", Some(&inspector)).await.json()).contains(&id));

    // Signed out 401, not an admin 403, another trust's admin 404, no reason 422.
    assert_eq!(
        app.post(&path, None, reason.clone()).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.post(&path, Some(&inspector), reason.clone())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post(&path, Some(&other_admin), reason.clone())
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post(&path, Some(&admin), json!({"reason": " "}))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // The admin sees it among the finished ones and reopens it.
    let caller = app.caller(&admin).await;
    let overview = server::admin::overview(&app.store, &caller, app.clock.today())
        .await
        .unwrap();
    assert!(overview.finished_inspections.iter().any(|i| i.id == id));
    let reopened = app.post(&path, Some(&admin), reason.clone()).await;
    assert_eq!(reopened.status, StatusCode::OK, "{}", reopened.json());
    assert_eq!(reopened.json()["status"], "in_progress");
    let audited = app
        .count_behind_its_back(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'inspection.reopen' \
             AND content LIKE '%bay 3%'",
        )
        .await;
    assert_eq!(audited, 1);

    // Its owner's devices list it among their open inspections again, and the owner carries on.
    assert!(listed(&app.get("/api/v1/sync/pull", Some(&inspector)).await.json()).contains(&id));
    assert_eq!(
        push(
            &app,
            &inspector,
            vec![answer(id, "bay 3 checked"), upsert(id, unit, "submitted")]
        )
        .await,
        ["applied", "applied"]
    );
}
