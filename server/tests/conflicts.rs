//! Conflict review: a reused mutation id with other content is kept, shown to the trust's
//! admins beside what was applied first, and resolved either way; nobody else sees it.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::spawn_app;
use domain::conflict::Resolution;
use domain::sync::PushStatus;
use serde_json::{Value, json};
use server::conflicts;
use server::error::ApiError;
use server::store::prelude::*;
use uuid::Uuid;

fn finding(mutation: Uuid, id: Uuid, inspection: Uuid, response: &str) -> Value {
    json!({"id": mutation, "kind": "finding.record", "data": {
        "id": id, "inspection_id": inspection, "item_code": "S1.8", "response": response,
        "note": "", "photo_ids": [], "observed_at": "2026-11-26T09:05:00Z"}})
}

#[tokio::test]
async fn conflicts_are_shown_to_the_trust_admin_and_resolved_either_way() {
    let app = spawn_app().await;
    let token = app.login("inspector@demo.nhs.test").await;
    let units = app.get("/api/v1/units", Some(&token)).await.json();
    let (inspection, f1, f2) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let (m1, m2) = (Uuid::now_v7(), Uuid::now_v7());
    let push = |mutations: Vec<Value>| json!({"device_id": Uuid::now_v7(), "mutations": mutations});
    let start = json!({"id": Uuid::now_v7(), "kind": "inspection.upsert", "data": {"id": inspection,
        "unit_id": units[0]["id"], "framework_id": "cqc-kloe-2017",
        "started_at": "2026-11-26T09:00:00Z", "status": "in_progress"}});
    let first = push(vec![
        start,
        finding(m1, f1, inspection, "met"),
        finding(m2, f2, inspection, "met"),
    ]);
    assert_eq!(
        app.post("/api/v1/sync/push", Some(&token), first)
            .await
            .status,
        StatusCode::OK
    );
    let again = push(vec![
        finding(m1, f1, inspection, "not_met"),
        finding(m2, f2, inspection, "partially_met"),
    ]);
    let reply = app
        .post("/api/v1/sync/push", Some(&token), again)
        .await
        .json();
    assert!(
        reply["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "conflict")
    );

    // Only the owning trust's admins see and resolve them.
    let inspector = app.caller(&token).await;
    assert!(matches!(
        conflicts::open(&app.state, &inspector).await,
        Err(ApiError::Forbidden(_))
    ));
    let outsider = app.caller(&app.login("admin@buddy.nhs.test").await).await;
    assert!(
        conflicts::open(&app.state, &outsider)
            .await
            .unwrap()
            .is_empty()
    );
    let admin = app.caller(&app.login("admin@demo.nhs.test").await).await;
    let open = conflicts::open(&app.state, &admin).await.unwrap();
    assert_eq!(open.len(), 2);
    assert!(matches!(
        conflicts::resolve(&app.state, &outsider, open[0].seq, Resolution::ApplyKept).await,
        Err(ApiError::NotFound)
    ));
    assert_eq!(open[0].mutation_id, m1);
    assert_eq!(open[0].applied.as_ref().unwrap()["response"], "met");
    assert_eq!(open[0].kept["response"], "not_met");
    assert_eq!(
        open[0].applied_by.as_deref(),
        Some(inspector.user.name.as_str())
    );
    assert_eq!(open[0].kept_by, inspector.user.name);

    // Use the version sent again for the first; keep the applied one for the second.
    conflicts::resolve(&app.state, &admin, open[0].seq, Resolution::ApplyKept)
        .await
        .unwrap();
    conflicts::resolve(&app.state, &admin, open[1].seq, Resolution::KeepApplied)
        .await
        .unwrap();
    assert!(
        conflicts::open(&app.state, &admin)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        conflicts::resolve(&app.state, &admin, open[0].seq, Resolution::KeepApplied).await,
        Err(ApiError::Conflict(_))
    ));
    let view = app
        .get(&format!("/api/v1/inspections/{inspection}"), Some(&token))
        .await
        .json();
    let response_of = |id: Uuid| {
        view["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == json!(id))
            .unwrap()["response"]
            .clone()
    };
    assert_eq!(response_of(f1), "not_met");
    assert_eq!(response_of(f2), "met");

    // A conflict on an inspection finished since cannot be applied, and stays open.
    let m3 = Uuid::now_v7();
    let f3 = Uuid::now_v7();
    let finish = json!({"id": Uuid::now_v7(), "kind": "inspection.upsert", "data": {"id": inspection,
        "unit_id": units[0]["id"], "framework_id": "cqc-kloe-2017",
        "started_at": "2026-11-26T09:00:00Z", "status": "submitted"}});
    let body = push(vec![finding(m3, f3, inspection, "met"), finish]);
    assert_eq!(
        app.post("/api/v1/sync/push", Some(&token), body)
            .await
            .status,
        StatusCode::OK
    );
    let clash = push(vec![finding(m3, f3, inspection, "not_met")]);
    let reply = app
        .post("/api/v1/sync/push", Some(&token), clash)
        .await
        .json();
    assert_eq!(reply["results"][0]["status"], json!(PushStatus::Conflict));
    let open = conflicts::open(&app.state, &admin).await.unwrap();
    assert!(matches!(
        conflicts::resolve(&app.state, &admin, open[0].seq, Resolution::ApplyKept).await,
        Err(ApiError::Unprocessable(_))
    ));
    assert_eq!(conflicts::open(&app.state, &admin).await.unwrap().len(), 1);
    conflicts::resolve(&app.state, &admin, open[0].seq, Resolution::KeepApplied)
        .await
        .unwrap();
}

/// Two admins resolving the same conflict at the same moment: one wins, the other is told it
/// was resolved already, and the kept version is applied once (regression: apply and
/// mark-resolved were separate transactions, so both could apply it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_admins_resolving_one_conflict_at_once_apply_it_once() {
    let app = spawn_app().await;
    let token = app.login("inspector@demo.nhs.test").await;
    let units = app.get("/api/v1/units", Some(&token)).await.json();
    let inspection = Uuid::now_v7();
    let push = |mutations: Vec<Value>| json!({"device_id": Uuid::now_v7(), "mutations": mutations});
    let start = json!({"id": Uuid::now_v7(), "kind": "inspection.upsert", "data": {"id": inspection,
        "unit_id": units[0]["id"], "framework_id": "cqc-kloe-2017",
        "started_at": "2026-11-26T09:00:00Z", "status": "in_progress"}});
    let rounds = 6;
    let findings: Vec<(Uuid, Uuid)> = (0..rounds)
        .map(|_| (Uuid::now_v7(), Uuid::now_v7()))
        .collect();
    let mut first = vec![start];
    first.extend(
        findings
            .iter()
            .map(|(m, f)| finding(*m, *f, inspection, "met")),
    );
    app.post("/api/v1/sync/push", Some(&token), push(first))
        .await;
    let again = findings
        .iter()
        .map(|(m, f)| finding(*m, *f, inspection, "not_met"))
        .collect();
    app.post("/api/v1/sync/push", Some(&token), push(again))
        .await;

    let admin = app.caller(&app.login("admin@demo.nhs.test").await).await;
    let open = conflicts::open(&app.state, &admin).await.unwrap();
    assert_eq!(open.len(), rounds);
    for (conflict, (_, finding_id)) in open.iter().zip(&findings) {
        let (a, b) = tokio::join!(
            conflicts::resolve(&app.state, &admin, conflict.seq, Resolution::ApplyKept),
            conflicts::resolve(&app.state, &admin, conflict.seq, Resolution::ApplyKept),
        );
        let outcomes = [&a, &b];
        assert_eq!(
            outcomes.iter().filter(|r| r.is_ok()).count(),
            1,
            "{a:?} {b:?}"
        );
        assert!(
            outcomes
                .iter()
                .any(|r| matches!(r, Err(ApiError::Conflict(_)))),
            "{a:?} {b:?}"
        );
        // The first value and the kept version applied once: two entries.
        let history = app.store.history(*finding_id).await.unwrap();
        assert_eq!(history.len(), 2, "{history:?}");
    }
}
